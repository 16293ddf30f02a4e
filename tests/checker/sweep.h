/*
 * Showing which orderings a checked test guards: record the sites of a
 * passing run, relax each ordering (or drop each fence) in given files in
 * turn, and search for a schedule that fails.
 */
#ifndef KAAL_CHECKED_SWEEP_H
#define KAAL_CHECKED_SWEEP_H

#include <kaal/checker.h>

/* Whether a file as the compiler named it ends with suffix. */
bool checked_ends_with(const char *file, const char *suffix);

/*
 * The first schedule, random then PCT (seeds 1 to seeds each, the rest of
 * base as given), that fails with mutation planted; false if none does.
 * *failing is that schedule's config.
 */
bool checked_caught(const struct kaal_check_test *test, const struct kaal_check_config *base,
                    struct kaal_check_mutation mutation, unsigned seeds,
                    struct kaal_check_config *failing);

/*
 * The fences a passing run of test under base meets in files ending with
 * suffix, as KAAL_CHECK_DROP_FENCE mutations in out (at most max). Returns
 * how many there are; 0 when the run does not pass.
 */
unsigned checked_fences(const struct kaal_check_test *test, const struct kaal_check_config *base,
                        const char *suffix, struct kaal_check_mutation *out, unsigned max);

/*
 * Sets base->seed to the first of 1 to seeds whose passing run meets
 * exactly n fences in files ending with suffix (a run in which the sides
 * sleep), written to out; false if none does.
 */
bool checked_run_meeting_fences(const struct kaal_check_test *test, struct kaal_check_config *base,
                                const char *suffix, struct kaal_check_mutation *out, unsigned n,
                                unsigned seeds);

struct checked_sweep {
	unsigned sites;    /* orderings relaxed */
	unsigned caught;   /* ... that some schedule caught */
	unsigned required; /* ... that had to be caught */
	unsigned missed;   /* required ones no schedule caught */
};

/*
 * Relaxes, one at a time, every ordering other than relaxed that a passing
 * run of test under base meets in a file ending with one of suffixes[0..n),
 * and searches seeds schedules per strategy for a failure. Prints a line
 * per site ("# file:line relaxed: caught by ..." or "no schedule fails");
 * required(site) says whether it had to be caught. false if the passing run
 * did not pass.
 */
bool checked_sweep(const struct kaal_check_test *test, const struct kaal_check_config *base,
                   const char *const *suffixes, unsigned n, unsigned seeds,
                   bool (*required)(const struct kaal_check_site_info *site),
                   struct checked_sweep *out);

/* A predicate for checked_sweep(): every site must be caught. */
bool checked_every_site(const struct kaal_check_site_info *site);

#endif
