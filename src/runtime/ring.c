/*
 * SharedRing SPSC. Indices are free running and masked on use with the
 * mask in the private handle. Each side publishes its own index with a
 * release store and reads the peer's with an acquire load, and only when
 * its cached copy says the ring is full (producer) or empty (consumer).
 *
 * Rings of elements of up to KAAL_RING_SEQ_MAX_ELEM bytes give every slot a
 * sequence word beside its element, the slot a power of two of at most a
 * cache line: the producer writes the element, then the slot's sequence
 * (index + 1, release), then publishes its index (release). A consumer
 * whose cached producer index says empty looks at the next slot's sequence
 * first, on the element's own line, and takes the element without
 * touching the producer's line; it reads the producer index only when it
 * wants more than that one element. Larger elements fill lines of their
 * own anyway: they are stored back to back without sequence words, and
 * the consumer learns of them from the producer index alone.
 */
#include <string.h>

#include <kaal/ring.h>

/* The header's fields after the magic that create writes once and attach validates. */
#define GEOMETRY_BYTES                                                                             \
	(offsetof(struct kaal_ring_header, pad0) - offsetof(struct kaal_ring_header, version))

static bool is_power_of_two(uint64_t x)
{
	return x != 0 && (x & (x - 1)) == 0;
}

static uint64_t round_up(uint64_t x, uint64_t to)
{
	return (x + to - 1) & ~(to - 1);
}

/*
 * Where a sequenced slot holds its word and its element: a small element
 * after its word, on one line; a larger one first and its word after it,
 * so the consumer polls a line the producer writes only to publish.
 */
static uint32_t seq_offset(uint32_t elem_size)
{
	return elem_size > KAAL_RING_SEQ_MAX_ELEM
	           ? (uint32_t)round_up(elem_size, KAAL_RING_SEQ_SIZE)
	           : 0;
}

static uint32_t elem_offset(uint32_t elem_size)
{
	return elem_size > KAAL_RING_SEQ_MAX_ELEM ? 0 : KAAL_RING_SEQ_SIZE;
}

/* Bytes per slot: see KAAL_RING_SEQ_MAX_ELEM and enum kaal_ring_layout. */
static uint64_t stride_for(uint32_t elem_size, enum kaal_ring_layout layout)
{
	if (layout == KAAL_RING_PACKED)
		return elem_size;
	uint64_t need = (uint64_t)elem_size + KAAL_RING_SEQ_SIZE;
	if (elem_size > KAAL_RING_SEQ_MAX_ELEM)
		return round_up((uint64_t)seq_offset(elem_size) + KAAL_RING_SEQ_SIZE,
		                KAAL_RING_SEQ_MAX_SLOT);
	uint64_t stride = 16;
	while (stride < need)
		stride *= 2;
	return stride;
}

size_t kaal_ring_bytes_layout(uint32_t capacity, uint32_t elem_size, enum kaal_ring_layout layout)
{
	if (!is_power_of_two(capacity) || capacity > KAAL_RING_MAX_ELEMS || elem_size == 0 ||
	    (layout != KAAL_RING_SEQUENCED && layout != KAAL_RING_PACKED) ||
	    stride_for(elem_size, layout) > (SIZE_MAX - KAAL_RING_DATA_OFFSET) / capacity)
		return 0;
	return KAAL_RING_DATA_OFFSET + (size_t)capacity * stride_for(elem_size, layout);
}

size_t kaal_ring_bytes(uint32_t capacity, uint32_t elem_size)
{
	return kaal_ring_bytes_layout(capacity, elem_size, KAAL_RING_SEQUENCED);
}

static kaal_atomic_u64 *seq_of(uint8_t *slot)
{
	return (kaal_atomic_u64 *)(void *)slot;
}

kaal_status kaal_ring_create(void *mem, size_t size, uint32_t capacity, uint32_t elem_size)
{
	return kaal_ring_create_layout(mem, size, capacity, elem_size, KAAL_RING_SEQUENCED);
}

kaal_status kaal_ring_create_layout(void *mem, size_t size, uint32_t capacity, uint32_t elem_size,
                                    enum kaal_ring_layout layout)
{
	size_t bytes = kaal_ring_bytes_layout(capacity, elem_size, layout);
	if (!mem || ((uintptr_t)mem % KAAL_RING_LINE) != 0 || bytes == 0 || size < bytes)
		return KAAL_INVALID_ARGUMENT;
	struct kaal_ring_header *h = mem;
	kaal_atomic_store(&h->magic, 0, KAAL_RELAXED);
	kaal_shared_write(&h->version, GEOMETRY_BYTES);
	memset(&h->version, 0, sizeof(*h) - offsetof(struct kaal_ring_header, version));
	h->version = KAAL_RING_VERSION;
	h->capacity = capacity;
	h->elem_size = elem_size;
	h->data_offset = KAAL_RING_DATA_OFFSET;
	h->total_size = bytes;
	h->slot_stride = (uint32_t)stride_for(elem_size, layout);
	kaal_atomic_store(&h->head, 0, KAAL_RELAXED);
	kaal_atomic_store(&h->tail, 0, KAAL_RELAXED);
	kaal_atomic_store(&h->producer_waiting, 0, KAAL_RELAXED);
	kaal_atomic_store(&h->closed, 0, KAAL_RELAXED);
	kaal_atomic_store(&h->consumer_waiting, 0, KAAL_RELAXED);
	/* Sequence 0 matches no index: slot s is first filled for index s, sequence s + 1. */
	if (h->slot_stride != elem_size) {
		uint8_t *data = (uint8_t *)mem + KAAL_RING_DATA_OFFSET;
		for (uint64_t s = 0; s < capacity; s++)
			kaal_atomic_store(seq_of(data + s * h->slot_stride + seq_offset(elem_size)),
			                  0, KAAL_RELAXED);
	}
	/* The magic goes last: an attach that sees it sees a whole header. */
	kaal_atomic_store(&h->magic, KAAL_RING_MAGIC, KAAL_RELEASE);
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
	if (kaal_atomic_load(&h->magic, KAAL_ACQUIRE) != KAAL_RING_MAGIC)
		return KAAL_CORRUPT_RING;
	kaal_shared_read(&h->version, GEOMETRY_BYTES);
	uint32_t capacity = h->capacity, elem_size = h->elem_size;
	/* The stride says the layout: the element's size when packed. */
	enum kaal_ring_layout layout =
	    h->slot_stride == elem_size ? KAAL_RING_PACKED : KAAL_RING_SEQUENCED;
	size_t bytes = kaal_ring_bytes_layout(capacity, elem_size, layout);
	if (h->version != KAAL_RING_VERSION || bytes == 0 ||
	    h->data_offset != KAAL_RING_DATA_OFFSET || h->total_size != bytes ||
	    h->slot_stride != stride_for(elem_size, layout) || bytes > size)
		return KAAL_CORRUPT_RING;
	uint64_t head = kaal_atomic_load(&h->head, KAAL_ACQUIRE);
	uint64_t tail = kaal_atomic_load(&h->tail, KAAL_ACQUIRE);
	bool seq = h->slot_stride != elem_size;
	/*
	 * With sequence words the consumer may be ahead of the published head
	 * by up to a ring: it follows them before the producer publishes (a
	 * producer that stopped between the two). Both sides then start from
	 * the consumer's index.
	 */
	if (seq && tail - head <= capacity)
		head = tail;
	else if (head - tail > capacity)
		return KAAL_CORRUPT_RING;
	r->hdr = h;
	r->data = (uint8_t *)mem + KAAL_RING_DATA_OFFSET;
	r->capacity = capacity;
	r->mask = capacity - 1;
	r->elem_size = elem_size;
	r->stride = (uint32_t)stride_for(elem_size, layout);
	r->seq = seq;
	r->seq_at = seq ? seq_offset(elem_size) : 0;
	r->elem_at = seq ? elem_offset(elem_size) : 0;
	r->role = role;
	r->reserved = 0;
	r->index = role == KAAL_RING_PRODUCER ? head : tail;
	r->peer = role == KAAL_RING_PRODUCER ? tail : head;
	return KAAL_OK;
}

static uint8_t *slot(const struct kaal_ring *r, uint64_t index)
{
	return r->data + (size_t)(index & r->mask) * r->stride;
}

/* Where the element of a slot starts: after the sequence word, if there is one. */
static uint8_t *elem_of(const struct kaal_ring *r, uint64_t index)
{
	return slot(r, index) + r->elem_at;
}

/*
 * Reload the peer's index. A value the peer could never have written
 * legitimately is reported, and the cached value is kept: for the
 * producer a consumer ahead of it or more than a ring behind; for the
 * consumer a head more than a ring ahead, or behind it (with sequence
 * words a head up to a ring behind is a producer that wrote words the
 * consumer already followed and has not published yet: nothing new).
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
		if (head - r->index <= r->capacity) {
			if (head - r->index > r->peer - r->index)
				r->peer = head;
		} else if (!r->seq || r->index - head > r->capacity) {
			return KAAL_CORRUPT_RING;
		}
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

/* Consumer: is the element at its index there by its sequence word? */
static bool next_filled(const struct kaal_ring *r)
{
	return r->seq && kaal_atomic_load(seq_of(slot(r, r->index) + r->seq_at), KAAL_ACQUIRE) ==
	                     r->index + 1;
}

/*
 * Room for up to want elements, reloading the peer only when the cache
 * falls short. A consumer whose cache says empty looks at the next slot's
 * sequence word (if the ring has them) instead of the producer's line, and
 * reads the producer's index only if it wants more than that one element.
 */
static kaal_status room(struct kaal_ring *r, uint64_t want, uint64_t *have)
{
	*have = cached_room(r);
	if (*have >= want)
		return KAAL_OK;
	if (r->seq && r->role == KAAL_RING_CONSUMER && *have == 0) {
		if (!next_filled(r))
			return KAAL_WOULD_BLOCK;
		r->peer = r->index + 1;
		*have = 1;
		if (want == 1)
			return KAAL_OK;
	}
	kaal_status st = reload_peer(r);
	if (st != KAAL_OK)
		return st;
	*have = cached_room(r);
	return *have ? KAAL_OK : KAAL_WOULD_BLOCK;
}

static void publish(struct kaal_ring *r)
{
	if (r->role == KAAL_RING_PRODUCER)
		kaal_atomic_store(&r->hdr->head, r->index, KAAL_RELEASE);
	else
		kaal_atomic_store(&r->hdr->tail, r->index, KAAL_RELEASE);
}

static bool usable(const struct kaal_ring *r, enum kaal_ring_role role)
{
	return r && r->hdr && r->role == role && r->reserved == 0;
}

/* Producer with sequence words: mark the n slots from its index filled, each after its element. */
static void fill(struct kaal_ring *r, uint64_t n)
{
	for (uint64_t i = r->index; i < r->index + n; i++)
		kaal_atomic_store(seq_of(slot(r, i) + r->seq_at), i + 1, KAAL_RELEASE);
}

/*
 * The producer's copy of a packed run into the ring. On x86-64 a run of
 * STRING_MOVE_MIN bytes or more goes through the string move (rep movsb),
 * whose fast-string stores fill whole lines without reading them first:
 * the lines the consumer read a lap ago are not fetched back from its
 * cache before they are overwritten (8 x 256B: about 0.8x DPDK through
 * memcpy, 1.0-1.3x this way; docs/ipc.md). Sanitizer builds keep memcpy,
 * which they can see.
 */
#define STRING_MOVE_MIN 1024u

#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define RING_SANITIZED 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define RING_SANITIZED 1
#endif

static void copy_into_ring(void *dst, const void *src, size_t n)
{
#if defined(__x86_64__) && !defined(RING_SANITIZED)
	if (n >= STRING_MOVE_MIN) {
		__asm__ volatile("rep movsb" : "+D"(dst), "+S"(src), "+c"(n) : : "memory");
		return;
	}
#endif
	memcpy(dst, src, n);
}

/* Copy n elements between buf and the ring at this side's index (and mark them, producer). */
static void copy_elems(struct kaal_ring *r, uint8_t *buf, uint64_t n, bool into_ring)
{
	size_t size = r->elem_size;
	/*
	 * One slot at a time where a word sits between the elements, and for
	 * packed elements of one or two lines, where a fixed-size copy each
	 * beats a copy of the run (for 256 bytes the run's copy wins at 32
	 * elements: about 70 against 24 Mops/s on the development VM), unless
	 * the producer's run is long enough for the string move (32 x 64B:
	 * 70-75 Mops/s one by one, 79-84 as a run).
	 */
	bool one_by_one =
	    (size == 64 || size == 128) && !(into_ring && n * size >= STRING_MOVE_MIN);
	if (r->seq || one_by_one) {
		for (uint64_t k = 0, i = r->index; k < n; k++, i++, buf += size) {
			uint8_t *e = slot(r, i) + r->elem_at;
			if (!into_ring) {
				kaal_shared_read(e, size);
				kaal_ring_copy_elem(buf, e, (uint32_t)size);
				continue;
			}
			kaal_shared_write(e, size);
			kaal_ring_copy_elem(e, buf, (uint32_t)size);
			if (r->seq)
				kaal_atomic_store(seq_of(slot(r, i) + r->seq_at), i + 1,
				                  KAAL_RELEASE);
		}
		return;
	}
	/* Back to back: at most two runs, split where the ring wraps. */
	uint64_t first = r->capacity - (r->index & r->mask);
	if (first > n)
		first = n;
	size_t first_bytes = (size_t)first * size;
	size_t rest_bytes = (size_t)(n - first) * size;
	if (into_ring) {
		kaal_shared_write(slot(r, r->index), first_bytes);
		kaal_shared_write(r->data, rest_bytes);
		copy_into_ring(slot(r, r->index), buf, first_bytes);
		copy_into_ring(r->data, buf + first_bytes, rest_bytes);
	} else {
		kaal_shared_read(slot(r, r->index), first_bytes);
		kaal_shared_read(r->data, rest_bytes);
		memcpy(buf, slot(r, r->index), first_bytes);
		memcpy(buf + first_bytes, r->data, rest_bytes);
	}
}

/*
 * One element, out of line: what the inline paths in kaal/ring.h hand over
 * (validation, and the peer's index when the cache says full or empty).
 * Once there is room they finish through the inline path, which then has
 * nothing left to hand back.
 */
kaal_status(kaal_ring_push)(struct kaal_ring *r, const void *elem)
{
	if (!usable(r, KAAL_RING_PRODUCER) || !elem)
		return KAAL_INVALID_ARGUMENT;
	if (r->index - r->peer >= r->capacity) {
		kaal_status st = reload_peer(r);
		if (st != KAAL_OK)
			return st;
		if (r->index - r->peer >= r->capacity)
			return KAAL_WOULD_BLOCK;
	}
	return kaal_ring_push_inline(r, elem);
}

kaal_status(kaal_ring_pop)(struct kaal_ring *r, void *elem)
{
	if (!usable(r, KAAL_RING_CONSUMER) || !elem)
		return KAAL_INVALID_ARGUMENT;
	if (r->peer == r->index) {
		if (r->seq) {
			if (!next_filled(r))
				return KAAL_WOULD_BLOCK;
			r->peer = r->index + 1;
		} else {
			kaal_status st = reload_peer(r);
			if (st != KAAL_OK)
				return st;
			if (r->peer == r->index)
				return KAAL_WOULD_BLOCK;
		}
	}
	return kaal_ring_pop_inline(r, elem);
}

static kaal_status transfer(struct kaal_ring *r, uint8_t *buf, size_t n, size_t *done,
                            enum kaal_ring_role role)
{
	*done = 0;
	if (n == 1) {
		kaal_status st = role == KAAL_RING_PRODUCER ? kaal_ring_push_inline(r, buf)
		                                            : kaal_ring_pop_inline(r, buf);
		*done = st == KAAL_OK ? 1 : 0;
		return st;
	}
	if (!usable(r, role) || (!buf && n))
		return KAAL_INVALID_ARGUMENT;
	uint64_t have;
	kaal_status st = room(r, n, &have);
	if (st != KAAL_OK)
		return st;
	uint64_t count = have < n ? have : n;
	if (role == KAAL_RING_PRODUCER)
		kaal_ring_prefetch_next(r, count * r->stride);
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

kaal_status kaal_ring_close(struct kaal_ring *r)
{
	if (!usable(r, KAAL_RING_PRODUCER))
		return KAAL_INVALID_ARGUMENT;
	/* Release: a consumer that sees the ring closed sees the final head with it. */
	kaal_atomic_store(&r->hdr->closed, 1, KAAL_RELEASE);
	r->hdr = NULL;
	return KAAL_OK;
}

kaal_status kaal_ring_finished(struct kaal_ring *r)
{
	if (!usable(r, KAAL_RING_CONSUMER))
		return KAAL_INVALID_ARGUMENT;
	if (kaal_atomic_load(&r->hdr->closed, KAAL_ACQUIRE) == 0)
		return KAAL_WOULD_BLOCK;
	uint64_t head = kaal_atomic_load(&r->hdr->head, KAAL_RELAXED);
	if (head == r->index)
		return KAAL_OK;
	return head - r->index <= r->capacity ? KAAL_WOULD_BLOCK : KAAL_CORRUPT_RING;
}

kaal_status kaal_ring_reserve(struct kaal_ring *r, size_t want, void **elems, size_t *granted)
{
	*granted = 0;
	if (!r || !r->hdr || r->reserved != 0 || want == 0 || !elems)
		return KAAL_INVALID_ARGUMENT;
	/* With sequence words elements are not contiguous: one at a time. */
	if (r->seq)
		want = 1;
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
	*elems = elem_of(r, r->index);
	*granted = (size_t)n;
	return KAAL_OK;
}

kaal_status kaal_ring_commit(struct kaal_ring *r, size_t n)
{
	if (!r || !r->hdr || n > r->reserved)
		return KAAL_INVALID_ARGUMENT;
	if (r->seq && r->role == KAAL_RING_PRODUCER)
		fill(r, n);
	r->index += n;
	r->reserved = 0;
	if (n)
		publish(r);
	return KAAL_OK;
}

kaal_status kaal_ring_check(struct kaal_ring *r, size_t *ready)
{
	if (!ready)
		return KAAL_INVALID_ARGUMENT;
	*ready = 0;
	if (!r || !r->hdr)
		return KAAL_INVALID_ARGUMENT;
	kaal_status st = reload_peer(r);
	if (st != KAAL_OK)
		return st;
	if (r->role == KAAL_RING_CONSUMER && cached_room(r) == 0 && next_filled(r))
		r->peer = r->index + 1;
	*ready = (size_t)cached_room(r);
	return KAAL_OK;
}

size_t kaal_ring_ready(struct kaal_ring *r)
{
	size_t ready;
	return kaal_ring_check(r, &ready) == KAAL_OK ? ready : 0;
}
