/*
 * Bulk transfer: large messages from a producer on cpu0 to a consumer on
 * cpu1, shared by the workload and the implementations that move them.
 * Every implementation makes and checks each message the same way, so they
 * all write and read the same bytes.
 */
#ifndef BULK_H
#define BULK_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#ifdef __cplusplus
extern "C" {
#endif

#define BULK_KIB 1024u
/* Bytes in flight at most in every ring, queue and pipe alike: well inside an L2. */
#define BULK_RING_BYTES (512u * BULK_KIB)

/* Every byte of a message but its first word, which holds its sequence number (from 1). */
#define BULK_FILL_BYTE 0x5a
#define BULK_FILL      UINT64_C(0x5a5a5a5a5a5a5a5a) /* a word of them */

/*
 * The producer writes every byte of message seq (size a multiple of 8).
 * memset(), as a producer filling a large buffer would: a word-at-a-time
 * loop wrote the lines the consumer had just read at half the speed.
 */
static inline void bulk_fill(void *msg, size_t size, uint64_t seq)
{
	memcpy(msg, &seq, sizeof seq);
	memset((uint8_t *)msg + sizeof seq, BULK_FILL_BYTE, size - sizeof seq);
}

/* The consumer reads every word: their sum shows a lost, stale or reordered message. */
static inline uint64_t bulk_sum(const void *msg, size_t size)
{
	const uint8_t *b = (const uint8_t *)msg;
	uint64_t sum = 0;
	for (size_t i = 0; i < size; i += sizeof(uint64_t)) {
		uint64_t w;
		memcpy(&w, b + i, sizeof w);
		sum += w;
	}
	return sum;
}

/* What bulk_sum() of message seq must be. */
static inline uint64_t bulk_expected(size_t size, uint64_t seq)
{
	return seq + (size / sizeof(uint64_t) - 1) * BULK_FILL;
}

/*
 * One timed run: msgs messages of size bytes from a producer on cpu0 to a
 * consumer on cpu1 that checks each; nanoseconds, or BENCH_UNSUPPORTED.
 */
typedef double (*bulk_fn)(size_t size, uint64_t msgs);

/* kaal's SharedRing, one message an element: copied by push/pop, or in place. */
double bulk_kaal_copy(size_t size, uint64_t msgs);
double bulk_kaal_zero_copy(size_t size, uint64_t msgs);
/* boost::lockfree::spsc_queue<uint8_t>, its byte-range push and pop; NULL when not built. */
extern const bulk_fn bulk_boost;
/* A pipe: write() and read(), the kernel copying in and out. */
double bulk_pipe(size_t size, uint64_t msgs);

#ifdef __cplusplus
}
#endif

#endif
