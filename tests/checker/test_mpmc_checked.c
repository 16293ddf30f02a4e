/*
 * The MPMC ring's orderings, relaxed in turn under C11: each release store
 * must be caught (its runs passing as they are: test_catalogue.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <kaal/checker.h>

#include "catalogue.h"
#include "sweep.h"

#define PCT_DEPTH   3
#define PCT_STEPS   300
#define ORDER_SEEDS 300

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
	    cmocka_unit_test(orderings_guarded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
