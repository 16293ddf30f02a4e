/*
 * aarch64 backend: the hot half of the arch contract.
 *
 * The kernel identity-maps RAM (mmu.c), so kernel addresses are physical
 * addresses. When the kernel moves to the upper half (TTBR1_EL1), these two
 * turn into an offset.
 */
#ifndef KAAL_AARCH64_ARCH_INLINE_H
#define KAAL_AARCH64_ARCH_INLINE_H

#include <stdint.h>

#include <kaal/types.h>

struct thread;
struct aarch64_frame;

/*
 * A thread's scheduling state (src/arch/aarch64/thread.c). Threads run at
 * EL1 on their own stacks, or at EL0 with a kernel stack (kstack); a
 * switched-out thread's callee-saved registers (and, when an exception
 * interrupted it, its whole interrupted context) are on that stack, and sp
 * is where they are.
 */
struct arch_thread {
	uint64_t sp;
	struct thread *run_next;  /* in its run queue, while queued */
	struct thread *live_next; /* every started thread, for timeouts */
	struct thread *live_prev;
	uint8_t queued; /* in the run queue of priority queue_priority */
	uint8_t live;   /* started and not destroyed */
	uint8_t queue_priority;
	uint8_t kstack; /* an EL0 thread's kernel stack: pool index + 1, 0 for none */
	uint8_t pad[4];
	uint64_t tpidr; /* TPIDR_EL0 while switched out: the SDK's IPC buffer pointer */
	struct aarch64_frame *svc_frame; /* the saved registers of its last system call */
};

/* A VSpace's translation tables (src/arch/aarch64/mmu.c). */
struct arch_vspace {
	uint64_t ttbr; /* its top table and ASID, as TTBR0_EL1 takes them */
	uint32_t tables_used;
	uint32_t tables_max;
	/* The user program it runs: EL0 entries lie in [program_lo, program_hi); none when hi is 0.
	 */
	uint64_t program_lo, program_hi, program_entry;
	uint64_t stack_top; /* a boot program's first stack (arch_vspace_load), 0: none */
};

static inline void *arch_phys_to_kernel(kaal_paddr phys)
{
	return (void *)(uintptr_t)phys;
}

static inline kaal_paddr arch_kernel_to_phys(const void *p)
{
	return (kaal_paddr)(uintptr_t)p;
}

#endif
