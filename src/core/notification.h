/* Notification objects: a word of signal bits and a FIFO of waiters. */
#ifndef KAAL_CORE_NOTIFICATION_H
#define KAAL_CORE_NOTIFICATION_H

#include "object.h"

/* Deliver bits: to the first waiter, else to a bound thread in receive, else OR into the word. */
void notification_signal(struct notification *n, uint64_t bits);
/* Wait on n: the word goes to t->result[0], or t blocks until a signal or the deadline. */
void notification_wait(struct notification *n, struct thread *t, bool block, uint64_t deadline_ns);
void notification_cancel_wait(struct thread *t);
void notification_bind(struct notification *n, struct thread *t);
void notification_unbind(struct notification *n);
/* Called before a thread receives: the pending bits of its bound notification are its message. */
bool notification_take_bound(struct thread *t);
void notification_destroy(struct notification *n);

#endif
