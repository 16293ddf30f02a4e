/*
 * Boot programs on QEMU: the kernel image carries the spawn tests'
 * programs (tests/programs/) after this root task, which starts them by
 * name in VSpaces of their own, gives them capabilities by name, waits for
 * their ends and destroys them, as test_spawn.c does on the host. Starting
 * and destroying them many times leaves the broker's memory and slots as
 * they were; the kernel refuses the loads it must.
 */
#include <kaal/spawn.h>
#include <kaal/tap.h>

#include "../programs/programs.h"
#include "root_task.h"

#define PLAN     8
#define PRIORITY 100u
#define WAIT_NS  UINT64_C(5000000000)
#define SHORT_NS UINT64_C(2000000)
#define CYCLES   20u

static struct kaal_broker broker;

static bool same_holdings(uint64_t free_bytes, uint32_t free_slots)
{
	return broker.memory.free_bytes == free_bytes && broker.slots.free_count == free_slots;
}

static void lists_programs(const struct kaal_boot_info *bi)
{
	bool listed = bi->program_count == 3 && kaal_boot_program_find(bi, "adder") == 1 &&
	              kaal_boot_program_find(bi, "inspect") == 2 &&
	              kaal_boot_program_find(bi, "waiter") == 3 &&
	              kaal_boot_program_find(bi, "add") == 0;
	kaal_tap_ok(listed, "boot info lists the image's programs adder, inspect and waiter");
}

/* adder: its message and its exit status; then it is destroyed. */
static void adder(kaal_word arg, bool *ok)
{
	kaal_cptr ep = 0;
	struct kaal_spawned p;
	kaal_status st = kaal_broker_create_endpoint(&broker, &ep);
	const struct kaal_spawn_cap caps[] = {{"reply", ep, KAAL_RIGHT_WRITE}};
	if (st == KAAL_OK)
		st = kaal_spawn(&broker, "adder", caps, 1, PRIORITY, arg, &p);
	struct kaal_msg msg = {0};
	if (st == KAAL_OK)
		st = kaal_recv(ep, &msg);
	int status = -100;
	if (st == KAAL_OK)
		st = kaal_spawn_wait(&p, WAIT_NS, &status);
	*ok = st == KAAL_OK && kaal_msg_label(msg.info) == ADDER_LABEL && msg.mr[0] == arg + 1 &&
	      msg.mr[1] == KAAL_PROGRAM_SLOT_FIRST_CAP + 1 && status == (int)(arg * 2);
	if (st == KAAL_OK)
		st = kaal_spawn_destroy(&broker, &p);
	if (ep)
		st = st == KAAL_OK ? kaal_broker_destroy_object(&broker, ep) : st;
	*ok = *ok && st == KAAL_OK;
}

static void inspect(void)
{
	kaal_cptr ntfn = 0, ep = 0;
	kaal_status st = kaal_broker_create_notification(&broker, &ntfn);
	if (st == KAAL_OK)
		st = kaal_broker_create_endpoint(&broker, &ep);
	const struct kaal_spawn_cap caps[] = {{"ntfn", ntfn, KAAL_RIGHT_WRITE},
	                                      {"ep", ep, KAAL_RIGHT_READ | KAAL_RIGHT_WRITE}};
	struct kaal_spawned p;
	int status = -100;
	if (st == KAAL_OK)
		st = kaal_spawn(&broker, "inspect", caps, 2, PRIORITY, 0, &p);
	if (st == KAAL_OK)
		st = kaal_spawn_wait(&p, WAIT_NS, &status);
	kaal_word bits = 0;
	if (st == KAAL_OK)
		st = kaal_poll(ntfn, &bits);
	if (st == KAAL_OK)
		st = kaal_spawn_destroy(&broker, &p);
	if (status != 0) {
		kaal_diag_str("inspect found these looks wrong (bits of programs.h): ");
		kaal_diag_hex((kaal_word)status);
		kaal_diag_end();
	}
	kaal_tap_ok(
	    st == KAAL_OK && status == 0 && bits == INSPECT_SIGNAL_BITS,
	    "inspect finds its CSpace as program.h lays it out and its capabilities by name");
}

static void waiter(void)
{
	uint64_t free_bytes = broker.memory.free_bytes;
	uint32_t free_slots = broker.slots.free_count;
	kaal_cptr block = 0;
	kaal_status st = kaal_broker_create_notification(&broker, &block);
	const struct kaal_spawn_cap caps[] = {{"block", block, KAAL_RIGHT_READ}};
	struct kaal_spawned running, woken;
	int status = -100;
	if (st == KAAL_OK)
		st = kaal_spawn(&broker, "waiter", caps, 1, PRIORITY, 0, &running);
	kaal_status timed = st == KAAL_OK ? kaal_spawn_wait(&running, SHORT_NS, &status) : st;
	if (st == KAAL_OK)
		st = kaal_spawn_destroy(&broker, &running);
	kaal_tap_ok(st == KAAL_OK && timed == KAAL_TIMEOUT && status == -100,
	            "a waiter that does not end times out its starter's wait and is destroyed "
	            "while it waits");
	if (st == KAAL_OK)
		st = kaal_spawn(&broker, "waiter", caps, 1, PRIORITY, 0, &woken);
	if (st == KAAL_OK)
		st = kaal_signal(block, 0x30);
	if (st == KAAL_OK)
		st = kaal_spawn_wait(&woken, WAIT_NS, &status);
	if (st == KAAL_OK)
		st = kaal_spawn_destroy(&broker, &woken);
	if (block && st == KAAL_OK)
		st = kaal_broker_destroy_object(&broker, block);
	kaal_tap_ok(st == KAAL_OK && status == 0x30 && same_holdings(free_bytes, free_slots),
	            "a waiter woken by its notification ends with the bits, and nothing is left");
}

/* Loads the kernel refuses: a number past the list, a second load, a VSpace already given. */
static void refused_loads(const struct kaal_boot_info *bi)
{
	unsigned program = kaal_boot_program_find(bi, "adder");
	kaal_cptr v = 0, given = 0, t = 0;
	kaal_status st = kaal_broker_create_vspace(&broker, &v);
	if (st == KAAL_OK)
		st = kaal_broker_create_vspace(&broker, &given);
	if (st == KAAL_OK)
		st = kaal_broker_create_thread(&broker, &t);
	if (st == KAAL_OK)
		st = kaal_thread_set_vspace(t, given);
	bool refused = st == KAAL_OK &&
	               kaal_vspace_load(v, bi->program_count + 1) == KAAL_INVALID_ARGUMENT &&
	               kaal_vspace_load(v, 0) == KAAL_INVALID_ARGUMENT &&
	               kaal_vspace_load(given, program) == KAAL_ILLEGAL_OPERATION;
	/* The refusals loaded nothing: the first load works, the second is too late. */
	refused = refused && kaal_vspace_load(v, program) == KAAL_OK &&
	          kaal_vspace_load(v, program) == KAAL_ILLEGAL_OPERATION;
	const kaal_cptr made[] = {t, given, v};
	for (unsigned i = 0; i < sizeof(made) / sizeof(made[0]); i++)
		if (made[i] && kaal_broker_destroy_object(&broker, made[i]) != KAAL_OK)
			refused = false;
	kaal_tap_ok(refused, "the kernel refuses a program number past the list, a second load "
	                     "and a VSpace a thread was given");
}

int kaal_root_task_main(const struct kaal_boot_info *bi)
{
	kaal_tap_plan(PLAN);
	if (kaal_broker_init(&broker, bi) != KAAL_OK) {
		kaal_tap_diag("the broker does not accept this boot info");
		return 1;
	}
	lists_programs(bi);
	bool ok = false;
	adder(20, &ok);
	kaal_tap_ok(ok, "adder, given an endpoint by name, sends 21 and its first free slot and "
	                "ends with 40");
	inspect();
	waiter();
	refused_loads(bi);
	uint64_t free_bytes = broker.memory.free_bytes;
	uint32_t free_slots = broker.slots.free_count;
	bool all = true;
	for (unsigned i = 0; i < CYCLES && all; i++)
		adder(i, &all);
	kaal_tap_ok(all, "20 more adders each start, answer and end");
	kaal_tap_ok(same_holdings(free_bytes, free_slots),
	            "after them the broker's memory and slots are as they were");
	return (int)kaal_tap_failures();
}
