/*
 * The host build with -Dhost_api=macos forces this header into every host
 * source: on Linux it turns each glibc or Linux API that macOS does not have
 * into a compile error, so the host backend, tests, demo and scenarios are
 * checked against what a Mac offers without one.
 *
 * A poisoned name is an error wherever it appears after the pragma, system
 * headers included, so the headers that declare these names come first.
 * _GNU_SOURCE makes glibc declare everything, as macOS does by default, so a
 * forbidden name fails here with its comment and not as a missing
 * declaration. Headers only Linux has (linux/futex.h, sys/eventfd.h,
 * sys/epoll.h) are left out: their names are poisoned, so including one fails.
 */
#ifndef KAAL_CI_MACOS_API_H
#define KAAL_CI_MACOS_API_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* Defined by the headers above; undefined so that naming them is an error as on macOS. */
#undef MAP_FIXED_NOREPLACE
#undef MAP_POPULATE
#undef MAP_HUGETLB
#undef SYS_futex

/* Threads. */
/* POSIX barriers: none; a mutex and a condition variable make one. */
#pragma GCC poison pthread_barrier_t pthread_barrierattr_t
#pragma GCC poison pthread_barrier_init pthread_barrier_wait pthread_barrier_destroy
/* POSIX spin locks: none; os_unfair_lock, or a mutex. */
#pragma GCC poison pthread_spinlock_t pthread_spin_init pthread_spin_destroy
#pragma GCC poison pthread_spin_lock pthread_spin_trylock pthread_spin_unlock
/* Condition variable clocks: none; CLOCK_REALTIME deadlines, or a relative wait (_np). */
#pragma GCC poison pthread_condattr_setclock pthread_condattr_getclock
/* Joins with a deadline: none; a finished flag and condition variable, then pthread_join(). */
#pragma GCC poison pthread_timedjoin_np pthread_tryjoin_np
/* Mutex locks with a deadline: none; pthread_mutex_trylock(), or a condition variable. */
#pragma GCC poison pthread_mutex_timedlock
/* CPU affinity: none; thread_policy_set() affinity tags, which are hints. */
#pragma GCC poison pthread_setaffinity_np pthread_getaffinity_np pthread_attr_setaffinity_np
#pragma GCC poison sched_setaffinity sched_getaffinity cpu_set_t
/* The current CPU: none. */
#pragma GCC poison sched_getcpu
/* Kernel thread ids: pthread_threadid_np(). */
#pragma GCC poison gettid

/* Semaphores and blocking. */
/* Unnamed semaphores: declared, but fail with ENOSYS; dispatch_semaphore_t, or sem_open(). */
#pragma GCC poison sem_init sem_destroy
/* Semaphore waits with a deadline: none; dispatch_semaphore_wait() with a dispatch_time(). */
#pragma GCC poison sem_timedwait
/* Futexes: none; a mutex and condition variable (os_sync_wait_on_address() from macOS 14.4). */
#pragma GCC poison SYS_futex FUTEX_WAIT FUTEX_WAKE FUTEX_WAIT_PRIVATE FUTEX_WAKE_PRIVATE

/* Time. */
/* Sleeps to an absolute time: none; nanosleep() for the time left. */
#pragma GCC poison clock_nanosleep
/* POSIX timers: none; dispatch_source timers, or setitimer(). */
#pragma GCC poison timer_create timer_settime timer_gettime timer_delete timer_getoverrun

/* Memory and files. */
/* Anonymous files: shm_open() with a name of at most 31 characters, then shm_unlink(). */
#pragma GCC poison memfd_create
/* Fixed maps refused on a used range: an address hint, checked, or MAP_FIXED in one's own range. */
#pragma GCC poison MAP_FIXED_NOREPLACE
/* Prefaulting: touch the pages, or madvise(MADV_WILLNEED). */
#pragma GCC poison MAP_POPULATE
/* Huge pages: VM_FLAGS_SUPERPAGE_SIZE_2MB as the fd of an anonymous mapping. */
#pragma GCC poison MAP_HUGETLB
/* Moving or growing a mapping: a new mapping and a copy, or mach_vm_remap(). */
#pragma GCC poison mremap
/* Preallocating a file: fcntl(F_PREALLOCATE), then ftruncate(). */
#pragma GCC poison fallocate posix_fallocate

/* Descriptors. */
/* Event counters: a pipe, or kqueue EVFILT_USER. */
#pragma GCC poison eventfd
/* epoll: kqueue() and kevent(). */
#pragma GCC poison epoll_create epoll_create1 epoll_ctl epoll_wait
/* Timer and signal descriptors: kqueue EVFILT_TIMER and EVFILT_SIGNAL. */
#pragma GCC poison timerfd_create signalfd
/* Close-on-exec in the same call: pipe(), dup2() or accept(), then fcntl(FD_CLOEXEC). */
#pragma GCC poison pipe2 dup3 accept4

#endif
