/*
 * Starting boot programs by name on the host: the programs of
 * tests/programs/ in the machine's program list, started with named
 * capabilities, waited for and destroyed; every refusal of the spawn
 * helper, the VSpace load call, the program start and the host's program
 * list, each leaving nothing behind.
 */
#include <string.h>

#include "harness.h"
#include "programs/programs.h"

#include <kaal/spawn.h>

#define PRIORITY 100u
#define WAIT_NS  (UINT64_C(10) * 1000 * 1000 * 1000) /* generous: a deadline, never a sleep */
#define SHORT_NS (UINT64_C(2) * 1000 * 1000)

static const struct kaal_host_program programs[] = {
    {"adder", kaal_program_entry_adder},
    {"inspect", kaal_program_entry_inspect},
    {"waiter", kaal_program_entry_waiter},
};
#define PROGRAM_COUNT (sizeof(programs) / sizeof(programs[0]))

static struct kaal_broker broker;

static int spawn_setup(void **state)
{
	struct kaal_host_config config = {.programs = programs, .program_count = PROGRAM_COUNT};
	harness_setup_with(state, &config);
	harness_broker(&broker);
	return 0;
}

#define SPAWN_CASE(fn) cmocka_unit_test_setup_teardown(fn, spawn_setup, harness_teardown)

/* What the broker holds, to show a call left nothing behind. */
struct holdings {
	uint64_t free_bytes;
	uint32_t free_slots;
};

static struct holdings holdings(void)
{
	struct holdings now = {broker.memory.free_bytes, broker.slots.free_count};
	return now;
}

static void assert_same_holdings(struct holdings before)
{
	struct holdings now = holdings();
	assert_int_equal(before.free_bytes, now.free_bytes);
	assert_int_equal(before.free_slots, now.free_slots);
}

static void boot_info_lists_programs(void **state)
{
	(void)state;
	assert_int_equal(PROGRAM_COUNT, h.bi->program_count);
	for (unsigned i = 0; i < PROGRAM_COUNT; i++) {
		assert_string_equal(programs[i].name, h.bi->program[i].name);
		assert_true(h.bi->program[i].vspace_bits >= KAAL_PAGE_BITS);
		assert_int_equal(i + 1, kaal_boot_program_find(h.bi, programs[i].name));
	}
	assert_int_equal(0, kaal_boot_program_find(h.bi, "add"));
	assert_int_equal(0, kaal_boot_program_find(h.bi, "adderx"));
	assert_int_equal(0, kaal_boot_program_find(h.bi, ""));
	assert_int_equal(0, kaal_boot_program_find(h.bi, NULL));
	assert_int_equal(0, kaal_boot_program_find(NULL, "adder"));
}

static void runs_and_ends(void **state)
{
	(void)state;
	struct holdings before = holdings();
	kaal_cptr ep;
	assert_status(KAAL_OK, kaal_broker_create_endpoint(&broker, &ep));
	struct holdings with_ep = holdings();
	const struct kaal_spawn_cap caps[] = {{"reply", ep, KAAL_RIGHT_WRITE}};
	struct kaal_spawned p;
	assert_status(KAAL_OK, kaal_spawn(&broker, "adder", caps, 1, PRIORITY, 20, &p));
	struct kaal_msg msg;
	assert_status(KAAL_OK, kaal_recv(ep, &msg));
	assert_int_equal(ADDER_LABEL, kaal_msg_label(msg.info));
	assert_int_equal(21, msg.mr[0]);
	assert_int_equal(KAAL_PROGRAM_SLOT_FIRST_CAP + 1, msg.mr[1]);
	int status = -100;
	assert_status(KAAL_OK, kaal_spawn_wait(&p, WAIT_NS, &status));
	assert_int_equal(40, status);
	/* Once ended it stays ended: a second wait answers at once. */
	status = -100;
	assert_status(KAAL_OK, kaal_spawn_wait(&p, 0, &status));
	assert_int_equal(40, status);
	assert_status(KAAL_OK, kaal_spawn_destroy(&broker, &p));
	assert_same_holdings(with_ep);
	assert_status(KAAL_OK, kaal_broker_destroy_object(&broker, ep));
	assert_same_holdings(before);
}

static void cspace_as_promised(void **state)
{
	(void)state;
	kaal_cptr ntfn, ep;
	assert_status(KAAL_OK, kaal_broker_create_notification(&broker, &ntfn));
	assert_status(KAAL_OK, kaal_broker_create_endpoint(&broker, &ep));
	const struct kaal_spawn_cap caps[] = {
	    {"ntfn", ntfn, KAAL_RIGHT_WRITE},
	    {"ep", ep, KAAL_RIGHT_READ | KAAL_RIGHT_WRITE},
	};
	struct kaal_spawned p;
	assert_status(KAAL_OK, kaal_spawn(&broker, "inspect", caps, 2, PRIORITY, 0, &p));
	int status = -100;
	assert_status(KAAL_OK, kaal_spawn_wait(&p, WAIT_NS, &status));
	assert_int_equal(0, status);
	kaal_word bits = 0;
	assert_status(KAAL_OK, kaal_poll(ntfn, &bits));
	assert_int_equal(INSPECT_SIGNAL_BITS, bits);
	assert_status(KAAL_OK, kaal_spawn_destroy(&broker, &p));
}

/* A waiter blocked on a notification of the broker's, given as "block". */
static void spawn_waiter(kaal_cptr *block, struct kaal_spawned *p)
{
	assert_status(KAAL_OK, kaal_broker_create_notification(&broker, block));
	const struct kaal_spawn_cap caps[] = {{"block", *block, KAAL_RIGHT_READ}};
	assert_status(KAAL_OK, kaal_spawn(&broker, "waiter", caps, 1, PRIORITY, 0, p));
	harness_wait_blocked(p->process.thread);
}

static void wait_times_out_and_destroy_ends_it(void **state)
{
	(void)state;
	struct holdings before = holdings();
	kaal_cptr block;
	struct kaal_spawned p;
	spawn_waiter(&block, &p);
	int status = -100;
	assert_status(KAAL_TIMEOUT, kaal_spawn_wait(&p, SHORT_NS, &status));
	assert_int_equal(-100, status);
	/* Destroyed while it waits: nothing of it is left. */
	assert_status(KAAL_OK, kaal_spawn_destroy(&broker, &p));
	assert_status(KAAL_OK, kaal_broker_destroy_object(&broker, block));
	assert_same_holdings(before);
}

static void ends_with_the_bits_that_woke_it(void **state)
{
	(void)state;
	kaal_cptr block;
	struct kaal_spawned p;
	spawn_waiter(&block, &p);
	assert_status(KAAL_OK, kaal_signal(block, 0x30));
	int status = -100;
	assert_status(KAAL_OK, kaal_spawn_wait(&p, WAIT_NS, &status));
	assert_int_equal(0x30, status);
	assert_status(KAAL_OK, kaal_spawn_destroy(&broker, &p));
}

static void spawn_refusals_leave_nothing(void **state)
{
	(void)state;
	kaal_cptr ep;
	assert_status(KAAL_OK, kaal_broker_create_endpoint(&broker, &ep));
	struct kaal_spawn_cap many[KAAL_START_MAX_CAPS + 1];
	char names[KAAL_START_MAX_CAPS + 1][8];
	for (unsigned i = 0; i <= KAAL_START_MAX_CAPS; i++) {
		names[i][0] = 'c';
		names[i][1] = (char)('a' + i);
		names[i][2] = '\0';
		many[i] = (struct kaal_spawn_cap){names[i], ep, KAAL_RIGHT_WRITE};
	}
	const struct kaal_spawn_cap twice[] = {{"reply", ep, KAAL_RIGHT_WRITE},
	                                       {"reply", ep, KAAL_RIGHT_READ}};
	const struct kaal_spawn_cap empty[] = {{"", ep, KAAL_RIGHT_WRITE}};
	const struct kaal_spawn_cap unnamed[] = {{NULL, ep, KAAL_RIGHT_WRITE}};
	const struct kaal_spawn_cap long_name[] = {
	    {"a_name_of_twenty_four_ch", ep, KAAL_RIGHT_WRITE}};
	/* The broker's last slot: empty, and no spawn here gets that far. */
	const struct kaal_spawn_cap not_held[] = {
	    {"reply", broker.slots.end - 1, KAAL_RIGHT_WRITE}};
	struct holdings before = holdings();
	struct kaal_spawned p;
	memset(&p, 0x5A, sizeof(p));
	struct kaal_spawned untouched = p;
	assert_status(KAAL_INVALID_ARGUMENT, kaal_spawn(NULL, "adder", NULL, 0, PRIORITY, 0, &p));
	assert_status(KAAL_INVALID_ARGUMENT,
	              kaal_spawn(&broker, "adder", NULL, 0, PRIORITY, 0, NULL));
	assert_status(KAAL_INVALID_ARGUMENT, kaal_spawn(&broker, NULL, NULL, 0, PRIORITY, 0, &p));
	assert_status(KAAL_INVALID_ARGUMENT,
	              kaal_spawn(&broker, "nosuch", NULL, 0, PRIORITY, 0, &p));
	assert_status(KAAL_INVALID_ARGUMENT,
	              kaal_spawn(&broker, "adder", NULL, 1, PRIORITY, 0, &p));
	assert_status(KAAL_INVALID_ARGUMENT,
	              kaal_spawn(&broker, "adder", many, KAAL_START_MAX_CAPS + 1, PRIORITY, 0, &p));
	assert_status(KAAL_INVALID_ARGUMENT,
	              kaal_spawn(&broker, "adder", twice, 2, PRIORITY, 0, &p));
	assert_status(KAAL_INVALID_ARGUMENT,
	              kaal_spawn(&broker, "adder", empty, 1, PRIORITY, 0, &p));
	assert_status(KAAL_INVALID_ARGUMENT,
	              kaal_spawn(&broker, "adder", unnamed, 1, PRIORITY, 0, &p));
	assert_status(KAAL_INVALID_ARGUMENT,
	              kaal_spawn(&broker, "adder", long_name, 1, PRIORITY, 0, &p));
	assert_memory_equal(&untouched, &p, sizeof(p));
	assert_same_holdings(before);
	/* Refused half-way, by the kernel: everything made so far is taken back. */
	assert_status(KAAL_INVALID_ARGUMENT,
	              kaal_spawn(&broker, "adder", NULL, 0, KAAL_MAX_PRIORITY + 1, 0, &p));
	assert_status(KAAL_SLOT_EMPTY, kaal_spawn(&broker, "adder", not_held, 1, PRIORITY, 0, &p));
	assert_memory_equal(&untouched, &p, sizeof(p));
	assert_same_holdings(before);
	/* The full set of names fits. */
	struct kaal_spawned ok;
	assert_status(KAAL_OK,
	              kaal_spawn(&broker, "inspect", many, KAAL_START_MAX_CAPS, PRIORITY, 0, &ok));
	int status;
	assert_status(KAAL_OK, kaal_spawn_wait(&ok, WAIT_NS, &status));
	assert_status(KAAL_OK, kaal_spawn_destroy(&broker, &ok));
	assert_same_holdings(before);
	assert_status(KAAL_INVALID_ARGUMENT, kaal_spawn_wait(NULL, 0, &status));
	assert_status(KAAL_INVALID_ARGUMENT, kaal_spawn_wait(&ok, 0, &status));
	assert_status(KAAL_INVALID_ARGUMENT, kaal_spawn_wait(&ok, 0, NULL));
	assert_status(KAAL_INVALID_ARGUMENT, kaal_spawn_destroy(NULL, &ok));
	assert_status(KAAL_INVALID_ARGUMENT, kaal_spawn_destroy(&broker, NULL));
}

/* A VSpace and a configured thread of the harness's, for the calls themselves. */
static kaal_cptr fresh_vspace(void)
{
	return harness_create(KAAL_CAP_VSPACE, h.bi->vspace_bits);
}

static void vspace_load_refusals(void **state)
{
	(void)state;
	kaal_cptr v = fresh_vspace();
	kaal_cptr ntfn = harness_notification();
	kaal_cptr read_only = harness_derive(v, KAAL_RIGHT_READ);
	assert_status(KAAL_INVALID_ARGUMENT, kaal_vspace_load(v, 0));
	assert_status(KAAL_INVALID_ARGUMENT, kaal_vspace_load(v, PROGRAM_COUNT + 1));
	assert_status(KAAL_WRONG_TYPE, kaal_vspace_load(ntfn, 1));
	assert_status(KAAL_MISSING_RIGHT, kaal_vspace_load(read_only, 1));
	assert_status(KAAL_SLOT_EMPTY, kaal_vspace_load(harness_slot(), 1));
	/* None of those loaded anything: the first load still works, a second is too late. */
	assert_status(KAAL_OK, kaal_vspace_load(v, 2));
	assert_status(KAAL_ILLEGAL_OPERATION, kaal_vspace_load(v, 2));
	assert_status(KAAL_ILLEGAL_OPERATION, kaal_vspace_load(v, 1));
	/* A VSpace a thread was given keeps the program it has. */
	kaal_cptr given = fresh_vspace();
	kaal_cptr t = harness_create(KAAL_CAP_THREAD, 0);
	assert_status(KAAL_OK, kaal_thread_set_vspace(t, given));
	assert_status(KAAL_ILLEGAL_OPERATION, kaal_vspace_load(given, 1));
	/* The root's own VSpace runs the root task. */
	assert_status(KAAL_ILLEGAL_OPERATION, kaal_vspace_load(h.bi->root_vspace_cptr, 1));
}

static void program_start_needs_a_program(void **state)
{
	(void)state;
	kaal_cptr cnode = harness_guarded(harness_create(KAAL_CAP_CNODE, 4), 4, 0);
	kaal_cptr t = harness_create(KAAL_CAP_THREAD, 0);
	assert_status(KAAL_OK, kaal_thread_configure(t, cnode, 0, PRIORITY));
	/* No VSpace of its own: it would run the starter's, which is no boot program. */
	assert_status(KAAL_INVALID_ARGUMENT, kaal_thread_start_program(t, 0));
	kaal_cptr copy = fresh_vspace();
	assert_status(KAAL_OK, kaal_thread_set_vspace(t, copy));
	assert_status(KAAL_INVALID_ARGUMENT, kaal_thread_start_program(t, 0));
	/* Entry or stack alone stays refused as before. */
	assert_status(KAAL_INVALID_ARGUMENT, kaal_thread_start(t, NULL, harness_stack(), 0, NULL));
	assert_status(KAAL_WRONG_TYPE, kaal_thread_start_program(cnode, 0));
}

static void host_program_list_refusals(void **state)
{
	(void)state;
	assert_status(KAAL_OK, kaal_host_shutdown()); /* the fixture's machine */
	const struct kaal_host_program no_entry[] = {{"adder", NULL}};
	const struct kaal_host_program no_name[] = {{NULL, kaal_program_entry_adder}};
	const struct kaal_host_program empty[] = {{"", kaal_program_entry_adder}};
	const struct kaal_host_program too_long[] = {
	    {"a_name_of_twenty_four_ch", kaal_program_entry_adder}};
	const struct kaal_host_program twice[] = {{"adder", kaal_program_entry_adder},
	                                          {"adder", kaal_program_entry_inspect}};
	struct kaal_host_program many[KAAL_BOOT_INFO_MAX_PROGRAMS + 1];
	char names[KAAL_BOOT_INFO_MAX_PROGRAMS + 1][4];
	for (unsigned i = 0; i <= KAAL_BOOT_INFO_MAX_PROGRAMS; i++) {
		names[i][0] = 'p';
		names[i][1] = (char)('a' + i);
		names[i][2] = '\0';
		many[i] = (struct kaal_host_program){names[i], kaal_program_entry_adder};
	}
	const struct {
		const struct kaal_host_program *list;
		unsigned count;
	} bad[] = {{NULL, 1},
	           {no_entry, 1},
	           {no_name, 1},
	           {empty, 1},
	           {too_long, 1},
	           {twice, 2},
	           {many, KAAL_BOOT_INFO_MAX_PROGRAMS + 1}};
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct kaal_host_config config = {.programs = bad[i].list,
		                                  .program_count = bad[i].count};
		const struct kaal_boot_info *bi = NULL;
		assert_status(KAAL_INVALID_ARGUMENT, kaal_host_boot(&config, &bi));
		assert_null(bi);
		/* Nothing was booted: shutting down finds no machine. */
		assert_status(KAAL_ILLEGAL_OPERATION, kaal_host_shutdown());
	}
	/* A list as long as boot info holds fits. */
	struct kaal_host_config config = {.programs = many,
	                                  .program_count = KAAL_BOOT_INFO_MAX_PROGRAMS};
	harness_setup_with(state, &config);
	assert_int_equal(KAAL_BOOT_INFO_MAX_PROGRAMS, h.bi->program_count);
	assert_int_equal(KAAL_BOOT_INFO_MAX_PROGRAMS, kaal_boot_program_find(h.bi, "pp"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    SPAWN_CASE(boot_info_lists_programs),
	    SPAWN_CASE(runs_and_ends),
	    SPAWN_CASE(cspace_as_promised),
	    SPAWN_CASE(wait_times_out_and_destroy_ends_it),
	    SPAWN_CASE(ends_with_the_bits_that_woke_it),
	    SPAWN_CASE(spawn_refusals_leave_nothing),
	    SPAWN_CASE(vspace_load_refusals),
	    SPAWN_CASE(program_start_needs_a_program),
	    SPAWN_CASE(host_program_list_refusals),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
