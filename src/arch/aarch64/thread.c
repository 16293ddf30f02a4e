/*
 * Threads and the system call entry, before there is a scheduler.
 *
 * The only thread is the root thread, and the kernel runs as that thread
 * at EL1: kaal_syscall() calls kaal_kernel_syscall() directly for it. The
 * SVC path (an EL0 thread traps, the vector saves its registers and calls
 * the core) comes with the EL0 step; the SDK above this file stays the same.
 */
#include <kaal/sdk.h>

#include "aarch64.h"
#include "kernel.h"

static struct thread *current; /* NULL once its thread object is destroyed */
static bool current_destroyed;
static struct kaal_ipc_buffer *ipc_buffer;

void aarch64_adopt_thread(struct thread *t)
{
	current = t;
	current_destroyed = false;
}

static _Noreturn void stuck(const char *why)
{
	console_puts("Bail out! ");
	console_puts(why);
	console_puts("\n");
	semihosting_exit(KAAL_EXIT_STUCK);
}

struct kaal_result kaal_syscall(kaal_word num, kaal_word a0, kaal_word a1, kaal_word a2,
                                kaal_word a3, kaal_word a4, kaal_word a5)
{
	struct kaal_result r = {KAAL_ILLEGAL_OPERATION, {0}};
	const kaal_word args[KAAL_SYSCALL_ARGS] = {a0, a1, a2, a3, a4, a5};
	if (!current) {
		r.status = current_destroyed ? KAAL_OBJECT_DELETED : KAAL_ILLEGAL_OPERATION;
		return r;
	}
	struct thread *t = current;
	kaal_kernel_syscall(t, num, args);
	/*
	 * A blocked root thread could only be woken by another thread or an
	 * interrupt, and there are neither yet: a wait with a deadline spins
	 * on the clock until it passes, one without is stuck for good.
	 */
	while (current && kaal_thread_is_blocked(t)) {
		if (t->deadline_ns == 0)
			stuck("the root thread blocked with nothing that could wake it");
		if (arch_time_now_ns() >= t->deadline_ns)
			kaal_kernel_timeout(t);
	}
	if (!current) {
		r.status = KAAL_OBJECT_DELETED;
		return r;
	}
	r.status = t->status;
	for (unsigned i = 0; i < KAAL_SYSCALL_RESULTS; i++)
		r.r[i] = t->result[i];
	return r;
}

_Noreturn void kaal_thread_exit(void)
{
	kaal_syscall(KAAL_SYS_THREAD_EXIT, 0, 0, 0, 0, 0, 0);
	stuck("the root thread exited and no other thread can run yet");
}

void kaal_set_ipc_buffer(struct kaal_ipc_buffer *buf)
{
	ipc_buffer = buf;
}

struct kaal_ipc_buffer *kaal_ipc_buffer(void)
{
	return ipc_buffer;
}

/* The blocked thread's outcome is in its object; kaal_syscall()'s loop sees it. */
void arch_thread_wake(struct thread *t)
{
	(void)t;
}

/*
 * Starting a second thread needs the scheduler step (register contexts,
 * EL0 entry, a run queue): until then it is refused.
 */
kaal_status arch_thread_start(struct thread *t, kaal_word entry, kaal_word stack, kaal_word arg)
{
	(void)t;
	(void)entry;
	(void)stack;
	(void)arg;
	return KAAL_ILLEGAL_OPERATION;
}

/* No thread but the root ever ran; if the root's object goes, its calls fail from now on. */
void arch_thread_destroy(struct thread *t)
{
	if (t == current) {
		current = NULL;
		current_destroyed = true;
	}
}
