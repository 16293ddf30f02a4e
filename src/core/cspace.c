/* Capability pointer lookup: guards, radix levels and the four lookup errors. */
#include "cspace.h"

/* bits [shift, shift + count) of word; 0 when count is 0. */
static uint64_t take_bits(uint64_t word, unsigned shift, unsigned count)
{
	if (count == 0 || shift >= KAAL_WORD_BITS)
		return 0;
	return (word >> shift) & bits_mask(count);
}

kaal_status cspace_resolve(const struct cap *root, kaal_cptr cptr, unsigned depth, bool exact,
                           struct cte **slot)
{
	if (root->type != KAAL_CAP_CNODE)
		return KAAL_INVALID_ROOT;
	if (depth == 0 || depth > KAAL_WORD_BITS)
		return KAAL_DEPTH_MISMATCH;

	const struct cap *node = root;
	unsigned left = depth;
	for (;;) {
		unsigned radix = node->size_bits;
		unsigned level = radix + node->guard_bits;
		if (level > left)
			return KAAL_DEPTH_MISMATCH;
		if (take_bits(cptr, left - node->guard_bits, node->guard_bits) != node->word)
			return KAAL_GUARD_MISMATCH;
		struct cte *next =
		    (struct cte *)node->object + take_bits(cptr, left - level, radix);
		left -= level;
		if (left == 0) {
			*slot = next;
			return KAAL_OK;
		}
		if (next->cap.type == KAAL_CAP_CNODE) {
			node = &next->cap;
			continue;
		}
		if (next->cap.type == KAAL_CAP_NULL)
			return KAAL_MISSING_CAPABILITY;
		if (exact)
			return KAAL_DEPTH_MISMATCH;
		*slot = next;
		return KAAL_OK;
	}
}

kaal_status cspace_lookup_slot(struct thread *t, kaal_cptr cptr, struct cte **slot)
{
	return cspace_resolve(&t->slots[THREAD_SLOT_CSPACE].cap, cptr, KAAL_WORD_BITS, false, slot);
}

kaal_status cspace_lookup_cap(struct thread *t, kaal_cptr cptr, unsigned type, unsigned rights,
                              struct cte **slot)
{
	struct cte *found;
	kaal_status st = cspace_lookup_slot(t, cptr, &found);
	if (st != KAAL_OK)
		return st;
	if (found->cap.type == KAAL_CAP_NULL)
		return KAAL_SLOT_EMPTY;
	if (found->cap.type != type)
		return KAAL_WRONG_TYPE;
	if ((found->cap.rights & rights) != rights)
		return KAAL_MISSING_RIGHT;
	*slot = found;
	return KAAL_OK;
}

kaal_status cspace_lookup_op_slot(struct thread *t, kaal_cptr root_cptr, kaal_word index,
                                  kaal_word depth, struct cte **slot)
{
	/* An index wider than its depth would otherwise name the slot its low bits name. */
	if (!kaal_slot_fits(index, depth))
		return KAAL_INVALID_ARGUMENT;
	struct cte *root;
	kaal_status st = cspace_lookup_slot(t, root_cptr, &root);
	if (st != KAAL_OK)
		return st;
	return cspace_resolve(&root->cap, index, (unsigned)depth, true, slot);
}

static uintptr_t root_cnode_object;

void cspace_set_root(const struct cte *root_cnode)
{
	root_cnode_object = (uintptr_t)root_cnode;
}

bool cspace_is_root(const struct thread *t)
{
	const struct cap *c = &t->slots[THREAD_SLOT_CSPACE].cap;
	return c->type == KAAL_CAP_CNODE && c->object == root_cnode_object;
}
