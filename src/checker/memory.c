/*
 * The memory models and the atomic hooks. Under SC every store reaches
 * memory at once. Under TSO a store waits in its thread's FIFO buffer until
 * the scheduler drains it (a step of its own), a thread's load sees its own
 * newest buffered store first, and a read-modify-write, a seq_cst store or
 * a seq_cst fence first drains the thread's whole buffer, as x86's locked
 * instructions and mfence do.
 */
#include <stdbool.h>
#include <string.h>

#include <kaal/atomic.h>

#include "checker.h"

static uint64_t read_memory(const volatile void *obj, unsigned size)
{
	if (size == sizeof(uint32_t)) {
		uint32_t v;
		memcpy(&v, (const void *)obj, sizeof v);
		return v;
	}
	uint64_t v;
	memcpy(&v, (const void *)obj, sizeof v);
	return v;
}

static void write_memory(volatile void *obj, unsigned size, uint64_t value)
{
	if (size == sizeof(uint32_t)) {
		uint32_t v = (uint32_t)value;
		memcpy((void *)obj, &v, sizeof v);
		return;
	}
	memcpy((void *)obj, &value, sizeof value);
}

static bool buffering(void)
{
	return checker_run->config->model == KAAL_CHECK_TSO;
}

/* Whether thread t's accesses go through the C11 model. */
static bool c11(unsigned t)
{
	return checker_run->config->model == KAAL_CHECK_C11 && t != NO_THREAD;
}

void memory_start(void)
{
	c11_start();
	if (checker_run->config->model == KAAL_CHECK_C11)
		c11_plain_start();
}

void memory_thread_start(unsigned t)
{
	c11_thread_start(t);
}

void memory_syscall(unsigned t)
{
	if (c11(t))
		c11_fence(t, KAAL_SEQ_CST);
	else
		memory_drain_all(t);
}

/* Outside any checked thread (setup, finish) t is NO_THREAD: memory itself. */
static bool is_thread(unsigned t)
{
	return t != NO_THREAD;
}

/* The newest buffered store of thread t to obj, or NULL. */
static const struct buffered_store *forwarded(unsigned t, const volatile void *obj)
{
	const struct store_buffer *b = &checker_run->buffers[t];
	for (unsigned i = b->count; i-- > 0;)
		if (b->entries[i].obj == obj)
			return &b->entries[i];
	return NULL;
}

void memory_drain_oldest(unsigned t)
{
	struct store_buffer *b = &checker_run->buffers[t];
	if (b->count == 0)
		return;
	write_memory(b->entries[0].obj, b->entries[0].size, b->entries[0].value);
	trace_drain(t, &b->entries[0]);
	memmove(&b->entries[0], &b->entries[1], (b->count - 1) * sizeof b->entries[0]);
	b->count--;
}

void memory_drain_all(unsigned t)
{
	while (is_thread(t) && checker_run->buffers[t].count > 0)
		memory_drain_oldest(t);
}

void memory_store(unsigned t, volatile void *obj, unsigned size, uint64_t value,
                  struct kaal_check_site site)
{
	bool buffered = buffering() && is_thread(t);
	trace_store(site, obj, value, buffered);
	if (!buffered) {
		write_memory(obj, size, value);
		return;
	}
	struct store_buffer *b = &checker_run->buffers[t];
	if (b->count == STORE_BUFFER_SIZE)
		memory_drain_oldest(t);
	b->entries[b->count++] =
	    (struct buffered_store){obj, size, value, checker_run->steps, site};
}

static bool same_site(const struct kaal_check_site_info *a, struct kaal_check_site site,
                      enum kaal_check_op op)
{
	return a->line == site.line && a->op == op && strcmp(a->file, site.file) == 0;
}

static void record_site(struct kaal_check_site site, enum kaal_check_op op,
                        enum kaal_check_order order)
{
	struct kaal_check_sites *sites = checker_run->config->sites;
	if (!sites)
		return;
	for (unsigned i = 0; i < sites->count; i++)
		if (same_site(&sites->site[i], site, op))
			return;
	if (sites->count == KAAL_CHECK_MAX_SITES) {
		sites->overflow = true;
		return;
	}
	sites->site[sites->count++] =
	    (struct kaal_check_site_info){site.file, site.line, site.function, op, order};
}

/* Whether path names file: all of it, or a trailing part that starts after a '/'. */
static bool names_file(const char *path, const char *file)
{
	size_t p = strlen(path), f = strlen(file);
	if (p == 0 || p > f || strcmp(file + f - p, path) != 0)
		return false;
	return p == f || file[f - p - 1] == '/';
}

static bool mutated(struct kaal_check_site site, enum kaal_check_mutation_kind kind)
{
	const struct kaal_check_mutation *m = &checker_run->config->mutation;
	return m->kind == kind && m->line == site.line && m->file && names_file(m->file, site.file);
}

/* A step of the running thread at an atomic operation: the order it keeps after any mutation. */
static enum kaal_check_order begin_op(struct kaal_check_site site, enum kaal_check_op op,
                                      enum kaal_check_order order, const volatile void *obj)
{
	record_site(site, op, order);
	enum pending_kind kind = op == KAAL_CHECK_OP_LOAD    ? PENDING_READ
	                         : op == KAAL_CHECK_OP_FENCE ? PENDING_ANY
	                                                     : PENDING_WRITE;
	sched_point_at(kind, obj);
	return mutated(site, KAAL_CHECK_RELAX) ? KAAL_RELAXED : order;
}

uint64_t kaal_check_load(const volatile void *obj, unsigned size, enum kaal_check_order order,
                         struct kaal_check_site site)
{
	order = begin_op(site, KAAL_CHECK_OP_LOAD, order, obj);
	unsigned t = checker_run->current;
	if (c11(t)) {
		unsigned from, newest;
		uint64_t value = c11_load(t, obj, read_memory(obj, size), order, &from, &newest);
		trace_load_from(site, obj, value, from, newest);
		return value;
	}
	const struct buffered_store *own = is_thread(t) ? forwarded(t, obj) : NULL;
	uint64_t value = own ? own->value : read_memory(obj, size);
	/* A load that goes to memory past a buffered store of its thread: a reordering. */
	const struct buffered_store *passed =
	    !own && is_thread(t) && checker_run->buffers[t].count > 0
	        ? &checker_run->buffers[t].entries[0]
	        : NULL;
	if (passed)
		checker_run->reorderings++;
	trace_load(site, obj, value, own, passed);
	return value;
}

void kaal_check_store(volatile void *obj, unsigned size, uint64_t value,
                      enum kaal_check_order order, struct kaal_check_site site)
{
	order = begin_op(site, KAAL_CHECK_OP_STORE, order, obj);
	unsigned t = checker_run->current;
	if (c11(t)) {
		c11_store(t, obj, read_memory(obj, size), value, order, checker_run->steps);
		trace_store(site, obj, value, false);
		write_memory(obj, size, value);
		return;
	}
	if (t == NO_THREAD)
		c11_root_store(obj, value);
	memory_store(t, obj, size, value, site);
	if (order == KAAL_SEQ_CST)
		memory_drain_all(t);
}

static uint64_t apply(enum kaal_check_rmw op, uint64_t old, uint64_t value)
{
	switch (op) {
	case KAAL_CHECK_RMW_ADD:
		return old + value;
	case KAAL_CHECK_RMW_OR:
		return old | value;
	case KAAL_CHECK_RMW_EXCHANGE:
		break;
	}
	return value;
}

struct rmw {
	enum kaal_check_rmw op;
	uint64_t value;
};

static bool rmw_update(uint64_t old, uint64_t *value, void *arg)
{
	const struct rmw *r = arg;
	*value = apply(r->op, old, r->value);
	return true;
}

struct cas {
	uint64_t expected;
	uint64_t desired;
};

static bool cas_update(uint64_t old, uint64_t *value, void *arg)
{
	const struct cas *c = arg;
	*value = c->desired;
	return old == c->expected;
}

/*
 * The read-modify-write update(arg) describes, on obj: returns the old
 * value, and whether it stored. Under SC and TSO a locked instruction
 * drains the buffer first, whatever its order.
 */
static uint64_t read_modify_write(volatile void *obj, unsigned size, enum kaal_check_order order,
                                  struct kaal_check_site site,
                                  bool (*update)(uint64_t, uint64_t *, void *), void *arg)
{
	unsigned t = checker_run->current;
	uint64_t old, value = 0;
	if (c11(t)) {
		old =
		    c11_rmw(t, obj, read_memory(obj, size), order, checker_run->steps, update, arg);
	} else {
		memory_drain_all(t);
		old = read_memory(obj, size);
	}
	bool stores = update(old, &value, arg);
	if (stores)
		write_memory(obj, size, value);
	if (stores && t == NO_THREAD)
		c11_root_store(obj, value);
	trace_rmw(site, obj, old, stores ? value : old);
	return old;
}

uint64_t kaal_check_rmw(volatile void *obj, unsigned size, enum kaal_check_rmw op, uint64_t value,
                        enum kaal_check_order order, struct kaal_check_site site)
{
	order = begin_op(site, KAAL_CHECK_OP_RMW, order, obj);
	struct rmw r = {op, value};
	return read_modify_write(obj, size, order, site, rmw_update, &r);
}

bool kaal_check_cas(volatile void *obj, unsigned size, void *expected, uint64_t desired,
                    enum kaal_check_order success, enum kaal_check_order failure,
                    struct kaal_check_site site)
{
	(void)failure; /* a failed compare-and-swap reads with the success order: stronger */
	success = begin_op(site, KAAL_CHECK_OP_RMW, success, obj);
	struct cas c = {read_memory(expected, size), desired};
	uint64_t old = read_modify_write(obj, size, success, site, cas_update, &c);
	if (old == c.expected)
		return true;
	write_memory(expected, size, old);
	return false;
}

void kaal_check_fence(enum kaal_check_order order, struct kaal_check_site site)
{
	order = begin_op(site, KAAL_CHECK_OP_FENCE, order, NULL);
	bool dropped = mutated(site, KAAL_CHECK_DROP_FENCE);
	trace_fence(site, order, dropped);
	unsigned t = checker_run->current;
	if (dropped)
		return;
	if (c11(t))
		c11_fence(t, order);
	else if (order == KAAL_SEQ_CST)
		memory_drain_all(t);
}

void kaal_check_plain(const volatile void *ptr, unsigned long size, bool write,
                      struct kaal_check_site site)
{
	/* Only the C11 model knows what happens before what. */
	if (!checker_run || checker_run->config->model != KAAL_CHECK_C11)
		return;
	unsigned t = checker_run->current;
	if (t == NO_THREAD)
		c11_plain_root(ptr, size);
	else
		c11_plain(t, ptr, size, write, site);
}
