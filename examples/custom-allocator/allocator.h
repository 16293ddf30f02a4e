/* The custom-allocator example's sizes, shared by its root task and its program. */
#ifndef KAAL_EXAMPLE_ALLOCATOR_H
#define KAAL_EXAMPLE_ALLOCATOR_H

#define ALLOCATOR_MEMORY_BITS 16u /* the untyped memory the program is given: 64 KiB */
#define ALLOCATOR_PAGES       (1u << (ALLOCATOR_MEMORY_BITS - 12u))
#define ALLOCATOR_NODES       1000u /* list nodes it allocates from its own pages */

/* Exit statuses below 0: what went wrong. */
#define ALLOCATOR_NO_MEMORY  (-1) /* not given "memory", or it is not untyped */
#define ALLOCATOR_CARVE      (-2) /* a frame could not be made or mapped */
#define ALLOCATOR_LIST       (-3) /* the list did not read back as written */
#define ALLOCATOR_NOT_REUSED (-4) /* after giving every frame back, the memory was not whole */
#define ALLOCATOR_OVERCOMMIT (-5) /* it got more frames than its memory holds */

#endif
