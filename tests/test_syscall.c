/* The dispatch table's edges: unknown numbers, the simple calls, strangers, status names. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"

static void assert_no_results(struct kaal_result r)
{
	for (unsigned i = 0; i < KAAL_SYSCALL_RESULTS; i++)
		assert_int_equal(0, r.r[i]);
}

static void unknown_numbers(void **state)
{
	(void)state;
	/*
	 * Gaps in the table, the seed's broker calls (user level in kaal), the
	 * table's hidden last row, numbers past the table and around the debug call.
	 */
	const kaal_word unknown[] = {0x00,       0x08,
	                             0x0F,       0x10,
	                             0x11,       0x12,
	                             0x14,       0x3F,
	                             0x28,       0x2F,
	                             0x3C,       0x3D,
	                             0x4F,       0x51,
	                             0x52,       0x7F,
	                             0x80,       0xFFF,
	                             0x1001,     0x10000,
	                             UINT64_MAX, UINT64_C(1) << 32 | KAAL_SYS_YIELD};
	kaal_cptr n = harness_create(KAAL_CAP_NOTIFICATION, 0);
	for (unsigned i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++) {
		/* Arguments that would make sense to a real call change nothing. */
		struct kaal_result r = kaal_syscall(unknown[i], n, 1, 2, 3, 4, 5);
		assert_status(KAAL_INVALID_SYSCALL, r.status);
		assert_no_results(r);
	}
	kaal_word bits = 1;
	assert_status(KAAL_OK, kaal_peek(n, &bits));
	assert_int_equal(0, bits);
	assert_int_equal(KAAL_CAP_NOTIFICATION, harness_identify(n).type);
}

/* Results of a previous call never leak into the next one's. */
static void results_are_cleared(void **state)
{
	(void)state;
	kaal_cptr n = harness_create(KAAL_CAP_NOTIFICATION, 0);
	const kaal_word identify_n = kaal_slot(n, KAAL_WORD_BITS);
	struct kaal_result r = kaal_syscall(KAAL_SYS_IDENTIFY, h.root, identify_n, 0, 0, 0, 0);
	assert_status(KAAL_OK, r.status);
	assert_int_equal(KAAL_CAP_NOTIFICATION, r.r[0]);
	assert_int_not_equal(0, r.r[3]);

	/* Each of these follows an identify that filled every result word. */
	r = kaal_syscall(0x7F, 0, 0, 0, 0, 0, 0);
	assert_status(KAAL_INVALID_SYSCALL, r.status);
	assert_no_results(r);
	kaal_syscall(KAAL_SYS_IDENTIFY, h.root, identify_n, 0, 0, 0, 0);
	r = kaal_syscall(KAAL_SYS_YIELD, 0, 0, 0, 0, 0, 0);
	assert_status(KAAL_OK, r.status);
	assert_no_results(r);
	kaal_syscall(KAAL_SYS_IDENTIFY, h.root, identify_n, 0, 0, 0, 0);
	r = kaal_syscall(KAAL_SYS_UNTYPED_INFO, n, 0, 0, 0, 0, 0);
	assert_status(KAAL_WRONG_TYPE, r.status);
	assert_no_results(r);
	kaal_syscall(KAAL_SYS_IDENTIFY, h.root, identify_n, 0, 0, 0, 0);
	r = kaal_syscall(KAAL_SYS_SIGNAL, n, 1, 0, 0, 0, 0);
	assert_status(KAAL_OK, r.status);
	assert_no_results(r);
}

static void yield(void **state)
{
	(void)state;
	assert_status(KAAL_OK, kaal_yield());
	struct kaal_result r = kaal_syscall(KAAL_SYS_YIELD, 1, 2, 3, 4, 5, 6);
	assert_status(KAAL_OK, r.status);
	assert_no_results(r);
}

/* debug_putchar writes the character to the host's standard output. */
static void debug_putchar(void **state)
{
	(void)state;
	harness_stdout_begin();
	kaal_status a = kaal_debug_putchar('k');
	kaal_status b = kaal_debug_putchar('a');
	struct kaal_result r = kaal_syscall(KAAL_SYS_DEBUG_PUTCHAR, 0x100 | 'l', 0, 0, 0, 0, 0);
	kaal_status c = kaal_debug_putchar('\n');
	char buf[16];
	size_t got = harness_stdout_end(buf, sizeof(buf));
	assert_status(KAAL_OK, a);
	assert_status(KAAL_OK, b);
	assert_status(KAAL_OK, r.status);
	assert_status(KAAL_OK, c);
	assert_int_equal(4, got);
	/* Only the low byte of the argument is the character. */
	assert_string_equal("kal\n", buf);
}

static void shutdown_request(void **state)
{
	(void)state;
	kaal_word code = 99;
	assert_false(kaal_host_shutdown_requested(&code));
	assert_int_equal(99, code);
	assert_false(kaal_host_shutdown_requested(NULL));

	assert_status(KAAL_OK, kaal_shutdown(5));
	assert_true(kaal_host_shutdown_requested(&code));
	assert_int_equal(5, code);
	assert_true(kaal_host_shutdown_requested(NULL));
	/* Asking does not consume the request, and the system keeps running. */
	code = 0;
	assert_true(kaal_host_shutdown_requested(&code));
	assert_int_equal(5, code);
	assert_status(KAAL_OK, kaal_yield());
	/* The last request's code wins. */
	assert_status(KAAL_OK, kaal_shutdown(UINT64_MAX));
	assert_true(kaal_host_shutdown_requested(&code));
	assert_int_equal(UINT64_MAX, code);
	assert_status(KAAL_OK, kaal_shutdown(0));
	assert_true(kaal_host_shutdown_requested(&code));
	assert_int_equal(0, code);

	/* A new boot has no request. */
	assert_status(KAAL_OK, kaal_host_shutdown());
	const struct kaal_boot_info *bi;
	assert_status(KAAL_OK, kaal_host_boot(NULL, &bi));
	h.bi = bi;
	assert_false(kaal_host_shutdown_requested(&code));
}

static void shutdown_thread(kaal_word code)
{
	kaal_shutdown(code);
}

/* Any thread of the root task may ask; the request is there once it has finished. */
static void shutdown_from_thread(void **state)
{
	(void)state;
	harness_thread(shutdown_thread, 42, 0);
	/* Shutting down waits for the thread, so the request must be in by then. */
	kaal_word code = 0;
	assert_status(KAAL_OK, kaal_host_shutdown());
	assert_true(kaal_host_shutdown_requested(&code));
	assert_int_equal(42, code);
	const struct kaal_boot_info *bi;
	assert_status(KAAL_OK, kaal_host_boot(NULL, &bi));
	h.bi = bi;
}

static kaal_status process_shutdown_status;

static void shutdown_from_process(kaal_word code)
{
	process_shutdown_status = kaal_shutdown(code);
	harness_barrier_wait();
}

/* A thread with a CSpace of its own (a process) may not end the system. */
static void shutdown_refused_to_process(void **state)
{
	(void)state;
	kaal_cptr cnode = harness_create(KAAL_CAP_CNODE, 4);
	kaal_cptr cspace = harness_mint(cnode, KAAL_RIGHTS_ALL, KAAL_WORD_BITS - 4);
	harness_barrier_init(2);
	process_shutdown_status = KAAL_OK;
	harness_thread(shutdown_from_process, 7, cspace);
	harness_barrier_wait();
	assert_status(KAAL_ILLEGAL_OPERATION, process_shutdown_status);
	kaal_word code = 0;
	assert_false(kaal_host_shutdown_requested(&code));
	assert_int_equal(0, code);
}

#define NAMED(s)                                                                                   \
	{                                                                                          \
		s, #s                                                                              \
	}

static void status_names(void **state)
{
	(void)state;
	static const struct {
		long status;
		const char *name;
	} known[] = {
	    NAMED(KAAL_OK),
	    NAMED(KAAL_INVALID_ROOT),
	    NAMED(KAAL_MISSING_CAPABILITY),
	    NAMED(KAAL_DEPTH_MISMATCH),
	    NAMED(KAAL_GUARD_MISMATCH),
	    NAMED(KAAL_SLOT_EMPTY),
	    NAMED(KAAL_SLOT_OCCUPIED),
	    NAMED(KAAL_WRONG_TYPE),
	    NAMED(KAAL_MISSING_RIGHT),
	    NAMED(KAAL_ALREADY_BADGED),
	    NAMED(KAAL_REVOKE_FIRST),
	    NAMED(KAAL_UNTYPED_EXHAUSTED),
	    NAMED(KAAL_INVALID_ARGUMENT),
	    NAMED(KAAL_INVALID_SYSCALL),
	    NAMED(KAAL_ILLEGAL_OPERATION),
	    NAMED(KAAL_TIMEOUT),
	    NAMED(KAAL_OBJECT_DELETED),
	    NAMED(KAAL_BUSY),
	    NAMED(KAAL_CORRUPT_RING),
	};
	for (unsigned i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		assert_string_equal(known[i].name, kaal_status_name(known[i].status));
	/* The kernel's statuses are 0..18 with no gaps. */
	for (unsigned i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		assert_int_equal(i, known[i].status);

	/* Every status has its own name, and none is the name for "no status". */
	for (long s = 0; s < KAAL_STATUS_COUNT; s++) {
		const char *name = kaal_status_name(s);
		assert_non_null(name);
		assert_int_equal(0, strncmp(name, "KAAL_", 5));
		assert_string_not_equal("KAAL_UNKNOWN", name);
		for (long t = 0; t < s; t++)
			assert_string_not_equal(kaal_status_name(t), name);
	}
	const long outside[] = {KAAL_STATUS_COUNT, KAAL_STATUS_COUNT + 1, 1000, -1, -100,
	                        (long)(~0ul >> 1), -(long)(~0ul >> 1) - 1};
	for (unsigned i = 0; i < sizeof(outside) / sizeof(outside[0]); i++)
		assert_string_equal("KAAL_UNKNOWN", kaal_status_name(outside[i]));
}

struct stranger_report {
	struct kaal_result yield, signal, identify, unknown, shutdown;
	kaal_status sdk_yield, sdk_poll;
};

/* A pthread the simulated system never adopted: every call is refused. */
static void *stranger(void *p)
{
	struct stranger_report *out = p;
	kaal_cptr n = (kaal_cptr)(uintptr_t)out->signal.r[0];
	memset(out, 0xFF, sizeof(*out));
	out->yield = kaal_syscall(KAAL_SYS_YIELD, 0, 0, 0, 0, 0, 0);
	out->signal = kaal_syscall(KAAL_SYS_SIGNAL, n, 1, 0, 0, 0, 0);
	out->identify = kaal_syscall(KAAL_SYS_IDENTIFY, 1, kaal_slot(1, 64), 0, 0, 0, 0);
	out->unknown = kaal_syscall(0x7F, 0, 0, 0, 0, 0, 0);
	out->shutdown = kaal_syscall(KAAL_SYS_SHUTDOWN, 7, 0, 0, 0, 0, 0);
	out->sdk_yield = kaal_yield();
	kaal_word bits = 0;
	out->sdk_poll = kaal_poll(n, &bits);
	return NULL;
}

static void unbound_pthread_is_refused(void **state)
{
	(void)state;
	kaal_cptr n = harness_create(KAAL_CAP_NOTIFICATION, 0);
	struct stranger_report report;
	memset(&report, 0, sizeof(report));
	report.signal.r[0] = n;
	pthread_t thread;
	assert_int_equal(0, pthread_create(&thread, NULL, stranger, &report));
	assert_int_equal(0, pthread_join(thread, NULL));
	const struct kaal_result *all[] = {&report.yield, &report.signal, &report.identify,
	                                   &report.unknown, &report.shutdown};
	for (unsigned i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		assert_status(KAAL_ILLEGAL_OPERATION, all[i]->status);
		assert_no_results(*all[i]);
	}
	assert_status(KAAL_ILLEGAL_OPERATION, report.sdk_yield);
	assert_status(KAAL_ILLEGAL_OPERATION, report.sdk_poll);
	/* Nothing it tried happened. */
	kaal_word bits = 1;
	assert_status(KAAL_OK, kaal_peek(n, &bits));
	assert_int_equal(0, bits);
	assert_false(kaal_host_shutdown_requested(NULL));
}

struct refusal {
	kaal_word num;
	kaal_word a[KAAL_SYSCALL_ARGS];
	kaal_status expected;
};

#define SLOT(i) kaal_slot((i), KAAL_WORD_BITS)
/* A depth that holds the index but falls short of the root CNode's 64 bits. */
#define SHORT(i) kaal_slot((i), KAAL_WORD_BITS / 2)

/* Every handler checks its operands first: each refusal below changes nothing. */
static void operands_are_checked(void **state)
{
	(void)state;
	const kaal_cptr root = h.root;
	const kaal_cptr n = harness_create(KAAL_CAP_NOTIFICATION, 0);
	const kaal_cptr ep = harness_create(KAAL_CAP_ENDPOINT, 0);
	const kaal_cptr f = harness_create(KAAL_CAP_FRAME, KAAL_PAGE_BITS);
	const kaal_cptr thr = harness_create(KAAL_CAP_THREAD, 0);
	const kaal_cptr n_ro = harness_slot(), n_wo = harness_slot(), ep_ro = harness_slot(),
	                ep_wo = harness_slot(), f_ro = harness_slot();
	assert_status(KAAL_OK,
	              kaal_cnode_derive(harness_ref(n_ro), harness_ref(n), KAAL_RIGHT_READ));
	assert_status(KAAL_OK,
	              kaal_cnode_derive(harness_ref(n_wo), harness_ref(n), KAAL_RIGHT_WRITE));
	assert_status(KAAL_OK,
	              kaal_cnode_derive(harness_ref(ep_ro), harness_ref(ep), KAAL_RIGHT_READ));
	assert_status(KAAL_OK,
	              kaal_cnode_derive(harness_ref(ep_wo), harness_ref(ep), KAAL_RIGHT_WRITE));
	assert_status(KAAL_OK,
	              kaal_cnode_derive(harness_ref(f_ro), harness_ref(f), KAAL_RIGHT_READ));
	const kaal_cptr e = harness_slot();
	const kaal_word long_msg = kaal_msg_info(0, KAAL_MSG_MAX_WORDS + 1, 0);
	const kaal_word two_caps = kaal_msg_info(0, 0, 2);
	const kaal_word empty_msg = kaal_msg_info(0, 0, 0);
	const unsigned wide_field = (unsigned)KAAL_RETYPE_FIELD_MASK + 1;

	const struct refusal table[] = {
	    {KAAL_SYS_SEND, {e, empty_msg}, KAAL_SLOT_EMPTY},
	    {KAAL_SYS_SEND, {n, empty_msg}, KAAL_WRONG_TYPE},
	    {KAAL_SYS_SEND, {ep_ro, empty_msg}, KAAL_MISSING_RIGHT},
	    {KAAL_SYS_SEND, {ep, long_msg}, KAAL_INVALID_ARGUMENT},
	    {KAAL_SYS_SEND, {ep, two_caps}, KAAL_INVALID_ARGUMENT},
	    {KAAL_SYS_NB_SEND, {e, empty_msg}, KAAL_SLOT_EMPTY},
	    {KAAL_SYS_NB_SEND, {ep_ro, empty_msg}, KAAL_MISSING_RIGHT},
	    {KAAL_SYS_NB_SEND, {ep, long_msg}, KAAL_INVALID_ARGUMENT},
	    {KAAL_SYS_CALL, {e, empty_msg}, KAAL_SLOT_EMPTY},
	    {KAAL_SYS_CALL, {ep_ro, empty_msg}, KAAL_MISSING_RIGHT},
	    {KAAL_SYS_CALL, {ep_wo, empty_msg}, KAAL_MISSING_RIGHT},
	    {KAAL_SYS_CALL, {ep, long_msg}, KAAL_INVALID_ARGUMENT},
	    {KAAL_SYS_RECV, {e}, KAAL_SLOT_EMPTY},
	    {KAAL_SYS_RECV, {n}, KAAL_WRONG_TYPE},
	    {KAAL_SYS_RECV, {ep_wo}, KAAL_MISSING_RIGHT},
	    {KAAL_SYS_REPLY, {empty_msg}, KAAL_ILLEGAL_OPERATION},
	    {KAAL_SYS_REPLY, {long_msg}, KAAL_INVALID_ARGUMENT},
	    {KAAL_SYS_REPLY_RECV, {e, empty_msg}, KAAL_SLOT_EMPTY},
	    {KAAL_SYS_REPLY_RECV, {n, empty_msg}, KAAL_WRONG_TYPE},
	    {KAAL_SYS_REPLY_RECV, {ep_wo, empty_msg}, KAAL_MISSING_RIGHT},
	    {KAAL_SYS_REPLY_RECV, {ep, long_msg}, KAAL_INVALID_ARGUMENT},
	    {KAAL_SYS_SIGNAL, {e, 1}, KAAL_SLOT_EMPTY},
	    {KAAL_SYS_SIGNAL, {ep, 1}, KAAL_WRONG_TYPE},
	    {KAAL_SYS_SIGNAL, {n_ro, 1}, KAAL_MISSING_RIGHT},
	    {KAAL_SYS_WAIT, {e}, KAAL_SLOT_EMPTY},
	    {KAAL_SYS_WAIT, {ep}, KAAL_WRONG_TYPE},
	    {KAAL_SYS_WAIT, {n_wo}, KAAL_MISSING_RIGHT},
	    {KAAL_SYS_POLL, {n_wo}, KAAL_MISSING_RIGHT},
	    {KAAL_SYS_PEEK, {e}, KAAL_SLOT_EMPTY},
	    {KAAL_SYS_PEEK, {n_wo}, KAAL_MISSING_RIGHT},
	    {KAAL_SYS_WAIT_TIMEOUT, {ep, 1000}, KAAL_WRONG_TYPE},
	    {KAAL_SYS_WAIT_TIMEOUT, {n_wo, 1000}, KAAL_MISSING_RIGHT},
	    {KAAL_SYS_REVOKE, {root, SLOT(e)}, KAAL_SLOT_EMPTY},
	    {KAAL_SYS_REVOKE, {root, SHORT(n)}, KAAL_DEPTH_MISMATCH},
	    {KAAL_SYS_REVOKE, {root, KAAL_SLOT_INVALID}, KAAL_INVALID_ARGUMENT},
	    {KAAL_SYS_DELETE, {root, SLOT(e)}, KAAL_SLOT_EMPTY},
	    {KAAL_SYS_DELETE, {root, SHORT(n)}, KAAL_DEPTH_MISMATCH},
	    {KAAL_SYS_DELETE, {n, SLOT(n)}, KAAL_INVALID_ROOT},
	    {KAAL_SYS_IDENTIFY, {root, SHORT(n)}, KAAL_DEPTH_MISMATCH},
	    {KAAL_SYS_IDENTIFY, {n, SLOT(n)}, KAAL_INVALID_ROOT},
	    {KAAL_SYS_THREAD_INFO, {n}, KAAL_WRONG_TYPE},
	    {KAAL_SYS_THREAD_INFO, {e}, KAAL_SLOT_EMPTY},
	    {KAAL_SYS_COPY, {root, SLOT(e), root, SLOT(e + 1)}, KAAL_SLOT_EMPTY},
	    {KAAL_SYS_COPY, {root, SHORT(e), root, SLOT(n)}, KAAL_DEPTH_MISMATCH},
	    {KAAL_SYS_COPY, {root, SLOT(e), root, KAAL_SLOT_INVALID}, KAAL_INVALID_ARGUMENT},
	    {KAAL_SYS_COPY, {root, SLOT(ep), root, SLOT(n)}, KAAL_SLOT_OCCUPIED},
	    {KAAL_SYS_DERIVE,
	     {root, SLOT(e), root, SLOT(n_ro), KAAL_RIGHT_WRITE},
	     KAAL_MISSING_RIGHT},
	    {KAAL_SYS_DERIVE,
	     {root, SHORT(e), root, SLOT(n), KAAL_RIGHT_READ},
	     KAAL_DEPTH_MISMATCH},
	    {KAAL_SYS_DERIVE,
	     {root, SLOT(e), root, SLOT(n), UINT64_C(1) << 32 | KAAL_RIGHT_READ},
	     KAAL_INVALID_ARGUMENT},
	    {KAAL_SYS_MINT,
	     {root, SLOT(e), root, SLOT(n), UINT64_C(1) << 32 | KAAL_RIGHT_READ, 5},
	     KAAL_INVALID_ARGUMENT},
	    {KAAL_SYS_MINT,
	     {root, SLOT(e), root, SLOT(e + 1), KAAL_RIGHTS_ALL, 5},
	     KAAL_SLOT_EMPTY},
	    {KAAL_SYS_MINT,
	     {root, SLOT(e), root, SLOT(f), KAAL_RIGHTS_ALL, 5},
	     KAAL_INVALID_ARGUMENT},
	    {KAAL_SYS_MOVE, {root, SLOT(e), root, SLOT(e + 1)}, KAAL_SLOT_EMPTY},
	    {KAAL_SYS_MOVE, {root, SLOT(ep), root, SLOT(n)}, KAAL_SLOT_OCCUPIED},
	    {KAAL_SYS_MUTATE,
	     {root, SLOT(e), root, SLOT(n_ro), KAAL_RIGHT_WRITE},
	     KAAL_MISSING_RIGHT},
	    {KAAL_SYS_MUTATE,
	     {root, SHORT(e), root, SLOT(n), KAAL_RIGHT_READ},
	     KAAL_DEPTH_MISMATCH},
	    {KAAL_SYS_MUTATE,
	     {root, SLOT(e), root, SLOT(n), UINT64_C(1) << 33 | KAAL_RIGHT_READ},
	     KAAL_INVALID_ARGUMENT},
	    {KAAL_SYS_UNTYPED_INFO, {e}, KAAL_SLOT_EMPTY},
	    {KAAL_SYS_THREAD_CONFIGURE, {n, root, 0, 1}, KAAL_WRONG_TYPE},
	    {KAAL_SYS_THREAD_CONFIGURE, {thr, n, 0, 1}, KAAL_WRONG_TYPE},
	    {KAAL_SYS_THREAD_CONFIGURE, {thr, e, 0, 1}, KAAL_SLOT_EMPTY},
	    {KAAL_SYS_THREAD_CONFIGURE, {thr, root, f_ro, 1}, KAAL_MISSING_RIGHT},
	    {KAAL_SYS_THREAD_CONFIGURE, {thr, root, n, 1}, KAAL_WRONG_TYPE},
	    {KAAL_SYS_THREAD_CONFIGURE, {thr, root, 0, 256}, KAAL_INVALID_ARGUMENT},
	    {KAAL_SYS_THREAD_START, {e, 1}, KAAL_SLOT_EMPTY},
	    {KAAL_SYS_THREAD_START, {n, 1}, KAAL_WRONG_TYPE},
	    {KAAL_SYS_THREAD_START, {thr, 1}, KAAL_ILLEGAL_OPERATION},
	    {KAAL_SYS_THREAD_SET_PRIORITY, {thr, 256}, KAAL_INVALID_ARGUMENT},
	    {KAAL_SYS_THREAD_SET_PRIORITY, {ep, 1}, KAAL_WRONG_TYPE},
	    {KAAL_SYS_THREAD_BIND_NOTIFICATION, {n, n}, KAAL_WRONG_TYPE},
	    {KAAL_SYS_THREAD_BIND_NOTIFICATION, {thr, ep}, KAAL_WRONG_TYPE},
	    {KAAL_SYS_THREAD_BIND_NOTIFICATION, {thr, n_wo}, KAAL_MISSING_RIGHT},
	    {KAAL_SYS_THREAD_UNBIND_NOTIFICATION, {thr}, KAAL_ILLEGAL_OPERATION},
	    {KAAL_SYS_THREAD_UNBIND_NOTIFICATION, {e}, KAAL_SLOT_EMPTY},
	    {KAAL_SYS_IRQ_SET_NOTIFICATION, {n, n}, KAAL_WRONG_TYPE},
	    {KAAL_SYS_IRQ_ACK, {e}, KAAL_SLOT_EMPTY},
	    {KAAL_SYS_MAP, {e, 0, KAAL_RIGHT_READ}, KAAL_SLOT_EMPTY},
	    {KAAL_SYS_UNMAP, {n}, KAAL_WRONG_TYPE},
	    {KAAL_SYS_ENDPOINT_CREATE, {n, root, SLOT(e)}, KAAL_WRONG_TYPE},
	    {KAAL_SYS_NOTIFICATION_CREATE, {h.untyped, root, SHORT(e)}, KAAL_DEPTH_MISMATCH},
	    {KAAL_SYS_NOTIFICATION_CREATE,
	     {h.untyped, root, KAAL_SLOT_INVALID},
	     KAAL_INVALID_ARGUMENT},
	    {KAAL_SYS_RETYPE,
	     {e, kaal_retype_spec(KAAL_CAP_ENDPOINT, 0, 1), root, SLOT(root), e},
	     KAAL_SLOT_EMPTY},
	    /* Operands too wide for their fields, as the packing helpers return them. */
	    {KAAL_SYS_RETYPE,
	     {h.untyped, KAAL_RETYPE_SPEC_INVALID, root, SLOT(root), e},
	     KAAL_INVALID_ARGUMENT},
	    {KAAL_SYS_RETYPE,
	     {h.untyped, kaal_retype_spec(wide_field, 0, 1), root, SLOT(root), e},
	     KAAL_INVALID_ARGUMENT},
	    {KAAL_SYS_RETYPE,
	     {h.untyped, kaal_retype_spec(KAAL_CAP_FRAME, wide_field, 1), root, SLOT(root), e},
	     KAAL_INVALID_ARGUMENT},
	    /* Depth 0 names the root itself only with index 0. */
	    {KAAL_SYS_RETYPE,
	     {h.untyped, kaal_retype_spec(KAAL_CAP_ENDPOINT, 0, 1), root, 1, e},
	     KAAL_INVALID_ARGUMENT},
	    {KAAL_SYS_SEND,
	     {ep, kaal_msg_info(0, KAAL_MSG_MAX_WORDS * 2 + 2, 0)},
	     KAAL_INVALID_ARGUMENT},
	    {KAAL_SYS_SEND,
	     {ep, kaal_msg_info(0, 0, (unsigned)KAAL_MSG_CAPS_MASK + 1)},
	     KAAL_INVALID_ARGUMENT},
	    {KAAL_SYS_SEND,
	     {ep, kaal_msg_info(KAAL_MSG_LABEL_MAX + 1, 0, 0)},
	     KAAL_INVALID_ARGUMENT},
	    {KAAL_SYS_CALL, {ep, KAAL_MSG_INFO_INVALID}, KAAL_INVALID_ARGUMENT},
	};
	struct kaal_cap_info before[8];
	const kaal_cptr watched[8] = {n, ep, f, thr, n_ro, ep_wo, e, e + 1};
	for (unsigned i = 0; i < 8; i++)
		before[i] = harness_identify(watched[i]);
	for (unsigned i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		const struct refusal *c = &table[i];
		struct kaal_result r =
		    kaal_syscall(c->num, c->a[0], c->a[1], c->a[2], c->a[3], c->a[4], c->a[5]);
		if (r.status != c->expected)
			fail_msg("row %u (call 0x%llx): %s, expected %s", i,
			         (unsigned long long)c->num, kaal_status_name((long)r.status),
			         kaal_status_name(c->expected));
		assert_no_results(r);
	}
	for (unsigned i = 0; i < 8; i++) {
		struct kaal_cap_info now = harness_identify(watched[i]);
		assert_int_equal(before[i].type, now.type);
		assert_int_equal(before[i].rights, now.rights);
		assert_int_equal(before[i].badge, now.badge);
		assert_int_equal(before[i].object, now.object);
	}
	kaal_word bits = 1;
	assert_status(KAAL_OK, kaal_peek(n, &bits));
	assert_int_equal(0, bits);

	/* A configured thread still refuses to start at entry 0, and stays inactive. */
	assert_status(KAAL_OK, kaal_thread_configure(thr, root, 0, 10));
	struct kaal_result r = kaal_syscall(KAAL_SYS_THREAD_START, thr, 0, 0, 0, 0, 0);
	assert_status(KAAL_INVALID_ARGUMENT, r.status);
	r = kaal_syscall(KAAL_SYS_THREAD_START, thr, 0, 0, 0, 0, 0);
	assert_status(KAAL_INVALID_ARGUMENT, r.status);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    HARNESS_CASE(unknown_numbers),
	    HARNESS_CASE(results_are_cleared),
	    HARNESS_CASE(yield),
	    HARNESS_CASE(debug_putchar),
	    HARNESS_CASE(shutdown_request),
	    HARNESS_CASE(shutdown_from_thread),
	    HARNESS_CASE(shutdown_refused_to_process),
	    HARNESS_CASE(status_names),
	    HARNESS_CASE(unbound_pthread_is_refused),
	    HARNESS_CASE(operands_are_checked),
	};
	return cmocka_run_group_tests_name("syscall", tests, NULL, NULL);
}
