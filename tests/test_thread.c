/*
 * Threads: configure and start and their errors, exit and restart,
 * priorities, bound notifications, and destroying a thread wherever it is
 * blocked. A destroyed thread's pending call returns KAAL_OBJECT_DELETED,
 * as does every later call it makes, and its pthread still finishes.
 *
 * Started threads never call cmocka: they note what they saw and signal a
 * notification, or meet the test at the harness barrier once the kernel no
 * longer answers them.
 */
#include <pthread.h>
#include <string.h>

#include "harness.h"

/* A frame mapped for the test to look into, usable as an IPC buffer. */
static kaal_cptr new_ipc_frame(struct kaal_ipc_buffer **mapped)
{
	kaal_cptr frame = harness_create(KAAL_CAP_FRAME, KAAL_PAGE_BITS);
	void *p;
	assert_status(KAAL_OK, kaal_map(frame, 0, KAAL_RIGHT_READ | KAAL_RIGHT_WRITE, &p));
	*mapped = p;
	return frame;
}

/*
 * What the threads started with kaal_thread_start() share with the test:
 * cptrs as the thread names them, and what it saw.
 */
struct worker {
	struct kaal_ipc_buffer *ipc; /* the thread's IPC buffer as the test mapped it */
	kaal_cptr ep;
	kaal_cptr done;
	kaal_cptr gate;
	kaal_cptr self;
	unsigned runs;
	kaal_word arg;
	struct kaal_msg m[2];
	kaal_status st[2];
	kaal_word bits;
};

/* Tell the test it ran (bit 1 of done). */
static void signal_done(kaal_word arg)
{
	struct worker *w = PTR(arg);
	w->runs++;
	/* The test reads runs once this signal arrives; nothing is written after it. */
	kaal_signal(w->done, 1);
}

/* Configure rejects a wrong operand with its error and changes nothing. */
static void configure_rejects_bad_operands(void **state)
{
	(void)state;
	kaal_cptr t = harness_create(KAAL_CAP_THREAD, 0);
	kaal_cptr ep = harness_endpoint(), n = harness_notification(), empty = harness_slot();
	static struct worker w;
	kaal_cptr frame = new_ipc_frame(&w.ipc);
	kaal_cptr read_only = harness_derive(frame, KAAL_RIGHT_READ);
	kaal_cptr write_only = harness_derive(frame, KAAL_RIGHT_WRITE);

	assert_status(KAAL_WRONG_TYPE, kaal_thread_configure(ep, h.root, frame, 1));
	assert_status(KAAL_SLOT_EMPTY, kaal_thread_configure(empty, h.root, frame, 1));
	assert_status(KAAL_WRONG_TYPE, kaal_thread_configure(t, n, frame, 1));
	assert_status(KAAL_WRONG_TYPE, kaal_thread_configure(t, frame, frame, 1));
	assert_status(KAAL_SLOT_EMPTY, kaal_thread_configure(t, empty, frame, 1));
	assert_status(KAAL_SLOT_EMPTY, kaal_thread_configure(t, 0, frame, 1));
	assert_status(KAAL_WRONG_TYPE, kaal_thread_configure(t, h.root, ep, 1));
	assert_status(KAAL_WRONG_TYPE, kaal_thread_configure(t, h.root, h.root, 1));
	assert_status(KAAL_SLOT_EMPTY, kaal_thread_configure(t, h.root, empty, 1));
	assert_status(KAAL_MISSING_RIGHT, kaal_thread_configure(t, h.root, read_only, 1));
	assert_status(KAAL_MISSING_RIGHT, kaal_thread_configure(t, h.root, write_only, 1));
	assert_status(KAAL_INVALID_ARGUMENT, kaal_thread_configure(t, h.root, frame, 256));
	assert_status(KAAL_INVALID_ARGUMENT, kaal_thread_configure(t, h.root, frame, ~0u));
	assert_int_equal(KAAL_CAP_NULL, harness_identify(empty).type);

	/* The thread still has no CSpace, so it cannot start. */
	w.done = harness_notification();
	assert_status(KAAL_ILLEGAL_OPERATION,
	              kaal_thread_start(t, signal_done, harness_stack(), ARG(&w), w.ipc));

	assert_status(KAAL_OK, kaal_thread_configure(t, h.root, frame, 255));
	assert_status(KAAL_OK, kaal_thread_start(t, signal_done, harness_stack(), ARG(&w), w.ipc));
	harness_await_bits(w.done, 1);
	assert_int_equal(1, w.runs);
}

/* Receive on ep once, then say so on done, both named in the thread's own CSpace. */
static void receive_once(kaal_word arg)
{
	struct worker *w = PTR(arg);
	w->st[0] = kaal_recv(w->ep, &w->m[0]);
	kaal_signal(w->done, 1);
}

/*
 * A configure that fails on any operand leaves the CSpace, the IPC buffer
 * and the priority the thread had: here a CSpace of its own where slot 1
 * holds the endpoint and slot 2 the notification.
 */
static void failed_configure_keeps_the_configuration(void **state)
{
	(void)state;
	kaal_cptr ep = harness_endpoint(), done = harness_notification();
	kaal_cptr cnode = harness_create(KAAL_CAP_CNODE, 4);
	struct kaal_slot_ref ep_ref = {cnode, 1, 4}, done_ref = {cnode, 2, 4};
	assert_status(KAAL_OK, kaal_cnode_copy(ep_ref, harness_ref(ep)));
	assert_status(KAAL_OK, kaal_cnode_copy(done_ref, harness_ref(done)));

	static struct worker w;
	struct kaal_ipc_buffer *other_ipc;
	kaal_cptr frame = new_ipc_frame(&w.ipc), other = new_ipc_frame(&other_ipc);
	kaal_cptr other_read_only = harness_derive(other, KAAL_RIGHT_READ);
	kaal_cptr t = harness_create(KAAL_CAP_THREAD, 0);
	assert_status(KAAL_OK, kaal_thread_configure(t, cnode, frame, 7));

	assert_status(KAAL_INVALID_ARGUMENT, kaal_thread_configure(t, h.root, other, 256));
	assert_status(KAAL_WRONG_TYPE, kaal_thread_configure(t, h.root, ep, 7));
	assert_status(KAAL_MISSING_RIGHT, kaal_thread_configure(t, h.root, other_read_only, 7));
	assert_status(KAAL_WRONG_TYPE, kaal_thread_configure(t, ep, other, 7));

	/* A cptr resolves 4 bits in the 16-slot CNode: the slot index is the top nibble. */
	w.ep = UINT64_C(1) << 60;
	w.done = UINT64_C(2) << 60;
	assert_status(KAAL_OK, kaal_thread_start(t, receive_once, harness_stack(), ARG(&w), w.ipc));
	struct kaal_msg m = harness_word_message(3, 33);
	assert_status(KAAL_OK, kaal_send(harness_mint(ep, KAAL_RIGHT_WRITE, 0x42), &m));
	harness_await_bits(done, 1);
	assert_status(KAAL_OK, w.st[0]);
	assert_int_equal(0x42, w.m[0].badge);
	assert_int_equal(33, w.m[0].mr[0]);
	/* The kernel wrote the badge to the first frame, never to the other. */
	assert_int_equal(0x42, w.ipc->badge);
	assert_int_equal(0, other_ipc->badge);
	assert_int_equal(0, other_ipc->info);
}

/* Note the argument, wait for the gate, then say done. */
static void gated(kaal_word arg)
{
	struct worker *w = PTR(arg);
	w->runs++;
	w->arg = w->runs;
	w->st[0] = kaal_wait(w->gate, &w->bits);
	kaal_signal(w->done, 1);
}

/* Start needs a thread that is inactive, has a CSpace, and an entry point. */
static void start_rejects_bad_operands(void **state)
{
	(void)state;
	kaal_cptr ep = harness_endpoint(), empty = harness_slot();
	static struct worker w;
	w.done = harness_notification();
	w.gate = harness_notification();
	kaal_cptr frame = new_ipc_frame(&w.ipc);
	kaal_cptr t = harness_create(KAAL_CAP_THREAD, 0);

	assert_status(KAAL_WRONG_TYPE,
	              kaal_thread_start(ep, gated, harness_stack(), ARG(&w), w.ipc));
	assert_status(KAAL_SLOT_EMPTY,
	              kaal_thread_start(empty, gated, harness_stack(), ARG(&w), w.ipc));
	assert_status(KAAL_ILLEGAL_OPERATION,
	              kaal_thread_start(t, gated, harness_stack(), ARG(&w), w.ipc));
	assert_status(KAAL_OK, kaal_thread_configure(t, h.root, frame, 10));
	assert_status(KAAL_INVALID_ARGUMENT, kaal_thread_start(t, NULL, NULL, ARG(&w), w.ipc));
	assert_status(KAAL_INVALID_ARGUMENT,
	              kaal_thread_start(t, NULL, harness_stack(), ARG(&w), w.ipc));
	/* A stack is needed on every backend, though a host pthread brings its own. */
	assert_status(KAAL_INVALID_ARGUMENT, kaal_thread_start(t, gated, NULL, ARG(&w), w.ipc));
	assert_int_equal(0, w.runs);

	/* Neither failure left the thread running: it starts now. */
	assert_status(KAAL_OK, kaal_thread_start(t, gated, harness_stack(), ARG(&w), w.ipc));
	harness_wait_blocked(t);
	assert_status(KAAL_ILLEGAL_OPERATION,
	              kaal_thread_start(t, gated, harness_stack(), ARG(&w), w.ipc));
	assert_status(KAAL_ILLEGAL_OPERATION, kaal_thread_start(t, NULL, NULL, 0, NULL));
	/* Nor did it start a second one: the first is still waiting for the gate. */
	assert_status(KAAL_OK, kaal_signal(w.gate, 0x8));
	harness_await_bits(w.done, 1);
	assert_status(KAAL_OK, w.st[0]);
	assert_int_equal(0x8, w.bits);
	assert_int_equal(1, w.runs);
}

static _Noreturn void exit_now(void)
{
	kaal_thread_exit();
}

/* Receive one call and end without replying: on the second run by kaal_thread_exit(). */
static void serve_then_end(kaal_word arg)
{
	struct worker *w = PTR(arg);
	unsigned run = w->runs++;
	w->st[run % 2] = kaal_recv(w->ep, &w->m[run % 2]);
	if (run == 1)
		exit_now();
}

/*
 * A thread that ended is inactive and starts again (on the host, as a new
 * pthread). Ending drops the call it had not answered, which is how the test
 * knows the thread has ended.
 */
static void exited_thread_starts_again(void **state)
{
	(void)state;
	static struct worker w;
	w.ep = harness_endpoint();
	kaal_cptr frame = new_ipc_frame(&w.ipc);
	kaal_cptr t = harness_create(KAAL_CAP_THREAD, 0);
	assert_status(KAAL_OK, kaal_thread_configure(t, h.root, frame, 10));

	for (unsigned run = 0; run < 3; run++) {
		assert_status(
		    KAAL_OK, kaal_thread_start(t, serve_then_end, harness_stack(), ARG(&w), w.ipc));
		struct kaal_msg m = harness_word_message(run, 100 + run);
		assert_status(KAAL_OBJECT_DELETED, kaal_call(w.ep, &m));
		assert_int_equal(run + 1, w.runs);
		assert_status(KAAL_OK, w.st[run % 2]);
		assert_int_equal(100 + run, w.m[run % 2].mr[0]);
	}
}

/* Priorities run from 0 to 255. */
static void set_priority_checks_its_operands(void **state)
{
	(void)state;
	kaal_cptr t = harness_create(KAAL_CAP_THREAD, 0);
	assert_status(KAAL_OK, kaal_thread_set_priority(t, 0));
	assert_status(KAAL_OK, kaal_thread_set_priority(t, 255));
	assert_status(KAAL_INVALID_ARGUMENT, kaal_thread_set_priority(t, 256));
	assert_status(KAAL_INVALID_ARGUMENT, kaal_thread_set_priority(t, ~0u));
	assert_status(KAAL_OK, kaal_thread_set_priority(h.bi->root_thread_cptr, 200));
	assert_status(KAAL_WRONG_TYPE, kaal_thread_set_priority(harness_endpoint(), 1));
	assert_status(KAAL_SLOT_EMPTY, kaal_thread_set_priority(harness_slot(), 1));
	assert_status(KAAL_SLOT_EMPTY, kaal_thread_set_priority(0, 1));
}

static void assert_info(kaal_cptr t, unsigned state, unsigned priority)
{
	struct kaal_thread_info info = {99, 999};
	assert_status(KAAL_OK, kaal_thread_info(t, &info));
	assert_string_equal(kaal_thread_state_name(state), kaal_thread_state_name(info.state));
	assert_int_equal(priority, info.priority);
}

/* Wait on the gate; tell the test at the barrier when that ended. */
static void wait_on_gate(kaal_word arg)
{
	struct worker *w = PTR(arg);
	w->st[0] = kaal_wait(w->gate, &w->bits);
	harness_barrier_wait();
}

/* thread_info says what a thread does: never started, running, waiting, and its priority. */
static void thread_info_follows_the_thread(void **state)
{
	(void)state;
	static struct worker w;
	kaal_cptr t = harness_create(KAAL_CAP_THREAD, 0);
	assert_info(t, KAAL_THREAD_INACTIVE, 0);
	assert_status(KAAL_OK, kaal_thread_set_priority(t, 42));
	assert_info(t, KAAL_THREAD_INACTIVE, 42);
	/* The caller itself runs. */
	assert_status(KAAL_OK, kaal_thread_set_priority(h.bi->root_thread_cptr, 200));
	assert_info(h.bi->root_thread_cptr, KAAL_THREAD_RUNNING, 200);

	w.gate = harness_notification();
	harness_barrier_init(2);
	kaal_cptr waiter = harness_thread(wait_on_gate, ARG(&w), 0);
	harness_wait_blocked(waiter);
	struct kaal_thread_info info;
	assert_status(KAAL_OK, kaal_thread_info(waiter, &info));
	assert_int_equal(KAAL_THREAD_WAIT_NOTIFICATION, info.state);
	assert_status(KAAL_OK, kaal_signal(w.gate, 1));
	harness_barrier_wait();
	assert_status(KAAL_OK, w.st[0]);

	assert_status(KAAL_WRONG_TYPE, kaal_thread_info(harness_endpoint(), &info));
	assert_status(KAAL_SLOT_EMPTY, kaal_thread_info(harness_slot(), &info));
	assert_status(KAAL_INVALID_ARGUMENT, kaal_thread_info(t, NULL));
	assert_string_equal("?", kaal_thread_state_name(KAAL_THREAD_STATE_COUNT));
	assert_string_equal("wait-reply", kaal_thread_state_name(KAAL_THREAD_WAIT_REPLY));
	assert_string_equal("endpoint", kaal_cap_type_name(KAAL_CAP_ENDPOINT));
	assert_string_equal("?", kaal_cap_type_name(KAAL_CAP_TYPE_COUNT));
}

/* A thread has at most one bound notification and a notification at most one thread. */
static void bind_notification_errors(void **state)
{
	(void)state;
	kaal_cptr t1 = harness_create(KAAL_CAP_THREAD, 0), t2 = harness_create(KAAL_CAP_THREAD, 0);
	kaal_cptr n1 = harness_notification(), n2 = harness_notification(), ep = harness_endpoint();

	assert_status(KAAL_ILLEGAL_OPERATION, kaal_thread_unbind_notification(t1));
	assert_status(KAAL_OK, kaal_thread_bind_notification(t1, n1));
	assert_status(KAAL_ILLEGAL_OPERATION, kaal_thread_bind_notification(t1, n1));
	assert_status(KAAL_ILLEGAL_OPERATION, kaal_thread_bind_notification(t1, n2));
	assert_status(KAAL_ILLEGAL_OPERATION, kaal_thread_bind_notification(t2, n1));
	assert_status(KAAL_ILLEGAL_OPERATION,
	              kaal_thread_bind_notification(t2, harness_derive(n1, 1)));
	assert_status(KAAL_ILLEGAL_OPERATION, kaal_thread_unbind_notification(t2));
	assert_status(KAAL_MISSING_RIGHT,
	              kaal_thread_bind_notification(t2, harness_derive(n2, KAAL_RIGHT_WRITE)));
	assert_status(KAAL_WRONG_TYPE, kaal_thread_bind_notification(t2, ep));
	assert_status(KAAL_SLOT_EMPTY, kaal_thread_bind_notification(t2, harness_slot()));
	assert_status(KAAL_WRONG_TYPE, kaal_thread_bind_notification(ep, n2));
	assert_status(KAAL_WRONG_TYPE, kaal_thread_unbind_notification(ep));
	assert_status(KAAL_SLOT_EMPTY, kaal_thread_unbind_notification(harness_slot()));

	/* None of the failures bound anything: t2 and n2 are both free. */
	assert_status(KAAL_OK, kaal_thread_bind_notification(t2, n2));
	assert_status(KAAL_OK, kaal_thread_unbind_notification(t2));
	assert_status(KAAL_OK, kaal_thread_unbind_notification(t1));
	assert_status(KAAL_ILLEGAL_OPERATION, kaal_thread_unbind_notification(t1));
	/* Unbinding freed both sides. */
	assert_status(KAAL_OK, kaal_thread_bind_notification(t2, n1));
	assert_status(KAAL_OK, kaal_thread_bind_notification(t1, n2));
}

static void assert_from_notification(const struct kaal_msg *m, kaal_word bits)
{
	assert_int_equal(KAAL_MSG_FROM_NOTIFICATION, m->info);
	assert_int_equal(bits, m->badge);
	for (unsigned i = 0; i < KAAL_MSG_FAST_WORDS; i++)
		assert_int_equal(0, m->mr[i]);
}

/* A receive with bits pending in the bound notification returns them at once. */
static void bound_notification_word_completes_recv(void **state)
{
	(void)state;
	kaal_cptr root_thread = h.bi->root_thread_cptr;
	kaal_cptr ep = harness_endpoint(), n = harness_notification();
	assert_status(KAAL_OK, kaal_thread_bind_notification(root_thread, n));

	assert_status(KAAL_OK, kaal_signal(n, 0x6));
	assert_status(KAAL_OK, kaal_signal(n, 0x10));
	struct kaal_msg m;
	assert_status(KAAL_OK, kaal_recv(ep, &m));
	assert_from_notification(&m, 0x16);
	assert_int_equal(0, harness_peek(n));

	/* reply_recv with no caller receives the same way; a badged cap gives its badge. */
	assert_status(KAAL_OK, kaal_signal(harness_mint(n, KAAL_RIGHT_WRITE, 0x100), 0));
	m = harness_word_message(0, 0);
	assert_status(KAAL_OK, kaal_reply_recv(ep, &m));
	assert_from_notification(&m, 0x100);
	assert_int_equal(0, harness_peek(n));

	/* Unbound, the notification keeps its bits for wait. */
	assert_status(KAAL_OK, kaal_thread_unbind_notification(root_thread));
	assert_status(KAAL_OK, kaal_signal(n, 0x1));
	assert_int_equal(0x1, harness_peek(n));
}

/* Receive twice; between the two, say so (done bit 1) and wait for the gate. */
static void receive_twice(kaal_word arg)
{
	struct worker *w = PTR(arg);
	w->st[0] = kaal_recv(w->ep, &w->m[0]);
	kaal_signal(w->done, 1);
	w->st[1] = kaal_wait(w->gate, &w->bits);
	if (w->st[1] == KAAL_OK)
		w->st[1] = kaal_recv(w->ep, &w->m[1]);
	kaal_signal(w->done, 2);
}

/*
 * A signal to the bound notification of a thread blocked in receive ends the
 * receive with the bits; the word stays clear and the thread is out of the
 * endpoint's queue. A bound thread doing anything else leaves the bits in
 * the word.
 */
static void bound_notification_signal_ends_a_blocked_recv(void **state)
{
	(void)state;
	static struct worker w;
	w.ep = harness_endpoint();
	w.done = harness_notification();
	w.gate = harness_notification();
	kaal_cptr n = harness_notification();
	kaal_cptr t = harness_thread(receive_twice, ARG(&w), 0);
	assert_status(KAAL_OK, kaal_thread_bind_notification(t, n));
	harness_wait_blocked(t);

	assert_status(KAAL_OK, kaal_signal(n, 0x30));
	assert_int_equal(0, harness_peek(n));
	harness_await_bits(w.done, 1);
	assert_status(KAAL_OK, w.st[0]);
	assert_from_notification(&w.m[0], 0x30);

	/* Now waiting on the gate: the endpoint has no receiver and the bits stay. */
	harness_wait_blocked(t);
	struct kaal_msg m = harness_word_message(9, 99);
	assert_status(KAAL_OK, kaal_nb_send(w.ep, &m));
	assert_status(KAAL_OK, kaal_signal(n, 0x1));
	assert_int_equal(0x1, harness_peek(n));
	kaal_word bits = 0;
	assert_status(KAAL_OK, kaal_poll(n, &bits));
	assert_int_equal(0x1, bits);

	assert_status(KAAL_OK, kaal_signal(w.gate, 1));
	m = harness_word_message(5, 7);
	assert_status(KAAL_OK, kaal_send(w.ep, &m));
	harness_await_bits(w.done, 2);
	assert_status(KAAL_OK, w.st[1]);
	assert_int_equal(1, w.bits); /* the gate's bit: the nb_send did not reach the thread */
	assert_int_equal(kaal_msg_info(5, 1, 0), w.m[1].info);
	assert_int_equal(7, w.m[1].mr[0]);
	assert_int_equal(0, w.m[1].badge);
}

static void send_once(kaal_word arg)
{
	struct worker *w = PTR(arg);
	struct kaal_msg m = harness_word_message(4, 44);
	w->st[0] = kaal_send(w->ep, &m);
	kaal_signal(w->done, 1);
}

/* A bound thread blocked in send does not take the bits. */
static void bound_thread_sending_leaves_the_word(void **state)
{
	(void)state;
	static struct worker w;
	w.ep = harness_endpoint();
	w.done = harness_notification();
	kaal_cptr n = harness_notification();
	kaal_cptr t = harness_thread(send_once, ARG(&w), 0);
	assert_status(KAAL_OK, kaal_thread_bind_notification(t, n));
	harness_wait_blocked(t);
	assert_status(KAAL_OK, kaal_signal(n, 0x4));
	assert_int_equal(0x4, harness_peek(n));
	struct kaal_msg m;
	assert_status(KAAL_OK, kaal_recv(w.ep, &m));
	assert_int_equal(44, m.mr[0]);
	harness_await_bits(w.done, 1);
	assert_status(KAAL_OK, w.st[0]);
	assert_int_equal(0x4, harness_peek(n));
}

/* Wait on the gate, then try to signal done; meet the test at the barrier. */
static void wait_then_report(kaal_word arg)
{
	struct worker *w = PTR(arg);
	w->st[0] = kaal_wait(w->gate, &w->bits);
	w->st[1] = kaal_signal(w->done, 1);
	harness_barrier_wait();
}

/*
 * Deleting a thread blocked in wait ends the wait with KAAL_OBJECT_DELETED;
 * every later call of the thread fails the same way, its pthread finishes
 * (teardown checks), and the notification no longer lists it as a waiter.
 */
static void destroying_a_waiting_thread(void **state)
{
	(void)state;
	static struct worker w;
	w.gate = harness_notification();
	w.done = harness_notification();
	w.bits = 0xDEAD;
	harness_barrier_init(2);
	kaal_cptr t = harness_thread(wait_then_report, ARG(&w), 0);
	harness_wait_blocked(t);

	assert_status(KAAL_OK, kaal_cnode_delete(harness_ref(t)));
	harness_barrier_wait();
	assert_status(KAAL_OBJECT_DELETED, w.st[0]);
	assert_int_equal(0, w.bits);
	assert_status(KAAL_OBJECT_DELETED, w.st[1]);
	assert_int_equal(0, harness_peek(w.done));
	assert_int_equal(KAAL_CAP_NULL, harness_identify(t).type);

	assert_status(KAAL_OK, kaal_signal(w.gate, 0x8));
	assert_int_equal(0x8, harness_peek(w.gate));
}

static void send_then_report(kaal_word arg)
{
	struct worker *w = PTR(arg);
	struct kaal_msg m = harness_word_message(1, 11);
	w->st[0] = w->runs ? kaal_call(w->ep, &m) : kaal_send(w->ep, &m);
	harness_barrier_wait();
}

/* Deleting a thread blocked in send takes it out of the endpoint's queue. */
static void destroying_a_sending_thread(void **state)
{
	(void)state;
	static struct worker w, next;
	w.ep = harness_endpoint();
	harness_barrier_init(2);
	kaal_cptr t = harness_thread(send_then_report, ARG(&w), 0);
	harness_wait_blocked(t);
	assert_status(KAAL_OK, kaal_cnode_delete(harness_ref(t)));
	harness_barrier_wait();
	assert_status(KAAL_OBJECT_DELETED, w.st[0]);

	next.ep = w.ep;
	next.done = harness_notification();
	harness_thread(send_once, ARG(&next), 0);
	struct kaal_msg m;
	assert_status(KAAL_OK, kaal_recv(w.ep, &m));
	assert_int_equal(kaal_msg_info(4, 1, 0), m.info);
	assert_int_equal(44, m.mr[0]);
	harness_await_bits(next.done, 1);
}

static void send_badged(kaal_word arg)
{
	struct worker *w = PTR(arg);
	struct kaal_msg m = harness_word_message(w->arg, w->arg);
	w->st[0] = kaal_send(w->ep, &m);
	harness_barrier_wait();
}

/*
 * Deleting threads from the middle and the end of a queue keeps the others
 * in order, and a thread that queues later comes after them.
 */
static void destroying_threads_inside_a_queue(void **state)
{
	(void)state;
	kaal_cptr ep = harness_endpoint();
	static struct worker w[5];
	kaal_cptr t[5];
	harness_barrier_init(6);
	for (unsigned i = 0; i < 4; i++) {
		w[i].ep = ep;
		w[i].arg = i;
		t[i] = harness_thread(send_badged, ARG(&w[i]), 0);
		harness_wait_blocked(t[i]);
	}
	assert_status(KAAL_OK, kaal_cnode_delete(harness_ref(t[1])));
	assert_status(KAAL_OK, kaal_cnode_delete(harness_ref(t[3])));
	w[4].ep = ep;
	w[4].arg = 4;
	harness_wait_blocked(harness_thread(send_badged, ARG(&w[4]), 0));

	const kaal_word order[] = {0, 2, 4};
	for (unsigned i = 0; i < 3; i++) {
		struct kaal_msg m;
		assert_status(KAAL_OK, kaal_recv(ep, &m));
		assert_int_equal(order[i], m.mr[0]);
	}
	harness_barrier_wait();
	for (unsigned i = 0; i < 5; i++)
		assert_status(i == 1 || i == 3 ? KAAL_OBJECT_DELETED : KAAL_OK, w[i].st[0]);
}

/*
 * A bound thread without an IPC buffer still has its receive ended by the
 * notification; it only cannot tell the bits.
 */
static void bound_thread_without_ipc_buffer(void **state)
{
	(void)state;
	static struct worker w;
	w.ep = harness_endpoint();
	w.done = harness_notification();
	kaal_cptr n = harness_notification();
	kaal_cptr t = harness_create(KAAL_CAP_THREAD, 0);
	assert_status(KAAL_OK, kaal_thread_configure(t, h.root, 0, 1));
	assert_status(KAAL_OK, kaal_thread_bind_notification(t, n));
	assert_status(KAAL_OK, kaal_thread_start(t, receive_once, harness_stack(), ARG(&w), w.ipc));
	harness_wait_blocked(t);
	assert_status(KAAL_OK, kaal_signal(n, 0x2));
	harness_await_bits(w.done, 1);
	assert_status(KAAL_OK, w.st[0]);
	assert_int_equal(0, w.m[0].info);
	assert_int_equal(0, w.m[0].badge);
	assert_int_equal(0, harness_peek(n));
}

static void receive_then_report(kaal_word arg)
{
	struct worker *w = PTR(arg);
	w->st[0] = kaal_recv(w->ep, &w->m[0]);
	harness_barrier_wait();
}

/* Deleting a thread blocked in receive takes it out of the endpoint's queue. */
static void destroying_a_receiving_thread(void **state)
{
	(void)state;
	static struct worker w, next;
	w.ep = harness_endpoint();
	harness_barrier_init(2);
	kaal_cptr t = harness_thread(receive_then_report, ARG(&w), 0);
	harness_wait_blocked(t);
	assert_status(KAAL_OK, kaal_cnode_delete(harness_ref(t)));
	harness_barrier_wait();
	assert_status(KAAL_OBJECT_DELETED, w.st[0]);

	/* Nobody receives now: nb_send drops its message. */
	struct kaal_msg m = harness_word_message(8, 88);
	assert_status(KAAL_OK, kaal_nb_send(w.ep, &m));
	next.ep = w.ep;
	next.done = harness_notification();
	harness_thread(receive_once, ARG(&next), 0);
	m = harness_word_message(2, 22);
	assert_status(KAAL_OK, kaal_send(w.ep, &m));
	harness_await_bits(next.done, 1);
	assert_status(KAAL_OK, next.st[0]);
	assert_int_equal(22, next.m[0].mr[0]);
}

/* Deleting a caller whose call was received leaves its server nothing to reply to. */
static void destroying_a_caller(void **state)
{
	(void)state;
	static struct worker w;
	w.ep = harness_endpoint();
	w.runs = 1; /* call, not send */
	harness_barrier_init(2);
	kaal_cptr t = harness_thread(send_then_report, ARG(&w), 0);
	struct kaal_msg m;
	assert_status(KAAL_OK, kaal_recv(w.ep, &m));
	assert_int_equal(11, m.mr[0]);
	harness_wait_blocked(t);
	assert_status(KAAL_OK, kaal_cnode_delete(harness_ref(t)));
	harness_barrier_wait();
	assert_status(KAAL_OBJECT_DELETED, w.st[0]);
	m = harness_word_message(1, 1);
	assert_status(KAAL_ILLEGAL_OPERATION, kaal_reply(&m));
}

/* Deleting a thread, started or not, frees its bound notification. */
static void destroying_a_bound_thread_unbinds(void **state)
{
	(void)state;
	kaal_cptr n = harness_notification();
	kaal_cptr t1 = harness_create(KAAL_CAP_THREAD, 0), t2 = harness_create(KAAL_CAP_THREAD, 0);
	struct kaal_ipc_buffer *ipc;
	assert_status(KAAL_OK, kaal_thread_configure(t1, h.root, new_ipc_frame(&ipc), 1));
	assert_status(KAAL_OK, kaal_thread_bind_notification(t1, n));
	assert_status(KAAL_ILLEGAL_OPERATION, kaal_thread_bind_notification(t2, n));
	assert_status(KAAL_OK, kaal_cnode_delete(harness_ref(t1)));
	assert_status(KAAL_OK, kaal_thread_bind_notification(t2, n));

	/* A started one too, once it has ended. */
	static struct worker w;
	w.ep = harness_endpoint();
	kaal_cptr t3 = harness_create(KAAL_CAP_THREAD, 0);
	kaal_cptr n3 = harness_notification();
	assert_status(KAAL_OK, kaal_thread_configure(t3, h.root, new_ipc_frame(&w.ipc), 1));
	assert_status(KAAL_OK, kaal_thread_bind_notification(t3, n3));
	assert_status(KAAL_OK,
	              kaal_thread_start(t3, serve_then_end, harness_stack(), ARG(&w), w.ipc));
	struct kaal_msg m = harness_word_message(1, 1);
	assert_status(KAAL_OBJECT_DELETED, kaal_call(w.ep, &m));
	assert_status(KAAL_ILLEGAL_OPERATION,
	              kaal_thread_bind_notification(h.bi->root_thread_cptr, n3));
	assert_status(KAAL_OK, kaal_cnode_delete(harness_ref(t3)));
	assert_status(KAAL_OK, kaal_thread_bind_notification(h.bi->root_thread_cptr, n3));
}

static void delete_self(kaal_word arg)
{
	struct worker *w = PTR(arg);
	harness_barrier_wait(); /* the test has noted w->self */
	w->st[0] = kaal_cnode_delete(harness_ref(w->self));
	w->st[1] = kaal_yield();
	harness_barrier_wait();
}

/* A thread that deletes its own last capability gets KAAL_OBJECT_DELETED, then and after. */
static void thread_deleting_itself(void **state)
{
	(void)state;
	static struct worker w;
	harness_barrier_init(2);
	w.self = harness_thread(delete_self, ARG(&w), 0);
	harness_barrier_wait();
	harness_barrier_wait();
	assert_status(KAAL_OBJECT_DELETED, w.st[0]);
	assert_status(KAAL_OBJECT_DELETED, w.st[1]);
	assert_int_equal(KAAL_CAP_NULL, harness_identify(w.self).type);
}

/* Wait on the gate once, then say so. */
static void wait_once(kaal_word arg)
{
	struct worker *w = PTR(arg);
	w->st[0] = kaal_wait(w->gate, &w->bits);
	kaal_signal(w->done, 1);
}

/* A pthread the simulated machine does not know asks, and is refused. */
static void *ask_from_outside(void *arg)
{
	struct worker *w = arg;
	bool blocked = false;
	w->st[1] = kaal_host_thread_blocked(w->self, &blocked);
	return NULL;
}

/* The host's query says whether a thread is blocked, and checks what it is asked about. */
static void host_blocked_query(void **state)
{
	(void)state;
	static struct worker w;
	w.gate = harness_notification();
	w.done = harness_notification();
	w.self = harness_create(KAAL_CAP_THREAD, 0);
	bool blocked = true;
	assert_status(KAAL_OK, kaal_host_thread_blocked(w.self, &blocked));
	assert_false(blocked); /* never started */

	const kaal_cptr t = harness_thread(wait_once, ARG(&w), 0);
	harness_wait_blocked(t);
	assert_status(KAAL_OK, kaal_host_thread_blocked(t, &blocked));
	assert_true(blocked);
	assert_status(KAAL_OK, kaal_signal(w.gate, 1));
	harness_await_bits(w.done, 1);
	assert_status(KAAL_OK, kaal_host_thread_blocked(t, &blocked));
	assert_false(blocked); /* it ran on after its wait */

	const kaal_cptr empty = harness_slot();
	blocked = true;
	assert_status(KAAL_INVALID_ARGUMENT, kaal_host_thread_blocked(t, NULL));
	assert_status(KAAL_SLOT_EMPTY, kaal_host_thread_blocked(empty, &blocked));
	assert_status(KAAL_WRONG_TYPE, kaal_host_thread_blocked(w.gate, &blocked));
	assert_status(KAAL_GUARD_MISMATCH,
	              kaal_host_thread_blocked(t | (UINT64_C(1) << 63), &blocked));
	assert_true(blocked); /* untouched by every refusal */

	pthread_t outsider;
	w.st[1] = KAAL_OK;
	assert_int_equal(0, pthread_create(&outsider, NULL, ask_from_outside, &w));
	assert_int_equal(0, pthread_join(outsider, NULL));
	assert_status(KAAL_ILLEGAL_OPERATION, w.st[1]);
}

/* As in seL4, a notification that threads wait on cannot be bound. */
static void binding_a_waited_on_notification_is_refused(void **state)
{
	(void)state;
	static struct worker w;
	w.gate = harness_notification();
	w.done = harness_notification();
	kaal_cptr t = harness_thread(wait_once, ARG(&w), 0);
	harness_wait_blocked(t);
	kaal_cptr other = harness_create(KAAL_CAP_THREAD, 0);
	assert_status(KAAL_ILLEGAL_OPERATION, kaal_thread_bind_notification(other, w.gate));
	assert_status(KAAL_ILLEGAL_OPERATION,
	              kaal_thread_bind_notification(h.bi->root_thread_cptr, w.gate));
	assert_status(KAAL_OK, kaal_signal(w.gate, 0x8));
	harness_await_bits(w.done, 1);
	assert_status(KAAL_OK, w.st[0]);
	assert_int_equal(0x8, w.bits);
	/* Nobody waits any more: now it can be bound. */
	assert_status(KAAL_OK, kaal_thread_bind_notification(other, w.gate));
}

/* As in seL4, bits pending in the bound notification come before a queued sender. */
static void bound_bits_come_before_a_queued_sender(void **state)
{
	(void)state;
	static struct worker w;
	w.ep = harness_endpoint();
	w.done = harness_notification();
	kaal_cptr n = harness_notification();
	kaal_cptr root_thread = h.bi->root_thread_cptr;
	assert_status(KAAL_OK, kaal_thread_bind_notification(root_thread, n));
	kaal_cptr t = harness_thread(send_once, ARG(&w), 0);
	harness_wait_blocked(t);
	assert_status(KAAL_OK, kaal_signal(n, 0x20));
	struct kaal_msg m;
	assert_status(KAAL_OK, kaal_recv(w.ep, &m));
	assert_from_notification(&m, 0x20);
	assert_status(KAAL_OK, kaal_recv(w.ep, &m));
	assert_int_equal(44, m.mr[0]);
	harness_await_bits(w.done, 1);
	assert_status(KAAL_OK, w.st[0]);
	assert_status(KAAL_OK, kaal_thread_unbind_notification(root_thread));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    HARNESS_CASE(configure_rejects_bad_operands),
	    HARNESS_CASE(failed_configure_keeps_the_configuration),
	    HARNESS_CASE(start_rejects_bad_operands),
	    HARNESS_CASE(exited_thread_starts_again),
	    HARNESS_CASE(set_priority_checks_its_operands),
	    HARNESS_CASE(thread_info_follows_the_thread),
	    HARNESS_CASE(bind_notification_errors),
	    HARNESS_CASE(bound_notification_word_completes_recv),
	    HARNESS_CASE(bound_notification_signal_ends_a_blocked_recv),
	    HARNESS_CASE(bound_thread_sending_leaves_the_word),
	    HARNESS_CASE(destroying_a_waiting_thread),
	    HARNESS_CASE(destroying_a_sending_thread),
	    HARNESS_CASE(destroying_a_receiving_thread),
	    HARNESS_CASE(destroying_a_caller),
	    HARNESS_CASE(destroying_threads_inside_a_queue),
	    HARNESS_CASE(bound_thread_without_ipc_buffer),
	    HARNESS_CASE(destroying_a_bound_thread_unbinds),
	    HARNESS_CASE(thread_deleting_itself),
	    HARNESS_CASE(binding_a_waited_on_notification_is_refused),
	    HARNESS_CASE(bound_bits_come_before_a_queued_sender),
	    HARNESS_CASE(host_blocked_query),
	};
	return cmocka_run_group_tests_name("thread", tests, NULL, NULL);
}
