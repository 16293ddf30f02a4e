/*
 * A boot program for the spawn tests: sends its starter's word plus one and
 * its first free slot to the endpoint it was given as "reply", and ends
 * with twice the word.
 */
#include <kaal/program.h>

#include "programs.h"

static int adder_main(const struct kaal_start_info *si)
{
	kaal_cptr reply;
	if (kaal_start_cap(si, "reply", &reply) != KAAL_OK)
		return PROGRAM_NO_CAP;
	struct kaal_msg msg = {
	    kaal_msg_info(ADDER_LABEL, 2, 0), {si->arg + 1, si->first_free_slot}, 0};
	if (kaal_send(reply, &msg) != KAAL_OK)
		return PROGRAM_SEND_FAILED;
	return (int)(si->arg * 2);
}

KAAL_PROGRAM(adder, adder_main)
