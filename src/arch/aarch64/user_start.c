/*
 * The start of a user program at EL0 and its half of the SDK's arch
 * contract. The kernel enters at _start for every thread of the program:
 * the root thread with x0 = the boot info address and x1 = 0, a thread
 * started with kaal_thread_start() with x0 = its argument and x1 = its
 * function. The program provides kaal_user_main(), the root task.
 */
#include <kaal/sdk.h>

#include "user_abi.h"

int kaal_user_main(const struct kaal_boot_info *bi);
_Noreturn void aarch64_user_start(kaal_word arg, void (*fn)(kaal_word));

static struct kaal_ipc_buffer *ipc_buffer;

__asm__(".section .text.start, \"ax\"\n"
        ".global _start\n"
        "_start:\n"
        "	bl	aarch64_user_start\n"
        "1:	b	1b\n"
        ".text\n");

struct kaal_result kaal_syscall(kaal_word num, kaal_word a0, kaal_word a1, kaal_word a2,
                                kaal_word a3, kaal_word a4, kaal_word a5)
{
	register kaal_word x0 __asm__("x0") = a0;
	register kaal_word x1 __asm__("x1") = a1;
	register kaal_word x2 __asm__("x2") = a2;
	register kaal_word x3 __asm__("x3") = a3;
	register kaal_word x4 __asm__("x4") = a4;
	register kaal_word x5 __asm__("x5") = a5;
	register kaal_word x8 __asm__("x8") = num;
	/* Every other register comes back as it was (the kernel restores them). */
	__asm__ volatile("svc #0"
	                 : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3), "+r"(x4)
	                 : "r"(x5), "r"(x8)
	                 : "memory");
	struct kaal_result r = {x0, {x1, x2, x3, x4}};
	return r;
}

_Noreturn void kaal_thread_exit(void)
{
	for (;;)
		kaal_syscall(KAAL_SYS_THREAD_EXIT, 0, 0, 0, 0, 0, 0);
}

void kaal_set_ipc_buffer(struct kaal_ipc_buffer *buf)
{
	ipc_buffer = buf;
}

struct kaal_ipc_buffer *kaal_ipc_buffer(void)
{
	return ipc_buffer;
}

_Noreturn void aarch64_user_start(kaal_word arg, void (*fn)(kaal_word))
{
	if (fn) {
		fn(arg);
		kaal_thread_exit();
	}
	kaal_set_ipc_buffer((struct kaal_ipc_buffer *)(uintptr_t)USER_IPC_BUFFER_VADDR);
	int failures = kaal_user_main((const struct kaal_boot_info *)(uintptr_t)arg);
	for (;;)
		kaal_shutdown(failures ? 1 : 0);
}
