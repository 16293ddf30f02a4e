/* SharedRing MPMC: geometry checks, FIFO order, hostile peers, many threads. */
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#include <kaal/ring_mpmc.h>

static struct harness_fenced fenced_queue(uint32_t capacity, uint32_t elem_size)
{
	struct harness_fenced f = harness_fenced(kaal_mpmc_bytes(capacity, elem_size));
	assert_status(KAAL_OK, kaal_mpmc_create(f.mem, f.size, capacity, elem_size));
	return f;
}

static void geometry_and_attach(void **state)
{
	(void)state;
	assert_int_equal(0, kaal_mpmc_bytes(6, 8));
	assert_int_equal(0, kaal_mpmc_bytes(8, 0));
	assert_int_equal(KAAL_RING_DATA_OFFSET + 8 * 16, kaal_mpmc_bytes(8, 5));
	struct harness_fenced f = fenced_queue(8, 12);
	struct kaal_mpmc q;
	struct kaal_mpmc_header *hdr = f.mem;
	struct kaal_mpmc_header good = *hdr;
	assert_status(KAAL_INVALID_ARGUMENT, kaal_mpmc_create(f.mem, 10, 8, 12));
	hdr->magic = KAAL_RING_MAGIC; /* an SPSC ring is not an MPMC ring */
	assert_status(KAAL_CORRUPT_RING, kaal_mpmc_attach(&q, f.mem, f.size));
	*hdr = good;
	hdr->slot_stride = 8;
	assert_status(KAAL_CORRUPT_RING, kaal_mpmc_attach(&q, f.mem, f.size));
	*hdr = good;
	hdr->capacity = 16;
	assert_status(KAAL_CORRUPT_RING, kaal_mpmc_attach(&q, f.mem, f.size));
	*hdr = good;
	assert_status(KAAL_CORRUPT_RING, kaal_mpmc_attach(&q, f.mem, f.size - 8));
	assert_status(KAAL_OK, kaal_mpmc_attach(&q, f.mem, f.size));
	harness_assert_fences_intact(&f);
	free(f.block);
}

static void fifo_full_and_empty(void **state)
{
	(void)state;
	struct harness_fenced f = fenced_queue(4, sizeof(uint32_t));
	struct kaal_mpmc q;
	assert_status(KAAL_OK, kaal_mpmc_attach(&q, f.mem, f.size));
	uint32_t v;
	assert_status(KAAL_WOULD_BLOCK, kaal_mpmc_pop(&q, &v));
	for (uint32_t round = 0; round < 3; round++) {
		for (uint32_t i = 0; i < 4; i++) {
			v = round * 10 + i;
			assert_status(KAAL_OK, kaal_mpmc_push(&q, &v));
		}
		assert_status(KAAL_WOULD_BLOCK, kaal_mpmc_push(&q, &v));
		for (uint32_t i = 0; i < 4; i++) {
			assert_status(KAAL_OK, kaal_mpmc_pop(&q, &v));
			assert_int_equal(round * 10 + i, v);
		}
		assert_status(KAAL_WOULD_BLOCK, kaal_mpmc_pop(&q, &v));
	}
	harness_assert_fences_intact(&f);
	free(f.block);
}

static void hostile_positions_stay_in_bounds(void **state)
{
	(void)state;
	struct harness_fenced f = fenced_queue(8, 24);
	struct kaal_mpmc q;
	struct kaal_mpmc_header *hdr = f.mem;
	assert_status(KAAL_OK, kaal_mpmc_attach(&q, f.mem, f.size));
	uint8_t elem[24] = {7};
	const uint64_t garbage[] = {UINT64_MAX, 12345, UINT64_MAX / 3, 9};
	for (size_t g = 0; g < sizeof(garbage) / sizeof(garbage[0]); g++) {
		kaal_atomic_store(&hdr->enqueue_pos, garbage[g], KAAL_RELAXED);
		kaal_atomic_store(&hdr->dequeue_pos, garbage[g] * 7, KAAL_RELAXED);
		kaal_status push = kaal_mpmc_push(&q, elem);
		kaal_status pop = kaal_mpmc_pop(&q, elem);
		assert_true(push == KAAL_OK || push == KAAL_WOULD_BLOCK || push == KAAL_BUSY);
		assert_true(pop == KAAL_OK || pop == KAAL_WOULD_BLOCK || pop == KAAL_BUSY);
	}
	/* Sequence words rewritten so every slot looks claimed by someone else. */
	uint8_t *slots = (uint8_t *)f.mem + KAAL_RING_DATA_OFFSET;
	for (uint32_t i = 0; i < 8; i++) {
		uint64_t far = UINT64_MAX / 2;
		memcpy(slots + (size_t)i * hdr->slot_stride, &far, sizeof(far));
	}
	kaal_atomic_store(&hdr->enqueue_pos, 0, KAAL_RELAXED);
	assert_status(KAAL_BUSY, kaal_mpmc_push(&q, elem));
	/* The geometry in shared memory no longer matters after attach. */
	hdr->capacity = 1u << 20;
	hdr->slot_stride = 4096;
	kaal_mpmc_push(&q, elem);
	kaal_mpmc_pop(&q, elem);
	harness_assert_fences_intact(&f);
	free(f.block);
}

/* Two producers and two consumers: every value is taken exactly once. */
#define PER_PRODUCER 100000u
#define PRODUCERS    2
#define CONSUMERS    2

struct mpmc_run {
	struct kaal_mpmc q;
	uint8_t *seen;
	kaal_atomic_u64 taken;
	kaal_atomic_u64 duplicates;
};

struct producer_arg {
	struct mpmc_run *run;
	uint32_t id;
};

static void *mpmc_producer(void *p)
{
	struct producer_arg *a = p;
	for (uint32_t i = 0; i < PER_PRODUCER; i++) {
		uint32_t v = a->id * PER_PRODUCER + i;
		/* Four threads share two cpus: let a preempted peer finish its slot. */
		while (kaal_mpmc_push(&a->run->q, &v) != KAAL_OK)
			sched_yield();
	}
	return NULL;
}

static void *mpmc_consumer(void *p)
{
	struct mpmc_run *run = p;
	const uint64_t total = (uint64_t)PER_PRODUCER * PRODUCERS;
	while (kaal_atomic_load(&run->taken, KAAL_RELAXED) < total) {
		uint32_t v;
		if (kaal_mpmc_pop(&run->q, &v) != KAAL_OK) {
			sched_yield();
			continue;
		}
		uint8_t before = __atomic_fetch_add(&run->seen[v], 1, __ATOMIC_RELAXED);
		if (before != 0)
			kaal_atomic_fetch_add(&run->duplicates, 1, KAAL_RELAXED);
		kaal_atomic_fetch_add(&run->taken, 1, KAAL_RELAXED);
	}
	return NULL;
}

static void two_producers_two_consumers(void **state)
{
	(void)state;
	struct harness_fenced f = fenced_queue(64, sizeof(uint32_t));
	struct mpmc_run run;
	assert_status(KAAL_OK, kaal_mpmc_attach(&run.q, f.mem, f.size));
	run.seen = calloc(PER_PRODUCER * PRODUCERS, 1);
	assert_non_null(run.seen);
	kaal_atomic_init(&run.taken, 0);
	kaal_atomic_init(&run.duplicates, 0);
	pthread_t prod[PRODUCERS], cons[CONSUMERS];
	struct producer_arg args[PRODUCERS];
	for (uint32_t i = 0; i < PRODUCERS; i++) {
		args[i].run = &run;
		args[i].id = i;
		assert_int_equal(0, pthread_create(&prod[i], NULL, mpmc_producer, &args[i]));
	}
	for (uint32_t i = 0; i < CONSUMERS; i++)
		assert_int_equal(0, pthread_create(&cons[i], NULL, mpmc_consumer, &run));
	for (uint32_t i = 0; i < PRODUCERS; i++)
		pthread_join(prod[i], NULL);
	for (uint32_t i = 0; i < CONSUMERS; i++)
		pthread_join(cons[i], NULL);
	assert_int_equal(PER_PRODUCER * PRODUCERS, kaal_atomic_load(&run.taken, KAAL_RELAXED));
	assert_int_equal(0, kaal_atomic_load(&run.duplicates, KAAL_RELAXED));
	for (uint32_t v = 0; v < PER_PRODUCER * PRODUCERS; v++)
		assert_int_equal(1, run.seen[v]);
	free(run.seen);
	harness_assert_fences_intact(&f);
	free(f.block);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(geometry_and_attach),
	    cmocka_unit_test(fifo_full_and_empty),
	    cmocka_unit_test(hostile_positions_stay_in_bounds),
	    cmocka_unit_test(two_producers_two_consumers),
	};
	return cmocka_run_group_tests_name("ring_mpmc", tests, NULL, NULL);
}
