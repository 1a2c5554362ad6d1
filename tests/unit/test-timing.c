// SPDX-License-Identifier: GPL-2.0-or-later
#include <poll.h>

#include "lib/timing.h"
#include "test.h"

static void sleep_ms(int ms)
{
	(void)poll(NULL, 0, ms);
}

static void wait_kernel(int ms)
{
	TIMING_WAIT(WAIT_KERNEL);
	sleep_ms(ms);
}

TEST(waits_are_counted_once_by_kind)
{
	struct timing_totals t;
	timing_reset();
	timing_phase("one");
	{
		TIMING_WAIT(WAIT_SYSTEMD);
		sleep_ms(20);
		wait_kernel(20); /* inside the systemd wait: counted there, not twice */
	}
	wait_kernel(20);
	timing_end();
	timing_totals(&t);
	ASSERT_TRUE(t.wait[WAIT_SYSTEMD] >= 40000 && t.wait[WAIT_SYSTEMD] < 200000);
	ASSERT_TRUE(t.wait[WAIT_KERNEL] >= 20000 && t.wait[WAIT_KERNEL] < 100000);
	ASSERT_EQ(t.wait[WAIT_PROCESS], 0);
	ASSERT_TRUE(t.wall >= 60000);
	ASSERT_TRUE(t.own < t.wall / 2);
}

TEST(own_work_inside_a_wait_is_not_waiting)
{
	struct timing_totals t;
	timing_reset();
	timing_action("drivers", "unload", "bochs");
	{
		TIMING_WAIT(WAIT_SYSTEMD);
		sleep_ms(10);
		{
			TIMING_OWN();
			sleep_ms(40);
			{
				TIMING_OWN(); /* nested: already counted */
				sleep_ms(10);
			}
		}
	}
	timing_totals(&t); /* the span is still open: counted up to now */
	ASSERT_TRUE(t.wait[WAIT_SYSTEMD] >= 10000 && t.wait[WAIT_SYSTEMD] < 40000);
	ASSERT_TRUE(t.own >= 50000);
	ASSERT_TRUE(t.wall >= 60000);
}

TEST(summary_names_what_was_waited_on)
{
	timing_reset();
	timing_phase("host");
	wait_kernel(30);
	timing_end();
	_cleanup_free_ char *s = timing_summary();
	ASSERT_TRUE(s);
	ASSERT_TRUE(strstr(s, "kernel 0.0") || strstr(s, "kernel 0.1"));
	ASSERT_TRUE(strstr(s, "vfio-hook 0."));
	ASSERT_FALSE(strstr(s, "systemd")); /* nothing under 5 ms is named */
}

TEST_MAIN("timing")
