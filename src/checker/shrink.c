/*
 * Shrinking a failing run. The run's schedule is replayed with changes, and
 * a change is kept when the run still ends with the same verdict and has
 * fewer preemptions, or as many and fewer reorderings (loads past a
 * buffered store, loads of an older store), or as many of both in fewer
 * steps: first each choice in turn becomes the default choice (which goes
 * on with the thread that ran last, and under C11 reads the newest store),
 * then under TSO each thread's step is tried with its store buffer drained
 * just before, then the schedule is cut to the shortest prefix that still
 * fails when the default choices follow it. The result replays exactly
 * like any schedule.
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
	unsigned reorderings;
	unsigned steps;
};

static bool better(struct outcome a, struct outcome b)
{
	if (a.verdict != b.verdict)
		return false;
	if (a.preemptions != b.preemptions)
		return a.preemptions < b.preemptions;
	if (a.reorderings != b.reorderings)
		return a.reorderings < b.reorderings;
	return a.steps < b.steps;
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
	struct outcome o = {KAAL_CHECK_PASSED, 0, 0, 0};
	if (!kaal_check_run(test, &c, result))
		return o;
	o.verdict = result->verdict;
	o.preemptions = kaal_check_preemptions();
	o.reorderings = sched_last_reorderings();
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

/*
 * Under TSO: for each step of a thread, the same schedule with that
 * thread's store buffer drained first (an empty buffer's drain is not
 * ready, and the replay takes the default choice instead).
 */
static bool drain_earlier(const struct kaal_check_test *test,
                          const struct kaal_check_config *config, struct outcome *now,
                          unsigned *length)
{
	bool improved = false;
	struct kaal_check_result r;
	for (unsigned i = 0; i < *length && *length < best_size; i++) {
		if (best[i] >= KAAL_CHECK_MAX_THREADS)
			continue;
		memcpy(candidate, best, i);
		candidate[i] = (uint8_t)DRAIN_ENTITY(best[i]);
		memcpy(candidate + i + 1, best + i, *length - i);
		struct outcome o = replay(test, config, candidate, *length + 1, false, &r);
		if (better(o, *now)) {
			*now = o;
			keep_last_run(length);
			improved = true;
			i++; /* past the drain just kept */
		}
	}
	return improved;
}

bool kaal_check_shrink(const struct kaal_check_test *test, const struct kaal_check_config *config,
                       struct kaal_check_schedule *out, struct kaal_check_result *result)
{
	if (!out || !result || !kaal_check_run(test, config, result) ||
	    result->verdict == KAAL_CHECK_PASSED)
		return false;
	struct outcome now = {result->verdict, kaal_check_preemptions(), sched_last_reorderings(),
	                      result->steps};
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
		if (config->model == KAAL_CHECK_TSO && drain_earlier(test, config, &now, &length))
			improved = true;
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
