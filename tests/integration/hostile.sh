#!/bin/sh
# Hostile and broken input, fed to the hook exactly as libvirt runs it (`qemu VM OP SUB EXTRA`
# with the domain XML on stdin; `--sysroot` points it at a scratch copy of a captured host).
# For every case: the right exit status for the operation (docs/hook-contract.md), exactly one
# clear line on stderr (none where the input is ignored by design), nothing on stdout, no change
# anywhere in the host tree outside the hook's log directory, and, under strace, no file written,
# created, renamed, removed or chmod'ed outside the hook's state and log directories, and no
# program run. Covers the XML corpus (tests/corpus/ and generated cases), tampered journals and
# state directories, and override files others could change. Prints "PASS name" or "FAIL name"
# per case ("SKIP name" where only root can build the case).
# Usage: tests/integration/hostile.sh BUILD_DIR
set -u
build=${1:-build}
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
bin=$(realpath "$build/vfio-hook")
fixture=$repo/tests/fixtures/hosts/q35-bochs-desktop
scratch=$(realpath "$build")/hostile
rm -rf "$scratch"
mkdir -p "$scratch/bin" "$scratch/cases"
ln -sf "$bin" "$scratch/bin/qemu"
qemu=$scratch/bin/qemu
uuid=8f2b0c44-1c7e-4b1a-9d55-2f1b5c6a7e01
started=$(date +%s)
count=0

pass() { echo "PASS integration.$1"; }
fail() { echo "FAIL integration.$1"; shift; for l in "$@"; do echo "  $l"; done; }
skip() { echo "SKIP integration.$1: $2"; }
lines() { if [ -s "$1" ]; then wc -l < "$1"; else echo 0; fi; }
nl='
'

# A scratch host as an installed one has it: the state and log directories exist, root's alone.
# Copying the fixture is slow on a busy disk: cases only reset what they tamper with (the state
# directory, /etc, and spare/ for link targets), and the tree is copied again only after a
# case changed it.
host=$scratch/host
state=$host/run/vfio-hook
logs=$host/var/log/libvirt/hooks/qemu
reset_host() {
	rm -rf "$state" "$host/etc" "$host/spare" "$host"/ran-*
	mkdir -p "$state" "$logs" "$host/etc/libvirt/hooks" "$host/spare"
	chmod 0700 "$state" "$logs"
	chmod 0755 "$host/etc" "$host/etc/libvirt" "$host/etc/libvirt/hooks" "$host/spare"
}
new_host() {
	rm -rf "$host"
	cp -a "$fixture" "$host"
	reset_host
}

# Everything but the log directory: names, types, links, sizes, modes, owners, times, contents.
tree_state() {
	(cd "$1" && find . -path ./var/log/libvirt/hooks/qemu -prune -o \
		-printf '%p %y %l %s %m %U:%G %T@ %C@\n' | LC_ALL=C sort &&
		find . -path ./var/log/libvirt/hooks/qemu -prune -o -type f -exec md5sum {} + |
		LC_ALL=C sort) | md5sum
}

# What the hook may not do outside its directories: change files, run programs, signal
# processes, reach sockets.
trace=openat,open,creat,mkdir,mkdirat,rename,renameat,renameat2,unlink,unlinkat,link,linkat
trace=$trace,symlink,symlinkat,truncate,ftruncate,chmod,fchmodat,chown,fchownat,write
trace=$trace,execve,execveat,connect,sendto,sendmsg,kill,tkill,tgkill,pidfd_open,pidfd_send_signal
if grep -qa __asan_init "$bin"; then
	tracer=""
	skip hostile-strace "LeakSanitizer cannot run under ptrace: the strace checks run in the plain build"
elif command -v strace >/dev/null 2>&1; then
	# Stopping only at the traced calls (seccomp) keeps the cost of a traced run small.
	fast=$(strace --seccomp-bpf -f -qq -e trace=write -o /dev/null true 2>/dev/null &&
		echo --seccomp-bpf)
	tracer="strace $fast -f -qq -y -e trace=$trace -o $scratch/strace"
	pass hostile-strace-available
else
	tracer=""
	fail hostile-strace-available "strace is not installed (tests/deps.sh test installs it):" \
		"the no-stray-writes checks below are skipped"
fi

# traced WHAT INPUT CMD...: runs CMD on INPUT under strace (when available); sets rc, and adds to
# problems every write, exec, signal or socket outside the tree's state and log directories.
traced() {
	what=$1 input=$2
	shift 2
	: > "$scratch/strace"
	timeout 60 $tracer "$@" < "$input" > "$scratch/out" 2> "$scratch/err"
	rc=$?
	[ -n "$tracer" ] || return 0
	stray=$(awk -v ROOT="$host" -v RUN="$state" -v LOG="$logs" -v CWD="$(pwd)" \
		-f "$here/stray-writes.awk" "$scratch/strace" "$scratch/strace")
	[ -z "$stray" ] || problems="$problems${nl}$what stepped outside the tree's state and log directories:${nl}$stray"
}
# hook VM OP SUB XML: one call as libvirt makes it.
hook() { traced "$2 $3" "$4" "$qemu" --sysroot "$host" "$1" "$2" "$3" -; }
# recover VM: `vfio-hook recover` on the scratch tree.
recover() { traced "recover $1" /dev/null "$bin" --sysroot "$host" recover "$1"; }

# expect OP SUB RC LINES [TEXT]: the last call's exit status, stderr and stdout.
expect() {
	[ "$rc" -eq "$3" ] || problems="$problems${nl}$1 $2 exited $rc, not $3"
	[ ! -s "$scratch/out" ] || problems="$problems${nl}$1 $2 printed on stdout: $(head -c 200 "$scratch/out")"
	n=$(lines "$scratch/err")
	if [ "$n" -ne "$4" ]; then
		problems="$problems${nl}$1 $2 printed $n lines on stderr, not $4: $(head -c 400 "$scratch/err")"
	elif [ "$4" -eq 1 ] && ! grep -qF -- "$5" "$scratch/err"; then
		problems="$problems${nl}$1 $2 said '$(cat "$scratch/err")', which lacks '$5'"
	fi
}

# report NAME: PASS, or FAIL with every problem the case collected, one per line.
report() {
	count=$((count + 1))
	if [ -z "$problems" ]; then pass "$1"; return; fi
	echo "FAIL integration.$1"
	printf '%s\n' "$problems" | sed -e '/^$/d' -e 's/^/  /'
}

# The checker itself: each kind of write outside is caught, writes inside are not.
R=/x/host
cat > "$scratch/strace-sample" <<LOG
1 execve("/b/qemu", ["qemu"], 0x0 /* 0 vars */) = 0
1 openat(AT_FDCWD</w>, "/etc/ld.so.cache", O_RDONLY|O_CLOEXEC) = 3</etc/ld.so.cache>
1 mkdir("$R/var", 0755) = -1 EEXIST (File exists)
1 mkdirat(5<$R/run>, "vfio-hook", 0700) = -1 EEXIST (File exists)
1 openat(6<$R/var/log/libvirt/hooks/qemu>, "win10.log", O_WRONLY|O_CREAT|O_APPEND, 0600) = 7<$R/var/log/libvirt/hooks/qemu/win10.log>
1 openat(4<$R/run/vfio-hook>, ".#u.journal", O_WRONLY|O_CREAT|O_EXCL, 0600) = 8<$R/run/vfio-hook/.#u.journal>
1 renameat(4<$R/run/vfio-hook>, ".#u.journal", 4<$R/run/vfio-hook>, "u.journal") = 0
1 write(2</dev/pts/0>, "vfio-hook: error: x", 19) = 19
1 write(7<$R/var/log/libvirt/hooks/qemu/win10.log>, "x", 1) = 1
1 openat(3<$R/sys>, "bus/pci/drivers_probe", O_WRONLY|O_CLOEXEC) = 9<$R/sys/bus/pci/drivers_probe>
1 openat(AT_FDCWD</w>, "/etc/passwd", O_RDWR) = -1 EACCES (Permission denied)
1 open("relative", O_WRONLY|O_TRUNC) = 3</w/relative>
1 creat("/tmp/x", 0644) = 3</tmp/x>
1 mkdir("/x", 0755) = -1 EEXIST (File exists)
1 mkdirat(4<$R/run/vfio-hook>, "../../etc", 0700) = 0
1 unlinkat(4<$R/run/vfio-hook>, "../x", 0) = 0
1 unlink("$R/sys/x") = 0
1 renameat2(4<$R/run/vfio-hook>, "a", 3<$R/sys>, "b", 0) = 0
1 symlinkat("/etc/shadow", 4<$R/proc>, "l") = 0
1 linkat(AT_FDCWD</w>, "/etc/shadow", 4<$R/run/vfio-hook>, "l", 0) = 0
1 fchmodat(AT_FDCWD</w>, "$R/sys", 0777) = 0
1 chown("/etc", 0, 0) = 0
1 truncate("$R/run/vfio-hook/sub/x", 0) = 0
1 ftruncate(9<$R/sys/x>, 0) = 0
1 write(9<$R/sys/bus/pci/drivers_probe>, "0000:00:03.0", 12) = 12
1 execve("/bin/sh", ["sh"], 0x0 /* 0 vars */) = 0
1 connect(3<socket:[1]>, {sa_family=AF_UNIX, sun_path="/run/dbus/system_bus_socket"}, 110) = 0
1 connect(3<socket:[1]>, {sa_family=AF_UNIX, sun_path="$R/run/user/1000/systemd/private"}, 110) = -1 ENOENT (No such file or directory)
1 sendmsg(4<socket:[2]>, {msg_name={sa_family=AF_UNIX, sun_path="/run/systemd/journal/socket"}, msg_namelen=31}, 0) = 10
1 connect(3<socket:[1]>, {sa_family=AF_INET, sin_port=htons(80), sin_addr=inet_addr("127.0.0.1")}, 16) = 0
1 pidfd_open(263, 0) = 5<anon_inode:[pidfd]>
1 kill(372, SIGTERM) = 0
1 pidfd_open(2, 0) = 5<anon_inode:[pidfd]>
2 execve("$R/etc/libvirt/hooks/vfio-hook.d/x/before-vfio", ["x"], 0x0 /* 0 vars */) = 0
1 connect(3<socket:[1]>, {sa_family=AF_UNIX, sun_path="/var/run/nscd/socket"}, 110) = -1 ENOENT (No such file or directory)
LOG
caught=$(awk -v ROOT="$R" -v RUN="$R/run/vfio-hook" -v LOG="$R/var/log/libvirt/hooks/qemu" \
	-v CWD=/w -f "$here/stray-writes.awk" "$scratch/strace-sample" "$scratch/strace-sample")
problems=""
[ "$(echo "$caught" | wc -l)" -eq 23 ] &&
	! echo "$caught" | grep -q -e win10.log -e 'u.journal' -e /systemd/private -e nscd -e 'pidfd_open(2,' ||
	problems="caught $(echo "$caught" | wc -l) of 23:${nl}$caught"
report hostile-stray-write-checker

# --- the domain XML -----------------------------------------------------------------------------
# xml_case NAME XML VM LEVEL TEXT [REASON] (levels: tests/corpus/expected; REASON, by default
# TEXT, is what `vfio-hook plan` must list as refused).
new_host
baseline=$(tree_state "$host")
xml_case() {
	name=$1 xml=$2 vm=$3 level=$4 text=$5 reason=${6:-$5}
	problems=""
	hook "$vm" prepare begin "$xml"
	case $level in
	read | xml) expect prepare begin 1 1 "$text" ;;
	plan)
		expect prepare begin 1 1 "$text"
		grep -qF "cannot hand the devices to" "$scratch/err" ||
			problems="$problems${nl}prepare begin refused without naming the VM"
		;;
	ignored) expect prepare begin 0 0 ;;
	*) problems="$problems${nl}unknown level '$level'" ;;
	esac
	hook "$vm" release end "$xml"
	case $level in
	read | xml) expect release end 0 1 "$text" ;;
	*) expect release end 0 0 ;;
	esac
	hook "$vm" start begin "$xml"
	case $level in
	read) expect start begin 0 1 "$text" ;;
	*) expect start begin 0 0 ;;
	esac
	# The plan verb on the same input: 2 for unreadable XML, 1 with the reason for a refusal.
	"$bin" plan --sysroot "$host" --xml "$xml" > "$scratch/out" 2> "$scratch/err"
	rc=$?
	case $level in
	read | xml) expect plan --xml 2 1 "$text" ;;
	plan) [ $rc -eq 1 ] && grep '^ *refused: ' "$scratch/out" | grep -qF -- "$reason" ||
		problems="$problems${nl}plan --xml exited $rc: $(grep refused "$scratch/out" | head -3)" ;;
	ignored) [ $rc -eq 0 ] && grep -q '(prepare/begin): 0 actions' "$scratch/out" ||
		problems="$problems${nl}plan --xml exited $rc: $(head -3 "$scratch/out")" ;;
	esac
	if [ "$(tree_state "$host")" != "$baseline" ]; then
		problems="$problems${nl}the host tree changed"
		new_host; baseline=$(tree_state "$host")
	fi
	report "hostile-$name"
}

grep -v '^#' "$repo/tests/corpus/expected" > "$scratch/expected"
while read -r name level text; do
	[ -f "$repo/tests/corpus/$name.xml" ] || { fail "hostile-$name" "no tests/corpus/$name.xml"; continue; }
	xml_case "$name" "$repo/tests/corpus/$name.xml" win10 "$level" "$text"
done < "$scratch/expected"
for x in "$repo"/tests/corpus/*.xml; do
	n=$(basename "$x" .xml)
	grep -q "^$n " "$repo/tests/corpus/expected" ||
		fail "hostile-$n" "tests/corpus/$n.xml has no line in tests/corpus/expected"
done

# Big documents are made here, not checked in.
c=$scratch/cases
head="<domain type='kvm'><name>win10</name><uuid>$uuid</uuid>"
{ printf '%s<description>' "$head"; head -c 5242880 /dev/zero | tr '\0' 'a'
  printf '</description><devices/></domain>\n'; } > "$c/5mib-description.xml"
xml_case 5mib-description "$c/5mib-description.xml" win10 read "domain XML larger than 4194304 bytes"
{ printf '%s' "$head"; head -c 5242880 /dev/zero | tr '\0' ' '; } > "$c/5mib-unclosed.xml"
xml_case 5mib-unclosed "$c/5mib-unclosed.xml" win10 read "domain XML larger than 4194304 bytes"
{ printf '%s<description>' "$head"; head -c 4100000 /dev/zero | tr '\0' 'a'
  printf '</description><devices/></domain>\n'; } > "$c/4mib-description.xml"
xml_case 4mib-description "$c/4mib-description.xml" win10 xml "domain <description> longer than 65536 bytes"
# 23040 hostdevs, none of them on this host: bounded time, one line.
awk -v head="$head" 'BEGIN {
	printf "%s<devices>", head
	for (b = 16; b < 256; b++) for (s = 0; s < 32; s++) for (f = 0; f < 3; f++)
		printf "<hostdev mode=\"subsystem\" type=\"pci\"><source><address domain=\"0x0000\" bus=\"0x%02x\" slot=\"0x%02x\" function=\"0x%x\"/></source></hostdev>", b, s, f
	printf "</devices></domain>\n" }' > "$c/many-hostdevs.xml"
xml_case many-hostdevs "$c/many-hostdevs.xml" win10 plan \
	"0000:10:00.0 is in the domain XML but no such PCI device exists on this host (and more: see the log)" \
	"0000:ff:1f.2 is in the domain XML but no such PCI device exists"

# VM names, in libvirt's argv and in <name> alike, with a hostdev that is not on this host: the
# refusal is one line whatever the name holds, and the log file is named by UUID unless the name
# is a plain file name.
name_case() {
	printf "<domain type='kvm'><name>%s</name><uuid>%s</uuid><devices><hostdev mode='subsystem' type='pci'><source><address domain='0x0000' bus='0x0f' slot='0x00' function='0x0'/></source></hostdev></devices></domain>\n" \
		"$2" "$uuid" > "$c/$1.xml"
	xml_case "$1" "$c/$1.xml" "$2" "$3" "$4" "$missing"
}
missing="0000:0f:00.0 is in the domain XML but no such PCI device exists"
long=$(head -c 300 /dev/zero | tr '\0' 'a')
huge=$(head -c 5000 /dev/zero | tr '\0' 'a')
name_case name-dotdot .. plan "to '..': $missing"
name_case name-slashes ../../etc/cron.d/evil plan "to '../../etc/cron.d/evil': $missing"
name_case name-leading-dash -rf plan "to '-rf': $missing"
name_case name-dry-run --dry-run plan "to '--dry-run': $missing"
name_case name-sysroot --sysroot plan "to '--sysroot': $missing"
name_case name-spaces "my vm  2" plan "to 'my vm  2': $missing"
name_case name-newline "a${nl}b" plan "to 'a\\x0ab': $missing"
name_case name-shell '$(reboot)`id`;x|y' plan "to '\$(reboot)\`id\`;x|y': $missing"
name_case name-300-chars "$long" plan "to '$(head -c 128 /dev/zero | tr '\0' 'a')': $missing"
name_case name-5000-chars "$huge" xml "domain <name> too long"
name_case name-empty "" xml "domain XML has no <name>"
name_case name-escape-sequence "$(printf 'a\033[2Jb')" xml "malformed domain XML"
# argv and <name> disagree: libvirt never does that.
printf '%s<devices/></domain>\n' "$head" > "$c/argv-name-differs.xml"
problems=""
hook ../../etc/passwd prepare begin "$c/argv-name-differs.xml"
expect prepare begin 1 1 "VM name '../../etc/passwd' in argv differs from <name>win10</name>"
hook ../../etc/passwd release end "$c/argv-name-differs.xml"
expect release end 0 1 "VM name '../../etc/passwd' in argv differs from <name>win10</name>"
hook ../../etc/passwd start begin "$c/argv-name-differs.xml"
expect start begin 0 0
[ "$(tree_state "$host")" = "$baseline" ] || { problems="$problems${nl}the host tree changed"; new_host; baseline=$(tree_state "$host"); }
report hostile-argv-name-differs
# A VM's log file is named as libvirt names its own, the name taken literally (spaces and
# shell characters are only bytes here); a name that cannot be a file name gets the UUID's.
unexpected=$(ls "$logs" | grep -vxF -e "$uuid.log" -e 'win10.log' -e 'my vm  2.log' \
	-e '$(reboot)`id`;x|y.log')
problems=""
[ -z "$unexpected" ] || problems="log files with unexpected names: $unexpected"
report hostile-log-file-names

# --- a tampered state: the journal release would act on ---------------------------------------
# What prepare records for the GPU and its audio function on this host; release must accept it.
vm_xml=$c/win10.xml
cat > "$vm_xml" <<XML
<domain type='kvm'><name>win10</name><uuid>$uuid</uuid><devices>
<hostdev mode='subsystem' type='pci' managed='yes'><source><address domain='0x0000' bus='0x00' slot='0x03' function='0x0'/></source></hostdev>
<hostdev mode='subsystem' type='pci' managed='yes'><source><address domain='0x0000' bus='0x00' slot='0x03' function='0x1'/></source></hostdev>
</devices></domain>
XML
good=$c/good.journal
cat > "$good" <<J
vfio-hook-journal 2
uuid $uuid
name win10
boot-id 2c4db535-4216-400d-8299-15aab067b330
pid 4242
state prepared
host-graphics go
device 0000:00:03.0
device 0000:00:03.1
action done display-manager stop-unit 0 nodm.service active %
action done drivers unbind-pci 0 0000:00:03.1 snd_hda_intel %
action done drivers unbind-pci 0 0000:00:03.0 bochs-drm %
action done drivers unload-module 0 bochs loaded %
action done vfio bind-vfio 0 0000:00:03.0 bochs-drm %
action done vfio bind-vfio 0 0000:00:03.1 snd_hda_intel %
end
J
journal=$state/$uuid.journal
# A journal with one line replaced (sed expression) or added before "end".
edited() { sed -e "$1" "$good"; }
with_action() { sed -e "/^end\$/i action done $1" "$good"; }

problems=""
reset_host
cp "$good" "$journal" && chmod 0600 "$journal"
"$bin" plan --release --sysroot "$host" --xml "$vm_xml" > "$scratch/out" 2> "$scratch/err"
[ $? -eq 0 ] && grep -q 'Plan for VM .win10. (release/end): 6 actions' "$scratch/out" ||
	problems="the untampered journal is not accepted: $(cat "$scratch/err" "$scratch/out")"
report hostile-journal-untampered-is-accepted
# And the checks below see it when the hook does act: releasing it for real on the scratch tree
# writes sysfs files there.
problems=""
before=$(tree_state "$host")
hook win10 release end "$vm_xml"
seen=$problems
problems=""
if [ -n "$tracer" ] && ! echo "$seen" | grep -q "driver_override"; then
	problems="strace saw no sysfs write"
fi
[ "$(tree_state "$host")" != "$before" ] || problems="$problems${nl}the tree looks unchanged"
report hostile-checks-see-a-real-release
new_host

# journal_case NAME SAYS [release-only]: the state was set up by the caller; release refuses with
# one line naming the problem and exits 0; prepare (which first gives back an earlier run's
# record) and `recover UUID` refuse with one line and exit 1; none changes anything.
# release-only: a journal wrong only for the domain at hand (another VM's name), which prepare
# and recover by UUID have no domain to hold against.
journal_case() {
	problems=""
	before=$(tree_state "$host")
	hook win10 release end "$vm_xml"
	expect release end 0 1 "$2"
	grep -q -e "Nothing given back" "$scratch/err" ||
		problems="$problems${nl}release did not say that nothing was given back"
	if [ "${3:-}" != release-only ]; then
		hook win10 prepare begin "$vm_xml"
		expect prepare begin 1 1 "$2"
		recover "$uuid"
		expect recover "$uuid" 1 1 "$2"
	fi
	[ "$(tree_state "$host")" = "$before" ] || { problems="$problems${nl}the host tree changed"; new_host; }
	report "hostile-journal-$1"
	reset_host
}
# tampered NAME SAYS [release-only]: the journal just written, as the hook would have it.
tampered() {
	chmod 0600 "$journal"
	journal_case "$@"
}
reset_host

ln -s /etc/shadow "$journal"
journal_case symlink-to-etc-shadow "is refused (it is a symbolic link, not followed)"
cp "$good" "$host/spare/good.journal" && chmod 0600 "$host/spare/good.journal" && ln -s ../../spare/good.journal "$journal"
journal_case symlink-to-a-valid-journal "is refused (it is a symbolic link, not followed)"
mkfifo -m 0600 "$journal"
journal_case fifo "is refused (it is not a regular file)"
mkdir -m 0700 "$journal"
journal_case directory "is refused (it is not a regular file)"
cp "$good" "$journal" && chmod 0620 "$journal"
journal_case group-writable "is refused (it is writable by group or others)"
cp "$good" "$journal" && chmod 0602 "$journal"
journal_case world-writable "is refused (it is writable by group or others)"
if [ "$(id -u)" -eq 0 ]; then
	cp "$good" "$journal" && chmod 0600 "$journal" && chown 65534:65534 "$journal"
	journal_case owned-by-another-user "is refused (it is owned by uid 65534, not 0)"
else
	skip hostile-journal-owned-by-another-user "only root can give a file to another user"
fi
cp "$good" "$journal" && chmod 0600 "$journal" && ln "$journal" "$state/second-name"
journal_case hard-linked "is refused (it has 2 hard links)"
{ cat "$good"; head -c 300000 /dev/zero | tr '\0' '#'; } > "$journal" &&
	tampered too-big "is refused (it is larger than 262144 bytes)"
: > "$journal" && tampered empty "is refused (empty file)"
printf 'lorem ipsum dolor\nsit amet\n' > "$journal" &&
	tampered garbage-text "is refused (line 1: not a vfio-hook journal)"
head -c 4096 "$bin" > "$journal" && tampered garbage-binary "is refused (contains a NUL byte)"
head -c $(($(wc -c < "$good") - 30)) "$good" > "$journal" &&
	tampered truncated-mid-line "is refused (line 15: cut off: no newline at the end)"
sed '$d' "$good" > "$journal" &&
	tampered truncated-at-a-line "is refused (line 15: cut off: no end line)"
edited 's/^vfio-hook-journal 2$/vfio-hook-journal 1/' > "$journal" &&
	tampered wrong-version "is refused (line 1: version 1; this vfio-hook reads version 2)"
edited 's/^state prepared$/state prepared\nstate releasing/' > "$journal" &&
	tampered duplicate-state "is refused (line 7: second state record)"
edited 's/^device 0000:00:03.1$/device 0000:00:03.1\ndevice 0000:00:03.1/' > "$journal" &&
	tampered duplicate-device "is refused (line 10: device 0000:00:03.1 listed twice)"
edited 's/^action done vfio bind-vfio 0 0000:00:03.1/action planned vfio bind-vfio 0 0000:00:03.1/' > "$journal" &&
	tampered contradictory-states "is refused (action 6 (bind-vfio 0000:00:03.1) is planned, which contradicts"
edited 's/^uuid .*/uuid 8f2b0c44-1c7e-4b1a-9d55-2f1b5c6a7e02/' > "$journal" &&
	tampered uuid-not-the-file-name "is refused (it records uuid 8f2b0c44-1c7e-4b1a-9d55-2f1b5c6a7e02, not the $uuid its name says)"
# Prepare gives back an earlier record whatever the VM is called now: only release compares.
edited 's/^name .*/name other/' > "$journal" &&
	tampered name-not-the-vm "is refused (it records VM 'other', not 'win10')" release-only
with_action 'drivers unbind-pci 0 ../../etc/shadow bochs-drm %' > "$journal" &&
	tampered target-dotdot "unbind-pci target '../../etc/shadow' is not a PCI address"
with_action 'drivers unload-module 0 /etc/shadow loaded %' > "$journal" &&
	tampered target-absolute-path "unload-module target '/etc/shadow' is not a module name"
with_action 'vfio bind-vfio 0 0000:00:3.0 bochs-drm %' > "$journal" &&
	tampered target-not-a-pci-address "bind-vfio target '0000:00:3.0' is not a PCI address"
with_action 'drivers unbind-pci 0 0000:00:1f.0 lpc_ich %' > "$journal" &&
	tampered target-not-the-vms-device "unbind-pci of 0000:00:1f.0, which is not one of the VM's devices"
edited 's|^action done drivers unbind-pci 0 0000:00:03.0 bochs-drm %|action done drivers unbind-pci 0 0000:00:03.0 ../../../bin %|' > "$journal" &&
	tampered driver-with-slash "unbind-pci expectation '../../../bin' is not a driver name"
edited 's|^action done vfio bind-vfio 0 0000:00:03.0 bochs-drm %|action done vfio bind-vfio 0 0000:00:03.0 .. %|' > "$journal" &&
	tampered driver-dotdot "bind-vfio expectation '..' is not a driver name or none"
edited 's|^action done drivers unload-module 0 bochs loaded %|action done drivers unload-module 0 ../../lib/modules/evil loaded %|' > "$journal" &&
	tampered module-with-slash "unload-module target '../../lib/modules/evil' is not a module name"
edited 's|^action done display-manager stop-unit 0 nodm.service|action done display-manager stop-unit 0 nodm.service%3breboot|' > "$journal" &&
	tampered unit-name-invalid "stop-unit target 'nodm.service;reboot' is not a unit name"
edited 's|^action done display-manager stop-unit 0 nodm.service|action done display-manager stop-unit 0 ../../nodm.service|' > "$journal" &&
	tampered unit-name-path "stop-unit target '../../nodm.service' is not a unit name"
with_action 'vfio run-script 0 /bin/sh before %' > "$journal" &&
	tampered script-outside-overrides "run-script target '/bin/sh' is not an executable in /etc/libvirt/hooks/vfio-hook.d"
with_action 'drives unmount 0 /etc /etc/shadow%20ext4%20rw%20- %' > "$journal" &&
	tampered mount-source-outside-dev "unmount expectation '/etc/shadow ext4 rw -' is not a /dev source"
with_action 'shares export-nfs 0 -rf:/srv rw %' > "$journal" &&
	tampered nfs-option-injection "export-nfs target '-rf:/srv' is not client:/path"
with_action 'hugepages alloc-hugepages 0 kernel/mm/hugepages/hugepages-2048kB/../../../../etc 1 1' > "$journal" &&
	tampered hugepage-pool-outside-sysfs "is not a sysfs huge page pool"
with_action 'cpu-governor set-governor 0 cpu0/../../../../etc performance %' > "$journal" &&
	tampered cpu-outside-sysfs "set-governor target 'cpu0/../../../../etc' is not a cpuN name"
with_action 'drivers unbind-vtcon 0 vtcon1 bound %' > "$journal" &&
	tampered action-in-the-wrong-stage "unbind-vtcon in stage drivers, which never does that"

# The state directory itself.
rm -rf "$state" && chmod 0700 "$host/spare" && cp "$good" "$host/spare/$uuid.journal" &&
	ln -s ../spare "$state"
journal_case state-directory-symlink "the state directory is a symbolic link or not a directory, not followed"
rm -rf "$state" && : > "$state"
journal_case state-directory-is-a-file "the state directory is a symbolic link or not a directory, not followed"
chmod 0777 "$state" && cp "$good" "$journal" && chmod 0600 "$journal"
journal_case state-directory-world-writable "the state directory is not uid $(id -u)'s alone"
if [ "$(id -u)" -eq 0 ]; then
	cp "$good" "$journal" && chmod 0600 "$journal" && chown 65534:65534 "$state"
	journal_case state-directory-owned-by-another-user "(writable by group or others, or owned by uid 65534)"
else
	skip hostile-journal-state-directory-owned-by-another-user "only root can give a directory to another user"
fi

# --- override files others could change -------------------------------------------------------
od=$host/etc/libvirt/hooks/vfio-hook.d
new_overrides() {
	reset_host
	mkdir -p "$od/default" "$od/win10"
	chmod 0755 "$od" "$od/default" "$od/win10"
	for f in "$od/win10/before-display-manager-mark" "$od/default/after-vfio-mark" "$host/spare/before-vfio-mark"; do
		printf '#!/bin/sh\ntouch "%s/ran-$(basename "$0")"\n' "$host" > "$f"
		chmod 0755 "$f"
	done
	printf 'debug = no\n' > "$od/win10/vm.conf"
	cp "$od/win10/vm.conf" "$host/spare/vm.conf"
	chmod 0644 "$od/win10/vm.conf" "$host/spare/vm.conf"
}
# override_case NAME SAYS: prepare refuses with that one line and runs nothing; release (with
# nothing recorded) warns with it and uses the defaults; nothing changes.
override_case() {
	problems=""
	before=$(tree_state "$host")
	hook win10 prepare begin "$vm_xml"
	expect prepare begin 1 1 "$2"
	hook win10 release end "$vm_xml"
	expect release end 0 1 "$2"
	ls "$host"/ran-* >/dev/null 2>&1 && problems="$problems${nl}an override ran: $(ls "$host"/ran-*)"
	[ "$(tree_state "$host")" = "$before" ] || { problems="$problems${nl}the host tree changed"; new_host; }
	report "hostile-override-$1"
}
p=/etc/libvirt/hooks/vfio-hook.d
new_overrides
chmod 0757 "$od/win10/before-display-manager-mark"
override_case script-world-writable "refusing an override: $p/win10/before-display-manager-mark is writable by group or others"
new_overrides
chmod 0775 "$od/default/after-vfio-mark"
override_case script-group-writable "refusing an override: $p/default/after-vfio-mark is writable by group or others"
new_overrides
chmod 4755 "$od/win10/before-display-manager-mark"
override_case script-setuid "refusing an override: $p/win10/before-display-manager-mark is setuid or setgid"
new_overrides
chmod 2755 "$od/win10/before-display-manager-mark"
override_case script-setgid "refusing an override: $p/win10/before-display-manager-mark is setuid or setgid"
new_overrides
ln -s ../../../../../spare/before-vfio-mark "$od/win10/before-vfio-link"
override_case script-symlink "refusing an override: $p/win10/before-vfio-link is a symbolic link"
new_overrides
chmod 0664 "$od/win10/vm.conf"
override_case vm-conf-group-writable "refusing a VM config: $p/win10/vm.conf is writable by group or others"
new_overrides
chmod 0646 "$od/win10/vm.conf"
override_case vm-conf-world-writable "refusing a VM config: $p/win10/vm.conf is writable by group or others"
new_overrides
rm "$od/win10/vm.conf" && ln -s ../../../../../spare/vm.conf "$od/win10/vm.conf"
override_case vm-conf-symlink "refusing a VM config: $p/win10/vm.conf is a symbolic link"
new_overrides
rm "$od/win10/vm.conf" && mkfifo -m 0644 "$od/win10/vm.conf"
override_case vm-conf-fifo "refusing a VM config: $p/win10/vm.conf is not a regular file"
new_overrides
rm "$od/win10/vm.conf" && mkdir -m 0755 "$od/win10/vm.conf"
override_case vm-conf-directory "refusing a VM config: $p/win10/vm.conf is not a regular file"
new_overrides
printf 'debug = no\n' > "$host/etc/libvirt/hooks/vfio-hook.conf" && chmod 0664 "$host/etc/libvirt/hooks/vfio-hook.conf"
override_case host-conf-group-writable "refusing the configuration: /etc/libvirt/hooks/vfio-hook.conf is writable by group or others"
new_overrides
chmod 0757 "$od/win10"
override_case vm-directory-writable-by-others "refusing the override directory: $p/win10 is writable by group or others"
new_overrides
chmod 0775 "$od/default"
override_case default-directory-group-writable "refusing the override directory: $p/default is writable by group or others"
new_overrides
chmod 0777 "$host/etc/libvirt/hooks"
override_case hooks-directory-writable-by-others "refusing the override directory: /etc/libvirt/hooks is writable by group or others"
new_overrides
mv "$od/win10" "$host/spare/win10" && ln -s ../../../../spare/win10 "$od/win10"
override_case vm-directory-symlink "refusing the override directory: $p/win10 is a symbolic link"
new_overrides
mv "$od" "$host/spare/vfio-hook.d" && ln -s ../../../spare/vfio-hook.d "$od"
override_case override-root-symlink "refusing the override directory: $p is a symbolic link"
if [ "$(id -u)" -eq 0 ]; then
	new_overrides
	chown 65534 "$od/win10/before-display-manager-mark"
	override_case script-owned-by-another-user "refusing an override: $p/win10/before-display-manager-mark is owned by uid 65534, not root"
	new_overrides
	chown 65534 "$od/win10/vm.conf"
	override_case vm-conf-owned-by-another-user "refusing a VM config: $p/win10/vm.conf is owned by uid 65534, not root"
	new_overrides
	chown 65534 "$od/win10"
	override_case vm-directory-owned-by-another-user "refusing the override directory: $p/win10 is owned by uid 65534, not root"
else
	for n in script vm-conf vm-directory; do
		skip "hostile-override-$n-owned-by-another-user" "only root can give a file to another user"
	done
fi

# A VM named by its own UUID: that directory is read once, its executables planned once.
new_overrides
mkdir -m 0755 "$od/$uuid" && cp -p "$od/win10/before-display-manager-mark" "$od/$uuid/before-vfio-once"
sed "s|<name>win10</name>|<name>$uuid</name>|" "$vm_xml" > "$c/named-by-uuid.xml"
"$bin" plan --sysroot "$host" --xml "$c/named-by-uuid.xml" > "$scratch/out" 2>&1
problems=""
[ "$(grep -c "run override.*/$uuid/before-vfio-once" "$scratch/out")" -eq 1 ] ||
	problems="planned $(grep -c "run override.*/$uuid/before-vfio-once" "$scratch/out") times: $(cat "$scratch/out")"
report hostile-override-vm-named-by-its-uuid

# --- a host tree is not this machine ----------------------------------------------------------
# Under --sysroot (as root, too) the hook acts on the tree only: never on this machine's
# processes, D-Bus services or programs, whatever the plan or the journal says.
problems=""
new_overrides
rm "$od"/*/*-mark
printf 'disable = sleep display-manager sessions audio\n' > "$od/win10/vm.conf"
hook win10 prepare begin "$vm_xml"
[ $rc -eq 1 ] && grep -q "Cannot signal the processes of a host tree" "$scratch/err" ||
	problems="$problems${nl}prepare exited $rc: $(cat "$scratch/err")"
report hostile-sysroot-signals-no-process
new_host

problems=""
mkdir -p "$host/firewalld" "$host/var/lib/nfs" "$host/srv"
printf 'default public\nservice public ssh\n' > "$host/firewalld/state"
printf '/srv\t192.168.122.0/24(rw,sync)\n' > "$host/var/lib/nfs/etab"
sed -e '/^device /d' -e '/^action /d' -e '/^end$/i action done firewall open-service 0 public:ssh closed %' \
	-e '/^end$/i action done shares export-nfs 0 192.168.122.0/24:/srv rw%2csync %' "$good" > "$journal"
chmod 0600 "$journal"
hook win10 release end "$vm_xml"
[ $rc -eq 0 ] && [ "$(grep -c "in a host tree" "$scratch/err")" -eq 2 ] ||
	problems="$problems${nl}release exited $rc: $(cat "$scratch/err")"
report hostile-sysroot-reaches-no-firewalld-or-exportfs
new_host

problems=""
ln -sf "$bin" "$scratch/bin/network"
printf 'network_dns = yes\nnetwork_zone = yes\n' > "$host/etc/libvirt/hooks/vfio-hook.conf"
cat > "$c/net.xml" <<'XML'
<hookData><network><name>vm-net</name><bridge name='virbr1' zone='home'/><domain name='vm.lan'/>
<ip address='192.168.100.1' netmask='255.255.255.0'/></network></hookData>
XML
: > "$scratch/strace"
timeout 60 $tracer "$scratch/bin/network" --sysroot "$host" vm-net started begin - < "$c/net.xml" \
	> "$scratch/out" 2> "$scratch/err"
rc=$?
stray=""
[ -z "$tracer" ] || stray=$(awk -v ROOT="$host" -v RUN="$state" -v LOG="$logs" -v CWD="$(pwd)" \
	-f "$here/stray-writes.awk" "$scratch/strace" "$scratch/strace")
[ -z "$stray" ] || problems="$problems${nl}the network hook reached out: $stray"
expect network started 0 1 "Not routing DNS or changing zones for a host tree"
report hostile-sysroot-network-hook-reaches-no-daemon

echo "hostile cases: $count in $(($(date +%s) - started)) s"
