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
#include <stdio.h>

#include <kaal/atomic.h>
#include <kaal/sdk.h>
#include <kaal/status.h>
#include <kaal/types.h>

#define KAAL_CHECK_MAX_THREADS 8

enum kaal_check_model {
	KAAL_CHECK_SC,  /* sequential consistency: every access acts on memory at once */
	KAAL_CHECK_TSO, /* x86-TSO: a FIFO store buffer per thread, drained by fences and RMWs */
	KAAL_CHECK_C11, /* C11 release/acquire/relaxed: a load may read an older store */
};

enum kaal_check_strategy {
	KAAL_CHECK_RANDOM, /* every choice uniform */
	KAAL_CHECK_PCT,    /* random priorities with depth - 1 priority change points */
};

enum kaal_check_verdict {
	KAAL_CHECK_PASSED,
	KAAL_CHECK_FAILED,     /* an assertion of the test failed */
	KAAL_CHECK_DEADLOCK,   /* a thread is blocked and nothing can run to wake it */
	KAAL_CHECK_STEP_LIMIT, /* the run took more steps than allowed */
};

enum kaal_check_op {
	KAAL_CHECK_OP_LOAD,
	KAAL_CHECK_OP_STORE,
	KAAL_CHECK_OP_RMW, /* exchange, fetch-add, fetch-or, compare-and-swap */
	KAAL_CHECK_OP_FENCE,
};

/* An atomic operation in the source, as a run met it. */
struct kaal_check_site_info {
	const char *file; /* as the compiler named it (__FILE__) */
	int line;
	const char *function; /* the function the site is in (__func__) */
	enum kaal_check_op op;
	enum kaal_check_order order;
};

#define KAAL_CHECK_MAX_SITES 64

/* The distinct sites a run met, in the order it first met them. */
struct kaal_check_sites {
	struct kaal_check_site_info site[KAAL_CHECK_MAX_SITES];
	unsigned count;
	bool overflow; /* more than KAAL_CHECK_MAX_SITES: the rest were not recorded */
};

/*
 * A defect planted at run time in the code under test: the operations at
 * one source line (file as in kaal_check_site_info) lose their fence or
 * their ordering. A test that guards a site fails when it is mutated.
 */
enum kaal_check_mutation_kind {
	KAAL_CHECK_MUTATE_NONE,
	KAAL_CHECK_DROP_FENCE, /* the fence is not executed */
	KAAL_CHECK_RELAX,      /* every operation there is relaxed */
};

struct kaal_check_mutation {
	enum kaal_check_mutation_kind kind;
	const char *file; /* the site's file as the compiler named it, or a trailing part of it
	                     starting after a '/' (src/runtime/ring.c, ring.c) */
	int line;
};

/*
 * A run's decisions: the entity that took each step and, under C11, which
 * store each load read. What replays the run exactly.
 */
struct kaal_check_schedule {
	const uint8_t *choice;
	unsigned length;
};

struct kaal_check_config {
	enum kaal_check_model model;
	enum kaal_check_strategy strategy;
	uint64_t seed;
	unsigned pct_depth; /* PCT: bugs of this depth (1: no change points) */
	unsigned pct_steps; /* PCT: steps a run is expected to take */
	unsigned max_steps; /* a run is stopped after this many (0: 100,000) */
	struct kaal_check_mutation mutation;
	struct kaal_check_sites *sites; /* if not NULL, filled with the sites the run met */
	/*
	 * If not NULL, the run follows these choices (each one it can still
	 * make) instead of the strategy's, then takes the default choices: the
	 * thread that ran last while it can, else the lowest ready thread, else
	 * the oldest buffered store, else the timer.
	 */
	const struct kaal_check_schedule *replay;
	/* Record every step for kaal_check_print_trace() and kaal_check_write_trace_json(). */
	bool trace;
};

/*
 * A system call of a checked thread, as a test's reference model sees it:
 * once in the same step as the kernel runs it, before (result NULL), and
 * once when it returns (a blocking call: when the thread runs again).
 * The timer's step is seen too, as num KAAL_CHECK_TIMER_FIRED: thread's
 * wait has reached its deadline (args and result NULL); the observer runs
 * outside every thread, so its atomic loads read memory itself.
 */
#define KAAL_CHECK_TIMER_FIRED ((kaal_word)-1)

struct kaal_check_syscall {
	unsigned thread; /* the checker's thread id */
	kaal_word num;
	const kaal_word *args; /* KAAL_SYSCALL_ARGS words */
	const struct kaal_result *result;
};

struct kaal_check_test {
	const char *name;
	/* Threads the checker starts, running thread() (0 to KAAL_CHECK_MAX_THREADS in all). */
	unsigned threads;
	size_t state_size; /* zeroed and page aligned before each run */
	/*
	 * Boot a simulated kaal machine for each run: setup runs as its root
	 * task and may start kaal threads (kaal_check_spawn()), which the checker
	 * schedules like its own; blocking system calls are scheduling events.
	 */
	bool boots;
	/* Before the threads start, on zeroed state (may be NULL). */
	void (*setup)(void *state);
	/* Thread id's body, 0 <= id < threads. */
	void (*thread)(unsigned id, void *state);
	/* After every thread finished and every store reached memory (may be NULL). */
	void (*finish)(void *state);
	/* Each system call of a checked thread, for a reference model (may be NULL). */
	void (*observe)(void *state, const struct kaal_check_syscall *call);
};

struct kaal_check_result {
	enum kaal_check_verdict verdict;
	unsigned steps;
	const char *message; /* what failed, with its file:line; NULL when passed */
};

/* One run of test under config. Returns false only for a config or test it cannot run. */
bool kaal_check_run(const struct kaal_check_test *test, const struct kaal_check_config *config,
                    struct kaal_check_result *result);

/*
 * In a test that boots, from its setup: start fn(arg) as a kaal thread in a
 * process of its own, given the root's capability caps[i] with rights[i] at
 * slot i + 1 of its CSpace (its cptr i + 1), for i < count (at most 15).
 */
kaal_status kaal_check_spawn(void (*fn)(kaal_word), kaal_word arg, const kaal_cptr *caps,
                             const unsigned *rights, unsigned count);
/* In a test that boots: the root task's broker, which owns all of boot info. */
struct kaal_broker *kaal_check_broker(void);

/*
 * In a checked thread that waits by spinning (polling until another thread
 * acts): a step of its own, and under PCT the thread drops below every
 * other, so a high-priority spinner cannot starve the thread it waits for.
 * Outside a checked thread it does nothing.
 */
void kaal_check_yield(void);

/* The run's seed, for a test whose threads draw random operations from it. */
uint64_t kaal_check_seed(void);

struct kaal_check_exploration {
	unsigned long runs;              /* executions, those the sleep sets cut short included */
	bool complete;                   /* every schedule within the bound was covered */
	struct kaal_check_result result; /* of the last run: the failing one, if any */
};

/*
 * Explore every schedule of test within preemption_bound preemptions, up to
 * max_runs runs, by depth-first search over its decisions; sleep sets skip
 * schedules that only reorder steps that commute. Stops at the first
 * failing run, which kaal_check_last_schedule() then replays (as
 * config.replay). config's model applies; its strategy and seed do not.
 */
bool kaal_check_explore(const struct kaal_check_test *test, const struct kaal_check_config *config,
                        unsigned preemption_bound, unsigned long max_runs,
                        struct kaal_check_exploration *out);

/*
 * The command line that replays a run of the named test under config
 * ("kaal-check run NAME --model ... --seed ..."), written into out (size
 * bytes, always terminated). Returns out.
 */
const char *kaal_check_replay_command(char *out, size_t size, const char *test,
                                      const struct kaal_check_config *config);

/* The last run's schedule: valid until the next run. */
struct kaal_check_schedule kaal_check_last_schedule(void);

/*
 * Shrink the failing run config describes (its seed, or its replay): find a
 * schedule that fails with the same verdict in fewer steps with fewer
 * preemptions. *out (valid until the next shrink) and *result describe it;
 * false if the run does not fail.
 */
bool kaal_check_shrink(const struct kaal_check_test *test, const struct kaal_check_config *config,
                       struct kaal_check_schedule *out, struct kaal_check_result *result);

/* Preemptions in a schedule: steps that switch away from a thread that could go on. */
unsigned kaal_check_preemptions(void);

/*
 * The last traced run, a line per step: the entity, the operation and its
 * source line, the value, and for each load the step whose store it read;
 * then each reordering the run took (a load that passed an earlier store
 * of the same thread, still buffered: where a store-load fence belongs).
 */
void kaal_check_print_trace(FILE *out);
/* The last traced run as Chrome trace JSON (Perfetto's UI opens it); false on an I/O error. */
bool kaal_check_write_trace_json(const char *path);

/* A failed assertion ends the run with KAAL_CHECK_FAILED. */
void kaal_check_assert_at(bool holds, const char *what, const char *file, int line);
#define kaal_check_assert(cond) kaal_check_assert_at((cond), #cond, __FILE__, __LINE__)

/* The strategy and model names used on command lines ("random", "pct"; "sc", "tso", "c11"). */
const char *kaal_check_strategy_name(enum kaal_check_strategy s);
const char *kaal_check_model_name(enum kaal_check_model m);

#endif
