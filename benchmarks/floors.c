/*
 * Floors the benchmarks measure beside kaal: what any implementation of a
 * blocking round trip between two threads costs at least on this machine.
 */
#define _GNU_SOURCE
#include <linux/futex.h>
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <kaal/atomic.h>
#include <kaal/sdk.h>

#include "floors.h"

uint64_t bench_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void bench_pin(unsigned cpu)
{
	cpu_set_t set;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

/*
 * Blocking floors: the calling thread (cpu0) and a pthread on cpu1 wake
 * each other trips times through a futex, a pair of eventfds or a pair of
 * pipes. Each side waits in the kernel on every trip; it sleeps there
 * unless the peer's answer came first.
 */
static _Atomic uint32_t futex_word;
static uint64_t blocking_trips;
/*
 * The polled futex: each side watches the word this long before it waits
 * on the futex, and a side wakes the futex only when its peer said it
 * waits there (futex_sleepers), as kaal's host kernel does.
 */
static uint64_t futex_poll_ns;
static _Atomic uint32_t futex_sleepers;

static void futex_wait_for(uint32_t value)
{
	if (futex_poll_ns) {
		uint64_t end = bench_now_ns() + futex_poll_ns;
		while (atomic_load(&futex_word) != value && bench_now_ns() < end)
			kaal_cpu_relax();
	}
	uint32_t seen;
	while ((seen = atomic_load(&futex_word)) != value) {
		/* The raw floor keeps no count: its waker always wakes the futex. */
		if (!futex_poll_ns) {
			syscall(SYS_futex, &futex_word, FUTEX_WAIT_PRIVATE, seen, NULL, NULL, 0);
			continue;
		}
		atomic_fetch_add(&futex_sleepers, 1);
		if (atomic_load(&futex_word) == seen)
			syscall(SYS_futex, &futex_word, FUTEX_WAIT_PRIVATE, seen, NULL, NULL, 0);
		atomic_fetch_sub(&futex_sleepers, 1);
	}
}

static void futex_set(uint32_t value)
{
	atomic_store(&futex_word, value);
	if (!futex_poll_ns || atomic_load(&futex_sleepers) != 0)
		syscall(SYS_futex, &futex_word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

static void *futex_peer(void *arg)
{
	(void)arg;
	bench_pin(1);
	for (uint32_t i = 0; i < blocking_trips; i++) {
		futex_wait_for(2 * i + 1);
		futex_set(2 * i + 2);
	}
	return NULL;
}

double bench_futex_round_trips(uint64_t trips, uint64_t poll_ns)
{
	pthread_t peer;
	atomic_store(&futex_word, 0);
	atomic_store(&futex_sleepers, 0);
	futex_poll_ns = poll_ns;
	blocking_trips = trips;
	pthread_create(&peer, NULL, futex_peer, NULL);
	uint64_t t0 = bench_now_ns();
	for (uint32_t i = 0; i < trips; i++) {
		futex_set(2 * i + 1);
		futex_wait_for(2 * i + 2);
	}
	uint64_t t = bench_now_ns() - t0;
	pthread_join(peer, NULL);
	return (double)t;
}

static int fds[2][2]; /* [0]: to the peer, [1]: back; [i][0] read end, [i][1] write end */
static bool fds_are_eventfds;

static bool fd_send(int fd)
{
	if (fds_are_eventfds) {
		uint64_t one = 1;
		return write(fd, &one, sizeof(one)) == sizeof(one);
	}
	char c = 'x';
	return write(fd, &c, 1) == 1;
}

static bool fd_recv(int fd)
{
	if (fds_are_eventfds) {
		uint64_t v;
		return read(fd, &v, sizeof(v)) == sizeof(v);
	}
	char c;
	return read(fd, &c, 1) == 1;
}

static void *fd_peer(void *arg)
{
	(void)arg;
	bench_pin(1);
	for (uint64_t i = 0; i < blocking_trips; i++)
		if (!fd_recv(fds[0][0]) || !fd_send(fds[1][1]))
			break;
	return NULL;
}

static double fd_run(uint64_t trips, bool eventfds)
{
	fds_are_eventfds = eventfds;
	for (int i = 0; i < 2; i++) {
		if (eventfds) {
			fds[i][0] = fds[i][1] = eventfd(0, EFD_CLOEXEC);
			if (fds[i][0] < 0)
				return NAN;
		} else if (pipe(fds[i]) != 0) {
			return NAN;
		}
	}
	blocking_trips = trips;
	pthread_t peer;
	pthread_create(&peer, NULL, fd_peer, NULL);
	uint64_t t0 = bench_now_ns();
	for (uint64_t i = 0; i < trips; i++)
		if (!fd_send(fds[0][1]) || !fd_recv(fds[1][0]))
			break;
	uint64_t t = bench_now_ns() - t0;
	pthread_join(peer, NULL);
	for (int i = 0; i < 2; i++) {
		close(fds[i][0]);
		if (!eventfds)
			close(fds[i][1]);
	}
	return (double)t;
}

double bench_eventfd_round_trips(uint64_t trips)
{
	return fd_run(trips, true);
}

double bench_pipe_round_trips(uint64_t trips)
{
	return fd_run(trips, false);
}

kaal_cptr bench_create(const struct kaal_boot_info *bi, kaal_cptr *next_slot, unsigned type,
                       unsigned size_bits)
{
	uint32_t best = 0;
	for (uint32_t i = 1; i < bi->untyped_count; i++)
		if (bi->untyped[i].size_bits > bi->untyped[best].size_bits)
			best = i;
	kaal_cptr slot = (*next_slot)++;
	if (kaal_untyped_retype(bi->untyped[best].cptr, type, size_bits, 1,
	                        kaal_root_slot(bi->root_cnode_cptr, bi->root_cnode_cptr), slot,
	                        NULL) != KAAL_OK) {
		fprintf(stderr, "benchmark: retype failed\n");
		exit(1);
	}
	return slot;
}
