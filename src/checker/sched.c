/*
 * The scheduler. A checked test's threads are user-level contexts that run
 * one at a time; each atomic access and each system call first hands
 * control back here, and the strategy picks the next step among the
 * threads that can run, the store buffers that hold stores, and the timer
 * when a blocked thread has a deadline. A switch is a context swap, no
 * system call (switch.S), so a run costs little more than the test's own
 * code. Time is virtual: it moves only when the timer takes a step.
 */
#define _POSIX_C_SOURCE 200809L /* posix_memalign */
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checker.h"

/* AddressSanitizer's marks on a stack whose frames were abandoned are cleared before reuse. */
#if defined(__SANITIZE_ADDRESS__)
#define CHECKER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CHECKER_ASAN 1
#endif
#endif
#ifdef CHECKER_ASAN
#include <sanitizer/asan_interface.h>
#define unpoison_stack(stack, size) __asan_unpoison_memory_region((stack), (size))
#else
#define unpoison_stack(stack, size) ((void)(stack), (void)(size))
#endif

#define THREAD_STACK_SIZE (256 * 1024)
#define STATE_ALIGN       4096

enum thread_state {
	THREAD_UNUSED,
	THREAD_READY,
	THREAD_BLOCKED,
	THREAD_FINISHED,
};

struct checked_thread {
	void *sp; /* the saved stack pointer while it does not run */
	char *stack;
	enum thread_state state;
	uint64_t deadline; /* while blocked: when the timer may end the wait (0: never) */
	void (*fn)(void *);
	void *arg;
};

/* switch.S */
void *checker_prepare(void *stack_top, void (*fn)(void *), void *arg);
void checker_switch(void **from_sp, void *to_sp);

struct run *checker_run;
static struct checked_thread threads[KAAL_CHECK_MAX_THREADS];
static void *scheduler_sp;
static void *test_state;
/* The decisions of the latest run: the entity of each step, each load's store. */
static uint8_t *choices;
static unsigned choices_size;
static unsigned last_decisions;
static unsigned last_preemptions;
static unsigned last_reorderings;
static bool failed;
static char failure[256];
/* Where a failure of the root task (in setup or the oracle) goes: the end of that call. */
static jmp_buf root_escape;

static void record_failure(const char *message)
{
	if (!failed) {
		failed = true;
		snprintf(failure, sizeof failure, "%s", message);
	}
}

static void to_scheduler(void)
{
	checker_switch(&threads[checker_run->current].sp, scheduler_sp);
}

static void thread_main(void *arg)
{
	struct checked_thread *ct = arg;
	ct->fn(ct->arg);
	sched_exit();
}

unsigned sched_spawn(void (*fn)(void *), void *arg)
{
	unsigned id = 0;
	while (id < KAAL_CHECK_MAX_THREADS && threads[id].state != THREAD_UNUSED)
		id++;
	if (id == KAAL_CHECK_MAX_THREADS)
		return NO_THREAD;
	struct checked_thread *ct = &threads[id];
	if (!ct->stack && !(ct->stack = malloc(THREAD_STACK_SIZE)))
		return NO_THREAD;
	/* A failed run leaves its threads' frames behind, never returned from. */
	unpoison_stack(ct->stack, THREAD_STACK_SIZE);
	ct->fn = fn;
	ct->arg = arg;
	ct->deadline = 0;
	ct->state = THREAD_READY;
	checker_run->pending[id] = (struct pending){PENDING_NONE, NULL};
	memory_thread_start(id);
	ct->sp = checker_prepare(ct->stack + THREAD_STACK_SIZE, thread_main, ct);
	return id;
}

void sched_set_arg(unsigned id, void *arg)
{
	threads[id].arg = arg;
}

void sched_point_at(enum pending_kind kind, const volatile void *obj)
{
	unsigned t = checker_run->current;
	if (t == NO_THREAD)
		return;
	checker_run->pending[t] = (struct pending){kind, obj};
	to_scheduler();
}

void sched_point(void)
{
	sched_point_at(PENDING_ANY, NULL);
}

uint64_t kaal_check_seed(void)
{
	return checker_run ? checker_run->config->seed : 0;
}

void sched_observe(kaal_word num, const kaal_word *args, const struct kaal_result *result)
{
	void (*observe)(void *, const struct kaal_check_syscall *) = checker_run->test->observe;
	if (!observe || checker_run->current == NO_THREAD)
		return;
	const struct kaal_check_syscall call = {checker_run->current, num, args, result};
	observe(test_state, &call);
}

void kaal_check_yield(void)
{
	if (!checker_run || checker_run->current == NO_THREAD)
		return;
	strategy_yield(&checker_run->strategy, checker_run->current);
	checker_run->yielded = checker_run->current;
	checker_run->yields[checker_run->current]++;
	sched_point_at(PENDING_NONE, NULL);
}

void sched_block(uint64_t deadline)
{
	struct checked_thread *ct = &threads[checker_run->current];
	ct->state = THREAD_BLOCKED;
	ct->deadline = deadline;
	to_scheduler();
}

void sched_wake(unsigned id)
{
	if (id < KAAL_CHECK_MAX_THREADS && threads[id].state == THREAD_BLOCKED)
		threads[id].state = THREAD_READY;
}

_Noreturn void sched_exit(void)
{
	threads[checker_run->current].state = THREAD_FINISHED;
	to_scheduler();
	abort(); /* a finished thread is never picked again */
}

uint64_t sched_now(void)
{
	return checker_run->now;
}

_Noreturn void sched_fail(const char *message)
{
	record_failure(message);
	if (checker_run->current == NO_THREAD)
		longjmp(root_escape, 1);
	to_scheduler();
	abort(); /* a failed run's threads are never resumed */
}

void kaal_check_assert_at(bool holds, const char *what, const char *file, int line)
{
	if (holds)
		return;
	char message[sizeof failure];
	snprintf(message, sizeof message, "assertion failed: %s (%s:%d)", what, file, line);
	sched_fail(message);
}

/* Runs fn(state) as the root task; false if it failed. */
static bool root_call(void (*fn)(void *), void *state)
{
	if (fn && setjmp(root_escape) == 0)
		fn(state);
	return !failed;
}

static void plain_thread(void *arg)
{
	checker_run->test->thread((unsigned)(uintptr_t)arg, test_state);
}

/* The entities that can take the next step: ready threads, non-empty buffers, the timer. */
static unsigned ready_entities(const struct run *r, unsigned *ready)
{
	unsigned n = 0;
	bool timed = false;
	for (unsigned t = 0; t < KAAL_CHECK_MAX_THREADS; t++) {
		if (threads[t].state == THREAD_READY)
			ready[n++] = t;
		timed |= threads[t].state == THREAD_BLOCKED && threads[t].deadline != 0;
	}
	for (unsigned t = 0; t < KAAL_CHECK_MAX_THREADS; t++)
		if (r->buffers[t].count > 0)
			ready[n++] = DRAIN_ENTITY(t);
	if (timed)
		ready[n++] = TIMER_ENTITY;
	return n;
}

/* Where ready holds entity, or n. */
static unsigned index_of(const unsigned *ready, unsigned n, unsigned entity)
{
	unsigned i = 0;
	while (i < n && ready[i] != entity)
		i++;
	return i;
}

/* The default choice: the last thread while it is ready, else the first ready entity. */
static unsigned default_choice(const struct run *r, const unsigned *ready, unsigned n)
{
	unsigned i = index_of(ready, n, r->last_thread);
	return i < n ? i : 0;
}

/* The replay's next decision, or DEFAULT_CHOICE past its end. */
static unsigned replayed(const struct run *r)
{
	const struct kaal_check_schedule *replay = r->config->replay;
	return r->decisions < replay->length ? replay->choice[r->decisions] : DEFAULT_CHOICE;
}

static void record_decision(struct run *r, unsigned decision)
{
	choices[r->decisions++] = (uint8_t)decision;
}

static unsigned choose(struct run *r, const unsigned *ready, unsigned n)
{
	if (r->controller)
		return r->controller->step(r->controller->ctx, ready, n);
	if (!r->config->replay)
		return strategy_pick(&r->strategy, r->config, ready, n, r->steps);
	unsigned i = index_of(ready, n, replayed(r));
	return i < n ? i : default_choice(r, ready, n);
}

unsigned sched_decide(unsigned n)
{
	struct run *r = checker_run;
	unsigned d;
	if (r->controller) {
		d = r->controller->value(r->controller->ctx, n);
	} else if (r->config->replay) {
		d = replayed(r);
		if (d >= n)
			d = 0;
	} else {
		d = (unsigned)(strategy_random(&r->strategy) % n);
	}
	record_decision(r, d);
	return d;
}

/* The timer's step: time jumps to the earliest deadline, whose thread runs again. */
static void timer_step(struct run *r)
{
	unsigned first = NO_THREAD;
	for (unsigned t = 0; t < KAAL_CHECK_MAX_THREADS; t++)
		if (threads[t].state == THREAD_BLOCKED && threads[t].deadline != 0 &&
		    (first == NO_THREAD || threads[t].deadline < threads[first].deadline))
			first = t;
	if (threads[first].deadline > r->now)
		r->now = threads[first].deadline;
	threads[first].state = THREAD_READY;
	trace_timer(first);
	if (r->test->observe) {
		const struct kaal_check_syscall fired = {first, KAAL_CHECK_TIMER_FIRED, NULL, NULL};
		r->test->observe(test_state, &fired);
	}
}

static unsigned max_steps_of(const struct kaal_check_config *config)
{
	return config->max_steps ? config->max_steps : DEFAULT_MAX_STEPS;
}

static enum kaal_check_verdict schedule(struct run *r)
{
	unsigned max_steps = max_steps_of(r->config);
	unsigned ready[ENTITIES];
	for (;;) {
		unsigned n = ready_entities(r, ready);
		if (n == 0)
			break;
		if (r->steps == max_steps) {
			char message[sizeof failure];
			snprintf(message, sizeof message,
			         "step limit: %u steps and not finished (a thread spinning without "
			         "kaal_check_yield()?)",
			         max_steps);
			record_failure(message);
			return KAAL_CHECK_STEP_LIMIT;
		}
		r->steps++;
		unsigned i = choose(r, ready, n);
		if (i >= n) {
			r->stopped = true;
			return KAAL_CHECK_PASSED;
		}
		unsigned pick = ready[i];
		record_decision(r, pick);
		if (pick == TIMER_ENTITY) {
			timer_step(r);
			continue;
		}
		if (pick >= KAAL_CHECK_MAX_THREADS) {
			memory_drain_oldest(pick - KAAL_CHECK_MAX_THREADS);
			continue;
		}
		if (r->last_thread != pick && r->last_thread != NO_THREAD &&
		    r->last_thread != r->yielded && threads[r->last_thread].state == THREAD_READY)
			r->preemptions++;
		r->last_thread = pick;
		r->current = pick;
		r->yielded = NO_THREAD;
		checker_switch(&scheduler_sp, threads[pick].sp);
		r->current = NO_THREAD;
		if (failed)
			return KAAL_CHECK_FAILED;
	}
	for (unsigned t = 0; t < KAAL_CHECK_MAX_THREADS; t++) {
		if (threads[t].state == THREAD_BLOCKED) {
			char message[sizeof failure];
			snprintf(message, sizeof message,
			         "deadlock: thread %u is blocked and nothing can wake it", t);
			record_failure(message);
			return KAAL_CHECK_DEADLOCK;
		}
	}
	return KAAL_CHECK_PASSED;
}

static void reset_threads(void)
{
	for (unsigned t = 0; t < KAAL_CHECK_MAX_THREADS; t++)
		threads[t].state = THREAD_UNUSED;
}

/* Setup, the threads and the oracle, on a booted system for a test that boots. */
static enum kaal_check_verdict run_test(struct run *run)
{
	const struct kaal_check_test *test = run->test;
	if (!root_call(test->setup, test_state))
		return KAAL_CHECK_FAILED;
	for (unsigned t = 0; t < test->threads; t++)
		if (sched_spawn(plain_thread, (void *)(uintptr_t)t) == NO_THREAD)
			return KAAL_CHECK_FAILED;
	enum kaal_check_verdict verdict = schedule(run);
	if (verdict == KAAL_CHECK_PASSED && !run->stopped && !root_call(test->finish, test_state))
		verdict = KAAL_CHECK_FAILED;
	return verdict;
}

bool kaal_check_run(const struct kaal_check_test *test, const struct kaal_check_config *config,
                    struct kaal_check_result *result)
{
	return sched_run(test, config, NULL, result);
}

bool sched_run(const struct kaal_check_test *test, const struct kaal_check_config *config,
               const struct controller *controller, struct kaal_check_result *result)
{
	if (!test || !config || !result || test->threads > KAAL_CHECK_MAX_THREADS ||
	    (test->threads > 0 && !test->thread))
		return false;
	unsigned max_decisions = MAX_DECISIONS(max_steps_of(config));
	if (choices_size < max_decisions) {
		uint8_t *grown = realloc(choices, max_decisions);
		if (!grown)
			return false;
		choices = grown;
		choices_size = max_decisions;
	}
	struct run run = {.test = test,
	                  .config = config,
	                  .current = NO_THREAD,
	                  .last_thread = NO_THREAD,
	                  .yielded = NO_THREAD,
	                  .controller = controller};
	/* Page aligned: a test's state may hold a ring, which wants a cache line of its own. */
	size_t state_size = test->state_size ? test->state_size : 1;
	if (posix_memalign(&test_state, STATE_ALIGN, state_size) != 0)
		return false;
	memset(test_state, 0, state_size);
	checker_run = &run;
	failed = false;
	reset_threads();
	strategy_start(&run.strategy, config);
	memory_start();
	trace_start();
	enum kaal_check_verdict verdict;
	if (test->boots && !system_boot()) {
		record_failure("the simulated machine did not boot");
		verdict = KAAL_CHECK_FAILED;
	} else {
		verdict = run_test(&run);
		if (test->boots)
			system_shutdown();
	}
	trace_end(verdict, verdict == KAAL_CHECK_PASSED ? NULL : failure);
	free(test_state);
	test_state = NULL;
	checker_run = NULL;
	last_decisions = run.decisions;
	last_preemptions = run.preemptions;
	last_reorderings = run.reorderings;
	*result = (struct kaal_check_result){
	    .verdict = verdict,
	    .steps = run.steps,
	    .message = verdict == KAAL_CHECK_PASSED ? NULL : failure,
	};
	return true;
}

struct kaal_check_schedule kaal_check_last_schedule(void)
{
	struct kaal_check_schedule schedule = {choices, last_decisions};
	return schedule;
}

unsigned kaal_check_preemptions(void)
{
	return last_preemptions;
}

unsigned sched_last_reorderings(void)
{
	return last_reorderings;
}

const char *kaal_check_replay_command(char *out, size_t size, const char *test,
                                      const struct kaal_check_config *c)
{
	int n =
	    snprintf(out, size,
	             "kaal-check run %s --model %s --strategy %s --seed %llu --depth %u "
	             "--pct-steps %u",
	             test, kaal_check_model_name(c->model), kaal_check_strategy_name(c->strategy),
	             (unsigned long long)c->seed, c->pct_depth, c->pct_steps);
	size_t used = n > 0 && (size_t)n < size ? (size_t)n : size;
	if (c->max_steps && used < size)
		used += (size_t)snprintf(out + used, size - used, " --max-steps %u", c->max_steps);
	if (c->mutation.kind != KAAL_CHECK_MUTATE_NONE && used < size)
		snprintf(out + used, size - used, " --mutate %s:%d:%s", c->mutation.file,
		         c->mutation.line,
		         c->mutation.kind == KAAL_CHECK_DROP_FENCE ? "drop" : "relax");
	return out;
}

const char *kaal_check_strategy_name(enum kaal_check_strategy s)
{
	return s == KAAL_CHECK_PCT ? "pct" : "random";
}

const char *kaal_check_model_name(enum kaal_check_model m)
{
	static const char *const names[] = {"sc", "tso", "c11"};
	return (unsigned)m < sizeof names / sizeof names[0] ? names[m] : "?";
}
