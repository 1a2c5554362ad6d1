// SPDX-License-Identifier: GPL-2.0-or-later
#include <fcntl.h>

#include "host/host.h"
#include "input/config.h"
#include "input/domain.h"
#include "lib/fileio.h"
#include "lib/strutil.h"
#include "lib/sysroot.h"
#include "stages/stages.h"
#include "test.h"

#define HOST "tests/fixtures/hosts/q35-bochs-desktop"
#define DOMAINS "tests/fixtures/domains/q35-bochs-desktop"

static struct domain *load_domain(const char *file)
{
	_cleanup_free_ char *path = strdup_printf("%s/%s", DOMAINS, file), *xml = NULL;
	size_t size;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ASSERT_TRUE(fd >= 0);
	ASSERT_OK(read_stream_capped(fd, DOMAIN_XML_MAX, &xml, &size));
	close(fd);
	struct domain *d = NULL;
	ASSERT_OK(domain_parse(xml, size, &d, NULL));
	return d;
}

/* planner_may_act lets a start skip the host scan: it must never say "nothing" for a domain
 * the full planner would act on or refuse, on any fixture domain. */
TEST(may_act_never_hides_work)
{
	_cleanup_(sysroot_freep) struct sysroot *root = NULL;
	_cleanup_(host_freep) struct host *host = NULL;
	_cleanup_strv_free_ char **files = NULL;
	size_t idle = 0, busy = 0;
	ASSERT_OK(sysroot_open(HOST, &root));
	ASSERT_OK(host_load(root, &host));
	ASSERT_OK(dir_list_at(AT_FDCWD, DOMAINS, &files));
	for (char **f = files; f && *f; f++) {
		if (!endswith(*f, ".xml"))
			continue;
		_cleanup_(domain_freep) struct domain *d = load_domain(*f);
		_cleanup_(plan_freep) struct plan *p = NULL;
		struct config cfg;
		config_init(&cfg);
		ASSERT_OK(planner_prepare(d, host, &cfg, -1, &p));
		if (!planner_may_act(d, &cfg)) {
			if (p->n_actions || plan_refused(p))
				FAIL_AT("%s: planner_may_act says nothing, the plan has %zu actions%s", *f,
					p->n_actions, plan_refused(p) ? " and refusals" : "");
			idle++;
		} else
			busy++;
		config_done(&cfg);
	}
	/* Both answers were exercised. */
	ASSERT_TRUE(idle > 0);
	ASSERT_TRUE(busy > 0);
}

TEST(configured_work_counts)
{
	_cleanup_(domain_freep) struct domain *d = load_domain("no-hostdevs.xml");
	struct config cfg;
	config_init(&cfg);
	ASSERT_FALSE(planner_may_act(d, &cfg));
	ASSERT_OK(config_parse(&cfg, "stop_units = foo.service\n", NULL));
	ASSERT_TRUE(planner_may_act(d, &cfg));
	config_done(&cfg);
}

TEST_MAIN("planner")
