/* The SDK's system call on the host: a call into the backend (src/arch/host/thread.c). */
#ifndef KAAL_HOST_SDK_TRAP_H
#define KAAL_HOST_SDK_TRAP_H

#include <kaal/sdk.h>

static inline struct kaal_result sdk_trap(kaal_word num, kaal_word a0, kaal_word a1, kaal_word a2,
                                          kaal_word a3, kaal_word a4, kaal_word a5)
{
	return kaal_syscall(num, a0, a1, a2, a3, a4, a5);
}

static inline struct kaal_ipc_buffer *sdk_ipc_buffer(void)
{
	return kaal_ipc_buffer();
}

#endif
