/* SharedRing SPSC: geometry checks, FIFO order, bursts, zero copy, hostile peers. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#include <kaal/ring.h>

#define CANARY      0xA5
#define CANARY_SIZE 256

/* A ring in a buffer with canary bytes on both sides, to catch stray writes. */
struct fenced {
	uint8_t *block;
	void *mem;
	size_t size;
};

static struct fenced fenced_ring(uint32_t capacity, uint32_t elem_size)
{
	struct fenced f;
	f.size = kaal_ring_bytes(capacity, elem_size);
	assert_true(f.size > 0);
	size_t total = CANARY_SIZE + f.size + CANARY_SIZE;
	total = (total + KAAL_RING_LINE - 1) / KAAL_RING_LINE * KAAL_RING_LINE;
	f.block = aligned_alloc(KAAL_RING_LINE, total);
	assert_non_null(f.block);
	memset(f.block, CANARY, total);
	f.mem = f.block + CANARY_SIZE;
	assert_status(KAAL_OK, kaal_ring_create(f.mem, f.size, capacity, elem_size));
	return f;
}

static void assert_fences_intact(const struct fenced *f)
{
	for (size_t i = 0; i < CANARY_SIZE; i++) {
		assert_int_equal(CANARY, f->block[i]);
		assert_int_equal(CANARY, f->block[CANARY_SIZE + f->size + i]);
	}
}

static void attach_both(struct fenced *f, struct kaal_ring *prod, struct kaal_ring *cons)
{
	assert_status(KAAL_OK, kaal_ring_attach(prod, f->mem, f->size, KAAL_RING_PRODUCER));
	assert_status(KAAL_OK, kaal_ring_attach(cons, f->mem, f->size, KAAL_RING_CONSUMER));
}

static void geometry_is_checked(void **state)
{
	(void)state;
	assert_int_equal(0, kaal_ring_bytes(0, 8));
	assert_int_equal(0, kaal_ring_bytes(3, 8));
	assert_int_equal(0, kaal_ring_bytes(8, 0));
	assert_int_equal(KAAL_RING_DATA_OFFSET + 64, kaal_ring_bytes(8, 8));
	uint8_t *block = aligned_alloc(KAAL_RING_LINE, 4096);
	assert_non_null(block);
	assert_status(KAAL_INVALID_ARGUMENT, kaal_ring_create(block, 4096, 6, 8));
	assert_status(KAAL_INVALID_ARGUMENT, kaal_ring_create(block + 8, 4000, 8, 8));
	assert_status(KAAL_INVALID_ARGUMENT, kaal_ring_create(block, 100, 8, 8));
	assert_status(KAAL_INVALID_ARGUMENT, kaal_ring_create(NULL, 4096, 8, 8));
	free(block);
}

static void attach_rejects_bad_headers(void **state)
{
	(void)state;
	struct fenced f = fenced_ring(16, 8);
	struct kaal_ring r;
	struct kaal_ring_header *hdr = f.mem;
	struct kaal_ring_header good = *hdr;
	const struct {
		size_t offset;
		uint32_t value;
	} corrupt[] = {
	    {offsetof(struct kaal_ring_header, magic), 0x12345678},
	    {offsetof(struct kaal_ring_header, version), 2},
	    {offsetof(struct kaal_ring_header, capacity), 12},
	    {offsetof(struct kaal_ring_header, capacity), 32},
	    {offsetof(struct kaal_ring_header, capacity), 0},
	    {offsetof(struct kaal_ring_header, elem_size), 0},
	    {offsetof(struct kaal_ring_header, elem_size), 4096},
	    {offsetof(struct kaal_ring_header, data_offset), 64},
	    {offsetof(struct kaal_ring_header, total_size), 1},
	};
	for (size_t i = 0; i < sizeof(corrupt) / sizeof(corrupt[0]); i++) {
		*hdr = good;
		memcpy((uint8_t *)hdr + corrupt[i].offset, &corrupt[i].value, sizeof(uint32_t));
		assert_status(KAAL_CORRUPT_RING,
		              kaal_ring_attach(&r, f.mem, f.size, KAAL_RING_CONSUMER));
	}
	*hdr = good;
	assert_status(KAAL_CORRUPT_RING,
	              kaal_ring_attach(&r, f.mem, f.size - 1, KAAL_RING_PRODUCER));
	assert_status(KAAL_CORRUPT_RING, kaal_ring_attach(&r, f.mem, 64, KAAL_RING_PRODUCER));
	kaal_atomic_store(&hdr->head, 100, KAAL_RELAXED);
	assert_status(KAAL_CORRUPT_RING, kaal_ring_attach(&r, f.mem, f.size, KAAL_RING_PRODUCER));
	kaal_atomic_store(&hdr->head, 0, KAAL_RELAXED);
	assert_status(KAAL_INVALID_ARGUMENT, kaal_ring_attach(&r, f.mem, f.size, 7));
	assert_status(KAAL_OK, kaal_ring_attach(&r, f.mem, f.size, KAAL_RING_PRODUCER));
	assert_fences_intact(&f);
	free(f.block);
}

static void fifo_order_and_full_capacity(void **state)
{
	(void)state;
	struct fenced f = fenced_ring(8, sizeof(uint64_t));
	struct kaal_ring prod, cons;
	attach_both(&f, &prod, &cons);
	uint64_t v;
	assert_status(KAAL_WOULD_BLOCK, kaal_ring_pop(&cons, &v));
	for (uint64_t round = 0; round < 5; round++) {
		for (uint64_t i = 0; i < 8; i++) {
			v = round * 100 + i;
			assert_status(KAAL_OK, kaal_ring_push(&prod, &v));
		}
		v = 999;
		assert_status(KAAL_WOULD_BLOCK, kaal_ring_push(&prod, &v));
		assert_int_equal(8, kaal_ring_ready(&cons));
		for (uint64_t i = 0; i < 8; i++) {
			assert_status(KAAL_OK, kaal_ring_pop(&cons, &v));
			assert_int_equal(round * 100 + i, v);
		}
		assert_status(KAAL_WOULD_BLOCK, kaal_ring_pop(&cons, &v));
	}
	assert_fences_intact(&f);
	free(f.block);
}

static void bursts_take_what_fits(void **state)
{
	(void)state;
	struct fenced f = fenced_ring(16, sizeof(uint32_t));
	struct kaal_ring prod, cons;
	attach_both(&f, &prod, &cons);
	uint32_t in[40], out[40];
	for (uint32_t i = 0; i < 40; i++)
		in[i] = i;
	size_t done;
	assert_status(KAAL_OK, kaal_ring_push_burst(&prod, in, 10, &done));
	assert_int_equal(10, done);
	assert_status(KAAL_OK, kaal_ring_pop_burst(&cons, out, 4, &done));
	assert_int_equal(4, done);
	assert_status(KAAL_OK, kaal_ring_push_burst(&prod, in + 10, 30, &done));
	assert_int_equal(10, done); /* 6 left in the ring + 10 = 16 */
	assert_status(KAAL_WOULD_BLOCK, kaal_ring_push_burst(&prod, in + 20, 5, &done));
	assert_int_equal(0, done);
	assert_status(KAAL_OK, kaal_ring_pop_burst(&cons, out + 4, 40, &done));
	assert_int_equal(16, done);
	for (uint32_t i = 0; i < 20; i++)
		assert_int_equal(i, out[i]);
	assert_fences_intact(&f);
	free(f.block);
}

static void zero_copy_on_both_sides(void **state)
{
	(void)state;
	struct fenced f = fenced_ring(8, sizeof(uint64_t));
	struct kaal_ring prod, cons;
	attach_both(&f, &prod, &cons);
	uint64_t next = 0, expect = 0;
	for (int round = 0; round < 20; round++) {
		void *p;
		size_t got;
		assert_status(KAAL_OK, kaal_ring_reserve(&prod, 5, &p, &got));
		assert_true(got >= 1 && got <= 5);
		/* A reservation is exclusive until committed. */
		uint64_t v = 1;
		assert_status(KAAL_INVALID_ARGUMENT, kaal_ring_push(&prod, &v));
		for (size_t i = 0; i < got; i++)
			((uint64_t *)p)[i] = next++;
		assert_status(KAAL_INVALID_ARGUMENT, kaal_ring_commit(&prod, got + 1));
		assert_status(KAAL_OK, kaal_ring_commit(&prod, got));
		assert_status(KAAL_OK, kaal_ring_reserve(&cons, 8, &p, &got));
		for (size_t i = 0; i < got; i++)
			assert_int_equal(expect++, ((uint64_t *)p)[i]);
		assert_status(KAAL_OK, kaal_ring_commit(&cons, got));
		/* A wrapped run is handed out in two reservations. */
		if (kaal_ring_ready(&cons)) {
			assert_status(KAAL_OK, kaal_ring_reserve(&cons, 8, &p, &got));
			for (size_t i = 0; i < got; i++)
				assert_int_equal(expect++, ((uint64_t *)p)[i]);
			assert_status(KAAL_OK, kaal_ring_commit(&cons, got));
		}
	}
	assert_int_equal(next, expect);
	void *p;
	size_t got;
	assert_status(KAAL_WOULD_BLOCK, kaal_ring_reserve(&cons, 1, &p, &got));
	assert_status(KAAL_INVALID_ARGUMENT, kaal_ring_reserve(&cons, 0, &p, &got));
	assert_fences_intact(&f);
	free(f.block);
}

/* A hostile consumer writes impossible tails; the producer reports them and stays in bounds. */
static void hostile_indices_are_contained(void **state)
{
	(void)state;
	const uint64_t garbage[] = {UINT64_MAX, UINT64_MAX / 2, 1000, 17, 9};
	struct fenced f = fenced_ring(8, 16);
	struct kaal_ring prod, cons;
	attach_both(&f, &prod, &cons);
	struct kaal_ring_header *hdr = f.mem;
	uint8_t elem[16] = {1};
	for (int i = 0; i < 8; i++)
		assert_status(KAAL_OK, kaal_ring_push(&prod, elem));
	for (size_t g = 0; g < sizeof(garbage) / sizeof(garbage[0]); g++) {
		kaal_atomic_store(&hdr->tail, garbage[g], KAAL_RELAXED);
		assert_status(KAAL_CORRUPT_RING, kaal_ring_push(&prod, elem));
		size_t done = 7;
		assert_status(KAAL_CORRUPT_RING, kaal_ring_push_burst(&prod, elem, 1, &done));
		assert_int_equal(0, done);
		assert_int_equal(0, kaal_ring_ready(&prod));
	}
	/* Garbage heads seen by the consumer. */
	kaal_atomic_store(&hdr->tail, 0, KAAL_RELAXED);
	assert_status(KAAL_OK, kaal_ring_attach(&cons, f.mem, f.size, KAAL_RING_CONSUMER));
	for (int i = 0; i < 8; i++)
		assert_status(KAAL_OK, kaal_ring_pop(&cons, elem));
	/* The consumer is at 8: a head behind it or more than a ring ahead is impossible. */
	const uint64_t bad_heads[] = {UINT64_MAX, UINT64_MAX / 2, 0, 7, 17, 1000};
	for (size_t g = 0; g < sizeof(bad_heads) / sizeof(bad_heads[0]); g++) {
		kaal_atomic_store(&hdr->head, bad_heads[g], KAAL_RELAXED);
		void *p;
		size_t got;
		assert_status(KAAL_CORRUPT_RING, kaal_ring_pop(&cons, elem));
		assert_status(KAAL_CORRUPT_RING, kaal_ring_reserve(&cons, 4, &p, &got));
	}
	/* A head that is plausible but lies about the contents is read in bounds. */
	kaal_atomic_store(&hdr->head, 16, KAAL_RELAXED);
	for (int i = 0; i < 8; i++)
		assert_status(KAAL_OK, kaal_ring_pop(&cons, elem));
	assert_status(KAAL_WOULD_BLOCK, kaal_ring_pop(&cons, elem));
	/* The consumer is now ahead of what this producer pushed: impossible. */
	assert_status(KAAL_CORRUPT_RING, kaal_ring_push(&prod, elem));
	/* A peer rewriting the geometry after attach changes nothing on this side. */
	hdr->capacity = 1u << 20;
	hdr->elem_size = 4096;
	kaal_atomic_store(&hdr->head, 24, KAAL_RELAXED);
	size_t done;
	uint8_t many[8][16];
	assert_status(KAAL_OK, kaal_ring_pop_burst(&cons, many, 8, &done));
	assert_int_equal(8, done);
	assert_status(KAAL_WOULD_BLOCK, kaal_ring_pop(&cons, elem));
	assert_fences_intact(&f);
	free(f.block);
}

/* One producer thread and one consumer thread, a million sequence numbers. */
#define STRESS_COUNT 1000000u

static void *stress_producer(void *arg)
{
	struct kaal_ring *prod = arg;
	uint64_t next = 0;
	while (next < STRESS_COUNT) {
		uint64_t batch[8];
		size_t n = 0, done;
		while (n < 8 && next + n < STRESS_COUNT) {
			batch[n] = next + n;
			n++;
		}
		if (kaal_ring_push_burst(prod, batch, n, &done) == KAAL_OK)
			next += done;
	}
	return NULL;
}

static void spsc_threads_keep_order(void **state)
{
	(void)state;
	struct fenced f = fenced_ring(256, sizeof(uint64_t));
	struct kaal_ring prod, cons;
	attach_both(&f, &prod, &cons);
	pthread_t t;
	assert_int_equal(0, pthread_create(&t, NULL, stress_producer, &prod));
	uint64_t expect = 0;
	bool in_order = true;
	while (expect < STRESS_COUNT) {
		uint64_t v;
		kaal_status st = kaal_ring_pop(&cons, &v);
		if (st == KAAL_OK) {
			in_order = in_order && v == expect;
			expect++;
		} else if (st != KAAL_WOULD_BLOCK) {
			in_order = false;
			break;
		}
	}
	pthread_join(t, NULL);
	assert_true(in_order);
	assert_int_equal(STRESS_COUNT, expect);
	assert_fences_intact(&f);
	free(f.block);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(geometry_is_checked),
	    cmocka_unit_test(attach_rejects_bad_headers),
	    cmocka_unit_test(fifo_order_and_full_capacity),
	    cmocka_unit_test(bursts_take_what_fits),
	    cmocka_unit_test(zero_copy_on_both_sides),
	    cmocka_unit_test(hostile_indices_are_contained),
	    cmocka_unit_test(spsc_threads_keep_order),
	};
	return cmocka_run_group_tests_name("ring", tests, NULL, NULL);
}
