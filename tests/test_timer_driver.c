/*
 * The timer driver process on the host, a boot program against the
 * generic timer's model, with the test as a client on three links at once:
 * the time, overlapping deadlines served earliest first as the model's
 * counter passes them, a deadline already passed, and refusals.
 */
#include "harness.h"
#include "programs/programs.h"
#include "timer/timer_service.h"
#include "timer_model.h"

#define WAIT_NS      HARNESS_PROGRAM_WAIT_NS
#define FREQUENCY    62500000u /* QEMU virt's counter, ticks per second */
#define TICKS_PER_MS (FREQUENCY / 1000u)
#define NS_PER_MS    1000000u
#define LINKS        3u

static const struct kaal_host_program programs[] = {{"timer", kaal_program_entry_timer}};

static struct kaal_broker broker;
static struct timer_model model;
static struct kaal_driver timer;
static struct kaal_driver_client links[LINKS];

static int timer_setup(void **state)
{
	struct kaal_host_config config = {.programs = programs, .program_count = 1};
	harness_setup_with(state, &config);
	harness_broker(&broker);
	timer_model_init(&model, FREQUENCY);
	kaal_driver_use_model(KAAL_DEVICE_TIMER, &model.mmio);
	assert_status(KAAL_OK, kaal_driver_start(&broker, &kaal_timer_driver_desc, &timer));
	for (unsigned i = 0; i < LINKS; i++)
		assert_status(KAAL_OK, kaal_driver_open_link(&links[i], &timer, i, 2 * i));
	return 0;
}

static int timer_teardown(void **state)
{
	assert_status(KAAL_OK, kaal_driver_stop(&broker, &timer));
	kaal_driver_use_model(KAAL_DEVICE_TIMER, NULL);
	return harness_teardown(state);
}

#define TIMER_CASE(fn) cmocka_unit_test_setup_teardown(fn, timer_setup, timer_teardown)

static struct kaal_timer_reply ask(unsigned l, uint32_t op, uint64_t ns)
{
	struct kaal_timer_request q = {op, 0, ns};
	struct kaal_timer_reply a = {0};
	assert_status(KAAL_OK, kaal_driver_call(&links[l], &q, &a, WAIT_NS));
	assert_int_equal(op, a.op);
	return a;
}

/* A sleep asked without waiting for its reply; the time asked after it shows it was taken. */
static void sleep_until(unsigned l, uint64_t ns)
{
	struct kaal_timer_request q = {KAAL_TIMER_SLEEP, 0, ns};
	assert_status(KAAL_OK, kaal_channel_send(&links[l].request, &q, WAIT_NS));
	assert_status(KAAL_OK, (kaal_status)ask(l, KAAL_TIMER_NOW, 0).status);
}

/*
 * The driver sleeps: the test may touch the model (the driver wakes through
 * the kernel, whose lock TSan sees; the rings order it too, but through two
 * views of their frames, which TSan cannot follow: docs/testing.md).
 */
static void driver_idle(void)
{
	harness_wait_blocked(timer.program.process.thread);
}

/* Time passes on the model; once the driver sleeps, its interrupt comes if the line is up. */
static void advance_ms(uint64_t ms)
{
	driver_idle();
	timer_model_advance(&model, ms * TICKS_PER_MS);
	if (model.line)
		assert_status(KAAL_OK, kaal_host_raise_irq(harness_device(KAAL_DEVICE_TIMER)->irq));
}

static struct kaal_timer_reply woken(unsigned l)
{
	struct kaal_timer_reply a = {0};
	assert_status(KAAL_OK, kaal_channel_recv(&links[l].reply, &a, WAIT_NS));
	assert_int_equal(KAAL_TIMER_SLEEP, a.op);
	assert_status(KAAL_OK, (kaal_status)a.status);
	return a;
}

static void the_time_follows_the_counter(void **state)
{
	(void)state;
	assert_int_equal(0, ask(0, KAAL_TIMER_NOW, 0).ns);
	advance_ms(1000);
	assert_int_equal(UINT64_C(1000) * NS_PER_MS, ask(1, KAAL_TIMER_NOW, 0).ns);
}

static void overlapping_deadlines_are_served_earliest_first(void **state)
{
	(void)state;
	sleep_until(0, 3 * NS_PER_MS);
	sleep_until(1, 1 * NS_PER_MS);
	sleep_until(2, 2 * NS_PER_MS);
	driver_idle();
	assert_int_equal(1 * TICKS_PER_MS, model.compare); /* armed for the earliest */
	advance_ms(1);
	struct kaal_timer_reply first = woken(1);
	assert_int_equal(1, first.order);
	assert_true(first.ns >= 1 * NS_PER_MS);
	struct kaal_timer_reply none;
	assert_status(KAAL_WOULD_BLOCK, kaal_channel_recv(&links[0].reply, &none, 0));
	driver_idle();
	assert_int_equal(2 * TICKS_PER_MS, model.compare);
	advance_ms(5); /* past both others: one interrupt serves both, in deadline order */
	assert_int_equal(2, woken(2).order);
	assert_int_equal(3, woken(0).order);
	driver_idle();
	assert_false(model.armed);
}

static void a_passed_deadline_comes_at_once(void **state)
{
	(void)state;
	advance_ms(10);
	sleep_until(0, 5 * NS_PER_MS);
	driver_idle();
	assert_true(model.line);
	advance_ms(0);
	assert_true(woken(0).ns >= 10 * NS_PER_MS);
}

static void refusals(void **state)
{
	(void)state;
	sleep_until(0, 1000 * NS_PER_MS);
	/* One sleep per client: a second is refused at once, the first still waits. */
	assert_status(KAAL_BUSY, (kaal_status)ask(0, KAAL_TIMER_SLEEP, 5 * NS_PER_MS).status);
	assert_status(KAAL_INVALID_ARGUMENT, (kaal_status)ask(1, TIMER_NO_SUCH_OP, 0).status);
	advance_ms(1000);
	assert_int_equal(1, woken(0).order);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    TIMER_CASE(the_time_follows_the_counter),
	    TIMER_CASE(overlapping_deadlines_are_served_earliest_first),
	    TIMER_CASE(a_passed_deadline_comes_at_once),
	    TIMER_CASE(refusals),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
