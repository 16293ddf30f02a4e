/*
 * Litmus tests of the checker's memory models: for each model, every
 * outcome the model allows is reached within a budget of random and PCT
 * runs, and no outcome it forbids ever is. Each test's outcome is its
 * registers, packed one bit each into a number.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <kaal/atomic.h>
#include <kaal/checker.h>

#define RUNS_PER_STRATEGY 2000
#define PCT_DEPTH         3
#define OUTCOMES          16 /* up to four one-bit registers */

struct litmus_state {
	kaal_atomic_u32 x, y;
	uint32_t r[4];
};

static unsigned last_outcome;
static bool with_fence;

static void fence(void)
{
	if (with_fence)
		kaal_atomic_fence(KAAL_SEQ_CST);
}

static void record(void *p)
{
	struct litmus_state *s = p;
	last_outcome = s->r[0] | s->r[1] << 1 | s->r[2] << 2 | s->r[3] << 3;
}

/* SB: each thread stores one word and loads the other. r0 = r1 = 0 is the store-buffering outcome.
 */
static void sb_thread(unsigned id, void *p)
{
	struct litmus_state *s = p;
	kaal_atomic_u32 *mine = id == 0 ? &s->x : &s->y;
	kaal_atomic_u32 *other = id == 0 ? &s->y : &s->x;
	kaal_atomic_store(mine, 1, KAAL_RELAXED);
	fence();
	s->r[id] = kaal_atomic_load(other, KAAL_RELAXED);
}

/* SB with every access seq_cst and no fence. */
static void sb_seq_cst_thread(unsigned id, void *p)
{
	struct litmus_state *s = p;
	kaal_atomic_u32 *mine = id == 0 ? &s->x : &s->y;
	kaal_atomic_u32 *other = id == 0 ? &s->y : &s->x;
	kaal_atomic_store(mine, 1, KAAL_SEQ_CST);
	s->r[id] = kaal_atomic_load(other, KAAL_SEQ_CST);
}

/* MP: data x, then flag y; the reader loads the flag, then the data. */
static void mp_thread(unsigned id, void *p)
{
	struct litmus_state *s = p;
	if (id == 0) {
		kaal_atomic_store(&s->x, 1, KAAL_RELAXED);
		kaal_atomic_store(&s->y, 1, KAAL_RELEASE);
		return;
	}
	s->r[0] = kaal_atomic_load(&s->y, KAAL_ACQUIRE);
	s->r[1] = kaal_atomic_load(&s->x, KAAL_RELAXED);
}

/* MP with a relaxed flag: nothing orders the data before it. */
static void mp_relaxed_thread(unsigned id, void *p)
{
	struct litmus_state *s = p;
	if (id == 0) {
		kaal_atomic_store(&s->x, 1, KAAL_RELAXED);
		kaal_atomic_store(&s->y, 1, KAAL_RELAXED);
		return;
	}
	s->r[0] = kaal_atomic_load(&s->y, KAAL_RELAXED);
	s->r[1] = kaal_atomic_load(&s->x, KAAL_RELAXED);
}

/* LB: each thread loads one word, then stores the other. */
static void lb_thread(unsigned id, void *p)
{
	struct litmus_state *s = p;
	kaal_atomic_u32 *mine = id == 0 ? &s->x : &s->y;
	kaal_atomic_u32 *other = id == 0 ? &s->y : &s->x;
	s->r[id] = kaal_atomic_load(mine, KAAL_RELAXED);
	kaal_atomic_store(other, 1, KAAL_RELAXED);
}

/* 2+2W: each thread stores both words, in opposite orders; the outcome is the final values. */
static void w22_thread(unsigned id, void *p)
{
	struct litmus_state *s = p;
	kaal_atomic_u32 *first = id == 0 ? &s->x : &s->y;
	kaal_atomic_u32 *second = id == 0 ? &s->y : &s->x;
	kaal_atomic_store(first, 1, KAAL_RELAXED);
	kaal_atomic_store(second, 2, KAAL_RELAXED);
}

static void w22_record(void *p)
{
	struct litmus_state *s = p;
	last_outcome = (s->x == 2) | (s->y == 2) << 1;
}

/* IRIW: two writers, two readers that read the words in opposite orders. */
static void iriw_thread(unsigned id, void *p)
{
	struct litmus_state *s = p;
	switch (id) {
	case 0:
		kaal_atomic_store(&s->x, 1, KAAL_RELAXED);
		break;
	case 1:
		kaal_atomic_store(&s->y, 1, KAAL_RELAXED);
		break;
	case 2:
		s->r[0] = kaal_atomic_load(&s->x, KAAL_ACQUIRE);
		s->r[1] = kaal_atomic_load(&s->y, KAAL_ACQUIRE);
		break;
	default:
		s->r[2] = kaal_atomic_load(&s->y, KAAL_ACQUIRE);
		s->r[3] = kaal_atomic_load(&s->x, KAAL_ACQUIRE);
		break;
	}
}

/* IRIW with every access seq_cst. */
static void iriw_seq_cst_thread(unsigned id, void *p)
{
	struct litmus_state *s = p;
	kaal_atomic_u32 *first = id == 2 ? &s->x : &s->y;
	kaal_atomic_u32 *second = id == 2 ? &s->y : &s->x;
	if (id < 2) {
		kaal_atomic_store(id == 0 ? &s->x : &s->y, 1, KAAL_SEQ_CST);
		return;
	}
	unsigned base = id == 2 ? 0 : 2;
	s->r[base] = kaal_atomic_load(first, KAAL_SEQ_CST);
	s->r[base + 1] = kaal_atomic_load(second, KAAL_SEQ_CST);
}

struct litmus {
	struct kaal_check_test test;
	bool fence;
	/*
	 * Outcomes (bit n: outcome n) each model produces (SC, TSO, C11):
	 * everything it allows, unless a comment says otherwise; every other
	 * is forbidden.
	 */
	uint32_t allowed[3];
};

#define BIT(n) (UINT32_C(1) << (n))
#define ALL    (BIT(0) | BIT(1) | BIT(2) | BIT(3))
#define NOT_00 (BIT(1) | BIT(2) | BIT(3))
#define NOT_1  (BIT(0) | BIT(2) | BIT(3))
#define NOT_11 (BIT(0) | BIT(1) | BIT(2))
#define LITMUS(name_, threads_, thread_, finish_)                                                  \
	{                                                                                          \
		.name = (name_), .threads = (threads_), .state_size = sizeof(struct litmus_state), \
		.thread = (thread_), .finish = (finish_)                                           \
	}

static const struct litmus litmus_tests[] = {
    {LITMUS("SB", 2, sb_thread, record), false, {NOT_00, ALL, ALL}},
    {LITMUS("SB+fences", 2, sb_thread, record), true, {NOT_00, NOT_00, NOT_00}},
    {LITMUS("SB+seq_cst", 2, sb_seq_cst_thread, record), false, {NOT_00, NOT_00, NOT_00}},
    /* r0 = flag, r1 = data: outcome 1 (flag seen, data stale) is forbidden. */
    {LITMUS("MP", 2, mp_thread, record), false, {NOT_1, NOT_1, NOT_1}},
    /* Relaxed flag: C11 allows the stale data, SC and TSO do not. */
    {LITMUS("MP+relaxed", 2, mp_relaxed_thread, record), false, {NOT_1, NOT_1, ALL}},
    /*
     * Outcome 3 (each load sees the other thread's later store) needs load
     * buffering: C11 allows it, but no model here produces it.
     */
    {LITMUS("LB", 2, lb_thread, record), false, {NOT_11, NOT_11, NOT_11}},
    /*
     * Outcome 0: x = 1 and y = 1 at the end, each thread's first store last
     * in modification order. C11 allows it for relaxed stores, but the C11
     * model orders each word's stores as they happen, so it is not produced.
     */
    {LITMUS("2+2W", 2, w22_thread, w22_record), false, {NOT_00, NOT_00, NOT_00}},
};

/* IRIW's forbidden outcome: r0=1 r1=0 (x before y) and r2=1 r3=0 (y before x). */
#define IRIW_FORBIDDEN 0x5

/* Every outcome of test under model over the runs of both strategies. */
static uint32_t outcomes(const struct kaal_check_test *test, enum kaal_check_model model)
{
	uint32_t seen = 0;
	for (int strategy = KAAL_CHECK_RANDOM; strategy <= KAAL_CHECK_PCT; strategy++) {
		for (uint64_t seed = 1; seed <= RUNS_PER_STRATEGY; seed++) {
			struct kaal_check_config config = {
			    .model = model,
			    .strategy = (enum kaal_check_strategy)strategy,
			    .seed = seed,
			    .pct_depth = PCT_DEPTH,
			    .pct_steps = 12,
			};
			struct kaal_check_result result;
			assert_true(kaal_check_run(test, &config, &result));
			assert_int_equal(result.verdict, KAAL_CHECK_PASSED);
			assert_true(last_outcome < OUTCOMES);
			seen |= BIT(last_outcome);
		}
	}
	return seen;
}

static void check_litmus(enum kaal_check_model model)
{
	for (size_t i = 0; i < sizeof litmus_tests / sizeof litmus_tests[0]; i++) {
		const struct litmus *l = &litmus_tests[i];
		with_fence = l->fence;
		uint32_t seen = outcomes(&l->test, model);
		print_message("# %s under %s: outcomes 0x%x, allowed 0x%x\n", l->test.name,
		              kaal_check_model_name(model), seen, l->allowed[model]);
		assert_int_equal(seen, l->allowed[model]);
	}
}

static void litmus_sc(void **state)
{
	(void)state;
	check_litmus(KAAL_CHECK_SC);
}

static void litmus_tso(void **state)
{
	(void)state;
	check_litmus(KAAL_CHECK_TSO);
}

static void litmus_c11(void **state)
{
	(void)state;
	check_litmus(KAAL_CHECK_C11);
}

/* Which orders IRIW's outcomes are seen in, under a model. */
static uint32_t iriw_outcomes(void (*thread)(unsigned, void *), enum kaal_check_model model)
{
	const struct kaal_check_test test = LITMUS("IRIW", 4, thread, record);
	uint32_t seen = outcomes(&test, model);
	/* Both readers agreeing on either order is reachable. */
	assert_true(seen & BIT(0xF));
	assert_true(seen & BIT(0x0));
	return seen;
}

/*
 * IRIW: the readers disagreeing on the order of two independent stores.
 * SC and TSO are multi-copy atomic and forbid it; C11 allows it for
 * acquire loads and forbids it when every access is seq_cst.
 */
static void iriw(void **state)
{
	(void)state;
	assert_false(iriw_outcomes(iriw_thread, KAAL_CHECK_SC) & BIT(IRIW_FORBIDDEN));
	assert_false(iriw_outcomes(iriw_thread, KAAL_CHECK_TSO) & BIT(IRIW_FORBIDDEN));
	assert_true(iriw_outcomes(iriw_thread, KAAL_CHECK_C11) & BIT(IRIW_FORBIDDEN));
	assert_false(iriw_outcomes(iriw_seq_cst_thread, KAAL_CHECK_C11) & BIT(IRIW_FORBIDDEN));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(litmus_sc),
	    cmocka_unit_test(litmus_tso),
	    cmocka_unit_test(litmus_c11),
	    cmocka_unit_test(iriw),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
