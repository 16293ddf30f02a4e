/*
 * The checker's own behaviour: what it refuses, each verdict, the atomic
 * operations' results under each model, blocking, timeouts and deadlocks of
 * kaal threads, mutations, traces.
 */
#define _POSIX_C_SOURCE 200809L /* open_memstream */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <kaal/broker.h>
#include <kaal/checker.h>
#include <kaal/sdk.h>

#define SEEDS       50
#define SPIN_STEPS  500
#define ADDS        20
#define WAIT_NS     UINT64_C(5000)
#define SPAWN_LIMIT 15 /* caps a spawned thread can be given */

static const struct kaal_check_config sc = {.model = KAAL_CHECK_SC, .seed = 1};

struct words {
	kaal_atomic_u32 a;
	kaal_atomic_u64 b;
	kaal_cptr ntfn;
	uint64_t waited_from, waited_to;
	kaal_status status;
};

static void nothing(unsigned id, void *p)
{
	(void)id;
	(void)p;
}

static void refuses_what_it_cannot_run(void **state)
{
	(void)state;
	struct kaal_check_result r;
	struct kaal_check_test test = {.name = "t", .threads = 1, .thread = nothing};
	assert_false(kaal_check_run(NULL, &sc, &r));
	assert_false(kaal_check_run(&test, NULL, &r));
	assert_false(kaal_check_run(&test, &sc, NULL));
	test.threads = KAAL_CHECK_MAX_THREADS + 1;
	assert_false(kaal_check_run(&test, &sc, &r));
	test.threads = 1;
	test.thread = NULL;
	assert_false(kaal_check_run(&test, &sc, &r));
	assert_null(kaal_check_broker());
	assert_string_equal(kaal_check_model_name(KAAL_CHECK_TSO), "tso");
	assert_string_equal(kaal_check_strategy_name(KAAL_CHECK_PCT), "pct");
	struct kaal_check_config c = {.model = KAAL_CHECK_C11,
	                              .strategy = KAAL_CHECK_PCT,
	                              .seed = 7,
	                              .pct_depth = 2,
	                              .pct_steps = 50,
	                              .max_steps = 900,
	                              .mutation = {KAAL_CHECK_RELAX, "ring.c", 12}};
	char command[160];
	assert_string_equal(kaal_check_replay_command(command, sizeof command, "mpmc", &c),
	                    "kaal-check run mpmc --model c11 --strategy pct --seed 7 --depth 2 "
	                    "--pct-steps 50 --max-steps 900 --mutate ring.c:12:relax");
	/* Cut short, still terminated. */
	assert_int_equal(strlen(kaal_check_replay_command(command, 20, "mpmc", &c)), 19);
}

/* Waits for a word nobody sets. */
static void spin_forever(unsigned id, void *p)
{
	(void)id;
	struct words *w = p;
	while (kaal_atomic_load(&w->a, KAAL_ACQUIRE) == 0)
		;
}

static void step_limit_ends_a_run(void **state)
{
	(void)state;
	const struct kaal_check_test test = {.name = "spin",
	                                     .threads = 1,
	                                     .state_size = sizeof(struct words),
	                                     .thread = spin_forever};
	struct kaal_check_config config = sc;
	config.max_steps = SPIN_STEPS;
	struct kaal_check_result r;
	assert_true(kaal_check_run(&test, &config, &r));
	assert_int_equal(r.verdict, KAAL_CHECK_STEP_LIMIT);
	assert_int_equal(r.steps, SPIN_STEPS);
	assert_int_equal(kaal_check_last_schedule().length, SPIN_STEPS);
}

static void failing_thread(unsigned id, void *p)
{
	(void)p;
	kaal_check_assert(id == 1);
}

static void failing_oracle(void *p)
{
	const struct words *w = p;
	kaal_check_assert(w->a == 7);
}

static void assertions_fail_a_run(void **state)
{
	(void)state;
	struct kaal_check_test test = {.name = "assert",
	                               .threads = 2,
	                               .state_size = sizeof(struct words),
	                               .thread = failing_thread};
	struct kaal_check_result r;
	assert_true(kaal_check_run(&test, &sc, &r));
	assert_int_equal(r.verdict, KAAL_CHECK_FAILED);
	assert_non_null(strstr(r.message, "id == 1"));
	assert_non_null(strstr(r.message, "test_checker.c"));
	test.threads = 1;
	test.thread = nothing;
	test.finish = failing_oracle;
	assert_true(kaal_check_run(&test, &sc, &r));
	assert_int_equal(r.verdict, KAAL_CHECK_FAILED);
	assert_non_null(strstr(r.message, "w->a == 7"));
}

/* Each thread adds to both words, ADDS times, with every kind of read-modify-write. */
static void rmw_thread(unsigned id, void *p)
{
	struct words *w = p;
	for (unsigned i = 0; i < ADDS; i++) {
		kaal_atomic_fetch_add(&w->a, 1, KAAL_RELAXED);
		uint64_t old = kaal_atomic_load(&w->b, KAAL_RELAXED);
		while (!kaal_atomic_cas(&w->b, &old, old + 1, KAAL_ACQ_REL, KAAL_RELAXED))
			;
	}
	kaal_atomic_fetch_or(&w->a, UINT32_C(1) << (31 - id), KAAL_RELEASE);
}

static void rmw_oracle(void *p)
{
	struct words *w = p;
	uint32_t bits = (UINT32_C(1) << 31) | (UINT32_C(1) << 30);
	kaal_check_assert(w->a == (bits | 2 * ADDS));
	kaal_check_assert(w->b == 2 * ADDS);
	kaal_check_assert(kaal_atomic_exchange(&w->a, 5, KAAL_SEQ_CST) == (bits | 2 * ADDS));
	kaal_check_assert(w->a == 5);
}

static void read_modify_writes_are_atomic(void **state)
{
	(void)state;
	const struct kaal_check_test test = {.name = "rmw",
	                                     .threads = 2,
	                                     .state_size = sizeof(struct words),
	                                     .thread = rmw_thread,
	                                     .finish = rmw_oracle};
	for (int model = KAAL_CHECK_SC; model <= KAAL_CHECK_TSO; model++) {
		for (uint64_t seed = 1; seed <= SEEDS; seed++) {
			struct kaal_check_config config = {.model = (enum kaal_check_model)model,
			                                   .strategy = KAAL_CHECK_PCT,
			                                   .seed = seed};
			config.pct_depth = 2;
			struct kaal_check_result r;
			assert_true(kaal_check_run(&test, &config, &r));
			if (r.verdict != KAAL_CHECK_PASSED)
				fail_msg("seed %llu: %s", (unsigned long long)seed, r.message);
		}
	}
}

static void waiter(kaal_word arg)
{
	struct words *w = (struct words *)(uintptr_t)arg;
	kaal_word bits;
	w->waited_from = kaal_time_ns();
	w->status = kaal_wait_timeout(1, WAIT_NS, &bits);
	w->waited_to = kaal_time_ns();
}

static void forever_waiter(kaal_word arg)
{
	(void)arg;
	kaal_word bits;
	kaal_wait(1, &bits);
}

static void spawn_one(void *p, void (*fn)(kaal_word))
{
	struct words *w = p;
	kaal_check_assert(kaal_broker_create_notification(kaal_check_broker(), &w->ntfn) ==
	                  KAAL_OK);
	const unsigned rights = KAAL_RIGHT_READ;
	kaal_check_assert(kaal_check_spawn(fn, (kaal_word)(uintptr_t)w, &w->ntfn, &rights, 1) ==
	                  KAAL_OK);
}

static void spawn_waiter(void *p)
{
	spawn_one(p, waiter);
}

static void spawn_forever_waiter(void *p)
{
	spawn_one(p, forever_waiter);
}

static void timed_wait_oracle(void *p)
{
	const struct words *w = p;
	kaal_check_assert(w->status == KAAL_TIMEOUT);
	kaal_check_assert(w->waited_to - w->waited_from >= WAIT_NS);
}

static void timed_wait_ends_in_virtual_time(void **state)
{
	(void)state;
	const struct kaal_check_test test = {.name = "timeout",
	                                     .state_size = sizeof(struct words),
	                                     .boots = true,
	                                     .setup = spawn_waiter,
	                                     .finish = timed_wait_oracle};
	struct kaal_check_config config = sc;
	config.trace = true;
	struct kaal_check_result r;
	assert_true(kaal_check_run(&test, &config, &r));
	if (r.verdict != KAAL_CHECK_PASSED)
		fail_msg("%s", r.message);
	char *text = NULL;
	size_t size;
	FILE *f = open_memstream(&text, &size);
	assert_non_null(f);
	kaal_check_print_trace(f);
	assert_int_equal(fclose(f), 0);
	assert_non_null(strstr(text, "blocks until woken or"));
	assert_non_null(strstr(text, "timer   thread 0's wait ends"));
	free(text);
	assert_false(kaal_check_write_trace_json("/nonexistent-directory/trace.json"));
}

static void unwoken_wait_is_a_deadlock(void **state)
{
	(void)state;
	const struct kaal_check_test test = {.name = "deadlock",
	                                     .state_size = sizeof(struct words),
	                                     .boots = true,
	                                     .setup = spawn_forever_waiter};
	struct kaal_check_result r;
	assert_true(kaal_check_run(&test, &sc, &r));
	assert_int_equal(r.verdict, KAAL_CHECK_DEADLOCK);
	assert_non_null(strstr(r.message, "thread 0 is blocked"));
}

static void root_waits(void *p)
{
	struct words *w = p;
	kaal_check_assert(kaal_broker_create_notification(kaal_check_broker(), &w->ntfn) ==
	                  KAAL_OK);
	kaal_word bits;
	kaal_wait(w->ntfn, &bits);
}

static void root_must_not_block(void **state)
{
	(void)state;
	const struct kaal_check_test test = {
	    .name = "root", .state_size = sizeof(struct words), .boots = true, .setup = root_waits};
	struct kaal_check_result r;
	assert_true(kaal_check_run(&test, &sc, &r));
	assert_int_equal(r.verdict, KAAL_CHECK_FAILED);
	assert_non_null(strstr(r.message, "root task blocked"));
}

static void bad_spawns(void *p)
{
	(void)p;
	kaal_cptr caps[SPAWN_LIMIT + 1] = {0};
	unsigned rights[SPAWN_LIMIT + 1] = {0};
	kaal_check_assert(kaal_check_spawn(NULL, 0, NULL, NULL, 0) == KAAL_INVALID_ARGUMENT);
	kaal_check_assert(kaal_check_spawn(forever_waiter, 0, NULL, rights, 1) ==
	                  KAAL_INVALID_ARGUMENT);
	kaal_check_assert(kaal_check_spawn(forever_waiter, 0, caps, NULL, 1) ==
	                  KAAL_INVALID_ARGUMENT);
	kaal_check_assert(kaal_check_spawn(forever_waiter, 0, caps, rights, SPAWN_LIMIT + 1) ==
	                  KAAL_INVALID_ARGUMENT);
}

static void spawn_refuses_bad_arguments(void **state)
{
	(void)state;
	const struct kaal_check_test test = {.name = "spawn", .boots = true, .setup = bad_spawns};
	struct kaal_check_result r;
	assert_true(kaal_check_run(&test, &sc, &r));
	if (r.verdict != KAAL_CHECK_PASSED)
		fail_msg("%s", r.message);
	/* Without a booted machine there is nothing to spawn into. */
	assert_int_equal(kaal_check_spawn(forever_waiter, 0, NULL, NULL, 0), KAAL_INVALID_ARGUMENT);
}

/* SB with seq_cst stores: relaxing one thread's store brings back the store-buffering outcome. */
static void sb_thread(unsigned id, void *p)
{
	struct words *w = p;
	kaal_atomic_u32 *mine = id == 0 ? &w->a : (kaal_atomic_u32 *)&w->ntfn;
	kaal_atomic_u32 *other = id == 0 ? (kaal_atomic_u32 *)&w->ntfn : &w->a;
	kaal_atomic_store(mine, 1, KAAL_SEQ_CST);
	if (kaal_atomic_load(other, KAAL_SEQ_CST) == 0)
		kaal_atomic_fetch_add(&w->b, 1, KAAL_RELAXED);
}

static void sb_oracle(void *p)
{
	const struct words *w = p;
	kaal_check_assert(w->b != 2); /* not both threads missed the other's store */
}

/* Whether some seed fails with the store at file:line relaxed. */
static bool relaxed_store_caught(const struct kaal_check_test *test, const char *file, int line)
{
	struct kaal_check_config config = {.model = KAAL_CHECK_TSO};
	config.mutation = (struct kaal_check_mutation){KAAL_CHECK_RELAX, file, line};
	struct kaal_check_result r;
	for (uint64_t seed = 1; seed <= SEEDS * 10; seed++) {
		config.seed = seed;
		assert_true(kaal_check_run(test, &config, &r));
		if (r.verdict == KAAL_CHECK_FAILED)
			return true;
	}
	return false;
}

/*
 * A mutation names its site by the file as the compiler named it or by a
 * trailing part of that path after a '/'; a part that splits a name names
 * nothing, and nothing is mutated.
 */
static void relaxing_a_store_is_caught(void **state)
{
	(void)state;
	const struct kaal_check_test test = {.name = "sb",
	                                     .threads = 2,
	                                     .state_size = sizeof(struct words),
	                                     .thread = sb_thread,
	                                     .finish = sb_oracle};
	struct kaal_check_sites sites = {0};
	struct kaal_check_config config = {.model = KAAL_CHECK_TSO, .seed = 1, .sites = &sites};
	struct kaal_check_result r;
	assert_true(kaal_check_run(&test, &config, &r));
	assert_int_equal(r.verdict, KAAL_CHECK_PASSED);
	const struct kaal_check_site_info *store = NULL;
	for (unsigned i = 0; i < sites.count; i++)
		if (sites.site[i].op == KAAL_CHECK_OP_STORE && sites.site[i].order == KAAL_SEQ_CST)
			store = &sites.site[i];
	assert_non_null(store);
	/* As written, no schedule shows the store-buffering outcome. */
	assert_false(relaxed_store_caught(&test, "no_such_file.c", store->line));
	assert_true(relaxed_store_caught(&test, store->file, store->line));
	assert_true(relaxed_store_caught(&test, "checker/test_checker.c", store->line));
	assert_true(relaxed_store_caught(&test, "test_checker.c", store->line));
	assert_false(relaxed_store_caught(&test, "est_checker.c", store->line));
	assert_false(relaxed_store_caught(&test, "test_checker.c", store->line + 1000));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(refuses_what_it_cannot_run),
	    cmocka_unit_test(step_limit_ends_a_run),
	    cmocka_unit_test(assertions_fail_a_run),
	    cmocka_unit_test(read_modify_writes_are_atomic),
	    cmocka_unit_test(timed_wait_ends_in_virtual_time),
	    cmocka_unit_test(unwoken_wait_is_a_deadlock),
	    cmocka_unit_test(root_must_not_block),
	    cmocka_unit_test(spawn_refuses_bad_arguments),
	    cmocka_unit_test(relaxing_a_store_is_caught),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
