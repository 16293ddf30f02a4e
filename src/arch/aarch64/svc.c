/*
 * The SDK's system call trap, the same for EL1 and EL0 callers: the number
 * in x8, arguments in x0-x5, status and results back in x0-x4.
 */
#include <kaal/sdk.h>

struct kaal_result kaal_syscall(kaal_word num, kaal_word a0, kaal_word a1, kaal_word a2,
                                kaal_word a3, kaal_word a4, kaal_word a5)
{
	register kaal_word x0 __asm__("x0") = a0;
	register kaal_word x1 __asm__("x1") = a1;
	register kaal_word x2 __asm__("x2") = a2;
	register kaal_word x3 __asm__("x3") = a3;
	register kaal_word x4 __asm__("x4") = a4;
	register kaal_word x5 __asm__("x5") = a5;
	register kaal_word x8 __asm__("x8") = num;
	/* Every other register comes back as it was (the vector restores them). */
	__asm__ volatile("svc #0"
	                 : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3), "+r"(x4)
	                 : "r"(x5), "r"(x8)
	                 : "memory");
	struct kaal_result r = {x0, {x1, x2, x3, x4}};
	return r;
}
