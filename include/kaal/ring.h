/*
 * SharedRing: a single-producer single-consumer ring in memory two
 * processes share. The shared part holds no pointers; each side keeps the
 * geometry it validated at attach time in its private handle, so whatever
 * the peer writes into shared memory, this side never reads or writes
 * outside the ring. docs/ipc.md describes the layout and the protocol.
 */
#ifndef KAAL_RING_H
#define KAAL_RING_H

#include <stddef.h>
#include <stdint.h>

#include <kaal/atomic.h>
#include <kaal/status.h>

#define KAAL_RING_MAGIC   0x474E4952u /* "RING" */
#define KAAL_RING_VERSION 2u          /* 2: sequence words in the slots of small elements */
/* Producer and consumer fields sit this far apart (two cache lines: no false sharing,
   and the adjacent-line prefetcher does not pair them). */
#define KAAL_RING_LINE        128u
#define KAAL_RING_DATA_OFFSET (3u * KAAL_RING_LINE)
#define KAAL_RING_MAX_ELEMS   (UINT32_C(1) << 30)
/*
 * In the sequenced layout each slot is a u64 sequence word, then the
 * element: for elements of up to KAAL_RING_SEQ_MAX_ELEM bytes in the
 * smallest power of two of bytes (16, 32 or KAAL_RING_SEQ_MAX_SLOT) that
 * holds both, so a slot never straddles a cache line; larger elements in
 * whole lines of KAAL_RING_SEQ_MAX_SLOT bytes. In the packed layout the
 * slots are the elements, back to back.
 */
#define KAAL_RING_SEQ_SIZE     8u
#define KAAL_RING_SEQ_MAX_SLOT 64u
#define KAAL_RING_SEQ_MAX_ELEM (KAAL_RING_SEQ_MAX_SLOT - KAAL_RING_SEQ_SIZE)

struct kaal_ring_header {
	/* Written once by kaal_ring_create(), validated by every attach; magic last. */
	kaal_atomic_u32 magic;
	uint32_t version;
	uint32_t capacity;  /* elements, a power of two */
	uint32_t elem_size; /* bytes per element */
	uint64_t data_offset;
	uint64_t total_size;  /* header plus slots, in bytes */
	uint32_t slot_stride; /* bytes per slot (see KAAL_RING_SEQ_MAX_ELEM) */
	uint8_t pad0[KAAL_RING_LINE - 36];
	/* The producer's line. */
	kaal_atomic_u64 head; /* elements ever pushed (free running) */
	kaal_atomic_u32 producer_waiting;
	kaal_atomic_u32 closed; /* 1: the producer pushes no more (kaal_ring_close()) */
	uint8_t pad1[KAAL_RING_LINE - 16];
	/* The consumer's line. */
	kaal_atomic_u64 tail; /* elements ever popped (free running) */
	kaal_atomic_u32 consumer_waiting;
	uint8_t pad2[KAAL_RING_LINE - 12];
};

_Static_assert(__builtin_offsetof(struct kaal_ring_header, capacity) == 8, "ring capacity");
_Static_assert(__builtin_offsetof(struct kaal_ring_header, data_offset) == 16, "ring data_offset");
_Static_assert(__builtin_offsetof(struct kaal_ring_header, total_size) == 24, "ring total_size");
_Static_assert(__builtin_offsetof(struct kaal_ring_header, slot_stride) == 32, "ring slot_stride");
_Static_assert(__builtin_offsetof(struct kaal_ring_header, head) == KAAL_RING_LINE, "ring head");
_Static_assert(__builtin_offsetof(struct kaal_ring_header, producer_waiting) == KAAL_RING_LINE + 8,
               "ring producer_waiting");
_Static_assert(__builtin_offsetof(struct kaal_ring_header, closed) == KAAL_RING_LINE + 12,
               "ring closed");
_Static_assert(__builtin_offsetof(struct kaal_ring_header, tail) == 2 * KAAL_RING_LINE,
               "ring tail");
_Static_assert(__builtin_offsetof(struct kaal_ring_header, consumer_waiting) ==
                   2 * KAAL_RING_LINE + 8,
               "ring consumer_waiting");
_Static_assert(sizeof(struct kaal_ring_header) == KAAL_RING_DATA_OFFSET, "ring header size");

enum kaal_ring_role { KAAL_RING_PRODUCER = 1, KAAL_RING_CONSUMER = 2 };

/* One side's private view of a ring. */
struct kaal_ring {
	struct kaal_ring_header *hdr;
	uint8_t *data;
	uint64_t mask;
	uint32_t capacity;
	uint32_t elem_size;
	uint32_t stride;  /* bytes per slot */
	uint32_t seq;     /* 1: the slots have sequence words */
	uint32_t seq_at;  /* where in a slot the word is */
	uint32_t elem_at; /* and the element */
	uint64_t index;   /* this side's own index, never read back from shared memory */
	uint64_t peer;    /* the other side's index as last read */
	uint32_t role;
	uint32_t reserved; /* elements handed out by kaal_ring_reserve() and not committed */
};

/*
 * How slots are laid out. SEQUENCED (the default): a sequence word beside
 * each element, so a consumer near empty reads the element's own lines and
 * not the producer's index: the layout for one element at a time. PACKED:
 * elements back to back, fewer lines for bursts; the consumer learns of
 * them from the producer's index. docs/ipc.md gives the numbers.
 */
enum kaal_ring_layout { KAAL_RING_SEQUENCED = 0, KAAL_RING_PACKED = 1 };

/* Bytes a ring of this geometry needs, or 0 if the geometry is invalid. */
size_t kaal_ring_bytes(uint32_t capacity, uint32_t elem_size);
size_t kaal_ring_bytes_layout(uint32_t capacity, uint32_t elem_size, enum kaal_ring_layout layout);

/* Initialise a ring in mem (KAAL_RING_LINE aligned, at least kaal_ring_bytes() long). */
kaal_status kaal_ring_create(void *mem, size_t size, uint32_t capacity, uint32_t elem_size);
/* As kaal_ring_create() with the given layout (at least kaal_ring_bytes_layout() long). */
kaal_status kaal_ring_create_layout(void *mem, size_t size, uint32_t capacity, uint32_t elem_size,
                                    enum kaal_ring_layout layout);

/* Validate the ring in mem and take one side of it. KAAL_CORRUPT_RING on a bad header. */
kaal_status kaal_ring_attach(struct kaal_ring *r, void *mem, size_t size, enum kaal_ring_role role);

/*
 * Copying operations. Full capacity is usable. KAAL_WOULD_BLOCK when full
 * (push) or empty (pop); KAAL_CORRUPT_RING when the peer's index is impossible.
 */
kaal_status kaal_ring_push(struct kaal_ring *r, const void *elem);
kaal_status kaal_ring_pop(struct kaal_ring *r, void *elem);
/* As many of n as fit (push) or are there (pop); *done says how many. */
kaal_status kaal_ring_push_burst(struct kaal_ring *r, const void *elems, size_t n, size_t *done);
kaal_status kaal_ring_pop_burst(struct kaal_ring *r, void *elems, size_t n, size_t *done);

/*
 * Zero copy, either side: reserve up to want contiguous elements (free slots
 * for the producer, filled ones for the consumer), use them in place, then
 * commit some or all of them to hand them to the peer. In a ring with
 * sequence words (elements of up to KAAL_RING_SEQ_MAX_ELEM bytes) the word
 * sits between elements, so a reservation grants one element: reserve again
 * for the next.
 */
kaal_status kaal_ring_reserve(struct kaal_ring *r, size_t want, void **elems, size_t *granted);
kaal_status kaal_ring_commit(struct kaal_ring *r, size_t n);

/*
 * Producer: push no more. The handle lets go of the ring (every later call
 * on it is KAAL_INVALID_ARGUMENT); the consumer takes what is left and then
 * sees the end with kaal_ring_finished(). A resizing channel closes its old
 * ring this way before it moves to the new one.
 */
kaal_status kaal_ring_close(struct kaal_ring *r);
/*
 * Consumer: KAAL_OK once the producer closed the ring and every element it
 * pushed was taken; KAAL_WOULD_BLOCK while the ring is open or holds
 * elements; KAAL_CORRUPT_RING when the producer's index is impossible.
 */
kaal_status kaal_ring_finished(struct kaal_ring *r);

/* Elements this side can take now (pop) or free slots (push); 0 also for a ring in error. */
size_t kaal_ring_ready(struct kaal_ring *r);
/* As kaal_ring_ready() into *ready, with why: KAAL_CORRUPT_RING when the peer's index is
 * impossible. */
kaal_status kaal_ring_check(struct kaal_ring *r, size_t *ready);

/*
 * Copy one element: the sizes rings are made for as fixed-size copies (a
 * few vector moves), any other size through memcpy. Inlined where the
 * caller's element is small, gcc would warn of the larger cases' copies,
 * which the ring's element size never takes.
 */
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 11
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Warray-bounds"
#pragma GCC diagnostic ignored "-Wstringop-overflow"
#pragma GCC diagnostic ignored "-Wstringop-overread"
#define KAAL_RING_COPY_PRAGMAS 1
#endif
static inline void kaal_ring_copy_elem(void *dst, const void *src, uint32_t size)
{
	switch (size) {
	case 8:
		__builtin_memcpy(dst, src, 8);
		break;
	case 16:
		__builtin_memcpy(dst, src, 16);
		break;
	case 24:
		__builtin_memcpy(dst, src, 24);
		break;
	case 32:
		__builtin_memcpy(dst, src, 32);
		break;
	case 40:
		__builtin_memcpy(dst, src, 40);
		break;
	case 48:
		__builtin_memcpy(dst, src, 48);
		break;
	case 56:
		__builtin_memcpy(dst, src, 56);
		break;
	case 64:
		__builtin_memcpy(dst, src, 64);
		break;
	case 128:
		__builtin_memcpy(dst, src, 128);
		break;
	case 256:
		__builtin_memcpy(dst, src, 256);
		break;
	default:
		__builtin_memcpy(dst, src, size);
		break;
	}
}
#ifdef KAAL_RING_COPY_PRAGMAS
#pragma GCC diagnostic pop
#undef KAAL_RING_COPY_PRAGMAS
#endif

/*
 * The one-element paths, inline in the caller's loop (its handle stays in
 * registers; docs/ipc.md gives the numbers). What they cannot finish here
 * (a bad handle, a cached index that says full or empty) they hand to the
 * library's kaal_ring_push() and kaal_ring_pop(), which validate and read
 * the peer's index. Define KAAL_RING_OUT_OF_LINE to call the library's
 * functions directly.
 */
static inline uint8_t *kaal_ring_inline_slot(const struct kaal_ring *r)
{
	return r->data + (size_t)(r->index & r->mask) * r->stride;
}

/*
 * The producer asks for its slots' lines this far ahead of the slot it
 * writes (a prefetch for writing), so the lines the consumer read a lap
 * ago are on their way back while it copies: one cross-core transfer at a
 * time becomes many (docs/ipc.md gives the numbers). Not for runs of
 * KAAL_RING_PREFETCH_RUN_MAX bytes or more: the string move writes their
 * lines without reading them, and a prefetch makes it read them.
 */
#define KAAL_RING_PREFETCH_BYTES   2048u
#define KAAL_RING_PREFETCH_RUN_MAX 4096u
#define KAAL_RING_PREFETCH_LINE    64u

/*
 * Producer, about to write a run of bytes from its slot: prefetch for
 * writing the run as long that starts at least KAAL_RING_PREFETCH_BYTES
 * ahead (never lines of this run), if its cached view of the consumer says
 * those slots are free (a line the consumer still reads would be pulled
 * away from it). Only a hint: the addresses come from the private geometry.
 */
static inline void kaal_ring_prefetch_next(const struct kaal_ring *r, uint64_t bytes)
{
	if (bytes >= KAAL_RING_PREFETCH_RUN_MAX)
		return;
	uint64_t dist = bytes > KAAL_RING_PREFETCH_BYTES ? bytes : KAAL_RING_PREFETCH_BYTES;
	uint64_t ring_bytes = (uint64_t)r->capacity * r->stride;
	uint64_t free_bytes = (r->capacity - (r->index - r->peer)) * r->stride;
	if (dist + bytes > free_bytes)
		return;
	uint64_t at = (r->index & r->mask) * r->stride + dist;
	for (uint64_t o = 0; o < bytes; o += KAAL_RING_PREFETCH_LINE) {
		uint64_t b = at + o < ring_bytes ? at + o : at + o - ring_bytes;
		kaal_prefetch_write(r->data + b);
	}
}

static inline kaal_status kaal_ring_push_inline(struct kaal_ring *r, const void *elem)
{
	if (!r || !elem || !r->hdr || r->role != KAAL_RING_PRODUCER || r->reserved != 0 ||
	    r->index - r->peer >= r->capacity)
		return (kaal_ring_push)(r, elem);
	uint8_t *s = kaal_ring_inline_slot(r);
	kaal_ring_prefetch_next(r, r->stride);
	kaal_shared_write(s + r->elem_at, r->elem_size);
	kaal_ring_copy_elem(s + r->elem_at, elem, r->elem_size);
	/* The slot's word after its element, then the index: both release. */
	if (r->seq)
		kaal_atomic_store((kaal_atomic_u64 *)(void *)(s + r->seq_at), r->index + 1,
		                  KAAL_RELEASE);
	r->index++;
	kaal_atomic_store(&r->hdr->head, r->index, KAAL_RELEASE);
	return KAAL_OK;
}

static inline kaal_status kaal_ring_pop_inline(struct kaal_ring *r, void *elem)
{
	if (!r || !elem || !r->hdr || r->role != KAAL_RING_CONSUMER || r->reserved != 0)
		return (kaal_ring_pop)(r, elem);
	uint8_t *s = kaal_ring_inline_slot(r);
	if (r->peer == r->index) {
		/* Empty by the cache: a sequenced slot says itself whether it is filled. */
		if (!r->seq)
			return (kaal_ring_pop)(r, elem);
		if (kaal_atomic_load((kaal_atomic_u64 *)(void *)(s + r->seq_at), KAAL_ACQUIRE) !=
		    r->index + 1)
			return KAAL_WOULD_BLOCK;
		r->peer = r->index + 1;
	}
	kaal_shared_read(s + r->elem_at, r->elem_size);
	kaal_ring_copy_elem(elem, s + r->elem_at, r->elem_size);
	r->index++;
	kaal_atomic_store(&r->hdr->tail, r->index, KAAL_RELEASE);
	return KAAL_OK;
}

#ifndef KAAL_RING_OUT_OF_LINE
#define kaal_ring_push(r, elem) kaal_ring_push_inline((r), (elem))
#define kaal_ring_pop(r, elem)  kaal_ring_pop_inline((r), (elem))
#endif

#endif
