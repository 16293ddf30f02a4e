/*
 * System call handlers of Call and ReplyRecv: the fast path (fastpath.c),
 * which hands every call it does not take to the general path (syscall.c).
 */
#ifndef KAAL_CORE_FASTPATH_H
#define KAAL_CORE_FASTPATH_H

#include "object.h"

void fastpath_call(struct thread *t, const kaal_word *a);
void fastpath_reply_recv(struct thread *t, const kaal_word *a);

void slowpath_call(struct thread *t, const kaal_word *a);
void slowpath_reply_recv(struct thread *t, const kaal_word *a);

#endif
