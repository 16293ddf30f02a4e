/*
 * The scheduler. A checked test's threads are user-level contexts that run
 * one at a time; each atomic access first hands control back here, and the
 * strategy picks the next step among the threads that can run and the
 * store buffers that hold stores. A switch is a context swap, no system
 * call (switch.S), so a run costs little more than the test's own code.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "checker.h"

#define THREAD_STACK_SIZE (256 * 1024)
#define DEFAULT_MAX_STEPS 100000
/* current while no checked thread runs (setup, finish): accesses act on memory at once. */
#define NO_THREAD KAAL_CHECK_MAX_THREADS

struct checked_thread {
	void *sp; /* the saved stack pointer while it does not run */
	char *stack;
	bool finished;
};

/* switch.S */
void *checker_prepare(void *stack_top, void (*fn)(void *), void *arg);
void checker_switch(void **from_sp, void *to_sp);

struct run *checker_run;
static struct checked_thread threads[KAAL_CHECK_MAX_THREADS];
static void *scheduler_sp;
static void *test_state;
static bool failed;
static char failure[256];

static void thread_main(void *arg)
{
	unsigned id = (unsigned)(uintptr_t)arg;
	checker_run->test->thread(id, test_state);
	threads[id].finished = true;
	checker_switch(&threads[id].sp, scheduler_sp);
	abort(); /* a finished thread is never picked again */
}

void sched_point(void)
{
	unsigned t = checker_run->current;
	if (t == NO_THREAD)
		return;
	checker_switch(&threads[t].sp, scheduler_sp);
}

_Noreturn void sched_fail(const char *message)
{
	if (!failed) {
		failed = true;
		snprintf(failure, sizeof failure, "%s", message);
	}
	unsigned t = checker_run->current;
	checker_switch(&threads[t].sp, scheduler_sp);
	abort(); /* a failed run's threads are never resumed */
}

void kaal_check_assert_at(bool holds, const char *what, const char *file, int line)
{
	if (holds)
		return;
	char message[sizeof failure];
	snprintf(message, sizeof message, "assertion failed: %s (%s:%d)", what, file, line);
	if (checker_run->current != NO_THREAD)
		sched_fail(message);
	if (!failed) {
		failed = true;
		snprintf(failure, sizeof failure, "%s", message);
	}
}

static bool prepare_threads(unsigned count)
{
	for (unsigned t = 0; t < count; t++) {
		struct checked_thread *ct = &threads[t];
		if (!ct->stack && !(ct->stack = malloc(THREAD_STACK_SIZE)))
			return false;
		ct->sp = checker_prepare(ct->stack + THREAD_STACK_SIZE, thread_main,
		                         (void *)(uintptr_t)t);
		ct->finished = false;
	}
	return true;
}

/* The entities that can take the next step: unfinished threads, then non-empty buffers. */
static unsigned ready_entities(const struct run *r, unsigned *ready)
{
	unsigned n = 0;
	for (unsigned t = 0; t < r->test->threads; t++)
		if (!threads[t].finished)
			ready[n++] = t;
	for (unsigned t = 0; t < r->test->threads; t++)
		if (r->buffers[t].count > 0)
			ready[n++] = DRAIN_ENTITY(t);
	return n;
}

static enum kaal_check_verdict schedule(struct run *r)
{
	unsigned max_steps = r->config->max_steps ? r->config->max_steps : DEFAULT_MAX_STEPS;
	unsigned ready[ENTITIES];
	for (;;) {
		unsigned n = ready_entities(r, ready);
		if (n == 0)
			return KAAL_CHECK_PASSED;
		if (r->steps == max_steps)
			return KAAL_CHECK_STEP_LIMIT;
		r->steps++;
		unsigned pick = ready[strategy_pick(&r->strategy, r->config, ready, n, r->steps)];
		if (pick >= KAAL_CHECK_MAX_THREADS) {
			memory_drain_oldest(pick - KAAL_CHECK_MAX_THREADS);
			continue;
		}
		r->current = pick;
		checker_switch(&scheduler_sp, threads[pick].sp);
		r->current = NO_THREAD;
		if (failed)
			return KAAL_CHECK_FAILED;
	}
}

bool kaal_check_run(const struct kaal_check_test *test, const struct kaal_check_config *config,
                    struct kaal_check_result *result)
{
	if (!test || !config || !result || !test->thread || test->threads == 0 ||
	    test->threads > KAAL_CHECK_MAX_THREADS)
		return false;
	struct run run = {.test = test, .config = config, .current = NO_THREAD};
	test_state = calloc(1, test->state_size ? test->state_size : 1);
	if (!test_state || !prepare_threads(test->threads)) {
		free(test_state);
		return false;
	}
	checker_run = &run;
	failed = false;
	strategy_start(&run.strategy, config);
	if (test->setup)
		test->setup(test_state);
	enum kaal_check_verdict verdict = schedule(&run);
	if (verdict == KAAL_CHECK_PASSED && test->finish) {
		test->finish(test_state);
		if (failed)
			verdict = KAAL_CHECK_FAILED;
	}
	free(test_state);
	test_state = NULL;
	checker_run = NULL;
	*result = (struct kaal_check_result){
	    .verdict = verdict,
	    .steps = run.steps,
	    .message = verdict == KAAL_CHECK_FAILED ? failure : NULL,
	};
	return true;
}

const char *kaal_check_strategy_name(enum kaal_check_strategy s)
{
	return s == KAAL_CHECK_PCT ? "pct" : "random";
}

const char *kaal_check_model_name(enum kaal_check_model m)
{
	return m == KAAL_CHECK_TSO ? "tso" : "sc";
}
