/*
 * kaal's channels and call slot, measured on a booted host system: a
 * blocking round trip beside the kernel's futex, eventfd and pipe, and a
 * sleeping consumer under saturating load.
 */
#define _GNU_SOURCE
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

#include <kaal/call_slot.h>
#include <kaal/channel.h>
#include <kaal/host.h>
#include <kaal/sdk.h>

#include "floors.h"
#include "ring_run.h"

#define BLOCKING_TRIPS 2000u
#define SATURATE_ITEMS (UINT64_C(1) << 20)
#define SATURATE_BURST BENCH_MAX_BURST

static const struct kaal_boot_info *bi;
static kaal_cptr next_slot;

void bench_channels_init(const struct kaal_boot_info *booted)
{
	bi = booted;
	next_slot = bi->first_free_slot;
}

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

/* The channel's echo server, the saturated consumer, the call slot's server. */
static struct kaal_worker workers[3];

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

/*
 * Blocking round trip: both sides of both channels with spin 0, so every
 * trip blocks twice in the kernel; with the host's block poll a block ends
 * without an OS sleep when the answer comes within it.
 */
static struct channel_ring ping_ring, pong_ring;
static struct kaal_channel ping_out, pong_in;
static uint64_t echo_total; /* calls the channel's echo server answers */
static uint64_t slot_total; /* calls the call slot's server answers */

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

/* The same round trip through a call slot whose sides sleep on every trip. */
static void *slot_mem;
static kaal_cptr slot_client_ntfn, slot_server_ntfn;
static struct kaal_call_slot slot_client;

static void attach_slot(struct kaal_call_slot *h, enum kaal_call_slot_role role)
{
	bool client = role == KAAL_CALL_SLOT_CLIENT;
	if (kaal_call_slot_attach(h, slot_mem, KAAL_CALL_SLOT_LINE, role,
	                          client ? slot_client_ntfn : slot_server_ntfn,
	                          client ? slot_server_ntfn : slot_client_ntfn) != KAAL_OK) {
		fprintf(stderr, "ring-bench: call slot attach failed\n");
		exit(1);
	}
	h->spin = 0;
}

static void slot_server(kaal_word arg)
{
	(void)arg;
	struct kaal_call_slot h;
	attach_slot(&h, KAAL_CALL_SLOT_SERVER);
	bench_call_slot_serve(&h, slot_total);
}

static double slot_round_trip_run(uint64_t trips)
{
	uint64_t t0 = bench_now_ns();
	uint64_t sum = bench_call_slot_calls(&slot_client, trips);
	double ns = (double)(bench_now_ns() - t0);
	bench_check("kaal call slot", sum, bench_expected_sum(trips));
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
	for (unsigned run = 0; run < bench_options.runs + 1; run++) {
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

void bench_blocking_round_trips(void)
{
	if (!bench_selected("blocking round trip"))
		return;
	ping_ring = channel_ring(64);
	pong_ring = channel_ring(64);
	attach(&ping_out, &ping_ring, KAAL_RING_PRODUCER, 0);
	attach(&pong_in, &pong_ring, KAAL_RING_CONSUMER, 0);
	/* The warm-up trips, then each run's: the channel's with and without the block poll. */
	echo_total = (uint64_t)(2 * bench_options.runs + 1) * BLOCKING_TRIPS;
	slot_total = (uint64_t)(bench_options.runs + 1) * BLOCKING_TRIPS;
	start_worker(0, echo_server);
	slot_mem = bench_alloc(KAAL_CALL_SLOT_LINE);
	slot_client_ntfn = create(KAAL_CAP_NOTIFICATION, 0);
	slot_server_ntfn = create(KAAL_CAP_NOTIFICATION, 0);
	if (kaal_call_slot_create(slot_mem, KAAL_CALL_SLOT_LINE) != KAAL_OK) {
		fprintf(stderr, "ring-bench: call slot setup failed\n");
		exit(1);
	}
	attach_slot(&slot_client, KAAL_CALL_SLOT_CLIENT);
	start_worker(2, slot_server);
	struct bench_row *kc = bench_add_row("blocking round trip", "kaal channel", "ns", false);
	struct bench_row *kn =
	    bench_add_row("blocking round trip", BENCH_NO_POLL_CHANNEL, "ns", false);
	struct bench_row *ko =
	    bench_add_row("blocking round trip", BENCH_CHANNEL_OS_SLEEPS, "sleeps/trip", false);
	struct bench_row *ks = bench_add_row("blocking round trip", "kaal call slot", "ns", false);
	struct bench_row *fx = bench_add_row("blocking round trip", "futex", "ns", true);
	struct bench_row *fp = bench_add_row("blocking round trip", BENCH_POLLED_FUTEX, "ns", true);
	struct bench_row *ev = bench_add_row("blocking round trip", "eventfd", "ns", true);
	struct bench_row *pp = bench_add_row("blocking round trip", "pipe", "ns", true);
	/* The polled futex watches as long as the host kernel's block poll. */
	uint64_t poll = kaal_host_block_poll();
	channel_round_trip_run(BLOCKING_TRIPS);
	slot_round_trip_run(BLOCKING_TRIPS);
	bench_futex_round_trips(BLOCKING_TRIPS, 0);
	bench_futex_round_trips(BLOCKING_TRIPS, poll);
	bench_eventfd_round_trips(BLOCKING_TRIPS);
	bench_pipe_round_trips(BLOCKING_TRIPS);
	for (unsigned i = 0; i < bench_options.runs; i++) {
		uint64_t sleeps = kaal_host_os_sleeps();
		kc->v[kc->n++] = channel_round_trip_run(BLOCKING_TRIPS) / BLOCKING_TRIPS;
		ko->v[ko->n++] = (double)(kaal_host_os_sleeps() - sleeps) / BLOCKING_TRIPS;
		kaal_host_set_block_poll(0);
		kn->v[kn->n++] = channel_round_trip_run(BLOCKING_TRIPS) / BLOCKING_TRIPS;
		kaal_host_set_block_poll(poll);
		ks->v[ks->n++] = slot_round_trip_run(BLOCKING_TRIPS) / BLOCKING_TRIPS;
		fx->v[fx->n++] = bench_futex_round_trips(BLOCKING_TRIPS, 0) / BLOCKING_TRIPS;
		fp->v[fp->n++] = bench_futex_round_trips(BLOCKING_TRIPS, poll) / BLOCKING_TRIPS;
		ev->v[ev->n++] = bench_eventfd_round_trips(BLOCKING_TRIPS) / BLOCKING_TRIPS;
		pp->v[pp->n++] = bench_pipe_round_trips(BLOCKING_TRIPS) / BLOCKING_TRIPS;
	}
	fprintf(stderr, ".");
}

void bench_sleeping_consumer(void)
{
	if (!bench_selected("saturated, sleeping cons."))
		return;
	sat_items = SATURATE_ITEMS;
	sat_ring = channel_ring(BENCH_CAPACITY);
	attach(&sat_out, &sat_ring, KAAL_RING_PRODUCER, KAAL_CHANNEL_SPIN);
	start_worker(1, saturated_consumer);
	struct bench_row *ipw =
	    bench_add_row("saturated, sleeping cons.", "kaal", "items/wakeup", false);
	struct bench_row *ips =
	    bench_add_row("saturated, sleeping cons.", "kaal", "items/sleep", false);
	struct bench_row *tp = bench_add_row("saturated, sleeping cons.", "kaal", "Mops/s", false);
	saturated_run(0);
	for (unsigned i = 0; i < bench_options.runs; i++) {
		struct saturated s = saturated_run(i + 1);
		ipw->v[ipw->n++] = s.items_per_wakeup;
		ips->v[ips->n++] = s.items_per_sleep;
		tp->v[tp->n++] = (double)sat_items / s.ns * 1e3;
	}
	fprintf(stderr, ".");
}
