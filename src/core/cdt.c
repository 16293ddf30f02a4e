/*
 * The capability derivation tree (CDT): a doubly linked list of slots in
 * depth-first order; a slot's children are the slots after it for which
 * cdt_is_parent_of() holds.
 */
#include "cdt.h"

/* The physical range a capability's object covers; false for rangeless types. */
static bool cap_range(const struct cap *c, kaal_paddr *base, uint64_t *size)
{
	switch (c->type) {
	case KAAL_CAP_UNTYPED:
	case KAAL_CAP_FRAME:
	case KAAL_CAP_DEVICE_FRAME:
		*base = c->object;
		*size = UINT64_C(1) << c->size_bits;
		return true;
	case KAAL_CAP_ENDPOINT:
		*size = UINT64_C(1) << KAAL_ENDPOINT_BITS;
		break;
	case KAAL_CAP_NOTIFICATION:
		*size = UINT64_C(1) << KAAL_NOTIFICATION_BITS;
		break;
	case KAAL_CAP_CNODE:
		*size = UINT64_C(1) << (c->size_bits + KAAL_SLOT_BITS);
		break;
	case KAAL_CAP_THREAD:
		*size = UINT64_C(1) << KAAL_THREAD_BITS;
		break;
	case KAAL_CAP_VSPACE:
		*size = UINT64_C(1) << c->size_bits;
		break;
	default:
		return false;
	}
	*base = arch_kernel_to_phys((const void *)c->object);
	return true;
}

static bool same_object(const struct cap *a, const struct cap *b)
{
	if (a->type != b->type || a->type == KAAL_CAP_NULL)
		return false;
	if (a->type == KAAL_CAP_IRQ_HANDLER)
		return a->word == b->word;
	return a->object == b->object && a->size_bits == b->size_bits;
}

static bool same_region(const struct cap *parent, const struct cap *child)
{
	if (parent->type != KAAL_CAP_UNTYPED)
		return same_object(parent, child);
	kaal_paddr pbase, cbase;
	uint64_t psize, csize;
	if (!cap_range(parent, &pbase, &psize) || !cap_range(child, &cbase, &csize))
		return false;
	return cbase >= pbase && cbase - pbase + csize <= psize;
}

static bool is_badged_type(unsigned type)
{
	return type == KAAL_CAP_ENDPOINT || type == KAAL_CAP_NOTIFICATION;
}

static bool cdt_is_parent_of(const struct cte *a, const struct cte *b)
{
	if (!a->revocable || !same_region(&a->cap, &b->cap))
		return false;
	if (is_badged_type(a->cap.type) && a->cap.word != 0)
		return a->cap.word == b->cap.word && !b->first_badged;
	return true;
}

static void link_after(struct cte *pos, struct cte *dst)
{
	dst->prev = pos;
	dst->next = pos->next;
	if (pos->next)
		pos->next->prev = dst;
	pos->next = dst;
}

void cdt_unlink(struct cte *slot)
{
	if (slot->prev)
		slot->prev->next = slot->next;
	if (slot->next)
		slot->next->prev = slot->prev;
	slot->prev = NULL;
	slot->next = NULL;
}

void cdt_insert(struct cte *src, struct cte *dst, const struct cap *cap, bool revocable,
                bool first_badged)
{
	dst->cap = *cap;
	dst->revocable = revocable;
	dst->first_badged = first_badged;
	link_after(src, dst);
}

void cdt_insert_new(struct cte *parent, struct cte *dst, const struct cap *cap)
{
	cdt_insert(parent, dst, cap, true, true);
}

void cdt_insert_root(struct cte *dst, const struct cap *cap)
{
	dst->cap = *cap;
	dst->revocable = true;
	dst->first_badged = true;
	dst->prev = NULL;
	dst->next = NULL;
}

bool cdt_has_children(const struct cte *slot)
{
	return slot->next && cdt_is_parent_of(slot, slot->next);
}

bool cdt_is_final(const struct cte *slot)
{
	if (slot->prev && same_object(&slot->prev->cap, &slot->cap))
		return false;
	return !(slot->next && same_object(&slot->next->cap, &slot->cap));
}

/* Whether a capability of this type may be copied at all. */
static kaal_status check_derivable(const struct cte *src)
{
	switch (src->cap.type) {
	case KAAL_CAP_NULL:
		return KAAL_SLOT_EMPTY;
	case KAAL_CAP_UNTYPED:
		/* A copy of an untyped with children could retype over live objects. */
		return cdt_has_children(src) ? KAAL_REVOKE_FIRST : KAAL_OK;
	default:
		return KAAL_OK;
	}
}

/* Whether src's capability may go to dst with rights (copy, mint or move). */
static kaal_status check_target(const struct cte *dst, const struct cte *src, unsigned rights)
{
	if (dst->cap.type != KAAL_CAP_NULL)
		return KAAL_SLOT_OCCUPIED;
	if (rights & ~(unsigned)KAAL_RIGHTS_ALL)
		return KAAL_INVALID_ARGUMENT;
	/* Asking for rights the source lacks is an error, not a silent downgrade. */
	if (rights & ~(unsigned)src->cap.rights)
		return KAAL_MISSING_RIGHT;
	return KAAL_OK;
}

kaal_status cdt_derive(struct cte *dst, struct cte *src, unsigned rights, kaal_word badge,
                       bool set_badge)
{
	kaal_status st = check_derivable(src);
	if (st != KAAL_OK)
		return st;
	st = check_target(dst, src, rights);
	if (st != KAAL_OK)
		return st;
	struct cap cap = src->cap;
	cap.rights = (uint8_t)rights;
	cap.flags &= (uint8_t)~CAP_FLAG_MAPPED;
	if (cap.type == KAAL_CAP_FRAME || cap.type == KAAL_CAP_DEVICE_FRAME)
		cap.word = 0;
	bool badged = false;
	if (set_badge && cap.type == KAAL_CAP_CNODE) {
		/* A CNode's "badge" is its guard (kaal_cnode_guard()). */
		unsigned guard_bits = kaal_guard_size(badge);
		kaal_word guard = kaal_guard_value(badge);
		if (cap.size_bits + guard_bits > KAAL_WORD_BITS || (guard & ~bits_mask(guard_bits)))
			return KAAL_INVALID_ARGUMENT;
		cap.guard_bits = (uint8_t)guard_bits;
		cap.word = guard;
	} else if (set_badge) {
		if (!is_badged_type(cap.type))
			return KAAL_INVALID_ARGUMENT;
		if (src->cap.word != 0)
			return KAAL_ALREADY_BADGED;
		cap.word = badge;
		badged = true;
	}
	bool revocable = badged || cap.type == KAAL_CAP_UNTYPED;
	cdt_insert(src, dst, &cap, revocable, badged);
	/* As in seL4, only the newest copy of an untyped hands out memory: the source is full. */
	if (cap.type == KAAL_CAP_UNTYPED)
		src->cap.word = UINT64_C(1) << src->cap.size_bits;
	return KAAL_OK;
}

kaal_status cdt_move(struct cte *dst, struct cte *src, unsigned rights)
{
	kaal_status st = check_target(dst, src, rights);
	if (st != KAAL_OK)
		return st;
	*dst = *src;
	dst->cap.rights = (uint8_t)rights;
	if (dst->prev)
		dst->prev->next = dst;
	if (dst->next)
		dst->next->prev = dst;
	kaal_zero(src, sizeof(*src));
	return KAAL_OK;
}
