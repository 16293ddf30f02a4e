/* Untyped memory: the only source of kernel objects. */
#ifndef KAAL_CORE_UNTYPED_H
#define KAAL_CORE_UNTYPED_H

#include "object.h"

/*
 * Carve count objects of type (size_bits for variable-size types) from the
 * untyped in ut into the slots first[0..count), which the caller has checked
 * lie in one CNode. New VSpaces copy parent's program. On
 * KAAL_UNTYPED_EXHAUSTED, *bytes_left says what remains.
 */
kaal_status untyped_retype(struct cte *ut, unsigned type, unsigned size_bits, unsigned count,
                           struct cte *first, const struct vspace *parent, kaal_word *bytes_left);
/* Bytes an untyped can still hand out (ignoring alignment). */
uint64_t untyped_bytes_left(const struct cte *ut);

#endif
