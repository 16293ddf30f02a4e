/*
 * Kernel entry. QEMU's -kernel loads this ELF at its link address and
 * jumps to _start with the MMU off, at EL1 (EL2 with virtualization=on),
 * x0 = 0 for an ELF and the device tree at 0x4000_0000.
 *
 * At EL2 the kernel drops to EL1: EL1 runs AArch64, its timer and
 * counter accesses are not trapped, and it starts in EL1h with every
 * interrupt masked. Then: a stack, a zeroed .bss, the vector table, C.
 */

#define SPSR_EL1H_MASKED 0x3c5 /* D, A, I, F masked; M = EL1 with SP_EL1 */
#define HCR_EL2_RW       (1 << 31)
#define CNTHCTL_EL1_ACCESS 0x3 /* EL1PCTEN, EL1PCEN: EL1 uses the physical counter and timer */
#define CPTR_EL2_RES1    0x32ff /* nothing trapped (FP, SIMD, SVE); the RES1 bits set */
/* SCTLR_EL1 with its RES1 bits: MMU, caches and alignment checks off, little endian. */
#define SCTLR_EL1_OFF    0x30d00800

	.section .text.boot, "ax"
	.global _start
	.type _start, %function
_start:
	mov	x19, x0			/* device tree address from the loader, 0 for an ELF */
	mrs	x20, CurrentEL
	lsr	x20, x20, #2
	and	x20, x20, #3		/* the exception level we were entered at */
	cmp	x20, #3
	b.eq	at_el3
	cmp	x20, #2
	b.ne	at_el1

	/* EL2: configure what EL1 may do, then return to EL1 at at_el1. */
	mov	x0, #HCR_EL2_RW
	msr	hcr_el2, x0
	mrs	x0, cnthctl_el2
	orr	x0, x0, #CNTHCTL_EL1_ACCESS
	msr	cnthctl_el2, x0
	msr	cntvoff_el2, xzr	/* the virtual counter equals the physical one */
	mov	x0, #CPTR_EL2_RES1
	msr	cptr_el2, x0
	msr	hstr_el2, xzr
	mov	x0, #SPSR_EL1H_MASKED
	msr	spsr_el2, x0
	adr	x0, at_el1
	msr	elr_el2, x0
	eret

at_el1:
	msr	daifset, #0xf
	mov	x0, #(SCTLR_EL1_OFF & 0xffff)
	movk	x0, #(SCTLR_EL1_OFF >> 16), lsl #16
	msr	sctlr_el1, x0
	/* FP and SIMD trap at EL1 and EL0 (CPACR_EL1.FPEN resets UNKNOWN): the
	   kernel switches no FP registers, so no thread may use them. */
	msr	cpacr_el1, xzr
	msr	spsel, #1
	isb
	adrp	x0, boot_stack_top
	add	x0, x0, :lo12:boot_stack_top
	mov	sp, x0

	/* .bss is 16-byte aligned and a multiple of 16 bytes long (kernel.ld). */
	adrp	x0, __bss_start
	add	x0, x0, :lo12:__bss_start
	adrp	x1, __bss_end
	add	x1, x1, :lo12:__bss_end
1:	cmp	x0, x1
	b.hs	2f
	stp	xzr, xzr, [x0], #16
	b	1b
2:
	adrp	x0, kaal_vectors
	add	x0, x0, :lo12:kaal_vectors
	msr	vbar_el1, x0
	isb

	mov	x0, x19
	mov	x1, x20
	bl	kaal_aarch64_main
3:	wfe				/* kaal_aarch64_main does not return */
	b	3b

	/* EL3 (secure=on) is not supported: leave QEMU with status 5 (KAAL_EXIT_EL3). */
at_el3:
	adr	x1, el3_exit_block
	mov	x0, #0x18		/* SYS_EXIT */
	hlt	#0xf000
4:	wfe
	b	4b
	.size _start, . - _start

	.balign 8
el3_exit_block:
	.quad	0x20026			/* ADP_Stopped_ApplicationExit */
	.quad	5

	/* The boot stack; exceptions use it too (everything runs on SP_EL1). */
	.section .bss.stack, "aw", %nobits
	.balign 16
boot_stack:
	.space	16384
boot_stack_top:
