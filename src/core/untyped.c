/*
 * Retype. Objects go at the watermark aligned up to their size, are zeroed
 * (all but untyped children, whose memory is zeroed when it becomes objects)
 * and become children of the untyped in the derivation tree. An untyped
 * with no children left starts again from its base.
 */
#include "untyped.h"
#include "cdt.h"
#include "objecttype.h"

kaal_status untyped_retype(struct cte *ut, unsigned type, unsigned size_bits, unsigned count,
                           struct cte *first, const struct vspace *parent, kaal_word *bytes_left)
{
	unsigned bits = objecttype_bits(type, size_bits);
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
	kaal_status st = objecttype_check_create(type, count);
	if (st != KAAL_OK)
		return st;

	ut->cap.word = start + count * obj;
	for (unsigned i = 0; i < count; i++) {
		struct cap c = objecttype_create(type, size_bits, ut->cap.object + start + i * obj,
		                                 obj, parent);
		cdt_insert_new(ut, &first[i], &c);
	}
	return KAAL_OK;
}

uint64_t untyped_bytes_left(const struct cte *ut)
{
	uint64_t mark = cdt_has_children(ut) ? ut->cap.word : 0;
	return (UINT64_C(1) << ut->cap.size_bits) - mark;
}
