/*
 * What the call slot's checked test (call_slot.c; its runs pass under
 * every model in test_catalogue.c) guards: each fence dropped or weakened
 * makes a schedule fail under TSO, and every ordering of
 * src/runtime/call_slot.c relaxed under C11 makes one fail too.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <kaal/checker.h>

#include "catalogue.h"
#include "sweep.h"

#define PCT_DEPTH 3
#define PCT_STEPS 300
/* The slot's sequentially consistent fences: after publishing, after announcing a sleep. */
#define SLOT_FENCES 2
/*
 * Its other orderings: the magic's release store and acquire load, the
 * state's release store and acquire load.
 */
#define SLOT_ORDERINGS (SLOT_FENCES + 4)
/* Schedules per strategy a planted defect may take to be found. */
#define MUTANT_SEEDS 1000
#define ORDER_SEEDS  500

static const char *const files[] = {"runtime/call_slot.c"};

static struct kaal_check_config slot_config(enum kaal_check_model model)
{
	struct kaal_check_config config = {
	    .model = model,
	    .strategy = KAAL_CHECK_RANDOM,
	    .seed = 1,
	    .pct_depth = PCT_DEPTH,
	    .pct_steps = PCT_STEPS,
	};
	return config;
}

/* Each fence, dropped or weakened to relaxed, loses a wakeup under TSO. */
static void every_fence_guarded(void **state)
{
	(void)state;
	struct kaal_check_config base = slot_config(KAAL_CHECK_TSO);
	struct kaal_check_mutation drop[SLOT_FENCES];
	assert_int_equal(checked_fences(&checked_call_slot, &base, files[0], drop, SLOT_FENCES),
	                 SLOT_FENCES);
	for (unsigned i = 0; i < SLOT_FENCES; i++) {
		struct kaal_check_config failing;
		if (!checked_caught(&checked_call_slot, &base, drop[i], MUTANT_SEEDS, &failing))
			fail_msg("%s:%d: dropping this fence fails no schedule", drop[i].file,
			         drop[i].line);
		struct kaal_check_mutation relax = drop[i];
		relax.kind = KAAL_CHECK_RELAX;
		if (!checked_caught(&checked_call_slot, &base, relax, MUTANT_SEEDS, &failing))
			fail_msg("%s:%d: weakening this fence fails no schedule", drop[i].file,
			         drop[i].line);
	}
}

static bool every_site(const struct kaal_check_site_info *site)
{
	(void)site;
	return true;
}

/*
 * Under C11 every ordering of the slot is relaxed in turn, and each must
 * be caught: a data race on the payload (the state's store and load), a
 * stale state behind the magic (the magic's), a lost wakeup (the fences).
 */
static void every_ordering_guarded(void **state)
{
	(void)state;
	struct kaal_check_config base = slot_config(KAAL_CHECK_C11);
	struct checked_sweep sweep;
	assert_true(
	    checked_sweep(&checked_call_slot, &base, files, 1, ORDER_SEEDS, every_site, &sweep));
	assert_int_equal(sweep.sites, SLOT_ORDERINGS);
	assert_int_equal(sweep.missed, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(every_fence_guarded),
	    cmocka_unit_test(every_ordering_guarded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
