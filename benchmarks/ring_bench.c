/*
 * kaal's rings and channels beside the libraries people would otherwise
 * use, and beside the floors they are built on, all measured in one run:
 *
 * - SharedRing SPSC throughput, one element at a time and in bursts;
 * - spin round trip over two SPSC rings, beside one cache line flipped
 *   between two threads and two lines written one each way;
 * - blocking round trip through two kaal channels whose sides sleep,
 *   beside futex, eventfd and pipe round trips;
 * - wakeups per item on a channel with a sleeping consumer and a producer
 *   that never pauses;
 * - MPMC with two producers and two consumers.
 *
 * Threads are pinned to cpu0 and cpu1. Every figure is the median of
 * several runs, the implementations taking turns run by run. One table,
 * each row's ratio against kaal's row of the same workload, then the
 * targets kaal is held to, then a CSV file and, when gnuplot is installed,
 * an SVG chart beside it.
 *
 * Usage: ring-bench [--help] [--runs N] [--only TEXT] [--verbose] [CSV path]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/futex.h>
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <kaal/channel.h>
#include <kaal/host.h>
#include <kaal/ring.h>
#include <kaal/ring_mpmc.h>
#include <kaal/sdk.h>

#include "floors.h"
#include "ring_bench.h"

#define DEFAULT_RUNS 7
#define MAX_RUNS     31

/* Work per timed run, sized for tens of milliseconds each. */
#define SPSC_ITEMS_8   (UINT64_C(1) << 22)
#define SPSC_ITEMS_64  (UINT64_C(1) << 21)
#define SPSC_ITEMS_256 (UINT64_C(1) << 20)
#define SPIN_TRIPS     200000u
#define BLOCKING_TRIPS 2000u
#define MPMC_ITEMS     (UINT64_C(1) << 21)
#define SATURATE_ITEMS (UINT64_C(1) << 20)
#define SATURATE_BURST BENCH_MAX_BURST
/* bench_work() turns per element for the "busy consumer" rows. */
#define BUSY_WORK 32u

static unsigned runs = DEFAULT_RUNS;
static const char *only; /* --only: run just the workloads whose name contains this */
static bool verbose;     /* --verbose: name each run on stderr as it starts */

static bool selected(const char *bench)
{
	return !only || strstr(bench, only);
}

/* ------------------------------------------------------------------ harness */

void bench_yield(void)
{
	sched_yield();
}

void bench_add(uint64_t *total, uint64_t v)
{
	__atomic_fetch_add(total, v, __ATOMIC_RELAXED);
}

void bench_check(const char *who, uint64_t got, uint64_t want)
{
	if (got != want) {
		fprintf(stderr, "ring-bench: %s moved the wrong elements (sum %llu, want %llu)\n",
		        who, (unsigned long long)got, (unsigned long long)want);
		exit(1);
	}
}

void *bench_alloc(size_t size)
{
	size = (size + 127) & ~(size_t)127;
	void *p = aligned_alloc(128, size);
	if (!p) {
		fprintf(stderr, "ring-bench: out of memory\n");
		exit(1);
	}
	memset(p, 0, size);
	return p;
}

struct harness_thread {
	pthread_t pthread;
	bench_fn fn;
	void *arg;
	unsigned cpu;
	uint64_t end;
};

static atomic_uint ready;
static atomic_int go;

static void *harness_body(void *p)
{
	struct harness_thread *t = p;
	bench_pin(t->cpu);
	atomic_fetch_add(&ready, 1);
	while (!atomic_load(&go))
		sched_yield();
	t->fn(t->arg);
	t->end = bench_now_ns();
	return NULL;
}

double bench_threads(unsigned n, const bench_fn *fn, void *arg)
{
	struct harness_thread t[4];
	if (n > 4)
		abort();
	atomic_store(&ready, 0);
	atomic_store(&go, 0);
	for (unsigned i = 0; i < n; i++) {
		t[i].fn = fn[i];
		t[i].arg = arg;
		t[i].cpu = i % 2;
		if (pthread_create(&t[i].pthread, NULL, harness_body, &t[i]) != 0) {
			fprintf(stderr, "ring-bench: pthread_create failed\n");
			exit(1);
		}
	}
	while (atomic_load(&ready) < n)
		sched_yield();
	uint64_t start = bench_now_ns();
	atomic_store(&go, 1);
	uint64_t end = start;
	for (unsigned i = 0; i < n; i++) {
		pthread_join(t[i].pthread, NULL);
		if (t[i].end > end)
			end = t[i].end;
	}
	return (double)(end - start);
}

/* -------------------------------------------------- kaal SharedRing as a peer */

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

static void kaal_ring_pair(struct kaal_spsc *k, unsigned elem_size)
{
	size_t bytes = kaal_ring_bytes(BENCH_CAPACITY, elem_size);
	k->mem = bench_alloc(bytes);
	if (kaal_ring_create(k->mem, bytes, BENCH_CAPACITY, elem_size) != KAAL_OK ||
	    kaal_ring_attach(&k->prod, k->mem, bytes, KAAL_RING_PRODUCER) != KAAL_OK ||
	    kaal_ring_attach(&k->cons, k->mem, bytes, KAAL_RING_CONSUMER) != KAAL_OK) {
		fprintf(stderr, "ring-bench: kaal ring setup failed\n");
		exit(1);
	}
}

static double kaal_spsc_run(unsigned elem_size, unsigned burst, unsigned work, uint64_t items)
{
	struct kaal_spsc k;
	kaal_ring_pair(&k, elem_size);
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
	kaal_ring_pair(&rt.there, 8);
	kaal_ring_pair(&rt.back, 8);
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

static const struct bench_peer bench_kaal = {
    "kaal", "", NULL, NULL, kaal_spsc_run, kaal_round_trip_run, kaal_mpmc_run,
};

#ifndef BENCH_HAVE_CPP
/* Without a C++ compiler the C++ peers cannot be built. */
#define NO_CPP(var, name, package)                                                                 \
	const struct bench_peer var = {name, package, "install g++ " package, NULL, NULL,          \
	                               NULL, NULL}
NO_CPP(bench_boost, "boost spsc_queue", "libboost-dev");
NO_CPP(bench_rwqueue, "moodycamel RWQueue", "libreaderwriterqueue-dev");
NO_CPP(bench_atomic_queue, "atomic_queue", "libatomic-queue-dev");
NO_CPP(bench_concurrentqueue, "moodycamel CQueue*", "libconcurrentqueue-dev");
#endif

static const struct bench_peer *const peers[] = {
    &bench_kaal,
    &bench_ck,
    &bench_dpdk,
    &bench_boost,
    &bench_rwqueue,
    &bench_atomic_queue,
    &bench_concurrentqueue,
};
#define PEER_COUNT (sizeof(peers) / sizeof(peers[0]))

/* Why each peer is not measured in this run, or NULL. */
static const char *skipped[PEER_COUNT];

/* --------------------------------------------------------------- the floors */

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

static double ping_pong_run(uint64_t trips)
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

/* ------------------------------------------------------------ kaal channels */

static const struct kaal_boot_info *bi;
static kaal_cptr next_slot;

static kaal_cptr create(unsigned type, unsigned size_bits)
{
	return bench_create(bi, &next_slot, type, size_bits);
}

/* A kaal thread on cpu1 with its own IPC buffer, running entry(index). */
struct kaal_worker {
	void (*entry)(kaal_word);
	/* On the host the worker runs on a pthread's stack; this one is checked, as on aarch64. */
	_Alignas(16) uint8_t stack[4096];
};

static struct kaal_worker workers[2];

static void worker_main(kaal_word index)
{
	bench_pin(1);
	workers[index].entry(index);
}

static void start_worker(unsigned index, void (*entry)(kaal_word))
{
	kaal_cptr frame = create(KAAL_CAP_FRAME, KAAL_PAGE_BITS);
	kaal_cptr thread = create(KAAL_CAP_THREAD, 0);
	void *ipc;
	if (kaal_map(frame, 0, KAAL_RIGHT_READ | KAAL_RIGHT_WRITE, &ipc) != KAAL_OK ||
	    kaal_thread_configure(thread, bi->root_cnode_cptr, frame, 100) != KAAL_OK) {
		fprintf(stderr, "ring-bench: kaal thread setup failed\n");
		exit(1);
	}
	workers[index].entry = entry;
	struct kaal_worker *w = &workers[index];
	if (kaal_thread_start(thread, worker_main, w->stack + sizeof(w->stack), index, ipc) !=
	    KAAL_OK) {
		fprintf(stderr, "ring-bench: kaal thread start failed\n");
		exit(1);
	}
}

/* A ring for a channel, and the two notifications its sides sleep on. */
struct channel_ring {
	void *mem;
	size_t size;
	kaal_cptr data;  /* the consumer sleeps here */
	kaal_cptr space; /* the producer sleeps here */
};

static struct channel_ring channel_ring(uint32_t capacity)
{
	struct channel_ring r;
	r.size = kaal_ring_bytes(capacity, 8);
	r.mem = bench_alloc(r.size);
	if (kaal_ring_create(r.mem, r.size, capacity, 8) != KAAL_OK) {
		fprintf(stderr, "ring-bench: channel ring setup failed\n");
		exit(1);
	}
	r.data = create(KAAL_CAP_NOTIFICATION, 0);
	r.space = create(KAAL_CAP_NOTIFICATION, 0);
	return r;
}

static void attach(struct kaal_channel *c, struct channel_ring *r, enum kaal_ring_role role,
                   uint32_t spin)
{
	bool producer = role == KAAL_RING_PRODUCER;
	if (kaal_channel_attach(c, r->mem, r->size, role, producer ? r->space : r->data,
	                        producer ? r->data : r->space) != KAAL_OK) {
		fprintf(stderr, "ring-bench: channel attach failed\n");
		exit(1);
	}
	c->spin = spin;
}

/* Blocking round trip: both sides of both channels with spin 0, so every trip sleeps twice. */
static struct channel_ring ping_ring, pong_ring;
static struct kaal_channel ping_out, pong_in;
static uint64_t echo_total;

static void echo_server(kaal_word arg)
{
	(void)arg;
	struct kaal_channel in, out;
	attach(&in, &ping_ring, KAAL_RING_CONSUMER, 0);
	attach(&out, &pong_ring, KAAL_RING_PRODUCER, 0);
	for (uint64_t i = 0; i < echo_total; i++) {
		uint64_t v;
		if (kaal_channel_recv(&in, &v, KAAL_CHANNEL_FOREVER) != KAAL_OK ||
		    kaal_channel_send(&out, &v, KAAL_CHANNEL_FOREVER) != KAAL_OK)
			break;
	}
}

static double channel_round_trip_run(uint64_t trips)
{
	uint64_t sum = 0;
	uint64_t t0 = bench_now_ns();
	for (uint64_t i = 1; i <= trips; i++) {
		uint64_t v;
		if (kaal_channel_send(&ping_out, &i, KAAL_CHANNEL_FOREVER) != KAAL_OK ||
		    kaal_channel_recv(&pong_in, &v, KAAL_CHANNEL_FOREVER) != KAAL_OK)
			break;
		sum += v;
	}
	double ns = (double)(bench_now_ns() - t0);
	bench_check("kaal channel", sum, bench_expected_sum(trips));
	return ns;
}

/*
 * Saturating load: the producer (cpu0) sends without pause through a
 * channel whose consumer (a kaal thread on cpu1) sleeps whenever the ring
 * is empty (spin 0) and drains up to SATURATE_BURST elements per receive.
 */
static struct channel_ring sat_ring;
static struct kaal_channel sat_out;
static atomic_uint sat_done;
static uint64_t sat_sleeps, sat_signals; /* the consumer's counters after each run */
static uint64_t sat_items;

static void saturated_consumer(kaal_word arg)
{
	(void)arg;
	struct kaal_channel in;
	attach(&in, &sat_ring, KAAL_RING_CONSUMER, 0);
	for (unsigned run = 0; run < runs + 1; run++) {
		uint64_t sum = 0;
		for (uint64_t got = 0; got < sat_items;) {
			uint64_t b[SATURATE_BURST];
			size_t done;
			if (kaal_channel_recv_burst(&in, b, SATURATE_BURST, &done,
			                            KAAL_CHANNEL_FOREVER) != KAAL_OK)
				return;
			for (size_t j = 0; j < done; j++)
				sum += b[j];
			got += done;
		}
		bench_check("kaal channel (saturated)", sum, bench_expected_sum(sat_items));
		sat_sleeps = in.sleeps;
		sat_signals = in.signals;
		atomic_store(&sat_done, run + 1);
	}
}

struct saturated {
	double ns;
	double items_per_wakeup;
	double items_per_sleep;
};

static struct saturated saturated_run(unsigned run)
{
	uint64_t sleeps0 = sat_sleeps, signals0 = sat_signals;
	uint64_t psignals0 = sat_out.signals;
	uint64_t t0 = bench_now_ns();
	for (uint64_t i = 1; i <= sat_items; i++)
		if (kaal_channel_send(&sat_out, &i, KAAL_CHANNEL_FOREVER) != KAAL_OK)
			break;
	while (atomic_load(&sat_done) < run + 1)
		sched_yield();
	struct saturated s;
	s.ns = (double)(bench_now_ns() - t0);
	/* Wakeups: signals the producer sent the consumer, and the consumer the producer. */
	double wakeups = (double)(sat_out.signals - psignals0) + (double)(sat_signals - signals0);
	double sleeps = (double)(sat_sleeps - sleeps0);
	s.items_per_wakeup = (double)sat_items / (wakeups > 0 ? wakeups : 1);
	s.items_per_sleep = (double)sat_items / (sleeps > 0 ? sleeps : 1);
	return s;
}

/* ------------------------------------------------------------------ results */

struct row {
	char bench[48];
	char impl[32];
	const char *unit;
	bool floor;         /* a floor measured beside kaal, not a peer */
	double v[MAX_RUNS]; /* per run, in the row's unit */
	unsigned n;
	double median, min, max;
	double ratio;     /* median / kaal's median of the same workload */
	const char *note; /* instead of a value */
};

#define MAX_ROWS 160
static struct row rows[MAX_ROWS];
static unsigned row_count;

static struct row *add_row(const char *bench, const char *impl, const char *unit, bool floor)
{
	if (row_count == MAX_ROWS)
		abort();
	struct row *r = &rows[row_count++];
	memset(r, 0, sizeof(*r));
	snprintf(r->bench, sizeof(r->bench), "%s", bench);
	snprintf(r->impl, sizeof(r->impl), "%s", impl);
	r->unit = unit;
	r->floor = floor;
	return r;
}

static int compare(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static void summarise(struct row *r)
{
	if (r->note || r->n == 0) {
		r->median = r->min = r->max = NAN;
		return;
	}
	double s[MAX_RUNS];
	memcpy(s, r->v, sizeof(double) * r->n);
	qsort(s, r->n, sizeof(double), compare);
	r->min = s[0];
	r->max = s[r->n - 1];
	r->median = r->n % 2 ? s[r->n / 2] : (s[r->n / 2 - 1] + s[r->n / 2]) / 2;
}

/* Ratios against the first row (kaal's) of each workload. */
static void ratios(void)
{
	const struct row *base = NULL;
	for (unsigned i = 0; i < row_count; i++) {
		struct row *r = &rows[i];
		summarise(r);
		if (!base || strcmp(base->bench, r->bench) != 0)
			base = r;
		r->ratio = strcmp(r->unit, base->unit) == 0 ? r->median / base->median : NAN;
	}
}

static const struct row *find(const char *bench, const char *impl)
{
	for (unsigned i = 0; i < row_count; i++)
		if (strcmp(rows[i].bench, bench) == 0 && strcmp(rows[i].impl, impl) == 0)
			return &rows[i];
	return NULL;
}

/* --------------------------------------------------------------- workloads */

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
	struct row *r[PEER_COUNT] = {0};
	if (!selected(bench))
		return;
	for (unsigned p = 0; p < PEER_COUNT; p++) {
		if (skipped[p])
			continue;
		r[p] = add_row(bench, peers[p]->name, unit, false);
		if (run(peers[p], params) < 0) /* the warm-up run says whether it is supported */
			r[p]->note = unsupported;
	}
	for (unsigned i = 0; i < runs; i++)
		for (unsigned p = 0; p < PEER_COUNT; p++)
			if (r[p] && !r[p]->note) {
				if (verbose)
					fprintf(stderr, "\n  %s, %s, run %u", bench, peers[p]->name,
					        i);
				r[p]->v[r[p]->n++] = run(peers[p], params);
			}
	fprintf(stderr, ".");
}

/* Floors and kaal-only workloads: time per operation of a single function. */
static void floor_samples(struct row *r, double (*fn)(uint64_t), uint64_t ops)
{
	fn(ops); /* warm-up */
	for (unsigned i = 0; i < runs; i++)
		r->v[r->n++] = fn(ops) / (double)ops;
}

/* ------------------------------------------------------------------- output */

/* Nanoseconds one bench_work(BUSY_WORK) takes on this machine. */
static double busy_work_ns(void)
{
	uint64_t t0 = bench_now_ns();
	for (unsigned i = 0; i < 1000000; i++)
		bench_work(BUSY_WORK);
	return (double)(bench_now_ns() - t0) / 1e6;
}

/*
 * Other runnable tasks besides this one, averaged over 20 looks at
 * /proc/stat 10 ms apart: anything else running shares the two cpus.
 */
static double others_running(void)
{
	double sum = 0;
	unsigned looks = 0;
	for (unsigned i = 0; i < 20; i++) {
		FILE *f = fopen("/proc/stat", "r");
		if (!f)
			return 0;
		char line[256];
		while (fgets(line, sizeof(line), f)) {
			unsigned running;
			if (sscanf(line, "procs_running %u", &running) == 1) {
				sum += running > 0 ? running - 1 : 0;
				looks++;
			}
		}
		fclose(f);
		struct timespec ten_ms = {0, 10000000};
		nanosleep(&ten_ms, NULL);
	}
	return looks ? sum / looks : 0;
}

static double others_before, others_after;

static void print_table(FILE *out)
{
	fprintf(out,
	        "ring-bench: median of %u runs; threads pinned to cpu0 and cpu1; "
	        "capacity %u elements for every ring\n",
	        runs, BENCH_CAPACITY);
	fprintf(out, "ratio = this row / kaal's row of the same workload (Mops/s, items/wakeup: "
	             "higher is better; ns: lower is better)\n");
	fprintf(out, "busy cons.: the consumer spends %.1f ns of work per element\n",
	        busy_work_ns());
	double others = others_before > others_after ? others_before : others_after;
	if (others > 0.2)
		fprintf(out,
		        "warning: %.1f other tasks were runnable on average before or after "
		        "the run: they share these cpus, expect noise\n",
		        others);
	fputc('\n', out);
	fprintf(out, "%-26s %-28s %12s %-13s %7s   %s\n", "workload", "implementation", "median",
	        "unit", "ratio", "min .. max");
	const char *last = "";
	for (unsigned i = 0; i < row_count; i++) {
		const struct row *r = &rows[i];
		const char *bench = strcmp(last, r->bench) == 0 ? "" : r->bench;
		if (*bench && i)
			fputc('\n', out);
		last = r->bench;
		char impl[40];
		snprintf(impl, sizeof(impl), "%s%s", r->impl, r->floor ? " (floor)" : "");
		if (r->note) {
			fprintf(out, "%-26s %-28s %12s %s\n", bench, impl, "-", r->note);
			continue;
		}
		char ratio[16] = "";
		if (isfinite(r->ratio))
			snprintf(ratio, sizeof(ratio), "%6.2fx", r->ratio);
		fprintf(out, "%-26s %-28s %12.*f %-13s %7s   %.*f .. %.*f\n", bench, impl,
		        r->median < 100 ? 2 : 1, r->median, r->unit, ratio, r->min < 100 ? 2 : 1,
		        r->min, r->max < 100 ? 2 : 1, r->max);
	}
	fputc('\n', out);
	if (find("MPMC 2P2C x 8B", bench_concurrentqueue.name))
		fprintf(out, "* ConcurrentQueue is not bounded: its producers allocate where the "
		             "others find the queue full.\n");
	for (unsigned p = 0; p < PEER_COUNT; p++)
		if (skipped[p])
			fprintf(out, "%s: skipped (%s)\n", peers[p]->name, skipped[p]);
}

static bool write_csv(const char *path)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return false;
	fprintf(f, "workload,implementation,kind,unit,median,min,max,runs,ratio_to_kaal,note\n");
	for (unsigned i = 0; i < row_count; i++) {
		const struct row *r = &rows[i];
		if (r->note) {
			fprintf(f, "%s,%s,%s,%s,,,,0,,%s\n", r->bench, r->impl,
			        r->floor ? "floor" : "implementation", r->unit, r->note);
			continue;
		}
		fprintf(f, "%s,%s,%s,%s,%.4f,%.4f,%.4f,%u,%.4f,\n", r->bench, r->impl,
		        r->floor ? "floor" : "implementation", r->unit, r->median, r->min, r->max,
		        r->n, r->ratio);
	}
	for (unsigned p = 0; p < PEER_COUNT; p++)
		if (skipped[p])
			fprintf(f, ",%s,skipped,,,,,0,,%s\n", peers[p]->name, skipped[p]);
	return fclose(f) == 0;
}

/* A clustered bar chart of every peer's throughput ratio to kaal (kaal = 1). */
static void plot(const char *csv_path)
{
	if (system("command -v gnuplot >/dev/null 2>&1") != 0) {
		printf("chart: skipped (install gnuplot-nox)\n");
		return;
	}
	char base[4096], dat[4200], svg[4200], gp[4200];
	snprintf(base, sizeof(base), "%s", csv_path);
	char *dot = strrchr(base, '.');
	if (dot && !strchr(dot, '/'))
		*dot = 0;
	snprintf(dat, sizeof(dat), "%s.dat", base);
	snprintf(svg, sizeof(svg), "%s.svg", base);
	snprintf(gp, sizeof(gp), "%s.gp", base);
	FILE *f = fopen(dat, "w");
	if (!f)
		return;
	/*
	 * One line per throughput workload (kaal's row is the first of each),
	 * one column per peer with at least one ratio ("?" where it has none).
	 */
	bool plotted[PEER_COUNT] = {false};
	unsigned columns = 1;
	for (unsigned i = 0; i < row_count; i++)
		for (unsigned p = 1; p < PEER_COUNT; p++)
			if (strcmp(rows[i].impl, peers[p]->name) == 0 &&
			    strcmp(rows[i].unit, "Mops/s") == 0 && isfinite(rows[i].ratio) &&
			    !plotted[p]) {
				plotted[p] = true;
				columns++;
			}
	fprintf(f, "workload");
	for (unsigned p = 1; p < PEER_COUNT; p++)
		if (plotted[p])
			fprintf(f, "\t\"%s\"", peers[p]->name);
	fprintf(f, "\n");
	for (unsigned i = 0; i < row_count; i++) {
		const struct row *r = &rows[i];
		if (find(r->bench, "kaal") != r || strcmp(r->unit, "Mops/s") != 0)
			continue;
		fprintf(f, "\"%s\"", r->bench);
		for (unsigned p = 1; p < PEER_COUNT; p++) {
			if (!plotted[p])
				continue;
			const struct row *q = find(r->bench, peers[p]->name);
			if (q && !q->note && isfinite(q->ratio))
				fprintf(f, "\t%.4f", q->ratio);
			else
				fprintf(f, "\t?");
		}
		fprintf(f, "\n");
	}
	fclose(f);
	if (columns == 1)
		return;
	/* The script stays beside the chart, to draw it again or in another format. */
	FILE *g = fopen(gp, "w");
	if (!g)
		return;
	fprintf(g,
	        "set terminal svg size 1200,600 dynamic noenhanced font 'sans,11'\n"
	        "set output '%s'\n"
	        "set title 'Throughput of each peer relative to kaal, same run (kaal = 1; below 1: "
	        "kaal is faster)'\n"
	        "set datafile missing '?'\n"
	        "set style data histogram\n"
	        "set style histogram cluster gap 1\n"
	        "set style fill solid 0.8 border -1\n"
	        "set boxwidth 0.9\n"
	        "set ylabel 'peer Mops/s / kaal Mops/s (log scale)'\n"
	        "set logscale y 2\n"
	        "set yrange [0.0625:32]\n"
	        "set grid ytics\n"
	        "set key outside right top\n"
	        "set xtics rotate by -30\n"
	        "set arrow from graph 0, first 1 to graph 1, first 1 nohead dt 2 lw 2 front\n"
	        "plot for [i=2:%u] '%s' using i:xtic(1) title columnheader(i)\n",
	        svg, columns, dat);
	if (fclose(g) != 0 || !(g = popen("gnuplot", "w")))
		return;
	fprintf(g, "load '%s'\n", gp);
	if (pclose(g) == 0)
		printf("chart: %s\n", svg);
}

/* ------------------------------------------------------------------ targets */

static void target(bool pass, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void target(bool pass, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	printf("%s ", pass ? "PASS" : "MISS");
	vprintf(fmt, ap);
	printf("\n");
	va_end(ap);
}

static void targets(void)
{
	printf("\nTargets (measured in this run, not asserted):\n");
	static const unsigned sizes[] = {8, 64, 256};
	for (unsigned i = 0; i < 3; i++) {
		char bench[48];
		snprintf(bench, sizeof(bench), "SPSC 1 x %uB", sizes[i]);
		const struct row *k = find(bench, "kaal"), *ck = find(bench, bench_ck.name);
		if (k && ck && !ck->note)
			target(k->median >= 1.25 * ck->median,
			       "%s: kaal %.1f Mops/s = %.2fx ck_ring (target >= 1.25x)", bench,
			       k->median, k->median / ck->median);
		else
			printf("---- %s: ck_ring not measured\n", bench);
		const struct row *best = NULL;
		for (unsigned p = 1; p < PEER_COUNT; p++) {
			const struct row *q = find(bench, peers[p]->name);
			if (q && !q->note && (!best || q->median > best->median))
				best = q;
		}
		if (k && best)
			target(k->median >= best->median,
			       "%s: kaal %.1f Mops/s = %.2fx the best peer, %s (target >= 1x)",
			       bench, k->median, k->median / best->median, best->impl);
	}
	const struct row *rt = find("spin round trip", "kaal");
	const struct row *flip_row = find("spin round trip", "cache-line ping-pong");
	if (rt && flip_row)
		target(rt->median <= 1.15 * flip_row->median,
		       "spin round trip: kaal %.1f ns = %.2fx the cache-line ping-pong floor "
		       "(target <= 1.15x)",
		       rt->median, rt->median / flip_row->median);
	const struct row *two_row = find("spin round trip", "two-line ping-pong");
	if (rt && two_row)
		printf("---- spin round trip: kaal %.1f ns = %.2fx the two-line ping-pong floor "
		       "(no target: one line each way, what two rings need at least)\n",
		       rt->median, rt->median / two_row->median);
	const struct row *ipw = find("saturated, sleeping cons.", "kaal");
	if (ipw)
		target(ipw->median >= 32,
		       "sleeping consumer under saturating load: %.1f items per wakeup "
		       "(target >= 32)",
		       ipw->median);
	const struct row *brt = find("blocking round trip", "kaal channel");
	const struct row *fx = find("blocking round trip", "futex");
	if (brt && fx)
		target(brt->median <= 1.1 * fx->median,
		       "blocking round trip: kaal channel %.1f us = %.2fx the raw futex round trip "
		       "(target <= 1.1x)",
		       brt->median / 1e3, brt->median / fx->median);
}

/* Spin round trip, beside one cache line flipped between the same two cpus, and two lines. */
static void spin_round_trips(void)
{
	uint64_t trips = SPIN_TRIPS;
	if (!selected("spin round trip"))
		return;
	peer_workload("spin round trip", "ns", round_trip_one, &trips, "n/a");
	floor_samples(add_row("spin round trip", "cache-line ping-pong", "ns", true), ping_pong_run,
	              SPIN_TRIPS);
	floor_samples(add_row("spin round trip", "two-line ping-pong", "ns", true), two_line_run,
	              SPIN_TRIPS);
}

static void mpmc(void)
{
	uint64_t items = MPMC_ITEMS;
	peer_workload("MPMC 2P2C x 8B", "Mops/s", mpmc_one, &items, "n/a: SPSC only");
}

/* Blocking round trip through two kaal channels, beside the kernel's own. */
static void blocking_round_trips(void)
{
	if (!selected("blocking round trip"))
		return;
	ping_ring = channel_ring(64);
	pong_ring = channel_ring(64);
	attach(&ping_out, &ping_ring, KAAL_RING_PRODUCER, 0);
	attach(&pong_in, &pong_ring, KAAL_RING_CONSUMER, 0);
	echo_total = (uint64_t)(runs + 1) * BLOCKING_TRIPS;
	start_worker(0, echo_server);
	struct row *kc = add_row("blocking round trip", "kaal channel", "ns", false);
	struct row *fx = add_row("blocking round trip", "futex", "ns", true);
	struct row *ev = add_row("blocking round trip", "eventfd", "ns", true);
	struct row *pp = add_row("blocking round trip", "pipe", "ns", true);
	channel_round_trip_run(BLOCKING_TRIPS);
	bench_futex_round_trips(BLOCKING_TRIPS);
	bench_eventfd_round_trips(BLOCKING_TRIPS);
	bench_pipe_round_trips(BLOCKING_TRIPS);
	for (unsigned i = 0; i < runs; i++) {
		kc->v[kc->n++] = channel_round_trip_run(BLOCKING_TRIPS) / BLOCKING_TRIPS;
		fx->v[fx->n++] = bench_futex_round_trips(BLOCKING_TRIPS) / BLOCKING_TRIPS;
		ev->v[ev->n++] = bench_eventfd_round_trips(BLOCKING_TRIPS) / BLOCKING_TRIPS;
		pp->v[pp->n++] = bench_pipe_round_trips(BLOCKING_TRIPS) / BLOCKING_TRIPS;
	}
	fprintf(stderr, ".");
}

/* A sleeping consumer under saturating load. */
static void sleeping_consumer(void)
{
	if (!selected("saturated, sleeping cons."))
		return;
	sat_items = SATURATE_ITEMS;
	sat_ring = channel_ring(BENCH_CAPACITY);
	attach(&sat_out, &sat_ring, KAAL_RING_PRODUCER, KAAL_CHANNEL_SPIN);
	start_worker(1, saturated_consumer);
	struct row *ipw = add_row("saturated, sleeping cons.", "kaal", "items/wakeup", false);
	struct row *ips = add_row("saturated, sleeping cons.", "kaal", "items/sleep", false);
	struct row *tp = add_row("saturated, sleeping cons.", "kaal", "Mops/s", false);
	saturated_run(0);
	for (unsigned i = 0; i < runs; i++) {
		struct saturated s = saturated_run(i + 1);
		ipw->v[ipw->n++] = s.items_per_wakeup;
		ips->v[ips->n++] = s.items_per_sleep;
		tp->v[tp->n++] = (double)sat_items / s.ns * 1e3;
	}
	fprintf(stderr, ".");
}

/* --------------------------------------------------------------------- main */

int main(int argc, char **argv)
{
	const char *csv = "ring_bench.csv";
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0) {
			printf("usage: ring-bench [--runs N] [--only TEXT] [--verbose] [CSV path]\n"
			       "  --runs N     timed runs per figure (default %d, at most %d)\n"
			       "  --only TEXT  only the workloads whose name contains TEXT\n"
			       "  --verbose    name each run on stderr as it starts\n"
			       "  CSV path     where the CSV goes (default ring_bench.csv); the\n"
			       "               chart goes beside it (.svg, .dat, .gp)\n",
			       DEFAULT_RUNS, MAX_RUNS);
			return 0;
		} else if (strcmp(argv[i], "--only") == 0 && i + 1 < argc) {
			only = argv[++i];
		} else if (strcmp(argv[i], "--verbose") == 0) {
			verbose = true;
		} else if (strcmp(argv[i], "--runs") == 0 && i + 1 < argc) {
			runs = (unsigned)atoi(argv[++i]);
			if (runs < 1 || runs > MAX_RUNS) {
				fprintf(stderr, "ring-bench: --runs takes 1 to %d\n", MAX_RUNS);
				return 2;
			}
		} else {
			csv = argv[i];
		}
	}
	for (unsigned p = 0; p < PEER_COUNT; p++)
		skipped[p] = peers[p]->skipped ? peers[p]->skipped
		             : peers[p]->probe ? peers[p]->probe()
		                               : NULL;
	others_before = others_running();
	bench_pin(0);
	if (kaal_host_boot(NULL, &bi) != KAAL_OK) {
		fprintf(stderr, "ring-bench: kaal_host_boot failed\n");
		return 1;
	}
	next_slot = bi->first_free_slot;
	fprintf(stderr, "ring-bench: measuring (%u runs each)", runs);

	/* SharedRing SPSC throughput. */
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
		struct spsc_params sp = {sizes[s], 1, BUSY_WORK, items[s]};
		char bench[48];
		snprintf(bench, sizeof(bench), "SPSC 1 x %uB, busy cons.", sizes[s]);
		peer_workload(bench, "Mops/s", spsc_one, &sp, "n/a");
	}

	spin_round_trips();
	mpmc();
	blocking_round_trips();
	sleeping_consumer();
	others_after = others_running();
	fprintf(stderr, " done\n");

	ratios();

	print_table(stdout);
	targets();
	if (write_csv(csv))
		printf("\ncsv: %s\n", csv);
	else
		printf("\ncsv: cannot write %s: %s\n", csv, strerror(errno));
	plot(csv);
	fflush(stdout);
	return kaal_host_shutdown() == KAAL_OK ? 0 : 1;
}
