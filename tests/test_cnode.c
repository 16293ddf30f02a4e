/*
 * CNode operations and the capability derivation tree: copy, derive, mint,
 * move, mutate, delete, revoke; every error of each; destruction of objects
 * (and the threads blocked on them) with their last capability; large and
 * cyclic structures that deletion must take apart without recursion.
 */
#include "harness.h"

/* A fresh untyped of 2^bits bytes carved from the largest one, so its accounting starts clean. */
static kaal_cptr child_untyped(unsigned bits)
{
	kaal_cptr u = harness_create(KAAL_CAP_UNTYPED, bits);
	assert_int_equal(UINT64_C(1) << bits, harness_bytes_left(u));
	return u;
}

/* ---- copy ---- */

static void copy_keeps_badge_and_rights(void **state)
{
	(void)state;
	kaal_cptr e = harness_create(KAAL_CAP_ENDPOINT, 0);
	kaal_cptr badged = harness_slot();
	assert_status(KAAL_OK, kaal_cnode_mint(harness_ref(badged), harness_ref(e),
	                                       KAAL_RIGHT_READ | KAAL_RIGHT_WRITE, 0x77));
	kaal_cptr copy = harness_slot();
	harness_assert_empty(harness_ref(copy));
	assert_status(KAAL_OK, kaal_cnode_copy(harness_ref(copy), harness_ref(badged)));
	struct kaal_cap_info info = harness_identify(copy);
	assert_int_equal(KAAL_CAP_ENDPOINT, info.type);
	assert_int_equal(KAAL_RIGHT_READ | KAAL_RIGHT_WRITE, info.rights);
	assert_int_equal(0x77, info.badge);
	assert_int_equal(harness_identify(e).object, info.object);
	harness_assert_same_cap(harness_identify(badged), info);

	/* A copy of a notification reaches the same object. */
	kaal_cptr n = harness_create(KAAL_CAP_NOTIFICATION, 0);
	kaal_cptr ncopy = harness_slot();
	assert_status(KAAL_OK, kaal_cnode_copy(harness_ref(ncopy), harness_ref(n)));
	harness_assert_same_cap(harness_identify(n), harness_identify(ncopy));
	assert_int_equal(KAAL_RIGHTS_ALL, harness_identify(ncopy).rights);
	assert_status(KAAL_OK, kaal_signal(ncopy, 0x21));
	kaal_word bits = 0;
	assert_status(KAAL_OK, kaal_poll(n, &bits));
	assert_int_equal(0x21, bits);

	/* A copy of a copy as well. */
	kaal_cptr copy2 = harness_slot();
	assert_status(KAAL_OK, kaal_cnode_copy(harness_ref(copy2), harness_ref(copy)));
	harness_assert_same_cap(info, harness_identify(copy2));
}

static void copy_of_mapped_frame_is_unmapped(void **state)
{
	(void)state;
	kaal_cptr f = harness_create(KAAL_CAP_FRAME, KAAL_PAGE_BITS);
	void *p;
	assert_status(KAAL_OK, kaal_map(f, 0, KAAL_RIGHT_READ | KAAL_RIGHT_WRITE, &p));
	struct kaal_cap_info mapped = harness_identify(f);
	assert_int_equal((uintptr_t)p, mapped.badge);
	kaal_cptr copy = harness_slot();
	assert_status(KAAL_OK, kaal_cnode_copy(harness_ref(copy), harness_ref(f)));
	struct kaal_cap_info info = harness_identify(copy);
	assert_int_equal(KAAL_CAP_FRAME, info.type);
	assert_int_equal(0, info.badge);
	assert_int_equal(mapped.object, info.object);
	/* The copy maps the same memory again; the original stays mapped. */
	void *q;
	assert_status(KAAL_OK, kaal_map(copy, 0, KAAL_RIGHT_READ, &q));
	assert_true(p != q);
	((volatile uint32_t *)p)[5] = 0xC0FFEE;
	assert_int_equal(0xC0FFEE, ((volatile uint32_t *)q)[5]);
	harness_assert_same_cap(mapped, harness_identify(f));
	/* A mapped capability cannot map twice; its copy could. */
	assert_status(KAAL_ILLEGAL_OPERATION, kaal_map(f, 0, KAAL_RIGHT_READ, &q));
	assert_status(KAAL_OK, kaal_unmap(copy));
	assert_int_equal(0, harness_identify(copy).badge);
}

static void copy_untyped_with_children_revoke_first(void **state)
{
	(void)state;
	kaal_cptr u = child_untyped(16);
	kaal_cptr dst = harness_slot();
	/* Without children an untyped may be copied. */
	assert_status(KAAL_OK, kaal_cnode_copy(harness_ref(dst), harness_ref(u)));
	assert_int_equal(KAAL_CAP_UNTYPED, harness_identify(dst).type);
	assert_status(KAAL_OK, kaal_cnode_delete(harness_ref(dst)));

	/* A smaller untyped at the parent's base is a different object: deleting it frees the
	 * parent. */
	kaal_cptr low = harness_retype(u, KAAL_CAP_UNTYPED, 12);
	assert_int_equal(harness_identify(u).object, harness_identify(low).object);
	assert_status(KAAL_REVOKE_FIRST, kaal_cnode_copy(harness_ref(dst), harness_ref(u)));
	assert_status(KAAL_OK, kaal_cnode_delete(harness_ref(low)));
	assert_int_equal(UINT64_C(1) << 16, harness_bytes_left(u));

	kaal_cptr n = harness_retype(u, KAAL_CAP_NOTIFICATION, 0);
	uint64_t left = harness_bytes_left(u);
	struct kaal_cap_info before = harness_identify(u);
	assert_status(KAAL_REVOKE_FIRST, kaal_cnode_copy(harness_ref(dst), harness_ref(u)));
	assert_status(KAAL_REVOKE_FIRST,
	              kaal_cnode_derive(harness_ref(dst), harness_ref(u), KAAL_RIGHT_READ));
	assert_status(KAAL_REVOKE_FIRST,
	              kaal_cnode_mint(harness_ref(dst), harness_ref(u), KAAL_RIGHTS_ALL, 0));
	harness_assert_empty(harness_ref(dst));
	harness_assert_same_cap(before, harness_identify(u));
	assert_int_equal(left, harness_bytes_left(u));
	/* Moving it is fine: the children stay its children. */
	assert_status(KAAL_OK, kaal_cnode_move(harness_ref(dst), harness_ref(u)));
	assert_status(KAAL_REVOKE_FIRST, kaal_cnode_copy(harness_ref(u), harness_ref(dst)));
	assert_status(KAAL_OK, kaal_cnode_revoke(harness_ref(dst)));
	harness_assert_empty(harness_ref(n));
	assert_status(KAAL_OK, kaal_cnode_copy(harness_ref(u), harness_ref(dst)));
}

/* ---- derive ---- */

static void derive_fewer_rights(void **state)
{
	(void)state;
	kaal_cptr n = harness_create(KAAL_CAP_NOTIFICATION, 0);
	kaal_cptr ro = harness_slot();
	assert_status(KAAL_OK, kaal_cnode_derive(harness_ref(ro), harness_ref(n), KAAL_RIGHT_READ));
	struct kaal_cap_info info = harness_identify(ro);
	assert_int_equal(KAAL_CAP_NOTIFICATION, info.type);
	assert_int_equal(KAAL_RIGHT_READ, info.rights);
	assert_int_equal(0, info.badge);
	assert_int_equal(harness_identify(n).object, info.object);
	assert_status(KAAL_MISSING_RIGHT, kaal_signal(ro, 1));
	assert_int_equal(0, harness_peek(n));
	assert_status(KAAL_OK, kaal_signal(n, 4));
	kaal_word bits = 0;
	assert_status(KAAL_OK, kaal_poll(ro, &bits));
	assert_int_equal(4, bits);

	/* More rights than the source has are refused, not silently dropped. */
	kaal_cptr dst = harness_slot();
	assert_status(KAAL_MISSING_RIGHT,
	              kaal_cnode_derive(harness_ref(dst), harness_ref(ro), KAAL_RIGHT_WRITE));
	assert_status(KAAL_MISSING_RIGHT, kaal_cnode_derive(harness_ref(dst), harness_ref(ro),
	                                                    KAAL_RIGHT_READ | KAAL_RIGHT_WRITE));
	assert_status(KAAL_INVALID_ARGUMENT,
	              kaal_cnode_derive(harness_ref(dst), harness_ref(n), 0x10));
	assert_status(KAAL_INVALID_ARGUMENT,
	              kaal_cnode_derive(harness_ref(dst), harness_ref(n), KAAL_RIGHT_READ | 0x80));
	harness_assert_empty(harness_ref(dst));
	harness_assert_same_cap(info, harness_identify(ro));
	/* Equal or fewer rights work, down to none. */
	assert_status(KAAL_OK,
	              kaal_cnode_derive(harness_ref(dst), harness_ref(ro), KAAL_RIGHT_READ));
	assert_int_equal(KAAL_RIGHT_READ, harness_identify(dst).rights);
	kaal_cptr none = harness_slot();
	assert_status(KAAL_OK, kaal_cnode_derive(harness_ref(none), harness_ref(ro), 0));
	assert_int_equal(0, harness_identify(none).rights);
	assert_status(KAAL_MISSING_RIGHT, kaal_poll(none, &bits));

	/* A derived badged capability keeps its badge. */
	kaal_cptr badged = harness_slot();
	assert_status(KAAL_OK,
	              kaal_cnode_mint(harness_ref(badged), harness_ref(n), KAAL_RIGHTS_ALL, 0x300));
	kaal_cptr wo = harness_slot();
	assert_status(KAAL_OK,
	              kaal_cnode_derive(harness_ref(wo), harness_ref(badged), KAAL_RIGHT_WRITE));
	assert_int_equal(0x300, harness_identify(wo).badge);
	assert_int_equal(KAAL_RIGHT_WRITE, harness_identify(wo).rights);
}

/* ---- mint ---- */

static void mint_rights_and_badge(void **state)
{
	(void)state;
	kaal_cptr n = harness_create(KAAL_CAP_NOTIFICATION, 0);
	kaal_cptr m = harness_slot();
	assert_status(KAAL_OK,
	              kaal_cnode_mint(harness_ref(m), harness_ref(n), KAAL_RIGHT_WRITE, 0x40));
	struct kaal_cap_info info = harness_identify(m);
	assert_int_equal(KAAL_CAP_NOTIFICATION, info.type);
	assert_int_equal(KAAL_RIGHT_WRITE, info.rights);
	assert_int_equal(0x40, info.badge);
	assert_int_equal(harness_identify(n).object, info.object);
	assert_int_equal(0, harness_identify(n).badge);
	/* Signalling a badged capability delivers its badge. */
	assert_status(KAAL_OK, kaal_signal(m, 0x1));
	assert_int_equal(0x40, harness_peek(n));

	kaal_cptr dst = harness_slot();
	/* A badge is set once. */
	assert_status(KAAL_ALREADY_BADGED,
	              kaal_cnode_mint(harness_ref(dst), harness_ref(m), KAAL_RIGHT_WRITE, 0x2));
	harness_assert_empty(harness_ref(dst));
	harness_assert_same_cap(info, harness_identify(m));
	/* A mint with badge 0 is a copy that keeps the badge. */
	assert_status(KAAL_OK,
	              kaal_cnode_mint(harness_ref(dst), harness_ref(m), KAAL_RIGHT_WRITE, 0));
	harness_assert_same_cap(info, harness_identify(dst));
	/* Rights the source lacks are refused. */
	kaal_cptr dst2 = harness_slot();
	assert_status(KAAL_MISSING_RIGHT,
	              kaal_cnode_mint(harness_ref(dst2), harness_ref(m), KAAL_RIGHT_READ, 0));
	assert_status(KAAL_MISSING_RIGHT,
	              kaal_cnode_mint(harness_ref(dst2), harness_ref(m), KAAL_RIGHTS_ALL, 0x5));
	assert_status(KAAL_INVALID_ARGUMENT,
	              kaal_cnode_mint(harness_ref(dst2), harness_ref(n), 0x30, 0x5));
	harness_assert_empty(harness_ref(dst2));

	/* Endpoints take badges too, and an unbadged mint of one is a plain copy. */
	kaal_cptr e = harness_create(KAAL_CAP_ENDPOINT, 0);
	assert_status(KAAL_OK,
	              kaal_cnode_mint(harness_ref(dst2), harness_ref(e), KAAL_RIGHT_READ, 0));
	assert_int_equal(0, harness_identify(dst2).badge);
	assert_int_equal(KAAL_RIGHT_READ, harness_identify(dst2).rights);
	kaal_cptr eb = harness_slot();
	assert_status(KAAL_OK, kaal_cnode_mint(harness_ref(eb), harness_ref(e), KAAL_RIGHTS_ALL,
	                                       ~(kaal_word)0));
	assert_int_equal(~(kaal_word)0, harness_identify(eb).badge);
}

static void mint_badge_needs_badged_type(void **state)
{
	(void)state;
	kaal_cptr f = harness_create(KAAL_CAP_FRAME, KAAL_PAGE_BITS);
	kaal_cptr t = harness_create(KAAL_CAP_THREAD, 0);
	kaal_cptr u = child_untyped(12);
	const kaal_cptr srcs[] = {f, t, u, h.bi->boot_info_frame_cptr};
	kaal_cptr dst = harness_slot();
	for (unsigned i = 0; i < sizeof(srcs) / sizeof(srcs[0]); i++) {
		struct kaal_cap_info before = harness_identify(srcs[i]);
		assert_status(
		    KAAL_INVALID_ARGUMENT,
		    kaal_cnode_mint(harness_ref(dst), harness_ref(srcs[i]), before.rights, 0x1));
		harness_assert_empty(harness_ref(dst));
		harness_assert_same_cap(before, harness_identify(srcs[i]));
		/* Without a badge the mint is a derive. */
		assert_status(KAAL_OK, kaal_cnode_mint(harness_ref(dst), harness_ref(srcs[i]),
		                                       KAAL_RIGHT_READ, 0));
		assert_int_equal(before.type, harness_identify(dst).type);
		assert_int_equal(KAAL_RIGHT_READ, harness_identify(dst).rights);
		assert_status(KAAL_OK, kaal_cnode_delete(harness_ref(dst)));
	}
}

/* ---- move and mutate ---- */

static void move_empties_source(void **state)
{
	(void)state;
	kaal_cptr n = harness_create(KAAL_CAP_NOTIFICATION, 0);
	struct kaal_cap_info before = harness_identify(n);
	kaal_cptr dst = harness_slot();
	assert_status(KAAL_OK, kaal_cnode_move(harness_ref(dst), harness_ref(n)));
	harness_assert_empty(harness_ref(n));
	harness_assert_same_cap(before, harness_identify(dst));
	assert_status(KAAL_SLOT_EMPTY, kaal_signal(n, 1));
	assert_status(KAAL_OK, kaal_signal(dst, 0x9));
	kaal_word bits = 0;
	assert_status(KAAL_OK, kaal_wait(dst, &bits));
	assert_int_equal(0x9, bits);

	/* A badged capability moves with its badge. */
	kaal_cptr badged = harness_slot();
	assert_status(KAAL_OK, kaal_cnode_mint(harness_ref(badged), harness_ref(dst),
	                                       KAAL_RIGHT_WRITE, 0x1000));
	struct kaal_cap_info binfo = harness_identify(badged);
	assert_status(KAAL_OK, kaal_cnode_move(harness_ref(n), harness_ref(badged)));
	harness_assert_same_cap(binfo, harness_identify(n));
	harness_assert_empty(harness_ref(badged));
	assert_status(KAAL_OK, kaal_signal(n, 1));
	assert_int_equal(0x1000, harness_peek(dst));

	/* Onto itself: the destination is occupied. */
	assert_status(KAAL_SLOT_OCCUPIED, kaal_cnode_move(harness_ref(n), harness_ref(n)));
	harness_assert_same_cap(binfo, harness_identify(n));
}

static void move_keeps_derivation(void **state)
{
	(void)state;
	kaal_cptr u = child_untyped(16);
	kaal_cptr n1 = harness_retype(u, KAAL_CAP_NOTIFICATION, 0);
	kaal_cptr e1 = harness_retype(u, KAAL_CAP_ENDPOINT, 0);
	/* A moved child is still revoked with its parent. */
	kaal_cptr moved = harness_slot();
	assert_status(KAAL_OK, kaal_cnode_move(harness_ref(moved), harness_ref(n1)));
	/* A moved parent still has its children and its watermark. */
	kaal_cptr u2 = harness_slot();
	uint64_t left = harness_bytes_left(u);
	assert_true(left < UINT64_C(1) << 16);
	assert_status(KAAL_OK, kaal_cnode_move(harness_ref(u2), harness_ref(u)));
	assert_int_equal(left, harness_bytes_left(u2));
	kaal_cptr n2 = harness_retype(u2, KAAL_CAP_NOTIFICATION, 0);
	assert_true(harness_identify(n2).object != harness_identify(moved).object);
	assert_true(harness_identify(n2).object != harness_identify(e1).object);
	/* A copy of a moved child is a child too. */
	kaal_cptr copy = harness_slot();
	assert_status(KAAL_OK, kaal_cnode_copy(harness_ref(copy), harness_ref(moved)));
	assert_status(KAAL_OK, kaal_cnode_revoke(harness_ref(u2)));
	harness_assert_empty(harness_ref(moved));
	harness_assert_empty(harness_ref(copy));
	harness_assert_empty(harness_ref(e1));
	harness_assert_empty(harness_ref(n2));
	assert_int_equal(UINT64_C(1) << 16, harness_bytes_left(u2));
	assert_int_equal(KAAL_CAP_UNTYPED, harness_identify(u2).type);
}

static void mutate_fewer_rights(void **state)
{
	(void)state;
	kaal_cptr e = harness_create(KAAL_CAP_ENDPOINT, 0);
	kaal_cptr badged = harness_slot();
	assert_status(KAAL_OK, kaal_cnode_mint(harness_ref(badged), harness_ref(e),
	                                       KAAL_RIGHT_READ | KAAL_RIGHT_WRITE, 0x5));
	struct kaal_cap_info before = harness_identify(badged);
	kaal_cptr dst = harness_slot();
	/* More rights, unknown rights, or onto itself: refused and nothing moves. */
	assert_status(KAAL_MISSING_RIGHT, kaal_cnode_mutate(harness_ref(dst), harness_ref(badged),
	                                                    KAAL_RIGHT_READ | KAAL_RIGHT_GRANT));
	assert_status(KAAL_INVALID_ARGUMENT,
	              kaal_cnode_mutate(harness_ref(dst), harness_ref(badged), 0x11));
	assert_status(KAAL_SLOT_OCCUPIED,
	              kaal_cnode_mutate(harness_ref(badged), harness_ref(badged), KAAL_RIGHT_READ));
	harness_assert_same_cap(before, harness_identify(badged));
	harness_assert_empty(harness_ref(dst));

	assert_status(KAAL_OK,
	              kaal_cnode_mutate(harness_ref(dst), harness_ref(badged), KAAL_RIGHT_WRITE));
	harness_assert_empty(harness_ref(badged));
	struct kaal_cap_info info = harness_identify(dst);
	assert_int_equal(KAAL_CAP_ENDPOINT, info.type);
	assert_int_equal(KAAL_RIGHT_WRITE, info.rights);
	assert_int_equal(0x5, info.badge);
	assert_int_equal(before.object, info.object);
	struct kaal_msg msg = {0};
	assert_status(KAAL_MISSING_RIGHT, kaal_recv(dst, &msg));
	assert_status(KAAL_OK, kaal_nb_send(dst, &msg));
	/* Mutating with all of its rights is a move. */
	assert_status(KAAL_OK,
	              kaal_cnode_mutate(harness_ref(badged), harness_ref(dst), KAAL_RIGHT_WRITE));
	harness_assert_same_cap(info, harness_identify(badged));
	harness_assert_empty(harness_ref(dst));
	/* The mutated capability is still a child of the original endpoint capability. */
	assert_status(KAAL_OK, kaal_cnode_revoke(harness_ref(e)));
	harness_assert_empty(harness_ref(badged));
}

/* ---- delete ---- */

static void delete_empties_slot(void **state)
{
	(void)state;
	kaal_cptr n = harness_create(KAAL_CAP_NOTIFICATION, 0);
	assert_status(KAAL_OK, kaal_cnode_delete(harness_ref(n)));
	harness_assert_empty(harness_ref(n));
	assert_status(KAAL_SLOT_EMPTY, kaal_cnode_delete(harness_ref(n)));
	assert_status(KAAL_SLOT_EMPTY, kaal_signal(n, 1));
	/* The slot takes a new capability. */
	assert_status(KAAL_OK, kaal_endpoint_create(h.untyped, harness_ref(n)));
	assert_int_equal(KAAL_CAP_ENDPOINT, harness_identify(n).type);
}

static void delete_copy_keeps_object(void **state)
{
	(void)state;
	kaal_cptr n = harness_create(KAAL_CAP_NOTIFICATION, 0);
	kaal_cptr copy = harness_slot();
	assert_status(KAAL_OK, kaal_cnode_copy(harness_ref(copy), harness_ref(n)));
	assert_status(KAAL_OK, kaal_signal(n, 0x3));
	assert_status(KAAL_OK, kaal_cnode_delete(harness_ref(n)));
	harness_assert_empty(harness_ref(n));
	/* The object and its pending bits live on behind the other copy. */
	kaal_word bits = 0;
	assert_status(KAAL_OK, kaal_poll(copy, &bits));
	assert_int_equal(0x3, bits);
	assert_status(KAAL_OK, kaal_signal(copy, 0x4));
	assert_status(KAAL_OK, kaal_poll(copy, &bits));
	assert_int_equal(0x4, bits);

	/* Deleting the original of several copies leaves the copies working. */
	kaal_cptr e = harness_create(KAAL_CAP_ENDPOINT, 0);
	kaal_cptr b1 = harness_slot(), b2 = harness_slot();
	assert_status(KAAL_OK,
	              kaal_cnode_mint(harness_ref(b1), harness_ref(e), KAAL_RIGHTS_ALL, 0x1));
	assert_status(KAAL_OK, kaal_cnode_copy(harness_ref(b2), harness_ref(b1)));
	assert_status(KAAL_OK, kaal_cnode_delete(harness_ref(e)));
	assert_status(KAAL_OK, kaal_cnode_delete(harness_ref(b1)));
	assert_int_equal(0x1, harness_identify(b2).badge);
	struct kaal_msg msg = {0};
	assert_status(KAAL_OK, kaal_nb_send(b2, &msg));

	/* Deleting a copy of a CNode capability leaves the CNode and its slots. */
	kaal_cptr c = harness_create(KAAL_CAP_CNODE, 3);
	kaal_cptr c2 = harness_slot();
	assert_status(KAAL_OK, kaal_cnode_copy(harness_ref(c2), harness_ref(c)));
	assert_status(KAAL_OK, kaal_cnode_move(harness_at(c, 5, 3), harness_ref(copy)));
	assert_status(KAAL_OK, kaal_cnode_delete(harness_ref(c)));
	assert_int_equal(KAAL_CAP_NOTIFICATION, harness_identify_ref(harness_at(c2, 5, 3)).type);
}

/* A thread that waits on a notification each round and reports how the wait ended. */
struct waiter {
	kaal_cptr go, ready, done, ntfn;
	kaal_status status;
	kaal_word bits;
};

static void wait_rounds(kaal_word arg)
{
	struct waiter *w = (struct waiter *)arg;
	for (;;) {
		kaal_word cmd = 0;
		if (kaal_wait(w->go, &cmd) != KAAL_OK || (cmd & 2))
			return;
		kaal_signal(w->ready, 1);
		w->bits = 0xBAD;
		w->status = kaal_wait(w->ntfn, &w->bits);
		kaal_signal(w->done, 1);
	}
}

/*
 * Deleting the last capability to a notification wakes its waiter with
 * OBJECT_DELETED. The waiter blocks right after it says it is ready; a round
 * in which the delete still came first sees an empty slot and is run again.
 */
static void delete_notification_wakes_waiter(void **state)
{
	(void)state;
	/* Static: the thread reads it until it has seen the last command. */
	static struct waiter w;
	w = (struct waiter){0};
	w.go = harness_create(KAAL_CAP_NOTIFICATION, 0);
	w.ready = harness_create(KAAL_CAP_NOTIFICATION, 0);
	w.done = harness_create(KAAL_CAP_NOTIFICATION, 0);
	w.ntfn = harness_slot();
	harness_thread(wait_rounds, (kaal_word)(uintptr_t)&w, 0);
	unsigned deleted = 0, early = 0;
	for (unsigned round = 0; round < 2000 && deleted == 0; round++) {
		assert_status(KAAL_OK, kaal_notification_create(h.untyped, harness_ref(w.ntfn)));
		assert_status(KAAL_OK, kaal_signal(w.go, 1));
		assert_status(KAAL_OK, kaal_wait(w.ready, NULL));
		assert_status(KAAL_OK, kaal_cnode_delete(harness_ref(w.ntfn)));
		assert_status(KAAL_OK, kaal_wait(w.done, NULL));
		if (w.status == KAAL_OBJECT_DELETED) {
			assert_int_equal(0, w.bits);
			deleted++;
		} else {
			assert_status(KAAL_SLOT_EMPTY, w.status);
			early++;
		}
		harness_assert_empty(harness_ref(w.ntfn));
	}
	assert_status(KAAL_OK, kaal_signal(w.go, 2));
	assert_int_equal(1, deleted);
	(void)early;
}

/* A server that answers one call and then waits for the next message. */
struct receiver {
	kaal_cptr ep, done;
	kaal_status first, second;
	kaal_word got, got2;
};

static void answer_then_receive(kaal_word arg)
{
	struct receiver *r = (struct receiver *)arg;
	struct kaal_msg msg = {0};
	r->first = kaal_recv(r->ep, &msg);
	r->got = msg.mr[0];
	/* The reply and the next receive are one call: once the caller has its reply, this waits.
	 */
	msg.info = kaal_msg_info(0, 1, 0);
	msg.mr[0] = 0x55;
	r->second = kaal_reply_recv(r->ep, &msg);
	r->got2 = msg.mr[0];
	kaal_signal(r->done, 1);
}

static void start_blocked_receiver(struct receiver *r)
{
	harness_thread(answer_then_receive, (kaal_word)(uintptr_t)r, 0);
	struct kaal_msg msg = {kaal_msg_info(0, 1, 0), {0x33}, 0};
	assert_status(KAAL_OK, kaal_call(r->ep, &msg));
	assert_int_equal(0x55, msg.mr[0]);
}

static void finish_blocked_receiver(struct receiver *r)
{
	assert_status(KAAL_OK, kaal_wait(r->done, NULL));
	assert_status(KAAL_OK, r->first);
	assert_int_equal(0x33, r->got);
	assert_status(KAAL_OBJECT_DELETED, r->second);
}

static void delete_endpoint_wakes_receiver(void **state)
{
	(void)state;
	static struct receiver r;
	r = (struct receiver){0};
	r.ep = harness_create(KAAL_CAP_ENDPOINT, 0);
	r.done = harness_create(KAAL_CAP_NOTIFICATION, 0);
	start_blocked_receiver(&r);
	assert_status(KAAL_OK, kaal_cnode_delete(harness_ref(r.ep)));
	finish_blocked_receiver(&r);
	harness_assert_empty(harness_ref(r.ep));
}

/* Deleting a copy leaves the endpoint and its waiting receiver alone. */
static void delete_copy_leaves_receiver_waiting(void **state)
{
	(void)state;
	static struct receiver r;
	r = (struct receiver){0};
	r.ep = harness_create(KAAL_CAP_ENDPOINT, 0);
	r.done = harness_create(KAAL_CAP_NOTIFICATION, 0);
	kaal_cptr copy = harness_slot();
	assert_status(KAAL_OK, kaal_cnode_copy(harness_ref(copy), harness_ref(r.ep)));
	start_blocked_receiver(&r);
	assert_status(KAAL_OK, kaal_cnode_delete(harness_ref(copy)));
	/* A send that never blocks reaches the receiver only if it still waits. */
	struct kaal_msg msg = {kaal_msg_info(0, 1, 0), {0x66}, 0};
	assert_status(KAAL_OK, kaal_nb_send(r.ep, &msg));
	assert_status(KAAL_OK, kaal_wait(r.done, NULL));
	assert_status(KAAL_OK, r.first);
	assert_status(KAAL_OK, r.second);
	assert_int_equal(0x66, r.got2);
	harness_assert_empty(harness_ref(copy));
	assert_int_equal(KAAL_CAP_ENDPOINT, harness_identify(r.ep).type);
}

static void revoke_untyped_wakes_receiver(void **state)
{
	(void)state;
	static struct receiver r;
	r = (struct receiver){0};
	kaal_cptr u = child_untyped(12);
	r.ep = harness_retype(u, KAAL_CAP_ENDPOINT, 0);
	r.done = harness_create(KAAL_CAP_NOTIFICATION, 0);
	start_blocked_receiver(&r);
	assert_status(KAAL_OK, kaal_cnode_revoke(harness_ref(u)));
	finish_blocked_receiver(&r);
	harness_assert_empty(harness_ref(r.ep));
	assert_int_equal(UINT64_C(1) << 12, harness_bytes_left(u));
}

static void delete_cnode_destroys_contents(void **state)
{
	(void)state;
	kaal_cptr u = child_untyped(16);
	kaal_cptr c = harness_retype(u, KAAL_CAP_CNODE, 4);
	kaal_cptr inner = harness_retype(u, KAAL_CAP_CNODE, 2);
	kaal_cptr n = harness_retype(u, KAAL_CAP_NOTIFICATION, 0);
	kaal_cptr e = harness_retype(u, KAAL_CAP_ENDPOINT, 0);
	kaal_cptr f = harness_retype(u, KAAL_CAP_FRAME, KAAL_PAGE_BITS);
	void *p;
	assert_status(KAAL_OK, kaal_map(f, 0, KAAL_RIGHT_READ | KAAL_RIGHT_WRITE, &p));
	assert_status(KAAL_OK, kaal_cnode_move(harness_at(c, 1, 4), harness_ref(n)));
	assert_status(KAAL_OK, kaal_cnode_move(harness_at(inner, 3, 2), harness_ref(e)));
	assert_status(KAAL_OK, kaal_cnode_move(harness_at(c, 15, 4), harness_ref(inner)));
	assert_status(KAAL_OK, kaal_cnode_move(harness_at(c, 7, 4), harness_ref(f)));
	assert_int_equal(KAAL_CAP_ENDPOINT,
	                 harness_identify_ref(harness_at(c, (15 << 2) | 3, 6)).type);
	assert_true(harness_bytes_left(u) < UINT64_C(1) << 16);
	/* The CNode's capability is the last reference to everything in it. */
	assert_status(KAAL_OK, kaal_cnode_delete(harness_ref(c)));
	harness_assert_empty(harness_ref(c));
	assert_int_equal(UINT64_C(1) << 16, harness_bytes_left(u));
	/* The memory is handed out again from the start. */
	kaal_cptr again = harness_retype(u, KAAL_CAP_CNODE, 4);
	struct kaal_untyped_info ui;
	assert_status(KAAL_OK, kaal_untyped_info(u, &ui));
	assert_int_equal(ui.base, harness_identify(again).object);
	for (unsigned i = 0; i < 16; i++)
		harness_assert_empty(harness_at(again, i, 4));
}

/* A thread's capability is the last reference to its CSpace and IPC buffer copies. */
static void delete_thread_releases_its_slots(void **state)
{
	(void)state;
	kaal_cptr u = child_untyped(16);
	kaal_cptr c = harness_retype(u, KAAL_CAP_CNODE, 4);
	kaal_cptr f = harness_retype(u, KAAL_CAP_FRAME, KAAL_PAGE_BITS);
	kaal_cptr t = harness_retype(u, KAAL_CAP_THREAD, 0);
	assert_status(KAAL_OK, kaal_thread_configure(t, c, f, 10));
	assert_status(KAAL_OK, kaal_cnode_delete(harness_ref(c)));
	assert_status(KAAL_OK, kaal_cnode_delete(harness_ref(f)));
	/* The thread still holds copies: the untyped is not free yet. */
	assert_true(harness_bytes_left(u) < UINT64_C(1) << 16);
	assert_status(KAAL_OK, kaal_cnode_delete(harness_ref(t)));
	harness_assert_empty(harness_ref(t));
	assert_int_equal(UINT64_C(1) << 16, harness_bytes_left(u));
}

/* ---- revoke ---- */

static void revoke_removes_children_keeps_cap(void **state)
{
	(void)state;
	kaal_cptr n = harness_create(KAAL_CAP_NOTIFICATION, 0);
	struct kaal_cap_info before = harness_identify(n);
	kaal_cptr kids[6];
	for (unsigned i = 0; i < 6; i++)
		kids[i] = harness_slot();
	assert_status(KAAL_OK, kaal_cnode_copy(harness_ref(kids[0]), harness_ref(n)));
	assert_status(KAAL_OK,
	              kaal_cnode_derive(harness_ref(kids[1]), harness_ref(n), KAAL_RIGHT_READ));
	assert_status(KAAL_OK,
	              kaal_cnode_mint(harness_ref(kids[2]), harness_ref(n), KAAL_RIGHT_WRITE, 0x8));
	assert_status(KAAL_OK, kaal_cnode_copy(harness_ref(kids[3]), harness_ref(kids[2])));
	assert_status(KAAL_OK, kaal_cnode_copy(harness_ref(kids[4]), harness_ref(kids[0])));
	assert_status(KAAL_OK, kaal_cnode_mutate(harness_ref(kids[5]), harness_ref(kids[1]), 0));
	/* A plain copy has no children of its own to revoke. */
	assert_status(KAAL_OK, kaal_cnode_revoke(harness_ref(kids[0])));
	assert_int_equal(KAAL_CAP_NOTIFICATION, harness_identify(kids[4]).type);

	assert_status(KAAL_OK, kaal_signal(n, 0x2));
	assert_status(KAAL_OK, kaal_cnode_revoke(harness_ref(n)));
	for (unsigned i = 0; i < 6; i++)
		harness_assert_empty(harness_ref(kids[i]));
	harness_assert_same_cap(before, harness_identify(n));
	/* The object was not destroyed: its pending bits are still there. */
	assert_int_equal(0x2, harness_peek(n));
	/* Revoking again finds nothing. */
	assert_status(KAAL_OK, kaal_cnode_revoke(harness_ref(n)));
	harness_assert_same_cap(before, harness_identify(n));
}

static void revoke_badged_removes_only_its_copies(void **state)
{
	(void)state;
	kaal_cptr e = harness_create(KAAL_CAP_ENDPOINT, 0);
	kaal_cptr b1 = harness_slot(), b1c = harness_slot(), b1cc = harness_slot();
	kaal_cptr b2 = harness_slot(), b2c = harness_slot(), b1again = harness_slot();
	kaal_cptr ec = harness_slot();
	assert_status(KAAL_OK, kaal_cnode_copy(harness_ref(ec), harness_ref(e)));
	/* Another mint with the same badge is a sibling, not a copy. */
	assert_status(KAAL_OK,
	              kaal_cnode_mint(harness_ref(b1again), harness_ref(e), KAAL_RIGHTS_ALL, 0x1));
	assert_status(KAAL_OK,
	              kaal_cnode_mint(harness_ref(b1), harness_ref(e), KAAL_RIGHTS_ALL, 0x1));
	assert_status(KAAL_OK, kaal_cnode_copy(harness_ref(b1c), harness_ref(b1)));
	assert_status(KAAL_OK,
	              kaal_cnode_derive(harness_ref(b1cc), harness_ref(b1c), KAAL_RIGHT_WRITE));
	assert_status(KAAL_OK,
	              kaal_cnode_mint(harness_ref(b2), harness_ref(e), KAAL_RIGHTS_ALL, 0x2));
	assert_status(KAAL_OK, kaal_cnode_copy(harness_ref(b2c), harness_ref(b2)));

	const kaal_cptr kept[] = {e, ec, b1, b2, b2c, b1again};
	struct kaal_cap_info kept_info[6];
	for (unsigned i = 0; i < 6; i++)
		kept_info[i] = harness_identify(kept[i]);

	assert_status(KAAL_OK, kaal_cnode_revoke(harness_ref(b1)));
	harness_assert_empty(harness_ref(b1c));
	harness_assert_empty(harness_ref(b1cc));
	for (unsigned i = 0; i < 6; i++)
		harness_assert_same_cap(kept_info[i], harness_identify(kept[i]));
	/* Copies are not revocable: revoking one removes nothing. */
	assert_status(KAAL_OK, kaal_cnode_revoke(harness_ref(b2c)));
	assert_status(KAAL_OK, kaal_cnode_revoke(harness_ref(ec)));
	for (unsigned i = 0; i < 6; i++)
		harness_assert_same_cap(kept_info[i], harness_identify(kept[i]));
	/* The capabilities that remain still reach the endpoint. */
	struct kaal_msg msg = {0};
	assert_status(KAAL_OK, kaal_nb_send(b2c, &msg));
	/* Revoking a badge takes its copies and stops at a capability of another badge. */
	assert_status(KAAL_OK, kaal_cnode_revoke(harness_ref(b2)));
	harness_assert_empty(harness_ref(b2c));
	harness_assert_same_cap(kept_info[2], harness_identify(b1));
	harness_assert_same_cap(kept_info[5], harness_identify(b1again));

	assert_status(KAAL_OK, kaal_cnode_revoke(harness_ref(e)));
	for (unsigned i = 1; i < 6; i++)
		harness_assert_empty(harness_ref(kept[i]));
	harness_assert_same_cap(kept_info[0], harness_identify(e));
}

static void revoke_untyped_resets_it(void **state)
{
	(void)state;
	kaal_cptr u = child_untyped(16);
	struct kaal_untyped_info ui;
	assert_status(KAAL_OK, kaal_untyped_info(u, &ui));
	kaal_cptr n = harness_retype(u, KAAL_CAP_NOTIFICATION, 0);
	assert_int_equal(ui.base, harness_identify(n).object);
	kaal_cptr objs[4];
	objs[0] = n;
	objs[1] = harness_retype(u, KAAL_CAP_ENDPOINT, 0);
	objs[2] = harness_retype(u, KAAL_CAP_FRAME, KAAL_PAGE_BITS);
	objs[3] = harness_retype(u, KAAL_CAP_CNODE, 3);
	/* Copies and children of children go too. */
	kaal_cptr ncopy = harness_slot();
	assert_status(KAAL_OK, kaal_cnode_copy(harness_ref(ncopy), harness_ref(n)));
	kaal_cptr sub = harness_retype(u, KAAL_CAP_UNTYPED, 12);
	kaal_cptr subn = harness_retype(sub, KAAL_CAP_NOTIFICATION, 0);
	struct kaal_cap_info before = harness_identify(u);
	assert_true(harness_bytes_left(u) < UINT64_C(1) << 16);
	/* Once its own child is gone, the inner untyped is whole again despite its older siblings.
	 */
	assert_true(harness_bytes_left(sub) < UINT64_C(1) << 12);
	assert_status(KAAL_OK, kaal_cnode_delete(harness_ref(subn)));
	assert_int_equal(UINT64_C(1) << 12, harness_bytes_left(sub));
	subn = harness_retype(sub, KAAL_CAP_NOTIFICATION, 0);

	assert_status(KAAL_OK, kaal_cnode_revoke(harness_ref(u)));
	for (unsigned i = 0; i < 4; i++)
		harness_assert_empty(harness_ref(objs[i]));
	harness_assert_empty(harness_ref(ncopy));
	harness_assert_empty(harness_ref(sub));
	harness_assert_empty(harness_ref(subn));
	harness_assert_same_cap(before, harness_identify(u));
	assert_int_equal(UINT64_C(1) << 16, harness_bytes_left(u));
	/* A retype starts from the base again. */
	kaal_cptr e = harness_retype(u, KAAL_CAP_ENDPOINT, 0);
	assert_int_equal(ui.base, harness_identify(e).object);
}

/* ---- errors of every operation ---- */

enum op { OP_COPY, OP_DERIVE, OP_MINT, OP_MOVE, OP_MUTATE, OP_COUNT };

static kaal_status run_op(enum op op, struct kaal_slot_ref dst, struct kaal_slot_ref src)
{
	switch (op) {
	case OP_COPY:
		return kaal_cnode_copy(dst, src);
	case OP_DERIVE:
		return kaal_cnode_derive(dst, src, KAAL_RIGHT_READ);
	case OP_MINT:
		return kaal_cnode_mint(dst, src, KAAL_RIGHTS_ALL, 0x99);
	case OP_MOVE:
		return kaal_cnode_move(dst, src);
	default:
		return kaal_cnode_mutate(dst, src, KAAL_RIGHT_WRITE);
	}
}

/* Slots whose contents no failing call may change, and what they held. */
struct watched {
	struct kaal_slot_ref ref[8];
	struct kaal_cap_info info[8];
	unsigned count;
};

static void watch(struct watched *w, struct kaal_slot_ref r)
{
	w->ref[w->count] = r;
	w->info[w->count] = harness_identify_ref(r);
	w->count++;
}

static void assert_unchanged(const struct watched *w)
{
	for (unsigned i = 0; i < w->count; i++)
		harness_assert_same_cap(w->info[i], harness_identify_ref(w->ref[i]));
}

static void two_slot_errors(void **state)
{
	(void)state;
	kaal_cptr e = harness_create(KAAL_CAP_ENDPOINT, 0);
	kaal_cptr occupied = harness_create(KAAL_CAP_NOTIFICATION, 0);
	kaal_cptr empty = harness_slot();
	kaal_cptr dst = harness_slot();
	kaal_cptr empty_root = harness_slot();
	kaal_cptr a = harness_create(KAAL_CAP_CNODE, 4);
	assert_status(KAAL_OK, kaal_cnode_copy(harness_at(a, 2, 4), harness_ref(occupied)));
	struct watched w = {0};
	watch(&w, harness_ref(e));
	watch(&w, harness_ref(occupied));
	watch(&w, harness_ref(empty));
	watch(&w, harness_ref(dst));
	watch(&w, harness_ref(empty_root));
	watch(&w, harness_at(a, 2, 4));
	watch(&w, harness_at(a, 7, 4));

	const struct {
		struct kaal_slot_ref ref;
		kaal_status status;
	} bad[] = {
	    {harness_at(occupied, 0, 4), KAAL_INVALID_ROOT},
	    {harness_at(empty_root, 0, 4), KAAL_INVALID_ROOT},
	    {harness_at(a, (7 << 4) | 1, 8), KAAL_MISSING_CAPABILITY},
	    {harness_at(h.root, e, 32), KAAL_DEPTH_MISMATCH},
	    {harness_at(a, 2, 3), KAAL_DEPTH_MISMATCH},
	    {harness_at(a, (2 << 4) | 1, 8), KAAL_DEPTH_MISMATCH},
	    {harness_ref(e | (UINT64_C(1) << 40)), KAAL_GUARD_MISMATCH},
	};
	for (unsigned o = 0; o < OP_COUNT; o++) {
		assert_status(KAAL_SLOT_EMPTY, run_op(o, harness_ref(dst), harness_ref(empty)));
		assert_unchanged(&w);
		assert_status(KAAL_SLOT_OCCUPIED, run_op(o, harness_ref(occupied), harness_ref(e)));
		assert_unchanged(&w);
		assert_status(KAAL_SLOT_OCCUPIED, run_op(o, harness_at(a, 2, 4), harness_ref(e)));
		assert_unchanged(&w);
		assert_status(KAAL_SLOT_OCCUPIED, run_op(o, harness_ref(e), harness_ref(e)));
		assert_unchanged(&w);
		for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			assert_status(bad[i].status, run_op(o, harness_ref(dst), bad[i].ref));
			assert_unchanged(&w);
			assert_status(bad[i].status, run_op(o, bad[i].ref, harness_ref(e)));
			assert_unchanged(&w);
		}
		/* An empty source is reported before a bad destination. */
		assert_status(KAAL_SLOT_EMPTY, run_op(o, bad[0].ref, harness_ref(empty)));
		assert_unchanged(&w);
	}
	/* After all that the endpoint still has no children and every operation works. */
	for (unsigned o = 0; o < OP_COUNT; o++) {
		assert_status(KAAL_OK, run_op(o, harness_ref(dst), harness_ref(e)));
		if (o == OP_MOVE || o == OP_MUTATE)
			assert_status(KAAL_OK, kaal_cnode_move(harness_ref(e), harness_ref(dst)));
		else
			assert_status(KAAL_OK, kaal_cnode_delete(harness_ref(dst)));
	}
}

static void delete_revoke_errors(void **state)
{
	(void)state;
	kaal_cptr n = harness_create(KAAL_CAP_NOTIFICATION, 0);
	kaal_cptr copy = harness_slot();
	assert_status(KAAL_OK, kaal_cnode_copy(harness_ref(copy), harness_ref(n)));
	kaal_cptr empty = harness_slot();
	kaal_cptr a = harness_create(KAAL_CAP_CNODE, 4);
	assert_status(KAAL_OK, kaal_cnode_copy(harness_at(a, 2, 4), harness_ref(n)));
	struct watched w = {0};
	watch(&w, harness_ref(n));
	watch(&w, harness_ref(copy));
	watch(&w, harness_at(a, 2, 4));
	const struct {
		struct kaal_slot_ref ref;
		kaal_status status;
	} bad[] = {
	    {harness_ref(empty), KAAL_SLOT_EMPTY},
	    {harness_at(a, 9, 4), KAAL_SLOT_EMPTY},
	    {harness_at(n, 0, 4), KAAL_INVALID_ROOT},
	    {harness_at(empty, 0, 4), KAAL_INVALID_ROOT},
	    {harness_at(a, (7 << 4) | 1, 8), KAAL_MISSING_CAPABILITY},
	    {harness_at(h.root, n, 12), KAAL_DEPTH_MISMATCH},
	    {harness_at(h.root, 0, 0), KAAL_DEPTH_MISMATCH},
	    {harness_at(h.root, n, 0), KAAL_INVALID_ARGUMENT}, /* an index in no bits */
	    {harness_at(a, (2 << 4) | 1, 8), KAAL_DEPTH_MISMATCH},
	    {harness_ref(n | (UINT64_C(1) << 20)), KAAL_GUARD_MISMATCH},
	};
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_status(bad[i].status, kaal_cnode_delete(bad[i].ref));
		assert_unchanged(&w);
		assert_status(bad[i].status, kaal_cnode_revoke(bad[i].ref));
		assert_unchanged(&w);
	}
}

/* ---- scale and cycles: deletion takes apart any structure in fixed stack ---- */

enum { MANY = 10000, MANY_RADIX = 14 };

static void revoke_many_copies(void **state)
{
	(void)state;
	kaal_cptr e = harness_create(KAAL_CAP_ENDPOINT, 0);
	kaal_cptr c = harness_create(KAAL_CAP_CNODE, MANY_RADIX);
	struct kaal_cap_info before = harness_identify(e);
	for (unsigned i = 0; i < MANY; i++) {
		struct kaal_slot_ref r = harness_at(c, i, MANY_RADIX);
		if (i % 2)
			assert_status(KAAL_OK, kaal_cnode_copy(r, harness_ref(e)));
		else
			assert_status(KAAL_OK,
			              kaal_cnode_mint(r, harness_ref(e), KAAL_RIGHT_WRITE, i + 1));
	}
	assert_int_equal(MANY - 1, harness_identify_ref(harness_at(c, MANY - 2, MANY_RADIX)).badge);
	assert_int_equal(0, harness_identify_ref(harness_at(c, MANY - 1, MANY_RADIX)).badge);
	assert_status(KAAL_OK, kaal_cnode_revoke(harness_ref(e)));
	for (unsigned i = 0; i < MANY; i++)
		harness_assert_empty(harness_at(c, i, MANY_RADIX));
	harness_assert_same_cap(before, harness_identify(e));
	struct kaal_msg msg = {0};
	assert_status(KAAL_OK, kaal_nb_send(e, &msg));
}

/*
 * A revoke that finds an interrupt waiting at its preemption points stops
 * after a deletion each time and is issued again: one call, every child
 * gone, each preemption point reached once; none is asked after the last.
 */
static void revoke_stopped_at_preemption_points_finishes(void **state)
{
	(void)state;
	enum { CHILDREN = 16, STOPS = 5 };
	kaal_cptr e = harness_create(KAAL_CAP_ENDPOINT, 0);
	kaal_cptr first = 0;
	for (unsigned i = 0; i < CHILDREN; i++) {
		kaal_cptr c = harness_derive(e, KAAL_RIGHTS_ALL);
		first = i == 0 ? c : first;
	}
	assert_int_equal(0, kaal_host_preempt_next(STOPS));
	assert_status(KAAL_OK, kaal_cnode_revoke(harness_ref(e)));
	assert_int_equal(0, kaal_host_preempt_next(0));
	for (unsigned i = 0; i < CHILDREN; i++)
		harness_assert_slot_empty(first + i);
	assert_int_equal(KAAL_CAP_ENDPOINT, harness_identify(e).type);

	/* More stops than deletions: the last deletion asks nothing, so one is left over. */
	kaal_cptr only = harness_derive(e, KAAL_RIGHTS_ALL);
	kaal_cptr second = harness_derive(e, KAAL_RIGHTS_ALL);
	assert_int_equal(0, kaal_host_preempt_next(3));
	assert_status(KAAL_OK, kaal_cnode_revoke(harness_ref(e)));
	assert_int_equal(2, kaal_host_preempt_next(0));
	harness_assert_slot_empty(only);
	harness_assert_slot_empty(second);
}

static void revoke_many_objects(void **state)
{
	(void)state;
	kaal_cptr u = child_untyped(19);
	kaal_cptr c = harness_create(KAAL_CAP_CNODE, MANY_RADIX);
	uint64_t left = 0;
	assert_status(KAAL_OK, kaal_untyped_retype(u, KAAL_CAP_NOTIFICATION, 0, MANY,
	                                           harness_ref(c), 0, &left));
	assert_int_equal(KAAL_CAP_NOTIFICATION,
	                 harness_identify_ref(harness_at(c, 0, MANY_RADIX)).type);
	assert_int_equal(KAAL_CAP_NOTIFICATION,
	                 harness_identify_ref(harness_at(c, MANY - 1, MANY_RADIX)).type);
	harness_assert_empty(harness_at(c, MANY, MANY_RADIX));
	assert_int_equal((UINT64_C(1) << 19) - MANY * (UINT64_C(1) << KAAL_NOTIFICATION_BITS),
	                 harness_bytes_left(u));
	assert_status(KAAL_OK, kaal_cnode_revoke(harness_ref(u)));
	for (unsigned i = 0; i < MANY; i++)
		harness_assert_empty(harness_at(c, i, MANY_RADIX));
	assert_int_equal(UINT64_C(1) << 19, harness_bytes_left(u));
}

/* CNodes nested MANY deep, each holding the only capability to the next. */
static void delete_deep_cnode_chain(void **state)
{
	(void)state;
	kaal_cptr u = child_untyped(21);
	kaal_cptr head = harness_slot();
	kaal_cptr fresh = harness_slot();
	for (unsigned i = 0; i < MANY; i++) {
		assert_status(KAAL_OK, kaal_untyped_retype(u, KAAL_CAP_CNODE, 1, 1,
		                                           harness_ref(h.root), fresh, NULL));
		if (i > 0)
			assert_status(KAAL_OK,
			              kaal_cnode_move(harness_at(fresh, 0, 1), harness_ref(head)));
		assert_status(KAAL_OK, kaal_cnode_move(harness_ref(head), harness_ref(fresh)));
	}
	assert_int_equal((UINT64_C(1) << 21) - MANY * (UINT64_C(1) << (1 + KAAL_SLOT_BITS)),
	                 harness_bytes_left(u));
	assert_int_equal(KAAL_CAP_CNODE, harness_identify_ref(harness_at(head, 0, 1)).type);
	assert_int_equal(KAAL_CAP_CNODE, harness_identify_ref(harness_at(head, 0, 20)).type);
	assert_status(KAAL_OK, kaal_cnode_delete(harness_ref(head)));
	harness_assert_empty(harness_ref(head));
	assert_int_equal(UINT64_C(1) << 21, harness_bytes_left(u));
}

/* Two CNodes, each holding the only capability to the other, reachable from nowhere else. */
static void cnode_cycle_destroyed(void **state)
{
	(void)state;
	kaal_cptr u = child_untyped(16);
	kaal_cptr a = harness_retype(u, KAAL_CAP_CNODE, 2);
	kaal_cptr b = harness_retype(u, KAAL_CAP_CNODE, 2);
	kaal_cptr n = harness_retype(u, KAAL_CAP_NOTIFICATION, 0);
	assert_status(KAAL_OK, kaal_cnode_move(harness_at(b, 1, 2), harness_ref(n)));
	assert_status(KAAL_OK, kaal_cnode_move(harness_at(a, 0, 2), harness_ref(b)));
	/* a's slot 0 now leads to b: b's slot 0 receives the last capability to a. */
	assert_status(KAAL_OK, kaal_cnode_move(harness_at(a, 0, 4), harness_ref(a)));
	harness_assert_empty(harness_ref(a));
	harness_assert_empty(harness_ref(b));
	assert_true(harness_bytes_left(u) < UINT64_C(1) << 16);
	/* Only the untyped reaches them now; revoking it destroys both. */
	assert_status(KAAL_OK, kaal_cnode_revoke(harness_ref(u)));
	assert_int_equal(UINT64_C(1) << 16, harness_bytes_left(u));

	/* A CNode holding the only capability to itself. */
	kaal_cptr s = harness_retype(u, KAAL_CAP_CNODE, 2);
	kaal_cptr copy = harness_slot();
	assert_status(KAAL_OK, kaal_cnode_copy(harness_ref(copy), harness_ref(s)));
	assert_status(KAAL_OK, kaal_cnode_move(harness_at(s, 3, 2), harness_ref(s)));
	assert_int_equal(KAAL_CAP_CNODE, harness_identify_ref(harness_at(copy, 3, 2)).type);
	/* Deleting the other copy leaves it reachable only through itself. */
	assert_status(KAAL_OK, kaal_cnode_delete(harness_ref(copy)));
	assert_true(harness_bytes_left(u) < UINT64_C(1) << 16);
	assert_status(KAAL_OK, kaal_cnode_revoke(harness_ref(u)));
	assert_int_equal(UINT64_C(1) << 16, harness_bytes_left(u));
}

/* A CNode and a thread, each holding the only capability to the other. */
static void thread_cnode_cycle_destroyed(void **state)
{
	(void)state;
	kaal_cptr u = child_untyped(16);
	kaal_cptr c = harness_retype(u, KAAL_CAP_CNODE, 2);
	kaal_cptr t = harness_retype(u, KAAL_CAP_THREAD, 0);
	kaal_cptr holder = harness_retype(u, KAAL_CAP_CNODE, 1);
	/* The thread's CSpace is c; c holds the only capability to the thread. */
	assert_status(KAAL_OK, kaal_thread_configure(t, c, 0, 10));
	assert_status(KAAL_OK, kaal_cnode_move(harness_at(c, 2, 2), harness_ref(t)));
	/* holder holds the only capability to c besides the thread's. */
	assert_status(KAAL_OK, kaal_cnode_move(harness_at(holder, 1, 1), harness_ref(c)));
	assert_int_equal(KAAL_CAP_THREAD,
	                 harness_identify_ref(harness_at(holder, (1 << 2) | 2, 3)).type);
	/* Deleting holder: c's capability there is not its last, the thread keeps one. */
	assert_status(KAAL_OK, kaal_cnode_delete(harness_ref(holder)));
	assert_true(harness_bytes_left(u) < UINT64_C(1) << 16);
	assert_status(KAAL_OK, kaal_cnode_revoke(harness_ref(u)));
	assert_int_equal(UINT64_C(1) << 16, harness_bytes_left(u));
}

/* IRQ handler capabilities are copied and deleted like any other. */
static void irq_handler_copy_and_delete(void **state)
{
	(void)state;
	kaal_cptr irq = 0;
	for (uint32_t i = 0; i < h.bi->device_count && !irq; i++)
		irq = h.bi->device[i].irq_cptr;
	assert_true(irq != 0);
	struct kaal_cap_info before = harness_identify(irq);
	assert_int_equal(KAAL_CAP_IRQ_HANDLER, before.type);
	kaal_cptr copy = harness_slot();
	assert_status(KAAL_OK, kaal_cnode_copy(harness_ref(copy), harness_ref(irq)));
	harness_assert_same_cap(before, harness_identify(copy));
	kaal_cptr copy2 = harness_slot();
	assert_status(KAAL_OK, kaal_cnode_copy(harness_ref(copy2), harness_ref(copy)));
	assert_status(KAAL_OK, kaal_cnode_revoke(harness_ref(irq)));
	harness_assert_empty(harness_ref(copy));
	harness_assert_empty(harness_ref(copy2));
	harness_assert_same_cap(before, harness_identify(irq));
	assert_status(KAAL_OK, kaal_cnode_move(harness_ref(copy), harness_ref(irq)));
	assert_status(KAAL_OK, kaal_cnode_delete(harness_ref(copy)));
	harness_assert_empty(harness_ref(copy));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    HARNESS_CASE(copy_keeps_badge_and_rights),
	    HARNESS_CASE(copy_of_mapped_frame_is_unmapped),
	    HARNESS_CASE(copy_untyped_with_children_revoke_first),
	    HARNESS_CASE(derive_fewer_rights),
	    HARNESS_CASE(mint_rights_and_badge),
	    HARNESS_CASE(mint_badge_needs_badged_type),
	    HARNESS_CASE(move_empties_source),
	    HARNESS_CASE(move_keeps_derivation),
	    HARNESS_CASE(mutate_fewer_rights),
	    HARNESS_CASE(delete_empties_slot),
	    HARNESS_CASE(delete_copy_keeps_object),
	    HARNESS_CASE(delete_notification_wakes_waiter),
	    HARNESS_CASE(delete_endpoint_wakes_receiver),
	    HARNESS_CASE(delete_copy_leaves_receiver_waiting),
	    HARNESS_CASE(revoke_untyped_wakes_receiver),
	    HARNESS_CASE(delete_cnode_destroys_contents),
	    HARNESS_CASE(delete_thread_releases_its_slots),
	    HARNESS_CASE(revoke_removes_children_keeps_cap),
	    HARNESS_CASE(revoke_badged_removes_only_its_copies),
	    HARNESS_CASE(revoke_untyped_resets_it),
	    HARNESS_CASE(two_slot_errors),
	    HARNESS_CASE(delete_revoke_errors),
	    HARNESS_CASE(revoke_many_copies),
	    HARNESS_CASE(revoke_stopped_at_preemption_points_finishes),
	    HARNESS_CASE(revoke_many_objects),
	    HARNESS_CASE(delete_deep_cnode_chain),
	    HARNESS_CASE(cnode_cycle_destroyed),
	    HARNESS_CASE(thread_cnode_cycle_destroyed),
	    HARNESS_CASE(irq_handler_copy_and_delete),
	};
	return cmocka_run_group_tests_name("cnode", tests, NULL, NULL);
}
