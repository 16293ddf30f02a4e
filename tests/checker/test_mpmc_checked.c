/*
 * The MPMC ring's orderings, relaxed in turn under C11: every one must be
 * caught (its runs passing as they are: test_catalogue.c), the
 * create/attach handshake's among them.
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

static void orderings_guarded(void **state)
{
	(void)state;
	static const char *const files[] = {"runtime/ring_mpmc.c"};
	struct kaal_check_config base = {
	    .model = KAAL_CHECK_C11, .seed = 1, .pct_depth = PCT_DEPTH, .pct_steps = PCT_STEPS};
	struct checked_sweep sweep;
	assert_true(
	    checked_sweep(&checked_mpmc, &base, files, 1, ORDER_SEEDS, checked_every_site, &sweep));
	assert_int_equal(sweep.missed, 0);
	assert_true(sweep.required >=
	            4); /* the magic stored and loaded, a slot's sequence each way */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(orderings_guarded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
