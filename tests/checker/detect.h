/*
 * How soon a checked test finds a defect: for random schedules and PCT at
 * depths 1 to 3, the median over several seed ranges of the schedules and
 * seconds to the first failing run. Shared by the checker benchmark (run-time
 * mutations) and the bug zoo's programs (defects planted at build time).
 */
#ifndef KAAL_CHECKED_DETECT_H
#define KAAL_CHECKED_DETECT_H

#include <kaal/checker.h>

#define DETECT_SEED_RANGES 5
#define DETECT_BUDGET      2000 /* schedules a search may take */
#define DETECT_TARGET_S    10.0 /* the best strategy must find a defect sooner */

/* The table's heading. */
void detect_print_heading(const char *what);

/*
 * A row per strategy for test run with mutation under model, named name,
 * then the best strategy's seconds against the target. Returns whether the
 * target was met.
 */
bool detect_print_rows(const char *name, const struct kaal_check_test *test,
                       struct kaal_check_mutation mutation, enum kaal_check_model model);

#endif
