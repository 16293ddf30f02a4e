/*
 * A ring's handshake as a checked test: the producer creates the ring in
 * memory the consumer is already polling with kaal_ring_attach(), pushes
 * two of its numbered elements, attaches again with a fresh handle (as a
 * restarted producer would) and pushes the rest; both sides move elements
 * one at a time, in bursts and in place (reserve and commit), in a
 * different order, and spin while the ring is full or empty. The oracle:
 * the consumer attaches only to a whole header and takes every element
 * once, in order, each byte as written.
 * ring_attach has the slots with sequence words (small elements),
 * ring_attach_wide the packed layout's back-to-back slots of larger ones.
 */
#include <stdint.h>
#include <string.h>

#include <kaal/ring.h>

#include "catalogue.h"

#define ITEMS      6
#define CAPACITY   2
#define SMALL      sizeof(uint64_t)
#define WIDE       (KAAL_RING_SEQ_MAX_ELEM + SMALL)
#define RING_BYTES 1024
#define PRODUCER   0

enum way { ONE_AT_A_TIME, BURST, IN_PLACE };

struct ring_attach_test {
	_Alignas(KAAL_RING_LINE) uint8_t ring[RING_BYTES];
	uint32_t elem_size;
	enum kaal_ring_layout layout;
	uint32_t received;
};

static void attach_producer(struct kaal_ring *r, struct ring_attach_test *s)
{
	kaal_check_assert(kaal_ring_attach(r, s->ring, RING_BYTES, KAAL_RING_PRODUCER) == KAAL_OK);
}

/* Element i: every byte is i. */
static void fill_elements(uint8_t *elems, uint32_t from, uint32_t to, uint32_t size)
{
	for (uint32_t i = from; i < to; i++)
		memset(elems + (i - from) * size, (int)i, size);
}

static void check_elements(const uint8_t *elems, uint32_t from, uint32_t to, uint32_t size)
{
	for (uint32_t i = from; i < to; i++)
		for (uint32_t b = 0; b < size; b++)
			kaal_check_assert(elems[(i - from) * size + b] == (uint8_t)i);
}

/*
 * Moves elements from to to, one at a time, in bursts, or in place through
 * reserve and commit, spinning while the ring is full (producer) or empty.
 */
static void move(struct kaal_ring *r, uint32_t from, uint32_t to, uint32_t size, enum way way)
{
	bool producer = r->role == KAAL_RING_PRODUCER;
	uint8_t elems[ITEMS * WIDE];
	if (producer)
		fill_elements(elems, from, to, size);
	for (uint32_t i = from; i < to;) {
		size_t done = 0;
		kaal_status st;
		void *at = NULL;
		uint8_t *mine = elems + (i - from) * size;
		if (way == ONE_AT_A_TIME) {
			st = producer ? kaal_ring_push(r, mine) : kaal_ring_pop(r, mine);
			done = st == KAAL_OK;
		} else if (way == BURST) {
			st = producer ? kaal_ring_push_burst(r, mine, to - i, &done)
			              : kaal_ring_pop_burst(r, mine, to - i, &done);
		} else if ((st = kaal_ring_reserve(r, to - i, &at, &done)) == KAAL_OK) {
			/* In place: the elements are this side's plain accesses to shared memory.
			 */
			if (producer) {
				kaal_shared_write(at, done * size);
				memcpy(at, mine, done * size);
			} else {
				kaal_shared_read(at, done * size);
				memcpy(mine, at, done * size);
			}
			kaal_check_assert(kaal_ring_commit(r, done) == KAAL_OK);
		}
		kaal_check_assert(st == KAAL_OK || st == KAAL_WOULD_BLOCK);
		if (st == KAAL_WOULD_BLOCK)
			kaal_check_yield();
		i += (uint32_t)done;
	}
	if (!producer)
		check_elements(elems, from, to, size);
}

static void produce(struct ring_attach_test *s)
{
	kaal_check_assert(kaal_ring_create_layout(s->ring, RING_BYTES, CAPACITY, s->elem_size,
	                                          s->layout) == KAAL_OK);
	struct kaal_ring first, again;
	attach_producer(&first, s);
	move(&first, 0, 2, s->elem_size, ONE_AT_A_TIME);
	attach_producer(&again, s);
	move(&again, 2, 4, s->elem_size, BURST);
	move(&again, 4, ITEMS, s->elem_size, IN_PLACE);
}

static void consume(struct ring_attach_test *s)
{
	struct kaal_ring r;
	kaal_status st;
	while ((st = kaal_ring_attach(&r, s->ring, RING_BYTES, KAAL_RING_CONSUMER)) ==
	       KAAL_CORRUPT_RING)
		kaal_check_yield();
	kaal_check_assert(st == KAAL_OK && r.elem_size == s->elem_size);
	move(&r, 0, 2, s->elem_size, IN_PLACE);
	move(&r, 2, 4, s->elem_size, ONE_AT_A_TIME);
	move(&r, 4, ITEMS, s->elem_size, BURST);
	s->received = ITEMS;
}

static void thread(unsigned id, void *p)
{
	if (id == PRODUCER)
		produce(p);
	else
		consume(p);
}

static void setup_small(void *p)
{
	struct ring_attach_test *s = p;
	kaal_check_assert(kaal_ring_bytes(CAPACITY, SMALL) <= RING_BYTES);
	s->elem_size = SMALL;
}

static void setup_wide(void *p)
{
	struct ring_attach_test *s = p;
	kaal_check_assert(kaal_ring_bytes_layout(CAPACITY, WIDE, KAAL_RING_PACKED) <= RING_BYTES);
	s->elem_size = WIDE;
	s->layout = KAAL_RING_PACKED;
}

static void finish(void *p)
{
	const struct ring_attach_test *s = p;
	kaal_check_assert(s->received == ITEMS);
}

const struct kaal_check_test checked_ring_attach = {
    .name = "ring_attach",
    .threads = 2,
    .state_size = sizeof(struct ring_attach_test),
    .setup = setup_small,
    .thread = thread,
    .finish = finish,
};

const struct kaal_check_test checked_ring_attach_wide = {
    .name = "ring_attach_wide",
    .threads = 2,
    .state_size = sizeof(struct ring_attach_test),
    .setup = setup_wide,
    .thread = thread,
    .finish = finish,
};
