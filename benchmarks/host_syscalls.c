/*
 * Host backend system call costs beside the floors they are built on:
 * an uncontended mutex (every kaal entry takes the kernel lock) and a
 * futex and pipe ping-pong between two threads (a blocking kaal round trip
 * blocks once per side: with the block poll it may not sleep in the OS, so
 * a futex polled as long stands beside it). Threads are pinned to cpu0 and
 * cpu1; each figure is the median of several runs.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include <kaal/host.h>
#include <kaal/sdk.h>

#include "floors.h"

#define RUNS        7
#define FAST_OPS    200000
#define ROUND_TRIPS 20000
/* The call round trip is measured with the block poll and without. */
#define CALL_RUNS 2

static const struct kaal_boot_info *bi;
static kaal_cptr next_slot;

static int compare(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Median over RUNS of the ns per operation that run() reports. */
static double median(double (*run)(void))
{
	double v[RUNS];
	for (int i = 0; i < RUNS; i++)
		v[i] = run();
	qsort(v, RUNS, sizeof(v[0]), compare);
	return v[RUNS / 2];
}

static double mutex_pair(void)
{
	pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
	uint64_t t0 = bench_now_ns();
	for (int i = 0; i < FAST_OPS; i++) {
		pthread_mutex_lock(&m);
		pthread_mutex_unlock(&m);
	}
	return (double)(bench_now_ns() - t0) / FAST_OPS;
}

static double null_syscall(void)
{
	uint64_t t0 = bench_now_ns();
	for (int i = 0; i < FAST_OPS; i++)
		kaal_yield();
	return (double)(bench_now_ns() - t0) / FAST_OPS;
}

static kaal_cptr ntfn;

static double signal_poll(void)
{
	kaal_word bits;
	uint64_t t0 = bench_now_ns();
	for (int i = 0; i < FAST_OPS; i++) {
		kaal_signal(ntfn, 1);
		kaal_poll(ntfn, &bits);
	}
	return (double)(bench_now_ns() - t0) / FAST_OPS;
}

static double futex_round_trip(void)
{
	return bench_futex_round_trips(ROUND_TRIPS, 0) / ROUND_TRIPS;
}

static double polled_futex_round_trip(void)
{
	return bench_futex_round_trips(ROUND_TRIPS, kaal_host_block_poll()) / ROUND_TRIPS;
}

static double pipe_round_trip(void)
{
	return bench_pipe_round_trips(ROUND_TRIPS) / ROUND_TRIPS;
}

/* kaal call/reply between two threads: the server answers ROUND_TRIPS calls per run. */
static kaal_cptr ep;
/* On the host the server runs on a pthread's stack; this one is checked, as on aarch64. */
static _Alignas(16) uint8_t server_stack[4096];

static void server(kaal_word arg)
{
	(void)arg;
	bench_pin(1);
	struct kaal_msg m;
	kaal_recv(ep, &m);
	for (int i = 1; i < CALL_RUNS * RUNS * ROUND_TRIPS; i++)
		kaal_reply_recv(ep, &m);
	kaal_reply(&m);
}

static double call_round_trip(void)
{
	struct kaal_msg m = {kaal_msg_info(0, 1, 0), {0, 0, 0, 0}, 0};
	uint64_t t0 = bench_now_ns();
	for (int i = 0; i < ROUND_TRIPS; i++)
		kaal_call(ep, &m);
	return (double)(bench_now_ns() - t0) / ROUND_TRIPS;
}

/* The same with every block sleeping in the OS (both sides: the poll is the host's). */
static double call_round_trip_without_poll(void)
{
	uint64_t poll = kaal_host_block_poll();
	kaal_host_set_block_poll(0);
	double ns = call_round_trip();
	kaal_host_set_block_poll(poll);
	return ns;
}

static kaal_cptr create(unsigned type, unsigned size_bits)
{
	return bench_create(bi, &next_slot, type, size_bits);
}

static void row(const char *name, double ns, double floor, const char *floor_name)
{
	printf("%-34s %10.1f ns   %6.2fx %s\n", name, ns, ns / floor, floor_name);
}

int main(void)
{
	bench_pin(0);
	if (kaal_host_boot(NULL, &bi) != KAAL_OK)
		return 1;
	next_slot = bi->first_free_slot;
	ntfn = create(KAAL_CAP_NOTIFICATION, 0);
	ep = create(KAAL_CAP_ENDPOINT, 0);
	kaal_cptr frame = create(KAAL_CAP_FRAME, KAAL_PAGE_BITS);
	kaal_cptr thread = create(KAAL_CAP_THREAD, 0);
	void *ipc;
	if (kaal_map(frame, 0, KAAL_RIGHT_READ | KAAL_RIGHT_WRITE, &ipc) != KAAL_OK ||
	    kaal_thread_configure(thread, bi->root_cnode_cptr, frame, 100) != KAAL_OK)
		return 1;

	double mutex = median(mutex_pair);
	double futex = median(futex_round_trip);
	double polled = median(polled_futex_round_trip);
	double pipe_rt = median(pipe_round_trip);
	double null_sc = median(null_syscall);
	double sig = median(signal_poll);
	if (kaal_thread_start(thread, server, server_stack + sizeof(server_stack), 0, ipc) !=
	    KAAL_OK)
		return 1;
	double call = median(call_round_trip);
	double call_without_poll = median(call_round_trip_without_poll);

	printf("kaal host backend, median of %d runs (ratio against the floor named)\n", RUNS);
	printf("%-34s %13s   %s\n", "operation", "time", "ratio");
	row("mutex lock+unlock (floor)", mutex, mutex, "mutex");
	row("kaal null syscall (yield)", null_sc, mutex, "mutex");
	row("kaal signal + poll", sig, mutex, "mutex");
	row("futex ping-pong round trip (floor)", futex, futex, "futex");
	row("futex polled as kaal (floor)", polled, polled, "polled futex");
	row("pipe ping-pong round trip", pipe_rt, futex, "futex");
	row("kaal call + reply round trip", call, polled, "polled futex");
	row("kaal call + reply, no block poll", call_without_poll, futex, "futex");
	return kaal_host_shutdown() == KAAL_OK ? 0 : 1;
}
