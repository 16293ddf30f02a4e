/* Untyped memory: retype of every type, placement, zeroing, reset, exhaustion and errors. */
#include <string.h>

#include "harness.h"

#define PAGE       (UINT64_C(1) << KAAL_PAGE_BITS)
#define LARGE_PAGE (UINT64_C(1) << KAAL_LARGE_PAGE_BITS)

/* A fresh untyped of 2^bits bytes carved from the largest boot region. */
static kaal_cptr make_untyped(unsigned bits)
{
	return harness_create(KAAL_CAP_UNTYPED, bits);
}

static struct kaal_untyped_info info_of(kaal_cptr ut)
{
	struct kaal_untyped_info info;
	assert_status(KAAL_OK, kaal_untyped_info(ut, &info));
	return info;
}

static kaal_paddr object_of(kaal_cptr slot)
{
	return harness_identify(slot).object;
}

static void *map_rw(kaal_cptr frame)
{
	void *p = NULL;
	assert_status(KAAL_OK, kaal_map(frame, 0, KAAL_RIGHT_READ | KAAL_RIGHT_WRITE, &p));
	assert_non_null(p);
	return p;
}

static bool all_zero(const uint8_t *p, uint64_t n)
{
	for (uint64_t i = 0; i < n; i++)
		if (p[i] != 0)
			return false;
	return true;
}

/* The fixed-size objects: each has its type, all rights, no badge, and its size's alignment. */
static void retype_fixed_types(void **state)
{
	(void)state;
	static const struct {
		unsigned type;
		unsigned bits;
	} fixed[] = {
	    {KAAL_CAP_THREAD, KAAL_THREAD_BITS},
	    {KAAL_CAP_ENDPOINT, KAAL_ENDPOINT_BITS},
	    {KAAL_CAP_NOTIFICATION, KAAL_NOTIFICATION_BITS},
	};
	kaal_cptr ut = make_untyped(16);
	kaal_paddr base = info_of(ut).base;
	for (unsigned i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
		uint64_t before = harness_bytes_left(ut);
		kaal_cptr slot = harness_retype(ut, fixed[i].type, 0);
		struct kaal_cap_info info = harness_identify(slot);
		assert_int_equal(fixed[i].type, info.type);
		assert_int_equal(KAAL_RIGHTS_ALL, info.rights);
		assert_int_equal(0, info.badge);
		assert_true(info.object >= base && info.object < base + (UINT64_C(1) << 16));
		harness_assert_aligned(info.object, fixed[i].bits);
		/* Largest first: each starts at an address already aligned, so nothing is skipped.
		 */
		assert_int_equal(before - (UINT64_C(1) << fixed[i].bits), harness_bytes_left(ut));
	}
}

static void new_objects_work(void **state)
{
	(void)state;
	kaal_cptr ut = make_untyped(16);
	kaal_cptr n = harness_retype(ut, KAAL_CAP_NOTIFICATION, 0);
	kaal_word bits = 0;
	assert_status(KAAL_OK, kaal_signal(n, 0x11));
	assert_status(KAAL_OK, kaal_poll(n, &bits));
	assert_int_equal(0x11, bits);

	kaal_cptr ep = harness_retype(ut, KAAL_CAP_ENDPOINT, 0);
	struct kaal_msg msg = {kaal_msg_info(1, 0, 0), {0}, 0};
	/* Nobody receives: a non-blocking send on a new endpoint is simply dropped. */
	assert_status(KAAL_OK, kaal_nb_send(ep, &msg));

	/* A new thread is inactive and has no CSpace, so it cannot start yet. */
	kaal_cptr t = harness_retype(ut, KAAL_CAP_THREAD, 0);
	assert_status(KAAL_ILLEGAL_OPERATION, kaal_thread_start(t, NULL, NULL, 0, NULL));
}

/* CNodes of every radix the largest boot region can hold; each is usable at its depth. */
static void retype_cnode_every_radix(void **state)
{
	(void)state;
	kaal_cptr ut = h.untyped;
	struct kaal_untyped_info whole = info_of(ut);
	kaal_cptr ntfn = harness_retype(ut, KAAL_CAP_NOTIFICATION, 0);
	/* The notification stays, so the untyped never resets: each CNode sits past it. */
	for (unsigned radix = 1; radix <= KAAL_MAX_CNODE_RADIX; radix++) {
		uint64_t size = UINT64_C(1) << (radix + KAAL_SLOT_BITS);
		if (size > (UINT64_C(1) << whole.size_bits) / 2)
			break;
		kaal_cptr slot = harness_slot();
		uint64_t before = harness_bytes_left(ut);
		assert_status(KAAL_OK, kaal_untyped_retype(ut, KAAL_CAP_CNODE, radix, 1,
		                                           harness_root_node(), slot, NULL));
		struct kaal_cap_info info = harness_identify(slot);
		assert_int_equal(KAAL_CAP_CNODE, info.type);
		assert_int_equal(KAAL_RIGHTS_ALL, info.rights);
		assert_int_equal(0, info.badge); /* no guard */
		harness_assert_aligned(info.object, radix + KAAL_SLOT_BITS);
		assert_true(harness_bytes_left(ut) <= before - size);

		/* Its last slot takes a copy at depth radix, and is empty before. */
		struct kaal_slot_ref last = {slot, (UINT64_C(1) << radix) - 1, radix};
		struct kaal_cap_info inside;
		assert_status(KAAL_OK, kaal_cnode_identify(last, &inside));
		assert_int_equal(KAAL_CAP_NULL, inside.type);
		assert_status(KAAL_OK, kaal_cnode_copy(last, harness_ref(ntfn)));
		assert_status(KAAL_OK, kaal_cnode_identify(last, &inside));
		assert_int_equal(KAAL_CAP_NOTIFICATION, inside.type);
		assert_int_equal(object_of(ntfn), inside.object);
	}
}

/* The largest radix takes 2^26 bytes: a whole 64 MiB boot region. */
static void retype_cnode_max_radix(void **state)
{
	(void)state;
	struct kaal_untyped_info whole = info_of(h.untyped);
	assert_int_equal(KAAL_MAX_CNODE_RADIX + KAAL_SLOT_BITS, whole.size_bits);
	kaal_cptr slot = harness_retype(h.untyped, KAAL_CAP_CNODE, KAAL_MAX_CNODE_RADIX);
	struct kaal_cap_info info = harness_identify(slot);
	assert_int_equal(KAAL_CAP_CNODE, info.type);
	assert_int_equal(whole.base, info.object);
	assert_int_equal(0, harness_bytes_left(h.untyped));
	struct kaal_slot_ref last = {slot, (UINT64_C(1) << KAAL_MAX_CNODE_RADIX) - 1,
	                             KAAL_MAX_CNODE_RADIX};
	/* Nothing is left, not even for a notification in the new CNode. */
	assert_status(KAAL_UNTYPED_EXHAUSTED, kaal_notification_create(h.untyped, last));
	struct kaal_cap_info inside;
	assert_status(KAAL_OK, kaal_cnode_identify(last, &inside));
	assert_int_equal(KAAL_CAP_NULL, inside.type);
}

static void retype_frames(void **state)
{
	(void)state;
	kaal_cptr ut = make_untyped(23);
	kaal_paddr base = info_of(ut).base;
	kaal_cptr small = harness_retype(ut, KAAL_CAP_FRAME, KAAL_PAGE_BITS);
	kaal_cptr large = harness_retype(ut, KAAL_CAP_FRAME, KAAL_LARGE_PAGE_BITS);
	struct kaal_cap_info si = harness_identify(small);
	struct kaal_cap_info li = harness_identify(large);
	assert_int_equal(KAAL_CAP_FRAME, si.type);
	assert_int_equal(KAAL_CAP_FRAME, li.type);
	assert_int_equal(KAAL_RIGHTS_ALL, si.rights);
	assert_int_equal(0, si.badge); /* not mapped */
	assert_int_equal(base, si.object);
	/* The large page skips to the next 2 MiB boundary after the small one. */
	assert_int_equal(base + LARGE_PAGE, li.object);
	harness_assert_aligned(li.object, KAAL_LARGE_PAGE_BITS);
	assert_int_equal((UINT64_C(1) << 23) - 2 * LARGE_PAGE, harness_bytes_left(ut));

	uint8_t *p = map_rw(large);
	assert_true(all_zero(p, LARGE_PAGE));
	p[0] = 1;
	p[LARGE_PAGE - 1] = 2;
	assert_int_equal(1, p[0]);
	assert_int_equal(2, p[LARGE_PAGE - 1]);
	assert_status(KAAL_OK, kaal_unmap(large));
}

/* Splitting an untyped: four quarters in consecutive slots, each a whole untyped. */
static void retype_untyped_split(void **state)
{
	(void)state;
	kaal_cptr ut = make_untyped(18);
	kaal_paddr base = info_of(ut).base;
	kaal_cptr first = harness_slot();
	for (unsigned i = 1; i < 4; i++)
		harness_slot();
	assert_status(KAAL_OK, kaal_untyped_retype(ut, KAAL_CAP_UNTYPED, 16, 4, harness_root_node(),
	                                           first, NULL));
	for (unsigned i = 0; i < 4; i++) {
		struct kaal_cap_info ci = harness_identify(first + i);
		assert_int_equal(KAAL_CAP_UNTYPED, ci.type);
		assert_int_equal(KAAL_RIGHTS_ALL, ci.rights);
		assert_int_equal(base + i * (UINT64_C(1) << 16), ci.object);
		struct kaal_untyped_info ui = info_of(first + i);
		assert_int_equal(base + i * (UINT64_C(1) << 16), ui.base);
		assert_int_equal(16, ui.size_bits);
		assert_int_equal(UINT64_C(1) << 16, ui.bytes_left);
	}
	assert_int_equal(0, harness_bytes_left(ut));

	/* A quarter retypes on its own, at its own base. */
	kaal_cptr f = harness_retype(first + 2, KAAL_CAP_FRAME, KAAL_PAGE_BITS);
	assert_int_equal(base + 2 * (UINT64_C(1) << 16), object_of(f));
	assert_int_equal((UINT64_C(1) << 16) - PAGE, harness_bytes_left(first + 2));
	assert_int_equal(UINT64_C(1) << 16, harness_bytes_left(first + 1));

	/* The smallest untyped, and one as large as its parent. */
	kaal_cptr tiny = harness_retype(first + 3, KAAL_CAP_UNTYPED, KAAL_MIN_UNTYPED_BITS);
	assert_int_equal(16, harness_bytes_left(tiny));
	kaal_cptr whole = harness_retype(first + 1, KAAL_CAP_UNTYPED, 16);
	assert_int_equal(base + (UINT64_C(1) << 16), object_of(whole));
	assert_int_equal(0, harness_bytes_left(first + 1));
}

/* Objects go at the watermark rounded up to their own size. */
static void placement_aligns_up(void **state)
{
	(void)state;
	kaal_cptr ut = make_untyped(16);
	struct kaal_untyped_info ui = info_of(ut);
	kaal_paddr base = ui.base;
	harness_assert_aligned(base, 16);
	assert_int_equal(16, ui.size_bits);
	assert_int_equal(UINT64_C(1) << 16, ui.bytes_left);

	kaal_cptr ep = harness_retype(ut, KAAL_CAP_ENDPOINT, 0);
	assert_int_equal(base, object_of(ep));
	assert_int_equal((UINT64_C(1) << 16) - 32, harness_bytes_left(ut));

	kaal_cptr n = harness_retype(ut, KAAL_CAP_NOTIFICATION, 0);
	assert_int_equal(base + 32, object_of(n));
	assert_int_equal((UINT64_C(1) << 16) - 64, harness_bytes_left(ut));

	/* A thread (2 KiB) after 64 bytes goes to the next 2 KiB boundary. */
	kaal_cptr t = harness_retype(ut, KAAL_CAP_THREAD, 0);
	assert_int_equal(base + 2048, object_of(t));
	assert_int_equal((UINT64_C(1) << 16) - 4096, harness_bytes_left(ut));

	kaal_cptr f = harness_retype(ut, KAAL_CAP_FRAME, KAAL_PAGE_BITS);
	assert_int_equal(base + 4096, object_of(f));
	assert_int_equal((UINT64_C(1) << 16) - 8192, harness_bytes_left(ut));

	kaal_cptr ep2 = harness_retype(ut, KAAL_CAP_ENDPOINT, 0);
	assert_int_equal(base + 8192, object_of(ep2));

	/* A radix-4 CNode (1 KiB) after 32 bytes skips to the next 1 KiB boundary. */
	kaal_cptr cn = harness_retype(ut, KAAL_CAP_CNODE, 4);
	assert_int_equal(base + 8192 + 1024, object_of(cn));
	assert_int_equal((UINT64_C(1) << 16) - 8192 - 2048, harness_bytes_left(ut));

	/* A 16 KiB untyped goes to 16 KiB, leaving the gap behind it unused. */
	kaal_cptr sub = harness_retype(ut, KAAL_CAP_UNTYPED, 14);
	assert_int_equal(base + 16384, object_of(sub));
	assert_int_equal((UINT64_C(1) << 16) - 32768, harness_bytes_left(ut));
	kaal_cptr after = harness_retype(ut, KAAL_CAP_ENDPOINT, 0);
	assert_int_equal(base + 32768, object_of(after));
}

/* Memory a frame dirtied is zero again in the next object placed there. */
static void retyped_memory_is_zeroed(void **state)
{
	(void)state;
	kaal_cptr ut = make_untyped(16);
	kaal_paddr base = info_of(ut).base;

	/* Dirty a frame, delete it: the untyped resets and the next frame is the same memory. */
	kaal_cptr f = harness_retype(ut, KAAL_CAP_FRAME, KAAL_PAGE_BITS);
	assert_int_equal(base, object_of(f));
	uint8_t *p = map_rw(f);
	memset(p, 0xA5, PAGE);
	assert_status(KAAL_OK, kaal_cnode_delete(harness_ref(f)));
	harness_assert_slot_empty(f);
	assert_int_equal(UINT64_C(1) << 16, harness_bytes_left(ut));

	kaal_cptr f2 = harness_retype(ut, KAAL_CAP_FRAME, KAAL_PAGE_BITS);
	assert_int_equal(base, object_of(f2));
	p = map_rw(f2);
	assert_true(all_zero(p, PAGE));

	/* Dirty it again and revoke the untyped instead: the same holds. */
	memset(p, 0x5A, PAGE);
	assert_status(KAAL_OK, kaal_cnode_revoke(harness_ref(ut)));
	harness_assert_slot_empty(f2);
	assert_int_equal(UINT64_C(1) << 16, harness_bytes_left(ut));
	kaal_cptr f3 = harness_retype(ut, KAAL_CAP_FRAME, KAAL_PAGE_BITS);
	assert_int_equal(base, object_of(f3));
	p = map_rw(f3);
	assert_true(all_zero(p, PAGE));

	/* Kernel objects are zeroed too: a notification over dirty memory has no bits. */
	memset(p, 0xFF, PAGE);
	assert_status(KAAL_OK, kaal_cnode_delete(harness_ref(f3)));
	kaal_cptr n = harness_retype(ut, KAAL_CAP_NOTIFICATION, 0);
	assert_int_equal(base, object_of(n));
	kaal_word bits = 1;
	assert_status(KAAL_OK, kaal_peek(n, &bits));
	assert_int_equal(0, bits);

	/* Memory handed on as an untyped child is zero once it becomes an object. */
	kaal_cptr dirty = harness_retype(ut, KAAL_CAP_FRAME, KAAL_PAGE_BITS);
	kaal_paddr dirty_at = object_of(dirty);
	memset(map_rw(dirty), 0xC3, PAGE);
	assert_status(KAAL_OK, kaal_cnode_delete(harness_ref(dirty)));
	assert_status(KAAL_OK, kaal_cnode_delete(harness_ref(n)));
	kaal_cptr child = harness_retype(ut, KAAL_CAP_UNTYPED, 14);
	assert_int_equal(base, object_of(child));
	kaal_cptr from_child = harness_slot();
	assert_status(KAAL_OK, kaal_untyped_retype(child, KAAL_CAP_FRAME, KAAL_PAGE_BITS, 1,
	                                           harness_root_node(), from_child, NULL));
	kaal_cptr second = harness_slot();
	assert_status(KAAL_OK, kaal_untyped_retype(child, KAAL_CAP_FRAME, KAAL_PAGE_BITS, 1,
	                                           harness_root_node(), second, NULL));
	assert_int_equal(dirty_at, object_of(second));
	assert_true(all_zero(map_rw(second), PAGE));
	assert_status(KAAL_OK, kaal_cnode_revoke(harness_ref(ut)));
	n = harness_retype(ut, KAAL_CAP_NOTIFICATION, 0);

	/* And a signalled notification leaves nothing behind for the next one. */
	assert_status(KAAL_OK, kaal_signal(n, 0xF0));
	assert_status(KAAL_OK, kaal_cnode_delete(harness_ref(n)));
	kaal_cptr n2 = harness_retype(ut, KAAL_CAP_NOTIFICATION, 0);
	assert_int_equal(base, object_of(n2));
	assert_status(KAAL_OK, kaal_peek(n2, &bits));
	assert_int_equal(0, bits);
}

/* count > 1 fills consecutive slots with consecutive objects. */
static void count_fills_consecutive_slots(void **state)
{
	(void)state;
	kaal_cptr ut = make_untyped(16);
	kaal_paddr base = info_of(ut).base;
	kaal_cptr before = harness_slot();
	kaal_cptr first = harness_slot();
	for (unsigned i = 1; i < 6; i++)
		harness_slot();
	kaal_cptr beyond = first + 5;
	assert_status(KAAL_OK, kaal_untyped_retype(ut, KAAL_CAP_ENDPOINT, 0, 5, harness_root_node(),
	                                           first, NULL));
	for (unsigned i = 0; i < 5; i++) {
		struct kaal_cap_info ci = harness_identify(first + i);
		assert_int_equal(KAAL_CAP_ENDPOINT, ci.type);
		assert_int_equal(base + 32 * i, ci.object);
	}
	harness_assert_slot_empty(before);
	harness_assert_slot_empty(beyond);
	assert_int_equal((UINT64_C(1) << 16) - 5 * 32, harness_bytes_left(ut));

	/* Each is its own object: deleting one leaves the others. */
	assert_status(KAAL_OK, kaal_cnode_delete(harness_ref(first + 2)));
	assert_int_equal(KAAL_CAP_ENDPOINT, harness_identify(first + 1).type);
	assert_int_equal(KAAL_CAP_ENDPOINT, harness_identify(first + 3).type);
}

/* Retype into another CNode: by slot reference, or by naming it with depth 0. */
static void retype_into_other_cnode(void **state)
{
	(void)state;
	kaal_cptr ut = make_untyped(16);
	kaal_cptr cn = harness_retype(ut, KAAL_CAP_CNODE, 3);
	uint64_t left = harness_bytes_left(ut);

	/* The CNode as a slot of the root CNode. */
	struct kaal_slot_ref by_slot = harness_ref(cn);
	assert_status(KAAL_OK,
	              kaal_untyped_retype(ut, KAAL_CAP_NOTIFICATION, 0, 4, by_slot, 0, NULL));
	/* The CNode named directly by its cptr (depth 0). */
	struct kaal_slot_ref direct = {cn, 0, 0};
	assert_status(KAAL_OK, kaal_untyped_retype(ut, KAAL_CAP_ENDPOINT, 0, 4, direct, 4, NULL));
	assert_int_equal(left - 8 * 32, harness_bytes_left(ut));
	for (unsigned i = 0; i < 8; i++) {
		struct kaal_slot_ref s = {cn, i, 3};
		struct kaal_cap_info ci;
		assert_status(KAAL_OK, kaal_cnode_identify(s, &ci));
		assert_int_equal(i < 4 ? KAAL_CAP_NOTIFICATION : KAAL_CAP_ENDPOINT, ci.type);
	}

	/* The CNode is full: an offset at or past its end, or a count past it, is refused. */
	kaal_cptr empty_cn = harness_retype(ut, KAAL_CAP_CNODE, 3);
	left = harness_bytes_left(ut);
	struct kaal_slot_ref e = harness_ref(empty_cn);
	assert_status(KAAL_INVALID_ARGUMENT,
	              kaal_untyped_retype(ut, KAAL_CAP_ENDPOINT, 0, 1, e, 8, NULL));
	assert_status(KAAL_INVALID_ARGUMENT,
	              kaal_untyped_retype(ut, KAAL_CAP_ENDPOINT, 0, 2, e, 7, NULL));
	assert_status(KAAL_INVALID_ARGUMENT,
	              kaal_untyped_retype(ut, KAAL_CAP_ENDPOINT, 0, 9, e, 0, NULL));
	assert_int_equal(left, harness_bytes_left(ut));
	for (unsigned i = 0; i < 8; i++) {
		struct kaal_slot_ref s = {empty_cn, i, 3};
		struct kaal_cap_info ci;
		assert_status(KAAL_OK, kaal_cnode_identify(s, &ci));
		assert_int_equal(KAAL_CAP_NULL, ci.type);
	}
	/* Exactly to the end is fine. */
	assert_status(KAAL_OK, kaal_untyped_retype(ut, KAAL_CAP_ENDPOINT, 0, 8, e, 0, NULL));
}

/* Exhaustion: the exact bytes left come back and nothing is created. */
static void exhaustion_reports_bytes_left(void **state)
{
	(void)state;
	kaal_cptr ut = make_untyped(14);
	kaal_cptr frames = harness_slot();
	harness_slot();
	harness_slot();
	assert_status(KAAL_OK, kaal_untyped_retype(ut, KAAL_CAP_FRAME, KAAL_PAGE_BITS, 3,
	                                           harness_root_node(), frames, NULL));
	assert_int_equal(PAGE, harness_bytes_left(ut));

	kaal_cptr a = harness_slot();
	kaal_cptr b = harness_slot();
	uint64_t left = 0;
	assert_status(KAAL_UNTYPED_EXHAUSTED,
	              kaal_untyped_retype(ut, KAAL_CAP_FRAME, KAAL_PAGE_BITS, 2,
	                                  harness_root_node(), a, &left));
	assert_int_equal(PAGE, left);
	harness_assert_slot_empty(a);
	harness_assert_slot_empty(b);
	assert_int_equal(PAGE, harness_bytes_left(ut));

	/* A small object still fits; after it a page no longer does, though 4064 bytes are left. */
	kaal_cptr ep = harness_retype(ut, KAAL_CAP_ENDPOINT, 0);
	assert_int_equal(PAGE - 32, harness_bytes_left(ut));
	left = 0;
	assert_status(KAAL_UNTYPED_EXHAUSTED,
	              kaal_untyped_retype(ut, KAAL_CAP_FRAME, KAAL_PAGE_BITS, 1,
	                                  harness_root_node(), a, &left));
	assert_int_equal(PAGE - 32, left);
	harness_assert_slot_empty(a);

	/* An object larger than the whole untyped. */
	left = 0;
	assert_status(KAAL_UNTYPED_EXHAUSTED,
	              kaal_untyped_retype(ut, KAAL_CAP_FRAME, KAAL_LARGE_PAGE_BITS, 1,
	                                  harness_root_node(), a, &left));
	assert_int_equal(PAGE - 32, left);
	left = 0;
	assert_status(KAAL_UNTYPED_EXHAUSTED, kaal_untyped_retype(ut, KAAL_CAP_UNTYPED, 15, 1,
	                                                          harness_root_node(), a, &left));
	assert_int_equal(PAGE - 32, left);
	harness_assert_slot_empty(a);

	/* Endpoints fill the rest exactly; then even one more is too many. */
	kaal_cptr cn = harness_retype(h.untyped, KAAL_CAP_CNODE, 7);
	struct kaal_slot_ref cref = harness_ref(cn);
	left = 0;
	assert_status(KAAL_UNTYPED_EXHAUSTED,
	              kaal_untyped_retype(ut, KAAL_CAP_ENDPOINT, 0, 128, cref, 0, &left));
	assert_int_equal(PAGE - 32, left);
	struct kaal_cap_info ci;
	struct kaal_slot_ref s0 = {cn, 0, 7};
	assert_status(KAAL_OK, kaal_cnode_identify(s0, &ci));
	assert_int_equal(KAAL_CAP_NULL, ci.type);
	assert_status(KAAL_OK, kaal_untyped_retype(ut, KAAL_CAP_ENDPOINT, 0, 127, cref, 0, NULL));
	assert_int_equal(0, harness_bytes_left(ut));
	left = 1;
	assert_status(KAAL_UNTYPED_EXHAUSTED,
	              kaal_untyped_retype(ut, KAAL_CAP_ENDPOINT, 0, 1, cref, 127, &left));
	assert_int_equal(0, left);
	struct kaal_slot_ref s127 = {cn, 127, 7};
	assert_status(KAAL_OK, kaal_cnode_identify(s127, &ci));
	assert_int_equal(KAAL_CAP_NULL, ci.type);
	assert_int_equal(KAAL_CAP_ENDPOINT, harness_identify(ep).type);
}

/* Once every child is gone the next retype starts from the base; not before. */
static void reset_after_last_child(void **state)
{
	(void)state;
	kaal_cptr ut = make_untyped(16);
	kaal_paddr base = info_of(ut).base;
	kaal_cptr ep = harness_retype(ut, KAAL_CAP_ENDPOINT, 0);
	kaal_cptr n = harness_retype(ut, KAAL_CAP_NOTIFICATION, 0);
	kaal_cptr f = harness_retype(ut, KAAL_CAP_FRAME, KAAL_PAGE_BITS);
	uint64_t left = harness_bytes_left(ut);
	assert_int_equal((UINT64_C(1) << 16) - 2 * PAGE, left);

	/* Deleting the first object frees nothing: the watermark stays. */
	assert_status(KAAL_OK, kaal_cnode_delete(harness_ref(ep)));
	assert_int_equal(left, harness_bytes_left(ut));
	kaal_cptr ep2 = harness_retype(ut, KAAL_CAP_ENDPOINT, 0);
	assert_int_equal(base + 2 * PAGE, object_of(ep2));

	assert_status(KAAL_OK, kaal_cnode_delete(harness_ref(n)));
	assert_status(KAAL_OK, kaal_cnode_delete(harness_ref(f)));
	assert_int_equal((UINT64_C(1) << 16) - 2 * PAGE - 32, harness_bytes_left(ut));
	assert_status(KAAL_OK, kaal_cnode_delete(harness_ref(ep2)));
	assert_int_equal(UINT64_C(1) << 16, harness_bytes_left(ut));

	kaal_cptr again = harness_retype(ut, KAAL_CAP_FRAME, KAAL_PAGE_BITS);
	assert_int_equal(base, object_of(again));

	/* A copy of a child still counts as a child: deleting the original is not enough. */
	kaal_cptr copy = harness_slot();
	assert_status(KAAL_OK, kaal_cnode_copy(harness_ref(copy), harness_ref(again)));
	assert_status(KAAL_OK, kaal_cnode_delete(harness_ref(again)));
	assert_int_equal((UINT64_C(1) << 16) - PAGE, harness_bytes_left(ut));
	assert_status(KAAL_OK, kaal_cnode_delete(harness_ref(copy)));
	assert_int_equal(UINT64_C(1) << 16, harness_bytes_left(ut));
}

/* Objects in a deleted child untyped still occupy their parent's memory. */
static void grandchildren_keep_parent_memory(void **state)
{
	(void)state;
	kaal_cptr ut = make_untyped(16);
	kaal_paddr base = info_of(ut).base;
	kaal_cptr sub = harness_retype(ut, KAAL_CAP_UNTYPED, 14);
	kaal_cptr f = harness_retype(sub, KAAL_CAP_FRAME, KAAL_PAGE_BITS);
	assert_int_equal(base, object_of(f));
	assert_status(KAAL_OK, kaal_cnode_delete(harness_ref(sub)));
	assert_int_equal(KAAL_CAP_FRAME, harness_identify(f).type);
	/* The frame lives on in the parent's range, so the parent does not reset. */
	assert_int_equal((UINT64_C(1) << 16) - (UINT64_C(1) << 14), harness_bytes_left(ut));
	kaal_cptr next = harness_retype(ut, KAAL_CAP_FRAME, KAAL_PAGE_BITS);
	assert_int_equal(base + (UINT64_C(1) << 14), object_of(next));
	assert_status(KAAL_OK, kaal_cnode_delete(harness_ref(next)));
	assert_status(KAAL_OK, kaal_cnode_delete(harness_ref(f)));
	assert_int_equal(UINT64_C(1) << 16, harness_bytes_left(ut));
}

/* Nothing about the untyped or the destination changes after a refused retype. */
static void assert_refused(kaal_status expected, kaal_cptr ut, unsigned type, unsigned size_bits,
                           unsigned count, kaal_cptr slot)
{
	uint64_t left = harness_bytes_left(ut);
	uint64_t out = 12345;
	assert_status(expected, kaal_untyped_retype(ut, type, size_bits, count, harness_root_node(),
	                                            slot, &out));
	/* Only exhaustion reports anything in the result word. */
	assert_int_equal(expected == KAAL_UNTYPED_EXHAUSTED ? left : 0, out);
	assert_int_equal(left, harness_bytes_left(ut));
	for (unsigned i = 0; i < (count ? count : 1) && slot + i < h.bi->slot_count; i++)
		if (slot + i >= h.bi->first_free_slot)
			harness_assert_slot_empty(slot + i);
}

static void invalid_types_and_sizes(void **state)
{
	(void)state;
	kaal_cptr ut = make_untyped(16);
	harness_retype(ut, KAAL_CAP_ENDPOINT, 0); /* the untyped has a watermark to keep */
	kaal_cptr slot = harness_slot();
	harness_slot();

	/* Types retype never makes. */
	assert_refused(KAAL_INVALID_ARGUMENT, ut, KAAL_CAP_NULL, 0, 1, slot);
	assert_refused(KAAL_INVALID_ARGUMENT, ut, KAAL_CAP_IRQ_HANDLER, 0, 1, slot);
	assert_refused(KAAL_INVALID_ARGUMENT, ut, KAAL_CAP_REPLY, 0, 1, slot);
	assert_refused(KAAL_INVALID_ARGUMENT, ut, KAAL_CAP_DEVICE_FRAME, KAAL_PAGE_BITS, 1, slot);
	assert_refused(KAAL_INVALID_ARGUMENT, ut, KAAL_CAP_TYPE_COUNT, 0, 1, slot);
	assert_refused(KAAL_INVALID_ARGUMENT, ut, 0xFF, 0, 1, slot);

	/* Variable sizes out of range. */
	assert_refused(KAAL_INVALID_ARGUMENT, ut, KAAL_CAP_UNTYPED, KAAL_MIN_UNTYPED_BITS - 1, 1,
	               slot);
	assert_refused(KAAL_INVALID_ARGUMENT, ut, KAAL_CAP_UNTYPED, 0, 1, slot);
	assert_refused(KAAL_INVALID_ARGUMENT, ut, KAAL_CAP_UNTYPED, KAAL_MAX_UNTYPED_BITS + 1, 1,
	               slot);
	assert_refused(KAAL_INVALID_ARGUMENT, ut, KAAL_CAP_FRAME, 0, 1, slot);
	assert_refused(KAAL_INVALID_ARGUMENT, ut, KAAL_CAP_FRAME, KAAL_PAGE_BITS - 1, 1, slot);
	assert_refused(KAAL_INVALID_ARGUMENT, ut, KAAL_CAP_FRAME, KAAL_PAGE_BITS + 1, 1, slot);
	assert_refused(KAAL_INVALID_ARGUMENT, ut, KAAL_CAP_FRAME, KAAL_LARGE_PAGE_BITS - 1, 1,
	               slot);
	assert_refused(KAAL_INVALID_ARGUMENT, ut, KAAL_CAP_FRAME, KAAL_LARGE_PAGE_BITS + 1, 1,
	               slot);
	assert_refused(KAAL_INVALID_ARGUMENT, ut, KAAL_CAP_CNODE, 0, 1, slot);
	assert_refused(KAAL_INVALID_ARGUMENT, ut, KAAL_CAP_CNODE, KAAL_MAX_CNODE_RADIX + 1, 1,
	               slot);

	/* Fixed sizes take size_bits 0 only. */
	assert_refused(KAAL_INVALID_ARGUMENT, ut, KAAL_CAP_ENDPOINT, 1, 1, slot);
	assert_refused(KAAL_INVALID_ARGUMENT, ut, KAAL_CAP_ENDPOINT, KAAL_ENDPOINT_BITS, 1, slot);
	assert_refused(KAAL_INVALID_ARGUMENT, ut, KAAL_CAP_NOTIFICATION, 1, 1, slot);
	assert_refused(KAAL_INVALID_ARGUMENT, ut, KAAL_CAP_NOTIFICATION, KAAL_NOTIFICATION_BITS, 1,
	               slot);
	assert_refused(KAAL_INVALID_ARGUMENT, ut, KAAL_CAP_THREAD, 1, 1, slot);
	assert_refused(KAAL_INVALID_ARGUMENT, ut, KAAL_CAP_THREAD, KAAL_THREAD_BITS, 1, slot);

	/* The limits themselves are accepted (if they fit). */
	kaal_cptr tiny = harness_retype(ut, KAAL_CAP_UNTYPED, KAAL_MIN_UNTYPED_BITS);
	assert_int_equal(KAAL_MIN_UNTYPED_BITS, info_of(tiny).size_bits);
	assert_refused(KAAL_UNTYPED_EXHAUSTED, ut, KAAL_CAP_UNTYPED, KAAL_MAX_UNTYPED_BITS, 1,
	               slot);
}

static void invalid_counts_and_offsets(void **state)
{
	(void)state;
	kaal_cptr ut = make_untyped(16);
	kaal_cptr slot = harness_slot();
	kaal_cptr last = h.bi->slot_count - 1;

	assert_refused(KAAL_INVALID_ARGUMENT, ut, KAAL_CAP_ENDPOINT, 0, 0, slot);
	/* Past the end of the root CNode. */
	assert_refused(KAAL_INVALID_ARGUMENT, ut, KAAL_CAP_ENDPOINT, 0, 2, last);
	assert_refused(KAAL_INVALID_ARGUMENT, ut, KAAL_CAP_ENDPOINT, 0, 1, h.bi->slot_count);
	assert_refused(KAAL_INVALID_ARGUMENT, ut, KAAL_CAP_ENDPOINT, 0, (unsigned)h.bi->slot_count,
	               slot);
	uint64_t left = harness_bytes_left(ut);
	struct kaal_result r =
	    kaal_syscall(KAAL_SYS_RETYPE, ut, kaal_retype_spec(KAAL_CAP_ENDPOINT, 0, 1), h.root,
	                 kaal_slot(h.root, KAAL_WORD_BITS), UINT64_MAX, 0);
	assert_status(KAAL_INVALID_ARGUMENT, r.status);
	/* A count too large for 32 bits is refused, not truncated to one that fits. */
	r = kaal_syscall(KAAL_SYS_RETYPE, ut,
	                 KAAL_CAP_ENDPOINT | (kaal_word)(UINT64_C(1) << 32 | 1) << 16, h.root,
	                 kaal_slot(h.root, KAAL_WORD_BITS), slot, 0);
	assert_status(KAAL_INVALID_ARGUMENT, r.status);
	assert_int_equal(left, harness_bytes_left(ut));
	harness_assert_slot_empty(slot);

	/* The very last slot takes exactly one. */
	assert_status(KAAL_OK, kaal_untyped_retype(ut, KAAL_CAP_ENDPOINT, 0, 1, harness_root_node(),
	                                           last, NULL));
	assert_int_equal(KAAL_CAP_ENDPOINT, harness_identify(last).type);
}

/* An occupied slot anywhere in the range refuses the whole retype. */
static void occupied_destination(void **state)
{
	(void)state;
	kaal_cptr ut = make_untyped(16);
	kaal_cptr first = harness_slot();
	harness_slot();
	kaal_cptr third = harness_slot();
	kaal_cptr n = harness_retype(ut, KAAL_CAP_NOTIFICATION, 0);
	assert_status(KAAL_OK, kaal_cnode_copy(harness_ref(third), harness_ref(n)));
	uint64_t left = harness_bytes_left(ut);

	assert_status(KAAL_SLOT_OCCUPIED, kaal_untyped_retype(ut, KAAL_CAP_ENDPOINT, 0, 3,
	                                                      harness_root_node(), first, NULL));
	harness_assert_slot_empty(first);
	harness_assert_slot_empty(first + 1);
	assert_int_equal(KAAL_CAP_NOTIFICATION, harness_identify(third).type);
	assert_int_equal(object_of(n), object_of(third));
	assert_int_equal(left, harness_bytes_left(ut));

	/* The untyped's own slot, and a boot capability's. */
	assert_status(KAAL_SLOT_OCCUPIED, kaal_untyped_retype(ut, KAAL_CAP_ENDPOINT, 0, 1,
	                                                      harness_root_node(), ut, NULL));
	assert_status(KAAL_SLOT_OCCUPIED, kaal_untyped_retype(ut, KAAL_CAP_ENDPOINT, 0, 1,
	                                                      harness_root_node(), h.root, NULL));
	assert_int_equal(left, harness_bytes_left(ut));
	assert_int_equal(KAAL_CAP_UNTYPED, harness_identify(ut).type);
	assert_int_equal(KAAL_CAP_CNODE, harness_identify(h.root).type);
}

static void wrong_untyped_or_destination(void **state)
{
	(void)state;
	kaal_cptr ut = make_untyped(16);
	kaal_cptr ep = harness_retype(ut, KAAL_CAP_ENDPOINT, 0);
	kaal_cptr empty = harness_slot();
	kaal_cptr slot = harness_slot();
	uint64_t left = harness_bytes_left(ut);
	struct kaal_untyped_info ui;

	/* The untyped operand. */
	assert_status(KAAL_WRONG_TYPE, kaal_untyped_retype(ep, KAAL_CAP_ENDPOINT, 0, 1,
	                                                   harness_root_node(), slot, NULL));
	assert_status(KAAL_WRONG_TYPE, kaal_untyped_retype(h.root, KAAL_CAP_ENDPOINT, 0, 1,
	                                                   harness_root_node(), slot, NULL));
	assert_status(KAAL_SLOT_EMPTY, kaal_untyped_retype(empty, KAAL_CAP_ENDPOINT, 0, 1,
	                                                   harness_root_node(), slot, NULL));
	assert_status(KAAL_WRONG_TYPE, kaal_untyped_info(ep, &ui));
	assert_status(KAAL_SLOT_EMPTY, kaal_untyped_info(empty, &ui));
	harness_assert_slot_empty(slot);

	/* The destination CNode operand, by slot and by cptr. */
	assert_status(KAAL_WRONG_TYPE,
	              kaal_untyped_retype(ut, KAAL_CAP_ENDPOINT, 0, 1, harness_ref(ep), 0, NULL));
	assert_status(KAAL_SLOT_EMPTY, kaal_untyped_retype(ut, KAAL_CAP_ENDPOINT, 0, 1,
	                                                   harness_ref(empty), 0, NULL));
	struct kaal_slot_ref ep_direct = {ep, 0, 0};
	assert_status(KAAL_WRONG_TYPE,
	              kaal_untyped_retype(ut, KAAL_CAP_ENDPOINT, 0, 1, ep_direct, 0, NULL));
	struct kaal_slot_ref empty_direct = {empty, 0, 0};
	assert_status(KAAL_SLOT_EMPTY,
	              kaal_untyped_retype(ut, KAAL_CAP_ENDPOINT, 0, 1, empty_direct, 0, NULL));
	/* A destination that does not resolve at all. */
	struct kaal_slot_ref not_cnode_root = {ep, 0, KAAL_WORD_BITS};
	assert_status(KAAL_INVALID_ROOT,
	              kaal_untyped_retype(ut, KAAL_CAP_ENDPOINT, 0, 1, not_cnode_root, 0, NULL));
	assert_int_equal(left, harness_bytes_left(ut));
	assert_int_equal(KAAL_CAP_ENDPOINT, harness_identify(ep).type);
	harness_assert_slot_empty(empty);
	harness_assert_slot_empty(slot);
}

/* The slot-addressed creators of the seed ABI. */
static void create_calls(void **state)
{
	(void)state;
	kaal_cptr ut = make_untyped(16);
	kaal_paddr base = info_of(ut).base;
	kaal_cptr n = harness_slot();
	kaal_cptr ep = harness_slot();
	assert_status(KAAL_OK, kaal_notification_create(ut, harness_ref(n)));
	assert_status(KAAL_OK, kaal_endpoint_create(ut, harness_ref(ep)));
	struct kaal_cap_info ni = harness_identify(n);
	struct kaal_cap_info ei = harness_identify(ep);
	assert_int_equal(KAAL_CAP_NOTIFICATION, ni.type);
	assert_int_equal(KAAL_RIGHTS_ALL, ni.rights);
	assert_int_equal(base, ni.object);
	assert_int_equal(KAAL_CAP_ENDPOINT, ei.type);
	assert_int_equal(base + 32, ei.object);
	assert_int_equal((UINT64_C(1) << 16) - 64, harness_bytes_left(ut));
	kaal_word bits = 0;
	assert_status(KAAL_OK, kaal_signal(n, 3));
	assert_status(KAAL_OK, kaal_poll(n, &bits));
	assert_int_equal(3, bits);

	/* Into a slot of another CNode at its own depth. */
	kaal_cptr cn = harness_retype(ut, KAAL_CAP_CNODE, 2);
	struct kaal_slot_ref inner = {cn, 3, 2};
	assert_status(KAAL_OK, kaal_endpoint_create(ut, inner));
	assert_status(KAAL_OK, kaal_notification_create(ut, (struct kaal_slot_ref){cn, 1, 2}));
	struct kaal_cap_info ci;
	assert_status(KAAL_OK, kaal_cnode_identify(inner, &ci));
	assert_int_equal(KAAL_CAP_ENDPOINT, ci.type);
	assert_status(KAAL_OK, kaal_cnode_identify((struct kaal_slot_ref){cn, 1, 2}, &ci));
	assert_int_equal(KAAL_CAP_NOTIFICATION, ci.type);

	/* Refusals change nothing. */
	uint64_t left = harness_bytes_left(ut);
	assert_status(KAAL_SLOT_OCCUPIED, kaal_notification_create(ut, harness_ref(ep)));
	assert_status(KAAL_SLOT_OCCUPIED, kaal_endpoint_create(ut, inner));
	assert_int_equal(KAAL_CAP_ENDPOINT, harness_identify(ep).type);
	kaal_cptr slot = harness_slot();
	assert_status(KAAL_WRONG_TYPE, kaal_endpoint_create(n, harness_ref(slot)));
	assert_status(KAAL_WRONG_TYPE, kaal_notification_create(ep, harness_ref(slot)));
	assert_status(KAAL_SLOT_EMPTY, kaal_endpoint_create(slot, harness_ref(slot + 1)));
	struct kaal_slot_ref bad_depth = {cn, 0, 1};
	assert_status(KAAL_DEPTH_MISMATCH, kaal_endpoint_create(ut, bad_depth));
	struct kaal_slot_ref depth0 = {h.root, 0, 0};
	assert_status(KAAL_DEPTH_MISMATCH, kaal_notification_create(ut, depth0));
	struct kaal_slot_ref index_past_depth = {h.root, slot, 0};
	assert_status(KAAL_INVALID_ARGUMENT, kaal_notification_create(ut, index_past_depth));
	assert_int_equal(left, harness_bytes_left(ut));
	harness_assert_slot_empty(slot);
	harness_assert_slot_empty(slot + 1);

	/* A 16-byte untyped holds no 32-byte object. */
	kaal_cptr tiny = harness_retype(ut, KAAL_CAP_UNTYPED, KAAL_MIN_UNTYPED_BITS);
	assert_status(KAAL_UNTYPED_EXHAUSTED, kaal_endpoint_create(tiny, harness_ref(slot)));
	assert_status(KAAL_UNTYPED_EXHAUSTED, kaal_notification_create(tiny, harness_ref(slot)));
	harness_assert_slot_empty(slot);
	assert_int_equal(16, harness_bytes_left(tiny));
	struct kaal_result r = kaal_syscall(KAAL_SYS_ENDPOINT_CREATE, tiny, h.root,
	                                    kaal_slot(slot, KAAL_WORD_BITS), 0, 0, 0);
	assert_status(KAAL_UNTYPED_EXHAUSTED, r.status);
	assert_int_equal(16, r.r[0]);
}

/*
 * A copy of an untyped and its source never hand out the same memory: as in
 * seL4, the source counts as full while the copy (its child) lives.
 */
static void untyped_copy_never_overlaps(void **state)
{
	(void)state;
	kaal_cptr ut = make_untyped(16);
	kaal_paddr base = info_of(ut).base;
	kaal_cptr copy = harness_slot();
	assert_status(KAAL_OK, kaal_cnode_copy(harness_ref(copy), harness_ref(ut)));
	struct kaal_cap_info ci = harness_identify(copy);
	assert_int_equal(KAAL_CAP_UNTYPED, ci.type);
	assert_int_equal(base, ci.object);
	assert_int_equal(0, harness_bytes_left(ut));
	assert_int_equal(UINT64_C(1) << 16, harness_bytes_left(copy));

	kaal_cptr f = harness_retype(copy, KAAL_CAP_FRAME, KAAL_PAGE_BITS);
	assert_int_equal(base, object_of(f));
	kaal_cptr slot = harness_slot();
	uint64_t left = 1;
	assert_status(KAAL_UNTYPED_EXHAUSTED,
	              kaal_untyped_retype(ut, KAAL_CAP_FRAME, KAAL_PAGE_BITS, 1,
	                                  harness_root_node(), slot, &left));
	assert_int_equal(0, left);
	harness_assert_slot_empty(slot);

	/* An untyped with children cannot be copied. */
	kaal_cptr again = harness_slot();
	assert_status(KAAL_REVOKE_FIRST, kaal_cnode_copy(harness_ref(again), harness_ref(copy)));
	harness_assert_slot_empty(again);

	/* The copy goes but its frame stays: the source still has nothing to give. */
	assert_status(KAAL_OK, kaal_cnode_delete(harness_ref(copy)));
	assert_int_equal(KAAL_CAP_FRAME, harness_identify(f).type);
	assert_int_equal(0, harness_bytes_left(ut));
	assert_status(KAAL_UNTYPED_EXHAUSTED,
	              kaal_untyped_retype(ut, KAAL_CAP_FRAME, KAAL_PAGE_BITS, 1,
	                                  harness_root_node(), slot, NULL));
	/* Once the frame goes too, the source starts again from its base. */
	assert_status(KAAL_OK, kaal_cnode_delete(harness_ref(f)));
	assert_int_equal(UINT64_C(1) << 16, harness_bytes_left(ut));
	kaal_cptr g = harness_retype(ut, KAAL_CAP_FRAME, KAAL_PAGE_BITS);
	assert_int_equal(base, object_of(g));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    HARNESS_CASE(retype_fixed_types),
	    HARNESS_CASE(new_objects_work),
	    HARNESS_CASE(retype_cnode_every_radix),
	    HARNESS_CASE(retype_cnode_max_radix),
	    HARNESS_CASE(retype_frames),
	    HARNESS_CASE(retype_untyped_split),
	    HARNESS_CASE(placement_aligns_up),
	    HARNESS_CASE(retyped_memory_is_zeroed),
	    HARNESS_CASE(count_fills_consecutive_slots),
	    HARNESS_CASE(retype_into_other_cnode),
	    HARNESS_CASE(exhaustion_reports_bytes_left),
	    HARNESS_CASE(reset_after_last_child),
	    HARNESS_CASE(grandchildren_keep_parent_memory),
	    HARNESS_CASE(invalid_types_and_sizes),
	    HARNESS_CASE(invalid_counts_and_offsets),
	    HARNESS_CASE(occupied_destination),
	    HARNESS_CASE(wrong_untyped_or_destination),
	    HARNESS_CASE(create_calls),
	    HARNESS_CASE(untyped_copy_never_overlaps),
	};
	return cmocka_run_group_tests_name("untyped", tests, NULL, NULL);
}
