/*
 * SharedRing SPSC. Indices are free running and masked on use with the
 * mask in the private handle. Each side publishes its own index with a
 * release store and reads the peer's with an acquire load, and only when
 * its cached copy says the ring is full (producer) or empty (consumer).
 */
#include <string.h>

#include <kaal/ring.h>

static bool is_power_of_two(uint64_t x)
{
	return x != 0 && (x & (x - 1)) == 0;
}

size_t kaal_ring_bytes(uint32_t capacity, uint32_t elem_size)
{
	if (!is_power_of_two(capacity) || capacity > KAAL_RING_MAX_ELEMS || elem_size == 0 ||
	    (uint64_t)elem_size > (SIZE_MAX - KAAL_RING_DATA_OFFSET) / capacity)
		return 0;
	return KAAL_RING_DATA_OFFSET + (size_t)capacity * elem_size;
}

kaal_status kaal_ring_create(void *mem, size_t size, uint32_t capacity, uint32_t elem_size)
{
	size_t bytes = kaal_ring_bytes(capacity, elem_size);
	if (!mem || ((uintptr_t)mem % KAAL_RING_LINE) != 0 || bytes == 0 || size < bytes)
		return KAAL_INVALID_ARGUMENT;
	struct kaal_ring_header *h = mem;
	memset(h, 0, sizeof(*h));
	h->version = KAAL_RING_VERSION;
	h->capacity = capacity;
	h->elem_size = elem_size;
	h->data_offset = KAAL_RING_DATA_OFFSET;
	h->total_size = bytes;
	kaal_atomic_store(&h->head, 0, KAAL_RELAXED);
	kaal_atomic_store(&h->tail, 0, KAAL_RELAXED);
	kaal_atomic_store(&h->producer_waiting, 0, KAAL_RELAXED);
	kaal_atomic_store(&h->consumer_waiting, 0, KAAL_RELAXED);
	/* The magic goes last: an attach that sees it sees a whole header. */
	kaal_atomic_fence(KAAL_RELEASE);
	h->magic = KAAL_RING_MAGIC;
	return KAAL_OK;
}

kaal_status kaal_ring_attach(struct kaal_ring *r, void *mem, size_t size, enum kaal_ring_role role)
{
	if (!r || !mem || ((uintptr_t)mem % KAAL_RING_LINE) != 0 ||
	    (role != KAAL_RING_PRODUCER && role != KAAL_RING_CONSUMER))
		return KAAL_INVALID_ARGUMENT;
	if (size < sizeof(struct kaal_ring_header))
		return KAAL_CORRUPT_RING;
	struct kaal_ring_header *h = mem;
	uint32_t capacity = h->capacity, elem_size = h->elem_size;
	kaal_atomic_fence(KAAL_ACQUIRE);
	size_t bytes = kaal_ring_bytes(capacity, elem_size);
	if (h->magic != KAAL_RING_MAGIC || h->version != KAAL_RING_VERSION || bytes == 0 ||
	    h->data_offset != KAAL_RING_DATA_OFFSET || h->total_size != bytes || bytes > size)
		return KAAL_CORRUPT_RING;
	uint64_t head = kaal_atomic_load(&h->head, KAAL_ACQUIRE);
	uint64_t tail = kaal_atomic_load(&h->tail, KAAL_ACQUIRE);
	if (head - tail > capacity)
		return KAAL_CORRUPT_RING;
	r->hdr = h;
	r->data = (uint8_t *)mem + KAAL_RING_DATA_OFFSET;
	r->capacity = capacity;
	r->mask = capacity - 1;
	r->elem_size = elem_size;
	r->role = role;
	r->reserved = 0;
	r->index = role == KAAL_RING_PRODUCER ? head : tail;
	r->peer = role == KAAL_RING_PRODUCER ? tail : head;
	return KAAL_OK;
}

/*
 * Reload the peer's index. A value the peer could never have written
 * legitimately (a consumer ahead of the producer, or a producer more than
 * a ring ahead) is reported, and the cached value is kept.
 */
static kaal_status reload_peer(struct kaal_ring *r)
{
	if (r->role == KAAL_RING_PRODUCER) {
		uint64_t tail = kaal_atomic_load(&r->hdr->tail, KAAL_ACQUIRE);
		if (r->index - tail > r->capacity)
			return KAAL_CORRUPT_RING;
		r->peer = tail;
	} else {
		uint64_t head = kaal_atomic_load(&r->hdr->head, KAAL_ACQUIRE);
		if (head - r->index > r->capacity)
			return KAAL_CORRUPT_RING;
		r->peer = head;
	}
	return KAAL_OK;
}

/* Elements this side may use from its cached view: free slots or filled ones. */
static uint64_t cached_room(const struct kaal_ring *r)
{
	if (r->role == KAAL_RING_PRODUCER)
		return r->capacity - (r->index - r->peer);
	return r->peer - r->index;
}

/* Room for up to want elements, reloading the peer only when the cache falls short. */
static kaal_status room(struct kaal_ring *r, uint64_t want, uint64_t *have)
{
	*have = cached_room(r);
	if (*have < want) {
		kaal_status st = reload_peer(r);
		if (st != KAAL_OK)
			return st;
		*have = cached_room(r);
	}
	return *have ? KAAL_OK : KAAL_WOULD_BLOCK;
}

static void publish(struct kaal_ring *r)
{
	if (r->role == KAAL_RING_PRODUCER)
		kaal_atomic_store(&r->hdr->head, r->index, KAAL_RELEASE);
	else
		kaal_atomic_store(&r->hdr->tail, r->index, KAAL_RELEASE);
}

static uint8_t *slot(const struct kaal_ring *r, uint64_t index)
{
	return r->data + (size_t)(index & r->mask) * r->elem_size;
}

static bool usable(const struct kaal_ring *r, enum kaal_ring_role role)
{
	return r && r->hdr && r->role == role && r->reserved == 0;
}

kaal_status kaal_ring_push(struct kaal_ring *r, const void *elem)
{
	size_t done;
	return kaal_ring_push_burst(r, elem, 1, &done);
}

kaal_status kaal_ring_pop(struct kaal_ring *r, void *elem)
{
	size_t done;
	return kaal_ring_pop_burst(r, elem, 1, &done);
}

/* Copy n elements between buf and the ring at this side's index, in at most two runs. */
static void copy_elems(struct kaal_ring *r, uint8_t *buf, uint64_t n, bool into_ring)
{
	uint64_t first = r->capacity - (r->index & r->mask);
	if (first > n)
		first = n;
	size_t first_bytes = (size_t)first * r->elem_size;
	size_t rest_bytes = (size_t)(n - first) * r->elem_size;
	if (into_ring) {
		memcpy(slot(r, r->index), buf, first_bytes);
		memcpy(r->data, buf + first_bytes, rest_bytes);
	} else {
		memcpy(buf, slot(r, r->index), first_bytes);
		memcpy(buf + first_bytes, r->data, rest_bytes);
	}
}

static kaal_status transfer(struct kaal_ring *r, uint8_t *buf, size_t n, size_t *done,
                            enum kaal_ring_role role)
{
	*done = 0;
	if (!usable(r, role) || (!buf && n))
		return KAAL_INVALID_ARGUMENT;
	uint64_t have;
	kaal_status st = room(r, n, &have);
	if (st != KAAL_OK)
		return st;
	uint64_t count = have < n ? have : n;
	copy_elems(r, buf, count, role == KAAL_RING_PRODUCER);
	r->index += count;
	publish(r);
	*done = (size_t)count;
	return KAAL_OK;
}

kaal_status kaal_ring_push_burst(struct kaal_ring *r, const void *elems, size_t n, size_t *done)
{
	return transfer(r, (uint8_t *)(uintptr_t)elems, n, done, KAAL_RING_PRODUCER);
}

kaal_status kaal_ring_pop_burst(struct kaal_ring *r, void *elems, size_t n, size_t *done)
{
	return transfer(r, elems, n, done, KAAL_RING_CONSUMER);
}

kaal_status kaal_ring_reserve(struct kaal_ring *r, size_t want, void **elems, size_t *granted)
{
	*granted = 0;
	if (!r || !r->hdr || r->reserved != 0 || want == 0 || !elems)
		return KAAL_INVALID_ARGUMENT;
	uint64_t have;
	kaal_status st = room(r, want, &have);
	if (st != KAAL_OK)
		return st;
	uint64_t contiguous = r->capacity - (r->index & r->mask);
	uint64_t n = want;
	if (n > have)
		n = have;
	if (n > contiguous)
		n = contiguous;
	r->reserved = (uint32_t)n;
	*elems = slot(r, r->index);
	*granted = (size_t)n;
	return KAAL_OK;
}

kaal_status kaal_ring_commit(struct kaal_ring *r, size_t n)
{
	if (!r || !r->hdr || n > r->reserved)
		return KAAL_INVALID_ARGUMENT;
	r->index += n;
	r->reserved = 0;
	if (n)
		publish(r);
	return KAAL_OK;
}

size_t kaal_ring_ready(struct kaal_ring *r)
{
	if (!r || !r->hdr || reload_peer(r) != KAAL_OK)
		return 0;
	return (size_t)cached_room(r);
}
