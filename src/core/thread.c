/*
 * Threads: initialisation and the blocked-state test hook. Queues, blocking
 * and completion are inline in thread.h; ending a thread's wait and the
 * thread itself, which reach the objects it waits in, are objecttype.c's.
 */
#include "thread.h"
#include "cspace.h"
#include "kernel.h"

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
