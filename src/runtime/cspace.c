/* CSpace helpers: one CNode call each, in a slot taken from the program's own allocator. */
#include <kaal/cspace.h>

kaal_status kaal_cspace_init(struct kaal_cspace *cs, kaal_cptr root, kaal_cptr first, kaal_cptr end)
{
	if (!cs)
		return KAAL_INVALID_ARGUMENT;
	struct kaal_slot_allocator slots;
	kaal_status st = kaal_slots_init(&slots, first, end);
	if (st != KAAL_OK)
		return st;
	cs->root = root;
	cs->slots = slots;
	return KAAL_OK;
}

kaal_status kaal_cspace_alloc(struct kaal_cspace *cs, kaal_cptr *slot)
{
	return cs ? kaal_slots_alloc(&cs->slots, slot) : KAAL_INVALID_ARGUMENT;
}

kaal_status kaal_cspace_free(struct kaal_cspace *cs, kaal_cptr slot)
{
	return cs ? kaal_slots_free(&cs->slots, slot) : KAAL_INVALID_ARGUMENT;
}

static struct kaal_slot_ref ref(const struct kaal_cspace *cs, kaal_cptr slot)
{
	return kaal_root_slot(cs->root, slot);
}

enum make { COPY, DERIVE, MINT, MOVE };

/* A capability made from src by how, in a fresh slot; the slot goes back if the call fails. */
static kaal_status make(struct kaal_cspace *cs, enum make how, kaal_cptr src, unsigned rights,
                        kaal_word badge, kaal_cptr *dst)
{
	if (!cs || !dst)
		return KAAL_INVALID_ARGUMENT;
	kaal_cptr slot;
	kaal_status st = kaal_slots_alloc(&cs->slots, &slot);
	if (st != KAAL_OK)
		return st;
	switch (how) {
	case COPY:
		st = kaal_cnode_copy(ref(cs, slot), ref(cs, src));
		break;
	case DERIVE:
		st = kaal_cnode_derive(ref(cs, slot), ref(cs, src), rights);
		break;
	case MINT:
		st = kaal_cnode_mint(ref(cs, slot), ref(cs, src), rights, badge);
		break;
	case MOVE:
		st = kaal_cnode_move(ref(cs, slot), ref(cs, src));
		break;
	}
	if (st != KAAL_OK) {
		kaal_slots_free(&cs->slots, slot);
		return st;
	}
	*dst = slot;
	return KAAL_OK;
}

kaal_status kaal_cspace_copy(struct kaal_cspace *cs, kaal_cptr src, kaal_cptr *dst)
{
	return make(cs, COPY, src, 0, 0, dst);
}

kaal_status kaal_cspace_derive(struct kaal_cspace *cs, kaal_cptr src, unsigned rights,
                               kaal_cptr *dst)
{
	return make(cs, DERIVE, src, rights, 0, dst);
}

kaal_status kaal_cspace_mint(struct kaal_cspace *cs, kaal_cptr src, unsigned rights,
                             kaal_word badge, kaal_cptr *dst)
{
	return make(cs, MINT, src, rights, badge, dst);
}

kaal_status kaal_cspace_move(struct kaal_cspace *cs, kaal_cptr src, kaal_cptr *dst)
{
	return make(cs, MOVE, src, 0, 0, dst);
}

kaal_status kaal_cspace_revoke(struct kaal_cspace *cs, kaal_cptr slot)
{
	return cs ? kaal_cnode_revoke(ref(cs, slot)) : KAAL_INVALID_ARGUMENT;
}

kaal_status kaal_cspace_delete(struct kaal_cspace *cs, kaal_cptr slot)
{
	if (!cs)
		return KAAL_INVALID_ARGUMENT;
	/* A slot this allocator does not hold is refused before anything is deleted. */
	if (!kaal_slots_held(&cs->slots, slot))
		return KAAL_INVALID_ARGUMENT;
	/* Already empty (a revoke took a copy, say) is fine: the slot goes back all the same. */
	kaal_status st = kaal_cnode_delete(ref(cs, slot));
	if (st != KAAL_OK && st != KAAL_SLOT_EMPTY)
		return st;
	return kaal_slots_free(&cs->slots, slot);
}
