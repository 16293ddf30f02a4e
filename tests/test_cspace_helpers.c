/*
 * The SDK's CSpace helpers: capabilities made in fresh slots of a range the
 * program manages, and every failure giving its slot back.
 */
#include "harness.h"

#include <kaal/cspace.h>

#define RANGE     8u   /* slots the helpers manage in these tests */
#define KEEP_FREE 256u /* root slots left to the harness below the range */

static struct kaal_cspace cs;

/* The range starts well above what the harness takes for its own objects. */
static void open_cspace(void)
{
	kaal_cptr first = h.bi->first_free_slot + KEEP_FREE;
	assert_status(KAAL_OK, kaal_cspace_init(&cs, h.root, first, first + RANGE));
}

static void copies_derives_mints_and_moves(void **state)
{
	(void)state;
	open_cspace();
	kaal_cptr ep = harness_endpoint();
	kaal_cptr copy, weaker, badged, moved;
	assert_status(KAAL_OK, kaal_cspace_copy(&cs, ep, &copy));
	harness_assert_same_cap(harness_identify(ep), harness_identify(copy));
	assert_status(KAAL_OK, kaal_cspace_derive(&cs, ep, KAAL_RIGHT_WRITE, &weaker));
	assert_int_equal(KAAL_RIGHT_WRITE, harness_identify(weaker).rights);
	assert_status(KAAL_OK, kaal_cspace_mint(&cs, ep, KAAL_RIGHT_WRITE, 0x77, &badged));
	assert_int_equal(0x77, harness_identify(badged).badge);
	struct kaal_cap_info before = harness_identify(copy);
	assert_status(KAAL_OK, kaal_cspace_move(&cs, copy, &moved));
	harness_assert_same_cap(before, harness_identify(moved));
	harness_assert_slot_empty(copy);
	assert_int_equal(RANGE - 4, cs.slots.free_count);
	/* Delete empties a slot and gives it back. */
	assert_status(KAAL_OK, kaal_cspace_delete(&cs, weaker));
	harness_assert_slot_empty(weaker);
	assert_status(KAAL_OK, kaal_cspace_free(&cs, copy));
	assert_int_equal(RANGE - 2, cs.slots.free_count);
	/* Revoke takes every copy and derived one; the endpoint's own capability stays. */
	assert_status(KAAL_OK, kaal_cspace_revoke(&cs, ep));
	harness_assert_slot_empty(badged);
	harness_assert_slot_empty(moved);
	assert_int_equal(KAAL_CAP_ENDPOINT, harness_identify(ep).type);
	/* Their slots, empty now, go back through delete all the same. */
	assert_status(KAAL_OK, kaal_cspace_delete(&cs, badged));
	assert_status(KAAL_OK, kaal_cspace_delete(&cs, moved));
	assert_int_equal(RANGE, cs.slots.free_count);
}

/* A call that fails names its reason and leaves the allocator and the slots as they were. */
static void failures_give_their_slot_back(void **state)
{
	(void)state;
	open_cspace();
	kaal_cptr ep = harness_endpoint(), empty = harness_slot(), dst = 0;
	assert_status(KAAL_SLOT_EMPTY, kaal_cspace_copy(&cs, empty, &dst));
	assert_status(KAAL_SLOT_EMPTY, kaal_cspace_move(&cs, empty, &dst));
	kaal_cptr badged;
	assert_status(KAAL_OK, kaal_cspace_mint(&cs, ep, KAAL_RIGHT_WRITE, 1, &badged));
	assert_status(KAAL_ALREADY_BADGED,
	              kaal_cspace_mint(&cs, badged, KAAL_RIGHT_WRITE, 2, &dst));
	assert_int_equal(0, dst);
	assert_int_equal(RANGE - 1, cs.slots.free_count);
	/* Out of slots: the range full, nothing made. */
	kaal_cptr slot;
	for (unsigned i = 1; i < RANGE; i++)
		assert_status(KAAL_OK, kaal_cspace_alloc(&cs, &slot));
	assert_status(KAAL_OUT_OF_SLOTS, kaal_cspace_copy(&cs, ep, &dst));
	assert_status(KAAL_OUT_OF_SLOTS, kaal_cspace_alloc(&cs, &slot));
	/* A slot outside the range, or not taken, is not deleted. */
	assert_status(KAAL_INVALID_ARGUMENT, kaal_cspace_delete(&cs, ep));
	assert_int_equal(KAAL_CAP_ENDPOINT, harness_identify(ep).type);
	assert_status(KAAL_OK, kaal_cspace_delete(&cs, badged));
	assert_status(KAAL_INVALID_ARGUMENT, kaal_cspace_delete(&cs, badged));
	assert_status(KAAL_INVALID_ARGUMENT, kaal_cspace_free(&cs, badged));
	/* Bad arguments. */
	assert_status(KAAL_INVALID_ARGUMENT, kaal_cspace_init(NULL, h.root, 1, 2));
	assert_status(KAAL_INVALID_ARGUMENT, kaal_cspace_init(&cs, h.root, 2, 2));
	assert_status(KAAL_INVALID_ARGUMENT, kaal_cspace_copy(NULL, ep, &dst));
	assert_status(KAAL_INVALID_ARGUMENT, kaal_cspace_copy(&cs, ep, NULL));
	assert_status(KAAL_INVALID_ARGUMENT, kaal_cspace_alloc(NULL, &slot));
	assert_status(KAAL_INVALID_ARGUMENT, kaal_cspace_free(NULL, slot));
	assert_status(KAAL_INVALID_ARGUMENT, kaal_cspace_revoke(NULL, ep));
	assert_status(KAAL_INVALID_ARGUMENT, kaal_cspace_delete(NULL, ep));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    HARNESS_CASE(copies_derives_mints_and_moves),
	    HARNESS_CASE(failures_give_their_slot_back),
	};
	return cmocka_run_group_tests_name("cspace_helpers", tests, NULL, NULL);
}
