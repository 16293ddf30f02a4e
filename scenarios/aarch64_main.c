/*
 * A scenario as the root task at EL0: the same program as on the host
 * (scenarios/<name>.c, kaal_scenario_main()).
 *
 * The root thread starts at priority 255; the scenarios start their
 * threads at 100 and, written for the host where every thread runs at
 * once, sometimes probe by spinning while another thread gets ready. So
 * the root first takes their priority: the tick then shares the CPU.
 */
#include <kaal/sdk.h>
#include <kaal/tap.h>

#include "root_task.h"

#define SCENARIO_PRIORITY 100

int kaal_root_task_main(const struct kaal_boot_info *bi)
{
	if (kaal_thread_set_priority(bi->root_thread_cptr, SCENARIO_PRIORITY) != KAAL_OK) {
		kaal_tap_diag("the root thread cannot take the scenarios' priority");
		return 1;
	}
	int failures = kaal_scenario_main(bi);
	return failures ? failures : (int)kaal_tap_failures();
}
