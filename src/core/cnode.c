/*
 * CNode operations and the capability derivation tree (CDT). The tree is a
 * doubly linked list of slots in depth-first order; a slot's children are
 * the slots after it for which cdt_is_parent_of() holds. Deletion and
 * revocation use loops, never recursion, so their stack use is fixed.
 */
#include "cnode.h"
#include "endpoint.h"
#include "frame.h"
#include "irq.h"
#include "notification.h"
#include "thread.h"
#include "vspace.h"

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

static void unlink_slot(struct cte *slot)
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

/* Objects whose destruction must first empty slots they contain. */
static bool holds_slots(const struct cap *c)
{
	return c->type == KAAL_CAP_CNODE || c->type == KAAL_CAP_THREAD;
}

static struct cte *held_slots(const struct cap *c, uint64_t *count)
{
	if (c->type == KAAL_CAP_CNODE) {
		*count = UINT64_C(1) << c->size_bits;
		return (struct cte *)c->object;
	}
	*count = THREAD_SLOT_COUNT;
	return ((struct thread *)c->object)->slots;
}

/* Undo what one capability did (a mapping) and, if it was the last, end its object. */
static void release_cap(struct cte *slot, bool final)
{
	struct cap *c = &slot->cap;
	if ((c->type == KAAL_CAP_FRAME || c->type == KAAL_CAP_DEVICE_FRAME) &&
	    (c->flags & CAP_FLAG_MAPPED))
		frame_unmap_cap(c);
	if (!final)
		return;
	switch (c->type) {
	case KAAL_CAP_NOTIFICATION:
		notification_destroy((struct notification *)c->object);
		break;
	case KAAL_CAP_ENDPOINT:
		endpoint_destroy((struct endpoint *)c->object);
		break;
	case KAAL_CAP_THREAD:
		thread_destroy((struct thread *)c->object);
		break;
	case KAAL_CAP_IRQ_HANDLER:
		irq_destroy_handler((uint32_t)c->word);
		break;
	case KAAL_CAP_VSPACE:
		vspace_destroy((struct vspace *)c->object);
		break;
	default:
		break;
	}
}

static void clear_slot(struct cte *slot)
{
	unlink_slot(slot);
	kaal_zero(slot, sizeof(*slot));
}

/*
 * A slot whose final capability names a CNode or thread becomes a "zombie":
 * it leaves the tree, and its prev field links it onto a stack of zombies
 * (threaded through the slots themselves) while its object's slots are
 * emptied one at a time; cap.word records how far the scan got. A cycle
 * (two objects holding the last capabilities to each other) ends because
 * the scan skips zombie slots: the way back round a cycle is a zombie.
 * Nothing else can name a zombie's object, since copies of a capability sit
 * next to each other in the tree and the zombie's was the last.
 */
#define ZOMBIE_FLAG 0x80

static struct cte *push_zombie(struct cte *top, struct cte *slot)
{
	/* Stop the object first (a thread leaves its queues) then empty its slots. */
	release_cap(slot, true);
	unlink_slot(slot);
	slot->cap.flags |= ZOMBIE_FLAG;
	slot->cap.word = 0;
	slot->prev = top;
	return slot;
}

void cte_delete(struct cte *slot)
{
	if (slot->cap.type == KAAL_CAP_NULL)
		return;
	bool final = cdt_is_final(slot);
	if (!final || !holds_slots(&slot->cap)) {
		release_cap(slot, final);
		clear_slot(slot);
		return;
	}
	struct cte *top = push_zombie(NULL, slot);
	while (top) {
		uint64_t count;
		struct cte *slots = held_slots(&top->cap, &count);
		uint64_t i = top->cap.word;
		while (i < count &&
		       (slots[i].cap.type == KAAL_CAP_NULL || (slots[i].cap.flags & ZOMBIE_FLAG)))
			i++;
		top->cap.word = i;
		if (i == count) {
			struct cte *below = top->prev;
			kaal_zero(top, sizeof(*top));
			top = below;
			continue;
		}
		struct cte *s = &slots[i];
		bool s_final = cdt_is_final(s);
		if (s_final && holds_slots(&s->cap)) {
			top = push_zombie(top, s);
			continue;
		}
		release_cap(s, s_final);
		clear_slot(s);
	}
}

bool cte_revoke(struct cte *slot)
{
	while (cdt_has_children(slot)) {
		cte_delete(slot->next);
		/* A preemption point after every deletion: asking costs a register read. */
		if (cdt_has_children(slot) && arch_preemption_pending())
			return false;
	}
	return true;
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

kaal_status cnode_derive(struct cte *dst, struct cte *src, unsigned rights, kaal_word badge,
                         bool set_badge)
{
	kaal_status st = check_derivable(src);
	if (st != KAAL_OK)
		return st;
	if (dst->cap.type != KAAL_CAP_NULL)
		return KAAL_SLOT_OCCUPIED;
	if (rights & ~(unsigned)KAAL_RIGHTS_ALL)
		return KAAL_INVALID_ARGUMENT;
	/* Asking for rights the source lacks is an error, not a silent downgrade. */
	if (rights & ~(unsigned)src->cap.rights)
		return KAAL_MISSING_RIGHT;
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

kaal_status cnode_move(struct cte *dst, struct cte *src, unsigned rights)
{
	if (src->cap.type == KAAL_CAP_NULL)
		return KAAL_SLOT_EMPTY;
	if (dst->cap.type != KAAL_CAP_NULL)
		return KAAL_SLOT_OCCUPIED;
	if (rights & ~(unsigned)KAAL_RIGHTS_ALL)
		return KAAL_INVALID_ARGUMENT;
	if (rights & ~(unsigned)src->cap.rights)
		return KAAL_MISSING_RIGHT;
	*dst = *src;
	dst->cap.rights = (uint8_t)rights;
	if (dst->prev)
		dst->prev->next = dst;
	if (dst->next)
		dst->next->prev = dst;
	kaal_zero(src, sizeof(*src));
	return KAAL_OK;
}
