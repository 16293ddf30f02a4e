/*
 * The start of a user program at EL0 and its half of the SDK's arch
 * contract. The kernel enters at _start for every thread of the program: a
 * thread started with kaal_thread_start() with x0 = its argument and x1 =
 * its function; the program's first thread with x1 = 0: the root thread
 * with x0 = the boot info address (el0_root_main.c), a boot program's with
 * x0 = its starter's argument (el0_program_main.c).
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
	aarch64_el0_main(arg);
}
