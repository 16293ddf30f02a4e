/*
 * A channel whose ring grows and shrinks while both sides run. The
 * producer decides: a ring it finds full on grow_after sends in a row
 * doubles; one that ends shrink_after windows in a row (a window: as many
 * sends as the ring holds) at most a quarter full halves. It takes memory
 * for the next generation of the ring from a ring source, creates the new
 * ring there, closes the old one and goes on in the new one. The consumer
 * takes what is left in the old ring, asks the source where the next
 * generation is, attaches it and lets the old one go. docs/ipc.md argues
 * why nothing is lost, duplicated or reordered, and why no wakeup is lost.
 */
#ifndef KAAL_CHANNEL_RESIZE_H
#define KAAL_CHANNEL_RESIZE_H

#include <kaal/channel.h>

/*
 * Where the rings of each generation live: a party both sides trust (the
 * root task's ring service across processes, kaal_local_ring_source
 * between threads). Generation g + 1 is handed out only while the producer
 * holds g, and at most two generations are held at once.
 */
struct kaal_ring_source {
	/*
	 * Producer: at least bytes of memory for generation, mapped for this
	 * side and KAAL_RING_LINE aligned; *size is how much. KAAL_BUSY while
	 * the memory of generation - 2 is still held by either side.
	 */
	kaal_status (*obtain)(void *ctx, uint32_t generation, size_t bytes, void **mem,
	                      size_t *size);
	/* Consumer: where generation is mapped for this side; KAAL_INVALID_ARGUMENT if never
	 * obtained. */
	kaal_status (*locate)(void *ctx, uint32_t generation, void **mem, size_t *size);
	/* This side is done with generation; its memory goes back once both sides are. */
	kaal_status (*release)(void *ctx, uint32_t generation, enum kaal_ring_role role);
	void *ctx;
};

#define KAAL_RESIZE_GROW_AFTER   4u /* sends in a row that find the ring full */
#define KAAL_RESIZE_SHRINK_AFTER 8u /* windows in a row that end mostly empty */
#define KAAL_RESIZE_QUIET_SHARE  4u /* mostly empty: at most 1/4 of the ring in use */

struct kaal_resize_policy {
	uint32_t min_capacity; /* powers of two, min <= the ring's capacity <= max */
	uint32_t max_capacity;
	uint32_t grow_after;   /* at least 1 */
	uint32_t shrink_after; /* at least 1 */
};

/* One side's resizing state; the channel points at it while it lives. */
struct kaal_channel_resizing {
	struct kaal_ring_source source;
	struct kaal_resize_policy policy;
	uint32_t generation;    /* of the ring this side uses now */
	uint32_t full_streak;   /* producer: sends in a row that found the ring full */
	uint32_t window_sends;  /* producer: sends in the window so far */
	uint32_t quiet_windows; /* producer: windows in a row that ended mostly empty */
	/* Counters for tests and benchmarks. */
	uint64_t grows;   /* producer: rings doubled */
	uint64_t shrinks; /* producer: rings halved */
	uint64_t follows; /* consumer: rings moved to */
	uint64_t refused; /* producer: resizes the source refused (the ring stayed) */
};

/*
 * Let channel c (attached to generation 0 of its ring, either side) resize
 * with rs as its state. KAAL_INVALID_ARGUMENT for a source without the
 * calls its side makes, or a policy that is not powers of two around the
 * ring's capacity. A resizing channel cannot join a channel set.
 */
kaal_status kaal_channel_enable_resizing(struct kaal_channel *c, struct kaal_channel_resizing *rs,
                                         const struct kaal_ring_source *source,
                                         const struct kaal_resize_policy *policy);

/*
 * Producer: move to a ring of capacity elements now, whatever the policy
 * says (capacity within it). The source's status when it refuses; the
 * channel then keeps its ring.
 */
kaal_status kaal_channel_resize(struct kaal_channel *c, uint32_t capacity);

/*
 * A ring source over two windows of caller memory that both sides of a
 * channel can reach (threads of one process): generation g lives in window
 * g % 2. Who holds each window is kept in atomics, so the two sides call
 * it concurrently.
 */
struct kaal_local_ring_source {
	uint8_t *window[2];
	size_t window_size;
	kaal_atomic_u32 generation[2];
	kaal_atomic_u32 held[2][2]; /* [window][role - 1]: 1 while that side holds it */
};

/*
 * Two windows of window_size bytes each (KAAL_RING_LINE aligned); window 0
 * holds generation 0, the ring both sides attach first, held by both.
 */
kaal_status kaal_local_ring_source_init(struct kaal_local_ring_source *s, void *window0,
                                        void *window1, size_t window_size);
/* The calls of s as a kaal_ring_source. */
struct kaal_ring_source kaal_local_ring_source(struct kaal_local_ring_source *s);

#endif
