/*
 * A program's own CSpace: its root CNode (whose guard makes every cptr a
 * slot index) and a slot allocator over a range of its slots. Each helper
 * names capabilities by cptr, takes a fresh slot where it makes a
 * capability, and is all or nothing: a call that fails gives the slot back
 * and leaves the CSpace as it was.
 */
#ifndef KAAL_CSPACE_H
#define KAAL_CSPACE_H

#include <kaal/broker.h>

struct kaal_cspace {
	kaal_cptr root; /* the root CNode capability, as this program names it */
	struct kaal_slot_allocator slots;
};

/* Manage slots first..end-1 of root (end at most KAAL_BROKER_MAX_SLOTS). */
kaal_status kaal_cspace_init(struct kaal_cspace *cs, kaal_cptr root, kaal_cptr first,
                             kaal_cptr end);
/* A free slot (KAAL_OUT_OF_SLOTS when none is left), and give one back once empty. */
kaal_status kaal_cspace_alloc(struct kaal_cspace *cs, kaal_cptr *slot);
kaal_status kaal_cspace_free(struct kaal_cspace *cs, kaal_cptr slot);

/* A copy of src, one with fewer rights, or one with fewer rights and a badge, in a fresh slot. */
kaal_status kaal_cspace_copy(struct kaal_cspace *cs, kaal_cptr src, kaal_cptr *dst);
kaal_status kaal_cspace_derive(struct kaal_cspace *cs, kaal_cptr src, unsigned rights,
                               kaal_cptr *dst);
kaal_status kaal_cspace_mint(struct kaal_cspace *cs, kaal_cptr src, unsigned rights,
                             kaal_word badge, kaal_cptr *dst);
/* src's capability into a fresh slot; src is then empty (and still allocated, if it was). */
kaal_status kaal_cspace_move(struct kaal_cspace *cs, kaal_cptr src, kaal_cptr *dst);
/* Delete every capability derived from slot's (its copies too); slot keeps its own. */
kaal_status kaal_cspace_revoke(struct kaal_cspace *cs, kaal_cptr slot);
/* Delete slot's capability, if any, and give the slot back. */
kaal_status kaal_cspace_delete(struct kaal_cspace *cs, kaal_cptr slot);

#endif
