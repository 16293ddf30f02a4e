/* Test fixture: a freshly booted simulated system per test case. */
#ifndef KAAL_TEST_HARNESS_H
#define KAAL_TEST_HARNESS_H

#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include <kaal/broker.h>
#include <kaal/driver.h>
#include <kaal/host.h>
#include <kaal/sdk.h>

struct harness {
	const struct kaal_boot_info *bi;
	kaal_cptr root;      /* the root CNode, where every cptr is a slot index */
	kaal_cptr untyped;   /* the largest untyped region */
	kaal_cptr next_slot; /* the next free slot harness_slot() hands out */
};

extern struct harness h;

/* cmocka setup and teardown: boot before each case, shut down (asserting success) after. */
int harness_setup(void **state);
int harness_teardown(void **state);
/* The same setup with a boot configuration (a test's programs, its RAM). */
int harness_setup_with(void **state, const struct kaal_host_config *config);
/*
 * A broker over every untyped region but the harness's and over the root
 * slots above the first HARNESS_KEEP_SLOTS free ones, which stay the harness's.
 */
#define HARNESS_KEEP_SLOTS 1024u
void harness_broker(struct kaal_broker *b);

/* Programs in tests (tests/programs/) that report to an endpoint they are given as "report". */
#define HARNESS_PROGRAM_PRIORITY 100u
#define HARNESS_PROGRAM_WAIT_NS  (UINT64_C(10) * 1000 * 1000 * 1000)
/*
 * Spawn program as a client of link `link` of driver d (its capabilities
 * named by prefix) with "report" (Write on report) and the word what.
 */
void harness_spawn_driver_client(struct kaal_broker *b, const struct kaal_driver *d, unsigned link,
                                 const char *prefix, const char *program, kaal_cptr report,
                                 kaal_word what, struct kaal_spawned *p);
/* The next message on report: its label and its two words. */
void harness_expect_report(kaal_cptr report, kaal_word label, kaal_word w0, kaal_word w1);
/* Wait for p to end with status 0, then destroy it. */
void harness_finish_program(struct kaal_broker *b, struct kaal_spawned *p);

/* A case of a test's list, run between the harness's setup and teardown. */
#define HARNESS_CASE(fn) cmocka_unit_test_setup_teardown(fn, harness_setup, harness_teardown)

/* A case run between a test's own setup and teardown, which call the harness's. */
#define HARNESS_CASE_WITH(fn, setup, teardown) cmocka_unit_test_setup_teardown(fn, setup, teardown)

/* A fresh empty slot of the root CNode, and its reference for CNode calls. */
kaal_cptr harness_slot(void);
struct kaal_slot_ref harness_ref(kaal_cptr slot);
/* The root CNode's reference to itself: where retyped objects go. */
struct kaal_slot_ref harness_root_node(void);
/* Slot index of the CNode cnode, reached with depth bits of the index. */
struct kaal_slot_ref harness_at(kaal_cptr cnode, kaal_word index, unsigned depth);

/* One new object of type from the largest untyped, or from untyped ut, in a fresh slot. */
kaal_cptr harness_create(unsigned type, unsigned size_bits);
kaal_cptr harness_retype(kaal_cptr ut, unsigned type, unsigned size_bits);
/* A new frame of one page. */
kaal_cptr harness_frame(void);
/* A new frame of one page mapped twice, read and write: shared memory as two processes see it. */
void harness_frame_twice(void **first, void **second);
/* The bytes an untyped has not handed out yet. */
uint64_t harness_bytes_left(kaal_cptr ut);
/* Where a frame is mapped (0: nowhere), as its capability's badge says. */
kaal_word harness_mapped_at(kaal_cptr frame);
/* The boot info's device with this id; fails when there is none. */
const struct kaal_boot_device *harness_device(uint32_t id);
/* A temporary file of bytes zero bytes, for a block device model's disk. */
FILE *harness_disk(uint64_t bytes);
/*
 * Standard output (where the host's debug console writes) goes to a
 * temporary file from harness_stdout_begin() until harness_stdout_end(),
 * which puts it back and returns what was written, at most size - 1 bytes
 * of it in buf, NUL-terminated.
 */
void harness_stdout_begin(void);
size_t harness_stdout_end(char *buf, size_t size);

/* What a slot holds: by root slot index, or by any slot reference. */
struct kaal_cap_info harness_identify(kaal_cptr slot);
struct kaal_cap_info harness_identify_ref(struct kaal_slot_ref ref);
void harness_assert_same_cap(struct kaal_cap_info expected, struct kaal_cap_info actual);
/* A root slot still holds the capability it held when expected was read. */
void harness_assert_holds(kaal_cptr slot, struct kaal_cap_info expected);
void harness_assert_empty(struct kaal_slot_ref ref);
/* A root slot holds nothing: no type, no object. */
void harness_assert_slot_empty(kaal_cptr slot);
/* p is a multiple of 1 << bits. */
void harness_assert_aligned(kaal_paddr p, unsigned bits);

/* A message of length words (w0-w3 in its registers) with this label. */
struct kaal_msg harness_message(kaal_word label, unsigned length, kaal_word w0, kaal_word w1,
                                kaal_word w2, kaal_word w3);
/* A message of one word with this label. */
struct kaal_msg harness_word_message(kaal_word label, kaal_word w0);
/* Name slot of the root CNode as where a capability this thread receives goes. */
void harness_receive_into(kaal_cptr slot);

kaal_cptr harness_endpoint(void);
kaal_cptr harness_notification(void);
/* A copy of src in a fresh slot: whole, with these rights (checked), or minted with a badge. */
kaal_cptr harness_copy(kaal_cptr src);
kaal_cptr harness_derive(kaal_cptr src, unsigned rights);
kaal_cptr harness_mint(kaal_cptr src, unsigned rights, kaal_word badge);
/* A copy of the CNode cnode minted with a guard of bits bits. */
kaal_cptr harness_guarded(kaal_cptr cnode, unsigned bits, kaal_word guard);
/* The notification's word, not cleared. */
kaal_word harness_peek(kaal_cptr ntfn);

/* The monotonic clock, in nanoseconds. */
uint64_t harness_now_ns(void);

/* Long enough for any thread to get to its next step; only a bug waits this long. */
#define HARNESS_WAIT_NS UINT64_C(10000000000)
/* Wait until all bits of want have arrived on ntfn (fails after HARNESS_WAIT_NS per wait). */
void harness_await_bits(kaal_cptr ntfn, kaal_word want);

/* Pointers through a thread's word argument. */
#define PTR(arg) ((void *)(uintptr_t)(arg))
#define ARG(ptr) ((kaal_word)(uintptr_t)(ptr))

/*
 * Start a thread running fn(arg) with the given CSpace root (0: the root
 * CNode) and a fresh IPC buffer. Returns its thread capability.
 */
kaal_cptr harness_thread(void (*fn)(kaal_word), kaal_word arg, kaal_cptr cspace);
/* The top of a stack no other thread of this test uses, for kaal_thread_start(). */
void *harness_stack(void);

/*
 * Wait until the thread (a thread cptr) is blocked in a kernel call: sending,
 * receiving, waiting for a reply or on a notification. A blocked thread cannot
 * say so itself, so this asks the host backend (kaal_host_thread_blocked()).
 * Fails after 10 s.
 */
void harness_wait_blocked(kaal_cptr thread);

/* Calls and ReplyRecvs the kernel's fast path took so far. */
uint64_t harness_fastpath_count(void);

/*
 * A reusable barrier for count threads: each round lets them all go once the
 * last arrives. Made of a mutex and a condition variable, as macOS has no
 * pthread barriers.
 */
struct harness_barrier {
	pthread_mutex_t lock;
	pthread_cond_t round_done;
	unsigned count;      /* threads per round */
	unsigned arrived;    /* in the current round */
	unsigned long round; /* rounds completed */
};
void harness_barrier_create(struct harness_barrier *b, unsigned count);
void harness_barrier_pass(struct harness_barrier *b);
void harness_barrier_destroy(struct harness_barrier *b);

/* The harness's own barrier, which the test's threads and the test share; gone at teardown. */
void harness_barrier_init(unsigned count);
void harness_barrier_wait(void);

/*
 * A buffer of size bytes at mem, with canary bytes on both sides to catch
 * stray writes, aligned to a cache line; free(block) releases it.
 */
struct harness_fenced {
	uint8_t *block;
	void *mem;
	size_t size;
	size_t total;
};
struct harness_fenced harness_fenced(size_t size);
void harness_assert_fences_intact(const struct harness_fenced *f);

#define assert_status(expected, expr)                                                              \
	assert_string_equal(kaal_status_name(expected), kaal_status_name(expr))

#endif
