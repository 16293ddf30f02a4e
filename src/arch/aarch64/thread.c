/*
 * Threads, the scheduler and the system call entry.
 *
 * Threads run at EL1 on their own stacks (the self-test), or at EL0 in the
 * user program loaded into their VSpace (root_task_loader.c, mmu.c), each with a kernel
 * stack from a fixed pool for its exceptions. kaal_syscall() enters with
 * svc #0; the handler dispatches for the current thread (IRQs masked) and,
 * while that thread is blocked, switches to the highest-priority runnable
 * thread; with none runnable the CPU waits for an interrupt. The EL1
 * virtual timer ticks every TICK_NS and fires early for the nearest
 * deadline; each tick ends expired waits with kaal_kernel_timeout() and
 * sends the running thread to the back of its priority's queue (round
 * robin). Other interrupts are masked at the GIC and handed to
 * kaal_kernel_irq(); arch_irq_ack() unmasks them. The core runs only with
 * IRQs masked: an IRQ preempts a thread only outside it.
 *
 * A thread is in its priority's run queue exactly when it is runnable, not
 * the running thread and not `woken`: the first thread woken since the
 * scheduler last chose waits beside the queues, and runs without passing
 * through them when its priority is above all of them (where a push and a
 * pop would have put it too). When a system call wakes it so and its
 * caller blocks or gives way, the woken thread returns from its own system
 * call at once (resume_woken): IPC's direct switch.
 */
#include <kaal/sdk.h>

#include "aarch64.h"
#include "kernel.h"
#include "vspace.h"

#define TICK_NS          10000000u /* 10 ms */
#define SVC_BYTES        4u        /* svc #0: ELR - 4 issues it again */
#define ISR_EL1_I        (UINT64_C(1) << 7)
#define PRIORITY_LEVELS  256u
#define BITMAP_WORDS     (PRIORITY_LEVELS / 64)
#define CNTKCTL_EL0PCTEN (UINT64_C(1) << 0)
#define CNTKCTL_EL0VCTEN (UINT64_C(1) << 1)
#define CNTKCTL_EL0PTEN  (UINT64_C(1) << 9)

struct run_queue {
	struct thread *head, *tail;
};

static struct run_queue run_queues[PRIORITY_LEVELS];
static uint64_t run_bitmap[BITMAP_WORDS]; /* bit p: run_queues[p] is not empty */
static uint64_t run_words;                /* bit w: run_bitmap[w] is not zero */
static int run_top = -1;                  /* the highest p with its bit set, or -1 */
static struct thread *live_threads;

static struct thread *root;
static struct thread *current;
/* Woken since the scheduler last chose: runs next without its queue if nothing is above it. */
static struct thread *woken;
static bool current_running; /* false while current is switching out or idling */
static bool idling;          /* the CPU waits for an interrupt inside schedule() */
static uint64_t idle_count;
static uint64_t tick_count;
static uint64_t restart_count;
static uint64_t svc_count;
static uint64_t dead_sp; /* where a destroyed thread's last context goes */
static uint32_t tick_irq;
static uint64_t next_tick; /* counter value of the next periodic tick */

/* Kernel stacks of EL0 threads; arch.kstack is the index + 1, 0 for none. */
#define KSTACKS     32u
#define KSTACK_SIZE 8192u
static uint8_t kstacks[KSTACKS][KSTACK_SIZE] __attribute__((aligned(16)));
static bool kstack_used[KSTACKS];

static _Noreturn void stuck(const char *why)
{
	console_puts("Bail out! ");
	console_puts(why);
	console_puts("\n");
	semihosting_exit(KAAL_EXIT_STUCK);
}

/* Run queues. */

static void runq_append(struct thread *t)
{
	unsigned p = (unsigned)(t->priority & (PRIORITY_LEVELS - 1));
	struct run_queue *q = &run_queues[p];
	t->arch.run_next = NULL;
	if (q->tail)
		q->tail->arch.run_next = t;
	else
		q->head = t;
	q->tail = t;
	t->arch.queued = 1;
	t->arch.queue_priority = (uint8_t)p;
	run_bitmap[p / 64] |= UINT64_C(1) << (p % 64);
	run_words |= UINT64_C(1) << (p / 64);
	if ((int)p > run_top)
		run_top = (int)p;
}

/* Queue p became empty. */
static void runq_emptied(unsigned p)
{
	run_bitmap[p / 64] &= ~(UINT64_C(1) << (p % 64));
	if (!run_bitmap[p / 64])
		run_words &= ~(UINT64_C(1) << (p / 64));
	if (!run_words) {
		run_top = -1;
	} else if ((int)p == run_top) {
		int w = 63 - __builtin_clzll(run_words);
		run_top = w * 64 + 63 - __builtin_clzll(run_bitmap[w]);
	}
}

/* Queue t behind everything woken or queued before it. */
static void runq_push(struct thread *t)
{
	if (woken) {
		runq_append(woken);
		woken = NULL;
	}
	runq_append(t);
}

static void runq_remove(struct thread *t)
{
	unsigned p = t->arch.queue_priority;
	struct run_queue *q = &run_queues[p];
	struct thread *prev = NULL;
	for (struct thread *i = q->head; i; prev = i, i = i->arch.run_next) {
		if (i != t)
			continue;
		if (prev)
			prev->arch.run_next = t->arch.run_next;
		else
			q->head = t->arch.run_next;
		if (q->tail == t)
			q->tail = prev;
		break;
	}
	t->arch.run_next = NULL;
	t->arch.queued = 0;
	if (!q->head)
		runq_emptied(p);
}

/* The highest priority with a runnable thread, or -1. */
static inline int runq_top(void)
{
	return run_top;
}

/*
 * The best runnable thread, taken off its queue: the woken thread when its
 * priority is above every queue (where a push and a pop would have put it
 * too), else the head of the best queue.
 */
static struct thread *runq_pop(void)
{
	struct thread *w = woken;
	if (w) {
		woken = NULL;
		if ((int)w->priority > runq_top())
			return w;
		runq_append(w);
	}
	int p = runq_top();
	if (p < 0)
		return NULL;
	struct run_queue *q = &run_queues[p];
	struct thread *t = q->head;
	q->head = t->arch.run_next;
	if (!q->head) {
		q->tail = NULL;
		runq_emptied((unsigned)p);
	}
	t->arch.run_next = NULL;
	t->arch.queued = 0;
	return t;
}

/* Timer: the next tick, or the nearest deadline if that comes first. */

static void arm_timer(void)
{
	uint64_t when = next_tick;
	for (struct thread *t = live_threads; t; t = t->arch.live_next) {
		if (kaal_thread_is_blocked(t) && t->deadline_ns) {
			uint64_t d = timer_ns_to_counter(t->deadline_ns);
			if (d < when)
				when = d;
		}
	}
	timer_arm(when);
}

static void expire_timeouts(void)
{
	uint64_t now = arch_time_now_ns();
	for (struct thread *t = live_threads, *next; t; t = next) {
		next = t->arch.live_next;
		if (kaal_thread_is_blocked(t) && t->deadline_ns && now >= t->deadline_ns)
			kaal_kernel_timeout(t);
	}
}

/* True while some thread could still be made runnable: by a deadline or an interrupt. */
static bool anything_can_wake(void)
{
	for (struct thread *t = live_threads; t; t = t->arch.live_next)
		if (kaal_thread_is_blocked(t) &&
		    (t->deadline_ns || t->state == THREAD_BLOCKED_NOTIFICATION))
			return true;
	return false;
}

/* Translate through next's VSpace (the kernel's map alone when it has none). */
static inline __attribute__((always_inline)) void switch_vspace(const struct thread *next)
{
	const struct vspace *v = thread_vspace(next);
	aarch64_set_ttbr0(v ? v->arch.ttbr : aarch64_ttbr0.kernel);
}

static void switch_to(struct thread *next)
{
	struct thread *prev = current;
	current = next;
	current_running = true;
	if (next == prev)
		return;
	uint64_t tpidr;
	__asm__ volatile("mrs %0, tpidr_el0" : "=r"(tpidr));
	if (prev && prev->arch.live)
		prev->arch.tpidr = tpidr;
	__asm__ volatile("msr tpidr_el0, %0" : : "r"(next->arch.tpidr));
	switch_vspace(next);
	aarch64_switch(prev && prev->arch.live ? &prev->arch.sp : &dead_sp, next->arch.sp);
}

/* The outcome of t's system call, into the registers its frame gives back. */
static inline __attribute__((always_inline)) void put_results(struct aarch64_frame *f,
                                                              const struct thread *t)
{
	_Static_assert(KAAL_SYSCALL_RESULTS == 4, "x0 status, x1-x4 results");
	/* Stopped at a preemption point: the arguments stay, and the svc runs again on return. */
	if (t->status == KAAL_KERNEL_RESTART) {
		f->elr -= SVC_BYTES;
		restart_count++;
		return;
	}
	/* All loads before the stores: the compiler cannot tell the frame from the thread. */
	uint64_t status = t->status, r0 = t->result[0], r1 = t->result[1], r2 = t->result[2],
	         r3 = t->result[3];
	f->x[0] = status;
	f->x[1] = r0;
	f->x[2] = r1;
	f->x[3] = r2;
	f->x[4] = r3;
}

/*
 * The thread woken by prev's system call runs next, and prev's call ends
 * where it is (blocked, or queued to run later): the woken thread, which
 * blocked in a system call of its own, returns from that call straight
 * away, without the C frames it was switched out in.
 */
static inline __attribute__((always_inline)) _Noreturn void resume_woken(struct thread *prev)
{
	struct thread *next = woken;
	woken = NULL;
	current = next;
	current_running = true;
	uint64_t tpidr;
	__asm__ volatile("mrs %0, tpidr_el0" : "=r"(tpidr));
	prev->arch.tpidr = tpidr;
	__asm__ volatile("msr tpidr_el0, %0" : : "r"(next->arch.tpidr));
	switch_vspace(next);
	put_results(next->arch.svc_frame, next);
	aarch64_resume_frame(&prev->arch.sp, prev->arch.svc_frame, next->arch.svc_frame);
}

/* Nothing can run: wait for an interrupt (out of line: schedule() stays small). */
static __attribute__((noinline)) void idle(void)
{
	if (!anything_can_wake())
		stuck("no thread can ever run again");
	/* A pending interrupt ends wfi even while masked; it is taken once unmasked. */
	idling = true;
	idle_count++;
	arm_timer();
	__asm__ volatile("dsb sy\n\twfi\n\tmsr daifclr, #2\n\tisb\n\tmsr daifset, #2" ::: "memory");
	idling = false;
}

/*
 * Current is not running (blocked, ended, or queued again): run the best
 * runnable thread, waiting for interrupts while there is none. Returns
 * when current is switched back in. IRQs are masked.
 */
static void schedule(void)
{
	struct thread *next;
	current_running = false;
	while (!(next = runq_pop()))
		idle();
	switch_to(next);
}

/* A runnable current thread gives way to a higher (tick: an equal) priority. */
static void preempt(bool tick)
{
	int top = runq_top();
	if (woken && (int)woken->priority > top)
		top = (int)woken->priority;
	if (!current || !current_running || top < 0 ||
	    !((uint64_t)top > current->priority || (tick && (uint64_t)top == current->priority))) {
		if (woken) {
			runq_append(woken);
			woken = NULL;
		}
		return;
	}
	/*
	 * current goes to the back of its queue: behind a thread woken at its
	 * priority (queued first), while one woken above it stays out to run next.
	 */
	if (woken && woken->priority > current->priority)
		runq_append(current);
	else
		runq_push(current);
	schedule();
}

void kaal_aarch64_irq(void)
{
	bool tick = false;
	for (uint32_t irq; (irq = gic_acknowledge()) != GIC_NONE;) {
		if (irq == tick_irq) {
			tick = true;
			tick_count++;
			uint64_t now = timer_counter();
			uint64_t period = timer_ns_to_counter(TICK_NS);
			if (now >= next_tick)
				next_tick = now + period;
			/* The line stays asserted until the timer is moved past every expired
			 * deadline. */
			expire_timeouts();
			arm_timer();
		} else {
			gic_disable(irq); /* until the handler capability acknowledges it */
			kaal_kernel_irq(irq);
		}
		gic_end(irq);
	}
	if (tick)
		kaal_kernel_irq(tick_irq); /* a notification set on the timer's handler */
	if (!idling)
		preempt(tick);
}

static void live_add(struct thread *t)
{
	t->arch.live = 1;
	t->arch.live_prev = NULL;
	t->arch.live_next = live_threads;
	if (live_threads)
		live_threads->arch.live_prev = t;
	live_threads = t;
}

static void live_remove(struct thread *t)
{
	if (t->arch.live_prev)
		t->arch.live_prev->arch.live_next = t->arch.live_next;
	else
		live_threads = t->arch.live_next;
	if (t->arch.live_next)
		t->arch.live_next->arch.live_prev = t->arch.live_prev;
	t->arch.live = 0;
	t->arch.live_next = t->arch.live_prev = NULL;
}

void aarch64_adopt_thread(struct thread *t, uint32_t timer_irq)
{
	root = t;
	current = t;
	current_running = true;
	__asm__ volatile("msr tpidr_el0, xzr"); /* no IPC buffer until the root names one */
	switch_vspace(t);
	live_add(t);
	tick_irq = timer_irq;
	/*
	 * EL0 may read the counters (user programs time themselves) and use the
	 * physical timer, which the timer driver process takes (its PPI is a
	 * device interrupt); the virtual timer stays the kernel's tick. The
	 * other bits reset to unknown values.
	 */
	__asm__ volatile("msr cntkctl_el1, %0\n\tisb"
	                 :
	                 : "r"(CNTKCTL_EL0PCTEN | CNTKCTL_EL0VCTEN | CNTKCTL_EL0PTEN));
	next_tick = timer_counter() + timer_ns_to_counter(TICK_NS);
	arm_timer();
	gic_enable(timer_irq);
	__asm__ volatile("msr daifclr, #2" ::: "memory");
}

uint64_t aarch64_idle_count(void)
{
	return idle_count;
}

uint64_t aarch64_tick_count(void)
{
	return tick_count;
}

uint64_t aarch64_restart_count(void)
{
	return restart_count;
}

/*
 * The system call entry: kaal_syscall() issues svc #0 with the number in x8
 * and the arguments in x0-x5; the vector saves the caller's registers in a
 * frame on its stack (IRQs are masked from there on) and calls this with
 * it. Status and results go back in x0-x4 when the frame is restored.
 */
void kaal_aarch64_svc(struct aarch64_frame *f)
{
	struct thread *t = current;
	svc_count++;
	t->arch.svc_frame = f;
	/* The arguments are read in place, x0-x5 of the frame: results go there only afterwards. */
	kaal_kernel_syscall(t, f->x[8], f->x);
	/* Blocked, ended or destroyed: another thread runs until this one is woken. */
	bool stopped = t->state != THREAD_RUNNING;
	if (stopped && t == root && !kaal_thread_is_blocked(t))
		stuck("the root thread ended");
	/*
	 * A thread woken above every queue (and above t, if t could run on)
	 * runs now, as schedule() or preempt() would choose, but without their
	 * switch. A preempted t waits at the back of its queue.
	 */
	struct thread *w = woken;
	if (w && (int)w->priority > runq_top() &&
	    (stopped ? t->arch.live : w->priority > t->priority)) {
		if (!stopped)
			runq_append(t);
		resume_woken(t);
	}
	if (stopped)
		schedule();
	else if (woken || run_words)
		preempt(false);
	put_results(f, t);
}

void aarch64_svc_return(struct aarch64_frame *f)
{
	put_results(f, current);
}

uint64_t aarch64_svc_count(void)
{
	return svc_count;
}

_Noreturn void kaal_thread_exit(void)
{
	kaal_syscall(KAAL_SYS_THREAD_EXIT, 0, 0, 0, 0, 0, 0);
	stuck("an ended thread ran again");
}

_Noreturn void aarch64_thread_begin(uint64_t entry, uint64_t arg)
{
	__asm__ volatile("msr daifclr, #2" ::: "memory");
	((void (*)(kaal_word))(uintptr_t)entry)(arg);
	kaal_thread_exit();
}

void arch_thread_wake(struct thread *t)
{
	if (!t->arch.live || t->arch.queued || t == woken || (t == current && current_running))
		return;
	if (woken)
		runq_push(t);
	else
		woken = t;
}

void aarch64_set_user_program(uint64_t lo, uint64_t hi, uint64_t entry)
{
	struct arch_vspace *a = &thread_vspace(current)->arch;
	a->program_lo = lo;
	a->program_hi = hi;
	a->program_entry = entry;
}

struct thread *aarch64_current(void)
{
	return current;
}

uint64_t aarch64_kernel_stack_top(struct thread *t)
{
	if (!t->arch.kstack) {
		unsigned i = 0;
		while (i < KSTACKS && kstack_used[i])
			i++;
		if (i == KSTACKS)
			return 0;
		kstack_used[i] = true;
		t->arch.kstack = (uint8_t)(i + 1);
	}
	return (uintptr_t)(kstacks[t->arch.kstack - 1] + KSTACK_SIZE);
}

void aarch64_end_current(void)
{
	const kaal_word args[KAAL_SYSCALL_ARGS] = {0};
	struct thread *t = current;
	kaal_kernel_syscall(t, KAAL_SYS_THREAD_EXIT, args);
	if (t == root)
		stuck("the root thread ended");
	schedule();
	stuck("an ended thread ran again");
}

/*
 * A new EL1 thread's stack starts with the frame aarch64_switch() restores;
 * a new EL0 thread's kernel stack with that frame returning to an exception
 * frame that enters the user program.
 */
kaal_status arch_thread_start(struct thread *t, kaal_word entry, kaal_word stack, kaal_word arg,
                              kaal_word ipc_buffer)
{
	struct aarch64_switch_frame *frame;
	/* The VSpace t will run in: its own, or else its starter's (the core gives it then). */
	const struct vspace *v = thread_vspace(t) ? thread_vspace(t) : thread_vspace(current);
	const struct arch_vspace *program = v ? &v->arch : NULL;
	if (program && program->program_hi) {
		/* Entry and stack 0: a boot program's own start (the core checked it has one). */
		if (entry == 0 && stack == 0)
			stack = program->stack_top;
		else if (entry < program->program_lo || entry >= program->program_hi)
			return KAAL_INVALID_ARGUMENT;
		uint64_t top = aarch64_kernel_stack_top(t);
		if (!top)
			return KAAL_ILLEGAL_OPERATION; /* the kernel stack pool is used up */
		struct aarch64_frame *user = (struct aarch64_frame *)(uintptr_t)top - 1;
		*user = (struct aarch64_frame){0};
		user->x[0] = arg;
		user->x[1] = entry;
		user->elr = program->program_entry;
		user->spsr = SPSR_EL0T;
		user->sp = stack & ~(kaal_word)15;
		frame = (struct aarch64_switch_frame *)user - 1;
		*frame = (struct aarch64_switch_frame){0};
		frame->x30 = (uintptr_t)aarch64_restore_frame;
	} else {
		frame = (struct aarch64_switch_frame *)(uintptr_t)(stack & ~(kaal_word)15) - 1;
		*frame = (struct aarch64_switch_frame){0};
		frame->x19 = entry;
		frame->x20 = arg;
		frame->x30 = (uintptr_t)aarch64_thread_trampoline;
	}
	t->arch.sp = (uintptr_t)frame;
	t->arch.tpidr = ipc_buffer; /* the SDK reads its IPC buffer pointer here */
	if (!t->arch.live)
		live_add(t);
	if (t->arch.queued)
		runq_remove(t);
	runq_push(t);
	return KAAL_OK;
}

/* Never switched back in: out of the run queue and the timeout list. */
void arch_thread_destroy(struct thread *t)
{
	if (t == woken)
		woken = NULL;
	if (t->arch.queued)
		runq_remove(t);
	if (t->arch.live)
		live_remove(t);
	if (t->arch.kstack) {
		kstack_used[t->arch.kstack - 1] = false;
		t->arch.kstack = 0;
	}
}

/* The CPU interface signals an IRQ, whether or not PSTATE masks it. */
bool arch_preemption_pending(void)
{
	uint64_t isr;
	__asm__ volatile("mrs %0, isr_el1" : "=r"(isr));
	return (isr & ISR_EL1_I) != 0;
}

/* The handler capability acknowledged irq: deliver it again (the tick is never masked). */
void arch_irq_ack(uint32_t irq)
{
	if (irq != tick_irq)
		gic_enable(irq);
}
