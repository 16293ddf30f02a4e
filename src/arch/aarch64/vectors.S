/*
 * The EL1 vector table and the context switch.
 *
 * Threads run at EL1 on their own stacks or at EL0 with a kernel stack
 * each (thread.c); either way an exception is taken on SP_EL1, the stack
 * of the thread it interrupted. An IRQ saves the interrupted registers,
 * ELR, SPSR and SP_EL0 on that stack and calls kaal_aarch64_irq(), which
 * may switch to another thread; the frame stays on the stack until this
 * thread is switched back in and returns here to restore it and eret. A
 * synchronous exception that is an svc #0, from EL1 or EL0, is a system
 * call: the caller's registers go in a frame of the same layout,
 * kaal_aarch64_svc() dispatches (and may switch threads the same way) and
 * the frame is restored with the results in x0-x4. Any other synchronous
 * exception from EL0 goes to kaal_aarch64_user_fault(), which ends the
 * thread. Every other entry saves the registers in an exception frame and
 * calls kaal_aarch64_exception(), which reports them and stops QEMU. Every
 * frame is a struct aarch64_frame, its offsets the FRAME_ macros (frame.h).
 */
#include "frame.h"

	/* x2-x29 at their place in any frame (x0 and x1 are saved by the vector). */
	.macro	save_x2_x29
	stp	x2, x3, [sp, #FRAME_X(2)]
	stp	x4, x5, [sp, #FRAME_X(4)]
	stp	x6, x7, [sp, #FRAME_X(6)]
	stp	x8, x9, [sp, #FRAME_X(8)]
	stp	x10, x11, [sp, #FRAME_X(10)]
	stp	x12, x13, [sp, #FRAME_X(12)]
	stp	x14, x15, [sp, #FRAME_X(14)]
	stp	x16, x17, [sp, #FRAME_X(16)]
	stp	x18, x19, [sp, #FRAME_X(18)]
	stp	x20, x21, [sp, #FRAME_X(20)]
	stp	x22, x23, [sp, #FRAME_X(22)]
	stp	x24, x25, [sp, #FRAME_X(24)]
	stp	x26, x27, [sp, #FRAME_X(26)]
	stp	x28, x29, [sp, #FRAME_X(28)]
	.endm

	/* The rest of a frame once x0, x1 are saved: x2-x30, ELR, SPSR and SP_EL0. */
	.macro	save_frame_rest
	save_x2_x29
	mrs	x2, elr_el1
	mrs	x3, spsr_el1
	stp	x30, x2, [sp, #FRAME_X30]	/* x30, ELR */
	mrs	x4, sp_el0
	stp	x3, x4, [sp, #FRAME_SPSR]	/* SPSR, SP */
	.endm

	/*
	 * The rest of a fault's or an exception's frame once x0-x29 are saved
	 * and x2 holds the interrupted stack pointer; x0 = the frame.
	 */
	.macro	save_exception_rest
	mrs	x3, elr_el1
	stp	x30, x3, [sp, #FRAME_X30]	/* x30, ELR */
	mrs	x3, spsr_el1
	stp	x3, x2, [sp, #FRAME_SPSR]	/* SPSR, SP */
	mrs	x2, esr_el1
	mrs	x3, far_el1
	stp	x2, x3, [sp, #FRAME_ESR]	/* ESR, FAR */
	mov	x0, sp
	.endm

	.macro	vector_entry index
	.balign	0x80
	sub	sp, sp, #FRAME_SIZE
	stp	x0, x1, [sp, #FRAME_X(0)]
	mov	x1, #\index
	b	exception_entry
	.endm

	/* Synchronous, current EL: svc #0 (ESR_EL1.EC 0x15) is a system call. */
	.macro	sync_vector_entry
	.balign	0x80
	sub	sp, sp, #FRAME_SIZE
	stp	x0, x1, [sp, #FRAME_X(0)]
	mrs	x0, esr_el1
	lsr	x0, x0, #26
	cmp	x0, #0x15
	b.eq	svc_entry
	mov	x1, #4
	b	exception_entry
	.endm

	/* Synchronous, lower EL: svc #0 is a system call, anything else a fault. */
	.macro	lower_sync_vector_entry
	.balign	0x80
	sub	sp, sp, #FRAME_SIZE
	stp	x0, x1, [sp, #FRAME_X(0)]
	mrs	x0, esr_el1
	lsr	x0, x0, #26
	cmp	x0, #0x15
	b.eq	svc_entry
	b	user_fault_entry
	.endm

	/* An IRQ: the interrupted context goes in a frame of the same size. */
	.macro	irq_vector_entry
	.balign	0x80
	sub	sp, sp, #FRAME_SIZE
	stp	x0, x1, [sp, #FRAME_X(0)]
	b	irq_entry
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
	sync_vector_entry
	irq_vector_entry
	vector_entry 6
	vector_entry 7
	lower_sync_vector_entry
	irq_vector_entry
	vector_entry 10
	vector_entry 11
	vector_entry 12
	vector_entry 13
	vector_entry 14
	vector_entry 15

exception_entry:
	save_x2_x29
	add	x2, sp, #FRAME_SIZE	/* the stack pointer when the exception came */
	save_exception_rest
	bl	kaal_aarch64_exception
1:	wfe
	b	1b

	/* The exception frame of an EL0 fault: sp is SP_EL0, the thread's own. */
user_fault_entry:
	save_x2_x29
	mrs	x2, sp_el0
	save_exception_rest
	bl	kaal_aarch64_user_fault
1:	wfe				/* an ended thread is not switched back in */
	b	1b

	/*
	 * A system call: the caller's frame as for an IRQ (x0, x1 saved by the
	 * vector); kaal_aarch64_svc() puts status and results in its x0-x4.
	 */
svc_entry:
	save_frame_rest
	mov	x0, sp
	bl	kaal_aarch64_svc
	b	restore_frame

irq_entry:
	save_frame_rest
	bl	kaal_aarch64_irq
	.global aarch64_restore_frame
aarch64_restore_frame:
restore_frame:
	ldp	x3, x4, [sp, #FRAME_SPSR]	/* SPSR, SP */
	ldp	x30, x2, [sp, #FRAME_X30]	/* x30, ELR */
	msr	elr_el1, x2
	msr	spsr_el1, x3
	msr	sp_el0, x4
	ldp	x2, x3, [sp, #FRAME_X(2)]
	ldp	x4, x5, [sp, #FRAME_X(4)]
	ldp	x6, x7, [sp, #FRAME_X(6)]
	ldp	x8, x9, [sp, #FRAME_X(8)]
	ldp	x10, x11, [sp, #FRAME_X(10)]
	ldp	x12, x13, [sp, #FRAME_X(12)]
	ldp	x14, x15, [sp, #FRAME_X(14)]
	ldp	x16, x17, [sp, #FRAME_X(16)]
	ldp	x18, x19, [sp, #FRAME_X(18)]
	ldp	x20, x21, [sp, #FRAME_X(20)]
	ldp	x22, x23, [sp, #FRAME_X(22)]
	ldp	x24, x25, [sp, #FRAME_X(24)]
	ldp	x26, x27, [sp, #FRAME_X(26)]
	ldp	x28, x29, [sp, #FRAME_X(28)]
	ldp	x0, x1, [sp, #FRAME_X(0)]
	add	sp, sp, #FRAME_SIZE
	eret

	/* _Noreturn void aarch64_enter_user(uint64_t *frame): eret to the frame's context. */
	.global aarch64_enter_user
	.type aarch64_enter_user, %function
aarch64_enter_user:
	mov	sp, x0
	b	restore_frame
	.size aarch64_enter_user, . - aarch64_enter_user

	/*
	 * void aarch64_switch(uint64_t *save_sp, uint64_t next_sp): called with
	 * IRQs masked; the caller-saved registers are the caller's business.
	 */
	.text
	.global aarch64_switch
	.type aarch64_switch, %function
aarch64_switch:
	sub	sp, sp, #SWITCH_FRAME_SIZE
	stp	x19, x20, [sp, #SWITCH_FRAME_X(19)]
	stp	x21, x22, [sp, #SWITCH_FRAME_X(21)]
	stp	x23, x24, [sp, #SWITCH_FRAME_X(23)]
	stp	x25, x26, [sp, #SWITCH_FRAME_X(25)]
	stp	x27, x28, [sp, #SWITCH_FRAME_X(27)]
	stp	x29, x30, [sp, #SWITCH_FRAME_X(29)]
	mov	x9, sp
	str	x9, [x0]
	mov	sp, x1
	ldp	x19, x20, [sp, #SWITCH_FRAME_X(19)]
	ldp	x21, x22, [sp, #SWITCH_FRAME_X(21)]
	ldp	x23, x24, [sp, #SWITCH_FRAME_X(23)]
	ldp	x25, x26, [sp, #SWITCH_FRAME_X(25)]
	ldp	x27, x28, [sp, #SWITCH_FRAME_X(27)]
	ldp	x29, x30, [sp, #SWITCH_FRAME_X(29)]
	add	sp, sp, #SWITCH_FRAME_SIZE
	ret
	.size aarch64_switch, . - aarch64_switch

	/*
	 * _Noreturn void aarch64_resume_frame(uint64_t *save_sp, uint64_t *frame,
	 * uint64_t *next_frame): the blocked thread's C frames below its system
	 * call frame are given up; a switch frame there returns it through
	 * svc_resume instead, which is all the rest of its call would have done.
	 */
	.global aarch64_resume_frame
	.type aarch64_resume_frame, %function
aarch64_resume_frame:
	sub	x3, x1, #SWITCH_FRAME_SIZE
	adr	x4, svc_resume
	str	x4, [x3, #SWITCH_FRAME_X(30)]
	str	x3, [x0]
	mov	sp, x2
	b	restore_frame
	.size aarch64_resume_frame, . - aarch64_resume_frame

svc_resume:
	mov	x0, sp
	bl	aarch64_svc_return
	b	restore_frame

	/* A new thread's first switch "returns" here with its entry in x19, its argument in x20. */
	.global aarch64_thread_trampoline
	.type aarch64_thread_trampoline, %function
aarch64_thread_trampoline:
	mov	x0, x19
	mov	x1, x20
	bl	aarch64_thread_begin
1:	wfe
	b	1b
	.size aarch64_thread_trampoline, . - aarch64_thread_trampoline
