/*
 * What the channel's checked test (channel.c; its runs pass under every
 * model in test_catalogue.c) guards: each fence dropped or weakened makes a
 * schedule fail, a failure replays byte for byte and shrinks, and each
 * ordering of the channel relaxed under C11 is caught.
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

#include <kaal/checker.h>

#include "catalogue.h"
#include "sweep.h"

#define PCT_DEPTH 3
/* Schedules per strategy a planted defect may take to be found. */
#define MUTANT_SEEDS 2000
/* The channel's sequentially consistent fences (src/runtime/channel.c). */
#define CHANNEL_FENCES 2
/* Schedules per strategy a weakened ordering may take to be caught under C11. */
#define ORDER_SEEDS 500

static struct kaal_check_config channel_config(enum kaal_check_model model,
                                               enum kaal_check_strategy strategy, uint64_t seed)
{
	struct kaal_check_config config = {
	    .model = model,
	    .strategy = strategy,
	    .seed = seed,
	    .pct_depth = PCT_DEPTH,
	    .pct_steps = 200,
	};
	return config;
}

/* The first schedule, random or PCT, that fails with mutation planted under TSO. */
static bool caught(struct kaal_check_mutation mutation, struct kaal_check_config *failing)
{
	struct kaal_check_config base = channel_config(KAAL_CHECK_TSO, KAAL_CHECK_RANDOM, 1);
	return checked_caught(&checked_channel, &base, mutation, MUTANT_SEEDS, failing);
}

/* The fences the channel's runs meet, as mutations that drop them. */
static unsigned channel_fences(struct kaal_check_mutation *drop)
{
	struct kaal_check_config base = channel_config(KAAL_CHECK_TSO, KAAL_CHECK_RANDOM, 1);
	return checked_fences(&checked_channel, &base, "runtime/channel.c", drop, CHANNEL_FENCES);
}

/* Each fence the channel meets, dropped or weakened in turn, makes some schedule fail. */
static void every_channel_fence_guarded(void **state)
{
	(void)state;
	struct kaal_check_mutation drop[CHANNEL_FENCES];
	assert_int_equal(channel_fences(drop), CHANNEL_FENCES);
	for (unsigned i = 0; i < CHANNEL_FENCES; i++) {
		struct kaal_check_config failing;
		if (!caught(drop[i], &failing))
			fail_msg("%s:%d: dropping this fence fails no schedule", drop[i].file,
			         drop[i].line);
		/* Weakened to relaxed (or to acquire or release, the same under TSO). */
		struct kaal_check_mutation relax = drop[i];
		relax.kind = KAAL_CHECK_RELAX;
		if (!caught(relax, &failing))
			fail_msg("%s:%d: weakening this fence fails no schedule", drop[i].file,
			         drop[i].line);
	}
}

/* The trace of the last run, as text in *text (the caller frees it). */
static void last_trace(char **text, size_t *size)
{
	*text = NULL;
	FILE *f = open_memstream(text, size);
	assert_non_null(f);
	kaal_check_print_trace(f);
	assert_int_equal(fclose(f), 0);
}

/* Lines of text that start with prefix. */
static unsigned count_lines(const char *text, const char *prefix)
{
	unsigned n = 0;
	for (const char *p = text; p; p = strchr(p, '\n')) {
		p += *p == '\n';
		n += strncmp(p, prefix, strlen(prefix)) == 0;
	}
	return n;
}

/*
 * A failing run replays exactly, by its seed and by its schedule: the same
 * trace byte for byte. Shrunk, it fails the same way with no more
 * preemptions, and its trace names the store the failing load passed.
 */
static void failure_replays_exactly(void **state)
{
	(void)state;
	struct kaal_check_mutation drop[CHANNEL_FENCES];
	assert_int_equal(channel_fences(drop), CHANNEL_FENCES);
	struct kaal_check_config failing;
	assert_true(caught(drop[0], &failing));
	failing.trace = true;
	struct kaal_check_result first, again;
	assert_true(kaal_check_run(&checked_channel, &failing, &first));
	assert_int_not_equal(first.verdict, KAAL_CHECK_PASSED);
	unsigned preemptions = kaal_check_preemptions();
	size_t first_size, again_size;
	char *first_trace;
	last_trace(&first_trace, &first_size);
	struct kaal_check_schedule taken = kaal_check_last_schedule();
	uint8_t *choices = malloc(taken.length);
	assert_non_null(choices);
	memcpy(choices, taken.choice, taken.length);
	struct kaal_check_schedule replay = {choices, taken.length};
	struct kaal_check_config by_schedule = failing;
	by_schedule.replay = &replay;
	by_schedule.seed = 0;
	assert_true(kaal_check_run(&checked_channel, &by_schedule, &again));
	char *again_trace;
	last_trace(&again_trace, &again_size);
	assert_int_equal(again.verdict, first.verdict);
	assert_int_equal(again_size, first_size);
	assert_memory_equal(again_trace, first_trace, first_size);

	struct kaal_check_schedule shrunk;
	assert_true(kaal_check_shrink(&checked_channel, &failing, &shrunk, &again));
	assert_int_equal(again.verdict, first.verdict);
	assert_true(kaal_check_preemptions() <= preemptions);
	free(again_trace);
	last_trace(&again_trace, &again_size);
	assert_non_null(strstr(again_trace, "reordering: the load at"));
	if (kaal_check_preemptions() == preemptions)
		assert_true(count_lines(again_trace, "reordering:") <=
		            count_lines(first_trace, "reordering:"));
	free(again_trace);
	free(first_trace);
	free(choices);
}

/*
 * Under C11, each ordering the channel's runs meet in the channel is
 * relaxed in turn, and each must be caught: a lost wakeup or a wrong
 * element. The ring's own orderings are test_ring_checked.c's.
 */
static void channel_orderings_guarded(void **state)
{
	(void)state;
	static const char *const files[] = {"runtime/channel.c"};
	struct kaal_check_config base = channel_config(KAAL_CHECK_C11, KAAL_CHECK_RANDOM, 1);
	struct checked_sweep sweep;
	assert_true(checked_sweep(&checked_channel, &base, files, 1, ORDER_SEEDS,
	                          checked_every_site, &sweep));
	assert_int_equal(sweep.missed, 0);
	assert_int_equal(sweep.required, CHANNEL_FENCES); /* taking a flag is relaxed */
}

/*
 * Under C11 the shrunk report of a weakened fence names the stale read the
 * failure needs: a load in the ring or the channel that missed a newer store
 * (the ring's one-element stores are inline in kaal/ring.h).
 */
static void c11_report_names_stale_read(void **state)
{
	(void)state;
	struct kaal_check_mutation relax[CHANNEL_FENCES];
	assert_int_equal(channel_fences(relax), CHANNEL_FENCES);
	relax[0].kind = KAAL_CHECK_RELAX;
	struct kaal_check_config base = channel_config(KAAL_CHECK_C11, KAAL_CHECK_RANDOM, 1);
	struct kaal_check_config failing;
	assert_true(checked_caught(&checked_channel, &base, relax[0], MUTANT_SEEDS, &failing));
	failing.trace = true;
	struct kaal_check_schedule shrunk;
	struct kaal_check_result result;
	assert_true(kaal_check_shrink(&checked_channel, &failing, &shrunk, &result));
	size_t size;
	char *trace;
	last_trace(&trace, &size);
	const char *stale = strstr(trace, "stale read: the load at src/runtime/");
	assert_non_null(stale);
	const char *store = strstr(stale, "not the newer store at ");
	assert_non_null(store);
	store += strlen("not the newer store at ");
	assert_true(strncmp(store, "src/runtime/", strlen("src/runtime/")) == 0 ||
	            strncmp(store, "include/kaal/ring.h", strlen("include/kaal/ring.h")) == 0);
	free(trace);
}

/*
 * The armed consumer (channel_arm) passes, and every fence its runs meet
 * in the channel, kaal_channel_arm()'s among them, is guarded: dropped or
 * weakened, some schedule loses a wakeup.
 */
static void the_armed_channel_fences_guarded(void **state)
{
	(void)state;
	struct kaal_check_config base = channel_config(KAAL_CHECK_TSO, KAAL_CHECK_RANDOM, 1);
	struct kaal_check_result result;
	assert_true(kaal_check_run(&checked_channel_arm, &base, &result));
	struct kaal_check_mutation drop[CHANNEL_FENCES + 1];
	unsigned n = checked_fences(&checked_channel_arm, &base, "runtime/channel.c", drop,
	                            CHANNEL_FENCES + 1);
	assert_int_equal(CHANNEL_FENCES, n); /* the producer's wake and the consumer's arm */
	for (unsigned i = 0; i < n; i++) {
		struct kaal_check_config failing;
		if (!checked_caught(&checked_channel_arm, &base, drop[i], MUTANT_SEEDS, &failing))
			fail_msg("%s:%d: dropping this fence fails no schedule", drop[i].file,
			         drop[i].line);
		struct kaal_check_mutation relax = drop[i];
		relax.kind = KAAL_CHECK_RELAX;
		if (!checked_caught(&checked_channel_arm, &base, relax, MUTANT_SEEDS, &failing))
			fail_msg("%s:%d: weakening this fence fails no schedule", drop[i].file,
			         drop[i].line);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(every_channel_fence_guarded),
	    cmocka_unit_test(failure_replays_exactly),
	    cmocka_unit_test(c11_report_names_stale_read),
	    cmocka_unit_test(channel_orderings_guarded),
	    cmocka_unit_test(the_armed_channel_fences_guarded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
