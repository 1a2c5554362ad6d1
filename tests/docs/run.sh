#!/bin/sh
# The docs layer: the documentation checked against the code, every tests/docs/check-*.sh.
# Usage: tests/docs/run.sh BUILD_DIR
here=$(cd "$(dirname "$0")" && pwd)
exec sh "$here/../lib/run-checks.sh" docs "$here" "${1:-build}"
