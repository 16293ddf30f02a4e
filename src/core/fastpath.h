/*
 * The two paths of a system call: the fast path of Call and ReplyRecv
 * (fastpath.c), which hands every call it does not take to the general
 * path through the dispatch table (syscall.c).
 */
#ifndef KAAL_CORE_FASTPATH_H
#define KAAL_CORE_FASTPATH_H

#include "object.h"

void fastpath_call(struct thread *t, const kaal_word *a);
void fastpath_reply_recv(struct thread *t, const kaal_word *a);

/* Forget the count of fast calls: the kernel is booting. */
void fastpath_reset(void);

/* Any system call, through the dispatch table. */
void slowpath(struct thread *t, kaal_word num, const kaal_word *a);

#endif
