/* The general path of every system call, through the dispatch table. */
#ifndef KAAL_CORE_SYSCALL_H
#define KAAL_CORE_SYSCALL_H

#include "object.h"

/*
 * Any system call by t: on return t is done (status and result set), blocked
 * (thread_complete() gives it its outcome later) or told to restart
 * (KAAL_KERNEL_RESTART). The fast path (fastpath.c) hands it what it does
 * not take.
 */
void syscall_slowpath(struct thread *t, kaal_word num, const kaal_word *args);

#endif
