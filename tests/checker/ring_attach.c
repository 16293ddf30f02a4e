/*
 * A ring's handshake as a checked test: the producer creates the ring in
 * memory the consumer is already polling with kaal_ring_attach(), pushes
 * half of its numbered elements, attaches again with a fresh handle (as a
 * restarted producer would) and pushes the rest; both sides spin while the
 * ring is full or empty. The oracle: the consumer attaches only to a whole
 * header and takes every element once, in order, each byte as written.
 * ring_attach has the slots with sequence words (small elements),
 * ring_attach_wide the back-to-back slots of larger ones.
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

struct ring_attach_test {
	_Alignas(KAAL_RING_LINE) uint8_t ring[RING_BYTES];
	uint32_t elem_size;
	uint32_t received;
};

static void attach_producer(struct kaal_ring *r, struct ring_attach_test *s)
{
	kaal_check_assert(kaal_ring_attach(r, s->ring, RING_BYTES, KAAL_RING_PRODUCER) == KAAL_OK);
}

static void push(struct kaal_ring *r, struct ring_attach_test *s, uint32_t from, uint32_t to)
{
	uint8_t elem[WIDE];
	for (uint32_t i = from; i < to; i++) {
		memset(elem, (int)i, s->elem_size);
		kaal_status st;
		while ((st = kaal_ring_push(r, elem)) == KAAL_WOULD_BLOCK)
			kaal_check_yield();
		kaal_check_assert(st == KAAL_OK);
	}
}

static void produce(struct ring_attach_test *s)
{
	kaal_check_assert(kaal_ring_create(s->ring, RING_BYTES, CAPACITY, s->elem_size) == KAAL_OK);
	struct kaal_ring first, again;
	attach_producer(&first, s);
	push(&first, s, 0, ITEMS / 2);
	attach_producer(&again, s);
	push(&again, s, ITEMS / 2, ITEMS);
}

static void consume(struct ring_attach_test *s)
{
	struct kaal_ring r;
	kaal_status st;
	while ((st = kaal_ring_attach(&r, s->ring, RING_BYTES, KAAL_RING_CONSUMER)) ==
	       KAAL_CORRUPT_RING)
		kaal_check_yield();
	kaal_check_assert(st == KAAL_OK && r.elem_size == s->elem_size);
	uint8_t elem[WIDE];
	for (uint32_t i = 0; i < ITEMS; i++) {
		while ((st = kaal_ring_pop(&r, elem)) == KAAL_WOULD_BLOCK)
			kaal_check_yield();
		kaal_check_assert(st == KAAL_OK);
		for (uint32_t b = 0; b < s->elem_size; b++)
			kaal_check_assert(elem[b] == (uint8_t)i);
		s->received++;
	}
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
	kaal_check_assert(kaal_ring_bytes(CAPACITY, WIDE) <= RING_BYTES);
	s->elem_size = WIDE;
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
