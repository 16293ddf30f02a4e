/* The timer driver's core against the model: many clients' deadlines served in deadline order. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "timer/timer.h"
#include "timer_model.h"

#define FREQUENCY UINT64_C(62500000) /* QEMU virt's generic timer: 62.5 MHz */
#define TICKS(us) ((uint64_t)(us)*FREQUENCY / 1000000u)

static struct timer_model model;
static struct kaal_timer timer;

static int open_timer(void **state)
{
	(void)state;
	timer_model_init(&model, FREQUENCY);
	return kaal_timer_init(&timer, &model.hw) == KAAL_OK ? 0 : -1;
}

#define TIMER_CASE(fn) cmocka_unit_test_setup(fn, open_timer)

static void add(uint32_t client, uint32_t cookie, uint64_t at_us)
{
	assert_int_equal(KAAL_OK, kaal_timer_add(&timer, client, cookie, at_us * 1000u));
}

/* Advance to at_us and take what passed; check it is expected (client, cookie) pairs in order. */
static void expect_at(uint64_t at_us, const uint32_t (*want)[2], size_t count)
{
	timer_model_advance(&model, TICKS(at_us) - model.counter);
	struct kaal_timer_deadline got[KAAL_TIMER_MAX];
	size_t n = 0;
	assert_int_equal(KAAL_OK, kaal_timer_interrupt(&timer, got, KAAL_TIMER_MAX, &n));
	assert_int_equal(count, n);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(want[i][0], got[i].client);
		assert_int_equal(want[i][1], got[i].cookie);
	}
}

static void overlapping_deadlines_come_in_deadline_order(void **state)
{
	(void)state;
	assert_false(model.armed);
	add(1, 10, 300);
	add(2, 20, 100);
	add(3, 30, 200);
	add(1, 11, 200); /* equal to client 3's: after it, as it was asked later */
	add(2, 21, 500);
	assert_true(model.armed);
	assert_int_equal(TICKS(100), model.compare);
	timer_model_advance(&model, TICKS(99));
	assert_false(model.line);
	expect_at(100, (const uint32_t[][2]){{2, 20}}, 1);
	assert_int_equal(TICKS(200), model.compare);
	expect_at(350, (const uint32_t[][2]){{3, 30}, {1, 11}, {1, 10}}, 3);
	assert_int_equal(TICKS(500), model.compare);
	expect_at(500, (const uint32_t[][2]){{2, 21}}, 1);
	assert_false(model.armed);
	assert_int_equal(5, timer.fired);
}

static void cancelling_rearms_for_the_next(void **state)
{
	(void)state;
	add(1, 1, 100);
	add(2, 2, 200);
	assert_int_equal(KAAL_OK, kaal_timer_cancel(&timer, 1, 1));
	assert_int_equal(TICKS(200), model.compare);
	assert_int_equal(KAAL_INVALID_ARGUMENT, kaal_timer_cancel(&timer, 1, 1));
	assert_int_equal(KAAL_INVALID_ARGUMENT, kaal_timer_cancel(&timer, 2, 3));
	assert_int_equal(KAAL_OK, kaal_timer_cancel(&timer, 2, 2));
	assert_false(model.armed);
}

static void a_passed_deadline_comes_at_once(void **state)
{
	(void)state;
	timer_model_advance(&model, TICKS(1000));
	add(4, 40, 10);
	assert_true(model.line);
	expect_at(1000, (const uint32_t[][2]){{4, 40}}, 1);
}

/* More passed than the caller takes: the rest stay, and the line stays up for them. */
static void what_does_not_fit_waits_for_the_next_interrupt(void **state)
{
	(void)state;
	for (uint32_t i = 0; i < 5; i++)
		add(1, i, 10 + i);
	timer_model_advance(&model, TICKS(100));
	struct kaal_timer_deadline got[2];
	size_t n = 0;
	assert_int_equal(KAAL_OK, kaal_timer_interrupt(&timer, got, 2, &n));
	assert_int_equal(2, n);
	assert_int_equal(0, got[0].cookie);
	assert_int_equal(1, got[1].cookie);
	assert_true(model.line);
	expect_at(100, (const uint32_t[][2]){{1, 2}, {1, 3}, {1, 4}}, 3);
}

static void a_spurious_interrupt_is_counted_and_the_timer_stays_armed(void **state)
{
	(void)state;
	add(1, 1, 100);
	size_t n = 9;
	struct kaal_timer_deadline got[1];
	assert_int_equal(KAAL_OK, kaal_timer_interrupt(&timer, got, 1, &n));
	assert_int_equal(0, n);
	assert_int_equal(1, timer.spurious);
	assert_true(model.armed);
	assert_int_equal(TICKS(100), model.compare);
}

static void limits_and_misuse(void **state)
{
	(void)state;
	for (uint32_t i = 0; i < KAAL_TIMER_MAX; i++)
		add(7, i, 1000 + i);
	assert_int_equal(KAAL_LIMIT_REACHED, kaal_timer_add(&timer, 7, KAAL_TIMER_MAX, 5));
	assert_int_equal(KAAL_BUSY, kaal_timer_add(&timer, 7, 3, 5));
	assert_int_equal(TICKS(1000), model.compare);
	struct kaal_timer_hw broken = model.hw;
	broken.frequency = 0;
	struct kaal_timer t;
	assert_int_equal(KAAL_INVALID_ARGUMENT, kaal_timer_init(&t, &broken));
	broken = model.hw;
	broken.arm = NULL;
	assert_int_equal(KAAL_INVALID_ARGUMENT, kaal_timer_init(&t, &broken));
	assert_int_equal(KAAL_INVALID_ARGUMENT, kaal_timer_init(NULL, &model.hw));
	size_t n;
	assert_int_equal(KAAL_INVALID_ARGUMENT, kaal_timer_interrupt(&timer, NULL, 1, &n));
	assert_int_equal(KAAL_INVALID_ARGUMENT, kaal_timer_interrupt(&timer, NULL, 0, NULL));
	assert_int_equal(KAAL_INVALID_ARGUMENT, kaal_timer_now_ns(&timer, NULL));
	assert_int_equal(KAAL_INVALID_ARGUMENT, kaal_timer_add(NULL, 1, 1, 1));
	assert_int_equal(KAAL_INVALID_ARGUMENT, kaal_timer_cancel(NULL, 1, 1));
}

/* Ticks to nanoseconds and back without overflow, for a counter of years. */
static void time_converts_without_overflow(void **state)
{
	(void)state;
	uint64_t ns = 0;
	timer_model_advance(&model, FREQUENCY);
	assert_int_equal(KAAL_OK, kaal_timer_now_ns(&timer, &ns));
	assert_int_equal(UINT64_C(1000000000), ns);
	/* 2^59 ticks at 62.5 MHz (16 ns each) are 2^63 ns, which a product of the two would
	 * overflow. */
	timer_model_advance(&model, (UINT64_C(1) << 59) - FREQUENCY);
	assert_int_equal(KAAL_OK, kaal_timer_now_ns(&timer, &ns));
	assert_int_equal(UINT64_C(1) << 63, ns);
	add(1, 1, ns / 1000u + 1);
	assert_true(model.compare > model.counter);
	assert_true(model.compare - model.counter <= FREQUENCY / 1000000u * 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    TIMER_CASE(overlapping_deadlines_come_in_deadline_order),
	    TIMER_CASE(cancelling_rearms_for_the_next),
	    TIMER_CASE(a_passed_deadline_comes_at_once),
	    TIMER_CASE(what_does_not_fit_waits_for_the_next_interrupt),
	    TIMER_CASE(a_spurious_interrupt_is_counted_and_the_timer_stays_armed),
	    TIMER_CASE(limits_and_misuse),
	    TIMER_CASE(time_converts_without_overflow),
	};
	return cmocka_run_group_tests_name("timer", tests, NULL, NULL);
}
