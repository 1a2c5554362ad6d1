#!/bin/sh
# Integration tests: the built binary against captured host fixtures and hostile inputs.
# No root needed, nothing outside the build directory is written. Prints "PASS name" or
# "FAIL name" per test. REGENERATE=1 rewrites the golden plans (review the diff).
# The tests are cases/NN-topic.sh, sourced in order with lib.sh's helpers and the variables
# below; a new file there is picked up.
# Usage: tests/integration/run.sh BUILD_DIR
set -u
build=${1:-build}
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
bin=$(realpath "$build/vfio-hook")
hosts=$repo/tests/fixtures/hosts
domains=$repo/tests/fixtures/domains
golden=$here/golden
scratch=$(realpath "$build")/integration
rm -rf "$scratch"
mkdir -p "$scratch/bin"
# The same binary under the name libvirt runs: positional arguments only.
ln -sf "$bin" "$scratch/bin/qemu"
qemu=$scratch/bin/qemu

. "$here/lib.sh"

# The host most cases plan on (a captured q35 desktop) and its VM: the GPU and its audio.
desk=$hosts/q35-bochs-desktop
vmxml=$domains/q35-bochs-desktop/gpu-and-audio.xml
# A minimal VM passing the GPU alone.
domain_xml=$scratch/vm.xml
cat > "$domain_xml" <<'XML'
<domain type='qemu'><name>win10</name><uuid>8f2b0c44-1c7e-4b1a-9d55-2f1b5c6a7e01</uuid>
<devices><hostdev mode='subsystem' type='pci' managed='yes'><source><address domain='0x0000' bus='0x00' slot='0x03' function='0x0'/></source></hostdev></devices></domain>
XML

for case_file in "$here"/cases/*.sh; do
	. "$case_file"
done
