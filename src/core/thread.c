/* Threads: FIFO wait queues, blocking and completion, and thread lifetime. */
#include "thread.h"
#include "cnode.h"
#include "endpoint.h"
#include "notification.h"

void thread_queue_append(struct thread_queue *q, struct thread *t)
{
	t->queue_next = NULL;
	t->queue_prev = q->tail;
	if (q->tail)
		q->tail->queue_next = t;
	else
		q->head = t;
	q->tail = t;
}

void thread_queue_remove(struct thread_queue *q, struct thread *t)
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

void thread_block(struct thread *t, enum thread_state state, void *on, uint64_t deadline_ns)
{
	t->state = state;
	t->blocked_on = on;
	t->deadline_ns = deadline_ns;
}

void thread_complete(struct thread *t, kaal_status status)
{
	t->status = status;
	t->state = THREAD_RUNNING;
	t->blocked_on = NULL;
	t->deadline_ns = 0;
	arch_thread_wake(t);
}

void thread_cancel_ipc(struct thread *t)
{
	switch (t->state) {
	case THREAD_BLOCKED_NOTIFICATION:
		notification_cancel_wait(t);
		break;
	case THREAD_BLOCKED_SEND:
	case THREAD_BLOCKED_RECV:
		endpoint_cancel_ipc(t);
		break;
	case THREAD_BLOCKED_REPLY:
		endpoint_cancel_reply_wait(t);
		break;
	default:
		break;
	}
	t->blocked_on = NULL;
	t->deadline_ns = 0;
}

void thread_destroy(struct thread *t)
{
	thread_cancel_ipc(t);
	endpoint_drop_reply(t);
	if (t->bound)
		notification_unbind(t->bound);
	t->state = THREAD_DEAD;
	arch_thread_destroy(t);
}

struct kaal_ipc_buffer *thread_ipc_buffer(struct thread *t)
{
	const struct cap *c = &t->slots[THREAD_SLOT_IPC_BUFFER].cap;
	if (c->type != KAAL_CAP_FRAME)
		return NULL;
	return arch_phys_to_kernel(c->object);
}

void thread_init(struct thread *t)
{
	t->state = THREAD_INACTIVE;
}
