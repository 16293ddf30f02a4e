/* kaal_syscall() for programs that trap without the SDK's calls (sdk/sdk_trap.h). */
#include "sdk_trap.h"

struct kaal_result kaal_syscall(kaal_word num, kaal_word a0, kaal_word a1, kaal_word a2,
                                kaal_word a3, kaal_word a4, kaal_word a5)
{
	return sdk_trap(num, a0, a1, a2, a3, a4, a5);
}
