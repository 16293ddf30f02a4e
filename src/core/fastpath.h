/*
 * The fast path of Call and ReplyRecv: kaal_kernel_syscall() (kernel.h) is
 * defined in fastpath.c, and hands every call the fast path does not take
 * to the general path (syscall.h).
 */
#ifndef KAAL_CORE_FASTPATH_H
#define KAAL_CORE_FASTPATH_H

#include "object.h"

/*
 * Call and ReplyRecv: done here in the common case, else by the general
 * path. Out of line, so that the entry's other calls pay nothing for them.
 */
void fastpath_call(struct thread *t, const kaal_word *a);
void fastpath_reply_recv(struct thread *t, const kaal_word *a);

/* Forget the count of fast calls: the kernel is booting. */
void fastpath_reset(void);

#endif
