/* Host backend: the hot half of the arch contract. */
#ifndef KAAL_HOST_ARCH_INLINE_H
#define KAAL_HOST_ARCH_INLINE_H

#include <stdint.h>

#include <kaal/types.h>

struct host_thread;

struct arch_thread {
	struct host_thread *host; /* the pthread running this thread, if any */
};

/* Host VSpaces are all the host process's one address space (ram.c). */
struct arch_vspace {
	uint64_t unused;
};

/* The fake physical RAM: a shared mapping the kernel sees at kaal_host_ram. */
extern uint8_t *kaal_host_ram;
extern kaal_paddr kaal_host_ram_base;

static inline void *arch_phys_to_kernel(kaal_paddr phys)
{
	return kaal_host_ram + (phys - kaal_host_ram_base);
}

static inline kaal_paddr arch_kernel_to_phys(const void *p)
{
	return kaal_host_ram_base + (kaal_paddr)((const uint8_t *)p - kaal_host_ram);
}

#endif
