/*
 * The C11 model: release/acquire and relaxed atomics, where a load may read
 * an older store. Each atomic word keeps its modification order (its
 * stores, oldest first, up to C11_HISTORY of them); each thread keeps a
 * vector clock of what happens before it. A load may read any store from
 * the newest one that happens before it (or that it has read or written,
 * by coherence) up to the newest: which one is a decision of the run.
 * Release stores carry their thread's clock, acquire loads take it; a
 * relaxed load's clock waits for an acquire fence, a relaxed store carries
 * the clock of its thread's last release fence. A read-modify-write reads
 * the newest store and continues its release sequence. Every seq_cst
 * operation and fence joins one global clock, in both directions, so
 * seq_cst operations are totally ordered and store buffering with seq_cst
 * fences or accesses is forbidden; this is stronger than C11 requires, so
 * some allowed outcomes are not produced (load buffering, and 2+2W's
 * reordered modification order), never a forbidden one.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "checker.h"

#define C11_HISTORY   16
#define C11_LOCATIONS 256
/* The root task's stores (setup) happen before every thread's. */
#define ROOT_TID KAAL_CHECK_MAX_THREADS

typedef uint32_t vclock[KAAL_CHECK_MAX_THREADS];

struct c11_store {
	uint64_t value;
	unsigned tid;
	uint32_t epoch; /* the storing thread's own clock at the store */
	unsigned step;
	vclock view; /* what a thread that acquires this store comes to see */
};

struct location {
	const volatile void *obj;
	unsigned base;  /* the modification-order index of stores[0] */
	unsigned count; /* stores kept */
	struct c11_store stores[C11_HISTORY];
	unsigned seen[KAAL_CHECK_MAX_THREADS]; /* the newest index each thread read or wrote */
	unsigned last_sc;                      /* the newest seq_cst store's index (0: none) */
};

struct c11_thread {
	vclock clock;        /* what happens before the thread's next operation */
	vclock acquirable;   /* what its relaxed loads read: an acquire fence takes it */
	vclock release_view; /* its clock at its last release fence */
};

static struct location locations[C11_LOCATIONS];
static unsigned location_count;
static struct c11_thread threads[KAAL_CHECK_MAX_THREADS];
static vclock sc_clock;

static void join(vclock into, const vclock from)
{
	for (unsigned i = 0; i < KAAL_CHECK_MAX_THREADS; i++)
		if (from[i] > into[i])
			into[i] = from[i];
}

static bool acquires(enum kaal_check_order o)
{
	return o == KAAL_ACQUIRE || o == KAAL_ACQ_REL || o == KAAL_SEQ_CST;
}

static bool releases(enum kaal_check_order o)
{
	return o == KAAL_RELEASE || o == KAAL_ACQ_REL || o == KAAL_SEQ_CST;
}

/*
 * After a store or a release fence, the thread's later accesses get a new
 * epoch: a thread that acquires what was released does not see them.
 */
static void next_epoch(unsigned t)
{
	threads[t].clock[t]++;
}

void c11_start(void)
{
	location_count = 0;
	memset(threads, 0, sizeof threads);
	memset(sc_clock, 0, sizeof sc_clock);
}

void c11_thread_start(unsigned t)
{
	/* Whatever the starting thread did before its system call happens before the new thread. */
	memset(&threads[t], 0, sizeof threads[t]);
	memcpy(threads[t].clock, sc_clock, sizeof sc_clock);
	next_epoch(t);
}

static struct c11_store *newest(struct location *l)
{
	return &l->stores[l->count - 1];
}

static unsigned newest_index(const struct location *l)
{
	return l->base + l->count - 1;
}

/* The word's history, begun with its value in memory as a store of the root task. */
static struct location *location_of(const volatile void *obj, uint64_t value)
{
	for (unsigned i = 0; i < location_count; i++)
		if (locations[i].obj == obj)
			return &locations[i];
	struct location *l = &locations[location_count < C11_LOCATIONS ? location_count++ : 0];
	memset(l, 0, sizeof *l);
	l->obj = obj;
	l->count = 1;
	l->stores[0] = (struct c11_store){.value = value, .tid = ROOT_TID};
	return l;
}

void c11_root_store(const volatile void *obj, uint64_t value)
{
	for (unsigned i = 0; i < location_count; i++) {
		if (locations[i].obj == obj) {
			memset(&locations[i], 0, sizeof locations[i]);
			locations[i].obj = obj;
			locations[i].count = 1;
			locations[i].stores[0] =
			    (struct c11_store){.value = value, .tid = ROOT_TID};
		}
	}
}

static bool happens_before(const struct c11_store *s, unsigned t)
{
	return s->tid == ROOT_TID || s->tid == t || s->epoch <= threads[t].clock[s->tid];
}

static void seq_cst_sync(unsigned t)
{
	join(threads[t].clock, sc_clock);
	join(sc_clock, threads[t].clock);
}

uint64_t c11_load(unsigned t, const volatile void *obj, uint64_t in_memory,
                  enum kaal_check_order order, unsigned *from_step, unsigned *newest_step)
{
	struct location *l = location_of(obj, in_memory);
	if (order == KAAL_SEQ_CST)
		seq_cst_sync(t);
	unsigned oldest = l->seen[t] > l->base ? l->seen[t] : l->base;
	if (order == KAAL_SEQ_CST && l->last_sc > oldest)
		oldest = l->last_sc;
	for (unsigned i = newest_index(l); i > oldest; i--) {
		if (happens_before(&l->stores[i - l->base], t)) {
			oldest = i;
			break;
		}
	}
	unsigned index = newest_index(l) - sched_decide(newest_index(l) - oldest + 1);
	const struct c11_store *s = &l->stores[index - l->base];
	if (index != newest_index(l))
		checker_run->reorderings++;
	*newest_step = l->stores[newest_index(l) - l->base].step;
	l->seen[t] = index;
	join(acquires(order) ? threads[t].clock : threads[t].acquirable, s->view);
	*from_step = s->step;
	return s->value;
}

/* Appends a store of t to the word's modification order, the oldest kept falling out. */
static void append(struct location *l, unsigned t, uint64_t value, const vclock view, bool sc,
                   unsigned step)
{
	if (l->count == C11_HISTORY) {
		memmove(&l->stores[0], &l->stores[1], (C11_HISTORY - 1) * sizeof l->stores[0]);
		l->base++;
		l->count--;
	}
	struct c11_store *s = &l->stores[l->count++];
	s->value = value;
	s->tid = t;
	s->epoch = threads[t].clock[t];
	s->step = step;
	memcpy(s->view, view, sizeof(vclock));
	l->seen[t] = newest_index(l);
	if (sc)
		l->last_sc = newest_index(l);
}

void c11_store(unsigned t, volatile void *obj, uint64_t in_memory, uint64_t value,
               enum kaal_check_order order, unsigned step)
{
	struct location *l = location_of(obj, in_memory);
	if (order == KAAL_SEQ_CST)
		seq_cst_sync(t);
	append(l, t, value, releases(order) ? threads[t].clock : threads[t].release_view,
	       order == KAAL_SEQ_CST, step);
	next_epoch(t);
}

uint64_t c11_rmw(unsigned t, volatile void *obj, uint64_t in_memory, enum kaal_check_order order,
                 unsigned step, bool (*update)(uint64_t old, uint64_t *value, void *arg), void *arg)
{
	struct location *l = location_of(obj, in_memory);
	if (order == KAAL_SEQ_CST)
		seq_cst_sync(t);
	struct c11_store read = *newest(l);
	l->seen[t] = newest_index(l);
	join(acquires(order) ? threads[t].clock : threads[t].acquirable, read.view);
	uint64_t value;
	if (!update(read.value, &value, arg))
		return read.value; /* a compare-and-swap that failed: a load of the newest store */
	/* The store continues the release sequence of the store it read. */
	vclock view;
	memcpy(view, releases(order) ? threads[t].clock : threads[t].release_view, sizeof view);
	join(view, read.view);
	append(l, t, value, view, order == KAAL_SEQ_CST, step);
	next_epoch(t);
	return read.value;
}

void c11_fence(unsigned t, enum kaal_check_order order)
{
	if (acquires(order))
		join(threads[t].clock, threads[t].acquirable);
	if (order == KAAL_SEQ_CST)
		seq_cst_sync(t);
	if (releases(order)) {
		memcpy(threads[t].release_view, threads[t].clock, sizeof(vclock));
		next_epoch(t);
	}
}

/*
 * Plain accesses to shared memory, checked for data races in 8-byte
 * granules: each granule keeps its last write and each thread's last read
 * (thread, epoch, site). A write races with an earlier access of another
 * thread, and a read with an earlier write of another thread, that does not
 * happen before it.
 */
#define GRANULE_BITS 3
#define GRANULES     4096

struct access {
	uint32_t epoch; /* 0: none */
	struct kaal_check_site site;
};

struct granule {
	uintptr_t key; /* the address >> GRANULE_BITS, 0: unused */
	unsigned writer;
	struct access write;
	struct access reads[KAAL_CHECK_MAX_THREADS];
};

static struct granule granules[GRANULES];

void c11_plain_start(void)
{
	memset(granules, 0, sizeof granules);
}

static struct granule *granule_of(uintptr_t key)
{
	unsigned i = (unsigned)(key * UINT64_C(0x9E3779B97F4A7C15) >> 52) % GRANULES;
	for (unsigned n = 0; n < GRANULES; n++, i = (i + 1) % GRANULES) {
		if (granules[i].key == key)
			return &granules[i];
		if (granules[i].key == 0) {
			granules[i].key = key;
			return &granules[i];
		}
	}
	return NULL; /* every granule in use: this access goes unchecked */
}

static bool ordered_before(const struct access *a, unsigned by, unsigned t)
{
	return a->epoch == 0 || by == t || a->epoch <= threads[t].clock[by];
}

static _Noreturn void race(const char *kind, unsigned t, struct kaal_check_site site,
                           unsigned other, struct kaal_check_site other_site)
{
	char message[256];
	snprintf(message, sizeof message,
	         "data race: thread %u's %s at %s:%d is not ordered after thread %u's access at "
	         "%s:%d",
	         t, kind, site.file, site.line, other, other_site.file, other_site.line);
	sched_fail(message);
}

void c11_plain(unsigned t, const volatile void *ptr, unsigned long size, bool write,
               struct kaal_check_site site)
{
	uintptr_t first = (uintptr_t)ptr >> GRANULE_BITS;
	uintptr_t end = ((uintptr_t)ptr + size + (1u << GRANULE_BITS) - 1) >> GRANULE_BITS;
	for (uintptr_t key = first; size && key < end; key++) {
		struct granule *g = granule_of(key + 1);
		if (!g)
			return;
		if (!ordered_before(&g->write, g->writer, t))
			race(write ? "write" : "read", t, site, g->writer, g->write.site);
		struct access now = {threads[t].clock[t], site};
		if (!write) {
			g->reads[t] = now;
			continue;
		}
		for (unsigned u = 0; u < KAAL_CHECK_MAX_THREADS; u++)
			if (!ordered_before(&g->reads[u], u, t))
				race("write", t, site, u, g->reads[u].site);
		g->writer = t;
		g->write = now;
		memset(g->reads, 0, sizeof g->reads);
	}
}

void c11_plain_root(const volatile void *ptr, unsigned long size)
{
	/* The root task's accesses (setup) happen before every thread's: forget the granules'. */
	uintptr_t first = (uintptr_t)ptr >> GRANULE_BITS;
	uintptr_t end = ((uintptr_t)ptr + size + (1u << GRANULE_BITS) - 1) >> GRANULE_BITS;
	for (uintptr_t key = first; size && key < end; key++) {
		struct granule *g = granule_of(key + 1);
		if (g)
			memset(&g->writer, 0, sizeof *g - offsetof(struct granule, writer));
	}
}
