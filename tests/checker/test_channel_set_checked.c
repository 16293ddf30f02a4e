/*
 * What the channel set's checked test (channel_set.c; its runs pass under
 * every model in test_catalogue.c) guards: the set's fence between raising
 * every member's flag and looking at every ring again, relaxed under C11
 * or dropped under TSO, makes some schedule lose a wakeup.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <kaal/checker.h>

#include "catalogue.h"
#include "sweep.h"

#define PCT_DEPTH  3
#define PCT_STEPS  300
#define SEEDS      500
#define TSO_SEEDS  2000 /* schedules per strategy a dropped fence may take under TSO */
#define SET_FENCES 1    /* src/runtime/channel_set.c */

#define BASE_SEEDS 50 /* seeds tried for a passing run in which the server sleeps */

/* A config of model whose passing run meets the set's fence (the server went to sleep). */
static struct kaal_check_config sleeping_run(enum kaal_check_model model,
                                             struct kaal_check_mutation *fence)
{
	struct kaal_check_config base = {
	    .model = model, .pct_depth = PCT_DEPTH, .pct_steps = PCT_STEPS};
	if (!checked_run_meeting_fences(&checked_channel_set, &base, "runtime/channel_set.c", fence,
	                                SET_FENCES, BASE_SEEDS))
		fail_msg("no run of %d sleeps in the channel set", BASE_SEEDS);
	return base;
}

static void set_orderings_guarded(void **state)
{
	(void)state;
	static const char *const files[] = {"runtime/channel_set.c"};
	struct kaal_check_mutation fence[SET_FENCES];
	struct kaal_check_config base = sleeping_run(KAAL_CHECK_C11, fence);
	struct checked_sweep sweep;
	assert_true(checked_sweep(&checked_channel_set, &base, files, 1, SEEDS, checked_every_site,
	                          &sweep));
	assert_int_equal(sweep.missed, 0);
	assert_int_equal(sweep.required, SET_FENCES);
}

static void set_fence_dropped_under_tso_is_caught(void **state)
{
	(void)state;
	struct kaal_check_mutation drop[SET_FENCES];
	struct kaal_check_config base = sleeping_run(KAAL_CHECK_C11, drop);
	base.model = KAAL_CHECK_TSO;
	drop[0].kind = KAAL_CHECK_DROP_FENCE;
	struct kaal_check_config failing;
	assert_true(checked_caught(&checked_channel_set, &base, drop[0], TSO_SEEDS, &failing));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(set_orderings_guarded),
	    cmocka_unit_test(set_fence_dropped_under_tso_is_caught),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
