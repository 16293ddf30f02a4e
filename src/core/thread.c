/* Threads: FIFO wait queues, blocking and completion, and thread lifetime. */
#include "thread.h"
#include "cnode.h"
#include "cspace.h"
#include "endpoint.h"
#include "kernel.h"
#include "notification.h"

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

void thread_init(struct thread *t)
{
	t->state = THREAD_INACTIVE;
}

kaal_status kaal_kernel_thread_blocked(struct thread *caller, kaal_cptr cptr, bool *blocked)
{
	struct cte *slot;
	kaal_status st = cspace_lookup_cap(caller, cptr, KAAL_CAP_THREAD, 0, &slot);
	if (st != KAAL_OK)
		return st;
	*blocked = kaal_thread_is_blocked((const struct thread *)slot->cap.object);
	return KAAL_OK;
}
