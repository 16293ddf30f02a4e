/*
 * The simulated machine of a test that boots: booted before each run's
 * setup, shut down after its oracle, so no run sees another's objects. The
 * root task's broker owns everything boot info offers.
 */
#include <kaal/broker.h>
#include <kaal/host.h>
#include <kaal/sdk.h>

#include "checker.h"

#define SYSTEM_RAM_BYTES (UINT64_C(4) << 20)
/* A spawned thread's CSpace: 2^SPAWN_RADIX slots, slot 0 left empty. */
#define SPAWN_RADIX    4
#define SPAWN_PRIORITY 100

static const struct kaal_boot_info *boot_info;
static struct kaal_broker broker;
static bool booted;
/* The core refuses a stack top of 0; the checker runs every thread on a stack of its own. */
static char unused_stack[16];

bool system_boot(void)
{
	const struct kaal_host_config config = {.ram_size = SYSTEM_RAM_BYTES};
	if (kaal_host_boot(&config, &boot_info) != KAAL_OK)
		return false;
	booted = true;
	return kaal_broker_init(&broker, boot_info) == KAAL_OK;
}

void system_shutdown(void)
{
	if (booted)
		kaal_host_shutdown();
	booted = false;
}

struct kaal_broker *kaal_check_broker(void)
{
	return booted ? &broker : NULL;
}

kaal_status kaal_check_spawn(void (*fn)(kaal_word), kaal_word arg, const kaal_cptr *caps,
                             const unsigned *rights, unsigned count)
{
	if (!booted || !fn || count >= (1u << SPAWN_RADIX) || (count && (!caps || !rights)))
		return KAAL_INVALID_ARGUMENT;
	struct kaal_process p;
	kaal_status st = kaal_broker_create_process(&broker, SPAWN_RADIX, SPAWN_PRIORITY, 0, &p);
	for (unsigned i = 0; st == KAAL_OK && i < count; i++)
		st = kaal_broker_give(&broker, &p, i + 1, caps[i], rights[i]);
	void *ipc = NULL;
	if (st == KAAL_OK)
		st = kaal_map(p.ipc_buffer, 0, KAAL_RIGHT_READ | KAAL_RIGHT_WRITE, &ipc);
	if (st == KAAL_OK)
		st = kaal_thread_start(p.thread, fn, unused_stack + sizeof unused_stack, arg, ipc);
	return st;
}
