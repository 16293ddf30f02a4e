/*
 * The checker's parts and how they share a run: the scheduler (sched.c)
 * owns the threads and the run; a strategy (strategy.c) picks each step;
 * the memory model (memory.c) holds each thread's buffered stores.
 */
#ifndef KAAL_CHECKER_INTERNAL_H
#define KAAL_CHECKER_INTERNAL_H

#include <kaal/checker.h>
#include <kaal/status.h>
#include <kaal/types.h>

/* A thread's buffered stores, oldest first; more than this drains the oldest. */
#define STORE_BUFFER_SIZE 32

struct buffered_store {
	volatile void *obj;
	unsigned size;
	uint64_t value;
	unsigned step; /* when the thread issued it */
	struct kaal_check_site site;
};

struct store_buffer {
	struct buffered_store entries[STORE_BUFFER_SIZE];
	unsigned count;
};

/*
 * What a step does: run a thread to its next scheduling point, move the
 * oldest store of a thread's buffer to memory, or end the earliest timed
 * wait. Entity ids: thread t runs as t, its buffer drains as
 * KAAL_CHECK_MAX_THREADS + t, the timer is the last.
 */
#define DRAIN_ENTITY(t) (KAAL_CHECK_MAX_THREADS + (t))
#define TIMER_ENTITY    (2 * KAAL_CHECK_MAX_THREADS)
#define ENTITIES        (2 * KAAL_CHECK_MAX_THREADS + 1)
/* The thread id while no checked thread runs (setup, finish): accesses act on memory at once. */
#define NO_THREAD KAAL_CHECK_MAX_THREADS

struct strategy_state {
	uint64_t rng;
	unsigned priority[ENTITIES];                /* PCT: the higher runs */
	unsigned change_at[KAAL_CHECK_MAX_THREADS]; /* PCT: steps where the runner drops */
	unsigned changes;
};

/* The access a thread's next step begins with, for telling steps that commute. */
enum pending_kind {
	PENDING_ANY,  /* a system call, a fence: depends on everything */
	PENDING_NONE, /* a thread's start, a yield: no shared access (kaal's code is race free) */
	PENDING_READ,
	PENDING_WRITE,
};

struct pending {
	enum pending_kind kind;
	const volatile void *obj;
};

/* Makes a run's decisions in place of its strategy or replay (explore.c). */
struct controller {
	/* The index into ready[0..n) to take, or n to stop the run here. */
	unsigned (*step)(void *ctx, const unsigned *ready, unsigned n);
	/* A decision that is not a step, among n options. */
	unsigned (*value)(void *ctx, unsigned n);
	void *ctx;
};

/* The run in progress. */
struct run {
	const struct kaal_check_test *test;
	const struct kaal_check_config *config;
	struct strategy_state strategy;
	struct store_buffer buffers[KAAL_CHECK_MAX_THREADS];
	unsigned current; /* the thread running, or NO_THREAD */
	unsigned steps;
	unsigned decisions;   /* recorded so far: a step's entity, a load's store */
	unsigned last_thread; /* the thread that took the latest thread step, or NO_THREAD */
	unsigned preemptions;
	/* Loads past a buffered store of their thread (TSO), loads of an older store than the
	 * newest (C11). */
	unsigned reorderings;
	uint64_t now;                        /* virtual time in nanoseconds */
	const struct controller *controller; /* NULL: the strategy, or the replay */
	bool stopped;                        /* the controller ended the run early */
	struct pending pending[KAAL_CHECK_MAX_THREADS];
	unsigned yielded; /* the thread whose step ended in kaal_check_yield(), or NO_THREAD */
	unsigned yields[KAAL_CHECK_MAX_THREADS]; /* kaal_check_yield() calls of each thread */
};

/* Steps a run may take when its config does not say. */
#define DEFAULT_MAX_STEPS 100000

/* The last run's reorderings (struct run), for shrinking. */
unsigned sched_last_reorderings(void);
/* A run's decisions: one per step, and at most one more (a load's store) within it. */
#define MAX_DECISIONS(max_steps) (2 * (max_steps) + 1)
/* In a replay's choices: take the default choice at this step. */
#define DEFAULT_CHOICE 0xFF

extern struct run *checker_run;

uint64_t strategy_random(struct strategy_state *s);
void strategy_start(struct strategy_state *s, const struct kaal_check_config *config);
/* A thread that waits by spinning says so: PCT puts it below everyone else. */
void strategy_yield(struct strategy_state *s, unsigned entity);
/* One of the n entities ready this step (n >= 1). */
unsigned strategy_pick(struct strategy_state *s, const struct kaal_check_config *config,
                       const unsigned *ready, unsigned n, unsigned step);

/* The run's memory model begins; a thread starts (what happened before it, it sees). */
void memory_start(void);
void memory_thread_start(unsigned t);
/* A system call: it orders the thread's accesses before it and after it with everyone's. */
void memory_syscall(unsigned t);
/* Thread t's stores under the run's model. */
void memory_store(unsigned t, volatile void *obj, unsigned size, uint64_t value,
                  struct kaal_check_site site);
void memory_drain_oldest(unsigned t);
void memory_drain_all(unsigned t);

/* The running thread gives the scheduler its next step. */
void sched_point(void);
/* As sched_point(), saying what the thread's next step begins with. */
void sched_point_at(enum pending_kind kind, const volatile void *obj);
/* One run of test, its decisions made by controller (NULL: as config says). */
bool sched_run(const struct kaal_check_test *test, const struct kaal_check_config *config,
               const struct controller *controller, struct kaal_check_result *result);
/* The running thread (or the root task) failed: the run ends. */
_Noreturn void sched_fail(const char *message);
/* A new thread running fn(arg), ready at once; NO_THREAD when all are in use. */
unsigned sched_spawn(void (*fn)(void *), void *arg);
/* What thread id's function is given, until it first runs. */
void sched_set_arg(unsigned id, void *arg);
/*
 * A decision among n options that is not a step (which store a load reads):
 * the strategy's randomness, or the replay's; recorded either way. 0 is the
 * default choice.
 */
unsigned sched_decide(unsigned n);
/* The running thread sleeps until sched_wake() or, if deadline is not 0, the timer's step. */
void sched_block(uint64_t deadline);
void sched_wake(unsigned id);
/* The running thread has ended. */
_Noreturn void sched_exit(void);
uint64_t sched_now(void);
/* The running thread's system call, before the kernel runs it (result NULL) and after. */
void sched_observe(kaal_word num, const kaal_word *args, const struct kaal_result *result);

/* The C11 model (c11.c), for checked threads; the root task's stores begin a word's history. */
void c11_start(void);
void c11_thread_start(unsigned t);
void c11_root_store(const volatile void *obj, uint64_t value);
/* *from_step: the store it read; *newest_step: the word's newest store then. */
uint64_t c11_load(unsigned t, const volatile void *obj, uint64_t in_memory,
                  enum kaal_check_order order, unsigned *from_step, unsigned *newest_step);
void c11_store(unsigned t, volatile void *obj, uint64_t in_memory, uint64_t value,
               enum kaal_check_order order, unsigned step);
/* Reads the newest store; update says whether to store and what (false: a failed CAS). */
uint64_t c11_rmw(unsigned t, volatile void *obj, uint64_t in_memory, enum kaal_check_order order,
                 unsigned step, bool (*update)(uint64_t old, uint64_t *value, void *arg),
                 void *arg);
void c11_fence(unsigned t, enum kaal_check_order order);
/* Plain accesses: a data race ends the run; the root task's are ordered before all. */
void c11_plain_start(void);
void c11_plain(unsigned t, const volatile void *ptr, unsigned long size, bool write,
               struct kaal_check_site site);
void c11_plain_root(const volatile void *ptr, unsigned long size);

/* The trace of a run with config->trace (trace.c); each call is a no-op otherwise. */
void trace_start(void);
void trace_load(struct kaal_check_site site, const volatile void *obj, uint64_t value,
                const struct buffered_store *from, const struct buffered_store *passed);
/* A C11 load: from_step's store is what it read, newest_step's the newest there was. */
void trace_load_from(struct kaal_check_site site, const volatile void *obj, uint64_t value,
                     unsigned from_step, unsigned newest_step);
void trace_store(struct kaal_check_site site, const volatile void *obj, uint64_t value,
                 bool buffered);
void trace_rmw(struct kaal_check_site site, const volatile void *obj, uint64_t old, uint64_t value);
void trace_fence(struct kaal_check_site site, enum kaal_check_order order, bool dropped);
void trace_drain(unsigned t, const struct buffered_store *store);
void trace_timer(unsigned t);
void trace_syscall(kaal_word num, kaal_status status);
void trace_block(kaal_word num, uint64_t deadline);
void trace_end(enum kaal_check_verdict verdict, const char *message);

/* The simulated machine of a test that boots (system.c). */
bool system_boot(void);
void system_shutdown(void);

#endif
