/*
 * The demo root task: the broker, notification and ipc scenarios one after
 * the other in one boot, each printing its TAP block under a heading, then
 * one summary line and power-off (status 0 only when every check passed).
 *
 * Each scenario initialises a broker from boot info and treats every slot
 * and untyped region it names as its own. So each gets its own copy of
 * the boot info naming a disjoint share: a range of the root CNode's free
 * slots and a set of untyped regions, the largest to whichever share holds
 * the least so far.
 */
#include <kaal/sdk.h>
#include <kaal/tap.h>

#include "root_task.h"

#define SCENARIO_PRIORITY                                                                          \
	100 /* as scenarios/aarch64_main.c: the scenarios' threads share the CPU */
#define SCENARIOS 3u

int kaal_demo_broker(const struct kaal_boot_info *bi);
int kaal_demo_notification(const struct kaal_boot_info *bi);
int kaal_demo_ipc(const struct kaal_boot_info *bi);

static const struct {
	const char *name;
	const char *about;
	int (*run)(const struct kaal_boot_info *bi);
} scenario[SCENARIOS] = {
    {"broker", "memory, devices and objects through the capability broker", kaal_demo_broker},
    {"notification", "signal, poll and coalescing on a notification", kaal_demo_notification},
    {"ipc", "a million messages between two processes through shared rings", kaal_demo_ipc},
};

static struct kaal_boot_info share[SCENARIOS];

static void split(const struct kaal_boot_info *bi)
{
	uint64_t bytes[SCENARIOS] = {0};
	kaal_cptr slots = (bi->slot_count - bi->first_free_slot) / SCENARIOS;
	for (unsigned s = 0; s < SCENARIOS; s++) {
		share[s] = *bi;
		share[s].untyped_count = 0;
		share[s].first_free_slot = bi->first_free_slot + s * slots;
		share[s].slot_count = share[s].first_free_slot + slots;
	}
	bool taken[KAAL_BOOT_INFO_MAX_UNTYPED] = {false};
	for (uint32_t n = 0; n < bi->untyped_count; n++) {
		uint32_t largest = 0;
		for (uint32_t r = 0; r < bi->untyped_count; r++)
			if (!taken[r] && (taken[largest] || bi->untyped[r].size_bits >
			                                        bi->untyped[largest].size_bits))
				largest = r;
		taken[largest] = true;
		unsigned poorest = 0;
		for (unsigned s = 1; s < SCENARIOS; s++)
			if (bytes[s] < bytes[poorest])
				poorest = s;
		share[poorest].untyped[share[poorest].untyped_count++] = bi->untyped[largest];
		bytes[poorest] += UINT64_C(1) << bi->untyped[largest].size_bits;
	}
}

int kaal_root_task_main(const struct kaal_boot_info *bi)
{
	if (kaal_thread_set_priority(bi->root_thread_cptr, SCENARIO_PRIORITY) != KAAL_OK) {
		kaal_tap_diag("the root thread cannot take the scenarios' priority");
		return 1;
	}
	split(bi);
	unsigned failed = 0;
	for (unsigned s = 0; s < SCENARIOS; s++) {
		kaal_print("\n== scenario ");
		kaal_print(scenario[s].name);
		kaal_print(": ");
		kaal_print(scenario[s].about);
		kaal_print("\n");
		uint64_t start = kaal_time_ns();
		int failures = scenario[s].run(&share[s]);
		kaal_print("== ");
		kaal_print(scenario[s].name);
		kaal_print(failures ? ": FAILED" : ": passed");
		kaal_print(" in ");
		kaal_print_dec((kaal_time_ns() - start) / 1000000u);
		kaal_print(" ms\n");
		failed += failures != 0;
	}
	kaal_print("\nkaal demo: ");
	kaal_print_dec(SCENARIOS - failed);
	kaal_print(" of ");
	kaal_print_dec(SCENARIOS);
	kaal_print(" scenarios passed; powering off\n");
	return (int)failed;
}
