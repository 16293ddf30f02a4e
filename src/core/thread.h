/* Threads: queues, outcomes of blocking calls, configuration; the bottom of the core. */
#ifndef KAAL_CORE_THREAD_H
#define KAAL_CORE_THREAD_H

#include <kaal/ipc_buffer.h>

#include "object.h"

/* The hot ones are inline: every IPC uses them. */

/*
 * Wait queues are ordered by priority, highest first, and first in first
 * out within one priority: t goes behind every thread of its priority or
 * higher. The walk starts at the tail, so equal priorities cost nothing.
 */
static inline void thread_queue_insert(struct thread_queue *q, struct thread *t)
{
	struct thread *before = q->tail;
	while (before && before->priority < t->priority)
		before = before->queue_prev;
	t->queue_prev = before;
	t->queue_next = before ? before->queue_next : q->head;
	if (t->queue_next)
		t->queue_next->queue_prev = t;
	else
		q->tail = t;
	if (before)
		before->queue_next = t;
	else
		q->head = t;
}

static inline void thread_queue_remove(struct thread_queue *q, struct thread *t)
{
	if (t->queue_prev)
		t->queue_prev->queue_next = t->queue_next;
	else
		q->head = t->queue_next;
	if (t->queue_next)
		t->queue_next->queue_prev = t->queue_prev;
	else
		q->tail = t->queue_prev;
	t->queue_next = NULL;
	t->queue_prev = NULL;
}

/* Block the running thread t; its call finishes when thread_complete() is called. */
static inline void thread_block(struct thread *t, enum thread_state state, void *on,
                                uint64_t deadline_ns)
{
	t->state = state;
	t->blocked_on = on;
	t->deadline_ns = deadline_ns;
}

/* Give a thread the outcome of its call and make it runnable. */
static inline void thread_complete(struct thread *t, kaal_status status)
{
	t->status = status;
	t->state = THREAD_RUNNING;
	t->blocked_on = NULL;
	t->deadline_ns = 0;
	arch_thread_wake(t);
}

/* The thread's IPC buffer in kernel memory, or NULL if it has none. */
static inline struct kaal_ipc_buffer *thread_ipc_buffer(const struct thread *t)
{
	const struct cap *c = &t->slots[THREAD_SLOT_IPC_BUFFER].cap;
	if (c->type != KAAL_CAP_FRAME)
		return NULL;
	return arch_phys_to_kernel(c->object);
}
/* Initialise a freshly retyped thread object. */
void thread_init(struct thread *t);

#endif
