/*
 * VSpaces: retype sizes, kaal_thread_set_vspace and its errors, threads
 * mapping frames in the VSpace they were given or inherited, revoking and
 * destroying a VSpace under a thread and under the frames mapped in it, and
 * the limits on live VSpaces and on VSpaces made per boot.
 *
 * A thread's VSpace is not visible through identify, so these tests tell it
 * by what the thread's kaal_map does after the VSpace cap its copy came from
 * is revoked: KAAL_ILLEGAL_OPERATION if the thread ran in that VSpace, KAAL_OK
 * if it ran in another. Started threads never call cmocka: they note what
 * they saw and signal a notification.
 */
#include "harness.h"

#define PAGE (UINT64_C(1) << KAAL_PAGE_BITS)
#define RW   (KAAL_RIGHT_READ | KAAL_RIGHT_WRITE)

/* The live VSpace limit and the number a boot can make (the root task's counts in both). */
#define MAX_LIVE     256u
#define MAX_PER_BOOT 65535u

static kaal_cptr new_vspace(void)
{
	return harness_create(KAAL_CAP_VSPACE, h.bi->vspace_bits);
}

static volatile uint32_t *map_rw(kaal_cptr frame)
{
	void *p = NULL;
	assert_status(KAAL_OK, kaal_map(frame, 0, RW, &p));
	assert_non_null(p);
	assert_int_equal((uintptr_t)p, harness_mapped_at(frame));
	return p;
}

/*
 * What a thread started with kaal_thread_start() shares with the test. It
 * maps before (if set), signals bit 1 of done, waits on gate (if set), maps
 * after (if set), signals bit 2, and, if ep is set, receives once and ends
 * without replying, so that the test's call returns KAAL_OBJECT_DELETED once
 * the thread is inactive. Each mapping is written value + its index.
 */
struct worker {
	struct kaal_ipc_buffer *ipc; /* the thread's IPC buffer as the test mapped it */
	kaal_cptr before, after;     /* frames to map (0: none) */
	kaal_cptr gate, done, ep;
	kaal_cptr child;           /* a thread to start first (0: none) */
	struct worker *child_work; /* and its argument */
	uint32_t value;
	kaal_status child_st;
	kaal_status gate_st;
	kaal_status st[2];
	volatile uint32_t *p[2];
};

static void map_one(struct worker *w, unsigned i, kaal_cptr frame)
{
	void *p = NULL;
	w->st[i] = kaal_map(frame, 0, RW, &p);
	w->p[i] = p;
	if (w->st[i] == KAAL_OK)
		w->p[i][0] = w->value + i;
}

static void run_worker(kaal_word arg)
{
	struct worker *w = PTR(arg);
	if (w->child)
		w->child_st = kaal_thread_start(w->child, run_worker, harness_stack(),
		                                ARG(w->child_work), w->child_work->ipc);
	if (w->before)
		map_one(w, 0, w->before);
	kaal_signal(w->done, 1);
	if (w->gate) {
		kaal_word bits = 0;
		w->gate_st = kaal_wait(w->gate, &bits);
	}
	if (w->after)
		map_one(w, 1, w->after);
	/* The test reads what the thread noted once this arrives; nothing is written after it. */
	kaal_signal(w->done, 2);
	if (w->ep) {
		struct kaal_msg m;
		(void)kaal_recv(w->ep, &m);
		kaal_thread_exit();
	}
}

/* A configured, inactive thread with an IPC buffer the test mapped, and w's notifications. */
static kaal_cptr new_thread(struct worker *w)
{
	kaal_cptr frame = harness_frame();
	void *ipc = NULL;
	assert_status(KAAL_OK, kaal_map(frame, 0, RW, &ipc));
	w->ipc = ipc;
	w->done = harness_notification();
	kaal_cptr t = harness_create(KAAL_CAP_THREAD, 0);
	assert_status(KAAL_OK, kaal_thread_configure(t, h.root, frame, 100));
	return t;
}

static void start(kaal_cptr t, struct worker *w)
{
	assert_status(KAAL_OK, kaal_thread_start(t, run_worker, harness_stack(), ARG(w), w->ipc));
}

/* The thread serving w->ep has ended: it dropped the call. */
static void await_end(const struct worker *w)
{
	struct kaal_msg m = {kaal_msg_info(1, 0, 0), {0, 0, 0, 0}, 0};
	assert_status(KAAL_OBJECT_DELETED, kaal_call(w->ep, &m));
}

/* The root reads what a thread wrote through a frame, through a mapping of its own. */
static void assert_frame_holds(kaal_cptr frame, uint32_t value)
{
	kaal_cptr mine = harness_copy(frame);
	volatile uint32_t *p = map_rw(mine);
	assert_int_equal(value, p[0]);
	assert_status(KAAL_OK, kaal_unmap(mine));
}

/*
 * Retype makes a VSpace of vspace_bits up to KAAL_MAX_VSPACE_BITS, aligned
 * to its size, with all rights; other sizes are refused and change nothing.
 */
static void retype_sizes(void **state)
{
	(void)state;
	unsigned min = h.bi->vspace_bits;
	assert_int_equal(KAAL_PAGE_BITS, min);
	kaal_cptr ut = harness_create(KAAL_CAP_UNTYPED, 18);
	struct kaal_untyped_info ui;
	assert_status(KAAL_OK, kaal_untyped_info(ut, &ui));
	/* An endpoint first, so the next object has to be aligned past it. */
	kaal_cptr ep = harness_slot();
	assert_status(KAAL_OK, kaal_untyped_retype(ut, KAAL_CAP_ENDPOINT, 0, 1, harness_root_node(),
	                                           ep, NULL));
	uint64_t left = harness_bytes_left(ut);
	assert_int_equal((UINT64_C(1) << 18) - (UINT64_C(1) << KAAL_ENDPOINT_BITS), left);

	kaal_cptr s = harness_slot();
	/* Below vspace_bits (12 on the host) or above KAAL_MAX_VSPACE_BITS. */
	static const unsigned refused[] = {
	    0, 1, KAAL_PAGE_BITS - 1, KAAL_MAX_VSPACE_BITS + 1, KAAL_MAX_UNTYPED_BITS, 255};
	for (unsigned i = 0; i < sizeof refused / sizeof refused[0]; i++) {
		assert_status(KAAL_INVALID_ARGUMENT,
		              kaal_untyped_retype(ut, KAAL_CAP_VSPACE, refused[i], 1,
		                                  harness_root_node(), s, NULL));
		harness_assert_slot_empty(s);
		assert_int_equal(left, harness_bytes_left(ut));
	}

	/* The largest size is valid; this untyped is just too small for it. */
	uint64_t reported = 0;
	assert_status(KAAL_UNTYPED_EXHAUSTED,
	              kaal_untyped_retype(ut, KAAL_CAP_VSPACE, KAAL_MAX_VSPACE_BITS, 1,
	                                  harness_root_node(), s, &reported));
	assert_int_equal(left, reported);
	harness_assert_slot_empty(s);
	assert_int_equal(left, harness_bytes_left(ut));

	/* The smallest: past the endpoint, at the next page. */
	assert_status(KAAL_OK, kaal_untyped_retype(ut, KAAL_CAP_VSPACE, min, 1, harness_root_node(),
	                                           s, NULL));
	struct kaal_cap_info v = harness_identify(s);
	assert_int_equal(KAAL_CAP_VSPACE, v.type);
	assert_int_equal(KAAL_RIGHTS_ALL, v.rights);
	assert_int_equal(0, v.badge);
	harness_assert_aligned(v.object, min);
	assert_int_equal(ui.base + (UINT64_C(1) << min), v.object);
	assert_int_equal((UINT64_C(1) << 18) - 2 * (UINT64_C(1) << min), harness_bytes_left(ut));
	assert_int_not_equal(harness_identify(h.bi->root_vspace_cptr).object, v.object);

	/* A larger one is aligned to its own size: the next 64 KiB boundary. */
	kaal_cptr big = harness_slot();
	assert_status(KAAL_OK, kaal_untyped_retype(ut, KAAL_CAP_VSPACE, 16, 1, harness_root_node(),
	                                           big, NULL));
	struct kaal_cap_info b = harness_identify(big);
	assert_int_equal(KAAL_CAP_VSPACE, b.type);
	assert_int_equal(KAAL_RIGHTS_ALL, b.rights);
	harness_assert_aligned(b.object, 16);
	assert_int_equal(ui.base + (UINT64_C(1) << 16), b.object);
	assert_int_equal((UINT64_C(1) << 18) - 2 * (UINT64_C(1) << 16), harness_bytes_left(ut));

	/* Two at once sit next to each other. */
	kaal_cptr pair = harness_slot();
	harness_slot();
	assert_status(KAAL_OK, kaal_untyped_retype(ut, KAAL_CAP_VSPACE, min, 2, harness_root_node(),
	                                           pair, NULL));
	assert_int_equal(ui.base + 2 * (UINT64_C(1) << 16), harness_identify(pair).object);
	assert_int_equal(ui.base + 2 * (UINT64_C(1) << 16) + (UINT64_C(1) << min),
	                 harness_identify(pair + 1).object);
	assert_int_equal(KAAL_CAP_VSPACE, harness_identify(pair + 1).type);
}

/*
 * set_vspace refuses wrong types, empty slots, bad cptrs, and threads that
 * are not inactive, and a refusal leaves every slot and each thread's
 * VSpace as they were.
 */
static void set_vspace_errors(void **state)
{
	(void)state;
	static struct worker w, running;
	kaal_cptr t = new_thread(&w);
	kaal_cptr v = new_vspace(), other = new_vspace();
	kaal_cptr ep = harness_endpoint(), frame = harness_frame(), empty = harness_slot();
	kaal_cptr root_thread = h.bi->root_thread_cptr;
	kaal_cptr far = UINT64_C(1) << 40; /* beyond the root CNode's guard */
	struct kaal_cap_info v_was = harness_identify(v), other_was = harness_identify(other);
	struct kaal_cap_info ep_was = harness_identify(ep), t_was = harness_identify(t);

	assert_status(KAAL_OK, kaal_thread_set_vspace(t, v));
	harness_assert_holds(v, v_was);

	/* The thread operand. */
	assert_status(KAAL_WRONG_TYPE, kaal_thread_set_vspace(ep, other));
	assert_status(KAAL_WRONG_TYPE, kaal_thread_set_vspace(other, other));
	assert_status(KAAL_WRONG_TYPE, kaal_thread_set_vspace(h.root, other));
	assert_status(KAAL_SLOT_EMPTY, kaal_thread_set_vspace(empty, other));
	assert_status(KAAL_GUARD_MISMATCH, kaal_thread_set_vspace(far, other));
	/* The VSpace operand. */
	assert_status(KAAL_WRONG_TYPE, kaal_thread_set_vspace(t, ep));
	assert_status(KAAL_WRONG_TYPE, kaal_thread_set_vspace(t, t));
	assert_status(KAAL_WRONG_TYPE, kaal_thread_set_vspace(t, frame));
	assert_status(KAAL_WRONG_TYPE, kaal_thread_set_vspace(t, h.root));
	assert_status(KAAL_SLOT_EMPTY, kaal_thread_set_vspace(t, empty));
	assert_status(KAAL_GUARD_MISMATCH, kaal_thread_set_vspace(t, far));
	/* The running root thread, with another VSpace or its own. */
	assert_status(KAAL_ILLEGAL_OPERATION, kaal_thread_set_vspace(root_thread, other));
	assert_status(KAAL_ILLEGAL_OPERATION,
	              kaal_thread_set_vspace(root_thread, h.bi->root_vspace_cptr));

	harness_assert_slot_empty(empty);
	harness_assert_holds(v, v_was);
	harness_assert_holds(other, other_was);
	harness_assert_holds(ep, ep_was);
	harness_assert_holds(t, t_was);
	assert_int_equal(0, harness_mapped_at(frame));

	/* A started thread: just started, then blocked on its gate. */
	kaal_cptr r = new_thread(&running);
	running.gate = harness_notification();
	running.after = harness_frame();
	start(r, &running);
	assert_status(KAAL_ILLEGAL_OPERATION, kaal_thread_set_vspace(r, other));
	harness_await_bits(running.done, 1);
	harness_wait_blocked(r);
	assert_status(KAAL_ILLEGAL_OPERATION, kaal_thread_set_vspace(r, other));
	harness_assert_holds(other, other_was);

	/*
	 * Had any refused call given other to r or to the root, revoking it
	 * would take their VSpace away; r still runs in the root's.
	 */
	assert_status(KAAL_OK, kaal_cnode_revoke(harness_ref(other)));
	harness_assert_holds(other, other_was);
	assert_status(KAAL_OK, kaal_signal(running.gate, 1));
	harness_await_bits(running.done, 2);
	assert_status(KAAL_OK, running.gate_st);
	assert_status(KAAL_OK, running.st[1]);
	assert_int_equal((uintptr_t)running.p[1], harness_mapped_at(running.after));
	map_rw(harness_frame());

	/* And t still has v's copy: once v is revoked under it, its map fails. */
	w.gate = harness_notification();
	w.after = harness_frame();
	start(t, &w);
	harness_await_bits(w.done, 1);
	assert_status(KAAL_OK, kaal_cnode_revoke(harness_ref(v)));
	assert_status(KAAL_OK, kaal_signal(w.gate, 1));
	harness_await_bits(w.done, 2);
	assert_status(KAAL_ILLEGAL_OPERATION, w.st[1]);
	assert_int_equal(0, harness_mapped_at(w.after));
	/* The root's own VSpace was never v's either. */
	map_rw(harness_frame());
}

/*
 * A thread given a new VSpace maps frames in it and writes through them; a
 * thread given none maps in the root's, which it inherited at start.
 */
static void threads_map_in_their_vspace(void **state)
{
	(void)state;
	static struct worker given, inherited;
	kaal_cptr t = new_thread(&given);
	kaal_cptr v = new_vspace();
	assert_status(KAAL_OK, kaal_thread_set_vspace(t, v));
	/* Setting it again replaces the copy; a derived, read-only cap serves too. */
	kaal_cptr v_read = harness_derive(v, KAAL_RIGHT_READ);
	assert_status(KAAL_OK, kaal_thread_set_vspace(t, v_read));
	given.before = harness_frame();
	given.after = harness_frame();
	given.value = 0x5EED0000;
	start(t, &given);
	harness_await_bits(given.done, 3);
	assert_status(KAAL_OK, given.st[0]);
	assert_status(KAAL_OK, given.st[1]);
	assert_non_null(given.p[0]);
	assert_non_null(given.p[1]);
	assert_ptr_not_equal(given.p[0], given.p[1]);
	assert_int_equal((uintptr_t)given.p[0], harness_mapped_at(given.before));
	assert_int_equal((uintptr_t)given.p[1], harness_mapped_at(given.after));
	assert_frame_holds(given.before, 0x5EED0000);
	assert_frame_holds(given.after, 0x5EED0001);
	/* The root can unmap a frame mapped in another VSpace, and map that cap itself. */
	assert_status(KAAL_OK, kaal_unmap(given.before));
	assert_int_equal(0, harness_mapped_at(given.before));
	assert_int_equal(0x5EED0000, map_rw(given.before)[0]);

	kaal_cptr u = new_thread(&inherited);
	inherited.before = harness_frame();
	inherited.value = 0x1F00;
	start(u, &inherited);
	harness_await_bits(inherited.done, 3);
	assert_status(KAAL_OK, inherited.st[0]);
	assert_int_equal((uintptr_t)inherited.p[0], harness_mapped_at(inherited.before));
	assert_frame_holds(inherited.before, 0x1F00);
	assert_status(KAAL_OK, kaal_unmap(inherited.before));
	assert_int_equal(0, harness_mapped_at(inherited.before));
}

/*
 * Revoking the VSpace cap a thread's copy was derived from leaves the
 * thread without a VSpace: its next map is KAAL_ILLEGAL_OPERATION. A thread
 * that thread started ran in the same VSpace, so it loses it too.
 */
static void revoked_vspace_refuses_map(void **state)
{
	(void)state;
	static struct worker w, child;
	kaal_cptr t = new_thread(&w);
	kaal_cptr c = new_thread(&child);
	kaal_cptr v = new_vspace();
	assert_status(KAAL_OK, kaal_thread_set_vspace(t, v));
	w.before = harness_frame();
	w.after = harness_frame();
	w.gate = harness_notification();
	w.child = c;
	w.child_work = &child;
	w.value = 0x44;
	child.gate = harness_notification();
	child.after = harness_frame();
	start(t, &w);
	harness_await_bits(w.done, 1);
	harness_await_bits(child.done, 1);
	assert_status(KAAL_OK, w.child_st);
	assert_status(KAAL_OK, w.st[0]);
	assert_int_equal((uintptr_t)w.p[0], harness_mapped_at(w.before));

	struct kaal_cap_info v_was = harness_identify(v);
	assert_status(KAAL_OK, kaal_cnode_revoke(harness_ref(v)));
	/* The revoked cap itself stays, and so does the VSpace. */
	harness_assert_holds(v, v_was);
	assert_int_equal((uintptr_t)w.p[0], harness_mapped_at(w.before));

	assert_status(KAAL_OK, kaal_signal(w.gate, 1));
	assert_status(KAAL_OK, kaal_signal(child.gate, 1));
	harness_await_bits(w.done, 2);
	harness_await_bits(child.done, 2);
	assert_status(KAAL_OK, w.gate_st);
	assert_status(KAAL_ILLEGAL_OPERATION, w.st[1]);
	assert_null(w.p[1]);
	assert_int_equal(0, harness_mapped_at(w.after));
	assert_status(KAAL_OK, child.gate_st);
	assert_status(KAAL_ILLEGAL_OPERATION, child.st[1]);
	assert_int_equal(0, harness_mapped_at(child.after));

	/* The frames are not spoilt: the root maps both, and the one mapped before still holds. */
	map_rw(w.after);
	map_rw(child.after);
	assert_frame_holds(w.before, 0x44);
	assert_status(KAAL_OK, kaal_unmap(w.before));
}

/* Deleting the cap a thread's copy came from is not a revoke: the copy keeps the VSpace. */
static void deleted_source_cap_keeps_the_vspace(void **state)
{
	(void)state;
	static struct worker w;
	kaal_cptr t = new_thread(&w);
	kaal_cptr v = new_vspace();
	assert_status(KAAL_OK, kaal_thread_set_vspace(t, v));
	assert_status(KAAL_OK, kaal_cnode_delete(harness_ref(v)));
	harness_assert_slot_empty(v);
	w.gate = harness_notification();
	w.after = harness_frame();
	w.value = 77;
	start(t, &w);
	harness_await_bits(w.done, 1);
	assert_status(KAAL_OK, kaal_signal(w.gate, 1));
	harness_await_bits(w.done, 2);
	assert_status(KAAL_OK, w.st[1]);
	assert_frame_holds(w.after, 78);
}

/*
 * A frame mapped by a thread in V, after V is destroyed by revoking the
 * untyped it came from: the cap still names the old mapping, unmap clears
 * it, and the frame maps again, in the root's VSpace or in a new one.
 */
static void frame_outlives_revoked_vspace(void **state)
{
	(void)state;
	static struct worker w, again;
	kaal_cptr ut = harness_create(KAAL_CAP_UNTYPED, 16);
	kaal_cptr v = harness_slot();
	assert_status(KAAL_OK, kaal_untyped_retype(ut, KAAL_CAP_VSPACE, h.bi->vspace_bits, 1,
	                                           harness_root_node(), v, NULL));
	kaal_cptr t = new_thread(&w);
	assert_status(KAAL_OK, kaal_thread_set_vspace(t, v));
	w.before = harness_frame();
	w.ep = harness_endpoint();
	w.value = 0xAB00;
	start(t, &w);
	harness_await_bits(w.done, 3);
	assert_status(KAAL_OK, w.st[0]);
	kaal_word at = (uintptr_t)w.p[0];
	assert_int_equal(at, harness_mapped_at(w.before));
	await_end(&w);

	/* V goes with its untyped: its cap and the thread's copy. */
	assert_status(KAAL_OK, kaal_cnode_revoke(harness_ref(ut)));
	harness_assert_slot_empty(v);
	assert_int_equal(UINT64_C(1) << 16, harness_bytes_left(ut));
	/* The frame's cap still says where it was mapped. */
	assert_int_equal(at, harness_mapped_at(w.before));
	assert_status(KAAL_OK, kaal_unmap(w.before));
	assert_int_equal(0, harness_mapped_at(w.before));
	assert_status(KAAL_ILLEGAL_OPERATION, kaal_unmap(w.before));

	/* The root maps it and finds what the thread wrote. */
	volatile uint32_t *p = map_rw(w.before);
	assert_int_equal(0xAB00, p[0]);
	p[0] = 0xAB10;
	assert_status(KAAL_OK, kaal_unmap(w.before));

	/* The thread, inactive and without a VSpace now, gets a new one and maps the frame in it.
	 */
	kaal_cptr v2 = harness_slot();
	assert_status(KAAL_OK, kaal_untyped_retype(ut, KAAL_CAP_VSPACE, h.bi->vspace_bits, 1,
	                                           harness_root_node(), v2, NULL));
	assert_status(KAAL_OK, kaal_thread_set_vspace(t, v2));
	again = w;
	again.before = 0;
	again.after = w.before;
	again.value = 0xAB20;
	again.st[1] = KAAL_INVALID_SYSCALL;
	start(t, &again);
	harness_await_bits(again.done, 3);
	assert_status(KAAL_OK, again.st[1]);
	assert_int_equal((uintptr_t)again.p[1], harness_mapped_at(w.before));
	await_end(&again);
	assert_frame_holds(w.before, 0xAB21);
}

/*
 * The same when V is destroyed by deleting its last caps: the root's, then
 * the thread holding the copy. A frame still marked mapped there is deleted
 * without trouble too.
 */
static void frame_outlives_deleted_vspace(void **state)
{
	(void)state;
	static struct worker w;
	kaal_cptr t = new_thread(&w);
	kaal_cptr v = new_vspace();
	assert_status(KAAL_OK, kaal_thread_set_vspace(t, v));
	w.before = harness_frame();
	w.after = harness_frame();
	w.ep = harness_endpoint();
	w.value = 0xD00;
	kaal_cptr after_copy = harness_copy(w.after);
	start(t, &w);
	harness_await_bits(w.done, 3);
	assert_status(KAAL_OK, w.st[0]);
	assert_status(KAAL_OK, w.st[1]);
	await_end(&w);

	assert_status(KAAL_OK, kaal_cnode_delete(harness_ref(v)));
	harness_assert_slot_empty(v);
	/* The thread's copy keeps V: its frames are still mapped there. */
	assert_int_equal(0xD00, w.p[0][0]);
	assert_status(KAAL_OK, kaal_cnode_delete(harness_ref(t)));
	harness_assert_slot_empty(t);

	assert_int_equal((uintptr_t)w.p[0], harness_mapped_at(w.before));
	assert_status(KAAL_OK, kaal_unmap(w.before));
	assert_int_equal(0, harness_mapped_at(w.before));
	volatile uint32_t *p = map_rw(w.before);
	assert_int_equal(0xD00, p[0]);

	assert_int_equal((uintptr_t)w.p[1], harness_mapped_at(w.after));
	assert_status(KAAL_OK, kaal_cnode_delete(harness_ref(w.after)));
	harness_assert_slot_empty(w.after);
	assert_int_equal(0xD01, map_rw(after_copy)[0]);
}

/* Retype as many VSpaces as count asks, expecting status; on failure nothing is made. */
static void retype_vspaces(kaal_status expected, kaal_cptr first, unsigned count)
{
	uint64_t left = harness_bytes_left(h.untyped);
	assert_status(expected, kaal_untyped_retype(h.untyped, KAAL_CAP_VSPACE, h.bi->vspace_bits,
	                                            count, harness_root_node(), first, NULL));
	for (unsigned i = 0; i < count; i++) {
		if (expected == KAAL_OK)
			assert_int_equal(KAAL_CAP_VSPACE, harness_identify(first + i).type);
		else
			harness_assert_slot_empty(first + i);
	}
	if (expected == KAAL_OK) {
		assert_true(harness_bytes_left(h.untyped) <=
		            left - count * (UINT64_C(1) << h.bi->vspace_bits));
	} else {
		assert_int_equal(left, harness_bytes_left(h.untyped));
	}
}

/*
 * 256 VSpaces live at once, the root's included. Beyond, retype is
 * KAAL_LIMIT_REACHED and makes nothing; a VSpace counts until its last cap
 * (a copy, or a thread's) is gone.
 */
static void live_limit(void **state)
{
	(void)state;
	kaal_cptr base = harness_slot();
	for (unsigned i = 1; i < MAX_LIVE + 2; i++)
		harness_slot();

	retype_vspaces(KAAL_OK, base, MAX_LIVE - 2);
	/* One left: two at once are refused, and neither is made. */
	retype_vspaces(KAAL_LIMIT_REACHED, base + MAX_LIVE - 2, 2);
	retype_vspaces(KAAL_OK, base + MAX_LIVE - 2, 1);
	kaal_cptr spare = base + MAX_LIVE - 1;
	retype_vspaces(KAAL_LIMIT_REACHED, spare, 1);
	retype_vspaces(KAAL_LIMIT_REACHED, spare, 2);
	/* Other objects are not limited. */
	kaal_cptr ep = harness_endpoint();

	/* A copy keeps its VSpace alive. */
	kaal_cptr copy = harness_copy(base);
	assert_status(KAAL_OK, kaal_cnode_delete(harness_ref(base)));
	retype_vspaces(KAAL_LIMIT_REACHED, spare, 1);
	assert_status(KAAL_OK, kaal_cnode_delete(harness_ref(copy)));
	retype_vspaces(KAAL_OK, spare, 1);
	retype_vspaces(KAAL_LIMIT_REACHED, base, 1);

	/* So does a thread's copy; a thread that inherits one makes no new VSpace. */
	static struct worker w, inherited;
	kaal_cptr t = new_thread(&w);
	assert_status(KAAL_OK, kaal_thread_set_vspace(t, base + 1));
	assert_status(KAAL_OK, kaal_cnode_delete(harness_ref(base + 1)));
	retype_vspaces(KAAL_LIMIT_REACHED, base, 1);
	kaal_cptr u = new_thread(&inherited);
	inherited.before = harness_frame();
	start(u, &inherited);
	harness_await_bits(inherited.done, 3);
	assert_status(KAAL_OK, inherited.st[0]);
	retype_vspaces(KAAL_LIMIT_REACHED, base, 1);
	assert_status(KAAL_OK, kaal_cnode_delete(harness_ref(t)));
	retype_vspaces(KAAL_OK, base, 1);
	retype_vspaces(KAAL_LIMIT_REACHED, base + 1, 1);
	assert_int_equal(KAAL_CAP_ENDPOINT, harness_identify(ep).type);
}

/*
 * A boot makes at most 65535 VSpaces, the root's first, even when few are
 * alive: ids are not reused.
 */
static void per_boot_limit(void **state)
{
	(void)state;
	const unsigned batch = MAX_LIVE - 1;
	kaal_cptr ut = harness_create(KAAL_CAP_UNTYPED, KAAL_PAGE_BITS + 8);
	kaal_cptr base = harness_slot();
	for (unsigned i = 1; i < batch; i++)
		harness_slot();

	unsigned made = 1; /* the root's */
	while (MAX_PER_BOOT - made >= batch) {
		assert_status(KAAL_OK, kaal_untyped_retype(ut, KAAL_CAP_VSPACE, h.bi->vspace_bits,
		                                           batch, harness_root_node(), base, NULL));
		made += batch;
		assert_status(KAAL_OK, kaal_cnode_revoke(harness_ref(ut)));
	}
	unsigned rest = MAX_PER_BOOT - made;
	assert_true(rest > 1 && rest < batch);
	/* One more than the boot has left is refused, with room for it alive. */
	assert_status(KAAL_LIMIT_REACHED,
	              kaal_untyped_retype(ut, KAAL_CAP_VSPACE, h.bi->vspace_bits, rest + 1,
	                                  harness_root_node(), base, NULL));
	harness_assert_slot_empty(base);
	assert_int_equal(UINT64_C(1) << (KAAL_PAGE_BITS + 8), harness_bytes_left(ut));
	assert_status(KAAL_OK, kaal_untyped_retype(ut, KAAL_CAP_VSPACE, h.bi->vspace_bits, rest,
	                                           harness_root_node(), base, NULL));
	assert_status(KAAL_OK, kaal_cnode_revoke(harness_ref(ut)));
	assert_status(KAAL_LIMIT_REACHED,
	              kaal_untyped_retype(ut, KAAL_CAP_VSPACE, h.bi->vspace_bits, 1,
	                                  harness_root_node(), base, NULL));
	harness_assert_slot_empty(base);

	/* Threads still get VSpaces by inheriting copies, and map in them. */
	static struct worker w;
	kaal_cptr t = new_thread(&w);
	w.before = harness_frame();
	w.value = 5;
	start(t, &w);
	harness_await_bits(w.done, 3);
	assert_status(KAAL_OK, w.st[0]);
	assert_frame_holds(w.before, 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    HARNESS_CASE(retype_sizes),
	    HARNESS_CASE(set_vspace_errors),
	    HARNESS_CASE(threads_map_in_their_vspace),
	    HARNESS_CASE(revoked_vspace_refuses_map),
	    HARNESS_CASE(deleted_source_cap_keeps_the_vspace),
	    HARNESS_CASE(frame_outlives_revoked_vspace),
	    HARNESS_CASE(frame_outlives_deleted_vspace),
	    HARNESS_CASE(live_limit),
	    HARNESS_CASE(per_boot_limit),
	};
	return cmocka_run_group_tests_name("vspace", tests, NULL, NULL);
}
