/*
 * SharedRing MPMC: a bounded ring any number of producers and consumers
 * share, one compare-and-swap per operation and a sequence number per slot.
 * Same layout rules as the SPSC ring: no pointers, the two positions on
 * their own lines, geometry validated at attach and then kept privately.
 *
 * A thread preempted between claiming a slot and publishing it holds up
 * the threads behind it; on a machine with more threads than cores that is
 * common, so prefer one SPSC ring per producer where the design allows.
 */
#ifndef KAAL_RING_MPMC_H
#define KAAL_RING_MPMC_H

#include <kaal/ring.h>

#define KAAL_MPMC_MAGIC   0x434D504Du /* "MPMC" */
#define KAAL_MPMC_VERSION 1u

struct kaal_mpmc_header {
	kaal_atomic_u32 magic; /* stored last by kaal_mpmc_create(), loaded first by attach */
	uint32_t version;
	uint32_t capacity;  /* slots, a power of two */
	uint32_t elem_size; /* bytes per element */
	uint64_t data_offset;
	uint64_t total_size;
	uint32_t slot_stride; /* bytes per slot: the sequence word and the element, 8-aligned */
	uint8_t pad0[KAAL_RING_LINE - 36];
	kaal_atomic_u64 enqueue_pos;
	uint8_t pad1[KAAL_RING_LINE - 8];
	kaal_atomic_u64 dequeue_pos;
	uint8_t pad2[KAAL_RING_LINE - 8];
};

_Static_assert(__builtin_offsetof(struct kaal_mpmc_header, slot_stride) == 32, "mpmc stride");
_Static_assert(__builtin_offsetof(struct kaal_mpmc_header, enqueue_pos) == KAAL_RING_LINE,
               "mpmc enqueue_pos");
_Static_assert(__builtin_offsetof(struct kaal_mpmc_header, dequeue_pos) == 2 * KAAL_RING_LINE,
               "mpmc dequeue_pos");
_Static_assert(sizeof(struct kaal_mpmc_header) == KAAL_RING_DATA_OFFSET, "mpmc header size");

struct kaal_mpmc {
	struct kaal_mpmc_header *hdr;
	uint8_t *slots;
	uint64_t mask;
	uint32_t capacity;
	uint32_t elem_size;
	uint32_t stride;
};

size_t kaal_mpmc_bytes(uint32_t capacity, uint32_t elem_size);
kaal_status kaal_mpmc_create(void *mem, size_t size, uint32_t capacity, uint32_t elem_size);
kaal_status kaal_mpmc_attach(struct kaal_mpmc *q, void *mem, size_t size);

/*
 * KAAL_WOULD_BLOCK when full (push) or empty (pop). KAAL_BUSY when the
 * shared positions kept moving for too long: heavy contention, or a peer
 * writing nonsense; either way nothing was transferred and it is safe to retry.
 */
kaal_status kaal_mpmc_push(struct kaal_mpmc *q, const void *elem);
kaal_status kaal_mpmc_pop(struct kaal_mpmc *q, void *elem);

#endif
