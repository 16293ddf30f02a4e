/*
 * Retype. Objects go at the watermark aligned up to their size, are zeroed
 * (all but untyped children, whose memory is zeroed when it becomes objects)
 * and become children of the untyped in the derivation tree. An untyped
 * with no children left starts again from its base.
 */
#include "untyped.h"
#include "cnode.h"
#include "thread.h"
#include "vspace.h"

/* log2 of the object's size in bytes, or 0 when type and size_bits do not make an object. */
static unsigned object_bits(unsigned type, unsigned size_bits)
{
	switch (type) {
	case KAAL_CAP_UNTYPED:
		return size_bits >= KAAL_MIN_UNTYPED_BITS && size_bits <= KAAL_MAX_UNTYPED_BITS
		           ? size_bits
		           : 0;
	case KAAL_CAP_FRAME:
		return size_bits == KAAL_PAGE_BITS || size_bits == KAAL_LARGE_PAGE_BITS ? size_bits
		                                                                        : 0;
	case KAAL_CAP_CNODE:
		return size_bits >= 1 && size_bits <= KAAL_MAX_CNODE_RADIX
		           ? size_bits + KAAL_SLOT_BITS
		           : 0;
	case KAAL_CAP_ENDPOINT:
		return size_bits == 0 ? KAAL_ENDPOINT_BITS : 0;
	case KAAL_CAP_NOTIFICATION:
		return size_bits == 0 ? KAAL_NOTIFICATION_BITS : 0;
	case KAAL_CAP_THREAD:
		return size_bits == 0 ? KAAL_THREAD_BITS : 0;
	case KAAL_CAP_VSPACE:
		return size_bits >= arch_vspace_min_bits() && size_bits <= KAAL_MAX_VSPACE_BITS
		           ? size_bits
		           : 0;
	default:
		return 0;
	}
}

static struct cap new_cap(unsigned type, unsigned size_bits, kaal_paddr phys)
{
	struct cap c = {0};
	c.type = (uint8_t)type;
	c.rights = KAAL_RIGHTS_ALL;
	c.size_bits = (uint8_t)size_bits;
	if (type == KAAL_CAP_UNTYPED || type == KAAL_CAP_FRAME)
		c.object = phys;
	else
		c.object = (uintptr_t)arch_phys_to_kernel(phys);
	return c;
}

kaal_status untyped_retype(struct cte *ut, unsigned type, unsigned size_bits, unsigned count,
                           struct cte *first, const struct vspace *parent, kaal_word *bytes_left)
{
	unsigned bits = object_bits(type, size_bits);
	if (bits == 0 || count == 0)
		return KAAL_INVALID_ARGUMENT;
	for (unsigned i = 0; i < count; i++)
		if (first[i].cap.type != KAAL_CAP_NULL)
			return KAAL_SLOT_OCCUPIED;

	uint64_t size = UINT64_C(1) << ut->cap.size_bits;
	uint64_t mark = size - untyped_bytes_left(ut);
	uint64_t obj = UINT64_C(1) << bits;
	uint64_t start = (mark + obj - 1) & ~(obj - 1);
	if (bits > ut->cap.size_bits || start > size || (size - start) / obj < count) {
		*bytes_left = size - mark;
		return KAAL_UNTYPED_EXHAUSTED;
	}
	if (type == KAAL_CAP_VSPACE && !vspace_can_create(count))
		return KAAL_LIMIT_REACHED;

	ut->cap.word = start + count * obj;
	for (unsigned i = 0; i < count; i++) {
		kaal_paddr phys = ut->cap.object + start + i * obj;
		/* Untyped children are zeroed when objects are made from them, not before. */
		if (type != KAAL_CAP_UNTYPED)
			kaal_zero(arch_phys_to_kernel(phys), (size_t)obj);
		struct cap c = new_cap(type, size_bits, phys);
		if (type == KAAL_CAP_THREAD)
			thread_init((struct thread *)c.object);
		else if (type == KAAL_CAP_VSPACE)
			vspace_create((struct vspace *)c.object, size_bits, parent);
		cdt_insert_new(ut, &first[i], &c);
	}
	return KAAL_OK;
}

uint64_t untyped_bytes_left(const struct cte *ut)
{
	uint64_t mark = cdt_has_children(ut) ? ut->cap.word : 0;
	return (UINT64_C(1) << ut->cap.size_bits) - mark;
}
