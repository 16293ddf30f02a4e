/*
 * Capability pointer lookup: guards, radix levels, depths, multi-level
 * CSpaces, the four lookup errors, and threads with CSpaces of their own.
 */
#include "harness.h"

/*
 * The badge that mints a CNode capability with a guard, packed by hand so
 * that guards kaal_cnode_guard() would refuse reach the kernel's own checks.
 */
static kaal_word guard_of(unsigned bits, kaal_word guard)
{
	return (guard << KAAL_GUARD_SIZE_FIELD_BITS) | bits;
}

/* In the root task a cptr is a slot index: every higher bit must match the zero guard. */
static void root_cptr_is_slot_index(void **state)
{
	(void)state;
	assert_int_equal(12, h.bi->root_cnode_radix);
	kaal_cptr n = harness_create(KAAL_CAP_NOTIFICATION, 0);
	assert_status(KAAL_OK, kaal_signal(n, 0x1));
	assert_int_equal(0x1, harness_peek(n));
	static const unsigned high_bits[] = {12, 13, 20, 31, 32, 51, 55, 56, 62, 63};
	for (unsigned i = 0; i < sizeof(high_bits) / sizeof(high_bits[0]); i++) {
		kaal_cptr bad = n | (UINT64_C(1) << high_bits[i]);
		assert_status(KAAL_GUARD_MISMATCH, kaal_signal(bad, 0x2));
		/* A slot operand carries 56 index bits (the depth takes the top byte). */
		if (high_bits[i] >= KAAL_SLOT_DEPTH_SHIFT)
			continue;
		struct kaal_cap_info info;
		assert_status(KAAL_GUARD_MISMATCH, kaal_cnode_identify(harness_ref(bad), &info));
	}
	assert_int_equal(0x1, harness_peek(n));
	/* The largest index is the last slot. */
	kaal_cptr last = h.bi->slot_count - 1;
	harness_assert_empty(harness_ref(last));
	assert_status(KAAL_OK, kaal_cnode_copy(harness_ref(last), harness_ref(n)));
	assert_status(KAAL_OK, kaal_signal(last, 0x4));
	assert_int_equal(0x5, harness_peek(n));
}

/* An invocation reports the lookup first, then an empty slot, then the type, then rights. */
static void invocation_error_order(void **state)
{
	(void)state;
	kaal_cptr n = harness_create(KAAL_CAP_NOTIFICATION, 0);
	kaal_cptr e = harness_create(KAAL_CAP_ENDPOINT, 0);
	kaal_cptr ro = harness_slot();
	assert_status(KAAL_OK, kaal_cnode_derive(harness_ref(ro), harness_ref(n), KAAL_RIGHT_READ));

	assert_status(KAAL_SLOT_EMPTY, kaal_signal(0, 1));
	assert_status(KAAL_SLOT_EMPTY, kaal_signal(harness_slot(), 1));
	assert_status(KAAL_WRONG_TYPE, kaal_signal(e, 1));
	assert_status(KAAL_MISSING_RIGHT, kaal_signal(ro, 1));
	assert_status(KAAL_GUARD_MISMATCH, kaal_signal(e | (UINT64_C(1) << 40), 1));
	assert_status(KAAL_GUARD_MISMATCH, kaal_signal(ro | (UINT64_C(1) << 40), 1));
	assert_int_equal(0, harness_peek(n));
	/* Read is enough to wait through the derived capability. */
	kaal_word bits = 7;
	assert_status(KAAL_OK, kaal_poll(ro, &bits));
	assert_int_equal(0, bits);
}

/* A CNode call whose root is not a CNode capability fails with INVALID_ROOT and changes nothing. */
static void invalid_root(void **state)
{
	(void)state;
	kaal_cptr n = harness_create(KAAL_CAP_NOTIFICATION, 0);
	kaal_cptr e = harness_create(KAAL_CAP_ENDPOINT, 0);
	kaal_cptr f = harness_create(KAAL_CAP_FRAME, KAAL_PAGE_BITS);
	kaal_cptr t = harness_create(KAAL_CAP_THREAD, 0);
	kaal_cptr empty = harness_slot();
	kaal_cptr dst = harness_slot();
	struct kaal_cap_info before = harness_identify(n);
	const kaal_cptr roots[] = {n, e, f, t, h.untyped, empty, 0, h.bi->root_thread_cptr};
	for (unsigned i = 0; i < sizeof(roots) / sizeof(roots[0]); i++) {
		struct kaal_slot_ref bad = harness_at(roots[i], 0, 4);
		struct kaal_cap_info info;
		assert_status(KAAL_INVALID_ROOT, kaal_cnode_identify(bad, &info));
		assert_status(KAAL_INVALID_ROOT, kaal_cnode_copy(bad, harness_ref(n)));
		assert_status(KAAL_INVALID_ROOT, kaal_cnode_copy(harness_ref(dst), bad));
		assert_status(KAAL_INVALID_ROOT, kaal_cnode_move(bad, harness_ref(n)));
		assert_status(KAAL_INVALID_ROOT, kaal_cnode_delete(bad));
		assert_status(KAAL_INVALID_ROOT, kaal_cnode_revoke(bad));
		assert_status(KAAL_INVALID_ROOT, kaal_notification_create(h.untyped, bad));
		harness_assert_same_cap(before, harness_identify(n));
		harness_assert_empty(harness_ref(dst));
	}
	/* A root cptr that does not resolve reports its own lookup failure. */
	struct kaal_cap_info info;
	assert_status(KAAL_GUARD_MISMATCH,
	              kaal_cnode_identify(harness_at(h.root | (UINT64_C(1) << 12), 1, 64), &info));
	assert_status(KAAL_GUARD_MISMATCH,
	              kaal_cnode_copy(harness_ref(dst), harness_at(n | (UINT64_C(1) << 30), 0, 4)));
	harness_assert_empty(harness_ref(dst));
}

/* The root CNode's guard and radix take all 64 bits: no other depth reaches its slots. */
static void root_cnode_needs_full_depth(void **state)
{
	(void)state;
	kaal_cptr n = harness_create(KAAL_CAP_NOTIFICATION, 0);
	kaal_cptr dst = harness_slot();
	assert_int_equal(KAAL_CAP_NOTIFICATION,
	                 harness_identify_ref(harness_at(h.root, n, 64)).type);
	/* Depths in which n's index fits: shorter ones are refused before any lookup. */
	static const unsigned depths[] = {12, 13, 32, 52, 63};
	for (unsigned i = 0; i < sizeof(depths) / sizeof(depths[0]); i++) {
		struct kaal_cap_info info;
		assert_status(KAAL_DEPTH_MISMATCH,
		              kaal_cnode_identify(harness_at(h.root, n, depths[i]), &info));
		assert_status(KAAL_DEPTH_MISMATCH,
		              kaal_cnode_copy(harness_ref(dst), harness_at(h.root, n, depths[i])));
		assert_status(KAAL_DEPTH_MISMATCH,
		              kaal_cnode_copy(harness_at(h.root, dst, depths[i]), harness_ref(n)));
		assert_status(KAAL_DEPTH_MISMATCH,
		              kaal_cnode_delete(harness_at(h.root, n, depths[i])));
		harness_assert_empty(harness_ref(dst));
		assert_int_equal(KAAL_CAP_NOTIFICATION, harness_identify(n).type);
	}
}

/* CNode calls walk into a second CNode: first level's bits are the high ones. */
static void two_level_cnode_ops(void **state)
{
	(void)state;
	kaal_cptr a = harness_create(KAAL_CAP_CNODE, 4);
	kaal_cptr b = harness_create(KAAL_CAP_CNODE, 8);
	kaal_cptr n = harness_create(KAAL_CAP_NOTIFICATION, 0);
	assert_status(KAAL_OK, kaal_cnode_copy(harness_at(a, 3, 4), harness_ref(b)));
	struct kaal_cap_info bi = harness_identify_ref(harness_at(a, 3, 4));
	assert_int_equal(KAAL_CAP_CNODE, bi.type);
	assert_int_equal(harness_identify(b).object, bi.object);

	struct kaal_slot_ref deep = harness_at(a, (3 << 8) | 0x25, 12);
	harness_assert_empty(deep);
	assert_status(KAAL_OK, kaal_cnode_copy(deep, harness_ref(n)));
	harness_assert_same_cap(harness_identify(n), harness_identify_ref(deep));
	/* The same slot through the second CNode's own capability. */
	harness_assert_same_cap(harness_identify(n), harness_identify_ref(harness_at(b, 0x25, 8)));
	/* Its neighbours stay empty. */
	harness_assert_empty(harness_at(a, (3 << 8) | 0x24, 12));
	harness_assert_empty(harness_at(a, (3 << 8) | 0x26, 12));
	harness_assert_empty(harness_at(b, 0x24, 8));

	/* Three levels: a -> b -> c. */
	kaal_cptr c = harness_create(KAAL_CAP_CNODE, 2);
	assert_status(KAAL_OK, kaal_cnode_move(harness_at(a, (3 << 8) | 0x40, 12), harness_ref(c)));
	harness_assert_empty(harness_ref(c));
	struct kaal_slot_ref deeper = harness_at(a, (((3 << 8) | 0x40) << 2) | 1, 14);
	assert_status(KAAL_OK, kaal_cnode_move(deeper, deep));
	harness_assert_empty(deep);
	harness_assert_same_cap(harness_identify(n), harness_identify_ref(deeper));
	assert_status(KAAL_OK, kaal_signal(n, 0x8));
	assert_status(KAAL_OK, kaal_cnode_delete(deeper));
	harness_assert_empty(deeper);
	assert_int_equal(0x8, harness_peek(n));
}

/* A walk that meets an empty slot with bits still to resolve. */
static void missing_capability(void **state)
{
	(void)state;
	kaal_cptr a = harness_create(KAAL_CAP_CNODE, 4);
	kaal_cptr b = harness_create(KAAL_CAP_CNODE, 8);
	kaal_cptr n = harness_create(KAAL_CAP_NOTIFICATION, 0);
	assert_status(KAAL_OK, kaal_cnode_copy(harness_at(a, 3, 4), harness_ref(b)));
	struct kaal_cap_info nb = harness_identify(n);

	struct kaal_slot_ref missing = harness_at(a, (7 << 8) | 1, 12);
	struct kaal_cap_info info;
	assert_status(KAAL_MISSING_CAPABILITY, kaal_cnode_identify(missing, &info));
	assert_status(KAAL_MISSING_CAPABILITY, kaal_cnode_copy(missing, harness_ref(n)));
	assert_status(KAAL_MISSING_CAPABILITY, kaal_cnode_move(missing, harness_ref(n)));
	assert_status(KAAL_MISSING_CAPABILITY, kaal_cnode_delete(missing));
	assert_status(KAAL_MISSING_CAPABILITY, kaal_cnode_revoke(missing));
	harness_assert_same_cap(nb, harness_identify(n));
	harness_assert_empty(harness_at(a, 7, 4));

	/* At the second level: b's slot 0x10 is empty with two bits left. */
	struct kaal_slot_ref missing2 = harness_at(a, (((3 << 8) | 0x10) << 2) | 1, 14);
	assert_status(KAAL_MISSING_CAPABILITY, kaal_cnode_identify(missing2, &info));
	kaal_cptr dst = harness_slot();
	assert_status(KAAL_MISSING_CAPABILITY, kaal_cnode_copy(harness_ref(dst), missing2));
	harness_assert_empty(harness_ref(dst));
	harness_assert_empty(harness_at(b, 0x10, 8));

	/* Once the slot is filled with a CNode the same walk succeeds. */
	kaal_cptr c = harness_create(KAAL_CAP_CNODE, 2);
	assert_status(KAAL_OK, kaal_cnode_copy(harness_at(b, 0x10, 8), harness_ref(c)));
	assert_status(KAAL_OK, kaal_cnode_copy(missing2, harness_ref(n)));
	harness_assert_same_cap(nb, harness_identify_ref(harness_at(c, 1, 2)));
}

/* Depth errors: too few bits for the next level, or bits left at a non-CNode. */
static void depth_mismatch(void **state)
{
	(void)state;
	kaal_cptr a = harness_create(KAAL_CAP_CNODE, 4);
	kaal_cptr b = harness_create(KAAL_CAP_CNODE, 8);
	kaal_cptr c = harness_create(KAAL_CAP_CNODE, 2);
	kaal_cptr n = harness_create(KAAL_CAP_NOTIFICATION, 0);
	assert_status(KAAL_OK, kaal_cnode_copy(harness_at(a, 3, 4), harness_ref(b)));
	assert_status(KAAL_OK, kaal_cnode_copy(harness_at(a, 5, 4), harness_ref(n)));
	assert_status(KAAL_OK, kaal_cnode_copy(harness_at(b, 9, 8), harness_ref(c)));
	assert_status(KAAL_OK, kaal_cnode_copy(harness_at(c, 0, 2), harness_ref(n)));
	kaal_cptr dst = harness_slot();
	struct kaal_cap_info info;

	const struct kaal_slot_ref bad[] = {
	    harness_at(a, 3, 3),                          /* fewer bits than a's radix */
	    harness_at(a, 0, 1),                          /* likewise */
	    harness_at(a, (3 << 4) | 1, 8),               /* 4 bits left, b needs 8 */
	    harness_at(a, (5 << 4) | 1, 8),               /* bits left at a notification */
	    harness_at(a, (UINT64_C(5) << 52) | 1, 56),   /* likewise: 52 bits left there */
	    harness_at(a, (((3 << 8) | 9) << 1) | 1, 13), /* 1 bit left, c needs 2 */
	    harness_at(a, (((3 << 8) | 9) << 3) | 1, 15), /* 1 bit left at n in c's slot 0 */
	};
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_status(KAAL_DEPTH_MISMATCH, kaal_cnode_identify(bad[i], &info));
		assert_status(KAAL_DEPTH_MISMATCH, kaal_cnode_copy(harness_ref(dst), bad[i]));
		assert_status(KAAL_DEPTH_MISMATCH, kaal_cnode_copy(bad[i], harness_ref(n)));
		assert_status(KAAL_DEPTH_MISMATCH, kaal_cnode_delete(bad[i]));
		harness_assert_empty(harness_ref(dst));
	}
	/* The exact depths name the slots. */
	harness_assert_same_cap(harness_identify(n), harness_identify_ref(harness_at(a, 5, 4)));
	assert_int_equal(KAAL_CAP_CNODE, harness_identify_ref(harness_at(a, 3, 4)).type);
	assert_int_equal(KAAL_CAP_CNODE,
	                 harness_identify_ref(harness_at(a, (3 << 8) | 9, 12)).type);
	harness_assert_same_cap(harness_identify(n),
	                        harness_identify_ref(harness_at(a, (((3 << 8) | 9) << 2) | 0, 14)));
	harness_assert_empty(harness_at(a, (((3 << 8) | 9) << 2) | 1, 14));
}

/*
 * A slot index wider than its depth, or than the 56 bits of the slot word, and
 * a depth beyond a word are refused: none of them names the slot their low
 * bits would name.
 */
static void oversized_slot_operands(void **state)
{
	(void)state;
	const kaal_cptr n = harness_create(KAAL_CAP_NOTIFICATION, 0);
	const kaal_cptr a = harness_create(KAAL_CAP_CNODE, 4);
	assert_status(KAAL_OK, kaal_cnode_copy(harness_at(a, 5, 4), harness_ref(n)));
	const kaal_cptr dst = harness_slot();
	const struct kaal_cap_info before = harness_identify(n);

	const struct kaal_slot_ref bad[] = {
	    harness_at(h.root, (UINT64_C(1) << 60) + n, 64), /* beyond the 56 index bits */
	    harness_at(h.root, (UINT64_C(1) << 56) | n, 64), /* the lowest bit past them */
	    harness_at(h.root, n, 65),                       /* more than a word */
	    harness_at(h.root, n, 255),                      /* the widest depth field */
	    harness_at(h.root, n, 0),                        /* an index in no bits */
	    harness_at(a, 5 | (1 << 4), 4),                  /* one bit past a's radix */
	    harness_at(a, 5 | (UINT64_C(1) << 40), 4),       /* far past it */
	    harness_at(a, 5 | (UINT64_C(1) << 55), 55),      /* past a 55-bit depth */
	};
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct kaal_cap_info info;
		assert_int_equal(KAAL_SLOT_INVALID, kaal_slot(bad[i].index, bad[i].depth));
		assert_status(KAAL_INVALID_ARGUMENT, kaal_cnode_identify(bad[i], &info));
		assert_status(KAAL_INVALID_ARGUMENT, kaal_cnode_copy(harness_ref(dst), bad[i]));
		assert_status(KAAL_INVALID_ARGUMENT, kaal_cnode_copy(bad[i], harness_ref(n)));
		assert_status(KAAL_INVALID_ARGUMENT, kaal_cnode_delete(bad[i]));
		assert_status(KAAL_INVALID_ARGUMENT, kaal_cnode_revoke(bad[i]));
		harness_assert_empty(harness_ref(dst));
		harness_assert_same_cap(before, harness_identify(n));
		harness_assert_same_cap(before, harness_identify_ref(harness_at(a, 5, 4)));
	}

	/* Packed by hand, the same operands still cannot alias a slot. */
	const kaal_word depth_64 = (kaal_word)KAAL_WORD_BITS << KAAL_SLOT_DEPTH_SHIFT;
	const kaal_word raw[] = {
	    KAAL_SLOT_INVALID,
	    ((kaal_word)(KAAL_WORD_BITS + 1) << KAAL_SLOT_DEPTH_SHIFT) | n,
	    ((kaal_word)4 << KAAL_SLOT_DEPTH_SHIFT) | (1 << 4) | 5,
	};
	for (unsigned i = 0; i < sizeof(raw) / sizeof(raw[0]); i++) {
		kaal_cptr root = i == 2 ? a : h.root;
		assert_status(KAAL_INVALID_ARGUMENT,
		              kaal_syscall(KAAL_SYS_IDENTIFY, root, raw[i], 0, 0, 0, 0).status);
		assert_status(
		    KAAL_INVALID_ARGUMENT,
		    kaal_syscall(KAAL_SYS_COPY, h.root, depth_64 | dst, root, raw[i], 0, 0).status);
		harness_assert_empty(harness_ref(dst));
	}
	/* At the edges the packing keeps every index that fits, bit for bit. */
	const kaal_word depth_4 = (kaal_word)4 << KAAL_SLOT_DEPTH_SHIFT;
	const kaal_word depth_56 = (kaal_word)KAAL_SLOT_DEPTH_SHIFT << KAAL_SLOT_DEPTH_SHIFT;
	assert_int_equal(depth_4 | 15, kaal_slot(15, 4));
	assert_int_equal(KAAL_SLOT_INVALID, kaal_slot(16, 4));
	assert_int_equal(depth_56 | KAAL_SLOT_INDEX_MASK, kaal_slot(KAAL_SLOT_INDEX_MASK, 56));
	assert_int_equal(KAAL_SLOT_INVALID, kaal_slot(KAAL_SLOT_INDEX_MASK, 55));
	assert_int_equal(depth_64 | KAAL_SLOT_INDEX_MASK, kaal_slot(KAAL_SLOT_INDEX_MASK, 64));
	assert_int_equal(0, kaal_slot(0, 0));
}

/* A second-level CNode minted with a guard: the pointer's bits must match it. */
static void guard_mismatch(void **state)
{
	(void)state;
	kaal_cptr a = harness_create(KAAL_CAP_CNODE, 4);
	kaal_cptr b = harness_create(KAAL_CAP_CNODE, 4);
	kaal_cptr n = harness_create(KAAL_CAP_NOTIFICATION, 0);
	assert_status(KAAL_OK, kaal_cnode_mint(harness_at(a, 3, 4), harness_ref(b), KAAL_RIGHTS_ALL,
	                                       guard_of(4, 0xA)));
	struct kaal_cap_info guarded_info = harness_identify_ref(harness_at(a, 3, 4));
	assert_int_equal(KAAL_CAP_CNODE, guarded_info.type);
	assert_int_equal(0xA, guarded_info.badge);
	assert_int_equal(harness_identify(b).object, guarded_info.object);

	struct kaal_slot_ref good = harness_at(a, (3 << 8) | (0xA << 4) | 2, 12);
	assert_status(KAAL_OK, kaal_cnode_copy(good, harness_ref(n)));
	harness_assert_same_cap(harness_identify(n), harness_identify_ref(good));
	/* b's own capability has no guard. */
	harness_assert_same_cap(harness_identify(n), harness_identify_ref(harness_at(b, 2, 4)));

	kaal_cptr dst = harness_slot();
	static const kaal_word wrong[] = {0x0, 0x2, 0x5, 0x8, 0xB, 0xF};
	for (unsigned i = 0; i < sizeof(wrong) / sizeof(wrong[0]); i++) {
		struct kaal_slot_ref bad = harness_at(a, (3 << 8) | (wrong[i] << 4) | 2, 12);
		struct kaal_cap_info info;
		assert_status(KAAL_GUARD_MISMATCH, kaal_cnode_identify(bad, &info));
		assert_status(KAAL_GUARD_MISMATCH, kaal_cnode_copy(harness_ref(dst), bad));
		assert_status(KAAL_GUARD_MISMATCH, kaal_cnode_copy(bad, harness_ref(n)));
		assert_status(KAAL_GUARD_MISMATCH, kaal_cnode_delete(bad));
		assert_status(KAAL_GUARD_MISMATCH, kaal_cnode_revoke(bad));
		harness_assert_empty(harness_ref(dst));
		harness_assert_same_cap(harness_identify(n), harness_identify_ref(good));
	}
	/* The guarded level needs its guard's bits too: 4 bits are not enough. */
	struct kaal_cap_info info;
	assert_status(KAAL_DEPTH_MISMATCH,
	              kaal_cnode_identify(harness_at(a, (3 << 4) | 2, 8), &info));

	/* A guard on the first level as well: 8 bits 0x5A above a's 4. */
	kaal_cptr ga = harness_guarded(a, 8, 0x5A);
	kaal_word top = (0x5A << 4) | 3;
	harness_assert_same_cap(harness_identify(n), harness_identify_ref(harness_at(
	                                                 ga, (top << 8) | (0xA << 4) | 2, 20)));
	assert_status(KAAL_GUARD_MISMATCH,
	              kaal_cnode_identify(
	                  harness_at(ga, (((top ^ 0x100)) << 8) | (0xA << 4) | 2, 20), &info));
	assert_status(KAAL_GUARD_MISMATCH, kaal_cnode_identify(harness_at(ga, 3, 12), &info));
	/* The first level's guard is checked before the second level is reached. */
	assert_status(
	    KAAL_GUARD_MISMATCH,
	    kaal_cnode_identify(harness_at(ga, ((top ^ 0x10) << 8) | (0x5 << 4) | 2, 20), &info));
}

/* Minting a CNode capability sets its guard, within the bits a word leaves. */
static void guard_minting(void **state)
{
	(void)state;
	kaal_cptr c = harness_create(KAAL_CAP_CNODE, 4);
	kaal_cptr n = harness_create(KAAL_CAP_NOTIFICATION, 0);
	assert_status(KAAL_OK, kaal_cnode_copy(harness_at(c, 6, 4), harness_ref(n)));

	/* radix 4 + guard 60 = 64: a cptr of the whole word, like the root CNode. */
	kaal_cptr full = harness_guarded(c, 60, 0);
	harness_assert_same_cap(harness_identify(n), harness_identify_ref(harness_at(full, 6, 64)));
	/* A guard reaching bit 55, the highest index bit a slot operand carries. */
	const kaal_word value = UINT64_C(0xDCBA987654321);
	kaal_cptr high = harness_guarded(c, 60, value);
	assert_int_equal(value, harness_identify(high).badge);
	harness_assert_same_cap(harness_identify(n),
	                        harness_identify_ref(harness_at(high, (value << 4) | 6, 64)));
	struct kaal_cap_info info;
	assert_status(KAAL_GUARD_MISMATCH, kaal_cnode_identify(harness_at(high, 6, 64), &info));

	kaal_cptr dst = harness_slot();
	struct kaal_cap_info cinfo = harness_identify(c);
	/* 61 guard bits leave too few for the radix. */
	assert_status(KAAL_INVALID_ARGUMENT, kaal_cnode_mint(harness_ref(dst), harness_ref(c),
	                                                     KAAL_RIGHTS_ALL, guard_of(61, 0)));
	assert_status(KAAL_INVALID_ARGUMENT, kaal_cnode_mint(harness_ref(dst), harness_ref(c),
	                                                     KAAL_RIGHTS_ALL, guard_of(63, 0)));
	/* A guard value wider than its size. */
	assert_status(KAAL_INVALID_ARGUMENT, kaal_cnode_mint(harness_ref(dst), harness_ref(c),
	                                                     KAAL_RIGHTS_ALL, guard_of(4, 0x10)));
	assert_status(KAAL_INVALID_ARGUMENT, kaal_cnode_mint(harness_ref(dst), harness_ref(c),
	                                                     KAAL_RIGHTS_ALL, guard_of(0, 1)));
	harness_assert_empty(harness_ref(dst));
	harness_assert_same_cap(cinfo, harness_identify(c));

	/* kaal_cnode_guard() packs what fits and marks the rest, which every mint refuses. */
	assert_int_equal(guard_of(4, 0xA), kaal_cnode_guard(0xA, 4));
	assert_int_equal(guard_of(0, 0), kaal_cnode_guard(0, 0));
	assert_int_equal(guard_of(63, KAAL_GUARD_VALUE_MAX),
	                 kaal_cnode_guard(KAAL_GUARD_VALUE_MAX, 63));
	const kaal_word unfit[] = {
	    kaal_cnode_guard(0x10, 4),                      /* a value wider than its size */
	    kaal_cnode_guard(1, 0),                         /* a value in no bits */
	    kaal_cnode_guard(0, KAAL_WORD_BITS),            /* a size beyond its field */
	    kaal_cnode_guard(KAAL_GUARD_VALUE_MAX + 1, 63), /* a value beyond its field */
	};
	for (unsigned i = 0; i < sizeof(unfit) / sizeof(unfit[0]); i++) {
		assert_int_equal(KAAL_GUARD_INVALID, unfit[i]);
		assert_status(
		    KAAL_INVALID_ARGUMENT,
		    kaal_cnode_mint(harness_ref(dst), harness_ref(c), KAAL_RIGHTS_ALL, unfit[i]));
	}
	/* The mark is refused by a CNode of any radix, the smallest included. */
	kaal_cptr smallest = harness_create(KAAL_CAP_CNODE, 1);
	assert_status(KAAL_INVALID_ARGUMENT,
	              kaal_cnode_mint(harness_ref(dst), harness_ref(smallest), KAAL_RIGHTS_ALL,
	                              KAAL_GUARD_INVALID));
	harness_assert_empty(harness_ref(dst));

	/* A guarded capability can be minted again with another guard. */
	kaal_cptr g1 = harness_guarded(c, 4, 0xA);
	assert_status(KAAL_OK, kaal_cnode_mint(harness_ref(dst), harness_ref(g1), KAAL_RIGHTS_ALL,
	                                       guard_of(2, 0x3)));
	assert_int_equal(0x3, harness_identify(dst).badge);
	harness_assert_same_cap(harness_identify(n),
	                        harness_identify_ref(harness_at(dst, (0x3 << 4) | 6, 6)));
	/* The old guard no longer applies. */
	assert_status(KAAL_GUARD_MISMATCH,
	              kaal_cnode_identify(harness_at(dst, (0xA << 4) | 6, 8), &info));
	/* A copy keeps the guard. */
	kaal_cptr copy = harness_slot();
	assert_status(KAAL_OK, kaal_cnode_copy(harness_ref(copy), harness_ref(g1)));
	assert_int_equal(0xA, harness_identify(copy).badge);
	harness_assert_same_cap(harness_identify(n),
	                        harness_identify_ref(harness_at(copy, (0xA << 4) | 6, 8)));
	assert_status(KAAL_GUARD_MISMATCH,
	              kaal_cnode_identify(harness_at(copy, (0x3 << 4) | 6, 8), &info));
}

/*
 * A thread whose CSpace root is a CNode of radix 4 with a 52-bit zero guard
 * (56 bits) over a second level of 8 bits: its cptrs are (first << 8) | second.
 */
enum { PROBE_COUNT = 10 };
static kaal_status probe_status[PROBE_COUNT];
static kaal_cptr probe_cptr[PROBE_COUNT];
static kaal_word probe_bits[PROBE_COUNT];

static void signal_probes(kaal_word count)
{
	for (unsigned i = 0; i < count; i++)
		probe_status[i] = kaal_signal(probe_cptr[i], probe_bits[i]);
	harness_barrier_wait();
}

static void two_level_invocations(void **state)
{
	(void)state;
	kaal_cptr a = harness_create(KAAL_CAP_CNODE, 4);
	kaal_cptr b = harness_create(KAAL_CAP_CNODE, 8);
	kaal_cptr b2 = harness_create(KAAL_CAP_CNODE, 8);
	kaal_cptr b3 = harness_create(KAAL_CAP_CNODE, 4);
	kaal_cptr n = harness_create(KAAL_CAP_NOTIFICATION, 0);
	kaal_cptr x = harness_create(KAAL_CAP_NOTIFICATION, 0);
	kaal_cptr m = harness_create(KAAL_CAP_NOTIFICATION, 0);
	assert_true(n < 256);
	assert_status(KAAL_OK, kaal_cnode_copy(harness_at(a, 3, 4), harness_ref(b)));
	assert_status(KAAL_OK, kaal_cnode_copy(harness_at(a, 5, 4), harness_ref(x)));
	assert_status(KAAL_OK, kaal_cnode_mint(harness_at(a, 9, 4), harness_ref(b2),
	                                       KAAL_RIGHTS_ALL, guard_of(8, 0)));
	assert_status(KAAL_OK, kaal_cnode_mint(harness_at(a, 10, 4), harness_ref(b3),
	                                       KAAL_RIGHTS_ALL, guard_of(4, 0xA)));
	assert_status(KAAL_OK, kaal_cnode_copy(harness_at(b, 0x25, 8), harness_ref(n)));
	assert_status(KAAL_OK, kaal_cnode_copy(harness_at(b3, 2, 4), harness_ref(m)));
	kaal_cptr cspace = harness_guarded(a, 52, 0);

	static const struct {
		kaal_cptr cptr;
		kaal_word bits;
		kaal_status expect;
	} probes[PROBE_COUNT] = {
	    {(3 << 8) | 0x25, 0x1, KAAL_OK},                 /* n through a then b */
	    {(5 << 8) | 0x77, 0x2, KAAL_OK},                 /* x: the walk stops early */
	    {(10 << 8) | (0xA << 4) | 2, 0x4, KAAL_OK},      /* m past b3's guard */
	    {(7 << 8) | 0x01, 0x8, KAAL_MISSING_CAPABILITY}, /* a's slot 7 is empty */
	    {(UINT64_C(1) << 60) | (3 << 8) | 0x25, 0x10, KAAL_GUARD_MISMATCH},
	    {(9 << 8) | 0x01, 0x20, KAAL_DEPTH_MISMATCH}, /* b2 needs 16 bits */
	    {(10 << 8) | (0x5 << 4) | 2, 0x40, KAAL_GUARD_MISMATCH},
	    {(3 << 8) | 0x26, 0x80, KAAL_SLOT_EMPTY}, /* b's slot 0x26 */
	    {0, 0x100, KAAL_MISSING_CAPABILITY},      /* n's root cptr: a's slot 0 */
	    {(3 << 8) | 0x25, 0x200, KAAL_OK},
	};
	for (unsigned i = 0; i < PROBE_COUNT; i++) {
		probe_cptr[i] = probes[i].cptr;
		probe_bits[i] = probes[i].bits;
		probe_status[i] = KAAL_STATUS_COUNT;
	}
	probe_cptr[8] = n;
	harness_barrier_init(2);
	harness_thread(signal_probes, PROBE_COUNT, cspace);
	harness_barrier_wait();
	for (unsigned i = 0; i < PROBE_COUNT; i++)
		assert_status(probes[i].expect, probe_status[i]);
	assert_int_equal(0x201, harness_peek(n));
	assert_int_equal(0x2, harness_peek(x));
	assert_int_equal(0x4, harness_peek(m));
}

/* A thread sees only the capabilities in its own CSpace. */
static kaal_status own_status[4];

static void use_own_cspace(kaal_word root_cptr)
{
	own_status[0] = kaal_signal(root_cptr, 0x1);
	own_status[1] = kaal_signal(7, 0x2);
	own_status[2] = kaal_cnode_copy(harness_at(1, 8, 64), harness_at(1, 7, 64));
	own_status[3] = kaal_signal(8, 0x4);
	harness_barrier_wait();
}

static void thread_sees_only_its_cspace(void **state)
{
	(void)state;
	kaal_cptr r2 = harness_create(KAAL_CAP_CNODE, 12);
	kaal_cptr cspace = harness_guarded(r2, 52, 0);
	kaal_cptr n1 = harness_create(KAAL_CAP_NOTIFICATION, 0);
	kaal_cptr n2 = harness_create(KAAL_CAP_NOTIFICATION, 0);
	assert_true(n1 != 1 && n1 != 7 && n1 != 8);
	assert_status(KAAL_OK, kaal_cnode_copy(harness_at(r2, 7, 12), harness_ref(n2)));
	assert_status(KAAL_OK, kaal_cnode_copy(harness_at(r2, 1, 12), harness_ref(cspace)));
	harness_assert_empty(harness_at(r2, n1, 12));

	harness_barrier_init(2);
	harness_thread(use_own_cspace, n1, cspace);
	harness_barrier_wait();
	/* n1's slot index names an empty slot of the thread's CSpace. */
	assert_status(KAAL_SLOT_EMPTY, own_status[0]);
	assert_status(KAAL_OK, own_status[1]);
	assert_status(KAAL_OK, own_status[2]);
	assert_status(KAAL_OK, own_status[3]);
	assert_int_equal(0, harness_peek(n1));
	assert_int_equal(0x6, harness_peek(n2));
	harness_assert_same_cap(harness_identify(n2), harness_identify_ref(harness_at(r2, 8, 12)));
}

/* Revoking a CNode's original capability removes a thread's CSpace copy: its root is gone. */
static kaal_status revoked_status[2];

static void signal_before_and_after(kaal_word cptr)
{
	revoked_status[0] = kaal_signal(cptr, 0x1);
	harness_barrier_wait();
	harness_barrier_wait();
	revoked_status[1] = kaal_signal(cptr, 0x2);
	harness_barrier_wait();
}

static void revoked_cspace_root(void **state)
{
	(void)state;
	kaal_cptr r2 = harness_create(KAAL_CAP_CNODE, 12);
	kaal_cptr cspace = harness_guarded(r2, 52, 0);
	kaal_cptr n = harness_create(KAAL_CAP_NOTIFICATION, 0);
	assert_status(KAAL_OK, kaal_cnode_copy(harness_at(r2, 7, 12), harness_ref(n)));
	harness_barrier_init(2);
	harness_thread(signal_before_and_after, 7, cspace);
	harness_barrier_wait();
	assert_status(KAAL_OK, revoked_status[0]);
	assert_int_equal(0x1, harness_peek(n));
	assert_status(KAAL_OK, kaal_cnode_revoke(harness_ref(r2)));
	harness_assert_empty(harness_ref(cspace));
	assert_int_equal(KAAL_CAP_CNODE, harness_identify(r2).type);
	harness_barrier_wait();
	harness_barrier_wait();
	assert_status(KAAL_INVALID_ROOT, revoked_status[1]);
	assert_int_equal(0x1, harness_peek(n));
	/* The CNode itself lives on with its contents. */
	harness_assert_same_cap(harness_identify(n), harness_identify_ref(harness_at(r2, 7, 12)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    HARNESS_CASE(root_cptr_is_slot_index),
	    HARNESS_CASE(invocation_error_order),
	    HARNESS_CASE(invalid_root),
	    HARNESS_CASE(root_cnode_needs_full_depth),
	    HARNESS_CASE(two_level_cnode_ops),
	    HARNESS_CASE(missing_capability),
	    HARNESS_CASE(depth_mismatch),
	    HARNESS_CASE(oversized_slot_operands),
	    HARNESS_CASE(guard_mismatch),
	    HARNESS_CASE(guard_minting),
	    HARNESS_CASE(two_level_invocations),
	    HARNESS_CASE(thread_sees_only_its_cspace),
	    HARNESS_CASE(revoked_cspace_root),
	};
	return cmocka_run_group_tests_name("cspace", tests, NULL, NULL);
}
