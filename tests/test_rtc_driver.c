/*
 * The driver kit with the RTC driver process on the host: the driver and
 * its clients are boot programs in processes of their own, the PL031 is
 * its register-level model. Time and alarm through a client's channels,
 * the interrupt raised as the device would; a second driver for the device,
 * descriptions out of bounds, a device that is not a PL031, a request of
 * no known operation, and a client that floods the driver and never reads.
 */
#include <string.h>

#include "harness.h"
#include "pl031/rtc.h"
#include "pl031_model.h"
#include "programs/programs.h"

#define START_SECONDS 1000u
#define WAIT_NS       HARNESS_PROGRAM_WAIT_NS

static const struct kaal_host_program programs[] = {
    {"rtc", kaal_program_entry_rtc},
    {"rtc_client", kaal_program_entry_rtc_client},
};

static struct kaal_broker broker;
static struct pl031_model model;
static kaal_cptr report;

static int rtc_setup(void **state)
{
	struct kaal_host_config config = {.programs = programs,
	                                  .program_count = sizeof(programs) / sizeof(programs[0])};
	harness_setup_with(state, &config);
	harness_broker(&broker);
	pl031_model_init(&model, START_SECONDS);
	kaal_driver_use_model(KAAL_DEVICE_RTC, &model.mmio);
	assert_status(KAAL_OK, kaal_broker_create_endpoint(&broker, &report));
	return 0;
}

static int rtc_teardown(void **state)
{
	kaal_driver_use_model(KAAL_DEVICE_RTC, NULL);
	return harness_teardown(state);
}

#define RTC_CASE(fn) cmocka_unit_test_setup_teardown(fn, rtc_setup, rtc_teardown)

static void spawn_client(const struct kaal_driver *d, unsigned link, kaal_word what,
                         struct kaal_spawned *p)
{
	harness_spawn_driver_client(&broker, d, link, "rtc", "rtc_client", report, what, p);
}

static void expect_report(kaal_word label, kaal_word status, kaal_word seconds)
{
	harness_expect_report(report, label, status, seconds);
}

static void finish(struct kaal_spawned *p)
{
	harness_finish_program(&broker, p);
}

static void time_and_alarm(void **state)
{
	(void)state;
	uint64_t free_bytes = broker.memory.free_bytes;
	uint32_t free_slots = broker.slots.free_count;
	struct kaal_driver d;
	assert_status(KAAL_OK, kaal_driver_start(&broker, &kaal_rtc_driver, &d));
	struct kaal_spawned client;
	spawn_client(&d, 0, RTC_CLIENT_TIME_AND_ALARM, &client);
	expect_report(KAAL_RTC_TIME, KAAL_OK, START_SECONDS);
	/* The client waits for its alarm and the driver for anything: the alarm is set. */
	harness_wait_blocked(client.process.thread);
	harness_wait_blocked(d.program.process.thread);
	assert_int_equal(START_SECONDS + 2, model.match);
	assert_true(model.imsc != 0);
	pl031_model_advance(&model, 2);
	assert_true(model.line);
	assert_status(KAAL_OK, kaal_host_raise_irq(harness_device(KAAL_DEVICE_RTC)->irq));
	expect_report(KAAL_RTC_ALARM, KAAL_OK, START_SECONDS + 2);
	finish(&client);
	assert_status(KAAL_OK, kaal_driver_stop(&broker, &d));
	assert_int_equal(free_bytes, broker.memory.free_bytes);
	assert_int_equal(free_slots, broker.slots.free_count);
}

static void refusals_leave_nothing(void **state)
{
	(void)state;
	uint64_t free_bytes = broker.memory.free_bytes;
	uint32_t free_slots = broker.slots.free_count;
	struct kaal_driver d, second;
	struct kaal_driver_desc bad[8];
	for (unsigned i = 0; i < 8; i++)
		bad[i] = kaal_rtc_driver;
	bad[0].clients = 0;
	bad[1].clients = KAAL_DRIVER_MAX_CLIENTS + 1;
	bad[2].request_size = 0;
	bad[3].reply_size = KAAL_DRIVER_MAX_ELEMENT + 1;
	bad[4].priority = KAAL_MAX_PRIORITY + 1;
	bad[5].program = NULL;
	bad[6].device = KAAL_BOOT_INFO_MAX_DEVICES + 1; /* no such device */
	bad[7].program = "nosuch";
	for (unsigned i = 0; i < 7; i++)
		assert_status(KAAL_INVALID_ARGUMENT, kaal_driver_start(&broker, &bad[i], &d));
	assert_status(KAAL_INVALID_ARGUMENT, kaal_driver_start(&broker, &bad[7], &d));
	assert_status(KAAL_INVALID_ARGUMENT, kaal_driver_start(NULL, &kaal_rtc_driver, &d));
	assert_status(KAAL_INVALID_ARGUMENT, kaal_driver_start(&broker, NULL, &d));
	assert_int_equal(free_bytes, broker.memory.free_bytes);
	assert_int_equal(free_slots, broker.slots.free_count);
	/* A second driver for a device taken: KAAL_BUSY, the first goes on. */
	assert_status(KAAL_OK, kaal_driver_start(&broker, &kaal_rtc_driver, &d));
	uint64_t with_one = broker.memory.free_bytes;
	assert_status(KAAL_BUSY, kaal_driver_start(&broker, &kaal_rtc_driver, &second));
	assert_int_equal(with_one, broker.memory.free_bytes);
	struct kaal_driver_client_names names;
	struct kaal_spawn_cap caps[KAAL_DRIVER_CLIENT_CAPS];
	unsigned count = 0;
	assert_status(KAAL_INVALID_ARGUMENT,
	              kaal_driver_client_caps(&d, KAAL_RTC_CLIENTS, "rtc", &names, caps, &count));
	assert_status(KAAL_INVALID_ARGUMENT,
	              kaal_driver_client_caps(&d, 0, "", &names, caps, &count));
	assert_status(KAAL_INVALID_ARGUMENT,
	              kaal_driver_client_caps(&d, 0, "sixteen_letters_", &names, caps, &count));
	assert_status(KAAL_INVALID_ARGUMENT,
	              kaal_driver_client_caps(&d, 0, "rtc", &names, caps, NULL));
	assert_int_equal(0, count);
	struct kaal_spawned client;
	spawn_client(&d, 1, RTC_CLIENT_GARBAGE, &client);
	expect_report(RTC_NO_SUCH_OP, (kaal_word)KAAL_INVALID_ARGUMENT, 0);
	finish(&client);
	assert_status(KAAL_OK, kaal_driver_stop(&broker, &d));
	assert_status(KAAL_INVALID_ARGUMENT, kaal_driver_stop(&broker, &d));
	assert_int_equal(free_bytes, broker.memory.free_bytes);
	assert_int_equal(free_slots, broker.slots.free_count);
}

/* A device whose id registers are not a PL031: the driver ends at once with the core's status. */
static void not_a_pl031(void **state)
{
	(void)state;
	model.garbage_id = true;
	struct kaal_driver d;
	assert_status(KAAL_OK, kaal_driver_start(&broker, &kaal_rtc_driver, &d));
	int status = 0;
	assert_status(KAAL_OK, kaal_spawn_wait(&d.program, WAIT_NS, &status));
	assert_int_equal(KAAL_DEVICE_FAULT, status);
	assert_status(KAAL_OK, kaal_driver_stop(&broker, &d));
}

/* A client that floods the driver and reads nothing costs only its own replies. */
static void a_flooding_client_does_not_stop_the_other(void **state)
{
	(void)state;
	struct kaal_driver d;
	assert_status(KAAL_OK, kaal_driver_start(&broker, &kaal_rtc_driver, &d));
	struct kaal_spawned flood, client;
	spawn_client(&d, 1, RTC_CLIENT_FLOOD, &flood);
	expect_report(RTC_FLOOD_LABEL, RTC_FLOOD_REQUESTS, 0);
	finish(&flood);
	spawn_client(&d, 0, RTC_CLIENT_TIME_AND_ALARM, &client);
	expect_report(KAAL_RTC_TIME, KAAL_OK, START_SECONDS);
	harness_wait_blocked(client.process.thread);
	harness_wait_blocked(d.program.process.thread);
	pl031_model_advance(&model, 2);
	assert_status(KAAL_OK, kaal_host_raise_irq(harness_device(KAAL_DEVICE_RTC)->irq));
	expect_report(KAAL_RTC_ALARM, KAAL_OK, START_SECONDS + 2);
	finish(&client);
	assert_status(KAAL_OK, kaal_driver_stop(&broker, &d));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    RTC_CASE(time_and_alarm),
	    RTC_CASE(refusals_leave_nothing),
	    RTC_CASE(not_a_pl031),
	    RTC_CASE(a_flooding_client_does_not_stop_the_other),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
