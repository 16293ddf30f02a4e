/*
 * The start of a user program at EL0 and its half of the SDK's arch
 * contract. The kernel enters at _start for every thread of the program:
 * the root thread with x0 = the boot info address and x1 = 0, a thread
 * started with kaal_thread_start() with x0 = its argument and x1 = its
 * function. The program provides kaal_root_task_main(), the root task.
 */
#include <kaal/sdk.h>

#include "root_task.h"

_Noreturn void aarch64_el0_start(kaal_word arg, void (*fn)(kaal_word));

__asm__(".section .text.start, \"ax\"\n"
        ".global _start\n"
        "_start:\n"
        "	bl	aarch64_el0_start\n"
        "1:	b	1b\n"
        ".text\n");

_Noreturn void kaal_thread_exit(void)
{
	for (;;)
		kaal_syscall(KAAL_SYS_THREAD_EXIT, 0, 0, 0, 0, 0, 0);
}

_Noreturn void aarch64_el0_start(kaal_word arg, void (*fn)(kaal_word))
{
	if (fn) {
		fn(arg);
		kaal_thread_exit();
	}
	kaal_set_ipc_buffer((struct kaal_ipc_buffer *)(uintptr_t)ROOT_TASK_IPC_BUFFER_VADDR);
	int failures = kaal_root_task_main((const struct kaal_boot_info *)(uintptr_t)arg);
	for (;;)
		kaal_shutdown(failures ? 1 : 0);
}
