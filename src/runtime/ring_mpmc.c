/*
 * SharedRing MPMC. Slot i's sequence word says whose turn it is: equal to
 * a position p with p % capacity == i means free for the producer that
 * claims p; p + 1 means filled for the consumer that claims p. A claim is
 * one compare-and-swap on the shared position.
 */
#include <string.h>

#include <kaal/ring_mpmc.h>

/* Consecutive lost races after which an operation gives up with KAAL_BUSY. */
#define MAX_RETRIES (1u << 20)

/* The header's fields after the magic that create writes once and attach validates. */
#define GEOMETRY_BYTES                                                                             \
	(offsetof(struct kaal_mpmc_header, pad0) - offsetof(struct kaal_mpmc_header, version))

struct mpmc_slot {
	kaal_atomic_u64 seq;
};

static uint32_t stride_for(uint32_t elem_size)
{
	return (uint32_t)(sizeof(struct mpmc_slot) + ((elem_size + 7u) & ~7u));
}

size_t kaal_mpmc_bytes(uint32_t capacity, uint32_t elem_size)
{
	if (capacity == 0 || (capacity & (capacity - 1)) || capacity > KAAL_RING_MAX_ELEMS ||
	    elem_size == 0 || elem_size > UINT32_MAX - 16 ||
	    (uint64_t)stride_for(elem_size) > (SIZE_MAX - KAAL_RING_DATA_OFFSET) / capacity)
		return 0;
	return KAAL_RING_DATA_OFFSET + (size_t)capacity * stride_for(elem_size);
}

static struct mpmc_slot *slot_at(uint8_t *slots, uint32_t stride, uint64_t index)
{
	return (struct mpmc_slot *)(slots + (size_t)index * stride);
}

kaal_status kaal_mpmc_create(void *mem, size_t size, uint32_t capacity, uint32_t elem_size)
{
	size_t bytes = kaal_mpmc_bytes(capacity, elem_size);
	if (!mem || ((uintptr_t)mem % KAAL_RING_LINE) != 0 || bytes == 0 || size < bytes)
		return KAAL_INVALID_ARGUMENT;
	struct kaal_mpmc_header *h = mem;
	kaal_atomic_store(&h->magic, 0, KAAL_RELAXED);
	kaal_shared_write(&h->version, GEOMETRY_BYTES);
	memset(&h->version, 0, sizeof(*h) - offsetof(struct kaal_mpmc_header, version));
	h->version = KAAL_MPMC_VERSION;
	h->capacity = capacity;
	h->elem_size = elem_size;
	h->slot_stride = stride_for(elem_size);
	h->data_offset = KAAL_RING_DATA_OFFSET;
	h->total_size = bytes;
	uint8_t *slots = (uint8_t *)mem + KAAL_RING_DATA_OFFSET;
	for (uint32_t i = 0; i < capacity; i++)
		kaal_atomic_store(&slot_at(slots, h->slot_stride, i)->seq, i, KAAL_RELAXED);
	kaal_atomic_store(&h->enqueue_pos, 0, KAAL_RELAXED);
	kaal_atomic_store(&h->dequeue_pos, 0, KAAL_RELAXED);
	/* The magic goes last: an attach that sees it sees a whole header. */
	kaal_atomic_store(&h->magic, KAAL_MPMC_MAGIC, KAAL_RELEASE);
	return KAAL_OK;
}

kaal_status kaal_mpmc_attach(struct kaal_mpmc *q, void *mem, size_t size)
{
	if (!q || !mem || ((uintptr_t)mem % KAAL_RING_LINE) != 0)
		return KAAL_INVALID_ARGUMENT;
	if (size < sizeof(struct kaal_mpmc_header))
		return KAAL_CORRUPT_RING;
	struct kaal_mpmc_header *h = mem;
	if (kaal_atomic_load(&h->magic, KAAL_ACQUIRE) != KAAL_MPMC_MAGIC)
		return KAAL_CORRUPT_RING;
	kaal_shared_read(&h->version, GEOMETRY_BYTES);
	uint32_t capacity = h->capacity, elem_size = h->elem_size;
	size_t bytes = kaal_mpmc_bytes(capacity, elem_size);
	if (h->version != KAAL_MPMC_VERSION || bytes == 0 ||
	    h->data_offset != KAAL_RING_DATA_OFFSET || h->total_size != bytes ||
	    h->slot_stride != stride_for(elem_size) || bytes > size)
		return KAAL_CORRUPT_RING;
	q->hdr = h;
	q->slots = (uint8_t *)mem + KAAL_RING_DATA_OFFSET;
	q->capacity = capacity;
	q->mask = capacity - 1;
	q->elem_size = elem_size;
	q->stride = stride_for(elem_size);
	return KAAL_OK;
}

/*
 * Claim position pos on the shared counter: a slot whose sequence equals
 * pos + ready_offset. Returns the slot, or NULL with *status set.
 */
static struct mpmc_slot *claim(struct kaal_mpmc *q, kaal_atomic_u64 *counter, uint64_t ready_offset,
                               uint64_t *claimed, kaal_status *status)
{
	uint64_t pos = kaal_atomic_load(counter, KAAL_RELAXED);
	for (uint32_t tries = 0; tries < MAX_RETRIES; tries++) {
		struct mpmc_slot *s = slot_at(q->slots, q->stride, pos & q->mask);
		uint64_t seq = kaal_atomic_load(&s->seq, KAAL_ACQUIRE);
		int64_t dif = (int64_t)(seq - (pos + ready_offset));
		if (dif == 0) {
			if (kaal_atomic_cas(counter, &pos, pos + 1, KAAL_RELAXED, KAAL_RELAXED)) {
				*claimed = pos;
				return s;
			}
		} else if (dif < 0) {
			*status = KAAL_WOULD_BLOCK;
			return NULL;
		} else {
			pos = kaal_atomic_load(counter, KAAL_RELAXED);
		}
	}
	*status = KAAL_BUSY;
	return NULL;
}

kaal_status kaal_mpmc_push(struct kaal_mpmc *q, const void *elem)
{
	if (!q || !q->hdr || !elem)
		return KAAL_INVALID_ARGUMENT;
	uint64_t pos;
	kaal_status st = KAAL_OK;
	struct mpmc_slot *s = claim(q, &q->hdr->enqueue_pos, 0, &pos, &st);
	if (!s)
		return st;
	kaal_shared_write(s + 1, q->elem_size);
	memcpy(s + 1, elem, q->elem_size);
	kaal_atomic_store(&s->seq, pos + 1, KAAL_RELEASE);
	return KAAL_OK;
}

kaal_status kaal_mpmc_pop(struct kaal_mpmc *q, void *elem)
{
	if (!q || !q->hdr || !elem)
		return KAAL_INVALID_ARGUMENT;
	uint64_t pos;
	kaal_status st = KAAL_OK;
	struct mpmc_slot *s = claim(q, &q->hdr->dequeue_pos, 1, &pos, &st);
	if (!s)
		return st;
	kaal_shared_read(s + 1, q->elem_size);
	memcpy(elem, s + 1, q->elem_size);
	kaal_atomic_store(&s->seq, pos + q->mask + 1, KAAL_RELEASE);
	return KAAL_OK;
}
