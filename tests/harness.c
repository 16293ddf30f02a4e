/* The per-case fixture: boot, slot and object helpers, threads with IPC buffers. */
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

#include <kaal/atomic.h>
#include <kaal/ring.h>

/* Kernel internals, for harness_fastpath_count() only. */
#include "host.h"
#include "kernel.h"

struct harness h;

#define MAX_THREADS 64

/* Stacks for kaal_thread_start(), taken by any thread (a child's starter, too). */
#define STACK_BYTES 4096
static _Alignas(16) uint8_t stacks[MAX_THREADS][STACK_BYTES];
static kaal_atomic_u32 stacks_taken;
static struct harness_barrier barrier;
static bool barrier_live;

int harness_setup(void **state)
{
	return harness_setup_with(state, NULL);
}

int harness_setup_with(void **state, const struct kaal_host_config *config)
{
	(void)state;
	const struct kaal_boot_info *bi;
	assert_status(KAAL_OK, kaal_host_boot(config, &bi));
	h.bi = bi;
	h.root = bi->root_cnode_cptr;
	h.next_slot = bi->first_free_slot;
	h.untyped = bi->untyped[0].cptr;
	for (uint32_t i = 1; i < bi->untyped_count; i++)
		if (bi->untyped[i].size_bits > bi->untyped[0].size_bits)
			h.untyped = bi->untyped[i].cptr;
	kaal_atomic_store(&stacks_taken, 0, KAAL_RELAXED);
	return 0;
}

void harness_broker(struct kaal_broker *b)
{
	struct kaal_broker_range range = kaal_broker_whole_range(h.bi);
	range.first_slot += HARNESS_KEEP_SLOTS;
	for (uint32_t i = 0; i < h.bi->untyped_count; i++)
		if (h.bi->untyped[i].cptr == h.untyped)
			range.untyped &= ~(UINT64_C(1) << i);
	assert_status(KAAL_OK, kaal_broker_init_range(b, h.bi, &range));
}

void harness_spawn_driver_client(struct kaal_broker *b, const struct kaal_driver *d, unsigned link,
                                 const char *prefix, const char *program, kaal_cptr report,
                                 kaal_word what, struct kaal_spawned *p)
{
	struct kaal_driver_client_names names;
	struct kaal_spawn_cap caps[KAAL_DRIVER_CLIENT_CAPS + 1];
	unsigned count;
	assert_status(KAAL_OK, kaal_driver_client_caps(d, link, prefix, &names, caps, &count));
	caps[count] = (struct kaal_spawn_cap){"report", report, KAAL_RIGHT_WRITE};
	assert_status(KAAL_OK,
	              kaal_spawn(b, program, caps, count + 1, HARNESS_PROGRAM_PRIORITY, what, p));
}

void harness_expect_report(kaal_cptr report, kaal_word label, kaal_word w0, kaal_word w1)
{
	struct kaal_msg msg;
	assert_status(KAAL_OK, kaal_recv(report, &msg));
	assert_int_equal(label, kaal_msg_label(msg.info));
	assert_int_equal(w0, msg.mr[0]);
	assert_int_equal(w1, msg.mr[1]);
}

void harness_finish_program(struct kaal_broker *b, struct kaal_spawned *p)
{
	int status = -100;
	assert_status(KAAL_OK, kaal_spawn_wait(p, HARNESS_PROGRAM_WAIT_NS, &status));
	assert_int_equal(0, status);
	assert_status(KAAL_OK, kaal_spawn_destroy(b, p));
}

int harness_teardown(void **state)
{
	(void)state;
	assert_status(KAAL_OK, kaal_host_shutdown());
	if (barrier_live) {
		harness_barrier_destroy(&barrier);
		barrier_live = false;
	}
	return 0;
}

kaal_cptr harness_slot(void)
{
	assert_true(h.next_slot < h.bi->slot_count);
	return h.next_slot++;
}

struct kaal_slot_ref harness_ref(kaal_cptr slot)
{
	return kaal_root_slot(h.root, slot);
}

struct kaal_slot_ref harness_root_node(void)
{
	return harness_ref(h.root);
}

struct kaal_slot_ref harness_at(kaal_cptr cnode, kaal_word index, unsigned depth)
{
	struct kaal_slot_ref r = {cnode, index, depth};
	return r;
}

kaal_cptr harness_retype(kaal_cptr ut, unsigned type, unsigned size_bits)
{
	kaal_cptr slot = harness_slot();
	assert_status(KAAL_OK,
	              kaal_untyped_retype(ut, type, size_bits, 1, harness_root_node(), slot, NULL));
	return slot;
}

kaal_cptr harness_create(unsigned type, unsigned size_bits)
{
	return harness_retype(h.untyped, type, size_bits);
}

kaal_cptr harness_frame(void)
{
	return harness_create(KAAL_CAP_FRAME, KAAL_PAGE_BITS);
}

void harness_frame_twice(void **first, void **second)
{
	kaal_cptr frame = harness_frame();
	kaal_cptr copy = harness_copy(frame);
	assert_status(KAAL_OK, kaal_map(frame, 0, KAAL_RIGHT_READ | KAAL_RIGHT_WRITE, first));
	assert_status(KAAL_OK, kaal_map(copy, 0, KAAL_RIGHT_READ | KAAL_RIGHT_WRITE, second));
	assert_ptr_not_equal(*first, *second);
}

uint64_t harness_bytes_left(kaal_cptr ut)
{
	struct kaal_untyped_info info;
	assert_status(KAAL_OK, kaal_untyped_info(ut, &info));
	return info.bytes_left;
}

kaal_word harness_mapped_at(kaal_cptr frame)
{
	return harness_identify(frame).badge;
}

FILE *harness_disk(uint64_t bytes)
{
	FILE *disk = tmpfile();
	assert_non_null(disk);
	assert_int_equal(0, ftruncate(fileno(disk), (off_t)bytes));
	return disk;
}

static FILE *stdout_file;
static int stdout_saved = -1;

void harness_stdout_begin(void)
{
	assert_null(stdout_file);
	stdout_file = tmpfile();
	assert_non_null(stdout_file);
	fflush(stdout);
	stdout_saved = dup(STDOUT_FILENO);
	assert_true(stdout_saved >= 0);
	assert_true(dup2(fileno(stdout_file), STDOUT_FILENO) >= 0);
}

size_t harness_stdout_end(char *buf, size_t size)
{
	assert_non_null(stdout_file);
	fflush(stdout);
	assert_true(dup2(stdout_saved, STDOUT_FILENO) >= 0);
	close(stdout_saved);
	stdout_saved = -1;
	rewind(stdout_file);
	size_t got = fread(buf, 1, size - 1, stdout_file);
	buf[got] = '\0';
	fclose(stdout_file);
	stdout_file = NULL;
	return got;
}

const struct kaal_boot_device *harness_device(uint32_t id)
{
	for (uint32_t i = 0; i < h.bi->device_count; i++)
		if (h.bi->device[i].id == id)
			return &h.bi->device[i];
	fail_msg("device %u missing from the boot info", id);
	return NULL;
}

struct kaal_cap_info harness_identify_ref(struct kaal_slot_ref ref)
{
	struct kaal_cap_info info;
	assert_status(KAAL_OK, kaal_cnode_identify(ref, &info));
	return info;
}

struct kaal_cap_info harness_identify(kaal_cptr slot)
{
	return harness_identify_ref(harness_ref(slot));
}

void harness_assert_same_cap(struct kaal_cap_info expected, struct kaal_cap_info actual)
{
	assert_int_equal(expected.type, actual.type);
	assert_int_equal(expected.rights, actual.rights);
	assert_int_equal(expected.badge, actual.badge);
	assert_int_equal(expected.object, actual.object);
}

void harness_assert_holds(kaal_cptr slot, struct kaal_cap_info expected)
{
	harness_assert_same_cap(expected, harness_identify(slot));
}

void harness_assert_empty(struct kaal_slot_ref ref)
{
	assert_int_equal(KAAL_CAP_NULL, harness_identify_ref(ref).type);
}

void harness_assert_slot_empty(kaal_cptr slot)
{
	struct kaal_cap_info info = harness_identify(slot);
	assert_int_equal(KAAL_CAP_NULL, info.type);
	assert_int_equal(0, info.object);
}

void harness_assert_aligned(kaal_paddr p, unsigned bits)
{
	assert_int_equal(0, p & ((UINT64_C(1) << bits) - 1));
}

struct kaal_msg harness_message(kaal_word label, unsigned length, kaal_word w0, kaal_word w1,
                                kaal_word w2, kaal_word w3)
{
	struct kaal_msg m = {kaal_msg_info(label, length, 0), {w0, w1, w2, w3}, 0};
	return m;
}

struct kaal_msg harness_word_message(kaal_word label, kaal_word w0)
{
	return harness_message(label, 1, w0, 0, 0, 0);
}

void harness_receive_into(kaal_cptr slot)
{
	assert_status(KAAL_OK, kaal_set_receive_slot(harness_ref(slot)));
}

kaal_cptr harness_endpoint(void)
{
	return harness_create(KAAL_CAP_ENDPOINT, 0);
}

kaal_cptr harness_notification(void)
{
	return harness_create(KAAL_CAP_NOTIFICATION, 0);
}

kaal_cptr harness_copy(kaal_cptr src)
{
	kaal_cptr slot = harness_slot();
	assert_status(KAAL_OK, kaal_cnode_copy(harness_ref(slot), harness_ref(src)));
	return slot;
}

kaal_cptr harness_derive(kaal_cptr src, unsigned rights)
{
	kaal_cptr slot = harness_slot();
	assert_status(KAAL_OK, kaal_cnode_derive(harness_ref(slot), harness_ref(src), rights));
	assert_int_equal(rights, harness_identify(slot).rights);
	return slot;
}

kaal_cptr harness_mint(kaal_cptr src, unsigned rights, kaal_word badge)
{
	kaal_cptr slot = harness_slot();
	assert_status(KAAL_OK, kaal_cnode_mint(harness_ref(slot), harness_ref(src), rights, badge));
	return slot;
}

kaal_cptr harness_guarded(kaal_cptr cnode, unsigned bits, kaal_word guard)
{
	return harness_mint(cnode, KAAL_RIGHTS_ALL, kaal_cnode_guard(guard, bits));
}

kaal_word harness_peek(kaal_cptr ntfn)
{
	kaal_word bits = ~(kaal_word)0;
	assert_status(KAAL_OK, kaal_peek(ntfn, &bits));
	return bits;
}

void harness_await_bits(kaal_cptr ntfn, kaal_word want)
{
	kaal_word seen = 0;
	while ((seen & want) != want) {
		kaal_word bits = 0;
		assert_status(KAAL_OK, kaal_wait_timeout(ntfn, HARNESS_WAIT_NS, &bits));
		seen |= bits;
	}
	assert_int_equal(want, seen);
}

void *harness_stack(void)
{
	uint32_t i = kaal_atomic_fetch_add(&stacks_taken, 1, KAAL_RELAXED);
	assert_true(i < MAX_THREADS);
	return stacks[i] + STACK_BYTES;
}

kaal_cptr harness_thread(void (*fn)(kaal_word), kaal_word arg, kaal_cptr cspace)
{
	kaal_cptr frame = harness_frame();
	void *ipc;
	assert_status(KAAL_OK, kaal_map(frame, 0, KAAL_RIGHT_READ | KAAL_RIGHT_WRITE, &ipc));
	kaal_cptr thread = harness_create(KAAL_CAP_THREAD, 0);
	assert_status(KAAL_OK, kaal_thread_configure(thread, cspace ? cspace : h.root, frame, 100));
	assert_status(KAAL_OK, kaal_thread_start(thread, fn, harness_stack(), arg, ipc));
	return thread;
}

uint64_t harness_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void harness_wait_blocked(kaal_cptr thread)
{
	uint64_t give_up = harness_now_ns() + UINT64_C(10000000000);
	for (;;) {
		bool blocked = false;
		assert_status(KAAL_OK, kaal_host_thread_blocked(thread, &blocked));
		if (blocked)
			return;
		if (harness_now_ns() > give_up)
			fail_msg("thread %llu never blocked", (unsigned long long)thread);
		sched_yield();
	}
}

uint64_t harness_fastpath_count(void)
{
	host_kernel_lock();
	uint64_t count = kaal_kernel_fastpath_count();
	host_kernel_unlock();
	return count;
}

/* Canary bytes on each side of a fenced buffer, and their value. */
#define FENCE_BYTES 256
#define FENCE_BYTE  0xA5

struct harness_fenced harness_fenced(size_t size)
{
	assert_true(size > 0);
	struct harness_fenced f;
	f.size = size;
	f.total = (FENCE_BYTES + size + FENCE_BYTES + KAAL_RING_LINE - 1) / KAAL_RING_LINE *
	          KAAL_RING_LINE;
	f.block = aligned_alloc(KAAL_RING_LINE, f.total);
	assert_non_null(f.block);
	memset(f.block, FENCE_BYTE, f.total);
	f.mem = f.block + FENCE_BYTES;
	return f;
}

void harness_assert_fences_intact(const struct harness_fenced *f)
{
	for (size_t i = 0; i < FENCE_BYTES; i++)
		assert_int_equal(FENCE_BYTE, f->block[i]);
	for (size_t i = FENCE_BYTES + f->size; i < f->total; i++)
		assert_int_equal(FENCE_BYTE, f->block[i]);
}

void harness_barrier_create(struct harness_barrier *b, unsigned count)
{
	assert_true(count > 0);
	assert_int_equal(0, pthread_mutex_init(&b->lock, NULL));
	assert_int_equal(0, pthread_cond_init(&b->round_done, NULL));
	b->count = count;
	b->arrived = 0;
	b->round = 0;
}

void harness_barrier_pass(struct harness_barrier *b)
{
	pthread_mutex_lock(&b->lock);
	unsigned long round = b->round;
	if (++b->arrived == b->count) {
		b->arrived = 0;
		b->round++;
		pthread_cond_broadcast(&b->round_done);
	}
	/* The round number says when to go: by the time a waiter wakes, others may have arrived. */
	while (b->round == round)
		pthread_cond_wait(&b->round_done, &b->lock);
	pthread_mutex_unlock(&b->lock);
}

void harness_barrier_destroy(struct harness_barrier *b)
{
	pthread_cond_destroy(&b->round_done);
	pthread_mutex_destroy(&b->lock);
}

void harness_barrier_init(unsigned count)
{
	harness_barrier_create(&barrier, count);
	barrier_live = true;
}

void harness_barrier_wait(void)
{
	harness_barrier_pass(&barrier);
}
