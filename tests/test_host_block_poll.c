/*
 * The host kernel's block poll: a blocked thread watches its wake word for
 * a while before it sleeps in the OS. The setting's bounds, a timed wait
 * that ends inside the poll, and a wake that must reach a thread asleep in
 * the OS after its poll ran out.
 */
#include <sched.h>

#include "harness.h"

/* A timed wait well inside the longest poll, and well past none. */
#define SHORT_WAIT_NS UINT64_C(100000)

static uint64_t build_poll;

static int remember_poll(void **state)
{
	build_poll = kaal_host_block_poll();
	return harness_setup(state);
}

/* Each case leaves the poll as the build set it, for the next. */
static int restore_poll(void **state)
{
	kaal_status st = kaal_host_set_block_poll(build_poll);
	int torn = harness_teardown(state);
	return st == KAAL_OK ? torn : -1;
}

#define POLL_CASE(fn) HARNESS_CASE_WITH(fn, remember_poll, restore_poll)

static void poll_time_is_bounded(void **state)
{
	(void)state;
	assert_status(KAAL_INVALID_ARGUMENT,
	              kaal_host_set_block_poll(KAAL_HOST_BLOCK_POLL_MAX_NS + 1));
	assert_int_equal(build_poll, kaal_host_block_poll());
	assert_status(KAAL_INVALID_ARGUMENT, kaal_host_set_block_poll(UINT64_MAX));
	assert_int_equal(build_poll, kaal_host_block_poll());
	assert_status(KAAL_OK, kaal_host_set_block_poll(KAAL_HOST_BLOCK_POLL_MAX_NS));
	assert_int_equal(KAAL_HOST_BLOCK_POLL_MAX_NS, kaal_host_block_poll());
	assert_status(KAAL_OK, kaal_host_set_block_poll(0));
	assert_int_equal(0, kaal_host_block_poll());
}

/*
 * Only the root thread runs here, so the OS sleep count moves only with its
 * own waits: none for a deadline inside the poll, one for each without it.
 */
static void timed_wait_inside_the_poll_never_sleeps_in_the_os(void **state)
{
	(void)state;
	kaal_cptr n = harness_notification();
	kaal_word bits = 1;
	assert_status(KAAL_OK, kaal_host_set_block_poll(KAAL_HOST_BLOCK_POLL_MAX_NS));
	uint64_t before = kaal_host_os_sleeps();
	uint64_t start = harness_now_ns();
	assert_status(KAAL_TIMEOUT, kaal_wait_timeout(n, SHORT_WAIT_NS, &bits));
	assert_true(harness_now_ns() - start >= SHORT_WAIT_NS);
	assert_int_equal(0, bits);
	assert_int_equal(before, kaal_host_os_sleeps());

	/* A signal that came before the wait ends it at once either way. */
	assert_status(KAAL_OK, kaal_signal(n, 4));
	assert_status(KAAL_OK, kaal_wait_timeout(n, SHORT_WAIT_NS, &bits));
	assert_int_equal(4, bits);
	assert_int_equal(before, kaal_host_os_sleeps());

	assert_status(KAAL_OK, kaal_host_set_block_poll(0));
	start = harness_now_ns();
	assert_status(KAAL_TIMEOUT, kaal_wait_timeout(n, SHORT_WAIT_NS, &bits));
	assert_true(harness_now_ns() - start >= SHORT_WAIT_NS);
	assert_int_equal(before + 1, kaal_host_os_sleeps());
}

struct sleeper {
	kaal_cptr ntfn;
	kaal_cptr report;
	kaal_status st;
	kaal_word bits;
};

static void sleeper_main(kaal_word arg)
{
	struct sleeper *s = PTR(arg);
	s->st = kaal_wait(s->ntfn, &s->bits);
	kaal_signal(s->report, 1);
}

/* Spin (the root must not block: its own sleeps would count) until the count passes before. */
static void await_os_sleep(uint64_t before)
{
	uint64_t deadline = harness_now_ns() + HARNESS_WAIT_NS;
	while (kaal_host_os_sleeps() == before) {
		assert_true(harness_now_ns() < deadline);
		sched_yield();
	}
}

/*
 * A waiter whose poll ran out sleeps in the OS; a signal then has to wake it
 * there, with the build's poll and with none.
 */
static void wake_reaches_a_thread_asleep_in_the_os(void **state)
{
	(void)state;
	const uint64_t polls[] = {build_poll, 0};
	for (size_t i = 0; i < sizeof(polls) / sizeof(polls[0]); i++) {
		assert_status(KAAL_OK, kaal_host_set_block_poll(polls[i]));
		static struct sleeper s;
		s.ntfn = harness_notification();
		s.report = harness_notification();
		s.st = KAAL_INVALID_ARGUMENT;
		s.bits = 0;
		uint64_t before = kaal_host_os_sleeps();
		kaal_cptr t = harness_thread(sleeper_main, ARG(&s), 0);
		await_os_sleep(before);
		bool blocked = false;
		assert_status(KAAL_OK, kaal_host_thread_blocked(t, &blocked));
		assert_true(blocked);
		assert_status(KAAL_OK, kaal_signal(s.ntfn, 0x20));
		harness_await_bits(s.report, 1);
		assert_status(KAAL_OK, s.st);
		assert_int_equal(0x20, s.bits);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    POLL_CASE(poll_time_is_bounded),
	    POLL_CASE(timed_wait_inside_the_poll_never_sleeps_in_the_os),
	    POLL_CASE(wake_reaches_a_thread_asleep_in_the_os),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
