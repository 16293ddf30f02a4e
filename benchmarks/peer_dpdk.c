/*
 * DPDK's rte_ring on memory the caller allocates (rte_ring_init, no EAL):
 * the element API (rte_ring_*_elem) with SP/SC for SPSC, MP/MC for MPMC.
 * Its ring of BENCH_CAPACITY slots holds BENCH_CAPACITY - 1 elements.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>

#include "ring_bench.h"

#ifdef BENCH_HAVE_DPDK
#include <rte_errno.h>
#include <rte_ring.h>
#include <rte_ring_elem.h>

static struct rte_ring *dpdk_make(unsigned elem_size, unsigned flags)
{
	ssize_t bytes = rte_ring_get_memsize_elem(elem_size, BENCH_CAPACITY);
	if (bytes < 0)
		return NULL;
	struct rte_ring *r = bench_alloc((size_t)bytes);
	if (rte_ring_init(r, "ring-bench", BENCH_CAPACITY, flags) != 0) {
		free(r);
		return NULL;
	}
	return r;
}

static char probe_failure[160];

/* rte_ring_init needs no EAL; if this DPDK disagrees, say so instead of measuring. */
static const char *dpdk_probe(void)
{
	struct rte_ring *r = dpdk_make(8, RING_F_SP_ENQ | RING_F_SC_DEQ);
	if (!r) {
		snprintf(probe_failure, sizeof(probe_failure),
		         "rte_ring_init on caller memory without EAL failed: %s",
		         rte_strerror(rte_errno));
		return probe_failure;
	}
	struct bench_elem8 e = {42};
	unsigned moved = rte_ring_sp_enqueue_elem(r, &e, sizeof(e)) == 0;
	e.seq = 0;
	moved += rte_ring_sc_dequeue_elem(r, &e, sizeof(e)) == 0;
	free(r);
	if (moved != 2 || e.seq != 42)
		return "rte_ring on caller memory did not move an element";
	return NULL;
}

struct dpdk_spsc {
	struct rte_ring *r;
	uint64_t items;
	unsigned burst, work;
};

#define DPDK_LOOPS(n)                                                                              \
	static void dpdk_produce##n(void *arg)                                                     \
	{                                                                                          \
		struct dpdk_spsc *d = arg;                                                         \
		BENCH_PRODUCE(struct bench_elem##n, d->items, d->burst, DPDK_PUSH,                 \
		              DPDK_PUSH_BURST);                                                    \
	}                                                                                          \
	static void dpdk_consume##n(void *arg)                                                     \
	{                                                                                          \
		struct dpdk_spsc *d = arg;                                                         \
		BENCH_CONSUME(struct bench_elem##n, d->items, d->burst, d->work, DPDK_POP,         \
		              DPDK_POP_BURST, "rte_ring");                                         \
	}

/* The element size is a constant where these expand, as in a DPDK application. */
#define DPDK_PUSH(e) (rte_ring_sp_enqueue_elem(d->r, (e), sizeof(*(e))) == 0)
#define DPDK_POP(e)  (rte_ring_sc_dequeue_elem(d->r, (e), sizeof(*(e))) == 0)
#define DPDK_PUSH_BURST(b, n)                                                                      \
	(size_t) rte_ring_sp_enqueue_burst_elem(d->r, (b), sizeof(*(b)), (unsigned)(n), NULL)
#define DPDK_POP_BURST(b, n)                                                                       \
	(size_t) rte_ring_sc_dequeue_burst_elem(d->r, (b), sizeof(*(b)), (unsigned)(n), NULL)
DPDK_LOOPS(8)
DPDK_LOOPS(64)
DPDK_LOOPS(256)

static double dpdk_spsc(unsigned elem_size, unsigned burst, unsigned work, uint64_t items)
{
	struct dpdk_spsc d = {dpdk_make(elem_size, RING_F_SP_ENQ | RING_F_SC_DEQ), items, burst,
	                      work};
	if (!d.r)
		return BENCH_UNSUPPORTED;
	double ns = elem_size == 8    ? bench_pair(dpdk_produce8, dpdk_consume8, &d)
	            : elem_size == 64 ? bench_pair(dpdk_produce64, dpdk_consume64, &d)
	                              : bench_pair(dpdk_produce256, dpdk_consume256, &d);
	free(d.r);
	return ns;
}

struct dpdk_rt {
	struct rte_ring *there, *back;
	uint64_t trips;
};

static void dpdk_ping(void *arg)
{
	struct dpdk_rt *rt = arg;
#define PING_PUSH(e) (rte_ring_sp_enqueue_elem(rt->there, (e), sizeof(*(e))) == 0)
#define PING_POP(e)  (rte_ring_sc_dequeue_elem(rt->back, (e), sizeof(*(e))) == 0)
	BENCH_PING(struct bench_elem8, rt->trips, PING_PUSH, PING_POP, "rte_ring");
}

static void dpdk_pong(void *arg)
{
	struct dpdk_rt *rt = arg;
#define PONG_PUSH(e) (rte_ring_sp_enqueue_elem(rt->back, (e), sizeof(*(e))) == 0)
#define PONG_POP(e)  (rte_ring_sc_dequeue_elem(rt->there, (e), sizeof(*(e))) == 0)
	BENCH_PONG(struct bench_elem8, rt->trips, PONG_PUSH, PONG_POP);
}

static double dpdk_round_trip(uint64_t trips)
{
	unsigned flags = RING_F_SP_ENQ | RING_F_SC_DEQ;
	struct dpdk_rt rt = {dpdk_make(8, flags), dpdk_make(8, flags), trips};
	if (!rt.there || !rt.back)
		return BENCH_UNSUPPORTED;
	double ns = bench_pair(dpdk_ping, dpdk_pong, &rt);
	free(rt.there);
	free(rt.back);
	return ns;
}

struct dpdk_mq {
	struct rte_ring *r;
	uint64_t half;
	uint64_t total;
};

#define MPMC_PUSH(e) (rte_ring_mp_enqueue_elem(m->r, (e), sizeof(*(e))) == 0)
#define MPMC_POP(e)  (rte_ring_mc_dequeue_elem(m->r, (e), sizeof(*(e))) == 0)

static void dpdk_mpmc_producer(struct dpdk_mq *m, uint64_t k)
{
	BENCH_MPMC_PRODUCE(struct bench_elem8, k, m->half, MPMC_PUSH);
}

static void dpdk_mpmc_p0(void *arg)
{
	dpdk_mpmc_producer(arg, 0);
}

static void dpdk_mpmc_p1(void *arg)
{
	dpdk_mpmc_producer(arg, 1);
}

static void dpdk_mpmc_c(void *arg)
{
	struct dpdk_mq *m = arg;
	BENCH_MPMC_CONSUME(struct bench_elem8, m->half, MPMC_POP, &m->total);
}

static double dpdk_mpmc(uint64_t items)
{
	struct dpdk_mq m = {dpdk_make(8, 0), items / 2, 0};
	if (!m.r)
		return BENCH_UNSUPPORTED;
	bench_fn fn[4] = {dpdk_mpmc_p0, dpdk_mpmc_p1, dpdk_mpmc_c, dpdk_mpmc_c};
	double ns = bench_threads(4, fn, &m);
	bench_check("rte_ring mpmc", m.total, bench_expected_sum(2 * m.half));
	free(m.r);
	return ns;
}

const struct bench_peer bench_dpdk = {
    "DPDK rte_ring", "libdpdk-dev", NULL, dpdk_probe, dpdk_spsc, dpdk_round_trip, dpdk_mpmc,
};
#else
const struct bench_peer bench_dpdk = {
    "DPDK rte_ring", "libdpdk-dev", "install libdpdk-dev", NULL, NULL, NULL, NULL,
};
#endif
