/*
 * The MPMC ring as a checked test: two producers push three numbered
 * elements each through a two-slot ring that two consumers pop, every side
 * spinning while the ring is full or empty; the first producer creates the
 * ring while the others are already polling it with attach. The oracle: every element is
 * taken exactly once, and each consumer sees each producer's elements in
 * the order they were pushed.
 */
#include <stdint.h>

#include <kaal/ring_mpmc.h>

#include "catalogue.h"

#define PRODUCERS     2
#define CONSUMERS     2
#define PER_PRODUCER  3
#define MPMC_CAPACITY 2
#define MPMC_BYTES    1024
#define CREATOR       0 /* the first producer creates the ring the others attach to */
#define ELEMENT(p, i) ((p)*PER_PRODUCER + (i))

struct mpmc_test {
	_Alignas(KAAL_RING_LINE) uint8_t ring[MPMC_BYTES];
	uint32_t taken[PRODUCERS * PER_PRODUCER]; /* times each element was popped */
};

static void setup(void *p)
{
	(void)p;
	kaal_check_assert(kaal_mpmc_bytes(MPMC_CAPACITY, sizeof(uint32_t)) <= MPMC_BYTES);
}

static void produce(struct kaal_mpmc *q, unsigned producer)
{
	for (uint32_t i = 0; i < PER_PRODUCER; i++) {
		uint32_t v = ELEMENT(producer, i);
		kaal_status st;
		while ((st = kaal_mpmc_push(q, &v)) == KAAL_WOULD_BLOCK)
			kaal_check_yield();
		kaal_check_assert(st == KAAL_OK);
	}
}

static void consume(struct kaal_mpmc *q, struct mpmc_test *s)
{
	uint32_t next[PRODUCERS] = {0}; /* the least index each producer may show next */
	for (unsigned n = 0; n < PER_PRODUCER * PRODUCERS / CONSUMERS; n++) {
		uint32_t v = UINT32_MAX;
		kaal_status st;
		while ((st = kaal_mpmc_pop(q, &v)) == KAAL_WOULD_BLOCK)
			kaal_check_yield();
		kaal_check_assert(st == KAAL_OK && v < PRODUCERS * PER_PRODUCER);
		unsigned producer = v / PER_PRODUCER, index = v % PER_PRODUCER;
		kaal_check_assert(index >= next[producer]);
		next[producer] = index + 1;
		s->taken[v]++;
	}
}

static void thread(unsigned id, void *p)
{
	struct mpmc_test *s = p;
	struct kaal_mpmc q;
	if (id == CREATOR)
		kaal_check_assert(kaal_mpmc_create(s->ring, MPMC_BYTES, MPMC_CAPACITY,
		                                   sizeof(uint32_t)) == KAAL_OK);
	kaal_status st;
	while ((st = kaal_mpmc_attach(&q, s->ring, MPMC_BYTES)) == KAAL_CORRUPT_RING)
		kaal_check_yield();
	kaal_check_assert(st == KAAL_OK);
	if (id < PRODUCERS)
		produce(&q, id);
	else
		consume(&q, s);
}

static void finish(void *p)
{
	const struct mpmc_test *s = p;
	for (unsigned v = 0; v < PRODUCERS * PER_PRODUCER; v++)
		kaal_check_assert(s->taken[v] == 1);
}

const struct kaal_check_test checked_mpmc = {
    .name = "mpmc",
    .threads = PRODUCERS + CONSUMERS,
    .state_size = sizeof(struct mpmc_test),
    .setup = setup,
    .thread = thread,
    .finish = finish,
};
