/*
 * checker_prepare(stack_top, fn, arg): lay out a new context's first frame
 * below stack_top and return its stack pointer; the first switch into it
 * calls fn(arg) on that stack (fn must not return).
 *
 * checker_switch(&from_sp, to_sp): save the callee-saved registers on the
 * current stack, store its pointer in *from_sp, and resume the context
 * whose stack pointer is to_sp. No system call: the signal mask stays as
 * it is.
 */
#if defined(__x86_64__)

	.text
	.globl	checker_switch
	.type	checker_switch, @function
checker_switch:
	pushq	%rbp
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	movq	%rsp, (%rdi)
	movq	%rsi, %rsp
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	popq	%rbp
	ret
	.size	checker_switch, . - checker_switch

/* The frame, from the stack pointer up: r15 r14 r13 r12 rbx rbp, return address. */
	.globl	checker_prepare
	.type	checker_prepare, @function
checker_prepare:
	andq	$-16, %rdi
	/* After the return into checker_start the stack is 16-byte aligned again. */
	leaq	-72(%rdi), %rax
	movq	$0, 0(%rax)
	movq	$0, 8(%rax)
	movq	%rdx, 16(%rax)
	movq	%rsi, 24(%rax)
	movq	$0, 32(%rax)
	movq	$0, 40(%rax)
	leaq	checker_start(%rip), %rcx
	movq	%rcx, 48(%rax)
	ret
	.size	checker_prepare, . - checker_prepare

/* The first switch into a context returns here with fn in r12 and arg in r13. */
	.globl	checker_start
	.type	checker_start, @function
checker_start:
	movq	%r13, %rdi
	callq	*%r12
	ud2
	.size	checker_start, . - checker_start

#elif defined(__aarch64__)

	.text
	.globl	checker_switch
	.type	checker_switch, %function
checker_switch:
	sub	sp, sp, #160
	stp	x19, x20, [sp, #0]
	stp	x21, x22, [sp, #16]
	stp	x23, x24, [sp, #32]
	stp	x25, x26, [sp, #48]
	stp	x27, x28, [sp, #64]
	stp	x29, x30, [sp, #80]
	stp	d8, d9, [sp, #96]
	stp	d10, d11, [sp, #112]
	stp	d12, d13, [sp, #128]
	stp	d14, d15, [sp, #144]
	mov	x2, sp
	str	x2, [x0]
	mov	sp, x1
	ldp	x19, x20, [sp, #0]
	ldp	x21, x22, [sp, #16]
	ldp	x23, x24, [sp, #32]
	ldp	x25, x26, [sp, #48]
	ldp	x27, x28, [sp, #64]
	ldp	x29, x30, [sp, #80]
	ldp	d8, d9, [sp, #96]
	ldp	d10, d11, [sp, #112]
	ldp	d12, d13, [sp, #128]
	ldp	d14, d15, [sp, #144]
	add	sp, sp, #160
	ret
	.size	checker_switch, . - checker_switch

/* The frame, from the stack pointer up: x19-x30, then d8-d15. */
	.globl	checker_prepare
	.type	checker_prepare, %function
checker_prepare:
	and	x0, x0, #~15
	sub	x0, x0, #160
	stp	x1, x2, [x0, #0]
	stp	xzr, xzr, [x0, #16]
	stp	xzr, xzr, [x0, #32]
	stp	xzr, xzr, [x0, #48]
	stp	xzr, xzr, [x0, #64]
	adr	x3, checker_start
	stp	xzr, x3, [x0, #80]
	stp	xzr, xzr, [x0, #96]
	stp	xzr, xzr, [x0, #112]
	stp	xzr, xzr, [x0, #128]
	stp	xzr, xzr, [x0, #144]
	ret
	.size	checker_prepare, . - checker_prepare

/* The first switch into a context returns here with fn in x19 and arg in x20. */
	.globl	checker_start
	.type	checker_start, %function
checker_start:
	mov	x0, x20
	blr	x19
	brk	#0
	.size	checker_start, . - checker_start

#else
#error "the checker switches contexts on x86-64 and aarch64 only"
#endif

	.section .note.GNU-stack, "", %progbits
