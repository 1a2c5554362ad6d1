// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Entry point. Installed as /etc/libvirt/hooks/qemu it is libvirt's hook: argv is positional,
 * never options (a VM may be called "--help"). Called as vfio-hook it takes verbs.
 */
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <signal.h>
#include <sys/stat.h>

#include "help-text.h"
#include "core/plan.h"
#include "hook.h"
#include "lib/log.h"
#include "lib/strutil.h"
#include "lib/timing.h"
#include "system/bus.h"
#include "system/modules.h"
#include "verbs.h"

static void help_hook(const char *argv0)
{
	printf("%s VM OPERATION SUB-OPERATION EXTRA < domain.xml\n"
	       "%s [--sysroot DIR] [--dry-run] VM OPERATION SUB-OPERATION EXTRA < domain.xml\n\n"
	       "libvirt's qemu hook from vfio-hook: hands a VM's PCI devices and their whole\n"
	       "IOMMU groups to vfio-pci on prepare, and gives back exactly what it took on release.\n"
	       "Arguments are positional, as libvirt passes them. --dry-run prints the plan and\n"
	       "changes nothing; --sysroot DIR reads and acts on the host tree under DIR.\n"
	       "Installed as /etc/libvirt/hooks/network it is the network hook.\n"
	       "See vfio-hook --help for the verbs.\n\n"
	       "  -h --help     Show this help\n"
	       "     --version  Show the version\n",
	       argv0, argv0);
}

/* The verbs and options are docs/man/vfio-hook.8.md's, generated into help-text.h: --help
 * and the man page cannot disagree. */
static void help_cli(void)
{
	fputs("vfio-hook [OPTIONS] VERB ...\n\n"
	      "Hands a GPU and its whole IOMMU group from the host to vfio-pci when a libvirt VM\n"
	      "starts, and gives back exactly what it took when it stops.\n\n"
	      HELP_VERBS_AND_OPTIONS
	      "\nExit status: 0 success, 1 refused or failed, 2 bad usage or input.\n"
	      "See man vfio-hook and man vfio-hook.conf.\n", stdout);
}

enum {
	ARG_VERSION = 0x100,
	ARG_SYSROOT,
	ARG_DEBUG,
	ARG_XML,
	ARG_RELEASE,
	ARG_JSON,
	ARG_DRY_RUN,
	ARG_COLOR,
};

bool verb_use_color(const struct verb_args *a, FILE *out)
{
	if (a->color != COLOR_AUTO)
		return a->color == COLOR_ALWAYS;
	const char *term = getenv("TERM");
	return !getenv("NO_COLOR") && isatty(fileno(out)) && !(term && streq(term, "dumb"));
}

static const struct {
	const char *name;
	int (*run)(const struct verb_args *a);
	int min_args, max_args;
	const char *usage;
} cli_verbs[] = {
	{ "list", list_verb, 0, 0, "list [--json]" },
	{ "status", status_verb, 0, 0, "status [--json]" },
	{ "recover", recover_verb, 1, 1, "recover [--dry-run] VM" },
	{ "doctor", doctor_verb, 0, 1, "doctor [--json] [VM | --xml FILE]" },
	{ "plan", plan_verb, 0, 0, "plan [--xml FILE] [--release] [--json]" },
};

/* Options may come before or after the verb; "+" stops at positional arguments, so
 * `hook -- VM ...` keeps names literal. Returns -1 to go on, else the exit status. */
static int parse_options(int argc, char **argv, struct verb_args *v, bool *debug)
{
	static const struct option options[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, ARG_VERSION },
		{ "sysroot", required_argument, NULL, ARG_SYSROOT },
		{ "debug", no_argument, NULL, ARG_DEBUG },
		{ "xml", required_argument, NULL, ARG_XML },
		{ "release", no_argument, NULL, ARG_RELEASE },
		{ "json", no_argument, NULL, ARG_JSON },
		{ "dry-run", no_argument, NULL, ARG_DRY_RUN },
		{ "color", optional_argument, NULL, ARG_COLOR },
		{}
	};
	int c;

	while ((c = getopt_long(argc, argv, "+h", options, NULL)) >= 0) {
		switch (c) {
		case 'h':
			help_cli();
			return EXIT_SUCCESS;
		case ARG_VERSION:
			printf("vfio-hook %s\n", VERSION);
			return EXIT_SUCCESS;
		case ARG_SYSROOT:
			v->sysroot = optarg;
			break;
		case ARG_DEBUG:
			*debug = true;
			break;
		case ARG_XML:
			v->xml_path = optarg;
			break;
		case ARG_RELEASE:
			v->release = true;
			break;
		case ARG_JSON:
			v->json = true;
			break;
		case ARG_DRY_RUN:
			v->dry_run = true;
			break;
		case ARG_COLOR:
			if (!optarg || streq(optarg, "always"))
				v->color = COLOR_ALWAYS;
			else if (streq(optarg, "never"))
				v->color = COLOR_NEVER;
			else if (streq(optarg, "auto"))
				v->color = COLOR_AUTO;
			else {
				fprintf(stderr, "--color takes auto, always or never.\n");
				return 2;
			}
			break;
		default:
			fprintf(stderr, "Try 'vfio-hook --help'.\n");
			return 2;
		}
	}
	return -1;
}

static int run_cli(int argc, char **argv)
{
	struct verb_args v = { 0 };
	bool debug = false;
	int r;

	if ((r = parse_options(argc, argv, &v, &debug)) >= 0)
		return r;
	if (optind >= argc) {
		help_cli();
		return 2;
	}
	const char *verb = argv[optind];
	optind++;
	if ((r = parse_options(argc, argv, &v, &debug)) >= 0)
		return r;
	if (debug)
		log_set_max_priority(LOG_DEBUG);
	v.positional = argv + optind;
	v.n_positional = argc - optind;

	for (size_t i = 0; i < ARRAY_SIZE(cli_verbs); i++) {
		if (!streq(verb, cli_verbs[i].name))
			continue;
		if (v.n_positional < cli_verbs[i].min_args || v.n_positional > cli_verbs[i].max_args) {
			fprintf(stderr, "Usage: vfio-hook %s\n", cli_verbs[i].usage);
			return 2;
		}
		return cli_verbs[i].run(&v);
	}
	if (streq(verb, "hook") || streq(verb, "network-hook")) {
		struct hook_args args = { .sysroot = v.sysroot, .xml_path = v.xml_path,
					  .dry_run = v.dry_run, .debug = debug };
		if (v.n_positional < 3 || v.n_positional > 4) {
			fprintf(stderr, "Usage: vfio-hook %s [--dry-run] -- NAME OPERATION "
					"SUB-OPERATION [EXTRA]\n", verb);
			return 2;
		}
		args.vm = v.positional[0];
		args.op = v.positional[1];
		args.subop = v.positional[2];
		args.extra = v.n_positional == 4 ? v.positional[3] : "-";
		return streq(verb, "hook") ? hook_run(&args) : network_hook_run(&args);
	}
	fprintf(stderr, "Unknown verb '%s'. Try 'vfio-hook --help'.\n", verb);
	return 2;
}

static int run_hook(int argc, char **argv, bool network)
{
	const char *argv0 = argv[0];
	struct hook_args args = { 0 };
	int n = argc - 1;

	/* Options only where no libvirt call can have that shape: 1 argument, or 5 with --dry-run. */
	if (n == 1 && (streq(argv[1], "--help") || streq(argv[1], "-h"))) {
		help_hook(argv0);
		return EXIT_SUCCESS;
	}
	if (n == 1 && streq(argv[1], "--version")) {
		printf("vfio-hook %s\n", VERSION);
		return EXIT_SUCCESS;
	}
	/* libvirt always passes exactly 4: any more are ours, in this order. --sysroot points
	 * the hook at a copy of a host, as tests do. */
	if (n >= 6 && streq(argv[1], "--sysroot")) {
		args.sysroot = argv[2];
		argv += 2;
		n -= 2;
	}
	if (n == 5 && streq(argv[1], "--dry-run")) {
		args.dry_run = true;
		argv++;
		n--;
	}
	if (n != 4) {
		fprintf(stderr, "Usage: %s [--sysroot DIR] [--dry-run] VM OPERATION SUB-OPERATION "
				"EXTRA < domain.xml\n", argv0);
		return 2;
	}
	args.vm = argv[1];
	args.op = argv[2];
	args.subop = argv[3];
	args.extra = argv[4];
	return network ? network_hook_run(&args) : hook_run(&args);
}

/* libvirt hands us almost no environment; whatever arrives is not trusted (libkmod runs modprobe.d
 * install commands through the shell with it). */
static void sanitize_process(bool hook)
{
	const char *keep[] = { "NO_COLOR", "TERM", "COLUMNS" };
	char *saved[ARRAY_SIZE(keep)] = { 0 };
	for (size_t i = 0; !hook && i < ARRAY_SIZE(keep); i++) {
		const char *v = getenv(keep[i]);
		saved[i] = v ? strdup(v) : NULL;
	}
	clearenv();
	setenv("PATH", "/usr/sbin:/usr/bin:/sbin:/bin", 1);
	setenv("LC_ALL", "C", 1);
	for (size_t i = 0; i < ARRAY_SIZE(keep); i++)
		if (saved[i]) {
			setenv(keep[i], saved[i], 1);
			free(saved[i]);
		}
	umask(077);
	signal(SIGPIPE, SIG_IGN);
	/* A closed 0/1/2 would make the next open() land there and a stray printf hit a file. */
	for (int fd = 0; fd < 3; fd++)
		if (fcntl(fd, F_GETFD) < 0) {
			int n = open("/dev/null", O_RDWR);
			if (n >= 0 && n != fd)
				close(n);
		}
}

int main(int argc, char **argv)
{
	/* The role comes from the name we were called by; the copy goes before anything runs,
	 * so that nothing of ours is left when the hook _exit()s. */
	char *copy = strdup(argv[0] ?: "vfio-hook");
	const char *name = copy ? basename(copy) : "vfio-hook";
	bool cli = startswith(name, "vfio-hook"), network = streq(name, "network");
	free(copy);

	timing_init(); /* before the environment goes */
	sanitize_process(!cli);
	log_setup(LOG_INFO, cli);
	log_set_action_namer(action_kind_name_of_verb); /* journal entries' VFIO_HOOK_ACTION */
	int status = cli ? run_cli(argc, argv) : run_hook(argc, argv, network);
	/* The adapters' handles, if anything opened them: the system bus, the module index. */
	bus_system_close();
	module_index_close();
	if (cli)
		return status;
#if !HAS_ADDRESS_SANITIZER /* LeakSanitizer checks at exit */
	/* libvirt waits for the hook to exit: the destructors of the libraries a start loaded
	 * (OpenSSL's cleanup behind libkmod, ICU's behind libxml2) only free memory the kernel
	 * frees anyway. Everything of ours is closed and flushed by now. */
	if (fflush(NULL) == 0)
		_exit(status);
#endif
	return status;
}
