/*
 * The MPMC ring under the checker: every run under each model, random and
 * PCT, takes every element once and in each producer's order; and each of
 * its orderings, relaxed in turn under C11, is caught or listed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <kaal/checker.h>

#include "catalogue.h"
#include "sweep.h"

#define SEEDS       200
#define PCT_DEPTH   3
#define PCT_STEPS   300
#define ORDER_SEEDS 300

static void runs_pass(void **state)
{
	(void)state;
	for (int model = KAAL_CHECK_SC; model <= KAAL_CHECK_C11; model++) {
		for (int strategy = KAAL_CHECK_RANDOM; strategy <= KAAL_CHECK_PCT; strategy++) {
			struct kaal_check_config config = {.model = (enum kaal_check_model)model,
			                                   .strategy =
			                                       (enum kaal_check_strategy)strategy,
			                                   .pct_depth = PCT_DEPTH,
			                                   .pct_steps = PCT_STEPS};
			for (config.seed = 1; config.seed <= SEEDS; config.seed++) {
				struct kaal_check_result result;
				assert_true(kaal_check_run(&checked_mpmc, &config, &result));
				if (result.verdict != KAAL_CHECK_PASSED)
					fail_msg(
					    "%s; replay: kaal-check run mpmc --model %s --strategy "
					    "%s "
					    "--seed %llu --depth %u --pct-steps %u",
					    result.message, kaal_check_model_name(config.model),
					    kaal_check_strategy_name(config.strategy),
					    (unsigned long long)config.seed, PCT_DEPTH, PCT_STEPS);
			}
		}
	}
}

/* The stores that publish a slot to the other side. */
static bool publishes(const struct kaal_check_site_info *site)
{
	return site->op == KAAL_CHECK_OP_STORE;
}

static void orderings_guarded(void **state)
{
	(void)state;
	static const char *const files[] = {"runtime/ring_mpmc.c"};
	struct kaal_check_config base = {
	    .model = KAAL_CHECK_C11, .seed = 1, .pct_depth = PCT_DEPTH, .pct_steps = PCT_STEPS};
	struct checked_sweep sweep;
	assert_true(checked_sweep(&checked_mpmc, &base, files, 1, ORDER_SEEDS, publishes, &sweep));
	assert_int_equal(sweep.missed, 0);
	assert_true(sweep.required >= 2); /* the slot's sequence after a push and after a pop */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(runs_pass),
	    cmocka_unit_test(orderings_guarded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
