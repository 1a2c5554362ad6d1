// SPDX-License-Identifier: GPL-2.0-or-later
/* Processes holding device nodes open, found across all of /proc (containers and flatpaks too). */
#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "host/host.h"
#include "lib/fileio.h"
#include "lib/proc-stat.h"
#include "lib/strutil.h"

void node_holders_free(struct node_holder *list, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(list[i].comm);
		free(list[i].cgroup);
		free(list[i].devname);
		free(list[i].unit);
		free(list[i].session);
	}
	free(list);
}

static bool is_pid(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

/*
 * Match by device number through the /proc magic link on a live host (the path may be a
 * container's own /dev), and by the link's path text, which is all a captured fixture has.
 */
static const struct dev_node *match_fd(const struct host *h, int fd_dir, const char *fd,
				       const struct dev_node *nodes, size_t n_nodes)
{
	char target[PATH_MAX];
	if (read_link_at(fd_dir, fd, target, sizeof target) < 0 || !startswith(target, "/dev/"))
		return NULL;
	struct stat st;
	bool have_rdev = h->root->live && fstatat(fd_dir, fd, &st, 0) == 0 && S_ISCHR(st.st_mode);
	for (size_t i = 0; i < n_nodes; i++) {
		if (have_rdev && nodes[i].major != 0 && major(st.st_rdev) == nodes[i].major &&
		    minor(st.st_rdev) == nodes[i].minor)
			return &nodes[i];
		if (streq(target + strlen("/dev/"), nodes[i].devname))
			return &nodes[i];
	}
	return NULL;
}

/* A process's unified-hierarchy cgroup ("/system.slice/nodm.service"), in buf; NULL if none. */
static const char *read_cgroup(int proc_fd, const char *pid, char *buf, size_t size)
{
	char path[320];
	snprintf(path, sizeof path, "%s/cgroup", pid);
	if (read_attr_at(proc_fd, path, buf, size) < 0)
		return NULL;
	/* cgroup v2: "0::/system.slice/nodm.service" */
	char *c = strstr(buf, "0::");
	if (!c || (c != buf && c[-1] != '\n'))
		return NULL;
	return truncate_nl(c + 3);
}

static void read_identity(int proc_fd, const char *pid, struct node_holder *ret)
{
	char path[320], buf[4096];

	snprintf(path, sizeof path, "%s/comm", pid);
	if (read_attr_at(proc_fd, path, buf, sizeof buf) >= 0)
		ret->comm = strdup(buf);
	snprintf(path, sizeof path, "%s/status", pid);
	if (read_attr_at(proc_fd, path, buf, sizeof buf) >= 0) {
		const char *u = strstr(buf, "\nUid:");
		unsigned uid;
		if (u && sscanf(u, "\nUid: %u", &uid) == 1)
			ret->uid = uid;
	}
	const char *cgroup = read_cgroup(proc_fd, pid, buf, sizeof buf);
	if (cgroup)
		ret->cgroup = strdup(cgroup);
	unsigned long long start = 0;
	if (proc_starttime(proc_fd, pid, &start) >= 0)
		ret->starttime = start;
}

/*
 * A process can keep a card's memory mapped after closing its fd (lsof's "mem"): the mapping
 * holds the device as an open fd would. /proc/PID/maps names the node's path at the end of
 * the mapping's line.
 */
static const struct dev_node *match_maps(const struct host *h, const char *pid,
					 const struct dev_node *nodes, size_t n_nodes)
{
	char path[320];
	snprintf(path, sizeof path, "%s/maps", pid);
	int fd = openat(h->root->proc_fd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	_cleanup_fclose_ FILE *f = fdopen(fd, "re");
	if (!f) {
		close(fd);
		return NULL;
	}
	_cleanup_free_ char *line = NULL;
	size_t size = 0;
	while (getline(&line, &size, f) > 0) {
		const char *dev = strstr(line, " /dev/");
		if (!dev)
			continue;
		dev += strlen(" /dev/");
		size_t n = strcspn(dev, "\n");
		for (size_t i = 0; i < n_nodes; i++)
			if (strlen(nodes[i].devname) == n && strneq(dev, nodes[i].devname, n))
				return &nodes[i];
	}
	return NULL;
}

/* The first of the nodes that process pid (a /proc entry name) has open or mapped; NULL if none. */
static const struct dev_node *pid_holds(const struct host *h, const char *pid,
					const struct dev_node *nodes, size_t n_nodes)
{
	char path[320];
	snprintf(path, sizeof path, "%s/fd", pid);
	int fd_dir = openat(h->root->proc_fd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd_dir < 0)
		return NULL; /* gone, or not ours to read: a non-root dry run says so elsewhere */
	_cleanup_closedir_ DIR *fds = fdopendir(fd_dir);
	if (!fds) {
		close(fd_dir);
		return NULL;
	}
	struct dirent *fe;
	while ((fe = readdir(fds))) {
		if (fe->d_name[0] == '.')
			continue;
		const struct dev_node *node = match_fd(h, dirfd(fds), fe->d_name, nodes, n_nodes);
		if (node)
			return node;
	}
	return match_maps(h, pid, nodes, n_nodes);
}

int host_pid_holds(const struct host *h, pid_t pid, const struct dev_node *nodes, size_t n_nodes)
{
	char name[32];
	snprintf(name, sizeof name, "%d", (int)pid);
	return pid_holds(h, name, nodes, n_nodes) != NULL;
}

static int cmp_pid(const void *a, const void *b)
{
	const struct node_holder *x = a, *y = b;
	return (x->pid > y->pid) - (x->pid < y->pid);
}

int host_find_holders(const struct host *h, const struct dev_node *nodes, size_t n_nodes,
		      struct node_holder **ret, size_t *ret_n)
{
	int proc = openat(h->root->proc_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (proc < 0)
		return -errno;
	_cleanup_closedir_ DIR *d = fdopendir(proc);
	if (!d) {
		close(proc);
		return -errno;
	}
	struct node_holder *list = NULL;
	size_t n = 0;
	pid_t self = getpid();
	struct dirent *de;

	while (n_nodes > 0 && (de = readdir(d))) {
		if (!is_pid(de->d_name) || (h->root->live && atoi(de->d_name) == self))
			continue;
		/* One entry per process is enough to act on it. */
		const struct dev_node *node = pid_holds(h, de->d_name, nodes, n_nodes);
		if (!node)
			continue;
		struct node_holder *l = realloc(list, sizeof *l * (n + 1));
		if (!l) {
			node_holders_free(list, n);
			return -ENOMEM;
		}
		list = l;
		list[n] = (struct node_holder){ .pid = atoi(de->d_name),
						.devname = strdup(node->devname) };
		if (!list[n].devname) {
			node_holders_free(list, n);
			return -ENOMEM;
		}
		read_identity(h->root->proc_fd, de->d_name, &list[n]);
		node_holder_classify(&list[n]);
		n++;
	}
	/* In pid order, whatever order the directory gives. */
	if (n > 1)
		qsort(list, n, sizeof *list, cmp_pid);
	*ret = list;
	*ret_n = n;
	return 0;
}

int host_user_services(const struct host *h, uid_t uid, char ***ret)
{
	int proc = openat(h->root->proc_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (proc < 0)
		return -errno;
	_cleanup_closedir_ DIR *d = fdopendir(proc);
	if (!d) {
		close(proc);
		return -errno;
	}
	_cleanup_strv_free_ char **units = NULL;
	struct dirent *de;
	while ((de = readdir(d))) {
		char buf[4096];
		if (!is_pid(de->d_name))
			continue;
		_cleanup_free_ char *unit =
			cgroup_user_unit(read_cgroup(h->root->proc_fd, de->d_name, buf, sizeof buf),
					 uid);
		if (!unit)
			continue;
		int r = strv_extend_unique(&units, unit);
		if (r < 0)
			return r;
	}
	strv_sort(units);
	*ret = TAKE_PTR(units);
	return 0;
}

int host_load_holders(struct host *h, const struct dev_node *nodes, size_t n_nodes)
{
	node_holders_free(h->holders, h->n_holders);
	h->holders = NULL;
	h->n_holders = 0;
	return host_find_holders(h, nodes, n_nodes, &h->holders, &h->n_holders);
}

char *const *host_find_user_services(const struct host *h, uid_t uid)
{
	for (size_t i = 0; i < h->n_users; i++)
		if (h->users[i].uid == uid)
			return h->users[i].running;
	return NULL;
}

int host_load_user_services(struct host *h, uid_t uid)
{
	for (size_t i = 0; i < h->n_users; i++)
		if (h->users[i].uid == uid)
			return 0;
	struct user_services *l = realloc(h->users, sizeof *l * (h->n_users + 1));
	if (!l)
		return -ENOMEM;
	h->users = l;
	char **running = NULL;
	int r = host_user_services(h, uid, &running);
	if (r < 0)
		return r;
	h->users[h->n_users++] = (struct user_services){ .uid = uid, .running = running };
	return 0;
}
