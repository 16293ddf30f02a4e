/*
 * Delete and revoke. Deletion and revocation use loops, never recursion,
 * so their stack use is fixed; what ending an object means for its type is
 * objecttype.c's.
 */
#include "cnode.h"
#include "cdt.h"
#include "objecttype.h"

static void clear_slot(struct cte *slot)
{
	cdt_unlink(slot);
	kaal_zero(slot, sizeof(*slot));
}

/*
 * A slot whose final capability names an object that holds slots (a CNode
 * or thread) becomes a "zombie": it leaves the tree, and its prev field
 * links it onto a stack of zombies (threaded through the slots themselves)
 * while its object's slots are emptied one at a time; cap.word records how
 * far the scan got. A cycle (two objects holding the last capabilities to
 * each other) ends because the scan skips zombie slots: the way back round
 * a cycle is a zombie. Nothing else can name a zombie's object, since
 * copies of a capability sit next to each other in the tree and the
 * zombie's was the last.
 */
static struct cte *push_zombie(struct cte *top, struct cte *slot)
{
	/* Stop the object first (a thread leaves its queues) then empty its slots. */
	objecttype_release(&slot->cap, true);
	cdt_unlink(slot);
	slot->cap.flags |= CAP_FLAG_ZOMBIE;
	slot->cap.word = 0;
	slot->prev = top;
	return slot;
}

/* Whether emptying slot, which holds the final capability when final, makes a zombie. */
static bool becomes_zombie(const struct cte *slot, bool final)
{
	uint64_t count;
	return final && objecttype_held_slots(&slot->cap, &count) != NULL;
}

void cte_delete(struct cte *slot)
{
	if (slot->cap.type == KAAL_CAP_NULL)
		return;
	bool final = cdt_is_final(slot);
	if (!becomes_zombie(slot, final)) {
		objecttype_release(&slot->cap, final);
		clear_slot(slot);
		return;
	}
	struct cte *top = push_zombie(NULL, slot);
	while (top) {
		uint64_t count;
		struct cte *slots = objecttype_held_slots(&top->cap, &count);
		uint64_t i = top->cap.word;
		while (i < count && (slots[i].cap.type == KAAL_CAP_NULL ||
		                     (slots[i].cap.flags & CAP_FLAG_ZOMBIE)))
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
		if (becomes_zombie(s, s_final)) {
			top = push_zombie(top, s);
			continue;
		}
		objecttype_release(&s->cap, s_final);
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
