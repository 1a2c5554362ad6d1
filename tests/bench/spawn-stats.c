// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * spawn-stats: what a program costs the one who runs it, as libvirt runs its hook: fork, exec,
 * feed stdin, wait. Wall time from fork to reaping, and the child's own CPU time and peak RSS
 * from wait4(), for N runs.
 *
 * Usage: spawn-stats [-n RUNS] [-i STDIN] [-0 ARGV0] -- PROGRAM ARGS...
 *   PROGRAM's stdout goes to /dev/null, its stderr stays. Prints one JSON object: {"runs":N,"wall_us":[...],"cpu_us":[...],"maxrss_kib":[...],"exit":[...]}
 * Usage: spawn-stats -w RECORDS [-t TRACE] [-0 ARGV0] -- PROGRAM ARGS...
 *   Wrapper mode, for a hook behind libvirt: runs PROGRAM once with our stdin and stdout, appends
 *   one JSON line {"args":[...],"wall_us":…,"cpu_us":…,"maxrss_kib":…,"exit":…} to RECORDS and
 *   exits with PROGRAM's status. With -t, TRACE is opened for appending as fd 3 of PROGRAM and
 *   VFIO_HOOK_TRACE_FD=3 is set, so the hook appends its own timing trace there.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static uint64_t now_usec(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static uint64_t tv_usec(const struct timeval *tv)
{
	return (uint64_t)tv->tv_sec * 1000000u + (uint64_t)tv->tv_usec;
}

static void print_array(const char *key, const uint64_t *v, int n, int last)
{
	printf("\"%s\":[", key);
	for (int i = 0; i < n; i++)
		printf("%s%llu", i ? "," : "", (unsigned long long)v[i]);
	printf("]%s", last ? "" : ",");
}

static void print_json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch == '"' || ch == '\\')
			fprintf(f, "\\%c", ch);
		else if (ch < 0x20)
			fprintf(f, "\\u%04x", ch);
		else
			fputc(ch, f);
	}
	fputc('"', f);
}

struct run {
	uint64_t wall_us, cpu_us;
	long maxrss_kib;
	int code; /* exit status, or 128 + signal */
};

/* Fork, exec and reap PROGRAM once. stdin_fd and stdout_fd (-1: ours) become its stdin and
 * stdout; trace_fd (-1: none) becomes its fd 3, named in VFIO_HOOK_TRACE_FD. */
static int run_once(const char *program, char **child_argv, int stdin_fd, int stdout_fd,
		    int trace_fd, struct run *ret)
{
	uint64_t t0 = now_usec();
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		if ((stdin_fd >= 0 && dup2(stdin_fd, STDIN_FILENO) < 0) ||
		    (stdout_fd >= 0 && dup2(stdout_fd, STDOUT_FILENO) < 0))
			_exit(127);
		if (trace_fd >= 0) {
			/* dup2 onto itself would keep close-on-exec. */
			if (trace_fd == 3 ? fcntl(3, F_SETFD, 0) < 0 : dup2(trace_fd, 3) < 0)
				_exit(127);
			if (setenv("VFIO_HOOK_TRACE_FD", "3", 1) < 0)
				_exit(127);
		}
		execv(program, child_argv);
		_exit(127);
	}
	int st;
	struct rusage ru;
	if (wait4(pid, &st, 0, &ru) != pid)
		return -1;
	ret->wall_us = now_usec() - t0;
	ret->cpu_us = tv_usec(&ru.ru_utime) + tv_usec(&ru.ru_stime);
	ret->maxrss_kib = ru.ru_maxrss;
	ret->code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	return 0;
}

static int wrap(const char *records, const char *trace, const char *program, char **child_argv)
{
	int trace_fd = -1;
	if (trace) {
		trace_fd = open(trace, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
		if (trace_fd < 0) {
			fprintf(stderr, "spawn-stats: %s: %s\n", trace, strerror(errno));
			return 1;
		}
	}
	struct run r;
	if (run_once(program, child_argv, -1, -1, trace_fd, &r) < 0)
		return 1;
	FILE *f = fopen(records, "ae");
	if (f) {
		fputs("{\"args\":[", f);
		for (char **a = child_argv + 1; *a; a++) {
			if (a != child_argv + 1)
				fputc(',', f);
			print_json_string(f, *a);
		}
		fprintf(f, "],\"wall_us\":%llu,\"cpu_us\":%llu,\"maxrss_kib\":%ld,\"exit\":%d}\n",
			(unsigned long long)r.wall_us, (unsigned long long)r.cpu_us, r.maxrss_kib,
			r.code);
		fclose(f);
	}
	return r.code;
}

int main(int argc, char **argv)
{
	int runs = 20, c;
	const char *input = "/dev/null", *argv0 = NULL, *records = NULL, *trace = NULL;

	while ((c = getopt(argc, argv, "+n:i:0:w:t:")) >= 0) {
		switch (c) {
		case 'w':
			records = optarg;
			break;
		case 't':
			trace = optarg;
			break;
		case 'n':
			runs = atoi(optarg);
			break;
		case 'i':
			input = optarg;
			break;
		case '0':
			argv0 = optarg;
			break;
		default:
			fprintf(stderr, "Usage: spawn-stats [-n RUNS] [-i STDIN] [-0 ARGV0] -- PROGRAM ARGS...\n");
			return 2;
		}
	}
	if (optind >= argc || runs < 1 || runs > 100000) {
		fprintf(stderr, "spawn-stats: a program and 1..100000 runs, please\n");
		return 2;
	}
	char **child_argv = argv + optind;
	const char *program = child_argv[0];
	if (argv0)
		child_argv[0] = (char *)argv0;
	if (records)
		return wrap(records, trace, program, child_argv);

	uint64_t *wall = calloc((size_t)runs, sizeof(*wall)), *cpu = calloc((size_t)runs, sizeof(*cpu));
	uint64_t *rss = calloc((size_t)runs, sizeof(*rss)), *status = calloc((size_t)runs, sizeof(*status));
	int null = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (!wall || !cpu || !rss || !status || null < 0)
		return 1;
	for (int i = 0; i < runs; i++) {
		int in = open(input, O_RDONLY | O_CLOEXEC);
		if (in < 0) {
			fprintf(stderr, "spawn-stats: %s: %s\n", input, strerror(errno));
			return 1;
		}
		/* What the program prints is not ours to show: only the timings go out. */
		struct run r;
		if (run_once(program, child_argv, in, null, -1, &r) < 0)
			return 1;
		close(in);
		wall[i] = r.wall_us;
		cpu[i] = r.cpu_us;
		rss[i] = (uint64_t)r.maxrss_kib;
		status[i] = (uint64_t)r.code;
	}
	printf("{\"runs\":%d,", runs);
	print_array("wall_us", wall, runs, 0);
	print_array("cpu_us", cpu, runs, 0);
	print_array("maxrss_kib", rss, runs, 0);
	print_array("exit", status, runs, 1);
	printf("}\n");
	return 0;
}
