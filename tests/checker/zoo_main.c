/*
 * One defect of the bug zoo (tests/checker/zoo/): this program is linked with
 * the channel as the defect's .zoo file plants it, runs the channel's
 * checked test under the model and strategy its meson test names, and
 * passes when a schedule within the budget fails.
 *   zoo_DEFECT DEFECT MODEL STRATEGY
 */
#include <stdio.h>
#include <string.h>

#include <kaal/checker.h>

#include "catalogue.h"

/* Schedules within which a defect must be found. */
#define ZOO_BUDGET 10000
#define PCT_DEPTH  3
#define PCT_STEPS  200

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: zoo_DEFECT DEFECT sc|tso random|pct\n");
		return 2;
	}
	struct kaal_check_config config = {
	    .model = strcmp(argv[2], "tso") == 0 ? KAAL_CHECK_TSO : KAAL_CHECK_SC,
	    .strategy = strcmp(argv[3], "pct") == 0 ? KAAL_CHECK_PCT : KAAL_CHECK_RANDOM,
	    .pct_depth = PCT_DEPTH,
	    .pct_steps = PCT_STEPS,
	};
	printf("1..1\n");
	for (uint64_t seed = 1; seed <= ZOO_BUDGET; seed++) {
		config.seed = seed;
		struct kaal_check_result result;
		if (!kaal_check_run(&checked_channel, &config, &result)) {
			printf("not ok 1 - %s: the channel test cannot run\n", argv[1]);
			return 1;
		}
		if (result.verdict != KAAL_CHECK_PASSED) {
			printf("ok 1 - %s found by %s/%s after %llu schedules: %s\n", argv[1],
			       argv[3], argv[2], (unsigned long long)seed, result.message);
			return 0;
		}
	}
	printf("not ok 1 - %s: %d schedules of %s/%s found nothing\n", argv[1], ZOO_BUDGET, argv[3],
	       argv[2]);
	return 1;
}
