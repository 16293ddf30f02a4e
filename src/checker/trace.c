/*
 * The trace of a run: every step as an event, kept while config->trace is
 * set. Words are named by the order the run first touched them, not by
 * address, so a replay prints the same trace byte for byte.
 */
#include <stdlib.h>
#include <string.h>

#include "checker.h"

enum event_kind {
	EVENT_LOAD,
	EVENT_STORE,
	EVENT_RMW,
	EVENT_FENCE,
	EVENT_DRAIN,
	EVENT_TIMER,
	EVENT_SYSCALL,
	EVENT_BLOCK,
};

struct event {
	enum event_kind kind;
	unsigned step;
	unsigned thread;
	struct kaal_check_site site;
	unsigned word;   /* the word's name: the order it was first touched */
	uint64_t value;  /* loaded, stored, or an RMW's new value; a system call's number */
	uint64_t old;    /* an RMW's old value; a system call's status */
	unsigned from;   /* load: the step whose store it read (0: before the run) */
	bool buffered;   /* store: went into the store buffer */
	bool dropped;    /* fence: skipped by the mutation */
	unsigned passed; /* load: the step of a buffered store it passed (0: none) */
	unsigned newer; /* C11 load: the newest store's step, when it read an older one (0: none) */
	struct kaal_check_site passed_site;
	enum kaal_check_order order;
};

/* Words in memory and the step whose store each holds. */
struct word {
	const volatile void *obj;
	unsigned writer;
};

#define TRACE_WORDS 256

static struct event *events;
static unsigned count, capacity;
static struct word words[TRACE_WORDS];
static unsigned word_count;
static bool tracing;
static enum kaal_check_verdict verdict;
static char end_message[256];

void trace_start(void)
{
	tracing = checker_run->config->trace;
	count = 0;
	word_count = 0;
}

static struct event *add(enum event_kind kind)
{
	if (count == capacity) {
		unsigned more = capacity ? 2 * capacity : 1024;
		struct event *grown = realloc(events, more * sizeof *grown);
		if (!grown)
			return NULL;
		events = grown;
		capacity = more;
	}
	struct event *e = &events[count++];
	memset(e, 0, sizeof *e);
	e->kind = kind;
	e->step = checker_run->steps;
	e->thread = checker_run->current;
	return e;
}

/* The word's entry, added on first sight (the last entry is reused when all are taken). */
static struct word *word_of(const volatile void *obj)
{
	for (unsigned i = 0; i < word_count; i++)
		if (words[i].obj == obj)
			return &words[i];
	struct word *w = &words[word_count < TRACE_WORDS ? word_count++ : TRACE_WORDS - 1];
	*w = (struct word){obj, 0};
	return w;
}

static unsigned word_name(const struct word *w)
{
	return (unsigned)(w - words);
}

void trace_load(struct kaal_check_site site, const volatile void *obj, uint64_t value,
                const struct buffered_store *from, const struct buffered_store *passed)
{
	struct event *e;
	if (!tracing || !(e = add(EVENT_LOAD)))
		return;
	struct word *w = word_of(obj);
	e->site = site;
	e->word = word_name(w);
	e->value = value;
	e->from = from ? from->step : w->writer;
	e->buffered = from != NULL;
	if (passed) {
		e->passed = passed->step;
		e->passed_site = passed->site;
	}
}

void trace_load_from(struct kaal_check_site site, const volatile void *obj, uint64_t value,
                     unsigned from_step, unsigned newest_step)
{
	struct event *e;
	if (!tracing || !(e = add(EVENT_LOAD)))
		return;
	e->site = site;
	e->word = word_name(word_of(obj));
	e->value = value;
	e->from = from_step;
	e->newer = newest_step != from_step ? newest_step : 0;
}

void trace_store(struct kaal_check_site site, const volatile void *obj, uint64_t value,
                 bool buffered)
{
	struct event *e;
	if (!tracing || !(e = add(EVENT_STORE)))
		return;
	struct word *w = word_of(obj);
	e->site = site;
	e->word = word_name(w);
	e->value = value;
	e->buffered = buffered;
	if (!buffered)
		w->writer = e->step;
}

void trace_rmw(struct kaal_check_site site, const volatile void *obj, uint64_t old, uint64_t value)
{
	struct event *e;
	if (!tracing || !(e = add(EVENT_RMW)))
		return;
	struct word *w = word_of(obj);
	e->site = site;
	e->word = word_name(w);
	e->old = old;
	e->value = value;
	e->from = w->writer;
	w->writer = e->step;
}

void trace_fence(struct kaal_check_site site, enum kaal_check_order order, bool dropped)
{
	struct event *e;
	if (!tracing || !(e = add(EVENT_FENCE)))
		return;
	e->site = site;
	e->order = order;
	e->dropped = dropped;
}

void trace_drain(unsigned t, const struct buffered_store *store)
{
	struct event *e;
	if (!tracing || !(e = add(EVENT_DRAIN)))
		return;
	struct word *w = word_of(store->obj);
	e->thread = t;
	e->site = store->site;
	e->word = word_name(w);
	e->value = store->value;
	e->from = store->step;
	w->writer = store->step;
}

void trace_timer(unsigned t)
{
	struct event *e;
	if (!tracing || !(e = add(EVENT_TIMER)))
		return;
	e->thread = t;
	e->value = checker_run->now;
}

void trace_syscall(kaal_word num, kaal_status status)
{
	struct event *e;
	if (!tracing || !(e = add(EVENT_SYSCALL)))
		return;
	e->value = num;
	e->old = (uint64_t)status;
}

void trace_block(kaal_word num, uint64_t deadline)
{
	struct event *e;
	if (!tracing || !(e = add(EVENT_BLOCK)))
		return;
	e->value = num;
	e->old = deadline;
}

void trace_end(enum kaal_check_verdict v, const char *message)
{
	verdict = v;
	snprintf(end_message, sizeof end_message, "%s", message ? message : "every check held");
}

/* A source path from its src/, include/ or tests/ folder on, whatever the build directory. */
static const char *short_path(const char *file)
{
	static const char *const folders[] = {"src/", "include/", "tests/"};
	const char *first = NULL;
	for (size_t i = 0; i < sizeof folders / sizeof folders[0]; i++) {
		const char *at = strstr(file, folders[i]);
		if (at && (!first || at < first))
			first = at;
	}
	return first ? first : file;
}

static const char *order_name(enum kaal_check_order order)
{
	static const char *const names[] = {"relaxed", "acquire", "release", "acq_rel", "seq_cst"};
	return (unsigned)order < sizeof names / sizeof names[0] ? names[order] : "?";
}

static const char *verdict_name(enum kaal_check_verdict v)
{
	static const char *const names[] = {"passed", "failed", "deadlock", "step limit"};
	return (unsigned)v < sizeof names / sizeof names[0] ? names[v] : "?";
}

/* One event's text, without its step and entity. */
static void describe(const struct event *e, char *out, size_t size)
{
	char where[160] = "";
	if (e->site.file)
		snprintf(where, sizeof where, "%s:%d", short_path(e->site.file), e->site.line);
	switch (e->kind) {
	case EVENT_LOAD:
		snprintf(out, size, "load    %s word %u -> %llu (from %s step %u)", where, e->word,
		         (unsigned long long)e->value,
		         e->buffered ? "own buffered store of" : "store of", e->from);
		break;
	case EVENT_STORE:
		snprintf(out, size, "store   %s word %u = %llu%s", where, e->word,
		         (unsigned long long)e->value, e->buffered ? " (buffered)" : "");
		break;
	case EVENT_RMW:
		snprintf(out, size, "rmw     %s word %u: %llu -> %llu (from store of step %u)",
		         where, e->word, (unsigned long long)e->old, (unsigned long long)e->value,
		         e->from);
		break;
	case EVENT_FENCE:
		snprintf(out, size, "fence   %s %s%s", where, order_name(e->order),
		         e->dropped ? " (dropped by the mutation)" : "");
		break;
	case EVENT_DRAIN:
		snprintf(out, size, "drain   %s word %u = %llu reaches memory (store of step %u)",
		         where, e->word, (unsigned long long)e->value, e->from);
		break;
	case EVENT_TIMER:
		snprintf(out, size, "timer   thread %u's wait ends at %llu ns", e->thread,
		         (unsigned long long)e->value);
		break;
	case EVENT_SYSCALL:
		snprintf(out, size, "syscall %llu -> %s", (unsigned long long)e->value,
		         kaal_status_name((kaal_status)e->old));
		break;
	case EVENT_BLOCK:
		if (e->old)
			snprintf(out, size, "syscall %llu blocks until woken or %llu ns",
			         (unsigned long long)e->value, (unsigned long long)e->old);
		else
			snprintf(out, size, "syscall %llu blocks until woken",
			         (unsigned long long)e->value);
		break;
	}
}

static void entity_name(const struct event *e, char *out, size_t size)
{
	if (e->kind == EVENT_TIMER)
		snprintf(out, size, "timer");
	else if (e->kind == EVENT_DRAIN)
		snprintf(out, size, "buffer %u", e->thread);
	else if (e->thread == NO_THREAD)
		snprintf(out, size, "root");
	else
		snprintf(out, size, "thread %u", e->thread);
}

/* The store or RMW of the given step to the given word, or NULL. */
static const struct event *store_event(unsigned step, unsigned word)
{
	for (unsigned i = 0; i < count; i++)
		if (events[i].step == step && events[i].word == word &&
		    (events[i].kind == EVENT_STORE || events[i].kind == EVENT_RMW))
			return &events[i];
	return NULL;
}

void kaal_check_print_trace(FILE *out)
{
	char entity[32], text[512];
	for (unsigned i = 0; i < count; i++) {
		entity_name(&events[i], entity, sizeof entity);
		describe(&events[i], text, sizeof text);
		fprintf(out, "step %5u  %-9s %s\n", events[i].step, entity, text);
	}
	fprintf(out, "end: %s: %s\n", verdict_name(verdict), end_message);
	for (unsigned i = 0; i < count; i++) {
		const struct event *e = &events[i];
		if (!e->passed)
			continue;
		fprintf(
		    out,
		    "reordering: the load at %s:%d (step %u) passed the store at %s:%d (step %u), "
		    "still buffered: a store-load fence between them forbids this\n",
		    short_path(e->site.file), e->site.line, e->step,
		    short_path(e->passed_site.file), e->passed_site.line, e->passed);
	}
	for (unsigned i = 0; i < count; i++) {
		const struct event *e = &events[i];
		const struct event *store = e->newer ? store_event(e->newer, e->word) : NULL;
		if (!store)
			continue;
		fprintf(
		    out,
		    "stale read: the load at %s:%d (step %u) read the store of step %u, not the "
		    "newer store at %s:%d (step %u): an ordering that makes that store visible "
		    "here (seq_cst fences, or a release and an acquire) forbids this\n",
		    short_path(e->site.file), e->site.line, e->step, e->from,
		    short_path(store->site.file), store->site.line, store->step);
	}
}

/* Writes s as a JSON string body (quotes and backslashes escaped). */
static void json_string(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', f);
		fputc(*s, f);
	}
}

bool kaal_check_write_trace_json(const char *path)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return false;
	char entity[32], text[512];
	fputs("{\"traceEvents\":[\n", f);
	for (unsigned i = 0; i < count; i++) {
		const struct event *e = &events[i];
		entity_name(e, entity, sizeof entity);
		describe(e, text, sizeof text);
		/* One track per entity: threads, then their buffers, then the timer. */
		unsigned track = e->kind == EVENT_TIMER   ? TIMER_ENTITY
		                 : e->kind == EVENT_DRAIN ? DRAIN_ENTITY(e->thread)
		                                          : e->thread;
		fprintf(f, "%s{\"ph\":\"X\",\"pid\":1,\"tid\":%u,\"ts\":%u,\"dur\":1,\"name\":\"",
		        i ? "," : "", track, e->step);
		json_string(f, text);
		fputs("\",\"args\":{\"entity\":\"", f);
		json_string(f, entity);
		fputs("\"}}\n", f);
	}
	fputs("]}\n", f);
	return fclose(f) == 0;
}
