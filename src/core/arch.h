/*
 * The arch contract: everything the core needs from a platform. Hot
 * operations are static inline in the backend's arch_inline.h, found on the
 * include path of src/arch/<arch>/include; the rest are defined by the
 * backend's sources. The core calls these with the kernel lock held.
 */
#ifndef KAAL_CORE_ARCH_H
#define KAAL_CORE_ARCH_H

#include <stdbool.h>
#include <stdint.h>

#include <kaal/status.h>
#include <kaal/types.h>

/*
 * Defines struct arch_thread, struct arch_vspace, arch_phys_to_kernel() and
 * arch_kernel_to_phys().
 */
#include <arch_inline.h>

struct thread;
struct vspace;

/* A blocked thread was given its outcome: make it run again. */
void arch_thread_wake(struct thread *t);
/*
 * Begin running an inactive thread at entry with the given stack and
 * argument, its SDK IPC buffer pointer set to ipc_buffer (0: none). The core
 * has checked that entry and stack are not 0.
 */
kaal_status arch_thread_start(struct thread *t, kaal_word entry, kaal_word stack, kaal_word arg,
                              kaal_word ipc_buffer);
/*
 * The thread object is being destroyed: never switch it back in. (The host
 * cannot stop a pthread in user code; there every later call of that
 * thread returns KAAL_OBJECT_DELETED instead.)
 */
void arch_thread_destroy(struct thread *t);

/* Monotonic time in nanoseconds, for timeouts. */
uint64_t arch_time_now_ns(void);

/* The smallest VSpace object (log2 bytes) this backend can build a process in. */
unsigned arch_vspace_min_bits(void);
/*
 * Build a new address space in v's object memory (1 << v->size_bits bytes
 * at v, which is zeroed): a copy of parent's program, or nothing but the
 * kernel when parent is NULL (the root task's, at boot). Cannot fail for a
 * size of at least arch_vspace_min_bits().
 */
void arch_vspace_init(struct vspace *v, const struct vspace *parent);
/*
 * Replace v's contents (no thread was ever given v) with boot program
 * `program` (1..the platform's count), which fits v's size: a thread
 * started with entry and stack 0 then starts there. KAAL_OK or, leaving v
 * as it was, KAAL_LIMIT_REACHED when the backend cannot hold it.
 */
kaal_status arch_vspace_load(struct vspace *v, unsigned program);
/* v's object is being destroyed: no thread runs in it from now on. */
void arch_vspace_destroy(struct vspace *v);

/* Make a frame visible in v at *vaddr (0: any). */
kaal_status arch_frame_map(struct vspace *v, kaal_paddr phys, unsigned size_bits, unsigned rights,
                           bool device, kaal_word *vaddr);
void arch_frame_unmap(struct vspace *v, kaal_word vaddr, unsigned size_bits);

/* Interrupts: acknowledge one so it can fire again. */
void arch_irq_ack(uint32_t irq);
/*
 * An interrupt is waiting to be taken: a long operation stops at its next
 * preemption point, and its system call runs again from the start once the
 * interrupt has been taken (see KAAL_KERNEL_RESTART).
 */
bool arch_preemption_pending(void);

void arch_debug_putchar(char c);
void arch_shutdown(kaal_word code);

#endif
