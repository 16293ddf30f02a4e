/*
 * Shrinking a failing run. The run's schedule is replayed with changes, and
 * a change is kept when the run still ends with the same verdict and has
 * fewer preemptions, or as many in fewer steps: first each choice in turn
 * becomes the default choice (which goes on with the thread that ran last),
 * then the schedule is cut to the shortest prefix that still fails when the
 * default choices follow it. The result replays exactly like any schedule.
 */
#include <stdlib.h>
#include <string.h>

#include "checker.h"

/* Passes over the schedule while one still improves it. */
#define SHRINK_PASSES 4

static uint8_t *best, *candidate;
static unsigned best_size;

struct outcome {
	enum kaal_check_verdict verdict;
	unsigned preemptions;
	unsigned steps;
};

static bool better(struct outcome a, struct outcome b)
{
	return a.verdict == b.verdict && (a.preemptions < b.preemptions ||
	                                  (a.preemptions == b.preemptions && a.steps < b.steps));
}

/* Replays choice[0..length) and returns how the run ended; traced only if trace. */
static struct outcome replay(const struct kaal_check_test *test,
                             const struct kaal_check_config *config, const uint8_t *choice,
                             unsigned length, bool trace, struct kaal_check_result *result)
{
	struct kaal_check_config c = *config;
	struct kaal_check_schedule schedule = {choice, length};
	c.replay = &schedule;
	c.trace = trace;
	c.sites = NULL;
	struct outcome o = {KAAL_CHECK_PASSED, 0, 0};
	if (!kaal_check_run(test, &c, result))
		return o;
	o.verdict = result->verdict;
	o.preemptions = kaal_check_preemptions();
	o.steps = result->steps;
	return o;
}

/* Makes best the schedule the last run took. */
static void keep_last_run(unsigned *length)
{
	struct kaal_check_schedule last = kaal_check_last_schedule();
	memcpy(best, last.choice, last.length);
	*length = last.length;
}

bool kaal_check_shrink(const struct kaal_check_test *test, const struct kaal_check_config *config,
                       struct kaal_check_schedule *out, struct kaal_check_result *result)
{
	if (!out || !result || !kaal_check_run(test, config, result) ||
	    result->verdict == KAAL_CHECK_PASSED)
		return false;
	struct outcome now = {result->verdict, kaal_check_preemptions(), result->steps};
	/* A replayed run is as long as any run may be. */
	unsigned size = MAX_DECISIONS(config->max_steps ? config->max_steps : DEFAULT_MAX_STEPS);
	if (best_size < size) {
		uint8_t *b = realloc(best, size), *c = b ? realloc(candidate, size) : NULL;
		if (b)
			best = b;
		if (!c)
			return false;
		candidate = c;
		best_size = size;
	}
	unsigned length;
	keep_last_run(&length);
	struct kaal_check_result r;
	for (unsigned pass = 0; pass < SHRINK_PASSES; pass++) {
		bool improved = false;
		for (unsigned i = 0; i < length; i++) {
			if (best[i] == DEFAULT_CHOICE)
				continue;
			memcpy(candidate, best, length);
			candidate[i] = DEFAULT_CHOICE;
			struct outcome o = replay(test, config, candidate, length, false, &r);
			if (better(o, now)) {
				now = o;
				keep_last_run(&length);
				improved = true;
			}
		}
		for (unsigned cut = 0; cut < length; cut++) {
			struct outcome o = replay(test, config, best, cut, false, &r);
			if (better(o, now)) {
				now = o;
				keep_last_run(&length);
				improved = true;
				break;
			}
		}
		if (!improved)
			break;
	}
	/* The run of the kept schedule, so the last run (and any trace) is the shrunk one. */
	replay(test, config, best, length, config->trace, result);
	out->choice = best;
	out->length = length;
	return true;
}
