/*
 * The GPIO driver process on the host, a boot program against the PL061
 * model, with the test as its client through its own link: pins driven and
 * read, an edge on the power button's pin delivered to a waiting client,
 * every request out of bounds refused with the driver going on, and a
 * client that corrupts its ring cut off while the other is served.
 */
#include "harness.h"
#include "pl061/gpio.h"
#include "pl061_model.h"
#include "programs/programs.h"

#define WAIT_NS HARNESS_PROGRAM_WAIT_NS

static const struct kaal_host_program programs[] = {{"gpio", kaal_program_entry_gpio}};

static struct kaal_broker broker;
static struct pl061_model model;
static struct kaal_driver gpio;
static struct kaal_driver_client own;

static int gpio_setup(void **state)
{
	struct kaal_host_config config = {.programs = programs, .program_count = 1};
	harness_setup_with(state, &config);
	harness_broker(&broker);
	pl061_model_init(&model);
	kaal_driver_use_model(KAAL_DEVICE_GPIO, &model.mmio);
	assert_status(KAAL_OK, kaal_driver_start(&broker, &kaal_gpio_driver, &gpio));
	assert_status(KAAL_OK, kaal_driver_open_link(&own, &gpio, 0, 0));
	return 0;
}

static int gpio_teardown(void **state)
{
	assert_status(KAAL_OK, kaal_driver_stop(&broker, &gpio));
	kaal_driver_use_model(KAAL_DEVICE_GPIO, NULL);
	return harness_teardown(state);
}

#define GPIO_CASE(fn) cmocka_unit_test_setup_teardown(fn, gpio_setup, gpio_teardown)

/*
 * The driver sleeps: the test may touch the model (the driver wakes through
 * the kernel, whose lock TSan sees; the rings order it too, but through two
 * views of their frames, which TSan cannot follow: docs/testing.md).
 */
static void driver_idle(void)
{
	harness_wait_blocked(gpio.program.process.thread);
}

/* The reply's status, and its levels in *levels. */
static kaal_status ask(uint32_t op, uint32_t pin, uint32_t level, uint32_t *levels)
{
	struct kaal_gpio_request q = {op, pin, level, 0};
	struct kaal_gpio_reply a = {0};
	assert_status(KAAL_OK, kaal_driver_call(&own, &q, &a, WAIT_NS));
	assert_int_equal(op, a.op);
	if (levels)
		*levels = a.levels;
	return (kaal_status)a.status;
}

static void pins_are_driven_and_read(void **state)
{
	(void)state;
	uint32_t levels = 0xFF;
	assert_status(KAAL_OK, ask(KAAL_GPIO_WRITE, 0, 1, NULL));
	driver_idle();
	assert_int_equal(1, pl061_model_levels(&model) & 1);
	assert_status(KAAL_OK, ask(KAAL_GPIO_READ, 0, 0, &levels));
	assert_int_equal(1, levels & 1);
	assert_status(KAAL_OK, ask(KAAL_GPIO_WRITE, 0, 0, NULL));
	assert_status(KAAL_OK, ask(KAAL_GPIO_READ, 0, 0, &levels));
	assert_int_equal(0, levels & 1);
	/* The world drives an input: the client reads it. */
	driver_idle();
	pl061_model_drive(&model, 5, true);
	assert_status(KAAL_OK, ask(KAAL_GPIO_READ, 0, 0, &levels));
	assert_int_equal(1u << 5, levels & (1u << 5));
}

static void a_button_press_reaches_the_waiting_client(void **state)
{
	(void)state;
	struct kaal_gpio_request wait = {KAAL_GPIO_WAIT_EDGE, KAAL_GPIO_POWER_BUTTON, 1, 0};
	assert_status(KAAL_OK, kaal_channel_send(&own.request, &wait, WAIT_NS));
	/* Requests on a link are served in order: once this answers, the wait is set. */
	assert_status(KAAL_OK, ask(KAAL_GPIO_READ, 0, 0, NULL));
	assert_status(KAAL_BUSY, ask(KAAL_GPIO_WAIT_EDGE, 4, 1, NULL)); /* one wait at a time */
	assert_status(KAAL_BUSY, ask(KAAL_GPIO_WRITE, KAAL_GPIO_POWER_BUTTON, 1, NULL));
	driver_idle();
	assert_false(model.line);
	pl061_model_drive(&model, KAAL_GPIO_POWER_BUTTON, true);
	assert_true(model.line);
	assert_status(KAAL_OK, kaal_host_raise_irq(harness_device(KAAL_DEVICE_GPIO)->irq));
	struct kaal_gpio_reply a = {0};
	assert_status(KAAL_OK, kaal_channel_recv(&own.reply, &a, WAIT_NS));
	assert_int_equal(KAAL_GPIO_WAIT_EDGE, a.op);
	assert_status(KAAL_OK, (kaal_status)a.status);
	assert_int_equal(1u << KAAL_GPIO_POWER_BUTTON, a.levels);
	/* Letting go is a falling edge nobody waits for: nothing more comes. */
	driver_idle();
	pl061_model_drive(&model, KAAL_GPIO_POWER_BUTTON, false);
	assert_false(model.line);
	assert_status(KAAL_WOULD_BLOCK, kaal_channel_recv(&own.reply, &a, 0));
}

static void requests_out_of_bounds_are_refused(void **state)
{
	(void)state;
	assert_status(KAAL_INVALID_ARGUMENT, ask(KAAL_GPIO_WRITE, KAAL_GPIO_PINS, 1, NULL));
	assert_status(KAAL_INVALID_ARGUMENT, ask(KAAL_GPIO_WRITE, 0, 2, NULL));
	assert_status(KAAL_INVALID_ARGUMENT, ask(KAAL_GPIO_WAIT_EDGE, 0, 0, NULL));
	assert_status(KAAL_INVALID_ARGUMENT, ask(KAAL_GPIO_WAIT_EDGE, 0, 4, NULL));
	assert_status(KAAL_INVALID_ARGUMENT, ask(GPIO_NO_SUCH_OP, 0, 0, NULL));
	/* None of them changed a pin, and the driver goes on. */
	driver_idle();
	assert_int_equal(0, model.dir);
	assert_status(KAAL_OK, ask(KAAL_GPIO_WRITE, 1, 1, NULL));
}

/* A client that writes an impossible index into its ring is cut off; the other is served. */
static void a_client_that_corrupts_its_ring_is_cut_off(void **state)
{
	(void)state;
	struct kaal_driver_client hostile;
	assert_status(KAAL_OK, kaal_driver_open_link(&hostile, &gpio, 1, 2));
	driver_idle(); /* serving: its rings are attached */
	/* A head far more than a ring ahead: no producer could have written it. */
	kaal_atomic_store(&hostile.request.ring.hdr->head, UINT64_C(1) << 40, KAAL_RELEASE);
	assert_status(KAAL_OK, kaal_signal(hostile.request.signal_ntfn, 1));
	uint32_t levels;
	assert_status(KAAL_OK, ask(KAAL_GPIO_READ, 0, 0, &levels));
	driver_idle();
	/* Nothing came back to it, and the driver still serves the honest link. */
	struct kaal_gpio_reply a;
	assert_status(KAAL_WOULD_BLOCK, kaal_channel_recv(&hostile.reply, &a, 0));
	assert_status(KAAL_OK, ask(KAAL_GPIO_WRITE, 2, 1, NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    GPIO_CASE(pins_are_driven_and_read),
	    GPIO_CASE(a_button_press_reaches_the_waiting_client),
	    GPIO_CASE(requests_out_of_bounds_are_refused),
	    GPIO_CASE(a_client_that_corrupts_its_ring_is_cut_off),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
