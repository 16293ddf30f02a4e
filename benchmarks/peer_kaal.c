/* kaal's SharedRing and MPMC ring as a peer, run on the same loops as the others. */
#include <stdio.h>
#include <stdlib.h>

#include <kaal/ring.h>
#include <kaal/ring_mpmc.h>

#include "ring_run.h"

struct kaal_spsc {
	void *mem;
	struct kaal_ring prod, cons;
	uint64_t items;
	unsigned burst, work;
};

static size_t kaal_push_n(struct kaal_ring *r, const void *b, size_t n)
{
	size_t done;
	kaal_ring_push_burst(r, b, n, &done);
	return done;
}

static size_t kaal_pop_n(struct kaal_ring *r, void *b, size_t n)
{
	size_t done;
	kaal_ring_pop_burst(r, b, n, &done);
	return done;
}

/*
 * Each side works on its own copy of its handle, on its own stack, as two
 * processes would: handles side by side in one struct would share a cache line.
 */
#define KAAL_PUSH(e)          (kaal_ring_push(&r, (e)) == KAAL_OK)
#define KAAL_POP(e)           (kaal_ring_pop(&r, (e)) == KAAL_OK)
#define KAAL_PUSH_BURST(b, n) kaal_push_n(&r, (b), (n))
#define KAAL_POP_BURST(b, n)  kaal_pop_n(&r, (b), (n))

#define KAAL_SPSC_LOOPS(n)                                                                         \
	static void kaal_produce##n(void *arg)                                                     \
	{                                                                                          \
		struct kaal_spsc *k = arg;                                                         \
		struct kaal_ring r = k->prod;                                                      \
		BENCH_PRODUCE(struct bench_elem##n, k->items, k->burst, KAAL_PUSH,                 \
		              KAAL_PUSH_BURST);                                                    \
	}                                                                                          \
	static void kaal_consume##n(void *arg)                                                     \
	{                                                                                          \
		struct kaal_spsc *k = arg;                                                         \
		struct kaal_ring r = k->cons;                                                      \
		BENCH_CONSUME(struct bench_elem##n, k->items, k->burst, k->work, KAAL_POP,         \
		              KAAL_POP_BURST, "kaal");                                             \
	}
KAAL_SPSC_LOOPS(8)
KAAL_SPSC_LOOPS(64)
KAAL_SPSC_LOOPS(256)

/* The layout docs/ipc.md recommends: sequence words for one element at a time, packed for bursts.
 */
static void kaal_ring_pair(struct kaal_spsc *k, unsigned elem_size, unsigned burst)
{
	enum kaal_ring_layout layout = burst > 1 ? KAAL_RING_PACKED : KAAL_RING_SEQUENCED;
	size_t bytes = kaal_ring_bytes_layout(BENCH_CAPACITY, elem_size, layout);
	k->mem = bench_alloc(bytes);
	if (kaal_ring_create_layout(k->mem, bytes, BENCH_CAPACITY, elem_size, layout) != KAAL_OK ||
	    kaal_ring_attach(&k->prod, k->mem, bytes, KAAL_RING_PRODUCER) != KAAL_OK ||
	    kaal_ring_attach(&k->cons, k->mem, bytes, KAAL_RING_CONSUMER) != KAAL_OK) {
		fprintf(stderr, "ring-bench: kaal ring setup failed\n");
		exit(1);
	}
}

static double kaal_spsc_run(unsigned elem_size, unsigned burst, unsigned work, uint64_t items)
{
	struct kaal_spsc k;
	kaal_ring_pair(&k, elem_size, burst);
	k.items = items;
	k.burst = burst;
	k.work = work;
	double ns = elem_size == 8    ? bench_pair(kaal_produce8, kaal_consume8, &k)
	            : elem_size == 64 ? bench_pair(kaal_produce64, kaal_consume64, &k)
	                              : bench_pair(kaal_produce256, kaal_consume256, &k);
	free(k.mem);
	return ns;
}

struct kaal_rt {
	struct kaal_spsc there, back;
	uint64_t trips;
};

static void kaal_ping(void *arg)
{
	struct kaal_rt *rt = arg;
	struct kaal_ring out = rt->there.prod, in = rt->back.cons;
#define PING_PUSH(e) (kaal_ring_push(&out, (e)) == KAAL_OK)
#define PING_POP(e)  (kaal_ring_pop(&in, (e)) == KAAL_OK)
	BENCH_PING(struct bench_elem8, rt->trips, PING_PUSH, PING_POP, "kaal");
}

static void kaal_pong(void *arg)
{
	struct kaal_rt *rt = arg;
	struct kaal_ring out = rt->back.prod, in = rt->there.cons;
#define PONG_PUSH(e) (kaal_ring_push(&out, (e)) == KAAL_OK)
#define PONG_POP(e)  (kaal_ring_pop(&in, (e)) == KAAL_OK)
	BENCH_PONG(struct bench_elem8, rt->trips, PONG_PUSH, PONG_POP);
}

static double kaal_round_trip_run(uint64_t trips)
{
	struct kaal_rt rt;
	kaal_ring_pair(&rt.there, 8, 1);
	kaal_ring_pair(&rt.back, 8, 1);
	rt.trips = trips;
	double ns = bench_pair(kaal_ping, kaal_pong, &rt);
	free(rt.there.mem);
	free(rt.back.mem);
	return ns;
}

struct kaal_mq {
	struct kaal_mpmc q;
	uint64_t half;
	uint64_t total;
};

#define MPMC_PUSH(e) (kaal_mpmc_push(&m->q, (e)) == KAAL_OK)
#define MPMC_POP(e)  (kaal_mpmc_pop(&m->q, (e)) == KAAL_OK)

static void kaal_mpmc_producer(struct kaal_mq *m, uint64_t k)
{
	BENCH_MPMC_PRODUCE(struct bench_elem8, k, m->half, MPMC_PUSH);
}

static void kaal_mpmc_p0(void *arg)
{
	kaal_mpmc_producer(arg, 0);
}

static void kaal_mpmc_p1(void *arg)
{
	kaal_mpmc_producer(arg, 1);
}

static void kaal_mpmc_c(void *arg)
{
	struct kaal_mq *m = arg;
	BENCH_MPMC_CONSUME(struct bench_elem8, m->half, MPMC_POP, &m->total);
}

static double kaal_mpmc_run(uint64_t items)
{
	struct kaal_mq m;
	size_t bytes = kaal_mpmc_bytes(BENCH_CAPACITY, 8);
	void *mem = bench_alloc(bytes);
	if (kaal_mpmc_create(mem, bytes, BENCH_CAPACITY, 8) != KAAL_OK ||
	    kaal_mpmc_attach(&m.q, mem, bytes) != KAAL_OK) {
		fprintf(stderr, "ring-bench: kaal mpmc setup failed\n");
		exit(1);
	}
	m.half = items / 2;
	m.total = 0;
	/* Threads 0 and 2 run on cpu0, 1 and 3 on cpu1: one producer and one consumer each. */
	bench_fn fn[4] = {kaal_mpmc_p0, kaal_mpmc_p1, kaal_mpmc_c, kaal_mpmc_c};
	double ns = bench_threads(4, fn, &m);
	bench_check("kaal mpmc", m.total, bench_expected_sum(2 * m.half));
	free(mem);
	return ns;
}

const struct bench_peer bench_kaal = {
    "kaal", "", NULL, NULL, kaal_spsc_run, kaal_round_trip_run, kaal_mpmc_run,
};
