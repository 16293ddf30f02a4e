/*
 * The host backend's thread half, for the checker: kaal threads are the
 * checker's threads, and what blocks a pthread on the host blocks a checked
 * thread here. The rest of the host backend (platform.c, ram.c) and the core
 * are used as they are. There is one system thread, so the kernel needs no
 * lock: a system call runs to its end without a scheduling point, and a
 * thread that blocks in one gives the scheduler its turn.
 */
#include <stdlib.h>

#include <kaal/sdk.h>

#include "checker.h"
#include "host.h"
#include "kernel.h"
#include "vspace.h"

struct host_thread {
	struct thread *thread; /* NULL once the thread object is destroyed */
	unsigned id;           /* the checker's thread, or NO_THREAD for the root task */
	void (*entry)(kaal_word);
	kaal_word arg;
	struct kaal_ipc_buffer *ipc_buffer;
};

/* By the checker's thread id; the root task runs setup and the oracle. */
static struct host_thread records[KAAL_CHECK_MAX_THREADS];
static struct host_thread root = {.id = NO_THREAD};

static struct host_thread *current_record(void)
{
	if (!checker_run || checker_run->current == NO_THREAD)
		return root.thread ? &root : NULL;
	return &records[checker_run->current];
}

void host_kernel_lock(void)
{
}

void host_kernel_unlock(void)
{
}

uint64_t arch_time_now_ns(void)
{
	return checker_run ? sched_now() : 0;
}

void arch_thread_wake(struct thread *t)
{
	struct host_thread *ht = t->arch.host;
	if (ht && ht->id != NO_THREAD)
		sched_wake(ht->id);
}

void arch_thread_destroy(struct thread *t)
{
	struct host_thread *ht = t->arch.host;
	if (!ht)
		return;
	/* As on the host: its later system calls return KAAL_OBJECT_DELETED. */
	ht->thread = NULL;
	t->arch.host = NULL;
	if (ht->id != NO_THREAD)
		sched_wake(ht->id);
}

static void kaal_thread_main(void *arg)
{
	struct host_thread *ht = arg;
	ht->entry(ht->arg);
	kaal_thread_exit();
}

kaal_status arch_thread_start(struct thread *t, kaal_word entry, kaal_word stack, kaal_word arg,
                              kaal_word ipc)
{
	(void)stack; /* each checked thread runs on a stack of the checker's */
	unsigned id = sched_spawn(kaal_thread_main, NULL);
	if (id == NO_THREAD)
		return KAAL_BUSY;
	struct host_thread *old = t->arch.host;
	if (old)
		old->thread = NULL; /* started before and exited since */
	struct host_thread *ht = &records[id];
	*ht = (struct host_thread){
	    .thread = t,
	    .id = id,
	    .entry = entry ? (void (*)(kaal_word))(uintptr_t)entry
	                   : host_program_entry(thread_vspace(t)->program),
	    .arg = arg,
	    .ipc_buffer = (struct kaal_ipc_buffer *)(uintptr_t)ipc,
	};
	sched_set_arg(id, ht);
	t->arch.host = ht;
	return KAAL_OK;
}

struct thread *host_current_thread(void)
{
	struct host_thread *ht = current_record();
	return ht ? ht->thread : NULL;
}

bool host_adopt_current(struct thread *t)
{
	root.thread = t;
	root.ipc_buffer = NULL;
	t->arch.host = &root;
	return true;
}

bool host_threads_release(void)
{
	root.thread = NULL;
	for (unsigned i = 0; i < KAAL_CHECK_MAX_THREADS; i++)
		records[i].thread = NULL;
	return true;
}

struct kaal_result kaal_syscall(kaal_word num, kaal_word a0, kaal_word a1, kaal_word a2,
                                kaal_word a3, kaal_word a4, kaal_word a5)
{
	const struct kaal_result unknown = {KAAL_ILLEGAL_OPERATION, {0}};
	const kaal_word args[KAAL_SYSCALL_ARGS] = {a0, a1, a2, a3, a4, a5};
	struct host_thread *ht = current_record();
	if (!ht)
		return unknown;
	/* A system call is a step of its own, and orders the thread's accesses with everyone's. */
	sched_point();
	memory_syscall(ht->id);
	sched_observe(num, args, NULL);
	struct thread *t = ht->thread;
	kaal_paddr ipc = t ? host_ipc_buffer_enter(t) : 0;
	if (t)
		host_syscall_issue(t, &ht->thread, num, args);
	while (ht->thread && kaal_thread_is_blocked(t)) {
		if (ht->id == NO_THREAD)
			sched_fail("the root task blocked: setup and the oracle must not wait");
		uint64_t deadline = t->deadline_ns;
		trace_block(num, deadline);
		sched_block(deadline);
		if (ht->thread && kaal_thread_is_blocked(t) && deadline && sched_now() >= deadline)
			kaal_kernel_timeout(t);
	}
	struct kaal_result r = host_syscall_result(ht->thread);
	memory_syscall(ht->id);
	trace_syscall(num, r.status);
	sched_observe(num, args, &r);
	host_ipc_buffer_leave(ipc);
	return r;
}

_Noreturn void kaal_thread_exit(void)
{
	struct host_thread *ht = current_record();
	kaal_syscall(KAAL_SYS_THREAD_EXIT, 0, 0, 0, 0, 0, 0);
	if (ht && ht->id != NO_THREAD)
		sched_exit();
	abort(); /* the root task has nowhere to return to */
}

void kaal_set_ipc_buffer(struct kaal_ipc_buffer *buf)
{
	struct host_thread *ht = current_record();
	if (ht)
		ht->ipc_buffer = buf;
}

struct kaal_ipc_buffer *kaal_ipc_buffer(void)
{
	struct host_thread *ht = current_record();
	return ht ? ht->ipc_buffer : NULL;
}
