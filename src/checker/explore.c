/*
 * Exhaustive exploration within a preemption bound: stateless depth-first
 * search over a run's decisions. Each run replays a prefix of decisions
 * and then takes default ones (the thread that ran last while it can),
 * recording at every decision what else was possible; the next run takes
 * the deepest alternative not yet tried. A step that switches away from a
 * thread that could go on is a preemption, and no run takes more than the
 * bound; switching away from a thread that yields (it spins, waiting for
 * another) is not a preemption, and is the default. Sleep sets skip what only reorders steps that
 * commute: after the subtree of one step is explored, that step sleeps in its siblings' subtrees
 * until a step that does not commute with it runs. Two steps commute when they touch different
 * words or only read, or when one touches nothing shared (a thread's first step, a yield: kaal's
 * code is free of data races, which the C11 model checks); system calls, fences and the timer
 * commute with nothing.
 */
#include <stdlib.h>
#include <string.h>

#include "checker.h"

struct access {
	enum pending_kind kind;
	const volatile void *obj;
	unsigned thread; /* whose step or buffer; NO_THREAD for the timer */
};

struct level {
	bool value;                  /* a decision that is not a step */
	unsigned n;                  /* options */
	unsigned options[ENTITIES];  /* steps: the ready entities */
	struct access at[ENTITIES];  /* steps: what each option's step touches */
	unsigned chosen;             /* steps: an entity; values: the option */
	uint32_t tried;              /* steps: entities whose subtrees are explored or under way */
	uint32_t sleep;              /* steps: entities asleep here */
	unsigned preemptions_before; /* taken before this step */
	unsigned last_thread;        /* the thread that ran the step before */
	bool yielded;                /* ... and ended it in kaal_check_yield() */
	uint32_t unfair; /* after a yield: threads that yielded more than another ready one */
};

struct explorer {
	struct level *levels;
	unsigned capacity;
	unsigned depth;  /* decisions made in this run */
	unsigned prefix; /* decisions replayed from the last run */
	unsigned bound;
};

static struct access access_of(const struct run *r, unsigned entity)
{
	if (entity == TIMER_ENTITY)
		return (struct access){PENDING_ANY, NULL, NO_THREAD};
	if (entity >= KAAL_CHECK_MAX_THREADS) {
		unsigned t = entity - KAAL_CHECK_MAX_THREADS;
		return (struct access){PENDING_WRITE, r->buffers[t].entries[0].obj, t};
	}
	return (struct access){r->pending[entity].kind, r->pending[entity].obj, entity};
}

static bool commute(struct access a, struct access b)
{
	if (a.kind == PENDING_NONE || b.kind == PENDING_NONE)
		return true;
	if (a.kind == PENDING_ANY || b.kind == PENDING_ANY)
		return false;
	if (a.thread == b.thread) /* a thread and its own buffer */
		return false;
	return a.obj != b.obj || (a.kind == PENDING_READ && b.kind == PENDING_READ);
}

static bool preempts(const struct level *l, unsigned entity)
{
	if (entity >= KAAL_CHECK_MAX_THREADS || l->last_thread == NO_THREAD ||
	    entity == l->last_thread || l->yielded)
		return false;
	for (unsigned i = 0; i < l->n; i++)
		if (l->options[i] == l->last_thread)
			return true;
	return false;
}

static bool allowed(const struct explorer *e, const struct level *l, unsigned entity)
{
	/* A thread that yielded would only spin again, seeing nothing new, while another can go. */
	if (l->yielded && entity == l->last_thread && l->n > 1)
		return false;
	return !((l->sleep | l->unfair) & (UINT32_C(1) << entity)) &&
	       l->preemptions_before + preempts(l, entity) <= e->bound;
}

/*
 * After a yield only the ready threads that yielded least may run (the
 * thread that yielded aside, while another can go): threads polling each
 * other cannot take turns forever while a thread they wait for never runs,
 * so every run of a test that spins with kaal_check_yield() ends.
 */
static uint32_t unfair_after_yield(const struct run *r, const unsigned *ready, unsigned n)
{
	unsigned least = UINT32_MAX;
	for (unsigned i = 0; i < n; i++)
		if (ready[i] < KAAL_CHECK_MAX_THREADS && (ready[i] != r->last_thread || n == 1) &&
		    r->yields[ready[i]] < least)
			least = r->yields[ready[i]];
	uint32_t unfair = 0;
	for (unsigned i = 0; i < n; i++)
		if (ready[i] < KAAL_CHECK_MAX_THREADS && ready[i] != r->last_thread &&
		    r->yields[ready[i]] > least)
			unfair |= UINT32_C(1) << ready[i];
	return unfair;
}

static struct level *new_level(struct explorer *e)
{
	if (e->depth == e->capacity) {
		unsigned more = e->capacity ? 2 * e->capacity : 256;
		struct level *grown = realloc(e->levels, more * sizeof *grown);
		if (!grown)
			return NULL;
		e->levels = grown;
		e->capacity = more;
	}
	return &e->levels[e->depth];
}

/* The sleep set a step level inherits: its parent step's, and the siblings explored before. */
static uint32_t inherited_sleep(const struct explorer *e)
{
	for (unsigned d = e->depth; d-- > 0;) {
		const struct level *p = &e->levels[d];
		if (p->value)
			continue;
		struct access done = {PENDING_ANY, NULL, NO_THREAD};
		for (unsigned i = 0; i < p->n; i++)
			if (p->options[i] == p->chosen)
				done = p->at[i];
		uint32_t sleep = 0,
		         candidates = (p->sleep | p->tried) & ~(UINT32_C(1) << p->chosen);
		for (unsigned i = 0; i < p->n; i++)
			if ((candidates & (UINT32_C(1) << p->options[i])) &&
			    commute(p->at[i], done))
				sleep |= UINT32_C(1) << p->options[i];
		return sleep;
	}
	return 0;
}

static unsigned explore_step(void *ctx, const unsigned *ready, unsigned n)
{
	struct explorer *e = ctx;
	const struct run *r = checker_run;
	if (e->depth < e->prefix) {
		unsigned want = e->levels[e->depth++].chosen;
		for (unsigned i = 0; i < n; i++)
			if (ready[i] == want)
				return i;
		return n; /* the prefix no longer fits: nothing new below */
	}
	struct level *l = new_level(e);
	if (!l)
		return n;
	*l = (struct level){.n = n,
	                    .preemptions_before = r->preemptions,
	                    .last_thread = r->last_thread,
	                    .yielded = r->yielded != NO_THREAD};
	for (unsigned i = 0; i < n; i++) {
		l->options[i] = ready[i];
		l->at[i] = access_of(r, ready[i]);
	}
	/* A thread that yields waits for the others: everything asleep must get its turn again. */
	l->sleep = l->yielded ? 0 : inherited_sleep(e);
	if (l->yielded)
		l->unfair = unfair_after_yield(r, ready, n);
	/*
	 * The default: the last thread while it may go on; after a yield, the
	 * next allowed entity after it (round robin); else the first allowed.
	 */
	unsigned pick = n;
	for (unsigned i = 0; i < n && pick == n && !l->yielded; i++)
		if (ready[i] == r->last_thread && allowed(e, l, ready[i]))
			pick = i;
	/* Round robin from the last thread, so threads that spin take turns with all the others. */
	unsigned nearest = ENTITIES;
	for (unsigned i = 0; i < n && l->yielded; i++) {
		unsigned distance = (ready[i] + ENTITIES - r->last_thread - 1) % ENTITIES;
		if (allowed(e, l, ready[i]) && distance < nearest) {
			nearest = distance;
			pick = i;
		}
	}
	for (unsigned i = 0; i < n && pick == n; i++)
		if (allowed(e, l, ready[i]))
			pick = i;
	if (pick == n)
		return n; /* everything here is asleep or over the bound: explored elsewhere */
	l->chosen = ready[pick];
	l->tried = UINT32_C(1) << ready[pick];
	e->depth++;
	return pick;
}

static unsigned explore_value(void *ctx, unsigned n)
{
	struct explorer *e = ctx;
	if (e->depth < e->prefix) {
		unsigned v = e->levels[e->depth++].chosen;
		return v < n ? v : 0;
	}
	struct level *l = new_level(e);
	if (!l)
		return 0;
	*l = (struct level){.value = true, .n = n};
	e->depth++;
	return 0;
}

/* Sets up the next run: the deepest decision with an alternative left. False when none is. */
static bool backtrack(struct explorer *e)
{
	for (unsigned d = e->depth; d-- > 0;) {
		struct level *l = &e->levels[d];
		if (l->value) {
			if (l->chosen + 1 < l->n) {
				l->chosen++;
				e->prefix = d + 1;
				return true;
			}
			continue;
		}
		for (unsigned i = 0; i < l->n; i++) {
			unsigned entity = l->options[i];
			if ((l->tried & (UINT32_C(1) << entity)) || !allowed(e, l, entity))
				continue;
			l->tried |= UINT32_C(1) << entity;
			l->chosen = entity;
			e->prefix = d + 1;
			return true;
		}
	}
	return false;
}

bool kaal_check_explore(const struct kaal_check_test *test, const struct kaal_check_config *config,
                        unsigned preemption_bound, unsigned long max_runs,
                        struct kaal_check_exploration *out)
{
	if (!out || !config)
		return false;
	struct explorer e = {.bound = preemption_bound};
	const struct controller controller = {explore_step, explore_value, &e};
	*out = (struct kaal_check_exploration){0};
	bool ok = true;
	for (;;) {
		e.depth = 0;
		if (!sched_run(test, config, &controller, &out->result)) {
			ok = false;
			break;
		}
		out->runs++;
		if (out->result.verdict != KAAL_CHECK_PASSED)
			break;
		if (!backtrack(&e)) {
			out->complete = true;
			break;
		}
		if (out->runs == max_runs)
			break;
	}
	free(e.levels);
	return ok;
}
