/* Schedules and seconds to the first failure: see detect.h. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "detect.h"

#define SEED_RANGE 100000 /* seeds a range holds: a defect must be found before its end */
#define PCT_STEPS  200
#define PCT_DEPTHS 3
#define NS_PER_S   1e9

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / NS_PER_S;
}

static int compare(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Medians over the seed ranges; *schedules is -1 when the median range found nothing. */
static void find(const struct kaal_check_test *test, struct kaal_check_config config,
                 double *schedules, double *seconds)
{
	double counts[DETECT_SEED_RANGES], times[DETECT_SEED_RANGES];
	for (unsigned range = 0; range < DETECT_SEED_RANGES; range++) {
		double start = now_s();
		counts[range] = -1;
		for (unsigned n = 1; n <= DETECT_BUDGET; n++) {
			config.seed = (uint64_t)range * SEED_RANGE + n;
			struct kaal_check_result result;
			if (kaal_check_run(test, &config, &result) &&
			    result.verdict != KAAL_CHECK_PASSED) {
				counts[range] = n;
				break;
			}
		}
		times[range] = now_s() - start;
	}
	qsort(counts, DETECT_SEED_RANGES, sizeof counts[0], compare);
	qsort(times, DETECT_SEED_RANGES, sizeof times[0], compare);
	*schedules = counts[DETECT_SEED_RANGES / 2];
	*seconds = times[DETECT_SEED_RANGES / 2];
}

void detect_print_heading(const char *what)
{
	printf("\n%-50s %-9s %10s %9s (medians of %d seed ranges; - : none within %d)\n", what,
	       "strategy", "schedules", "seconds", DETECT_SEED_RANGES, DETECT_BUDGET);
}

bool detect_print_rows(const char *name, const struct kaal_check_test *test,
                       struct kaal_check_mutation mutation, enum kaal_check_model model)
{
	double best = -1;
	for (unsigned depth = 0; depth <= PCT_DEPTHS; depth++) {
		struct kaal_check_config config = {
		    .model = model,
		    .strategy = depth ? KAAL_CHECK_PCT : KAAL_CHECK_RANDOM,
		    .pct_depth = depth,
		    .pct_steps = PCT_STEPS,
		    .mutation = mutation,
		};
		double schedules, seconds;
		find(test, config, &schedules, &seconds);
		char strategy[16];
		snprintf(strategy, sizeof strategy, depth ? "pct d=%u" : "random", depth);
		if (schedules < 0)
			printf("%-50s %-9s %10s %9s\n", name, strategy, "-", "-");
		else
			printf("%-50s %-9s %10.0f %9.2f\n", name, strategy, schedules, seconds);
		if (schedules >= 0 && (best < 0 || seconds < best))
			best = seconds;
	}
	bool met = best >= 0 && best < DETECT_TARGET_S;
	printf("%-50s best: %.2f s (target %.0f s: %s)\n", "", best, DETECT_TARGET_S,
	       met ? "met" : "MISS");
	return met;
}
