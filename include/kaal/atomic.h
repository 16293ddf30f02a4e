/*
 * kaal's only door to atomic operations. Core, arch and runtime code use
 * these wrappers and never <stdatomic.h> directly, so a checker build can
 * replace them (define KAAL_ATOMIC_HOOKS and provide kaal/atomic_hooks.h)
 * to observe and schedule every shared-memory access, and check the plain
 * accesses to shared memory marked with kaal_shared_read()/_write().
 */
#ifndef KAAL_ATOMIC_H
#define KAAL_ATOMIC_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#ifdef KAAL_ATOMIC_HOOKS
#include <kaal/atomic_hooks.h>
#else

typedef _Atomic uint32_t kaal_atomic_u32;
typedef _Atomic uint64_t kaal_atomic_u64;

#define KAAL_RELAXED memory_order_relaxed
#define KAAL_ACQUIRE memory_order_acquire
#define KAAL_RELEASE memory_order_release
#define KAAL_ACQ_REL memory_order_acq_rel
#define KAAL_SEQ_CST memory_order_seq_cst

#define kaal_atomic_init(obj, value)             atomic_init((obj), (value))
#define kaal_atomic_load(obj, order)             atomic_load_explicit((obj), (order))
#define kaal_atomic_store(obj, value, order)     atomic_store_explicit((obj), (value), (order))
#define kaal_atomic_exchange(obj, value, order)  atomic_exchange_explicit((obj), (value), (order))
#define kaal_atomic_fetch_add(obj, value, order) atomic_fetch_add_explicit((obj), (value), (order))
#define kaal_atomic_fetch_or(obj, value, order)  atomic_fetch_or_explicit((obj), (value), (order))
#define kaal_atomic_cas(obj, expected, desired, success, failure)                                  \
	atomic_compare_exchange_strong_explicit((obj), (expected), (desired), (success), (failure))
#define kaal_atomic_fence(order)     atomic_thread_fence(order)

/*
 * A plain (not atomic) read or write of size bytes at ptr that another
 * thread also accesses, ordered by the atomics around it: a checker build
 * checks each for a data race; other builds compile it to nothing.
 */
#define kaal_shared_read(ptr, size)  ((void)(ptr), (void)(size))
#define kaal_shared_write(ptr, size) ((void)(ptr), (void)(size))

#endif

/* Tell the cpu this is a loop watching a word another cpu will change. */
static inline void kaal_cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ volatile("yield");
#endif
}

/*
 * Ask for the cache line at p, which this cpu is about to write. An asm
 * statement, not __builtin_prefetch(): gcc deletes a loop of those once it
 * can bound the loop. Without the write-prefetch extension x86-64 gets an
 * ordinary prefetch into every cache level.
 */
static inline void kaal_prefetch_write(const void *p)
{
#if defined(__x86_64__) || defined(__i386__)
#ifdef __PRFCHW__
	__asm__ volatile("prefetchw %0" : : "m"(*(const char *)p));
#else
	__asm__ volatile("prefetcht0 %0" : : "m"(*(const char *)p));
#endif
#elif defined(__aarch64__)
	__asm__ volatile("prfm pstl1keep, %0" : : "Q"(*(const char *)p));
#else
	(void)p;
#endif
}

#endif
