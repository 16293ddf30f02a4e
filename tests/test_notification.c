/* Notification objects: signal, wait, poll, peek, timeouts, badges and rights. */
#include <string.h>
#include <time.h>

#include "harness.h"

static void seed_sequence(void **state)
{
	(void)state;
	kaal_cptr n = harness_create(KAAL_CAP_NOTIFICATION, 0);
	kaal_word bits = 99;
	assert_status(KAAL_OK, kaal_poll(n, &bits));
	assert_int_equal(0, bits);
	assert_status(KAAL_OK, kaal_signal(n, 0x5));
	assert_status(KAAL_OK, kaal_poll(n, &bits));
	assert_int_equal(0x5, bits);
	assert_status(KAAL_OK, kaal_poll(n, &bits));
	assert_int_equal(0, bits);
	assert_status(KAAL_OK, kaal_signal(n, 0x1));
	assert_status(KAAL_OK, kaal_signal(n, 0x2));
	assert_status(KAAL_OK, kaal_signal(n, 0x4));
	assert_status(KAAL_OK, kaal_poll(n, &bits));
	assert_int_equal(0x7, bits);
}

static void peek_does_not_clear(void **state)
{
	(void)state;
	kaal_cptr n = harness_create(KAAL_CAP_NOTIFICATION, 0);
	kaal_word bits = 0;
	assert_status(KAAL_OK, kaal_signal(n, 0x30));
	assert_status(KAAL_OK, kaal_peek(n, &bits));
	assert_int_equal(0x30, bits);
	assert_status(KAAL_OK, kaal_peek(n, &bits));
	assert_int_equal(0x30, bits);
	assert_status(KAAL_OK, kaal_wait(n, &bits));
	assert_int_equal(0x30, bits);
	assert_status(KAAL_OK, kaal_peek(n, &bits));
	assert_int_equal(0, bits);
}

static void wait_timeout_expires(void **state)
{
	(void)state;
	kaal_cptr n = harness_create(KAAL_CAP_NOTIFICATION, 0);
	kaal_word bits = 1;
	assert_status(KAAL_TIMEOUT, kaal_wait_timeout(n, 1000000, &bits));
	assert_int_equal(0, bits);
	assert_status(KAAL_TIMEOUT, kaal_wait_timeout(n, 0, &bits));
	assert_status(KAAL_OK, kaal_signal(n, 8));
	assert_status(KAAL_OK, kaal_wait_timeout(n, 0, &bits));
	assert_int_equal(8, bits);
}

#define R  KAAL_RIGHT_READ
#define W  KAAL_RIGHT_WRITE
#define G  KAAL_RIGHT_GRANT
#define GR KAAL_RIGHT_GRANT_REPLY

/* A waiter thread: one wait (with a deadline if timeout_ns), then report_bit on report. */
struct waiter {
	kaal_cptr ntfn;
	kaal_cptr report;
	kaal_word report_bit;
	uint64_t timeout_ns;
	kaal_status st;
	kaal_word bits;
	uint64_t elapsed_ns;
};

static void waiter(kaal_word arg)
{
	struct waiter *w = PTR(arg);
	uint64_t start = harness_now_ns();
	w->st = w->timeout_ns ? kaal_wait_timeout(w->ntfn, w->timeout_ns, &w->bits)
	                      : kaal_wait(w->ntfn, &w->bits);
	w->elapsed_ns = harness_now_ns() - start;
	kaal_signal(w->report, w->report_bit);
}

static kaal_cptr start_waiter(struct waiter *w, kaal_cptr ntfn, kaal_cptr report,
                              kaal_word report_bit, uint64_t timeout_ns)
{
	memset(w, 0, sizeof(*w));
	w->ntfn = ntfn;
	w->report = report;
	w->report_bit = report_bit;
	w->timeout_ns = timeout_ns;
	w->bits = 0xDEAD;
	return harness_thread(waiter, ARG(w), 0);
}

/* A receiver thread: one receive on ep, then report_bit on report. */
struct receiver {
	kaal_cptr ep;
	kaal_cptr report;
	kaal_word report_bit;
	kaal_status st;
	struct kaal_msg m;
};

static void receiver(kaal_word arg)
{
	struct receiver *r = PTR(arg);
	r->st = kaal_recv(r->ep, &r->m);
	kaal_signal(r->report, r->report_bit);
}

/* Signal needs Write: a cap without it changes nothing. */
static void signal_needs_write(void **state)
{
	(void)state;
	kaal_cptr n = harness_notification();
	const unsigned no_write[] = {0, R, G, GR, R | G | GR};
	for (unsigned i = 0; i < sizeof(no_write) / sizeof(no_write[0]); i++)
		assert_status(KAAL_MISSING_RIGHT, kaal_signal(harness_derive(n, no_write[i]), 0x1));
	assert_status(KAAL_MISSING_RIGHT, kaal_signal(harness_mint(n, R, 0x40), 0x1));
	assert_int_equal(0, harness_peek(n));
	assert_status(KAAL_OK, kaal_signal(harness_derive(n, W), 0x2));
	assert_int_equal(0x2, harness_peek(n));
}

/* Wait, poll, peek and wait_timeout need Read: without it they neither block nor take bits. */
static void receiving_needs_read(void **state)
{
	(void)state;
	kaal_cptr n = harness_notification();
	assert_status(KAAL_OK, kaal_signal(n, 0x3));
	const unsigned no_read[] = {0, W, G, GR, W | G | GR};
	for (unsigned i = 0; i < sizeof(no_read) / sizeof(no_read[0]); i++) {
		kaal_cptr c = harness_derive(n, no_read[i]);
		kaal_word bits = 0xDEAD;
		assert_status(KAAL_MISSING_RIGHT, kaal_wait(c, &bits));
		assert_int_equal(0, bits);
		assert_status(KAAL_MISSING_RIGHT, kaal_poll(c, &bits));
		assert_status(KAAL_MISSING_RIGHT, kaal_peek(c, &bits));
		assert_int_equal(0, bits);
		assert_status(KAAL_MISSING_RIGHT, kaal_wait_timeout(c, HARNESS_WAIT_NS, &bits));
		assert_status(KAAL_MISSING_RIGHT, kaal_wait_timeout(c, 0, &bits));
	}
	assert_int_equal(0x3, harness_peek(n));
	kaal_word bits = 0;
	assert_status(KAAL_OK, kaal_poll(harness_derive(n, R), &bits));
	assert_int_equal(0x3, bits);
}

/* A badged cap signals its badge, whatever bits the call passes, even none. */
static void badged_capability_signals_its_badge(void **state)
{
	(void)state;
	kaal_cptr n = harness_notification();
	kaal_cptr b1 = harness_mint(n, W, 0x80), b2 = harness_mint(n, R | W, 0x100);
	kaal_word bits = 0;
	assert_status(KAAL_OK, kaal_signal(b1, 0x1));
	assert_status(KAAL_OK, kaal_poll(n, &bits));
	assert_int_equal(0x80, bits);
	assert_status(KAAL_OK, kaal_signal(b1, 0));
	assert_status(KAAL_OK, kaal_poll(n, &bits));
	assert_int_equal(0x80, bits);
	assert_status(KAAL_OK, kaal_signal(b1, ~UINT64_C(0)));
	assert_status(KAAL_OK, kaal_signal(b2, 0x7));
	assert_status(KAAL_OK, kaal_poll(n, &bits));
	assert_int_equal(0x180, bits);

	/* The badge reaches a waiter as well; receiving through a badged cap is plain. */
	kaal_cptr report = harness_notification();
	static struct waiter w;
	harness_wait_blocked(start_waiter(&w, b2, report, 1, 0));
	assert_status(KAAL_OK, kaal_signal(b1, 0));
	harness_await_bits(report, 1);
	assert_status(KAAL_OK, w.st);
	assert_int_equal(0x80, w.bits);
	assert_int_equal(0, harness_peek(n));
}

/* Signalling no bits through an unbadged cap does nothing, with or without a waiter. */
static void zero_bits_signal_nothing(void **state)
{
	(void)state;
	kaal_cptr n = harness_notification(), report = harness_notification();
	assert_status(KAAL_OK, kaal_signal(n, 0));
	assert_int_equal(0, harness_peek(n));

	static struct waiter w;
	kaal_cptr t = start_waiter(&w, n, report, 1, 0);
	harness_wait_blocked(t);
	assert_status(KAAL_OK, kaal_signal(n, 0));
	assert_int_equal(0, harness_peek(n));
	harness_wait_blocked(t);
	assert_status(KAAL_OK, kaal_signal(n, 0x4));
	harness_await_bits(report, 1);
	assert_status(KAAL_OK, w.st);
	assert_int_equal(0x4, w.bits);
	assert_int_equal(0, harness_peek(n));
}

/*
 * With threads waiting, a signal goes to the one that waited first, only to
 * it, and straight to it: the word stays 0. Each signal is seen exactly once.
 */
static void signal_goes_to_the_first_waiter_only(void **state)
{
	(void)state;
	kaal_cptr n = harness_notification(), report = harness_notification();
	static struct waiter w[3];
	for (unsigned i = 0; i < 3; i++)
		harness_wait_blocked(start_waiter(&w[i], n, report, UINT64_C(1) << i, 0));
	for (unsigned i = 0; i < 3; i++) {
		kaal_word bits = UINT64_C(0x10) << i;
		assert_status(KAAL_OK, kaal_signal(n, bits));
		assert_int_equal(0, harness_peek(n));
		/* Only waiter i reports: the others are still blocked. */
		harness_await_bits(report, UINT64_C(1) << i);
		assert_status(KAAL_OK, w[i].st);
		assert_int_equal(bits, w[i].bits);
	}
	assert_int_equal(0, harness_peek(n));
}

/*
 * Waiters are served by priority, highest first, and in the order they
 * queued within one priority; a waiter whose priority changes takes its
 * new place in the queue. The waiters block in the order 0, 1, 2, 3.
 */
static void signal_goes_to_the_highest_priority_waiter(void **state)
{
	(void)state;
	enum { WAITERS = 4 };
	static const unsigned priority[WAITERS] = {100, 200, 150, 200};
	static const unsigned woken[WAITERS] = {1, 3, 2, 0};
	kaal_cptr n = harness_notification(), report = harness_notification();
	static struct waiter w[WAITERS];
	for (unsigned i = 0; i < WAITERS; i++) {
		kaal_cptr t = start_waiter(&w[i], n, report, UINT64_C(1) << i, 0);
		harness_wait_blocked(t);
		assert_status(KAAL_OK, kaal_thread_set_priority(t, priority[i]));
	}
	for (unsigned k = 0; k < WAITERS; k++) {
		unsigned i = woken[k];
		assert_status(KAAL_OK, kaal_signal(n, UINT64_C(0x10) << i));
		harness_await_bits(report, UINT64_C(1) << i);
		assert_int_equal(UINT64_C(0x10) << i, w[i].bits);
	}
}

/* A waiter raised above the others while it waits is served first, the rest in order. */
static void raised_waiter_moves_to_the_front(void **state)
{
	(void)state;
	enum { WAITERS = 3, RAISED = 2, HIGHER = 180 };
	static const unsigned woken[WAITERS] = {RAISED, 0, 1};
	kaal_cptr n = harness_notification(), report = harness_notification();
	static struct waiter w[WAITERS];
	kaal_cptr t[WAITERS];
	for (unsigned i = 0; i < WAITERS; i++)
		harness_wait_blocked(t[i] = start_waiter(&w[i], n, report, UINT64_C(1) << i, 0));
	assert_status(KAAL_OK, kaal_thread_set_priority(t[RAISED], HIGHER));
	for (unsigned k = 0; k < WAITERS; k++) {
		assert_status(KAAL_OK, kaal_signal(n, 1));
		harness_await_bits(report, UINT64_C(1) << woken[k]);
	}
}

/* A wait with a deadline ends with the bits of a signal that comes before it. */
static void wait_timeout_ended_by_a_signal(void **state)
{
	(void)state;
	kaal_cptr n = harness_notification(), report = harness_notification();
	static struct waiter w;
	harness_wait_blocked(start_waiter(&w, n, report, 1, HARNESS_WAIT_NS));
	assert_status(KAAL_OK, kaal_signal(n, 0x40));
	harness_await_bits(report, 1);
	assert_status(KAAL_OK, w.st);
	assert_int_equal(0x40, w.bits);
	assert_true(w.elapsed_ns < HARNESS_WAIT_NS);
	assert_int_equal(0, harness_peek(n));

	/* A deadline past the end of time waits as long as it takes. */
	harness_wait_blocked(start_waiter(&w, n, report, 2, UINT64_MAX));
	assert_status(KAAL_OK, kaal_signal(n, 0x80));
	harness_await_bits(report, 2);
	assert_status(KAAL_OK, w.st);
	assert_int_equal(0x80, w.bits);
	kaal_word bits = 0;
	assert_status(KAAL_OK, kaal_signal(n, 0x3));
	assert_status(KAAL_OK, kaal_wait_timeout(n, UINT64_MAX, &bits));
	assert_int_equal(0x3, bits);
}

/* A waiter whose deadline passed is no longer queued: later bits stay in the word. */
static void timed_out_waiter_leaves_the_queue(void **state)
{
	(void)state;
	kaal_cptr n = harness_notification(), report = harness_notification();
	static struct waiter w;
	start_waiter(&w, n, report, 1, 1000000);
	harness_await_bits(report, 1);
	assert_status(KAAL_TIMEOUT, w.st);
	assert_int_equal(0, w.bits);
	assert_true(w.elapsed_ns >= 1000000);

	assert_status(KAAL_OK, kaal_signal(n, 0x8));
	assert_int_equal(0x8, harness_peek(n));
	kaal_word bits = 0;
	assert_status(KAAL_OK, kaal_wait_timeout(n, HARNESS_WAIT_NS, &bits));
	assert_int_equal(0x8, bits);
}

/*
 * Deleting a copy leaves the notification and its waiters alone; deleting
 * the last capability wakes every waiter, with or without a deadline, with
 * KAAL_OBJECT_DELETED.
 */
static void deleting_a_notification_wakes_its_waiters(void **state)
{
	(void)state;
	kaal_cptr n = harness_notification(), report = harness_notification();
	kaal_cptr copy = harness_derive(n, KAAL_RIGHTS_ALL);
	static struct waiter w[3];
	for (unsigned i = 0; i < 3; i++)
		harness_wait_blocked(
		    start_waiter(&w[i], n, report, UINT64_C(1) << i, i == 1 ? HARNESS_WAIT_NS : 0));

	assert_status(KAAL_OK, kaal_cnode_delete(harness_ref(copy)));
	assert_status(KAAL_OK, kaal_signal(n, 0x1));
	harness_await_bits(report, 1);
	assert_status(KAAL_OK, w[0].st);
	assert_int_equal(0x1, w[0].bits);

	assert_status(KAAL_OK, kaal_cnode_delete(harness_ref(n)));
	harness_await_bits(report, 6);
	for (unsigned i = 1; i < 3; i++) {
		assert_status(KAAL_OBJECT_DELETED, w[i].st);
		assert_int_equal(0, w[i].bits);
	}
	assert_int_equal(KAAL_CAP_NULL, harness_identify(n).type);
}

/*
 * Destroying a bound notification unbinds it; a thread it was bound to that
 * is blocked in receive keeps receiving on its endpoint.
 */
static void deleting_a_bound_notification_unbinds_it(void **state)
{
	(void)state;
	kaal_cptr t = harness_create(KAAL_CAP_THREAD, 0);
	kaal_cptr n = harness_notification();
	assert_status(KAAL_OK, kaal_thread_bind_notification(t, n));
	assert_status(KAAL_OK, kaal_cnode_delete(harness_ref(n)));
	assert_status(KAAL_OK, kaal_thread_bind_notification(t, harness_notification()));

	kaal_cptr ep = harness_create(KAAL_CAP_ENDPOINT, 0), report = harness_notification();
	kaal_cptr bound = harness_notification();
	static struct receiver r;
	r.ep = ep;
	r.report = report;
	r.report_bit = 1;
	kaal_cptr rt = harness_thread(receiver, ARG(&r), 0);
	assert_status(KAAL_OK, kaal_thread_bind_notification(rt, bound));
	harness_wait_blocked(rt);
	assert_status(KAAL_OK, kaal_cnode_delete(harness_ref(bound)));
	struct kaal_msg m = {kaal_msg_info(3, 1, 0), {33, 0, 0, 0}, 0};
	assert_status(KAAL_OK, kaal_send(ep, &m));
	harness_await_bits(report, 1);
	assert_status(KAAL_OK, r.st);
	assert_int_equal(kaal_msg_info(3, 1, 0), r.m.info);
	assert_int_equal(33, r.m.mr[0]);
	/* The thread is free to be bound again. */
	assert_status(KAAL_OK, kaal_thread_bind_notification(rt, harness_notification()));
}

/* A thread waiting on the notification gets a signal before its bound thread in receive. */
static void waiter_comes_before_the_bound_receiver(void **state)
{
	(void)state;
	kaal_cptr n = harness_notification(), report = harness_notification();
	kaal_cptr ep = harness_create(KAAL_CAP_ENDPOINT, 0);
	static struct receiver r;
	r.ep = ep;
	r.report = report;
	r.report_bit = 2;
	kaal_cptr rt = harness_thread(receiver, ARG(&r), 0);
	assert_status(KAAL_OK, kaal_thread_bind_notification(rt, n));
	harness_wait_blocked(rt);
	static struct waiter w;
	harness_wait_blocked(start_waiter(&w, n, report, 1, 0));

	assert_status(KAAL_OK, kaal_signal(n, 0x1));
	harness_await_bits(report, 1);
	assert_status(KAAL_OK, w.st);
	assert_int_equal(0x1, w.bits);

	assert_status(KAAL_OK, kaal_signal(n, 0x2));
	assert_int_equal(0, harness_peek(n));
	harness_await_bits(report, 2);
	assert_status(KAAL_OK, r.st);
	assert_int_equal(KAAL_MSG_FROM_NOTIFICATION, r.m.info);
	assert_int_equal(0x2, r.m.badge);
}

/*
 * Bits pending when the notification is bound to a thread already blocked
 * in receive stay pending; the next signal ends the receive with the
 * pending bits and its own together, and leaves the word clear.
 */
static void pending_bits_reach_the_bound_receiver_with_the_next_signal(void **state)
{
	(void)state;
	kaal_cptr n = harness_notification(), report = harness_notification();
	kaal_cptr ep = harness_create(KAAL_CAP_ENDPOINT, 0);
	const kaal_word pending = 0x5, next = 0x30;
	assert_status(KAAL_OK, kaal_signal(n, pending));
	static struct receiver r;
	r = (struct receiver){.ep = ep, .report = report, .report_bit = 1};
	kaal_cptr rt = harness_thread(receiver, ARG(&r), 0);
	/* Only a thread that blocked before it was bound can hold bits it has not received. */
	harness_wait_blocked(rt);
	assert_status(KAAL_OK, kaal_thread_bind_notification(rt, n));
	/* Binding delivers nothing: the bits wait in the word, the thread in receive. */
	bool blocked = false;
	assert_status(KAAL_OK, kaal_host_thread_blocked(rt, &blocked));
	assert_true(blocked);
	assert_int_equal(pending, harness_peek(n));

	assert_status(KAAL_OK, kaal_signal(n, next));
	harness_await_bits(report, 1);
	assert_status(KAAL_OK, r.st);
	assert_int_equal(KAAL_MSG_FROM_NOTIFICATION, r.m.info);
	assert_int_equal(pending | next, r.m.badge);
	assert_int_equal(0, harness_peek(n));
}

/* Notification calls on other types, empty slots and unresolvable pointers. */
static void wrong_type_and_empty_slot(void **state)
{
	(void)state;
	kaal_cptr n = harness_notification();
	kaal_cptr ep = harness_create(KAAL_CAP_ENDPOINT, 0);
	const kaal_cptr wrong[] = {ep, h.root, h.bi->root_thread_cptr, h.untyped,
	                           h.bi->ipc_buffer_cptr};
	const kaal_cptr empty[] = {0, harness_slot()};
	kaal_word bits = 0;
	for (unsigned i = 0; i < sizeof(wrong) / sizeof(wrong[0]); i++) {
		assert_status(KAAL_WRONG_TYPE, kaal_signal(wrong[i], 1));
		assert_status(KAAL_WRONG_TYPE, kaal_wait(wrong[i], &bits));
		assert_status(KAAL_WRONG_TYPE, kaal_poll(wrong[i], &bits));
		assert_status(KAAL_WRONG_TYPE, kaal_peek(wrong[i], &bits));
		assert_status(KAAL_WRONG_TYPE, kaal_wait_timeout(wrong[i], HARNESS_WAIT_NS, &bits));
	}
	for (unsigned i = 0; i < 2; i++) {
		assert_status(KAAL_SLOT_EMPTY, kaal_signal(empty[i], 1));
		assert_status(KAAL_SLOT_EMPTY, kaal_wait(empty[i], &bits));
		assert_status(KAAL_SLOT_EMPTY, kaal_poll(empty[i], &bits));
		assert_status(KAAL_SLOT_EMPTY, kaal_peek(empty[i], &bits));
		assert_status(KAAL_SLOT_EMPTY, kaal_wait_timeout(empty[i], HARNESS_WAIT_NS, &bits));
	}
	kaal_cptr beyond = n | (UINT64_C(1) << 63);
	assert_status(KAAL_GUARD_MISMATCH, kaal_signal(beyond, 1));
	assert_status(KAAL_GUARD_MISMATCH, kaal_wait(beyond, &bits));
	assert_int_equal(0, harness_peek(n));
	assert_int_equal(KAAL_CAP_NULL, harness_identify(empty[1]).type);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    HARNESS_CASE(seed_sequence),
	    HARNESS_CASE(peek_does_not_clear),
	    HARNESS_CASE(wait_timeout_expires),
	    HARNESS_CASE(signal_needs_write),
	    HARNESS_CASE(receiving_needs_read),
	    HARNESS_CASE(badged_capability_signals_its_badge),
	    HARNESS_CASE(zero_bits_signal_nothing),
	    HARNESS_CASE(signal_goes_to_the_first_waiter_only),
	    HARNESS_CASE(signal_goes_to_the_highest_priority_waiter),
	    HARNESS_CASE(raised_waiter_moves_to_the_front),
	    HARNESS_CASE(wait_timeout_ended_by_a_signal),
	    HARNESS_CASE(timed_out_waiter_leaves_the_queue),
	    HARNESS_CASE(deleting_a_notification_wakes_its_waiters),
	    HARNESS_CASE(deleting_a_bound_notification_unbinds_it),
	    HARNESS_CASE(waiter_comes_before_the_bound_receiver),
	    HARNESS_CASE(pending_bits_reach_the_bound_receiver_with_the_next_signal),
	    HARNESS_CASE(wrong_type_and_empty_slot),
	};
	return cmocka_run_group_tests_name("notification", tests, NULL, NULL);
}
