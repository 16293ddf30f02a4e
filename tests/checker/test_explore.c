/*
 * Exhaustive exploration: it finds what only some interleavings show (store
 * buffering under TSO, a lost update), covers everything within its bound
 * when nothing is wrong, and its sleep sets make two threads of 50 steps on
 * words of their own about 50 runs, not the 10^29 interleavings. A failing
 * run it finds replays. Threads that poll each other with
 * kaal_check_yield() take fair turns, so every run of a spinning test ends.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <kaal/checker.h>

#include "catalogue.h"

#define STEPS    50
#define BOUND    2
#define MAX_RUNS 100000
/* Two threads on words of their own: runs grow with the steps, not with the interleavings. */
#define SMALL_RUNS (2 * STEPS)

struct words {
	kaal_atomic_u32 x, y;
	uint32_t r[2];
	kaal_atomic_u32 counter;
};

static void sb_thread(unsigned id, void *p)
{
	struct words *w = p;
	kaal_atomic_store(id ? &w->y : &w->x, 1, KAAL_RELAXED);
	w->r[id] = kaal_atomic_load(id ? &w->x : &w->y, KAAL_RELAXED);
}

static void sb_fenced_thread(unsigned id, void *p)
{
	struct words *w = p;
	kaal_atomic_store(id ? &w->y : &w->x, 1, KAAL_RELAXED);
	kaal_atomic_fence(KAAL_SEQ_CST);
	w->r[id] = kaal_atomic_load(id ? &w->x : &w->y, KAAL_RELAXED);
}

static void sb_oracle(void *p)
{
	const struct words *w = p;
	kaal_check_assert(w->r[0] == 1 || w->r[1] == 1);
}

/* An increment made of a load and a store: two threads can lose one. */
static void racy_increment(unsigned id, void *p)
{
	(void)id;
	struct words *w = p;
	uint32_t v = kaal_atomic_load(&w->counter, KAAL_RELAXED);
	kaal_atomic_store(&w->counter, v + 1, KAAL_RELAXED);
}

static void counter_oracle(void *p)
{
	const struct words *w = p;
	kaal_check_assert(w->counter == 2);
}

/* Each thread works on its own word only: every interleaving is the same. */
static void own_word(unsigned id, void *p)
{
	struct words *w = p;
	for (uint32_t i = 0; i < STEPS; i++)
		kaal_atomic_store(id ? &w->y : &w->x, i, KAAL_RELAXED);
}

static struct kaal_check_test two(void (*thread)(unsigned, void *), void (*finish)(void *))
{
	struct kaal_check_test t = {.name = "explore",
	                            .threads = 2,
	                            .state_size = sizeof(struct words),
	                            .thread = thread,
	                            .finish = finish};
	return t;
}

static void finds_store_buffering_under_tso(void **state)
{
	(void)state;
	struct kaal_check_test test = two(sb_thread, sb_oracle);
	struct kaal_check_config config = {.model = KAAL_CHECK_TSO};
	struct kaal_check_exploration x;
	assert_true(kaal_check_explore(&test, &config, BOUND, MAX_RUNS, &x));
	assert_int_equal(x.result.verdict, KAAL_CHECK_FAILED);
	/* The failing schedule replays. */
	struct kaal_check_schedule found = kaal_check_last_schedule();
	uint8_t copy[256];
	assert_true(found.length <= sizeof copy);
	memcpy(copy, found.choice, found.length);
	struct kaal_check_schedule replay = {copy, found.length};
	config.replay = &replay;
	struct kaal_check_result again;
	assert_true(kaal_check_run(&test, &config, &again));
	assert_int_equal(again.verdict, KAAL_CHECK_FAILED);
}

static void covers_everything_when_nothing_is_wrong(void **state)
{
	(void)state;
	for (int model = KAAL_CHECK_SC; model <= KAAL_CHECK_C11; model++) {
		struct kaal_check_test test =
		    two(model == KAAL_CHECK_SC ? sb_thread : sb_fenced_thread, sb_oracle);
		struct kaal_check_config config = {.model = (enum kaal_check_model)model};
		struct kaal_check_exploration x;
		assert_true(kaal_check_explore(&test, &config, BOUND, MAX_RUNS, &x));
		assert_int_equal(x.result.verdict, KAAL_CHECK_PASSED);
		assert_true(x.complete);
		assert_true(x.runs > 1);
	}
}

static void finds_a_lost_update_under_sc(void **state)
{
	(void)state;
	struct kaal_check_test test = two(racy_increment, counter_oracle);
	struct kaal_check_config config = {.model = KAAL_CHECK_SC};
	struct kaal_check_exploration x;
	assert_true(kaal_check_explore(&test, &config, 1, MAX_RUNS, &x));
	assert_int_equal(x.result.verdict, KAAL_CHECK_FAILED);
	/* Without a preemption the increments cannot interleave. */
	assert_true(kaal_check_explore(&test, &config, 0, MAX_RUNS, &x));
	assert_int_equal(x.result.verdict, KAAL_CHECK_PASSED);
	assert_true(x.complete);
}

static void sleep_sets_collapse_independent_threads(void **state)
{
	(void)state;
	struct kaal_check_test test = two(own_word, NULL);
	struct kaal_check_config config = {.model = KAAL_CHECK_SC};
	struct kaal_check_exploration x;
	assert_true(kaal_check_explore(&test, &config, BOUND, MAX_RUNS, &x));
	assert_int_equal(x.result.verdict, KAAL_CHECK_PASSED);
	assert_true(x.complete);
	print_message("# two threads of %d steps, bound %d: %lu runs\n", STEPS, BOUND, x.runs);
	assert_true(x.runs <= SMALL_RUNS);
}

/*
 * Two consumers polling an empty MPMC ring cannot take turns forever while
 * a producer waits to run: the search over the catalogue's mpmc test ends,
 * every run finished, nothing failed.
 */
static void spinning_threads_take_fair_turns(void **state)
{
	(void)state;
	struct kaal_check_config config = {.model = KAAL_CHECK_SC};
	struct kaal_check_exploration out;
	assert_true(kaal_check_explore(&checked_mpmc, &config, 0, MAX_RUNS, &out));
	assert_true(out.complete);
	assert_int_equal(out.result.verdict, KAAL_CHECK_PASSED);
}

static void refuses_what_it_cannot_run(void **state)
{
	(void)state;
	struct kaal_check_test test = two(sb_thread, sb_oracle);
	struct kaal_check_config config = {.model = KAAL_CHECK_SC};
	struct kaal_check_exploration x;
	assert_false(kaal_check_explore(&test, &config, BOUND, MAX_RUNS, NULL));
	assert_false(kaal_check_explore(&test, NULL, BOUND, MAX_RUNS, &x));
	test.threads = KAAL_CHECK_MAX_THREADS + 1;
	assert_false(kaal_check_explore(&test, &config, BOUND, MAX_RUNS, &x));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(finds_store_buffering_under_tso),
	    cmocka_unit_test(covers_everything_when_nothing_is_wrong),
	    cmocka_unit_test(finds_a_lost_update_under_sc),
	    cmocka_unit_test(sleep_sets_collapse_independent_threads),
	    cmocka_unit_test(spinning_threads_take_fair_turns),
	    cmocka_unit_test(refuses_what_it_cannot_run),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
