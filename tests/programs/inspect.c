/*
 * A boot program for the spawn tests: looks at its own CSpace as program.h
 * lays it out and at the capabilities it was given by name, and ends with
 * a bit set for each look that found something else (0: all as promised).
 */
#include <kaal/program.h>

#include "programs.h"

static bool holds(kaal_cptr slot, unsigned type, unsigned rights)
{
	struct kaal_cap_info info;
	return kaal_cnode_identify(kaal_root_slot(KAAL_PROGRAM_SLOT_CNODE, slot), &info) ==
	           KAAL_OK &&
	       info.type == type && info.rights == rights;
}

static int inspect_main(const struct kaal_start_info *si)
{
	int wrong = 0;
	kaal_cptr ntfn = 0, ep = 0, none = 0;
	if (!holds(KAAL_PROGRAM_SLOT_START_INFO, KAAL_CAP_FRAME, KAAL_RIGHTS_ALL) ||
	    !holds(KAAL_PROGRAM_SLOT_IPC_BUFFER, KAAL_CAP_FRAME, KAAL_RIGHTS_ALL) ||
	    !holds(KAAL_PROGRAM_SLOT_CNODE, KAAL_CAP_CNODE, KAAL_RIGHTS_ALL))
		wrong |= INSPECT_FIXED_SLOTS;
	if (!holds(KAAL_PROGRAM_SLOT_END, KAAL_CAP_NOTIFICATION, KAAL_RIGHT_WRITE))
		wrong |= INSPECT_END_SLOT;
	if (kaal_start_cap(si, "ntfn", &ntfn) != KAAL_OK ||
	    !holds(ntfn, KAAL_CAP_NOTIFICATION, KAAL_RIGHT_WRITE))
		wrong |= INSPECT_NTFN;
	if (kaal_start_cap(si, "ep", &ep) != KAAL_OK ||
	    !holds(ep, KAAL_CAP_ENDPOINT, KAAL_RIGHT_READ | KAAL_RIGHT_WRITE))
		wrong |= INSPECT_EP;
	if (kaal_start_cap(si, "nope", &none) != KAAL_SLOT_EMPTY || none != 0)
		wrong |= INSPECT_UNKNOWN_NAME;
	if (!holds(si->first_free_slot, KAAL_CAP_NULL, 0) || si->slot_count <= si->first_free_slot)
		wrong |= INSPECT_FREE_SLOTS;
	/* Its own notification works: the starter sees the bits. */
	if (kaal_signal(ntfn, INSPECT_SIGNAL_BITS) != KAAL_OK)
		wrong |= INSPECT_SIGNAL;
	return wrong;
}

KAAL_PROGRAM(inspect, inspect_main)
