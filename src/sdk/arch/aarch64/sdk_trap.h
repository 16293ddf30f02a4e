/*
 * The SDK's system call trap on aarch64, inline in every SDK call: svc #0
 * with the number in x8 and the arguments in x0-x5; status and results come
 * back in x0-x4, every other register as it was. The same for EL1 and EL0.
 * Each thread's IPC buffer pointer is in TPIDR_EL0, which the kernel keeps
 * per thread.
 */
#ifndef KAAL_AARCH64_SDK_TRAP_H
#define KAAL_AARCH64_SDK_TRAP_H

#include <kaal/sdk.h>

static inline struct kaal_result sdk_trap(kaal_word num, kaal_word a0, kaal_word a1, kaal_word a2,
                                          kaal_word a3, kaal_word a4, kaal_word a5)
{
	register kaal_word x0 __asm__("x0") = a0;
	register kaal_word x1 __asm__("x1") = a1;
	register kaal_word x2 __asm__("x2") = a2;
	register kaal_word x3 __asm__("x3") = a3;
	register kaal_word x4 __asm__("x4") = a4;
	register kaal_word x5 __asm__("x5") = a5;
	register kaal_word x8 __asm__("x8") = num;
	__asm__ volatile("svc #0"
	                 : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3), "+r"(x4)
	                 : "r"(x5), "r"(x8)
	                 : "memory");
	struct kaal_result r = {x0, {x1, x2, x3, x4}};
	return r;
}

static inline struct kaal_ipc_buffer *sdk_ipc_buffer(void)
{
	struct kaal_ipc_buffer *buf;
	__asm__ volatile("mrs %0, tpidr_el0" : "=r"(buf));
	return buf;
}

#endif
