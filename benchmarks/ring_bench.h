/*
 * Shared by the ring benchmark and the peers it measures kaal against.
 * Every implementation runs the same workloads on the same harness: the
 * same capacity, element sizes and sequence numbers, the same threads
 * pinned to the same cpus, the same spin loops. Each peer file owns its
 * loops so that a header-only peer is inlined as its users would inline it.
 */
#ifndef RING_BENCH_H
#define RING_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Slots in every ring and queue measured. */
#define BENCH_CAPACITY 1024u

/* Elements of 8, 64 and 256 bytes: a sequence number, then padding. Sequence numbers start at 1. */
struct bench_elem8 {
	uint64_t seq;
};
struct bench_elem64 {
	uint64_t seq;
	uint8_t pad[56];
};
struct bench_elem256 {
	uint64_t seq;
	uint8_t pad[248];
};

/* The largest burst any workload moves at once. */
#define BENCH_MAX_BURST 32u
/*
 * The element buffers start on a cache line, as every ring's slots here do:
 * a copy whose source sits 1..63 bytes before its destination modulo 4 KiB
 * runs at a third of its speed (docs/benchmarks.md), and a stack array's
 * place in its page would otherwise decide which peer that hits.
 */
#define BENCH_LINE_ALIGNED __attribute__((aligned(64)))

/* The sum of 1..n: what a consumer that saw every element exactly once has added up. */
static inline uint64_t bench_expected_sum(uint64_t n)
{
	return n * (n + 1) / 2;
}

/* Work a consumer does per element: an empty loop of n turns the compiler keeps. */
static inline void bench_work(unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		__asm__ volatile("");
}

/*
 * The loops every implementation runs, written once. push, pop, push_burst
 * and pop_burst name function-like macros of the calling file:
 *   push(const type *e) and pop(type *e) are true when an element moved;
 *   push_burst(const type *b, size_t n) and pop_burst(type *b, size_t n)
 *   return how many moved. A side that finds the ring full or empty retries
 *   at once (both sides have a cpu of their own).
 */
#define BENCH_PRODUCE(type, items, burst, push, push_burst)                                        \
	do {                                                                                       \
		type b_[BENCH_MAX_BURST] BENCH_LINE_ALIGNED;                                       \
		memset(b_, 0, sizeof(b_));                                                         \
		if ((burst) == 1) {                                                                \
			for (uint64_t i_ = 1; i_ <= (items);) {                                    \
				b_[0].seq = i_;                                                    \
				if (push(&b_[0]))                                                  \
					i_++;                                                      \
			}                                                                          \
			break;                                                                     \
		}                                                                                  \
		for (uint64_t i_ = 1; i_ <= (items);) {                                            \
			size_t n_ =                                                                \
			    (items)-i_ + 1 < (burst) ? (size_t)((items)-i_ + 1) : (size_t)(burst); \
			for (size_t j_ = 0; j_ < n_; j_++)                                         \
				b_[j_].seq = i_ + j_;                                              \
			i_ += push_burst(b_, n_);                                                  \
		}                                                                                  \
	} while (0)

#define BENCH_CONSUME(type, items, burst, work, pop, pop_burst, who)                               \
	do {                                                                                       \
		type b_[BENCH_MAX_BURST] BENCH_LINE_ALIGNED;                                       \
		uint64_t sum_ = 0;                                                                 \
		if ((burst) == 1) {                                                                \
			for (uint64_t i_ = 0; i_ < (items);) {                                     \
				if (pop(&b_[0])) {                                                 \
					sum_ += b_[0].seq;                                         \
					bench_work(work);                                          \
					i_++;                                                      \
				}                                                                  \
			}                                                                          \
		} else {                                                                           \
			for (uint64_t i_ = 0; i_ < (items);) {                                     \
				size_t n_ =                                                        \
				    (items)-i_ < (burst) ? (size_t)((items)-i_) : (size_t)(burst); \
				size_t got_ = pop_burst(b_, n_);                                   \
				for (size_t j_ = 0; j_ < got_; j_++) {                             \
					sum_ += b_[j_].seq;                                        \
					bench_work(work);                                          \
				}                                                                  \
				i_ += got_;                                                        \
			}                                                                          \
		}                                                                                  \
		bench_check((who), sum_, bench_expected_sum(items));                               \
	} while (0)

/* Round trips: the pinger sends i and waits for i back, the ponger echoes. */
#define BENCH_PING(type, trips, push, pop, who)                                                    \
	do {                                                                                       \
		type out_, in_;                                                                    \
		memset(&out_, 0, sizeof(out_));                                                    \
		uint64_t sum_ = 0;                                                                 \
		for (uint64_t i_ = 1; i_ <= (trips); i_++) {                                       \
			out_.seq = i_;                                                             \
			while (!push(&out_)) {                                                     \
			}                                                                          \
			while (!pop(&in_)) {                                                       \
			}                                                                          \
			sum_ += in_.seq;                                                           \
		}                                                                                  \
		bench_check((who), sum_, bench_expected_sum(trips));                               \
	} while (0)

#define BENCH_PONG(type, trips, push, pop)                                                         \
	do {                                                                                       \
		type e_;                                                                           \
		for (uint64_t i_ = 1; i_ <= (trips); i_++) {                                       \
			while (!pop(&e_)) {                                                        \
			}                                                                          \
			while (!push(&e_)) {                                                       \
			}                                                                          \
		}                                                                                  \
	} while (0)

/*
 * MPMC: producer k of 2 pushes sequence numbers k*half+1 .. (k+1)*half; each
 * of the 2 consumers pops exactly half of the total and adds to *total.
 * With four threads on two cpus a thread that finds the queue full or
 * empty yields its cpu.
 */
#define BENCH_MPMC_PRODUCE(type, k, half, push)                                                    \
	do {                                                                                       \
		type e_;                                                                           \
		memset(&e_, 0, sizeof(e_));                                                        \
		for (uint64_t i_ = (k) * (half) + 1; i_ <= ((k) + 1) * (half);) {                  \
			e_.seq = i_;                                                               \
			if (push(&e_))                                                             \
				i_++;                                                              \
			else                                                                       \
				bench_yield();                                                     \
		}                                                                                  \
	} while (0)

#define BENCH_MPMC_CONSUME(type, half, pop, total)                                                 \
	do {                                                                                       \
		type e_;                                                                           \
		uint64_t sum_ = 0;                                                                 \
		for (uint64_t i_ = 0; i_ < (half);) {                                              \
			if (pop(&e_)) {                                                            \
				sum_ += e_.seq;                                                    \
				i_++;                                                              \
			} else {                                                                   \
				bench_yield();                                                     \
			}                                                                          \
		}                                                                                  \
		bench_add(total, sum_);                                                            \
	} while (0)

/* Give up the cpu (sched_yield). */
void bench_yield(void);
/* Atomically add v to *total. */
void bench_add(uint64_t *total, uint64_t v);

/* Returned by a peer for a workload it has no API for. */
#define BENCH_UNSUPPORTED (-1.0)

typedef void (*bench_fn)(void *arg);

/*
 * Run fn[i](arg) on n threads, thread i pinned to cpu i % 2, all released at
 * once. Returns the nanoseconds from the release until the last one ended.
 */
double bench_threads(unsigned n, const bench_fn *fn, void *arg);

/* Spin round trip: fn[0] pings, fn[1] answers; both spin. */
static inline double bench_pair(bench_fn a, bench_fn b, void *arg)
{
	bench_fn fn[2] = {a, b};
	return bench_threads(2, fn, arg);
}

/* Record a wrong sum: the run is reported as broken instead of timed. */
void bench_check(const char *who, uint64_t got, uint64_t want);

/* Allocate size bytes aligned to 128 (zeroed), or abort. */
void *bench_alloc(size_t size);

/*
 * One implementation. Each entry runs one timed run and returns its
 * nanoseconds, or BENCH_UNSUPPORTED; a NULL entry means the same.
 */
struct bench_peer {
	const char *name;
	const char *package; /* the Debian package that provides it */
	const char *skipped; /* NULL when built, else why not ("install <package>") */
	/* NULL, or a check at run time: NULL when usable, else why not. */
	const char *(*probe)(void);
	/*
	 * items elements of elem_size (8, 64 or 256) bytes, moved burst at a
	 * time; the consumer runs bench_work(work) per element.
	 */
	double (*spsc)(unsigned elem_size, unsigned burst, unsigned work, uint64_t items);
	/* trips spin round trips of one 8-byte element over two SPSC rings. */
	double (*round_trip)(uint64_t trips);
	/* 2 producers and 2 consumers move items 8-byte elements in all. */
	double (*mpmc)(uint64_t items);
};

extern const struct bench_peer bench_kaal;
extern const struct bench_peer bench_ck;
extern const struct bench_peer bench_dpdk;
extern const struct bench_peer bench_boost;
extern const struct bench_peer bench_rwqueue;
extern const struct bench_peer bench_atomic_queue;
extern const struct bench_peer bench_concurrentqueue;

#ifdef __cplusplus
}
#endif

#endif
