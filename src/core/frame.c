/*
 * Frames. Each capability maps its frame at most once, in the VSpace of the
 * thread that maps it; copy the capability to map the frame again.
 */
#include "frame.h"
#include "vspace.h"

kaal_status frame_map(struct cap *c, struct vspace *v, kaal_word vaddr, unsigned rights,
                      kaal_word *mapped)
{
	if (c->flags & CAP_FLAG_MAPPED)
		return KAAL_ILLEGAL_OPERATION;
	if (rights == 0 || (rights & ~(unsigned)(KAAL_RIGHT_READ | KAAL_RIGHT_WRITE)))
		return KAAL_INVALID_ARGUMENT;
	if ((rights & c->rights) != rights)
		return KAAL_MISSING_RIGHT;
	if (vaddr & bits_mask(c->size_bits))
		return KAAL_INVALID_ARGUMENT;
	if (!v)
		return KAAL_ILLEGAL_OPERATION; /* the caller's VSpace was deleted */
	kaal_word at = vaddr;
	kaal_status st = arch_frame_map(v, c->object, c->size_bits, rights,
	                                c->type == KAAL_CAP_DEVICE_FRAME, &at);
	if (st != KAAL_OK)
		return st;
	c->flags |= CAP_FLAG_MAPPED;
	c->mapped_in = (uint16_t)v->id;
	c->word = at;
	*mapped = at;
	return KAAL_OK;
}

void frame_unmap_cap(struct cap *c)
{
	struct vspace *v = vspace_find(c->mapped_in);
	if (v)
		arch_frame_unmap(v, c->word, c->size_bits);
	c->flags &= (uint8_t)~CAP_FLAG_MAPPED;
	c->mapped_in = 0;
	c->word = 0;
}
