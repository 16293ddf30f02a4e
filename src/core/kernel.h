/* What a backend calls into the core: boot, system calls, timeouts, interrupts. */
#ifndef KAAL_CORE_KERNEL_H
#define KAAL_CORE_KERNEL_H

#include <kaal/boot_info.h>

#include "object.h"

#define KAAL_ROOT_CNODE_RADIX 12

/* Initial capability slots of the root CNode. */
enum kaal_root_slot {
	KAAL_ROOT_SLOT_NULL = 0, /* always empty: cptr 0 names nothing */
	KAAL_ROOT_SLOT_CNODE = 1,
	KAAL_ROOT_SLOT_THREAD = 2,
	KAAL_ROOT_SLOT_IPC_BUFFER = 3,
	KAAL_ROOT_SLOT_BOOT_INFO = 4,
	KAAL_ROOT_SLOT_VSPACE = 5,
	KAAL_ROOT_SLOT_FIRST_DEVICE = 6
};

struct kaal_platform_device {
	uint32_t id;
	uint32_t irq;
	kaal_paddr mmio_base;
	uint64_t mmio_size;
};

/* A program the backend can load into a VSpace (arch_vspace_load). */
struct kaal_platform_program {
	char name[KAAL_PROGRAM_NAME_MAX];
	uint32_t vspace_bits;
};

/* The machine as the backend found it. */
struct kaal_platform {
	kaal_paddr ram_base;
	uint64_t ram_size;
	kaal_paddr free_base; /* first RAM byte the kernel image does not use */
	uint64_t kernel_base;
	uint64_t user_vaddr_start;
	uint32_t device_count;
	struct kaal_platform_device device[KAAL_BOOT_INFO_MAX_DEVICES];
	uint32_t program_count;
	struct kaal_platform_program program[KAAL_BOOT_INFO_MAX_PROGRAMS];
};

struct kaal_boot_state {
	struct thread *root_thread;
	struct kaal_boot_info *boot_info; /* kernel address of the boot info frame */
};

/* Build the root task's world. Fails only when the platform cannot hold it. */
kaal_status kaal_kernel_boot(const struct kaal_platform *p, struct kaal_boot_state *out);

/*
 * One system call by t. On return t is either done (status and result set)
 * or blocked, and finds its outcome there once thread_complete() ran; or
 * its status is KAAL_KERNEL_RESTART: the call stopped at a preemption point
 * with its progress kept, and the backend has t issue it again unchanged.
 */
#define KAAL_KERNEL_RESTART ((uint64_t)KAAL_STATUS_COUNT + 0x100)

void kaal_kernel_syscall(struct thread *t, kaal_word num, const kaal_word args[KAAL_SYSCALL_ARGS]);

/* Calls and ReplyRecvs the fast path took since boot (tests and benchmarks read it). */
uint64_t kaal_kernel_fastpath_count(void);

/* t's deadline passed while it was blocked: end its wait with KAAL_TIMEOUT. */
void kaal_kernel_timeout(struct thread *t);

/* Interrupt ids the kernel routes: 0 to KAAL_MAX_IRQS - 1. */
#define KAAL_MAX_IRQS 1024

/* Interrupt irq fired: signal its notification (KAAL_BUSY while unacknowledged). */
kaal_status kaal_kernel_irq(uint32_t irq);

/* Whether the thread caller names by cptr is blocked (a host test hook); *blocked only on KAAL_OK.
 */
kaal_status kaal_kernel_thread_blocked(struct thread *caller, kaal_cptr cptr, bool *blocked);

static inline bool kaal_thread_is_blocked(const struct thread *t)
{
	return t->state >= THREAD_BLOCKED_NOTIFICATION && t->state <= THREAD_BLOCKED_REPLY;
}

#endif
