/*
 * The EL1 vector table. Nothing is expected to arrive yet (interrupts are
 * masked, nothing runs at EL0), so every entry saves the registers in an
 * exception frame and calls kaal_aarch64_exception(), which reports them and
 * stops QEMU. The frame layout is struct exception_frame in exception.c.
 */

#define FRAME_SIZE 288 /* x0-x30, sp, elr, spsr, esr, far: 36 words */

	.macro	vector_entry index
	.balign	0x80
	sub	sp, sp, #FRAME_SIZE
	stp	x0, x1, [sp, #0]
	mov	x1, #\index
	b	exception_entry
	.endm

	.section .text.vectors, "ax"
	.balign	2048
	.global kaal_vectors
kaal_vectors:
	/* Current EL with SP_EL0, current EL with SP_ELx, lower EL AArch64, lower EL AArch32;
	   each: synchronous, IRQ, FIQ, SError. */
	vector_entry 0
	vector_entry 1
	vector_entry 2
	vector_entry 3
	vector_entry 4
	vector_entry 5
	vector_entry 6
	vector_entry 7
	vector_entry 8
	vector_entry 9
	vector_entry 10
	vector_entry 11
	vector_entry 12
	vector_entry 13
	vector_entry 14
	vector_entry 15

exception_entry:
	stp	x2, x3, [sp, #16]
	stp	x4, x5, [sp, #32]
	stp	x6, x7, [sp, #48]
	stp	x8, x9, [sp, #64]
	stp	x10, x11, [sp, #80]
	stp	x12, x13, [sp, #96]
	stp	x14, x15, [sp, #112]
	stp	x16, x17, [sp, #128]
	stp	x18, x19, [sp, #144]
	stp	x20, x21, [sp, #160]
	stp	x22, x23, [sp, #176]
	stp	x24, x25, [sp, #192]
	stp	x26, x27, [sp, #208]
	stp	x28, x29, [sp, #224]
	add	x2, sp, #FRAME_SIZE	/* the stack pointer when the exception came */
	stp	x30, x2, [sp, #240]
	mrs	x2, elr_el1
	mrs	x3, spsr_el1
	stp	x2, x3, [sp, #256]
	mrs	x2, esr_el1
	mrs	x3, far_el1
	stp	x2, x3, [sp, #272]
	mov	x0, sp
	bl	kaal_aarch64_exception
1:	wfe
	b	1b
