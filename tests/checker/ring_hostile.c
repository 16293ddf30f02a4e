/*
 * An honest consumer against a hostile producer: the producer pushes one
 * element into every slot of the ring (slot s holds s + 1), then writes
 * garbage drawn from the run's seed into its index and into sequence
 * words, while the consumer pops single elements and bursts. Whatever it
 * is shown, the consumer must only ever return what a slot holds, the
 * slot its own index names, and no status but KAAL_OK,
 * KAAL_WOULD_BLOCK and KAAL_CORRUPT_RING. Every element pushed before
 * the garbage comes out in order. The ring's slots have sequence words in
 * even seeds and none in odd ones (the packed layout, larger elements).
 */
#include <stdint.h>

#include <kaal/ring.h>

#include "catalogue.h"

#define CAPACITY   4
#define SMALL      sizeof(uint64_t)
#define WIDE       (KAAL_RING_SEQ_MAX_ELEM + SMALL)
#define RING_BYTES 1024
#define GARBAGE    3  /* hostile stores after the honest pushes */
#define MAX_TRIES  24 /* the consumer's operations, returned or not */
#define BURST      2
#define PRODUCER   0

struct ring_hostile_test {
	_Alignas(KAAL_RING_LINE) uint8_t ring[RING_BYTES];
	uint32_t elem_size;
	enum kaal_ring_layout layout;
	struct kaal_ring consumer; /* attached by setup, before the producer turns hostile */
	uint64_t taken;            /* elements the consumer returned */
};

static uint64_t next_random(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

/* An index the producer could not have written, or one it could: near the truth or far. */
static uint64_t garbage_index(uint64_t *x)
{
	static const uint64_t near[] = {
	    0, 1, CAPACITY - 1, CAPACITY, CAPACITY + 1, 2 * CAPACITY + 1};
	uint64_t r = next_random(x);
	return r % 4 == 0 ? r : near[r % (sizeof near / sizeof near[0])];
}

static void hostile_producer(struct ring_hostile_test *s)
{
	struct kaal_ring r;
	kaal_check_assert(kaal_ring_attach(&r, s->ring, RING_BYTES, KAAL_RING_PRODUCER) == KAAL_OK);
	uint8_t elem[WIDE] = {0};
	for (uint8_t i = 0; i < CAPACITY; i++) {
		elem[0] = i + 1;
		kaal_check_assert(kaal_ring_push(&r, elem) == KAAL_OK);
	}
	uint64_t x = kaal_check_seed() * UINT64_C(0x9E3779B97F4A7C15) + 1;
	for (unsigned g = 0; g < GARBAGE; g++) {
		uint64_t value = garbage_index(&x);
		uint64_t at = next_random(&x) % (CAPACITY + 1);
		if (at == CAPACITY || !r.seq)
			kaal_atomic_store(&r.hdr->head, value, KAAL_RELEASE);
		else
			kaal_atomic_store((kaal_atomic_u64 *)(void *)(r.data + at * r.stride),
			                  value, KAAL_RELEASE);
	}
}

/* What the consumer took at its index: the slot's first byte, as the producer wrote it. */
static void check_taken(struct ring_hostile_test *s, const uint8_t *elem)
{
	kaal_check_assert(elem[0] == (s->taken % CAPACITY) + 1);
	s->taken++;
}

static void honest_consumer(struct ring_hostile_test *s)
{
	struct kaal_ring *r = &s->consumer;
	uint8_t elems[BURST * WIDE]; /* a burst's elements are back to back */
	for (unsigned t = 0; t < MAX_TRIES; t++) {
		size_t done = 0;
		kaal_status st =
		    t % 2 ? kaal_ring_pop_burst(r, elems, BURST, &done) : kaal_ring_pop(r, elems);
		kaal_check_assert(st == KAAL_OK || st == KAAL_WOULD_BLOCK ||
		                  st == KAAL_CORRUPT_RING);
		if (st == KAAL_OK && t % 2 == 0)
			done = 1;
		for (size_t i = 0; i < done; i++)
			check_taken(s, elems + i * s->elem_size);
		if (st != KAAL_OK)
			kaal_check_yield();
	}
	/* The slot's words and head said "filled" at most once per store, and once per push. */
	kaal_check_assert(s->taken <= CAPACITY + GARBAGE * CAPACITY);
}

static void thread(unsigned id, void *p)
{
	struct ring_hostile_test *s = p;
	if (id == PRODUCER)
		hostile_producer(s);
	else
		honest_consumer(s);
}

static void setup(void *p)
{
	struct ring_hostile_test *s = p;
	bool packed = kaal_check_seed() % 2;
	s->elem_size = packed ? WIDE : SMALL;
	s->layout = packed ? KAAL_RING_PACKED : KAAL_RING_SEQUENCED;
	kaal_check_assert(kaal_ring_bytes_layout(CAPACITY, s->elem_size, s->layout) <= RING_BYTES);
	kaal_check_assert(kaal_ring_create_layout(s->ring, RING_BYTES, CAPACITY, s->elem_size,
	                                          s->layout) == KAAL_OK);
	kaal_check_assert(kaal_ring_attach(&s->consumer, s->ring, RING_BYTES, KAAL_RING_CONSUMER) ==
	                  KAAL_OK);
}

const struct kaal_check_test checked_ring_hostile = {
    .name = "ring_hostile",
    .threads = 2,
    .state_size = sizeof(struct ring_hostile_test),
    .setup = setup,
    .thread = thread,
};
