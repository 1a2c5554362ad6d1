# Reads an `strace -f -qq -y` log of one hook run and prints every syscall that meant to change
# a file outside the places the hook may write: its state directory (RUN), its log directory
# (LOG, whose parents it may mkdir inside ROOT), and its own stdout and stderr. Also any program
# it executed, any process it signalled, and any socket it reached outside ROOT (this machine's
# D-Bus, journald, the network). Prints nothing when the run kept to them.
# Usage: awk -v ROOT=DIR -v RUN=DIR -v LOG=DIR -v CWD=DIR -f stray-writes.awk LOG LOG
# (the log twice: the first pass learns which processes were traced)
function quoted(s, n,    i, rest) {
	# The n-th "..." argument (paths here never contain quotes).
	rest = s
	for (i = 1; i <= n; i++) {
		if (!match(rest, /"([^"\\]|\\.)*"/))
			return ""
		if (i == n)
			return substr(rest, RSTART + 1, RLENGTH - 2)
		rest = substr(rest, RSTART + RLENGTH)
	}
}
# The directory an fd argument stands for: "AT_FDCWD</x>" or "5</x>" (strace -y).
function fd_dir(arg) {
	if (match(arg, /<[^>]*>/))
		return substr(arg, RSTART + 1, RLENGTH - 2)
	return arg ~ /^AT_FDCWD/ ? CWD : "?"
}
function resolve(dir, p) {
	return substr(p, 1, 1) == "/" ? p : dir "/" p
}
# The directory itself, or a file right in it.
function in_dir(p, dir,    rest) {
	if (p == dir)
		return 1
	if (index(p, dir "/") != 1)
		return 0
	rest = substr(p, length(dir) + 2)
	return rest != "" && index(rest, "/") == 0
}
function may_write(p) {
	if (p ~ /(^|\/)\.\.?(\/|$)/)
		return 0
	return in_dir(p, RUN) || in_dir(p, LOG)
}
function may_mkdir(p,    d) {
	if (may_write(p))
		return 1
	for (d = LOG; d != ROOT && index(d, ROOT "/") == 1; sub(/\/[^\/]*$/, "", d))
		if (p == d)
			return 1
	return 0
}
function stray(why) {
	print why ": " line
}
# First pass: the processes traced, the hook and whatever it started.
NR == FNR {
	traced[$1] = 1
	next
}
{
	line = $0
	sub(/^[0-9]+ +/, "")
	call = $0
	sub(/\(.*/, "", call)
	args = substr($0, length(call) + 2)
	first = args
	sub(/,.*/, "", first)
}
call == "execve" || call == "execveat" {
	if (++execs > 1)
		stray("ran a program")
	next
}
call == "open" || call == "creat" || call == "openat" {
	path = call == "openat" ? resolve(fd_dir(first), quoted(args, 1)) : resolve(CWD, quoted(args, 1))
	flags = args
	sub(/^[^"]*"([^"\\]|\\.)*", */, "", flags)
	if ((call == "creat" || flags ~ /O_WRONLY|O_RDWR|O_CREAT|O_TRUNC|O_APPEND/) && !may_write(path))
		stray("opened for writing " path)
	next
}
call == "mkdir" || call == "mkdirat" {
	path = call == "mkdirat" ? resolve(fd_dir(first), quoted(args, 1)) : resolve(CWD, quoted(args, 1))
	if (!may_mkdir(path))
		stray("mkdir " path)
	next
}
call == "unlink" || call == "truncate" || call == "chmod" || call == "chown" {
	if (!may_write(resolve(CWD, quoted(args, 1))))
		stray(call " " quoted(args, 1))
	next
}
call == "unlinkat" || call == "fchmodat" || call == "fchownat" {
	path = resolve(fd_dir(first), quoted(args, 1))
	if (!may_write(path))
		stray(call " " path)
	next
}
call == "rename" || call == "link" {
	if (!may_write(resolve(CWD, quoted(args, 1))) || !may_write(resolve(CWD, quoted(args, 2))))
		stray(call)
	next
}
call == "symlink" {
	if (!may_write(resolve(CWD, quoted(args, 2))))
		stray(call)
	next
}
call == "renameat" || call == "renameat2" || call == "linkat" || call == "symlinkat" {
	# The second directory fd sits between the first and second path.
	rest = args
	sub(/^[^"]*"([^"\\]|\\.)*"/, "", rest)
	second = rest
	sub(/^, */, "", second)
	sub(/,.*/, "", second)
	if (call == "symlinkat")
		ok = may_write(resolve(fd_dir(second), quoted(args, 2)))
	else
		ok = may_write(resolve(fd_dir(first), quoted(args, 1))) &&
		     may_write(resolve(fd_dir(second), quoted(args, 2)))
	if (!ok)
		stray(call)
	next
}
call == "kill" || call == "tkill" || call == "pidfd_open" {
	target = first
	sub(/^-/, "", target)
	if (!(target in traced))
		stray("signalled a process it did not start")
	next
}
call == "tgkill" {
	target = args
	sub(/^[^,]*, */, "", target)
	sub(/,.*/, "", target)
	if (!(target in traced))
		stray("signalled a process it did not start")
	next
}
call == "connect" || call == "sendto" || call == "sendmsg" {
	if (match(args, /sun_path=(@?)"([^"\\]|\\.)*"/)) {
		path = substr(args, RSTART, RLENGTH)
		sub(/^sun_path=@?"/, "", path)
		sub(/"$/, "", path)
		# Looking up a user name (nscd, systemd-userdb) changes nothing.
		if (index(path, ROOT "/") != 1 && path !~ /^(\/var)?\/run\/(nscd\/socket$|systemd\/userdb\/)/)
			stray("reached " path)
	} else if (args ~ /sa_family=AF_INET/)
		stray("reached the network")
	next
}
call == "write" || call == "ftruncate" {
	fd = first
	sub(/<.*/, "", fd)
	if (fd == "1" || fd == "2")
		next
	target = fd_dir(first)
	if (target ~ /^(pipe|socket|anon_inode):/)
		next
	if (!may_write(target))
		stray(call " to " target)
	next
}
