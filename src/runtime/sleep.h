/* The sleep of the runtime's blocking loops, shared by the call slot and the channel set. */
#ifndef KAAL_RUNTIME_SLEEP_H
#define KAAL_RUNTIME_SLEEP_H

#include <kaal/sdk.h>

#define SLEEP_FOREVER UINT64_MAX /* timeout_ns without a deadline */

/*
 * Wait on ntfn until a signal, or until deadline unless timeout_ns is
 * SLEEP_FOREVER; *bits is what the signal brought (0 when none did).
 */
static inline kaal_status sleep_until(kaal_cptr ntfn, uint64_t timeout_ns, uint64_t deadline,
                                      kaal_word *bits)
{
	*bits = 0;
	if (timeout_ns == SLEEP_FOREVER)
		return kaal_wait(ntfn, bits);
	uint64_t now = kaal_time_ns();
	return now >= deadline ? KAAL_TIMEOUT : kaal_wait_timeout(ntfn, deadline - now, bits);
}

#endif
