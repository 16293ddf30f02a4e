/*
 * Concurrency Kit's ck_ring, typed (CK_RING_PROTOTYPE) so elements are
 * copied in place like kaal's: SPSC and MPMC, no burst operations.
 */
#define _GNU_SOURCE
#include <stdlib.h>

#include "ring_bench.h"

#ifdef BENCH_HAVE_CK
#include <ck_ring.h>

CK_RING_PROTOTYPE(e8, bench_elem8)
CK_RING_PROTOTYPE(e64, bench_elem64)
CK_RING_PROTOTYPE(e256, bench_elem256)

struct ck_spsc {
	struct ck_ring *ring;
	void *buf;
	uint64_t items;
	unsigned burst, work;
};

static void ck_make(struct ck_spsc *c, size_t elem_size)
{
	c->ring = bench_alloc(sizeof(*c->ring));
	c->buf = bench_alloc(BENCH_CAPACITY * elem_size);
	ck_ring_init(c->ring, BENCH_CAPACITY);
}

static void ck_free(struct ck_spsc *c)
{
	free(c->ring);
	free(c->buf);
}

#define CK_LOOPS(n)                                                                                \
	static void ck_produce##n(void *arg)                                                       \
	{                                                                                          \
		struct ck_spsc *c = arg;                                                           \
		struct bench_elem##n *buf = c->buf;                                                \
		BENCH_PRODUCE(struct bench_elem##n, c->items, 1, CK_PUSH##n, NO_BURST);            \
	}                                                                                          \
	static void ck_consume##n(void *arg)                                                       \
	{                                                                                          \
		struct ck_spsc *c = arg;                                                           \
		struct bench_elem##n *buf = c->buf;                                                \
		BENCH_CONSUME(struct bench_elem##n, c->items, 1, c->work, CK_POP##n, NO_BURST,     \
		              "ck_ring");                                                          \
	}

#define NO_BURST(b, n) ((void)(b), (size_t)(n)*0)
#define CK_PUSH8(e)    ck_ring_enqueue_spsc_e8(c->ring, buf, (e))
#define CK_POP8(e)     ck_ring_dequeue_spsc_e8(c->ring, buf, (e))
#define CK_PUSH64(e)   ck_ring_enqueue_spsc_e64(c->ring, buf, (e))
#define CK_POP64(e)    ck_ring_dequeue_spsc_e64(c->ring, buf, (e))
#define CK_PUSH256(e)  ck_ring_enqueue_spsc_e256(c->ring, buf, (e))
#define CK_POP256(e)   ck_ring_dequeue_spsc_e256(c->ring, buf, (e))
CK_LOOPS(8)
CK_LOOPS(64)
CK_LOOPS(256)

static double ck_spsc(unsigned elem_size, unsigned burst, unsigned work, uint64_t items)
{
	if (burst != 1)
		return BENCH_UNSUPPORTED;
	struct ck_spsc c = {NULL, NULL, items, burst, work};
	ck_make(&c, elem_size);
	double ns = elem_size == 8    ? bench_pair(ck_produce8, ck_consume8, &c)
	            : elem_size == 64 ? bench_pair(ck_produce64, ck_consume64, &c)
	                              : bench_pair(ck_produce256, ck_consume256, &c);
	ck_free(&c);
	return ns;
}

struct ck_rt {
	struct ck_spsc there, back;
	uint64_t trips;
};

static void ck_ping(void *arg)
{
	struct ck_rt *rt = arg;
	struct bench_elem8 *tb = rt->there.buf, *bb = rt->back.buf;
#define PING_PUSH(e) ck_ring_enqueue_spsc_e8(rt->there.ring, tb, (e))
#define PING_POP(e)  ck_ring_dequeue_spsc_e8(rt->back.ring, bb, (e))
	BENCH_PING(struct bench_elem8, rt->trips, PING_PUSH, PING_POP, "ck_ring");
}

static void ck_pong(void *arg)
{
	struct ck_rt *rt = arg;
	struct bench_elem8 *tb = rt->there.buf, *bb = rt->back.buf;
#define PONG_PUSH(e) ck_ring_enqueue_spsc_e8(rt->back.ring, bb, (e))
#define PONG_POP(e)  ck_ring_dequeue_spsc_e8(rt->there.ring, tb, (e))
	BENCH_PONG(struct bench_elem8, rt->trips, PONG_PUSH, PONG_POP);
}

static double ck_round_trip(uint64_t trips)
{
	struct ck_rt rt;
	ck_make(&rt.there, 8);
	ck_make(&rt.back, 8);
	rt.trips = trips;
	double ns = bench_pair(ck_ping, ck_pong, &rt);
	ck_free(&rt.there);
	ck_free(&rt.back);
	return ns;
}

struct ck_mq {
	struct ck_spsc q;
	uint64_t half;
	uint64_t total;
};

#define MPMC_PUSH(e) ck_ring_enqueue_mpmc_e8(m->q.ring, m->q.buf, (e))
#define MPMC_POP(e)  ck_ring_dequeue_mpmc_e8(m->q.ring, m->q.buf, (e))

static void ck_mpmc_producer(struct ck_mq *m, uint64_t k)
{
	BENCH_MPMC_PRODUCE(struct bench_elem8, k, m->half, MPMC_PUSH);
}

static void ck_mpmc_p0(void *arg)
{
	ck_mpmc_producer(arg, 0);
}

static void ck_mpmc_p1(void *arg)
{
	ck_mpmc_producer(arg, 1);
}

static void ck_mpmc_c(void *arg)
{
	struct ck_mq *m = arg;
	BENCH_MPMC_CONSUME(struct bench_elem8, m->half, MPMC_POP, &m->total);
}

static double ck_mpmc(uint64_t items)
{
	struct ck_mq m;
	ck_make(&m.q, 8);
	m.half = items / 2;
	m.total = 0;
	bench_fn fn[4] = {ck_mpmc_p0, ck_mpmc_p1, ck_mpmc_c, ck_mpmc_c};
	double ns = bench_threads(4, fn, &m);
	bench_check("ck_ring mpmc", m.total, bench_expected_sum(2 * m.half));
	ck_free(&m.q);
	return ns;
}

const struct bench_peer bench_ck = {
    "ck_ring", "libck-dev", NULL, NULL, ck_spsc, ck_round_trip, ck_mpmc,
};
#else
const struct bench_peer bench_ck = {
    "ck_ring", "libck-dev", "install libck-dev", NULL, NULL, NULL, NULL,
};
#endif
