/*
 * Bulk messages through kaal's SharedRing, one message an element: copied
 * by kaal_ring_push()/pop() through a staging buffer on each side, or
 * written and read in place through kaal_ring_reserve()/commit().
 */
#include <stdio.h>
#include <stdlib.h>

#include <kaal/ring.h>

#include "bulk.h"
#include "ring_bench.h"

struct bulk_kaal {
	void *mem;
	struct kaal_ring prod, cons;
	size_t size;
	uint64_t msgs;
	uint8_t *staging[2]; /* the producer's and the consumer's own message buffer */
};

enum { PRODUCER_SIDE, CONSUMER_SIDE };

static void copy_produce(void *arg)
{
	struct bulk_kaal *k = arg;
	struct kaal_ring r = k->prod;
	uint8_t *msg = k->staging[PRODUCER_SIDE];
	for (uint64_t seq = 1; seq <= k->msgs; seq++) {
		bulk_fill(msg, k->size, seq);
		while (kaal_ring_push(&r, msg) != KAAL_OK) {
		}
	}
}

static void copy_consume(void *arg)
{
	struct bulk_kaal *k = arg;
	struct kaal_ring r = k->cons;
	uint8_t *msg = k->staging[CONSUMER_SIDE];
	for (uint64_t seq = 1; seq <= k->msgs; seq++) {
		while (kaal_ring_pop(&r, msg) != KAAL_OK) {
		}
		bench_check("kaal copy", bulk_sum(msg, k->size), bulk_expected(k->size, seq));
	}
}

/* One slot reserved, then committed; spins while the ring is full or empty. */
static void *reserve_one(struct kaal_ring *r)
{
	void *slot;
	size_t granted = 0;
	while (granted == 0)
		kaal_ring_reserve(r, 1, &slot, &granted);
	return slot;
}

static void in_place_produce(void *arg)
{
	struct bulk_kaal *k = arg;
	struct kaal_ring r = k->prod;
	for (uint64_t seq = 1; seq <= k->msgs; seq++) {
		bulk_fill(reserve_one(&r), k->size, seq);
		kaal_ring_commit(&r, 1);
	}
}

static void in_place_consume(void *arg)
{
	struct bulk_kaal *k = arg;
	struct kaal_ring r = k->cons;
	for (uint64_t seq = 1; seq <= k->msgs; seq++) {
		bench_check("kaal zero-copy", bulk_sum(reserve_one(&r), k->size),
		            bulk_expected(k->size, seq));
		kaal_ring_commit(&r, 1);
	}
}

static double bulk_kaal_run(size_t size, uint64_t msgs, bench_fn produce, bench_fn consume)
{
	struct bulk_kaal k = {.size = size, .msgs = msgs};
	uint32_t slots = (uint32_t)(BULK_RING_BYTES / size);
	/* Packed: a reservation hands out a run of messages, not one at a time. */
	size_t bytes = kaal_ring_bytes_layout(slots, (uint32_t)size, KAAL_RING_PACKED);
	k.mem = bench_alloc(bytes);
	if (kaal_ring_create_layout(k.mem, bytes, slots, (uint32_t)size, KAAL_RING_PACKED) !=
	        KAAL_OK ||
	    kaal_ring_attach(&k.prod, k.mem, bytes, KAAL_RING_PRODUCER) != KAAL_OK ||
	    kaal_ring_attach(&k.cons, k.mem, bytes, KAAL_RING_CONSUMER) != KAAL_OK) {
		fprintf(stderr, "ring-bench: kaal bulk ring setup failed\n");
		exit(1);
	}
	k.staging[PRODUCER_SIDE] = bench_alloc(size);
	k.staging[CONSUMER_SIDE] = bench_alloc(size);
	double ns = bench_pair(produce, consume, &k);
	free(k.staging[PRODUCER_SIDE]);
	free(k.staging[CONSUMER_SIDE]);
	free(k.mem);
	return ns;
}

double bulk_kaal_copy(size_t size, uint64_t msgs)
{
	return bulk_kaal_run(size, msgs, copy_produce, copy_consume);
}

double bulk_kaal_zero_copy(size_t size, uint64_t msgs)
{
	return bulk_kaal_run(size, msgs, in_place_produce, in_place_consume);
}
