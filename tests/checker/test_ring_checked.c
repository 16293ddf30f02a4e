/*
 * The ring's handshake and its orderings, relaxed in turn under C11: every
 * ordering the ring_attach runs meet in src/runtime/ring.c and in the
 * inline one-element paths of include/kaal/ring.h, in both slot
 * layouts, must be caught (their runs passing as they are:
 * test_catalogue.c), the create/attach pair and a restarted producer's
 * reading of the consumer's index among them.
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

static void sweep_ring(const struct kaal_check_test *test)
{
	static const char *const files[] = {"runtime/ring.c", "kaal/ring.h"};
	struct kaal_check_config base = {
	    .model = KAAL_CHECK_C11, .seed = 1, .pct_depth = PCT_DEPTH, .pct_steps = PCT_STEPS};
	struct checked_sweep sweep;
	assert_true(checked_sweep(test, &base, files, 2, ORDER_SEEDS, checked_every_site, &sweep));
	assert_int_equal(sweep.missed, 0);
	assert_true(sweep.required >= 4); /* magic stored and loaded, an index each way */
}

static void small_elements_orderings_guarded(void **state)
{
	(void)state;
	sweep_ring(&checked_ring_attach);
}

static void wide_elements_orderings_guarded(void **state)
{
	(void)state;
	sweep_ring(&checked_ring_attach_wide);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(small_elements_orderings_guarded),
	    cmocka_unit_test(wide_elements_orderings_guarded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
