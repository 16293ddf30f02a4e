/*
 * The memory models and the atomic hooks. Under SC every store reaches
 * memory at once. Under TSO a store waits in its thread's FIFO buffer until
 * the scheduler drains it (a step of its own), a thread's load sees its own
 * newest buffered store first, and a read-modify-write, a seq_cst store or
 * a seq_cst fence first drains the thread's whole buffer, as x86's locked
 * instructions and mfence do.
 */
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

/* Outside any checked thread (setup, finish) t is KAAL_CHECK_MAX_THREADS: memory itself. */
static bool is_thread(unsigned t)
{
	return t < KAAL_CHECK_MAX_THREADS;
}

uint64_t memory_load(unsigned t, const volatile void *obj, unsigned size)
{
	if (!is_thread(t))
		return read_memory(obj, size);
	const struct store_buffer *b = &checker_run->buffers[t];
	for (unsigned i = b->count; i-- > 0;)
		if (b->entries[i].obj == obj)
			return b->entries[i].value;
	return read_memory(obj, size);
}

void memory_drain_oldest(unsigned t)
{
	struct store_buffer *b = &checker_run->buffers[t];
	if (b->count == 0)
		return;
	write_memory(b->entries[0].obj, b->entries[0].size, b->entries[0].value);
	memmove(&b->entries[0], &b->entries[1], (b->count - 1) * sizeof b->entries[0]);
	b->count--;
}

void memory_drain_all(unsigned t)
{
	while (is_thread(t) && checker_run->buffers[t].count > 0)
		memory_drain_oldest(t);
}

void memory_store(unsigned t, volatile void *obj, unsigned size, uint64_t value)
{
	if (!buffering() || !is_thread(t)) {
		write_memory(obj, size, value);
		return;
	}
	struct store_buffer *b = &checker_run->buffers[t];
	if (b->count == STORE_BUFFER_SIZE)
		memory_drain_oldest(t);
	b->entries[b->count++] = (struct buffered_store){obj, size, value};
}

uint64_t kaal_check_load(const volatile void *obj, unsigned size, enum kaal_check_order order,
                         const struct kaal_check_site *site)
{
	(void)order;
	(void)site;
	sched_point();
	return memory_load(checker_run->current, obj, size);
}

void kaal_check_store(volatile void *obj, unsigned size, uint64_t value,
                      enum kaal_check_order order, const struct kaal_check_site *site)
{
	(void)site;
	sched_point();
	unsigned t = checker_run->current;
	memory_store(t, obj, size, value);
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

uint64_t kaal_check_rmw(volatile void *obj, unsigned size, enum kaal_check_rmw op, uint64_t value,
                        enum kaal_check_order order, const struct kaal_check_site *site)
{
	(void)order;
	(void)site;
	sched_point();
	memory_drain_all(checker_run->current);
	uint64_t old = read_memory(obj, size);
	write_memory(obj, size, apply(op, old, value));
	return old;
}

bool kaal_check_cas(volatile void *obj, unsigned size, void *expected, uint64_t desired,
                    enum kaal_check_order success, enum kaal_check_order failure,
                    const struct kaal_check_site *site)
{
	(void)success;
	(void)failure;
	(void)site;
	sched_point();
	memory_drain_all(checker_run->current);
	uint64_t old = read_memory(obj, size);
	uint64_t want = read_memory(expected, size);
	if (old != want) {
		write_memory(expected, size, old);
		return false;
	}
	write_memory(obj, size, desired);
	return true;
}

void kaal_check_fence(enum kaal_check_order order, const struct kaal_check_site *site)
{
	(void)site;
	sched_point();
	if (order == KAAL_SEQ_CST)
		memory_drain_all(checker_run->current);
}
