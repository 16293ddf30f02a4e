/* Frames. Each capability maps its frame at most once; copy it to map again. */
#include "frame.h"

kaal_status frame_map(struct cap *c, kaal_word vaddr, unsigned rights, kaal_word *mapped)
{
	if (c->flags & CAP_FLAG_MAPPED)
		return KAAL_ILLEGAL_OPERATION;
	if (rights == 0 || (rights & ~(unsigned)(KAAL_RIGHT_READ | KAAL_RIGHT_WRITE)))
		return KAAL_INVALID_ARGUMENT;
	if ((rights & c->rights) != rights)
		return KAAL_MISSING_RIGHT;
	if (vaddr & bits_mask(c->size_bits))
		return KAAL_INVALID_ARGUMENT;
	kaal_word at = vaddr;
	kaal_status st =
	    arch_frame_map(c->object, c->size_bits, rights, c->type == KAAL_CAP_DEVICE_FRAME, &at);
	if (st != KAAL_OK)
		return st;
	c->flags |= CAP_FLAG_MAPPED;
	c->word = at;
	*mapped = at;
	return KAAL_OK;
}

void frame_unmap_cap(struct cap *c)
{
	arch_frame_unmap(c->word, c->size_bits);
	c->flags &= (uint8_t)~CAP_FLAG_MAPPED;
	c->word = 0;
}
