/*
 * Where the kernel puts a user program's fixed pages (user.c), as the
 * program itself sees them (user_start.c). The program links at
 * 0x0040_0000 (user.ld); the boot info page is at KAAL_BOOT_INFO_VADDR.
 */
#ifndef KAAL_AARCH64_USER_ABI_H
#define KAAL_AARCH64_USER_ABI_H

#define USER_IPC_BUFFER_VADDR 0x7FFFE000u /* the root thread's IPC buffer, EL0 read-write */
#define USER_STACK_TOP        0x7FFF0000u /* the root thread's stack, below an unmapped page */
#define USER_STACK_PAGES      16u

#endif
