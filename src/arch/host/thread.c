/*
 * Simulated threads are pthreads. Kernel entry is serialised by one lock; a
 * thread that blocks in the core sleeps on its own wake word (a futex, or a
 * mutex and condition variable with -Dhost_blocking=portable) after letting
 * go of the lock, and takes it again before it reads its outcome. Wakes are
 * sent once the lock is let go, so the woken thread finds it free. Before it
 * sleeps in the OS a blocked thread watches its wake word for a while (the
 * block poll): a wake that comes in time then costs no OS sleep and wakeup.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#ifdef KAAL_HOST_FUTEX
#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

#include <kaal/atomic.h>
#include <kaal/host.h>
#include <kaal/sdk.h>

#include "host.h"
#include "kernel.h"
#include "vspace.h"

#define NS_PER_S UINT64_C(1000000000)
/* How long shutdown waits for started threads to end. */
#define HOST_JOIN_NS (10 * NS_PER_S)
/* The longest single condition variable wait; a longer one is waited in pieces. */
#define WAIT_SLICE_NS (3600 * NS_PER_S)
/* Wakes one kernel entry holds back until it lets go of the lock; more are sent at once. */
#define DEFERRED_WAKES 8

/* A thread's wake word: cleared under the kernel lock before each wait. */
#define WAKE_CLEAR  0u /* blocked, watching the word */
#define WAKE_SET    1u /* woken: take the kernel lock and read the outcome */
#define WAKE_ASLEEP 2u /* blocked and asleep in the OS: the waker must wake it there */

struct host_thread {
	struct host_thread *next; /* every record, for shutdown */
	struct thread *thread;    /* NULL once the thread object is destroyed */
	pthread_t pthread;
	bool started;         /* a pthread was created for this thread and not joined */
	bool finished;        /* that pthread is ending (under finish_lock) */
	kaal_atomic_u32 wake; /* WAKE_*: set once the kernel lock is let go to end a wait */
#ifndef KAAL_HOST_FUTEX
	pthread_mutex_t mutex;
	pthread_cond_t cond;
#endif
	/*
	 * It runs in a boot program's VSpace, whose mappings go with the VSpace:
	 * once destroyed it never returns to its code, as on a real kernel.
	 */
	bool in_program;
	void (*entry)(kaal_word);
	kaal_word arg;
	struct kaal_ipc_buffer *ipc_buffer; /* the SDK's, set before entry runs */
};

static pthread_mutex_t kernel_lock = PTHREAD_MUTEX_INITIALIZER;
/* Started pthreads say they are ending, so shutdown can join them with a deadline. */
static pthread_mutex_t finish_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t finish_cond = PTHREAD_COND_INITIALIZER;
static struct host_thread *records;
/* How long a blocked thread watches its wake word before it sleeps in the OS. */
static kaal_atomic_u64 block_poll_ns = KAAL_HOST_BLOCK_POLL_NS;
/* Times a blocked thread slept in the OS, for kaal_host_os_sleeps(). */
static kaal_atomic_u64 os_sleeps;
static struct host_thread *root_record;
static _Thread_local struct host_thread *current;
static _Thread_local struct kaal_ipc_buffer *ipc_buffer;
/*
 * Threads the core woke under the kernel lock. A thread woken while the lock
 * is held wakes to find it taken and sleeps again on the lock, which costs
 * the round trip a second wake. Records live until host_threads_release().
 */
static struct host_thread *deferred_wakes[DEFERRED_WAKES];
static unsigned deferred_count;

static void wake_record(struct host_thread *ht);

void host_kernel_lock(void)
{
	pthread_mutex_lock(&kernel_lock);
}

void host_kernel_unlock(void)
{
	struct host_thread *wake[DEFERRED_WAKES];
	unsigned n = deferred_count;
	for (unsigned i = 0; i < n; i++)
		wake[i] = deferred_wakes[i];
	deferred_count = 0;
	pthread_mutex_unlock(&kernel_lock);
	for (unsigned i = 0; i < n; i++)
		wake_record(wake[i]);
}

/* Under the kernel lock: wake ht once the lock is let go (at once when too many wait). */
static void wake_after_unlock(struct host_thread *ht)
{
	if (deferred_count == DEFERRED_WAKES) {
		wake_record(ht);
		return;
	}
	deferred_wakes[deferred_count++] = ht;
}

static uint64_t clock_ns(clockid_t clock)
{
	struct timespec ts;
	clock_gettime(clock, &ts);
	return (uint64_t)ts.tv_sec * NS_PER_S + (uint64_t)ts.tv_nsec;
}

uint64_t arch_time_now_ns(void)
{
	return clock_ns(CLOCK_MONOTONIC);
}

static struct timespec to_timespec(uint64_t ns)
{
	struct timespec ts = {(time_t)(ns / NS_PER_S), (long)(ns % NS_PER_S)};
	return ts;
}

/*
 * One wait on cond, until signalled or the monotonic deadline; ETIMEDOUT once it has passed.
 * macOS cannot give a condition variable CLOCK_MONOTONIC, so the wait ends at the
 * CLOCK_REALTIME time as far ahead; callers wait again until the monotonic deadline passes.
 */
static int wait_until(pthread_cond_t *cond, pthread_mutex_t *mutex, uint64_t deadline)
{
	uint64_t now = arch_time_now_ns();
	if (now >= deadline)
		return ETIMEDOUT;
	uint64_t left = deadline - now < WAIT_SLICE_NS ? deadline - now : WAIT_SLICE_NS;
	struct timespec at = to_timespec(clock_ns(CLOCK_REALTIME) + left);
	pthread_cond_timedwait(cond, mutex, &at);
	return 0;
}

static struct host_thread *new_record(struct thread *t)
{
	struct host_thread *ht = calloc(1, sizeof(*ht));
	if (!ht)
		return NULL;
	ht->thread = t;
	kaal_atomic_init(&ht->wake, WAKE_CLEAR);
#ifndef KAAL_HOST_FUTEX
	pthread_mutex_init(&ht->mutex, NULL);
	pthread_cond_init(&ht->cond, NULL);
#endif
	ht->next = records;
	records = ht;
	t->arch.host = ht;
	return ht;
}

static void free_record(struct host_thread *ht)
{
#ifndef KAAL_HOST_FUTEX
	pthread_mutex_destroy(&ht->mutex);
	pthread_cond_destroy(&ht->cond);
#endif
	free(ht);
}

/*
 * The block poll: watch the wake word until it is set (true) or the poll
 * time or the deadline (0: none) passes. A peer that answers within a few
 * microseconds wakes this thread without the OS.
 */
static bool watch_wake(struct host_thread *ht, uint64_t deadline)
{
	uint64_t poll = kaal_atomic_load(&block_poll_ns, KAAL_RELAXED);
	if (poll == 0)
		return false;
	uint64_t end = arch_time_now_ns() + poll;
	if (deadline && deadline < end)
		end = deadline;
	while (kaal_atomic_load(&ht->wake, KAAL_ACQUIRE) != WAKE_SET) {
		if (arch_time_now_ns() >= end)
			return false;
		kaal_cpu_relax();
	}
	return true;
}

/* A wait whose deadline passed while it polled ends without an OS sleep. */
static bool deadline_passed(uint64_t deadline)
{
	return deadline && arch_time_now_ns() >= deadline;
}

#ifdef KAAL_HOST_FUTEX
/* The futex is woken only when the sleeper said it sleeps there. */
static void wake_record(struct host_thread *ht)
{
	if (kaal_atomic_exchange(&ht->wake, WAKE_SET, KAAL_ACQ_REL) == WAKE_ASLEEP)
		syscall(SYS_futex, &ht->wake, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

/* Sleep until woken or the deadline (0: none) passes. */
static void sleep_record(struct host_thread *ht, uint64_t deadline)
{
	if (watch_wake(ht, deadline) || deadline_passed(deadline))
		return;
	uint32_t clear = WAKE_CLEAR;
	if (!kaal_atomic_cas(&ht->wake, &clear, WAKE_ASLEEP, KAAL_ACQ_REL, KAAL_ACQUIRE))
		return; /* woken since the poll ended */
	kaal_atomic_fetch_add(&os_sleeps, 1, KAAL_RELAXED);
	while (kaal_atomic_load(&ht->wake, KAAL_ACQUIRE) == WAKE_ASLEEP) {
		struct timespec rel, *timeout = NULL;
		if (deadline) {
			uint64_t now = arch_time_now_ns();
			if (now >= deadline)
				return;
			rel = to_timespec(deadline - now);
			timeout = &rel;
		}
		syscall(SYS_futex, &ht->wake, FUTEX_WAIT_PRIVATE, WAKE_ASLEEP, timeout, NULL, 0);
	}
}
#else
static void wake_record(struct host_thread *ht)
{
	pthread_mutex_lock(&ht->mutex);
	kaal_atomic_store(&ht->wake, WAKE_SET, KAAL_RELEASE);
	pthread_cond_signal(&ht->cond);
	pthread_mutex_unlock(&ht->mutex);
}

static void sleep_record(struct host_thread *ht, uint64_t deadline)
{
	if (watch_wake(ht, deadline) || deadline_passed(deadline))
		return;
	pthread_mutex_lock(&ht->mutex);
	if (kaal_atomic_load(&ht->wake, KAAL_ACQUIRE) != WAKE_SET)
		kaal_atomic_fetch_add(&os_sleeps, 1, KAAL_RELAXED);
	while (kaal_atomic_load(&ht->wake, KAAL_ACQUIRE) != WAKE_SET) {
		if (!deadline)
			pthread_cond_wait(&ht->cond, &ht->mutex);
		else if (wait_until(&ht->cond, &ht->mutex, deadline) == ETIMEDOUT)
			break;
	}
	pthread_mutex_unlock(&ht->mutex);
}
#endif

kaal_status kaal_host_set_block_poll(uint64_t ns)
{
	if (ns > KAAL_HOST_BLOCK_POLL_MAX_NS)
		return KAAL_INVALID_ARGUMENT;
	kaal_atomic_store(&block_poll_ns, ns, KAAL_RELAXED);
	return KAAL_OK;
}

uint64_t kaal_host_block_poll(void)
{
	return kaal_atomic_load(&block_poll_ns, KAAL_RELAXED);
}

uint64_t kaal_host_os_sleeps(void)
{
	return kaal_atomic_load(&os_sleeps, KAAL_RELAXED);
}

void arch_thread_wake(struct thread *t)
{
	if (t->arch.host)
		wake_after_unlock(t->arch.host);
}

void arch_thread_destroy(struct thread *t)
{
	struct host_thread *ht = t->arch.host;
	if (!ht)
		return;
	ht->thread = NULL;
	t->arch.host = NULL;
	wake_after_unlock(ht);
}

static void *thread_main(void *p)
{
	struct host_thread *ht = p;
	current = ht;
	ipc_buffer = ht->ipc_buffer;
	ht->entry(ht->arg);
	kaal_thread_exit();
}

kaal_status arch_thread_start(struct thread *t, kaal_word entry, kaal_word stack, kaal_word arg,
                              kaal_word ipc)
{
	(void)stack; /* a pthread brings its own stack */
	struct host_thread *ht = t->arch.host;
	if (ht && ht->started) {
		/* Started before and exited since: its pthread ends without the lock. */
		pthread_join(ht->pthread, NULL);
		ht->started = false;
	}
	if (!ht && !(ht = new_record(t)))
		return KAAL_UNTYPED_EXHAUSTED;
	/* Entry 0 is a loaded program's start (the core checked the VSpace has one). */
	const struct vspace *v = thread_vspace(t);
	if (!v && current && current->thread)
		v = thread_vspace(current->thread); /* the starter's, which the core gives it */
	ht->in_program = v && v->program != 0;
	ht->entry = entry ? (void (*)(kaal_word))(uintptr_t)entry : host_program_entry(v->program);
	ht->arg = arg;
	ht->ipc_buffer = (struct kaal_ipc_buffer *)(uintptr_t)ipc;
	ht->finished = false;
	if (pthread_create(&ht->pthread, NULL, thread_main, ht) != 0)
		return KAAL_BUSY;
	ht->started = true;
	return KAAL_OK;
}

struct thread *host_current_thread(void)
{
	return current ? current->thread : NULL;
}

bool host_adopt_current(struct thread *t)
{
	current = new_record(t);
	root_record = current;
	ipc_buffer = NULL;
	return current != NULL;
}

/* The pthread is about to end: host_threads_release() may join it now. */
static void note_finished(struct host_thread *ht)
{
	pthread_mutex_lock(&finish_lock);
	ht->finished = true;
	pthread_cond_broadcast(&finish_cond);
	pthread_mutex_unlock(&finish_lock);
}

/* Whether every started pthread has said it is ending, waiting until the deadline for them. */
static bool await_finished(uint64_t deadline)
{
	bool all = true;
	pthread_mutex_lock(&finish_lock);
	for (struct host_thread *ht = records; ht && all; ht = ht->next) {
		while (ht->started && !ht->finished &&
		       wait_until(&finish_cond, &finish_lock, deadline) != ETIMEDOUT)
			;
		all = !ht->started || ht->finished;
	}
	pthread_mutex_unlock(&finish_lock);
	return all;
}

bool host_threads_release(void)
{
	/* Threads that are still finishing get a few seconds; stuck ones make this fail. */
	if (!await_finished(arch_time_now_ns() + HOST_JOIN_NS))
		return false;
	for (struct host_thread *ht = records; ht; ht = ht->next) {
		if (!ht->started)
			continue;
		pthread_join(ht->pthread, NULL);
		ht->started = false;
	}
	while (records) {
		struct host_thread *ht = records;
		records = ht->next;
		free_record(ht);
	}
	current = NULL;
	root_record = NULL;
	ipc_buffer = NULL;
	return true;
}

struct kaal_result kaal_syscall(kaal_word num, kaal_word a0, kaal_word a1, kaal_word a2,
                                kaal_word a3, kaal_word a4, kaal_word a5)
{
	const struct kaal_result unknown = {KAAL_ILLEGAL_OPERATION, {0}};
	const kaal_word args[KAAL_SYSCALL_ARGS] = {a0, a1, a2, a3, a4, a5};
	struct host_thread *ht = current;
	if (!ht)
		return unknown; /* a pthread the simulated system does not know */
	host_kernel_lock();
	struct thread *t = ht->thread;
	kaal_paddr ipc = t ? host_ipc_buffer_enter(t) : 0;
	if (t)
		host_syscall_issue(t, &ht->thread, num, args);
	/* An acknowledgement may have freed an interrupt whose edge is held. */
	host_deliver_held_edges();
	while (ht->thread && kaal_thread_is_blocked(t)) {
		uint64_t deadline = t->deadline_ns;
		kaal_atomic_store(&ht->wake, WAKE_CLEAR, KAAL_RELAXED);
		host_kernel_unlock();
		sleep_record(ht, deadline);
		host_kernel_lock();
		if (ht->thread && kaal_thread_is_blocked(t) && deadline &&
		    arch_time_now_ns() >= deadline)
			kaal_kernel_timeout(t);
	}
	struct kaal_result r = host_syscall_result(ht->thread);
	host_ipc_buffer_leave(ipc);
	bool ended = !ht->thread && ht->in_program;
	host_kernel_unlock();
	if (ended) {
		note_finished(ht);
		pthread_exit(NULL);
	}
	return r;
}

_Noreturn void kaal_thread_exit(void)
{
	struct host_thread *ht = current;
	kaal_syscall(KAAL_SYS_THREAD_EXIT, 0, 0, 0, 0, 0, 0);
	if (ht && ht != root_record) {
		note_finished(ht);
		pthread_exit(NULL);
	}
	abort(); /* the root thread has nowhere to return to */
}

void kaal_set_ipc_buffer(struct kaal_ipc_buffer *buf)
{
	ipc_buffer = buf;
}

struct kaal_ipc_buffer *kaal_ipc_buffer(void)
{
	return ipc_buffer;
}
