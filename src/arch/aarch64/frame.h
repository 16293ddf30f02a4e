/*
 * The register frames vectors.S builds on a thread's kernel stack, defined
 * once: the offsets below are what vectors.S uses, and the structs are
 * checked against them field by field.
 *
 * Every entry (IRQ, system call, EL0 fault, kernel exception) saves x0-x30,
 * ELR_EL1, SPSR_EL1 and the interrupted stack pointer in the same places:
 * SP_EL0, or for an exception the kernel took itself, its own stack
 * pointer before the entry. A fault or an exception also saves ESR_EL1 and
 * FAR_EL1; the other entries leave those words as they were.
 */
#ifndef KAAL_AARCH64_FRAME_H
#define KAAL_AARCH64_FRAME_H

#define FRAME_X0   0
#define FRAME_X(n) (FRAME_X0 + 8 * (n)) /* xn */
#define FRAME_X30  240
#define FRAME_ELR  248
#define FRAME_SPSR 256
#define FRAME_SP   264
#define FRAME_ESR  272
#define FRAME_FAR  280
#define FRAME_SIZE 288 /* a multiple of 16: sp stays aligned */

/* SPSR_EL1 in a new EL0 thread's first frame: EL0 with SP_EL0, interrupts unmasked. */
#define SPSR_EL0T 0

/* What aarch64_switch() saves below a switched-out thread's C frames: x19-x30. */
#define SWITCH_FRAME_X(n) (8 * ((n)-19)) /* xn, for n from 19 to 30 */
#define SWITCH_FRAME_SIZE 96

#ifndef __ASSEMBLER__
#include <stddef.h>
#include <stdint.h>

#define FRAME_X_REGISTERS 31 /* x0-x30 */

struct aarch64_frame {
	uint64_t x[FRAME_X_REGISTERS];
	uint64_t elr;
	uint64_t spsr;
	uint64_t sp;  /* SP_EL0, or the kernel's own for an exception it took itself */
	uint64_t esr; /* a fault or an exception only */
	uint64_t far; /* a fault or an exception only */
};
_Static_assert(offsetof(struct aarch64_frame, x) == FRAME_X0, "FRAME_X0");
_Static_assert(offsetof(struct aarch64_frame, x[30]) == FRAME_X30 && FRAME_X30 == FRAME_X(30),
               "FRAME_X30");
_Static_assert(offsetof(struct aarch64_frame, elr) == FRAME_ELR, "FRAME_ELR");
_Static_assert(offsetof(struct aarch64_frame, spsr) == FRAME_SPSR, "FRAME_SPSR");
_Static_assert(offsetof(struct aarch64_frame, sp) == FRAME_SP, "FRAME_SP");
_Static_assert(offsetof(struct aarch64_frame, esr) == FRAME_ESR, "FRAME_ESR");
_Static_assert(offsetof(struct aarch64_frame, far) == FRAME_FAR, "FRAME_FAR");
_Static_assert(sizeof(struct aarch64_frame) == FRAME_SIZE, "FRAME_SIZE");

struct aarch64_switch_frame {
	uint64_t x19, x20;
	uint64_t x21_x29[9];
	uint64_t x30;
};
_Static_assert(offsetof(struct aarch64_switch_frame, x19) == SWITCH_FRAME_X(19), "x19");
_Static_assert(offsetof(struct aarch64_switch_frame, x20) == SWITCH_FRAME_X(20), "x20");
_Static_assert(offsetof(struct aarch64_switch_frame, x21_x29) == SWITCH_FRAME_X(21), "x21");
_Static_assert(offsetof(struct aarch64_switch_frame, x30) == SWITCH_FRAME_X(30), "x30");
_Static_assert(sizeof(struct aarch64_switch_frame) == SWITCH_FRAME_SIZE, "SWITCH_FRAME_SIZE");
#endif

#endif
