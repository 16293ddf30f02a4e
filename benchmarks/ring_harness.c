/*
 * The harness every implementation runs on (ring_bench.h): threads pinned
 * and released together, checked sums, aligned memory.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "floors.h"
#include "ring_bench.h"

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
