/*
 * The checker: runs a checked test's threads one at a time under a
 * schedule it controls and a memory model it simulates, so that a run is
 * determined by (test, strategy, model, seed) and can be replayed.
 *
 * A checked test names its threads and its oracle. Code under test uses
 * kaal/atomic.h as always; in a checker build every atomic access and fence
 * is a scheduling point (src/checker/include/kaal/atomic_hooks.h).
 */
#ifndef KAAL_CHECKER_H
#define KAAL_CHECKER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KAAL_CHECK_MAX_THREADS 8

enum kaal_check_model {
	KAAL_CHECK_SC,  /* sequential consistency: every access acts on memory at once */
	KAAL_CHECK_TSO, /* x86-TSO: a FIFO store buffer per thread, drained by fences and RMWs */
};

enum kaal_check_strategy {
	KAAL_CHECK_RANDOM, /* every choice uniform */
	KAAL_CHECK_PCT,    /* random priorities with depth - 1 priority change points */
};

enum kaal_check_verdict {
	KAAL_CHECK_PASSED,
	KAAL_CHECK_FAILED,     /* an assertion of the test failed */
	KAAL_CHECK_DEADLOCK,   /* no thread can run, and not all have finished */
	KAAL_CHECK_STEP_LIMIT, /* the run took more steps than allowed */
};

struct kaal_check_config {
	enum kaal_check_model model;
	enum kaal_check_strategy strategy;
	uint64_t seed;
	unsigned pct_depth; /* PCT: bugs of this depth (1: no change points) */
	unsigned pct_steps; /* PCT: steps a run is expected to take */
	unsigned max_steps; /* a run is stopped after this many (0: 100,000) */
};

struct kaal_check_test {
	const char *name;
	unsigned threads; /* 1 to KAAL_CHECK_MAX_THREADS */
	size_t state_size;
	/* Before the threads start, on zeroed state (may be NULL). */
	void (*setup)(void *state);
	/* Thread id's body, 0 <= id < threads. */
	void (*thread)(unsigned id, void *state);
	/* After every thread finished and every store reached memory (may be NULL). */
	void (*finish)(void *state);
};

struct kaal_check_result {
	enum kaal_check_verdict verdict;
	unsigned steps;
	const char *message; /* what failed, with its file:line; NULL when passed */
};

/* One run of test under config. Returns false only for a config or test it cannot run. */
bool kaal_check_run(const struct kaal_check_test *test, const struct kaal_check_config *config,
                    struct kaal_check_result *result);

/* A failed assertion ends the run with KAAL_CHECK_FAILED. */
void kaal_check_assert_at(bool holds, const char *what, const char *file, int line);
#define kaal_check_assert(cond) kaal_check_assert_at((cond), #cond, __FILE__, __LINE__)

/* The strategy and model names used on command lines ("random", "pct"; "sc", "tso"). */
const char *kaal_check_strategy_name(enum kaal_check_strategy s);
const char *kaal_check_model_name(enum kaal_check_model m);

#endif
