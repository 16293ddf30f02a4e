/*
 * aarch64 backend: the hot half of the arch contract.
 *
 * The kernel runs at EL1 with the MMU off, so kernel addresses are physical
 * addresses. When the MMU step maps RAM at a kernel window, these two turn
 * into an offset.
 */
#ifndef KAAL_AARCH64_ARCH_INLINE_H
#define KAAL_AARCH64_ARCH_INLINE_H

#include <stdint.h>

#include <kaal/types.h>

struct arch_thread {
	/*
	 * Nothing yet: the only thread is the root thread, and the kernel runs
	 * as that thread. The saved register context, stack and address space
	 * come with the scheduler and EL0 steps.
	 */
	uint64_t reserved;
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
