/* SharedRing SPSC: geometry checks, FIFO order, bursts, zero copy, hostile peers. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#include <kaal/ring.h>

static struct harness_fenced fenced_ring_layout(uint32_t capacity, uint32_t elem_size,
                                                enum kaal_ring_layout layout)
{
	struct harness_fenced f =
	    harness_fenced(kaal_ring_bytes_layout(capacity, elem_size, layout));
	assert_status(KAAL_OK, kaal_ring_create_layout(f.mem, f.size, capacity, elem_size, layout));
	return f;
}

static struct harness_fenced fenced_ring(uint32_t capacity, uint32_t elem_size)
{
	return fenced_ring_layout(capacity, elem_size, KAAL_RING_SEQUENCED);
}

static void attach_both(struct harness_fenced *f, struct kaal_ring *prod, struct kaal_ring *cons)
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
	/* Up to 56-byte elements: a sequence word and the element in 16, 32 or 64 bytes. */
	assert_int_equal(KAAL_RING_DATA_OFFSET + 8 * 16, kaal_ring_bytes(8, 8));
	assert_int_equal(KAAL_RING_DATA_OFFSET + 8 * 16, kaal_ring_bytes(8, 5));
	assert_int_equal(KAAL_RING_DATA_OFFSET + 8 * 32, kaal_ring_bytes(8, 9));
	assert_int_equal(KAAL_RING_DATA_OFFSET + 8 * 32, kaal_ring_bytes(8, 24));
	assert_int_equal(KAAL_RING_DATA_OFFSET + 8 * 64, kaal_ring_bytes(8, 25));
	assert_int_equal(KAAL_RING_DATA_OFFSET + 8 * 64, kaal_ring_bytes(8, 56));
	/* Larger ones: the word and the element in whole 64-byte lines. */
	assert_int_equal(KAAL_RING_DATA_OFFSET + 8 * 128, kaal_ring_bytes(8, 57));
	assert_int_equal(KAAL_RING_DATA_OFFSET + 8 * 128, kaal_ring_bytes(8, 120));
	assert_int_equal(KAAL_RING_DATA_OFFSET + 8 * 192, kaal_ring_bytes(8, 121));
	assert_int_equal(KAAL_RING_DATA_OFFSET + 8 * 320, kaal_ring_bytes(8, 256));
	/* Packed: back to back, whatever the size. */
	assert_int_equal(KAAL_RING_DATA_OFFSET + 8 * 8,
	                 kaal_ring_bytes_layout(8, 8, KAAL_RING_PACKED));
	assert_int_equal(KAAL_RING_DATA_OFFSET + 8 * 57,
	                 kaal_ring_bytes_layout(8, 57, KAAL_RING_PACKED));
	assert_int_equal(0, kaal_ring_bytes_layout(8, 8, (enum kaal_ring_layout)2));
	uint8_t *block = aligned_alloc(KAAL_RING_LINE, 4096);
	assert_non_null(block);
	assert_status(KAAL_INVALID_ARGUMENT, kaal_ring_create(block, 4096, 6, 8));
	assert_status(KAAL_INVALID_ARGUMENT, kaal_ring_create(block + 8, 4000, 8, 8));
	assert_status(KAAL_INVALID_ARGUMENT, kaal_ring_create(block, 100, 8, 8));
	assert_status(KAAL_INVALID_ARGUMENT, kaal_ring_create(NULL, 4096, 8, 8));
	assert_status(KAAL_INVALID_ARGUMENT,
	              kaal_ring_create_layout(block, 4096, 8, 8, (enum kaal_ring_layout)2));
	free(block);
}

static void attach_rejects_bad_headers(void **state)
{
	(void)state;
	struct harness_fenced f = fenced_ring(16, 8);
	struct kaal_ring r;
	struct kaal_ring_header *hdr = f.mem;
	struct kaal_ring_header good = *hdr;
	const struct {
		size_t offset;
		uint32_t value;
	} corrupt[] = {
	    {offsetof(struct kaal_ring_header, magic), 0x12345678},
	    {offsetof(struct kaal_ring_header, version), 1}, /* no sequence words */
	    {offsetof(struct kaal_ring_header, version), 3},
	    {offsetof(struct kaal_ring_header, capacity), 12},
	    {offsetof(struct kaal_ring_header, capacity), 32},
	    {offsetof(struct kaal_ring_header, capacity), 0},
	    {offsetof(struct kaal_ring_header, elem_size), 0},
	    {offsetof(struct kaal_ring_header, elem_size), 4096},
	    {offsetof(struct kaal_ring_header, data_offset), 64},
	    {offsetof(struct kaal_ring_header, total_size), 1},
	    {offsetof(struct kaal_ring_header, total_size), KAAL_RING_DATA_OFFSET + 16 * 8},
	    {offsetof(struct kaal_ring_header, slot_stride), 8},
	    {offsetof(struct kaal_ring_header, slot_stride), 24},
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
	kaal_atomic_store(&hdr->tail, 17, KAAL_RELAXED);
	assert_status(KAAL_CORRUPT_RING, kaal_ring_attach(&r, f.mem, f.size, KAAL_RING_CONSUMER));
	/*
	 * A tail up to a ring ahead of head: the consumer followed sequence
	 * words the producer had not published yet. Both sides start there.
	 */
	kaal_atomic_store(&hdr->tail, 5, KAAL_RELAXED);
	assert_status(KAAL_OK, kaal_ring_attach(&r, f.mem, f.size, KAAL_RING_PRODUCER));
	assert_int_equal(5, r.index);
	assert_int_equal(16, kaal_ring_ready(&r));
	assert_status(KAAL_OK, kaal_ring_attach(&r, f.mem, f.size, KAAL_RING_CONSUMER));
	assert_int_equal(5, r.index);
	assert_int_equal(0, kaal_ring_ready(&r));
	kaal_atomic_store(&hdr->tail, 0, KAAL_RELAXED);
	assert_status(KAAL_INVALID_ARGUMENT, kaal_ring_attach(&r, f.mem, f.size, 7));
	assert_status(KAAL_OK, kaal_ring_attach(&r, f.mem, f.size, KAAL_RING_PRODUCER));
	harness_assert_fences_intact(&f);
	free(f.block);
}

static void fifo_order_and_full_capacity(void **state)
{
	(void)state;
	struct harness_fenced f = fenced_ring(8, sizeof(uint64_t));
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
	harness_assert_fences_intact(&f);
	free(f.block);
}

/* Element k of a stream, byte j: distinct per element and per byte. */
static uint8_t pattern(uint64_t k, size_t j)
{
	return (uint8_t)(k * 31 + j * 7 + 1);
}

/*
 * Every element size from 1 to 72 bytes (with and without sequence words):
 * one at a time and in bursts, around the ring several times, each element
 * whole and nothing written outside the ring.
 */
static void every_element_size_round_trips(void **state)
{
	(void)state;
	enum { CAP = 8, SIZE_MAX_TESTED = 136, LAPS = 3 };
	for (uint32_t n = 0; n < 2 * SIZE_MAX_TESTED; n++) {
		uint32_t size = n % SIZE_MAX_TESTED + 1;
		struct harness_fenced f = fenced_ring_layout(
		    CAP, size, n < SIZE_MAX_TESTED ? KAAL_RING_SEQUENCED : KAAL_RING_PACKED);
		struct kaal_ring prod, cons;
		attach_both(&f, &prod, &cons);
		uint8_t in[CAP * SIZE_MAX_TESTED], out[CAP * SIZE_MAX_TESTED];
		uint64_t pushed = 0, popped = 0;
		for (unsigned lap = 0; lap < LAPS; lap++) {
			/* One at a time, then a burst of what is left, then the other way round. */
			for (unsigned i = 0; i < CAP / 2; i++, pushed++) {
				for (size_t j = 0; j < size; j++)
					in[j] = pattern(pushed, j);
				assert_status(KAAL_OK, kaal_ring_push(&prod, in));
			}
			for (size_t e = 0; e < CAP / 2; e++)
				for (size_t j = 0; j < size; j++)
					in[e * size + j] = pattern(pushed + e, j);
			size_t done;
			assert_status(KAAL_OK, kaal_ring_push_burst(&prod, in, CAP, &done));
			assert_int_equal(CAP / 2, done);
			pushed += done;
			assert_status(KAAL_WOULD_BLOCK, kaal_ring_push(&prod, in));
			assert_status(KAAL_OK, kaal_ring_pop_burst(&cons, out, CAP / 2, &done));
			assert_int_equal(CAP / 2, done);
			for (size_t e = 0; e < done; e++, popped++)
				for (size_t j = 0; j < size; j++)
					assert_int_equal(pattern(popped, j), out[e * size + j]);
			for (unsigned i = 0; i < CAP / 2; i++, popped++) {
				assert_status(KAAL_OK, kaal_ring_pop(&cons, out));
				for (size_t j = 0; j < size; j++)
					assert_int_equal(pattern(popped, j), out[j]);
			}
			assert_status(KAAL_WOULD_BLOCK, kaal_ring_pop(&cons, out));
		}
		harness_assert_fences_intact(&f);
		free(f.block);
	}
}

/*
 * Packed runs of a kilobyte and more (which the producer copies with the
 * string move on x86-64), eight bursts of 21 in a ring of 32 starting at
 * eight different offsets, most split where the ring wraps: each element whole,
 * in order, and nothing written outside the ring.
 */
static void long_runs_wrap_whole(void **state)
{
	(void)state;
	enum { CAP = 32, BURST = 21, LAPS = 5 };
	static const uint32_t sizes[] = {64, 128, 200, 256};
	static uint8_t in[BURST * 256], out[BURST * 256];
	for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
		uint32_t size = sizes[k];
		struct harness_fenced f = fenced_ring_layout(CAP, size, KAAL_RING_PACKED);
		struct kaal_ring prod, cons;
		attach_both(&f, &prod, &cons);
		uint64_t pushed = 0, popped = 0;
		while (pushed < (uint64_t)LAPS * CAP) {
			for (size_t e = 0; e < BURST; e++)
				for (size_t j = 0; j < size; j++)
					in[e * size + j] = pattern(pushed + e, j);
			size_t done;
			assert_status(KAAL_OK, kaal_ring_push_burst(&prod, in, BURST, &done));
			assert_int_equal(BURST, done);
			pushed += done;
			assert_status(KAAL_OK, kaal_ring_pop_burst(&cons, out, BURST, &done));
			assert_int_equal(BURST, done);
			for (size_t e = 0; e < done; e++, popped++)
				for (size_t j = 0; j < size; j++)
					assert_int_equal(pattern(popped, j), out[e * size + j]);
		}
		harness_assert_fences_intact(&f);
		free(f.block);
	}
}

/* What the memory under a new ring held before kaal_ring_create(). */
enum dirt { DIRT_USED_RING, DIRT_ONES, DIRT_RANDOM, DIRT_KINDS };

#define DIRT_SEED     UINT64_C(0x9E3779B97F4A7C15)
#define DIRT_CAPACITY 8u
/* Every size of power-of-two slots (up to KAAL_RING_SEQ_MAX_ELEM), and as many beyond. */
#define DIRT_ELEM_MAX (2u * KAAL_RING_SEQ_MAX_ELEM)
/* Elements of the new ring start here in pattern(), so none equals one the old ring held. */
#define FRESH_STREAM 1000u

/*
 * Leave the ring in f as a used one: every slot written on the first lap
 * (so its sequence word is what the first lap of a new ring expects),
 * half of them taken, both waiting flags up.
 */
static void use_ring(struct harness_fenced *f, uint32_t elem_size)
{
	struct kaal_ring prod, cons;
	attach_both(f, &prod, &cons);
	uint8_t elem[DIRT_ELEM_MAX];
	for (uint64_t i = 0; i < DIRT_CAPACITY; i++) {
		for (size_t j = 0; j < elem_size; j++)
			elem[j] = pattern(i, j);
		assert_status(KAAL_OK, kaal_ring_push(&prod, elem));
	}
	for (uint64_t i = 0; i < DIRT_CAPACITY / 2; i++)
		assert_status(KAAL_OK, kaal_ring_pop(&cons, elem));
	kaal_atomic_store(&prod.hdr->producer_waiting, 1, KAAL_RELAXED);
	kaal_atomic_store(&prod.hdr->consumer_waiting, 1, KAAL_RELAXED);
}

static void make_dirty(struct harness_fenced *f, enum dirt dirt, uint32_t elem_size)
{
	uint8_t *bytes = f->mem;
	uint64_t x = DIRT_SEED;
	switch (dirt) {
	case DIRT_USED_RING:
		use_ring(f, elem_size);
		break;
	case DIRT_ONES:
		memset(bytes, 0xFF, f->size);
		break;
	default:
		/* xorshift64: the same garbage on every run. */
		for (size_t i = 0; i < f->size; i++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			bytes[i] = (uint8_t)x;
		}
		break;
	}
}

/*
 * The ring created over dirt is empty and whole: a consumer finds nothing
 * at any slot before the producer fills it, whatever the slot held, and
 * the producer gets the full capacity.
 */
static void assert_created_empty(struct harness_fenced *f, uint32_t elem_size)
{
	const uint32_t capacity = DIRT_CAPACITY;
	assert_status(KAAL_OK, kaal_ring_create(f->mem, f->size, capacity, elem_size));
	struct kaal_ring_header *hdr = f->mem;
	assert_int_equal(0, kaal_atomic_load(&hdr->head, KAAL_RELAXED));
	assert_int_equal(0, kaal_atomic_load(&hdr->tail, KAAL_RELAXED));
	assert_int_equal(0, kaal_atomic_load(&hdr->producer_waiting, KAAL_RELAXED));
	assert_int_equal(0, kaal_atomic_load(&hdr->consumer_waiting, KAAL_RELAXED));
	struct kaal_ring prod, cons;
	attach_both(f, &prod, &cons);
	assert_int_equal(capacity, kaal_ring_ready(&prod));
	uint8_t in[DIRT_CAPACITY * DIRT_ELEM_MAX], out[sizeof(in)];
	size_t done;
	void *p;
	size_t got;
	/* One element at a time, so the consumer meets every slot with nothing in it. */
	for (uint64_t i = 0; i < capacity; i++) {
		assert_int_equal(0, kaal_ring_ready(&cons));
		assert_status(KAAL_WOULD_BLOCK, kaal_ring_pop(&cons, out));
		assert_status(KAAL_WOULD_BLOCK, kaal_ring_pop_burst(&cons, out, 2, &done));
		assert_status(KAAL_WOULD_BLOCK, kaal_ring_reserve(&cons, 1, &p, &got));
		for (size_t j = 0; j < elem_size; j++)
			in[j] = pattern(FRESH_STREAM + i, j);
		assert_status(KAAL_OK, kaal_ring_push(&prod, in));
		assert_status(KAAL_OK, kaal_ring_pop(&cons, out));
		assert_memory_equal(in, out, elem_size);
	}
	assert_status(KAAL_WOULD_BLOCK, kaal_ring_pop(&cons, out));
	/* A full lap in one burst each way. */
	for (size_t j = 0; j < capacity * elem_size; j++)
		in[j] = pattern(FRESH_STREAM + capacity + j / elem_size, j % elem_size);
	assert_status(KAAL_OK, kaal_ring_push_burst(&prod, in, capacity, &done));
	assert_int_equal(capacity, done);
	assert_status(KAAL_WOULD_BLOCK, kaal_ring_push(&prod, in));
	assert_status(KAAL_OK, kaal_ring_pop_burst(&cons, out, capacity, &done));
	assert_int_equal(capacity, done);
	assert_memory_equal(in, out, capacity * elem_size);
	assert_status(KAAL_WOULD_BLOCK, kaal_ring_pop(&cons, out));
}

/*
 * Creating a ring over memory that held a used ring, or garbage, gives an
 * empty and working ring for every element size, with sequence words or
 * without: nothing the memory held is taken for an element.
 */
static void create_over_dirty_memory_gives_an_empty_ring(void **state)
{
	(void)state;
	for (uint32_t size = 1; size <= DIRT_ELEM_MAX; size++) {
		for (int dirt = 0; dirt < DIRT_KINDS; dirt++) {
			struct harness_fenced f = fenced_ring(DIRT_CAPACITY, size);
			make_dirty(&f, (enum dirt)dirt, size);
			assert_created_empty(&f, size);
			harness_assert_fences_intact(&f);
			free(f.block);
		}
	}
}

/* One-element calls check their handle and element as bursts do, and change nothing. */
static void one_element_calls_check_their_arguments(void **state)
{
	(void)state;
	struct harness_fenced f = fenced_ring(8, sizeof(uint64_t));
	struct kaal_ring prod, cons;
	attach_both(&f, &prod, &cons);
	uint64_t v = 7;
	size_t done = 99;
	assert_status(KAAL_INVALID_ARGUMENT, kaal_ring_push(NULL, &v));
	assert_status(KAAL_INVALID_ARGUMENT, kaal_ring_push(&prod, NULL));
	assert_status(KAAL_INVALID_ARGUMENT, kaal_ring_push(&cons, &v));
	assert_status(KAAL_INVALID_ARGUMENT, kaal_ring_push_burst(&cons, &v, 1, &done));
	assert_int_equal(0, done);
	assert_status(KAAL_INVALID_ARGUMENT, kaal_ring_pop(NULL, &v));
	assert_status(KAAL_INVALID_ARGUMENT, kaal_ring_pop(&cons, NULL));
	assert_status(KAAL_INVALID_ARGUMENT, kaal_ring_pop(&prod, &v));
	assert_status(KAAL_INVALID_ARGUMENT, kaal_ring_pop_burst(&prod, &v, 1, &done));
	assert_status(KAAL_INVALID_ARGUMENT, kaal_ring_pop_burst(&cons, NULL, 1, &done));
	/* Nothing moved: the ring is as empty as it started, and works. */
	assert_int_equal(0, kaal_ring_ready(&cons));
	assert_status(KAAL_OK, kaal_ring_push(&prod, &v));
	v = 0;
	assert_status(KAAL_OK, kaal_ring_pop(&cons, &v));
	assert_int_equal(7, v);
	harness_assert_fences_intact(&f);
	free(f.block);
}

/*
 * kaal_ring_push() and kaal_ring_pop() are inline in the header and also
 * the library's functions (taken here by address, as another language
 * would call them). Both answer alike in both layouts: full capacity, FIFO
 * order, the full and empty answers, refused arguments, a closed ring.
 */
typedef kaal_status (*push_fn)(struct kaal_ring *, const void *);
typedef kaal_status (*pop_fn)(struct kaal_ring *, void *);

static void fifo_through(push_fn push, pop_fn pop, enum kaal_ring_layout layout)
{
	struct harness_fenced f = fenced_ring_layout(4, sizeof(uint64_t), layout);
	struct kaal_ring prod, cons;
	attach_both(&f, &prod, &cons);
	uint64_t v = 1;
	assert_status(KAAL_WOULD_BLOCK, pop(&cons, &v));
	assert_status(KAAL_INVALID_ARGUMENT, push(&cons, &v));
	assert_status(KAAL_INVALID_ARGUMENT, pop(&prod, &v));
	assert_status(KAAL_INVALID_ARGUMENT, push(NULL, &v));
	assert_status(KAAL_INVALID_ARGUMENT, pop(&cons, NULL));
	for (uint64_t round = 0; round < 3; round++) {
		for (uint64_t i = 0; i < 4; i++) {
			v = round * 10 + i;
			assert_status(KAAL_OK, push(&prod, &v));
		}
		assert_status(KAAL_WOULD_BLOCK, push(&prod, &v));
		for (uint64_t i = 0; i < 4; i++) {
			assert_status(KAAL_OK, pop(&cons, &v));
			assert_int_equal(round * 10 + i, v);
		}
		assert_status(KAAL_WOULD_BLOCK, pop(&cons, &v));
	}
	assert_status(KAAL_OK, kaal_ring_close(&prod));
	assert_status(KAAL_INVALID_ARGUMENT, push(&prod, &v));
	harness_assert_fences_intact(&f);
	free(f.block);
}

static kaal_status push_inline(struct kaal_ring *r, const void *elem)
{
	return kaal_ring_push(r, elem);
}

static kaal_status pop_inline(struct kaal_ring *r, void *elem)
{
	return kaal_ring_pop(r, elem);
}

static void library_functions_answer_as_the_inline_paths(void **state)
{
	(void)state;
	static const enum kaal_ring_layout layouts[] = {KAAL_RING_SEQUENCED, KAAL_RING_PACKED};
	for (size_t l = 0; l < sizeof layouts / sizeof layouts[0]; l++) {
		fifo_through(push_inline, pop_inline, layouts[l]);
		fifo_through(kaal_ring_push, kaal_ring_pop, layouts[l]);
	}
}

/*
 * A consumer's ready count follows a sequence word the producer wrote
 * before it published its index (a producer stopped between the two).
 */
static void ready_follows_a_sequence_word(void **state)
{
	(void)state;
	struct harness_fenced f = fenced_ring(8, sizeof(uint64_t));
	struct kaal_ring prod, cons;
	attach_both(&f, &prod, &cons);
	uint64_t v = 42;
	assert_status(KAAL_OK, kaal_ring_push(&prod, &v));
	struct kaal_ring_header *hdr = f.mem;
	kaal_atomic_store(&hdr->head, 0, KAAL_RELEASE); /* as if not yet published */
	assert_int_equal(1, kaal_ring_ready(&cons));
	v = 0;
	assert_status(KAAL_OK, kaal_ring_pop(&cons, &v));
	assert_int_equal(42, v);
	assert_int_equal(0, kaal_ring_ready(&cons));
	harness_assert_fences_intact(&f);
	free(f.block);
}

static void bursts_take_what_fits(void **state)
{
	(void)state;
	struct harness_fenced f = fenced_ring(16, sizeof(uint32_t));
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
	harness_assert_fences_intact(&f);
	free(f.block);
}

static void zero_copy_on_both_sides(void **state)
{
	(void)state;
	struct harness_fenced f = fenced_ring(8, sizeof(uint64_t));
	struct kaal_ring prod, cons;
	attach_both(&f, &prod, &cons);
	uint64_t next = 0, expect = 0;
	for (int round = 0; round < 20; round++) {
		void *p;
		size_t got;
		/* Up to 5 elements, one reservation each (a sequence word sits between slots). */
		for (int k = 0; k < 5; k++) {
			kaal_status st = kaal_ring_reserve(&prod, 5, &p, &got);
			if (st == KAAL_WOULD_BLOCK)
				break;
			assert_status(KAAL_OK, st);
			assert_int_equal(1, got);
			assert_true(((uintptr_t)p % 8) == 0);
			/* A reservation is exclusive until committed. */
			uint64_t v = 1;
			assert_status(KAAL_INVALID_ARGUMENT, kaal_ring_push(&prod, &v));
			*(uint64_t *)p = next++;
			assert_status(KAAL_INVALID_ARGUMENT, kaal_ring_commit(&prod, got + 1));
			assert_status(KAAL_OK, kaal_ring_commit(&prod, got));
		}
		/* The consumer takes what is there in place, every third round leaving some. */
		size_t take = round % 3 == 0 ? 2 : 8;
		for (size_t k = 0; k < take; k++) {
			kaal_status st = kaal_ring_reserve(&cons, 8, &p, &got);
			if (st == KAAL_WOULD_BLOCK)
				break;
			assert_status(KAAL_OK, st);
			assert_int_equal(1, got);
			assert_int_equal(expect++, *(uint64_t *)p);
			assert_status(KAAL_OK, kaal_ring_commit(&cons, got));
		}
	}
	while (kaal_ring_ready(&cons)) {
		void *p;
		size_t got;
		assert_status(KAAL_OK, kaal_ring_reserve(&cons, 8, &p, &got));
		assert_int_equal(expect++, *(uint64_t *)p);
		/* Committing none hands nothing back; the same element comes again. */
		assert_status(KAAL_OK, kaal_ring_commit(&cons, 0));
		assert_status(KAAL_OK, kaal_ring_reserve(&cons, 8, &p, &got));
		assert_int_equal(expect - 1, *(uint64_t *)p);
		assert_status(KAAL_OK, kaal_ring_commit(&cons, 1));
	}
	assert_true(next > 20);
	assert_int_equal(next, expect);
	void *p;
	size_t got;
	assert_status(KAAL_WOULD_BLOCK, kaal_ring_reserve(&cons, 1, &p, &got));
	assert_status(KAAL_INVALID_ARGUMENT, kaal_ring_reserve(&cons, 0, &p, &got));
	harness_assert_fences_intact(&f);
	free(f.block);
}

/* Bytes per slot of a ring with sequence words (elements of up to 56 bytes). */
static uint32_t seq_stride(uint32_t elem_size)
{
	uint32_t stride = 16;
	while (stride < elem_size + 8)
		stride *= 2;
	return stride;
}

/* The sequence word of the slot for index i (tests play the hostile producer with it). */
static kaal_atomic_u64 *seq_word(struct harness_fenced *f, uint64_t i, uint32_t capacity,
                                 uint32_t elem_size)
{
	uint32_t stride = seq_stride(elem_size);
	uint8_t *data = (uint8_t *)f->mem + KAAL_RING_DATA_OFFSET;
	return (kaal_atomic_u64 *)(void *)(data + (i & (capacity - 1)) * stride);
}

/* A hostile consumer writes impossible tails; the producer reports them and stays in bounds. */
static void hostile_indices_are_contained(void **state)
{
	(void)state;
	const uint64_t garbage[] = {UINT64_MAX, UINT64_MAX / 2, 1000, 17, 9};
	struct harness_fenced f = fenced_ring(8, 16);
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
	/*
	 * The consumer is at 8. It reads head only when the next slot's
	 * sequence says an element is there and it wants more than that one:
	 * play a producer that filled index 8 (sequence 9). A head more than
	 * a ring ahead or more than a ring behind is impossible.
	 */
	kaal_atomic_store(seq_word(&f, 8, 8, 16), 9, KAAL_RELAXED);
	const uint64_t bad_heads[] = {UINT64_MAX, UINT64_MAX / 2, 17, 1000, UINT64_MAX - 7};
	for (size_t g = 0; g < sizeof(bad_heads) / sizeof(bad_heads[0]); g++) {
		kaal_atomic_store(&hdr->head, bad_heads[g], KAAL_RELAXED);
		size_t done = 7;
		uint8_t four[4][16];
		assert_status(KAAL_CORRUPT_RING, kaal_ring_pop_burst(&cons, four, 4, &done));
		assert_int_equal(0, done);
		assert_int_equal(0, kaal_ring_ready(&cons));
		assert_int_equal(8, cons.index);
	}
	/* Heads up to a ring behind are a producer that has not published yet: nothing more. */
	const uint64_t lagging_heads[] = {0, 7, 8};
	for (size_t g = 0; g < sizeof(lagging_heads) / sizeof(lagging_heads[0]); g++) {
		kaal_atomic_store(&hdr->head, lagging_heads[g], KAAL_RELAXED);
		assert_int_equal(1, kaal_ring_ready(&cons));
	}
	size_t done;
	uint8_t many[8][16];
	assert_status(KAAL_OK, kaal_ring_pop_burst(&cons, many, 8, &done));
	assert_int_equal(1, done);
	assert_status(KAAL_WOULD_BLOCK, kaal_ring_pop(&cons, elem));
	/* A head that is plausible but lies about the contents is read in bounds. */
	kaal_atomic_store(&hdr->head, 17, KAAL_RELAXED);
	kaal_atomic_store(seq_word(&f, 9, 8, 16), 10, KAAL_RELAXED);
	assert_status(KAAL_OK, kaal_ring_pop_burst(&cons, many, 8, &done));
	assert_int_equal(8, done);
	assert_status(KAAL_WOULD_BLOCK, kaal_ring_pop(&cons, elem));
	/* The consumer is now ahead of what this producer pushed: impossible. */
	assert_status(KAAL_CORRUPT_RING, kaal_ring_push(&prod, elem));
	/* A peer rewriting the geometry after attach changes nothing on this side. */
	hdr->capacity = 1u << 20;
	hdr->elem_size = 4096;
	hdr->slot_stride = 1u << 30;
	kaal_atomic_store(&hdr->head, 25, KAAL_RELAXED);
	kaal_atomic_store(seq_word(&f, 17, 8, 16), 18, KAAL_RELAXED);
	assert_status(KAAL_OK, kaal_ring_pop_burst(&cons, many, 8, &done));
	assert_int_equal(8, done);
	assert_status(KAAL_WOULD_BLOCK, kaal_ring_pop(&cons, elem));
	harness_assert_fences_intact(&f);
	free(f.block);
}

/*
 * A hostile producer writes garbage sequence words. The consumer takes an
 * element only when its slot's word is exactly its index + 1, reads it from
 * its own slot, and never leaves the ring; the producer never reads them.
 */
static void hostile_sequence_words_are_contained(void **state)
{
	(void)state;
	struct harness_fenced f = fenced_ring(8, 16);
	struct kaal_ring prod, cons;
	attach_both(&f, &prod, &cons);
	struct kaal_ring_header *hdr = f.mem;
	uint8_t *data = (uint8_t *)f.mem + KAAL_RING_DATA_OFFSET;
	/* Words that match no index the consumer (at 0) expects, including other laps. */
	const uint64_t garbage[] = {0, 2, 9, 17, UINT64_MAX, UINT64_MAX / 2, 1u << 31};
	uint8_t elem[16], many[8][16];
	size_t done;
	for (size_t g = 0; g < sizeof(garbage) / sizeof(garbage[0]); g++) {
		for (uint64_t s = 0; s < 8; s++)
			kaal_atomic_store(seq_word(&f, s, 8, 16), garbage[g], KAAL_RELAXED);
		assert_status(KAAL_WOULD_BLOCK, kaal_ring_pop(&cons, elem));
		assert_status(KAAL_WOULD_BLOCK, kaal_ring_pop_burst(&cons, many, 8, &done));
		assert_int_equal(0, kaal_ring_ready(&cons));
		void *p;
		size_t got;
		assert_status(KAAL_WOULD_BLOCK, kaal_ring_reserve(&cons, 4, &p, &got));
	}
	/* The producer writes over them; the consumer sees exactly what it pushed. */
	for (uint8_t i = 0; i < 8; i++) {
		memset(elem, i, sizeof(elem));
		assert_status(KAAL_OK, kaal_ring_push(&prod, elem));
	}
	assert_status(KAAL_WOULD_BLOCK, kaal_ring_push(&prod, elem));
	for (uint8_t i = 0; i < 8; i++) {
		assert_status(KAAL_OK, kaal_ring_pop(&cons, elem));
		for (size_t b = 0; b < sizeof(elem); b++)
			assert_int_equal(i, elem[b]);
	}
	/* A stale lap never matches: slot 0 still says 1, the consumer wants 9. */
	assert_int_equal(1, kaal_atomic_load(seq_word(&f, 0, 8, 16), KAAL_RELAXED));
	assert_status(KAAL_WOULD_BLOCK, kaal_ring_pop(&cons, elem));
	/*
	 * A producer that keeps writing matching words and never publishes its
	 * index walks the consumer around the ring many times: every element is
	 * read from a slot of this ring (slot s holds bytes s).
	 */
	for (uint64_t s = 0; s < 8; s++)
		memset(data + s * seq_stride(16) + 8, (int)(0x40 + s), 16);
	for (uint64_t i = 8; i < 108; i++) {
		kaal_atomic_store(seq_word(&f, i, 8, 16), i + 1, KAAL_RELAXED);
		assert_status(KAAL_OK, kaal_ring_pop(&cons, elem));
		for (size_t b = 0; b < sizeof(elem); b++)
			assert_int_equal(0x40 + (i & 7), elem[b]);
	}
	assert_int_equal(108, kaal_atomic_load(&hdr->tail, KAAL_RELAXED));
	/* Its published head (8) is now more than a ring behind: impossible once read. */
	kaal_atomic_store(seq_word(&f, 108, 8, 16), 109, KAAL_RELAXED);
	assert_status(KAAL_CORRUPT_RING, kaal_ring_pop_burst(&cons, many, 8, &done));
	assert_int_equal(0, done);
	/* And the honest producer at 8 finds the consumer ahead of it. */
	assert_status(KAAL_CORRUPT_RING, kaal_ring_push(&prod, elem));
	assert_int_equal(0, kaal_ring_ready(&prod));
	harness_assert_fences_intact(&f);
	free(f.block);
}

/* In a packed ring elements lie back to back: a reservation hands out a contiguous run. */
struct elem64 {
	uint64_t v;
	uint8_t pad[56];
};

static void zero_copy_runs_of_large_elements(void **state)
{
	(void)state;
	struct harness_fenced f = fenced_ring_layout(8, sizeof(struct elem64), KAAL_RING_PACKED);
	struct kaal_ring prod, cons;
	attach_both(&f, &prod, &cons);
	assert_int_equal(0, prod.seq);
	assert_int_equal(sizeof(struct elem64), prod.stride);
	uint64_t next = 0, expect = 0;
	bool wrapped_run = false;
	for (int round = 0; round < 20; round++) {
		void *p;
		size_t got;
		assert_status(KAAL_OK, kaal_ring_reserve(&prod, 5, &p, &got));
		assert_true(got >= 1 && got <= 5);
		struct elem64 one = {0};
		assert_status(KAAL_INVALID_ARGUMENT, kaal_ring_push(&prod, &one));
		for (size_t i = 0; i < got; i++)
			((struct elem64 *)p)[i].v = next++;
		assert_status(KAAL_INVALID_ARGUMENT, kaal_ring_commit(&prod, got + 1));
		assert_status(KAAL_OK, kaal_ring_commit(&prod, got));
		/* A copied element after the reserved run, possibly across the wrap. */
		one.v = next;
		assert_status(KAAL_OK, kaal_ring_push(&prod, &one));
		next++;
		assert_status(KAAL_OK, kaal_ring_reserve(&cons, 8, &p, &got));
		for (size_t i = 0; i < got; i++)
			assert_int_equal(expect++, ((struct elem64 *)p)[i].v);
		assert_status(KAAL_OK, kaal_ring_commit(&cons, got));
		/* A wrapped run is handed out in two reservations. */
		if (kaal_ring_ready(&cons)) {
			wrapped_run = true;
			assert_status(KAAL_OK, kaal_ring_reserve(&cons, 8, &p, &got));
			for (size_t i = 0; i < got; i++)
				assert_int_equal(expect++, ((struct elem64 *)p)[i].v);
			assert_status(KAAL_OK, kaal_ring_commit(&cons, got));
		}
	}
	assert_true(wrapped_run);
	assert_int_equal(next, expect);
	harness_assert_fences_intact(&f);
	free(f.block);
}

/* Without sequence words the consumer takes what head says, so every bad head is seen. */
static void hostile_heads_without_sequence_words(void **state)
{
	(void)state;
	struct harness_fenced f = fenced_ring_layout(8, sizeof(struct elem64), KAAL_RING_PACKED);
	struct kaal_ring prod, cons;
	attach_both(&f, &prod, &cons);
	struct kaal_ring_header *hdr = f.mem;
	struct elem64 elem = {0};
	for (int i = 0; i < 8; i++)
		assert_status(KAAL_OK, kaal_ring_push(&prod, &elem));
	for (int i = 0; i < 8; i++)
		assert_status(KAAL_OK, kaal_ring_pop(&cons, &elem));
	/* The consumer is at 8: a head behind it or more than a ring ahead is impossible. */
	const uint64_t bad_heads[] = {UINT64_MAX, UINT64_MAX / 2, 0, 7, 17, 1000};
	for (size_t g = 0; g < sizeof(bad_heads) / sizeof(bad_heads[0]); g++) {
		kaal_atomic_store(&hdr->head, bad_heads[g], KAAL_RELAXED);
		void *p;
		size_t got;
		assert_status(KAAL_CORRUPT_RING, kaal_ring_pop(&cons, &elem));
		assert_status(KAAL_CORRUPT_RING, kaal_ring_reserve(&cons, 4, &p, &got));
		assert_int_equal(0, kaal_ring_ready(&cons));
	}
	/* A tail ahead of head is impossible at attach too. */
	kaal_atomic_store(&hdr->head, 4, KAAL_RELAXED);
	struct kaal_ring other;
	assert_status(KAAL_CORRUPT_RING,
	              kaal_ring_attach(&other, f.mem, f.size, KAAL_RING_CONSUMER));
	/* A head that is plausible but lies about the contents is read in bounds. */
	kaal_atomic_store(&hdr->head, 16, KAAL_RELAXED);
	for (int i = 0; i < 8; i++)
		assert_status(KAAL_OK, kaal_ring_pop(&cons, &elem));
	assert_status(KAAL_WOULD_BLOCK, kaal_ring_pop(&cons, &elem));
	assert_status(KAAL_CORRUPT_RING, kaal_ring_push(&prod, &elem));
	/* A peer rewriting the geometry after attach changes nothing on this side. */
	hdr->capacity = 1u << 20;
	hdr->elem_size = 8;
	hdr->slot_stride = 16;
	kaal_atomic_store(&hdr->head, 24, KAAL_RELAXED);
	size_t done;
	struct elem64 many[8];
	assert_status(KAAL_OK, kaal_ring_pop_burst(&cons, many, 8, &done));
	assert_int_equal(8, done);
	assert_status(KAAL_WOULD_BLOCK, kaal_ring_pop(&cons, &elem));
	harness_assert_fences_intact(&f);
	free(f.block);
}

/*
 * One producer thread and one consumer thread, a million sequence numbers
 * in elements of elem_size bytes (the number in the first 8). The producer
 * pushes bursts and single elements, the consumer alternates single pops
 * (the sequence words, where the ring has them) and bursts (the head).
 */
#define STRESS_COUNT 1000000u
#define STRESS_BURST 8u
#define STRESS_MAX   256u

struct stress {
	struct kaal_ring prod;
	uint32_t elem_size;
};

static void *stress_producer(void *arg)
{
	struct stress *s = arg;
	uint64_t next = 0;
	uint8_t batch[STRESS_BURST][STRESS_MAX];
	memset(batch, 0, sizeof(batch));
	while (next < STRESS_COUNT) {
		size_t n = next % 3 == 0 ? 1 : STRESS_BURST, done;
		if (n > STRESS_COUNT - next)
			n = STRESS_COUNT - next;
		for (size_t k = 0; k < n; k++) {
			uint64_t v = next + k;
			memcpy((uint8_t *)batch + k * s->elem_size, &v, sizeof(v));
		}
		if (kaal_ring_push_burst(&s->prod, batch, n, &done) == KAAL_OK)
			next += done;
	}
	return NULL;
}

static void stress_in_order(uint32_t elem_size, enum kaal_ring_layout layout)
{
	struct harness_fenced f = fenced_ring_layout(256, elem_size, layout);
	struct stress s = {.elem_size = elem_size};
	struct kaal_ring cons;
	attach_both(&f, &s.prod, &cons);
	pthread_t t;
	assert_int_equal(0, pthread_create(&t, NULL, stress_producer, &s));
	uint64_t expect = 0, turn = 0;
	bool in_order = true;
	uint8_t batch[STRESS_BURST][STRESS_MAX];
	while (expect < STRESS_COUNT && in_order) {
		size_t done = 0;
		kaal_status st = turn++ % 2 ? kaal_ring_pop_burst(&cons, batch, STRESS_BURST, &done)
		                            : kaal_ring_pop_burst(&cons, batch, 1, &done);
		if (st != KAAL_OK && st != KAAL_WOULD_BLOCK)
			in_order = false;
		for (size_t k = 0; k < done; k++) {
			uint64_t v;
			memcpy(&v, (uint8_t *)batch + k * elem_size, sizeof(v));
			in_order = in_order && v == expect;
			expect++;
		}
	}
	pthread_join(t, NULL);
	assert_true(in_order);
	assert_int_equal(STRESS_COUNT, expect);
	harness_assert_fences_intact(&f);
	free(f.block);
}

static void spsc_threads_keep_order(void **state)
{
	(void)state;
	stress_in_order(sizeof(uint64_t), KAAL_RING_SEQUENCED); /* the word before the element */
	stress_in_order(64, KAAL_RING_SEQUENCED);               /* the word after it */
	stress_in_order(sizeof(uint64_t), KAAL_RING_PACKED);    /* back to back, runs copied */
	stress_in_order(STRESS_MAX, KAAL_RING_PACKED);          /* back to back, one by one */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(geometry_is_checked),
	    cmocka_unit_test(attach_rejects_bad_headers),
	    cmocka_unit_test(fifo_order_and_full_capacity),
	    cmocka_unit_test(every_element_size_round_trips),
	    cmocka_unit_test(long_runs_wrap_whole),
	    cmocka_unit_test(create_over_dirty_memory_gives_an_empty_ring),
	    cmocka_unit_test(one_element_calls_check_their_arguments),
	    cmocka_unit_test(library_functions_answer_as_the_inline_paths),
	    cmocka_unit_test(ready_follows_a_sequence_word),
	    cmocka_unit_test(bursts_take_what_fits),
	    cmocka_unit_test(zero_copy_on_both_sides),
	    cmocka_unit_test(hostile_indices_are_contained),
	    cmocka_unit_test(hostile_sequence_words_are_contained),
	    cmocka_unit_test(zero_copy_runs_of_large_elements),
	    cmocka_unit_test(hostile_heads_without_sequence_words),
	    cmocka_unit_test(spsc_threads_keep_order),
	};
	return cmocka_run_group_tests_name("ring", tests, NULL, NULL);
}
