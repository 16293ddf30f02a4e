/*
 * Notifications. Signal never blocks: bits go straight to the first waiter
 * (the word is left alone), or to the bound thread if it is receiving, and
 * otherwise coalesce into the word. Wait returns and clears a non-zero word
 * or joins the FIFO of waiters.
 */
#include "notification.h"
#include "endpoint.h"
#include "thread.h"

/* A bound notification's bits reach a receiving thread as a message with this flag. */
static void deliver_to_receiver(struct thread *t, uint64_t bits)
{
	struct kaal_ipc_buffer *buf = thread_ipc_buffer(t);
	for (unsigned i = 0; i < KAAL_SYSCALL_RESULTS; i++)
		t->result[i] = 0;
	if (buf) {
		buf->badge = bits;
		buf->info = KAAL_MSG_FROM_NOTIFICATION;
	}
}

void notification_signal(struct notification *n, uint64_t bits)
{
	if (bits == 0)
		return;
	struct thread *waiter = n->waiters.head;
	if (waiter) {
		thread_queue_remove(&n->waiters, waiter);
		waiter->result[0] = bits;
		thread_complete(waiter, KAAL_OK);
		return;
	}
	struct thread *bound = n->bound;
	if (bound && bound->state == THREAD_BLOCKED_RECV) {
		endpoint_cancel_ipc(bound);
		deliver_to_receiver(bound, n->word | bits);
		n->word = 0;
		thread_complete(bound, KAAL_OK);
		return;
	}
	n->word |= bits;
}

void notification_wait(struct notification *n, struct thread *t, bool block, uint64_t deadline_ns)
{
	if (n->word != 0 || !block) {
		t->result[0] = n->word;
		n->word = 0;
		return;
	}
	thread_queue_insert(&n->waiters, t);
	thread_block(t, THREAD_BLOCKED_NOTIFICATION, n, deadline_ns);
}

void notification_cancel_wait(struct thread *t)
{
	struct notification *n = t->blocked_on;
	thread_queue_remove(&n->waiters, t);
}

void notification_bind(struct notification *n, struct thread *t)
{
	n->bound = t;
	t->bound = n;
}

void notification_unbind(struct notification *n)
{
	n->bound->bound = NULL;
	n->bound = NULL;
}

bool notification_take_bound(struct thread *t)
{
	struct notification *n = t->bound;
	if (!n || n->word == 0)
		return false;
	deliver_to_receiver(t, n->word);
	n->word = 0;
	return true;
}

void notification_destroy(struct notification *n)
{
	struct thread *t;
	while ((t = n->waiters.head) != NULL) {
		thread_queue_remove(&n->waiters, t);
		t->result[0] = 0;
		thread_complete(t, KAAL_OBJECT_DELETED);
	}
	if (n->bound)
		notification_unbind(n);
}
