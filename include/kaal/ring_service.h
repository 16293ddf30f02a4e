/*
 * The ring service: the root task hands out the rings of a resizing
 * channel between two processes (kaal/channel_resize.h). Each generation
 * is a block of broker memory in page frames, copied into both processes'
 * CNodes; each side maps its copies itself and asks for them by call on
 * an endpoint badged with its role. A side that lets a generation go
 * loses its copies (deleting a mapped frame capability unmaps it); the
 * memory goes back to the broker once both sides let go. Whatever a side
 * asks, it gets only its own copies of the channel's two windows, and
 * never more memory than they hold.
 */
#ifndef KAAL_RING_SERVICE_H
#define KAAL_RING_SERVICE_H

#include <kaal/broker.h>
#include <kaal/channel_resize.h>

/* Request labels; words: generation, then bytes (obtain). The reply's label is the status. */
enum kaal_ring_service_request {
	KAAL_RING_SERVICE_OBTAIN = 1,  /* producer: the next generation, of at least bytes */
	KAAL_RING_SERVICE_LOCATE = 2,  /* either side: a generation this side holds */
	KAAL_RING_SERVICE_RELEASE = 3, /* either side: this side is done with a generation */
};

/* Reply words of OBTAIN and LOCATE. */
#define KAAL_RING_SERVICE_FRAMES                                                                   \
	0 /* frames of the generation, copied from the window's first slot */

#define KAAL_RING_SERVICE_MAX_FRAMES 16u

/* Generation g lives in window g % 2. */
struct kaal_ring_window {
	struct kaal_memory memory;
	kaal_cptr frame[KAAL_RING_SERVICE_MAX_FRAMES]; /* the root's capabilities */
	uint32_t frames;                               /* 0: the window is empty */
	uint32_t generation;
	uint8_t held[2]; /* [role - 1]: that side has not let go */
};

struct kaal_ring_service {
	struct kaal_broker *broker;
	const struct kaal_process *side[2]; /* [role - 1] */
	/* In both processes' CNodes, window w's frames are at first_slot + w * max_frames. */
	kaal_word first_slot;
	uint32_t max_frames;
	uint32_t next_generation; /* the only generation OBTAIN hands out */
	struct kaal_ring_window window[2];
};

/*
 * Serve one channel between producer and consumer: create generation 0, a
 * ring of capacity elements of elem_size bytes in fresh frames, and copy
 * them into both. KAAL_INVALID_ARGUMENT for a geometry the windows cannot
 * hold (max_frames at most KAAL_RING_SERVICE_MAX_FRAMES) or slots outside
 * the processes' CNodes; the broker's status when it has no memory.
 * The root maps the frames at scratch (a free address of its own) while it
 * creates the ring, and unmaps them.
 */
kaal_status kaal_ring_service_init(struct kaal_ring_service *s, struct kaal_broker *b,
                                   const struct kaal_process *producer,
                                   const struct kaal_process *consumer, kaal_word first_slot,
                                   uint32_t max_frames, uint32_t capacity, uint32_t elem_size,
                                   kaal_word scratch);

/*
 * Answer one request from role (as the badge of the caller's endpoint
 * says) into reply. The request's status is the reply's label; the service
 * changes nothing when it refuses: KAAL_INVALID_ARGUMENT for an unknown
 * label, a generation this side does not hold, or a role that may not ask
 * this; KAAL_BUSY when the window of the next generation is still held;
 * KAAL_UNTYPED_EXHAUSTED for more than a window holds or no memory left.
 */
void kaal_ring_service_handle(struct kaal_ring_service *s, enum kaal_ring_role role,
                              const struct kaal_msg *request, struct kaal_msg *reply);

/* Give back both windows' memory (at the end of the channel). */
kaal_status kaal_ring_service_destroy(struct kaal_ring_service *s);

/* ---- A process's side: its calls to the service as a kaal_ring_source. */

struct kaal_ring_service_client {
	kaal_cptr endpoint; /* the service's endpoint, badged with this side's role */
	/* This process's cptrs of window w's frames: first_slot + w * max_frames + i. */
	kaal_cptr first_slot;
	uint32_t max_frames;
	kaal_word window[2]; /* where each window's frames are mapped in this process */
	uint32_t mapped[2];  /* frames mapped there now */
	enum kaal_ring_role role;
};

/* The ring source over c (its fields set as above, mapped[] zero). */
struct kaal_ring_source kaal_ring_service_source(struct kaal_ring_service_client *c);

/* Generation 0, mapped for this side: where to attach the channel. */
kaal_status kaal_ring_service_first(struct kaal_ring_service_client *c, void **mem, size_t *size);

#endif
