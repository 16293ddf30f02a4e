/*
 * The SDK's arch half on aarch64, at EL1 and EL0 alike: kaal_syscall() for
 * programs that trap without the SDK's calls, and the IPC buffer pointer,
 * which lives in TPIDR_EL0 (sdk_trap.h).
 */
#include "sdk_trap.h"

struct kaal_result kaal_syscall(kaal_word num, kaal_word a0, kaal_word a1, kaal_word a2,
                                kaal_word a3, kaal_word a4, kaal_word a5)
{
	return sdk_trap(num, a0, a1, a2, a3, a4, a5);
}

void kaal_set_ipc_buffer(struct kaal_ipc_buffer *buf)
{
	__asm__ volatile("msr tpidr_el0, %0" : : "r"(buf));
}

struct kaal_ipc_buffer *kaal_ipc_buffer(void)
{
	return sdk_ipc_buffer();
}
