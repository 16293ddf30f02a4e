/* Test fixture: a freshly booted simulated system per test case. */
#ifndef KAAL_TEST_HARNESS_H
#define KAAL_TEST_HARNESS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

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

/* A fresh empty slot of the root CNode, and its reference for CNode calls. */
kaal_cptr harness_slot(void);
struct kaal_slot_ref harness_ref(kaal_cptr slot);

/* One new object of type from the largest untyped, in a fresh slot. */
kaal_cptr harness_create(unsigned type, unsigned size_bits);

/* What a slot holds. */
struct kaal_cap_info harness_identify(kaal_cptr slot);

/*
 * Start a thread running fn(arg) with the given CSpace root (0: the root
 * CNode) and a fresh IPC buffer. Returns its thread capability.
 */
kaal_cptr harness_thread(void (*fn)(kaal_word), kaal_word arg, kaal_cptr cspace);

/*
 * Wait until the thread (a thread cptr) is blocked in a kernel call: sending,
 * receiving, waiting for a reply or on a notification. A blocked thread cannot
 * say so itself, so this looks at its state in the kernel. Fails after 10 s.
 */
void harness_wait_blocked(kaal_cptr thread);

/* A pthread barrier the test's threads and the test share. */
void harness_barrier_init(unsigned count);
void harness_barrier_wait(void);

#define assert_status(expected, expr)                                                              \
	assert_string_equal(kaal_status_name(expected), kaal_status_name(expr))

#endif
