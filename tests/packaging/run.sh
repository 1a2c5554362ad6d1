#!/bin/sh
# The packaging layer: the packages and install checked, every tests/packaging/check-*.sh.
# Usage: tests/packaging/run.sh BUILD_DIR
here=$(cd "$(dirname "$0")" && pwd)
exec sh "$here/../lib/run-checks.sh" packaging "$here" "${1:?usage: run.sh BUILD_DIR}"
