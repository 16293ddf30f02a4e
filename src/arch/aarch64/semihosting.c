/*
 * Arm semihosting: the one call the kernel makes to QEMU, SYS_EXIT, which
 * ends QEMU with the given exit status (QEMU needs -semihosting-config
 * enable=on; without it the hlt below is an undefined instruction).
 */
#include "aarch64.h"

#define SYS_EXIT                    0x18
#define ADP_STOPPED_APPLICATIONEXIT 0x20026

_Noreturn void semihosting_exit(uint64_t status)
{
	/* On AArch64 SYS_EXIT takes a block: the reason and the exit status. */
	volatile uint64_t block[2] = {ADP_STOPPED_APPLICATIONEXIT, status};
	register uint64_t op __asm__("x0") = SYS_EXIT;
	register volatile uint64_t *arg __asm__("x1") = block;
	__asm__ volatile("hlt #0xf000" : "+r"(op) : "r"(arg) : "memory");
	for (;;)
		__asm__ volatile("wfe");
}
