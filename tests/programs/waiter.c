/*
 * A boot program for the spawn tests: waits on the notification it was
 * given as "block" and ends with the bits that woke it, so a starter can
 * find it running, time out waiting for it, or destroy it while it waits.
 */
#include <kaal/program.h>

#include "programs.h"

static int waiter_main(const struct kaal_start_info *si)
{
	kaal_cptr block;
	kaal_word bits = 0;
	if (kaal_start_cap(si, "block", &block) != KAAL_OK)
		return PROGRAM_NO_CAP;
	if (kaal_wait(block, &bits) != KAAL_OK)
		return PROGRAM_SEND_FAILED;
	return (int)bits;
}

KAAL_PROGRAM(waiter, waiter_main)
