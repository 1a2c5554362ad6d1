#!/bin/sh
# make demo: the plan for handing the GPU of a bundled example host (a single-GPU desktop
# captured from a real kernel) to an example VM. Reads the fixture, changes nothing.
set -eu
bin=${1:-build/vfio-hook}
here=$(cd "$(dirname "$0")" && pwd)
host=$here/fixtures/hosts/q35-bochs-desktop
domains=$here/fixtures/domains/q35-bochs-desktop
vm=$domains/gpu-and-audio.xml

echo "Example host: $host"
echo "Example VM:   $vm"
echo
echo "\$ vfio-hook plan --sysroot <example host> --xml <example VM>"
"$bin" plan --sysroot "$host" --xml "$vm"
echo
echo "The same VM listing only the HDMI audio function is refused, with the reason:"
echo "\$ vfio-hook plan --sysroot <example host> --xml <audio-only VM>"
"$bin" plan --sysroot "$host" --xml "$domains/audio-only.xml" || true
