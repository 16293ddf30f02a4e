/*
 * The root task at EL0 as the kernel starts it: where the kernel's loader
 * (src/arch/aarch64/root_task_loader.c) puts its fixed pages, as the
 * program sees them, and the function the start code (el0_start.c) calls.
 * The program links at 0x0040_0000 (el0_program.ld); the boot info page is
 * at KAAL_BOOT_INFO_VADDR.
 */
#ifndef KAAL_AARCH64_ROOT_TASK_H
#define KAAL_AARCH64_ROOT_TASK_H

#define ROOT_TASK_IPC_BUFFER_VADDR 0x7FFFE000u /* the root thread's IPC buffer, EL0 read-write */
#define ROOT_TASK_STACK_TOP        0x7FFF0000u /* the root thread's stack, below an unmapped page */
#define ROOT_TASK_STACK_PAGES      16u

#ifndef __ASSEMBLER__
#include <kaal/boot_info.h>

/* The program's root task; its result is the shutdown status (0: every check passed). */
int kaal_root_task_main(const struct kaal_boot_info *bi);
/* The first thread's work after the start code (el0_root_main.c or el0_program_main.c). */
_Noreturn void aarch64_el0_main(kaal_word arg);
#endif

#endif
