// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * doctor: the hook's installation. Is /etc/libvirt/hooks/qemu vfio-hook and root's alone, did
 * the running daemon see it, do SELinux and AppArmor let it run, are the overrides safe, and
 * what is left of older script layouts.
 */
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <time.h>

#include "doctor.h"
#include "lib/fileio.h"
#include "lib/proc-stat.h"
#include "lib/strutil.h"

#define HOOK_REL "libvirt/hooks/qemu" /* under /etc */
#define HOOK_PATH "/etc/" HOOK_REL
#define HOOK_DIR "/etc/libvirt/hooks"
#define HOOK_SCAN_MAX (256u << 20)

/* Every vfio-hook binary carries this string: it is how doctor recognises one, also in a
 * host tree under --sysroot where /proc/self/exe says nothing. */
static const char hook_marker[] = "vfio-hook: libvirt qemu hook binary, marker 1";

/* 1 if the open file contains the marker, 0 if not. */
static int file_has_marker(int fd)
{
	const size_t m = sizeof hook_marker - 1, chunk = 1u << 16;
	_cleanup_free_ char *buf = malloc(chunk + m);
	size_t keep = 0, total = 0;
	if (!buf)
		return -ENOMEM;
	for (;;) {
		ssize_t n = read(fd, buf + keep, chunk);
		if (n < 0)
			return -errno;
		if (n == 0)
			return 0;
		size_t have = keep + (size_t)n;
		if (memmem(buf, have, hook_marker, m))
			return 1;
		/* Keep the tail: the marker may straddle two reads. */
		keep = MIN(have, m - 1);
		memmove(buf, buf + have - keep, keep);
		total += (size_t)n;
		if (total > HOOK_SCAN_MAX)
			return 0;
	}
}

/* 1 if both files have the same bytes. */
static int files_equal(int a, int b)
{
	char x[8192], y[8192];
	for (;;) {
		ssize_t n = read(a, x, sizeof x);
		if (n < 0)
			return -errno;
		if (n == 0)
			return read(b, y, 1) == 0;
		size_t got = 0;
		while (got < (size_t)n) {
			ssize_t k = read(b, y + got, (size_t)n - got);
			if (k < 0)
				return -errno;
			if (k == 0)
				return 0;
			got += (size_t)k;
		}
		if (memcmp(x, y, got) != 0)
			return 0;
	}
}

/*
 * The hook may be a symbolic link (the packages' layout: /usr/bin/vfio-hook is the binary, so
 * that dpkg does not make it a conffile). Its target, absolute or relative to the hooks
 * directory, as an absolute path in the root's terms: "." and ".." are resolved by name, which
 * is what the kernel does as long as no component is itself a link, and path_is_trusted
 * refuses any that is.
 */
static int hook_link_target(const struct sysroot *root, char **ret)
{
	char link[PATH_MAX];
	int r = read_link_at(root->etc_fd, HOOK_REL, link, sizeof link);
	if (r < 0)
		return r;
	_cleanup_free_ char *joined = link[0] == '/' ? strdup(link) :
				      strdup_printf("%s/%s", HOOK_DIR, link);
	_cleanup_free_ char *out = malloc(strlen(joined ?: "") + 2);
	if (!joined || !out)
		return -ENOMEM;
	size_t len = 0;
	char *save = NULL;
	for (char *c = strtok_r(joined, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
		if (streq(c, "."))
			continue;
		if (streq(c, "..")) {
			while (len > 0 && out[--len] != '/')
				;
			continue;
		}
		size_t n = strlen(c);
		out[len++] = '/';
		memcpy(out + len, c, n);
		len += n;
	}
	if (len == 0)
		out[len++] = '/';
	out[len] = 0;
	*ret = TAKE_PTR(out);
	return 0;
}

/* What the hook path names: itself, or the target of the link it is. *ret_target stays NULL
 * for a file. */
static int hook_resolve(const struct sysroot *root, struct stat *ret_st, char **ret_target)
{
	*ret_target = NULL;
	if (root->etc_fd < 0)
		return -ENOENT;
	if (fstatat(root->etc_fd, HOOK_REL, ret_st, AT_SYMLINK_NOFOLLOW) < 0)
		return -errno;
	if (!S_ISLNK(ret_st->st_mode))
		return 0;
	_cleanup_free_ char *target = NULL, *path = NULL;
	int r = hook_link_target(root, &target);
	if (r < 0)
		return r;
	if (!(path = sysroot_path(root, target)))
		return -ENOMEM;
	*ret_target = TAKE_PTR(target);
	return lstat(path, ret_st) < 0 ? -errno : 0;
}

int doctor_hook_installed(const struct doctor_ctx *ctx, struct doctor_outcome *o)
{
	const struct sysroot *root = ctx->root;
	_cleanup_free_ char *target = NULL, *problem = NULL, *what = NULL, *path = NULL;
	struct stat st;
	int r = hook_resolve(root, &st, &target);

	if (r == -ENOENT && target) {
		_cleanup_free_ char *e = str_escape(target, 256);
		if ((r = doctor_set(o, DOCTOR_FAIL, HOOK_PATH " links to %s, which does not exist",
				    strna(e))) < 0)
			return r;
		return doctor_advise(o, "make install (or reinstall the package) puts vfio-hook "
					"there");
	}
	if (r == -ENOENT) {
		if ((r = doctor_set(o, DOCTOR_FAIL, "no hook at " HOOK_PATH)) < 0)
			return r;
		return doctor_advise(o, "make install (or the package) puts vfio-hook there; then "
					"restart libvirtd or virtqemud");
	}
	if (r < 0)
		return doctor_skip_errno(o, r, target ?: HOOK_PATH);

	/* The hook as the messages name it: "/etc/libvirt/hooks/qemu" or "... -> target". */
	if (target) {
		_cleanup_free_ char *e = str_escape(target, 256);
		what = strdup_printf(HOOK_PATH " -> %s", strna(e));
	} else {
		what = strdup(HOOK_PATH);
	}
	if (!what || !(path = sysroot_path(root, target ?: HOOK_PATH)))
		return -ENOMEM;

	_cleanup_close_ int fd = -1;
	if (S_ISREG(st.st_mode) && (fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		return doctor_skip_errno(o, -errno, what);
	char head[4] = "";
	if (fd >= 0 && pread(fd, head, sizeof head, 0) < 0)
		return doctor_skip_errno(o, -errno, what);
	if (fd >= 0 && memcmp(head, "#!", 2) == 0) {
		if ((r = doctor_set(o, DOCTOR_FAIL, "%s is a script (an older hook dispatcher), "
						    "not vfio-hook", what)) < 0)
			return r;
		return doctor_advise(o, "keep a copy, then make install: docs/migrating.md says what "
					"replaces what");
	}
	if (fd >= 0 && (r = file_has_marker(fd)) < 0)
		return doctor_skip_errno(o, r, what);
	if (fd < 0 || r == 0) {
		if ((r = doctor_set(o, DOCTOR_FAIL, "%s is %s, not vfio-hook", what,
				    S_ISLNK(st.st_mode) ? "a symbolic link" :
				    S_ISREG(st.st_mode) ? "another program" : "not a regular file")) < 0)
			return r;
		return doctor_advise(o, "make install puts vfio-hook there");
	}

	/* A link is as safe as the directory it sits in (only root may replace it) and the
	 * file it names (owner, mode, every directory on the way). */
	r = path_is_trusted(root, target ? HOOK_DIR : HOOK_PATH, !target, &problem);
	if (r >= 0 && target)
		r = path_is_trusted(root, target, true, &problem);
	if (r == -EPERM) {
		if ((r = doctor_set(o, DOCTOR_FAIL, "%s", problem)) < 0)
			return r;
		return doctor_advise(o, "chown root:root %s; chmod 755 %s; and no directory above "
					"it writable by others", target ?: HOOK_PATH,
				     target ?: HOOK_PATH);
	}
	if (r < 0)
		return doctor_skip_errno(o, r, what);

	/* Only on the live host: which build runs here says nothing about a copied tree. */
	if (root->live) {
		_cleanup_close_ int self = openat(root->proc_fd, "self/exe", O_RDONLY | O_CLOEXEC);
		if (self >= 0 && lseek(fd, 0, SEEK_SET) == 0 && files_equal(fd, self) == 0) {
			if ((r = doctor_set(o, DOCTOR_WARN, "%s is vfio-hook, root's alone, but "
							    "another build than this one (%s)",
					    what, VERSION)) < 0)
				return r;
			return doctor_advise(o, "make install, if this build is the one to run");
		}
	}
	return doctor_set(o, DOCTOR_PASS, "%s is vfio-hook, root's alone and executable", what);
}

/*
 * When the hook was put in place, in seconds since the epoch. A file: its mtime, which
 * install(1) sets (and `install -p` keeps on purpose). A link, as the packages install it:
 * the latest change of the link and of the file it names; live, their ctimes too, because
 * dpkg gives both the package's mtime, while creating the link and moving the file into place
 * set their ctimes. A captured tree keeps only mtimes.
 */
static int hook_installed_at(const struct sysroot *root, double *ret)
{
	_cleanup_free_ char *target = NULL;
	struct stat st[2];
	int r = hook_resolve(root, &st[0], &target);
	if (r < 0)
		return r;
	/* hook_resolve gave the target's stat for a link: the link's own is the second one. */
	size_t n = 1;
	if (target && fstatat(root->etc_fd, HOOK_REL, &st[n++], AT_SYMLINK_NOFOLLOW) < 0)
		return -errno;
	const bool with_ctime = target && root->live;
	double t = 0;
	for (size_t i = 0; i < n; i++) {
		const struct timespec *ts[] = { &st[i].st_mtim, &st[i].st_ctim };
		for (size_t j = 0; j < (with_ctime ? 2u : 1u); j++)
			t = MAX(t, (double)ts[j]->tv_sec + (double)ts[j]->tv_nsec / 1e9);
	}
	*ret = t;
	return 0;
}

/* When the machine booted, from /proc/stat. */
static int boot_time(const struct sysroot *root, unsigned long long *ret)
{
	_cleanup_free_ char *text = NULL;
	int r = read_attr_alloc_at(root->proc_fd, "stat", 1u << 20, &text);
	if (r < 0)
		return r;
	const char *p = strstr(text, "\nbtime ");
	if (!p || sscanf(p, "\nbtime %llu", ret) != 1)
		return -ENOENT;
	return 0;
}

static void format_utc(time_t t, char *buf, size_t size)
{
	struct tm tm;
	if (!gmtime_r(&t, &tm) || strftime(buf, size, "%Y-%m-%d %H:%M:%S UTC", &tm) == 0)
		snprintf(buf, size, "@%lld", (long long)t);
}

int doctor_hook_picked_up(const struct doctor_ctx *ctx, struct doctor_outcome *o)
{
	const struct sysroot *root = ctx->root;
	_cleanup_strv_free_ char **pids = NULL;
	double installed = 0;
	int r = hook_installed_at(root, &installed);

	if (r == -ENOENT)
		return doctor_set(o, DOCTOR_SKIP, "no hook installed");
	if (r < 0)
		return doctor_skip_errno(o, r, HOOK_PATH);
	if ((r = dir_list_at(root->proc_fd, ".", &pids)) < 0)
		return doctor_skip_errno(o, r, "/proc");

	bool found = false;
	for (char **p = pids; p && *p; p++) {
		char path[64], comm[64];
		unsigned pid;
		if (safe_atou(*p, 10, &pid) < 0)
			continue;
		snprintf(path, sizeof path, "%s/comm", *p);
		if (read_attr_at(root->proc_fd, path, comm, sizeof comm) < 0 ||
		    !(streq(comm, "libvirtd") || streq(comm, "virtqemud")))
			continue;
		found = true;
		double boot, started, slack;
		unsigned long long btime = 0, ticks;
		long hz = sysconf(_SC_CLK_TCK);
		if ((!root->live && boot_time(root, &btime) < 0) ||
		    proc_starttime(root->proc_fd, *p, &ticks) < 0 || hz <= 0) {
			r = doctor_set(o, DOCTOR_SKIP, "cannot tell when %s (pid %u) started", comm,
				       pid);
			if (r < 0)
				return r;
			continue;
		}
		/* The start is counted in clock ticks after boot. Live, the boot's wall-clock time
		 * is exact (realtime minus boottime); a captured tree has /proc/stat's btime, cut to
		 * whole seconds: only a start more than that before the install counts. */
		if (root->live) {
			struct timespec rt, bt;
			clock_gettime(CLOCK_REALTIME, &rt);
			clock_gettime(CLOCK_BOOTTIME, &bt);
			boot = (double)(rt.tv_sec - bt.tv_sec) + (double)(rt.tv_nsec - bt.tv_nsec) / 1e9;
			slack = 1.0 / (double)hz;
		} else {
			boot = (double)btime;
			slack = 1.0;
		}
		started = boot + (double)ticks / (double)hz;
		if (started + slack >= installed) {
			if (o->result == DOCTOR_PASS &&
			    (r = doctor_set(o, DOCTOR_PASS, "%s (pid %u) started after the hook was "
							    "installed", comm, pid)) < 0)
				return r;
			continue;
		}
		char when[64], hook_when[64];
		format_utc((time_t)started, when, sizeof when);
		format_utc((time_t)installed, hook_when, sizeof hook_when);
		if ((r = doctor_set(o, DOCTOR_FAIL, "%s (pid %u) started %s, before the hook was "
						    "installed (%s): it has not picked it up", comm,
				    pid, when, hook_when)) < 0 ||
		    (r = doctor_advise(o, "systemctl restart %s", comm)) < 0)
			return r;
		return 0;
	}
	if (found)
		return 0;
	if ((r = doctor_set(o, DOCTOR_WARN, "neither libvirtd nor virtqemud is running")) < 0)
		return r;
	return doctor_advise(o, "systemctl start libvirtd (virtqemud.socket starts virtqemud on "
				"demand: then nothing to do)");
}

int doctor_selinux(const struct doctor_ctx *ctx, struct doctor_outcome *o)
{
	const struct sysroot *root = ctx->root;
	char enforce[16], label[256], boolean[16];
	int r;

	if (read_attr_at(root->sys_fd, "fs/selinux/enforce", enforce, sizeof enforce) < 0)
		return doctor_set(o, DOCTOR_SKIP, "SELinux is not enabled");
	if (!streq(enforce, "1"))
		return doctor_set(o, DOCTOR_PASS, "SELinux is permissive: it stops nothing");
	/* The label that counts is the executed file's: the link's target, if it is one. */
	_cleanup_free_ char *target = NULL, *path = NULL;
	struct stat st;
	r = hook_resolve(root, &st, &target);
	if (r == -ENOENT)
		return doctor_set(o, DOCTOR_SKIP, "no hook installed");
	if (r < 0)
		return doctor_skip_errno(o, r, HOOK_PATH);
	const char *file = target ?: HOOK_PATH;
	if (!(path = sysroot_path(root, file)))
		return -ENOMEM;
	ssize_t n = lgetxattr(path, "security.selinux", label, sizeof label - 1);
	if (n < 0 && errno == ENOENT)
		return doctor_set(o, DOCTOR_SKIP, "no hook installed");
	if (n < 0 && errno != ENODATA)
		return doctor_skip_errno(o, -errno, file);
	label[n < 0 ? 0 : n] = 0;
	if (n <= 0 || !strstr(label, ":virt_hook_t:")) {
		_cleanup_free_ char *e = str_escape(n > 0 ? label : "none", 128),
				    *f = str_escape(file, 256);
		if ((r = doctor_set(o, DOCTOR_FAIL, "SELinux enforces and %s is labelled %s, not "
						    "virt_hook_t: libvirt cannot run it",
				    strna(f), strna(e))) < 0)
			return r;
		return target ? doctor_advise(o, "restorecon -v %s (the file the hook links to)",
					      strna(f)) :
				doctor_advise(o, "restorecon -Rv /etc/libvirt/hooks");
	}
	/* virt_hook_t is confined unless this boolean lets the daemons run hooks unconfined:
	 * confined, the hook can neither unload drivers nor stop units. */
	if (read_attr_at(root->sys_fd, "fs/selinux/booleans/virt_hooks_unconfined", boolean,
			 sizeof boolean) > 0 && boolean[0] == '1')
		return doctor_set(o, DOCTOR_PASS, "labelled virt_hook_t; virt_hooks_unconfined is on");
	if ((r = doctor_set(o, DOCTOR_WARN, "labelled virt_hook_t, but hooks run confined "
					    "(virt_hooks_unconfined off or missing)")) < 0)
		return r;
	return doctor_advise(o, "setsebool -P virt_hooks_unconfined on, with the vfio_hook policy "
				"module where virtqemud runs the hook (docs/confinement.md)");
}

int doctor_apparmor(const struct doctor_ctx *ctx, struct doctor_outcome *o)
{
	const struct sysroot *root = ctx->root;
	_cleanup_free_ char *profiles = NULL;

	if (!is_dir_at(root->sys_fd, "kernel/security/apparmor"))
		return doctor_set(o, DOCTOR_SKIP, "AppArmor is not enabled");
	int r = read_attr_alloc_at(root->sys_fd, "kernel/security/apparmor/profiles", 4u << 20,
				   &profiles);
	if (r < 0)
		return doctor_skip_errno(o, r, "/sys/kernel/security/apparmor/profiles");
	static const char *const daemons[] = { "libvirtd", "/usr/sbin/libvirtd", "virtqemud",
					       "/usr/sbin/virtqemud" };
	char *save = NULL;
	for (char *l = strtok_r(profiles, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		for (size_t i = 0; i < ARRAY_SIZE(daemons); i++) {
			size_t n = strlen(daemons[i]);
			if (!strneq(l, daemons[i], n) || !startswith(l + n, " ("))
				continue;
			const char *name = strrchr(daemons[i], '/') ? strrchr(daemons[i], '/') + 1 :
								      daemons[i];
			if (strstr(l + n, "(enforce)"))
				/* The hook runs in the daemon's profile: what it allows is what the
				 * hook may do. */
				return doctor_set(o, DOCTOR_PASS,
						  "%s's profile is enforced: hooks under "
						  "/etc/libvirt/hooks run in it, with module loading "
						  "and sysfs writes; see docs/doctor.md", name);
			return doctor_set(o, DOCTOR_PASS, "%s's profile only complains", name);
		}
	}
	return doctor_set(o, DOCTOR_PASS, "no AppArmor profile for libvirtd or virtqemud");
}

/* One directory of vfio-hook.d, loaded as the hook would load it. */
static int check_override_dir(const struct sysroot *root, const char *name, char **ret_error)
{
	struct config cfg;
	config_init(&cfg);
	const char *vm = NULL, *uuid = NULL;
	if (uuid_is_valid(name))
		uuid = name;
	else if (vm_name_is_valid(name) && !streq(name, "default"))
		vm = name;
	int r = config_load_for_vm(root, vm, uuid, &cfg, ret_error);
	config_done(&cfg);
	return r;
}

int doctor_overrides_safe(const struct doctor_ctx *ctx, struct doctor_outcome *o)
{
	const struct sysroot *root = ctx->root;
	_cleanup_free_ char *dir = sysroot_path(root, OVERRIDE_DIR), *error = NULL;
	_cleanup_strv_free_ char **names = NULL;
	if (!dir)
		return -ENOMEM;
	int r = dir_list_at(AT_FDCWD, dir, &names);
	if (r < 0 && r != -ENOENT)
		return doctor_skip_errno(o, r, OVERRIDE_DIR);

	/* default is loaded with every VM: checking each directory covers it too. */
	r = names ? 0 : check_override_dir(root, "default", &error);
	for (char **n = names; r >= 0 && n && *n; n++)
		r = check_override_dir(root, *n, &error);
	if (r == -EACCES)
		return doctor_skip_errno(o, r, OVERRIDE_DIR);
	if (r < 0 && !error)
		return r == -ENOMEM ? r : doctor_skip_errno(o, r, OVERRIDE_DIR);
	if (r < 0) {
		_cleanup_free_ char *e = str_escape(error, 512);
		if ((r = doctor_set(o, DOCTOR_FAIL, "%s", strna(e))) < 0)
			return r;
		return doctor_advise(o, "make it root's alone (chown root:root, chmod go-w) or fix "
					"it: docs/configuration.md");
	}
	bool conf = exists_at(root->etc_fd, "libvirt/hooks/vfio-hook.conf");
	size_t n = strv_length(names);
	if (!conf && n == 0)
		return doctor_set(o, DOCTOR_PASS, "no vfio-hook.conf, no override directories");
	return doctor_set(o, DOCTOR_PASS, "%s%zu override director%s: root's alone",
			  conf ? "vfio-hook.conf and " : "no vfio-hook.conf; ", n, n == 1 ? "y" : "ies");
}

/* What older hook scripts left, and what replaces it. */
static const struct {
	const char *path;  /* under the root */
	const char *name;  /* as shown */
	const char *maps_to;
} old_files[] = {
	{ "/etc/libvirt/hooks/default", "hooks/default",
	  "hooks/default and default.d: settings become vfio-hook.conf and vm.conf keys" },
	{ "/etc/libvirt/hooks/default.d", "hooks/default.d",
	  "hooks/default and default.d: settings become vfio-hook.conf and vm.conf keys" },
	{ "/etc/libvirt/hooks/qemu_last_backup", "hooks/qemu_last_backup",
	  "qemu_last_backup: an earlier hook's copy, unused" },
	{ "/bin/vfio-startup.sh", "/bin/vfio-startup.sh",
	  "vfio-startup.sh and vfio-teardown.sh: the built-in stages (vfio-hook plan)" },
	{ "/bin/vfio-teardown.sh", "/bin/vfio-teardown.sh",
	  "vfio-startup.sh and vfio-teardown.sh: the built-in stages (vfio-hook plan)" },
	{ "/etc/systemd/system/libvirt-nosleep@.service", "libvirt-nosleep@.service",
	  "libvirt-nosleep@.service: nothing starts it any more" },
	{ "/etc/libvirt/hooks/kvm.conf", "hooks/kvm.conf",
	  "kvm.conf: the devices are the domain's <hostdev>s, the rest vm.conf keys and flags" },
};

/* libvirt runs the top-level executables of qemu.d/ and network.d/ itself; directories there
 * are a dispatcher's per-VM or per-network layout, which nothing runs any more. */
static const struct {
	const char *path; /* under the root, in /etc */
	const char *maps_to;
} old_dirs[] = {
	{ "/etc/libvirt/hooks/qemu.d",
	  "qemu.d/<vm>/ scripts: vfio-hook.d/<vm>/before-STAGE-NAME executables, where still needed" },
	{ "/etc/libvirt/hooks/network.d",
	  "network.d/<network>/ scripts: the network hook (network_dns, network_zone)" },
};

static int find_old_dirs(const struct sysroot *root, const char *path, const char *maps_to,
			 char ***found, char ***advice)
{
	_cleanup_strv_free_ char **entries = NULL;
	_cleanup_free_ char *full = sysroot_path(root, path);
	const char *under_etc = path + strlen("/etc/"), *shown = strrchr(path, '/') + 1;
	if (!full)
		return -ENOMEM;
	int r = dir_list_at(AT_FDCWD, full, &entries);
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return r;
	for (char **v = entries; v && *v; v++) {
		_cleanup_free_ char *sub = strdup_printf("%s/%s", under_etc, *v);
		if (!sub)
			return -ENOMEM;
		if (!is_dir_at(root->etc_fd, sub))
			continue;
		_cleanup_free_ char *e = str_escape(*v, 64);
		if ((r = strv_push(found, strdup_printf("%s/%s/", shown, strna(e)))) < 0 ||
		    (r = strv_extend_unique(advice, maps_to)) < 0)
			return r;
	}
	return 0;
}

int doctor_old_layouts(const struct doctor_ctx *ctx, struct doctor_outcome *o)
{
	const struct sysroot *root = ctx->root;
	_cleanup_strv_free_ char **found = NULL, **advice = NULL;
	int r;

	for (size_t i = 0; i < ARRAY_SIZE(old_dirs); i++) {
		r = find_old_dirs(root, old_dirs[i].path, old_dirs[i].maps_to, &found, &advice);
		if (r == -ENOMEM)
			return r;
		if (r < 0)
			return doctor_skip_errno(o, r, old_dirs[i].path);
	}
	for (size_t i = 0; i < ARRAY_SIZE(old_files); i++) {
		_cleanup_free_ char *p = sysroot_path(root, old_files[i].path);
		struct stat st;
		if (!p)
			return -ENOMEM;
		if (lstat(p, &st) < 0) {
			if (errno == ENOENT || errno == ENOTDIR)
				continue;
			return doctor_skip_errno(o, -errno, old_files[i].path);
		}
		if ((r = strv_extend(&found, old_files[i].name)) < 0 ||
		    (r = strv_extend_unique(&advice, old_files[i].maps_to)) < 0)
			return r;
	}
	if (!found)
		return doctor_set(o, DOCTOR_PASS, "no files of older hook scripts");
	_cleanup_free_ char *list = NULL, *what = NULL;
	for (char **f = found; *f; f++) {
		char *n = strdup_printf("%s%s%s", list ?: "", list ? ", " : "", *f);
		free(list);
		if (!(list = n))
			return -ENOMEM;
	}
	for (char **a = advice; a && *a; a++) {
		char *n = strdup_printf("%s%s%s", what ?: "", what ? "; " : "", *a);
		free(what);
		if (!(what = n))
			return -ENOMEM;
	}
	if ((r = doctor_set(o, DOCTOR_WARN, "older hook scripts' files, not run by vfio-hook: %s",
			    list)) < 0)
		return r;
	return doctor_advise(o, "%s (docs/migrating.md)", what);
}
