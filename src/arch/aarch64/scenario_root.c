/*
 * A scenario as the root task: the same program as on the host
 * (scenarios/<name>.c, kaal_scenario_main()), run by the root thread.
 *
 * The root thread starts at priority 255; the scenarios start their
 * threads at 100 and, written for the host where every thread runs at
 * once, sometimes probe by spinning while another thread gets ready. So
 * the root first takes their priority: the tick then shares the CPU.
 */
#include <kaal/sdk.h>
#include <kaal/tap.h>

#include "aarch64.h"

#define SCENARIO_PRIORITY 100

unsigned aarch64_root_task(const struct kaal_boot_info *bi, const struct virt_machine *m,
                           unsigned entry_el, kaal_paddr free_base)
{
	(void)m;
	(void)entry_el;
	(void)free_base;
	/* The IPC buffer at its physical address: RAM is identity-mapped (mmu.c). */
	struct kaal_cap_info ipc;
	if (kaal_cnode_identify(kaal_root_slot(bi->root_cnode_cptr, bi->ipc_buffer_cptr), &ipc) ==
	    KAAL_OK)
		kaal_set_ipc_buffer((struct kaal_ipc_buffer *)(uintptr_t)ipc.object);
	if (kaal_thread_set_priority(bi->root_thread_cptr, SCENARIO_PRIORITY) != KAAL_OK) {
		kaal_tap_diag("the root thread cannot take the scenarios' priority");
		return 1;
	}
	int failures = kaal_scenario_main(bi);
	return failures ? (unsigned)failures : kaal_tap_failures();
}
