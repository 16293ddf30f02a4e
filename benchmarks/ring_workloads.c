/*
 * The workloads every peer runs (SPSC, spin round trip, MPMC), with the
 * peers taking turns run by run, and the spin floors measured beside them.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "ring_run.h"

/* Work per timed run, sized for tens of milliseconds each. */
#define SPSC_ITEMS_8   (UINT64_C(1) << 22)
#define SPSC_ITEMS_64  (UINT64_C(1) << 21)
#define SPSC_ITEMS_256 (UINT64_C(1) << 20)
#define SPIN_TRIPS     200000u
#define MPMC_ITEMS     (UINT64_C(1) << 21)

bool bench_selected(const char *bench)
{
	return !bench_options.only || strstr(bench, bench_options.only);
}

typedef double (*one_run)(const struct bench_peer *p, const void *params);

struct spsc_params {
	unsigned elem_size, burst, work;
	uint64_t items;
};

static double spsc_one(const struct bench_peer *p, const void *params)
{
	const struct spsc_params *s = params;
	if (!p->spsc)
		return BENCH_UNSUPPORTED;
	double ns = p->spsc(s->elem_size, s->burst, s->work, s->items);
	return ns < 0 ? ns : (double)s->items / ns * 1e3; /* Mops/s */
}

static double round_trip_one(const struct bench_peer *p, const void *params)
{
	uint64_t trips = *(const uint64_t *)params;
	if (!p->round_trip)
		return BENCH_UNSUPPORTED;
	double ns = p->round_trip(trips);
	return ns < 0 ? ns : ns / (double)trips;
}

static double mpmc_one(const struct bench_peer *p, const void *params)
{
	uint64_t items = *(const uint64_t *)params;
	if (!p->mpmc)
		return BENCH_UNSUPPORTED;
	double ns = p->mpmc(items);
	return ns < 0 ? ns : (double)items / ns * 1e3;
}

/*
 * One workload for every usable peer: a warm-up run each, then runs runs
 * with the peers taking turns, so drift on the machine hits them alike.
 */
static void peer_workload(const char *bench, const char *unit, one_run run, const void *params,
                          const char *unsupported)
{
	struct bench_row *r[BENCH_PEER_COUNT] = {0};
	if (!bench_selected(bench))
		return;
	for (unsigned p = 0; p < BENCH_PEER_COUNT; p++) {
		if (bench_skipped[p])
			continue;
		r[p] = bench_add_row(bench, bench_peers[p]->name, unit, false);
		if (run(bench_peers[p], params) <
		    0) /* the warm-up run says whether it is supported */
			r[p]->note = unsupported;
	}
	for (unsigned i = 0; i < bench_options.runs; i++)
		for (unsigned p = 0; p < BENCH_PEER_COUNT; p++)
			if (r[p] && !r[p]->note) {
				if (bench_options.verbose)
					fprintf(stderr, "\n  %s, %s, run %u", bench,
					        bench_peers[p]->name, i);
				r[p]->v[r[p]->n++] = run(bench_peers[p], params);
			}
	fprintf(stderr, ".");
}

/* Floors and kaal-only workloads: time per operation of a single function. */
static void floor_samples(struct bench_row *r, double (*fn)(uint64_t), uint64_t ops)
{
	fn(ops); /* warm-up */
	for (unsigned i = 0; i < bench_options.runs; i++)
		r->v[r->n++] = fn(ops) / (double)ops;
}

/* One cache line flipped between two threads: the least a spin round trip costs. */
static _Alignas(128) atomic_uint_fast64_t flip;
static uint64_t flip_trips;

static void flip_ping(void *arg)
{
	(void)arg;
	for (uint64_t i = 0; i < flip_trips; i++) {
		atomic_store_explicit(&flip, 2 * i + 1, memory_order_release);
		while (atomic_load_explicit(&flip, memory_order_acquire) != 2 * i + 2) {
		}
	}
}

static void flip_pong(void *arg)
{
	(void)arg;
	for (uint64_t i = 0; i < flip_trips; i++) {
		while (atomic_load_explicit(&flip, memory_order_acquire) != 2 * i + 1) {
		}
		atomic_store_explicit(&flip, 2 * i + 2, memory_order_release);
	}
}

double bench_one_line_round_trips(uint64_t trips)
{
	atomic_store(&flip, 0);
	flip_trips = trips;
	return bench_pair(flip_ping, flip_pong, NULL);
}

/*
 * One cache line each way, as a round trip over two rings needs at least:
 * ping writes there and waits for back, pong waits for there and writes
 * back. Nothing else shares the two lines.
 */
static _Alignas(128) atomic_uint_fast64_t flip_there;
static _Alignas(128) atomic_uint_fast64_t flip_back;

static void two_line_ping(void *arg)
{
	(void)arg;
	for (uint64_t i = 1; i <= flip_trips; i++) {
		atomic_store_explicit(&flip_there, i, memory_order_release);
		while (atomic_load_explicit(&flip_back, memory_order_acquire) != i) {
		}
	}
}

static void two_line_pong(void *arg)
{
	(void)arg;
	for (uint64_t i = 1; i <= flip_trips; i++) {
		while (atomic_load_explicit(&flip_there, memory_order_acquire) != i) {
		}
		atomic_store_explicit(&flip_back, i, memory_order_release);
	}
}

static double two_line_run(uint64_t trips)
{
	atomic_store(&flip_there, 0);
	atomic_store(&flip_back, 0);
	flip_trips = trips;
	return bench_pair(two_line_ping, two_line_pong, NULL);
}

void bench_spsc(void)
{
	static const unsigned sizes[] = {8, 64, 256};
	static const uint64_t items[] = {SPSC_ITEMS_8, SPSC_ITEMS_64, SPSC_ITEMS_256};
	static const unsigned bursts[] = {1, 8, 32};
	for (unsigned b = 0; b < 3; b++) {
		for (unsigned s = 0; s < 3; s++) {
			struct spsc_params sp = {sizes[s], bursts[b], 0, items[s]};
			char bench[48];
			snprintf(bench, sizeof(bench), "SPSC %u x %uB", bursts[b], sizes[s]);
			peer_workload(bench, "Mops/s", spsc_one, &sp, "n/a: no burst API");
		}
	}
	/* The same with a consumer that does some work per element, as real ones do. */
	for (unsigned s = 0; s < 2; s++) {
		struct spsc_params sp = {sizes[s], 1, BENCH_BUSY_WORK, items[s]};
		char bench[48];
		snprintf(bench, sizeof(bench), "SPSC 1 x %uB, busy cons.", sizes[s]);
		peer_workload(bench, "Mops/s", spsc_one, &sp, "n/a");
	}
}

void bench_spin_round_trips(void)
{
	uint64_t trips = SPIN_TRIPS;
	if (!bench_selected("spin round trip"))
		return;
	peer_workload("spin round trip", "ns", round_trip_one, &trips, "n/a");
	floor_samples(bench_add_row("spin round trip", "cache-line ping-pong", "ns", true),
	              bench_one_line_round_trips, SPIN_TRIPS);
	floor_samples(bench_add_row("spin round trip", "two-line ping-pong", "ns", true),
	              two_line_run, SPIN_TRIPS);
}

void bench_mpmc(void)
{
	uint64_t items = MPMC_ITEMS;
	peer_workload("MPMC 2P2C x 8B", "Mops/s", mpmc_one, &items, "n/a: SPSC only");
}
