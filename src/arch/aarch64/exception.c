/*
 * Exceptions. IRQs go to kaal_aarch64_irq() and system calls to
 * kaal_aarch64_svc() (thread.c). A fault of an EL0 thread ends that thread
 * with one line on the console; the rest of the system goes on. Anything
 * else reaching the vector table is a kernel bug: it is reported on the
 * console (syndrome, return address, fault address, saved state,
 * registers) and QEMU exits with KAAL_EXIT_EXCEPTION.
 */
#include "aarch64.h"

static const char *const vector_names[16] = {
    "synchronous, current EL, SP_EL0", "IRQ, current EL, SP_EL0",
    "FIQ, current EL, SP_EL0",         "SError, current EL, SP_EL0",
    "synchronous, current EL, SP_ELx", "IRQ, current EL, SP_ELx",
    "FIQ, current EL, SP_ELx",         "SError, current EL, SP_ELx",
    "synchronous, lower EL, AArch64",  "IRQ, lower EL, AArch64",
    "FIQ, lower EL, AArch64",          "SError, lower EL, AArch64",
    "synchronous, lower EL, AArch32",  "IRQ, lower EL, AArch32",
    "FIQ, lower EL, AArch32",          "SError, lower EL, AArch32",
};

/* The exception classes a kernel bug is most likely to raise. */
static const char *exception_class(unsigned ec)
{
	switch (ec) {
	case 0x00:
		return "unknown reason";
	case 0x0e:
		return "illegal execution state";
	case 0x15:
		return "SVC from AArch64";
	case 0x07:
		return "FP or SIMD access";
	case 0x18:
		return "system register access";
	case 0x20:
		return "instruction abort, lower EL";
	case 0x21:
		return "instruction abort, current EL";
	case 0x22:
		return "PC alignment";
	case 0x24:
		return "data abort, lower EL";
	case 0x25:
		return "data abort, current EL";
	case 0x26:
		return "SP alignment";
	case 0x2f:
		return "SError";
	case 0x3c:
		return "BRK instruction";
	default:
		return "other";
	}
}

static void field(const char *name, uint64_t v)
{
	console_puts(name);
	console_puts("=");
	console_hex(v);
}

_Noreturn void kaal_aarch64_exception(const struct aarch64_frame *f, uint64_t vector)
{
	unsigned ec = (unsigned)(f->esr >> 26) & 0x3f;
	console_puts("\n# kaal: unexpected exception: ");
	console_puts(vector < 16 ? vector_names[vector] : "?");
	console_puts(": ");
	console_puts(exception_class(ec));
	console_puts("\n# ");
	field("ESR_EL1", f->esr);
	console_puts(" (EC ");
	console_hex(ec);
	console_puts(") ");
	field("ELR_EL1", f->elr);
	console_puts(" ");
	field("FAR_EL1", f->far);
	console_puts(" ");
	field("SPSR_EL1", f->spsr);
	console_puts(" ");
	field("SP", f->sp);
	for (unsigned i = 0; i < FRAME_X_REGISTERS; i++) {
		console_puts(i % 4 == 0 ? "\n# " : " ");
		console_puts("x");
		console_dec(i);
		console_puts("=");
		console_hex(f->x[i]);
	}
	console_puts("\nBail out! unexpected exception\n");
	semihosting_exit(KAAL_EXIT_EXCEPTION);
}

/* Exception classes that set FAR_EL1 (aborts, PC alignment, watchpoints); others leave it stale. */
static bool far_valid(unsigned ec)
{
	return ec == 0x20 || ec == 0x21 || ec == 0x22 || ec == 0x24 || ec == 0x25 || ec == 0x34 ||
	       ec == 0x35;
}

void kaal_aarch64_user_fault(const struct aarch64_frame *f)
{
	unsigned ec = (unsigned)(f->esr >> 26) & 0x3f;
	console_puts("# kaal: EL0 fault, thread ended: thread=");
	console_hex((uintptr_t)aarch64_current());
	console_puts(" EC=");
	console_hex(ec);
	console_puts(" (");
	console_puts(exception_class(ec));
	console_puts(") ");
	if (far_valid(ec)) {
		field("FAR", f->far);
		console_puts(" ");
	}
	field("ELR", f->elr);
	console_puts("\n");
	aarch64_end_current();
}
