/*
 * One defect of the bug zoo (tests/checker/zoo/): this program is linked with
 * the source its .zoo file plants the defect in, runs the checked test of
 * the catalogue its meson test names under the model and strategy it names,
 * and passes when a schedule within the budget fails. With "bench" for a
 * strategy it prints how soon each strategy finds the defect instead
 * (detect.h), for the checker benchmark.
 *   zoo_DEFECT DEFECT TEST MODEL random|pct|bench
 */
#include <stdio.h>
#include <string.h>

#include <kaal/checker.h>

#include "catalogue.h"
#include "detect.h"

/* Schedules within which a defect must be found. */
#define ZOO_BUDGET 10000
#define PCT_DEPTH  3
#define PCT_STEPS  200

int main(int argc, char **argv)
{
	const struct kaal_check_test *test = argc == 5 ? checked_test(argv[2]) : NULL;
	if (!test) {
		fprintf(stderr, "usage: zoo_DEFECT DEFECT TEST sc|tso|c11 random|pct|bench\n");
		return 2;
	}
	const char *model = argv[3], *strategy = argv[4];
	struct kaal_check_config config = {
	    .model = strcmp(model, "tso") == 0   ? KAAL_CHECK_TSO
	             : strcmp(model, "c11") == 0 ? KAAL_CHECK_C11
	                                         : KAAL_CHECK_SC,
	    .strategy = strcmp(strategy, "pct") == 0 ? KAAL_CHECK_PCT : KAAL_CHECK_RANDOM,
	    .pct_depth = PCT_DEPTH,
	    .pct_steps = PCT_STEPS,
	};
	if (strcmp(strategy, "bench") == 0) {
		char name[96];
		snprintf(name, sizeof name, "%s (%s test, %s)", argv[1], test->name, model);
		const struct kaal_check_mutation none = {0};
		return detect_print_rows(name, test, none, config.model) ? 0 : 1;
	}
	printf("1..1\n");
	for (uint64_t seed = 1; seed <= ZOO_BUDGET; seed++) {
		config.seed = seed;
		struct kaal_check_result result;
		if (!kaal_check_run(test, &config, &result)) {
			printf("not ok 1 - %s: the %s test cannot run\n", argv[1], test->name);
			return 1;
		}
		if (result.verdict != KAAL_CHECK_PASSED) {
			printf("ok 1 - %s found by %s/%s after %llu schedules: %s\n", argv[1],
			       strategy, model, (unsigned long long)seed, result.message);
			return 0;
		}
	}
	printf("not ok 1 - %s: %d schedules of %s/%s found nothing\n", argv[1], ZOO_BUDGET,
	       strategy, model);
	return 1;
}
