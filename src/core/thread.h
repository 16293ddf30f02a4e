/* Threads: queues, outcomes of blocking calls, configuration. */
#ifndef KAAL_CORE_THREAD_H
#define KAAL_CORE_THREAD_H

#include <kaal/ipc_buffer.h>

#include "object.h"

void thread_queue_append(struct thread_queue *q, struct thread *t);
void thread_queue_remove(struct thread_queue *q, struct thread *t);

/* Block the running thread t; its call finishes when thread_complete() is called. */
void thread_block(struct thread *t, enum thread_state state, void *on, uint64_t deadline_ns);
/* Give a thread the outcome of its call and make it runnable. */
void thread_complete(struct thread *t, kaal_status status);
/* Take a blocked thread out of whatever it waits in, without completing it. */
void thread_cancel_ipc(struct thread *t);
/* The object is being destroyed: stop the thread and unlink it from everything. */
void thread_destroy(struct thread *t);
/* The thread's IPC buffer in kernel memory, or NULL if it has none. */
struct kaal_ipc_buffer *thread_ipc_buffer(struct thread *t);
/* Initialise a freshly retyped thread object. */
void thread_init(struct thread *t);

#endif
