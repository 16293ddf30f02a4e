/*
 * What the resizing channel's checked tests (channel_resize.c and
 * ring_source.c; their runs pass under every model in test_catalogue.c)
 * guard. In the channel: every ordering its runs meet, relaxed under C11,
 * makes some schedule lose, duplicate or reorder an element, race on a
 * slot, or lose a wakeup: the ring closed with release and seen closed
 * with acquire among them. Only the create/attach pair is left to
 * test_ring_checked.c: here the close already orders a new ring before its
 * consumer attaches. The channel's fences, dropped under TSO, lose a
 * wakeup. In the source: the window handed back with release and taken
 * again with acquire; relaxed, the new ring's writes race the old one's reads.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <kaal/checker.h>

#include "catalogue.h"
#include "sweep.h"

#define PCT_DEPTH      3
#define PCT_STEPS      400
#define SEEDS          500
#define TSO_SEEDS      2000 /* schedules per strategy a dropped fence may take under TSO */
#define CHANNEL_FENCES 2    /* src/runtime/channel.c: after progress, after announcing */
#define BASE_SEEDS     50   /* seeds tried for a passing run in which both sides sleep */

static struct kaal_check_config both_sleep(enum kaal_check_model model,
                                           struct kaal_check_mutation *fence)
{
	struct kaal_check_config base = {
	    .model = model, .pct_depth = PCT_DEPTH, .pct_steps = PCT_STEPS};
	if (!checked_run_meeting_fences(&checked_channel_resize, &base, "runtime/channel.c", fence,
	                                CHANNEL_FENCES, BASE_SEEDS))
		fail_msg("no run of %d meets both of the channel's fences", BASE_SEEDS);
	return base;
}

static bool ordered_by_the_close(const struct kaal_check_site_info *site)
{
	return checked_ends_with(site->file, "runtime/ring.c") &&
	       (strcmp(site->function, "kaal_ring_create_layout") == 0 ||
	        strcmp(site->function, "kaal_ring_attach") == 0);
}

static bool required_in_channel(const struct kaal_check_site_info *site)
{
	return !ordered_by_the_close(site);
}

static void resize_orderings_guarded(void **state)
{
	(void)state;
	static const char *const files[] = {"runtime/channel_resize.c", "runtime/ring.c",
	                                    "kaal/ring.h", "runtime/channel.c"};
	struct kaal_check_mutation fence[CHANNEL_FENCES];
	struct kaal_check_config base = both_sleep(KAAL_CHECK_C11, fence);
	struct checked_sweep sweep;
	assert_true(checked_sweep(&checked_channel_resize, &base, files, 4, SEEDS,
	                          required_in_channel, &sweep));
	assert_int_equal(sweep.missed, 0);
}

static void source_orderings_guarded(void **state)
{
	(void)state;
	static const char *const files[] = {"runtime/ring_source_local.c"};
	struct kaal_check_config base = {
	    .model = KAAL_CHECK_C11, .seed = 1, .pct_depth = PCT_DEPTH, .pct_steps = PCT_STEPS};
	struct checked_sweep sweep;
	assert_true(checked_sweep(&checked_ring_source, &base, files, 1, SEEDS, checked_every_site,
	                          &sweep));
	assert_int_equal(sweep.missed, 0);
	assert_int_equal(sweep.required, 2); /* handed back, taken again */
}

static void resize_fences_dropped_under_tso_are_caught(void **state)
{
	(void)state;
	struct kaal_check_mutation drop[CHANNEL_FENCES];
	struct kaal_check_config base = both_sleep(KAAL_CHECK_C11, drop);
	base.model = KAAL_CHECK_TSO;
	for (unsigned i = 0; i < CHANNEL_FENCES; i++) {
		drop[i].kind = KAAL_CHECK_DROP_FENCE;
		struct kaal_check_config failing;
		assert_true(
		    checked_caught(&checked_channel_resize, &base, drop[i], TSO_SEEDS, &failing));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(resize_orderings_guarded),
	    cmocka_unit_test(source_orderings_guarded),
	    cmocka_unit_test(resize_fences_dropped_under_tso_are_caught),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
