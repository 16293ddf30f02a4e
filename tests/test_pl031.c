/* The PL031 driver core against the register-level model: time, alarms, and an impostor device. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "pl031/pl031.h"
#include "pl031/pl031_regs.h"
#include "pl031_model.h"

#define BOOT_TIME 1764892800u /* the clock's seconds when a test starts */

static struct pl031_model model;
static struct kaal_pl031 rtc;

static int open_rtc(void **state)
{
	(void)state;
	pl031_model_init(&model, BOOT_TIME);
	struct kaal_mmio regs = pl031_model_regs(&model);
	return kaal_pl031_init(&rtc, &regs) == KAAL_OK ? 0 : -1;
}

#define RTC_CASE(fn) cmocka_unit_test_setup(fn, open_rtc)

static uint32_t now(void)
{
	uint32_t s = 0;
	assert_int_equal(KAAL_OK, kaal_pl031_time(&rtc, &s));
	return s;
}

static void the_clock_runs_and_can_be_set(void **state)
{
	(void)state;
	assert_int_equal(PL031_CR_START, model.cr);
	assert_int_equal(BOOT_TIME, now());
	pl031_model_advance(&model, 90);
	assert_int_equal(BOOT_TIME + 90, now());
	assert_int_equal(KAAL_OK, kaal_pl031_set_time(&rtc, 1000));
	pl031_model_advance(&model, 5);
	assert_int_equal(1005, now());
}

static void an_alarm_fires_once_when_its_time_comes(void **state)
{
	(void)state;
	assert_int_equal(KAAL_OK, kaal_pl031_set_alarm(&rtc, BOOT_TIME + 10));
	pl031_model_advance(&model, 9);
	assert_false(model.line);
	pl031_model_advance(&model, 1);
	assert_true(model.line);
	bool fired = false;
	assert_int_equal(KAAL_OK, kaal_pl031_interrupt(&rtc, &fired));
	assert_true(fired);
	assert_false(model.line);
	assert_int_equal(1, rtc.alarms);
	/* One shot: the interrupt is off until the next alarm. */
	assert_int_equal(0, model.imsc);
	assert_int_equal(KAAL_OK, kaal_pl031_set_alarm(&rtc, BOOT_TIME + 20));
	pl031_model_advance(&model, 30);
	assert_int_equal(KAAL_OK, kaal_pl031_interrupt(&rtc, &fired));
	assert_true(fired);
	assert_int_equal(2, rtc.alarms);
}

static void an_alarm_in_the_past_is_refused(void **state)
{
	(void)state;
	assert_int_equal(KAAL_INVALID_ARGUMENT, kaal_pl031_set_alarm(&rtc, BOOT_TIME));
	assert_int_equal(KAAL_INVALID_ARGUMENT, kaal_pl031_set_alarm(&rtc, BOOT_TIME - 1));
	assert_int_equal(0, model.imsc);
}

static void a_spurious_interrupt_is_counted(void **state)
{
	(void)state;
	bool fired = true;
	assert_int_equal(KAAL_OK, kaal_pl031_interrupt(&rtc, &fired));
	assert_false(fired);
	assert_int_equal(1, rtc.spurious);
}

/* A device whose id registers do not say PL031 is not touched. */
static void an_impostor_is_refused(void **state)
{
	(void)state;
	struct pl031_model other;
	pl031_model_init(&other, 7);
	other.garbage_id = true;
	struct kaal_mmio regs = pl031_model_regs(&other);
	struct kaal_pl031 c;
	assert_int_equal(KAAL_DEVICE_FAULT, kaal_pl031_init(&c, &regs));
	assert_int_equal(0, other.cr);
	regs.size = PL031_ID;
	assert_int_equal(KAAL_INVALID_ARGUMENT, kaal_pl031_init(&c, &regs));
	assert_int_equal(KAAL_INVALID_ARGUMENT, kaal_pl031_init(NULL, &regs));
	uint32_t s;
	bool fired;
	assert_int_equal(KAAL_INVALID_ARGUMENT, kaal_pl031_time(NULL, &s));
	assert_int_equal(KAAL_INVALID_ARGUMENT, kaal_pl031_time(&rtc, NULL));
	assert_int_equal(KAAL_INVALID_ARGUMENT, kaal_pl031_set_time(NULL, 1));
	assert_int_equal(KAAL_INVALID_ARGUMENT, kaal_pl031_set_alarm(NULL, 1));
	assert_int_equal(KAAL_INVALID_ARGUMENT, kaal_pl031_interrupt(NULL, &fired));
	assert_int_equal(KAAL_INVALID_ARGUMENT, kaal_pl031_interrupt(&rtc, NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    RTC_CASE(the_clock_runs_and_can_be_set),
	    RTC_CASE(an_alarm_fires_once_when_its_time_comes),
	    RTC_CASE(an_alarm_in_the_past_is_refused),
	    RTC_CASE(a_spurious_interrupt_is_counted),
	    RTC_CASE(an_impostor_is_refused),
	};
	return cmocka_run_group_tests_name("pl031", tests, NULL, NULL);
}
