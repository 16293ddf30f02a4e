/*
 * The one switch on the object type for each operation that differs by
 * type: making an object, ending it when its last capability goes, the
 * slots it holds, and cancelling what a thread waits in. The object files
 * below know their own type only; cnode.c and untyped.c, above, call here.
 */
#ifndef KAAL_CORE_OBJECTTYPE_H
#define KAAL_CORE_OBJECTTYPE_H

#include "object.h"

/* log2 of the object's size in bytes, or 0 when type and size_bits do not make an object. */
unsigned objecttype_bits(unsigned type, unsigned size_bits);
/* Whether count more objects of type can be made (KAAL_LIMIT_REACHED: a kernel table is full). */
kaal_status objecttype_check_create(unsigned type, unsigned count);
/*
 * Make an object of type in the size bytes of memory at phys (checked by
 * objecttype_bits()) and return a capability to it with all rights. New
 * VSpaces copy parent's program.
 */
struct cap objecttype_create(unsigned type, unsigned size_bits, kaal_paddr phys, uint64_t size,
                             const struct vspace *parent);

/* Undo what the capability c did (a mapping) and, when final (the last one), end its object. */
void objecttype_release(struct cap *c, bool final);
/*
 * The slots embedded in c's object, which deleting its last capability
 * empties one at a time after objecttype_release(); NULL for types with none.
 */
struct cte *objecttype_held_slots(const struct cap *c, uint64_t *count);

/* Take a blocked thread out of whatever it waits in, without completing its call. */
void objecttype_cancel_ipc(struct thread *t);
/* The queue a blocked thread waits in (a notification's or an endpoint's), or NULL. */
struct thread_queue *objecttype_wait_queue(struct thread *t);

#endif
