/*
 * The UART driver process on the host: the driver and its clients are boot
 * programs in processes of their own, the PL011 is its register-level
 * model. A line fed into the receive FIFO reaches a waiting reader, which
 * writes it back; a write longer than the driver's queue while the line is
 * busy waits for it; an overrun is counted and the driver goes on; requests
 * out of bounds are refused.
 */
#include <string.h>

#include "harness.h"
#include "pl011/uart.h"
#include "pl011_model.h"
#include "programs/programs.h"

static const struct kaal_host_program programs[] = {
    {"uart", kaal_program_entry_uart},
    {"uart_client", kaal_program_entry_uart_client},
};

static struct kaal_broker broker;
static struct pl011_model model;
static kaal_cptr report;
static struct kaal_driver uart;

static int uart_setup(void **state)
{
	struct kaal_host_config config = {.programs = programs,
	                                  .program_count = sizeof(programs) / sizeof(programs[0])};
	harness_setup_with(state, &config);
	harness_broker(&broker);
	pl011_model_init(&model);
	kaal_driver_use_model(KAAL_DEVICE_UART0, &model.mmio);
	assert_status(KAAL_OK, kaal_broker_create_endpoint(&broker, &report));
	assert_status(KAAL_OK, kaal_driver_start(&broker, &kaal_uart_driver, &uart));
	return 0;
}

static int uart_teardown(void **state)
{
	assert_status(KAAL_OK, kaal_driver_stop(&broker, &uart));
	kaal_driver_use_model(KAAL_DEVICE_UART0, NULL);
	return harness_teardown(state);
}

#define UART_CASE(fn) cmocka_unit_test_setup_teardown(fn, uart_setup, uart_teardown)

static void spawn_client(kaal_word what, struct kaal_spawned *p)
{
	harness_spawn_driver_client(&broker, &uart, 0, "uart", "uart_client", report, what, p);
}

/* The driver sleeps with nothing to do: a test may touch the model now. */
static void driver_idle(void)
{
	harness_wait_blocked(uart.program.process.thread);
}

/* The device interrupts, as its line says, once the driver sleeps. */
static void interrupt(void)
{
	driver_idle();
	assert_true(model.line);
	assert_status(KAAL_OK, kaal_host_raise_irq(harness_device(KAAL_DEVICE_UART0)->irq));
}

static void a_line_is_read_and_written_back(void **state)
{
	(void)state;
	struct kaal_spawned client;
	spawn_client(UART_CLIENT_ECHO_LINE, &client);
	harness_wait_blocked(client.process.thread); /* its read waits in the driver */
	driver_idle();
	const char line[] = "ping\n";
	for (unsigned i = 0; i < UART_LINE_BYTES; i++)
		assert_true(pl011_model_receive(&model, (uint8_t)line[i], 0));
	interrupt();
	kaal_word packed = 0;
	for (unsigned i = 0; i < UART_LINE_BYTES; i++)
		packed |= (kaal_word)(uint8_t)line[i] << (8 * i);
	harness_expect_report(report, UART_ECHO_LABEL, packed, UART_LINE_BYTES);
	harness_finish_program(&broker, &client);
	assert_int_equal(UART_LINE_BYTES, model.sent_len);
	assert_memory_equal(line, model.sent, UART_LINE_BYTES);
}

static void a_long_write_waits_for_a_busy_line(void **state)
{
	(void)state;
	pl011_model_hold_tx(&model, true);
	struct kaal_spawned client;
	spawn_client(UART_CLIENT_BIG_WRITE, &client);
	/* The queue and the FIFO are full: the client's flush waits for the line. */
	harness_wait_blocked(client.process.thread);
	driver_idle();
	assert_int_equal(0, model.sent_len);
	pl011_model_hold_tx(&model, false);
	interrupt();
	harness_expect_report(report, UART_BIG_LABEL, KAAL_OK, UART_BIG_WRITE);
	harness_finish_program(&broker, &client);
	assert_int_equal(UART_BIG_WRITE, model.sent_len);
	for (unsigned i = 0; i < UART_BIG_WRITE; i++)
		assert_int_equal(UART_BIG_BYTE(i), model.sent[i]);
}

/* More bytes than the FIFO holds arrive before the driver reads: counted, and it goes on. */
static void an_overrun_is_counted(void **state)
{
	(void)state;
	driver_idle();
	unsigned lost = 0;
	for (unsigned i = 0; i < 20; i++)
		lost += !pl011_model_receive(&model, (uint8_t)('0' + i % 10), 0);
	assert_int_equal(4, lost);
	interrupt();
	struct kaal_spawned client;
	spawn_client(UART_CLIENT_COUNTERS, &client);
	harness_expect_report(report, UART_COUNTERS_LABEL, 16, 1);
	harness_finish_program(&broker, &client);
}

static void requests_out_of_bounds_are_refused(void **state)
{
	(void)state;
	struct kaal_spawned client;
	spawn_client(UART_CLIENT_REFUSED, &client);
	harness_expect_report(report, UART_REFUSED_LABEL, (kaal_word)KAAL_INVALID_ARGUMENT,
	                      (kaal_word)KAAL_INVALID_ARGUMENT);
	harness_finish_program(&broker, &client);
	assert_int_equal(0, model.sent_len);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    UART_CASE(a_line_is_read_and_written_back),
	    UART_CASE(a_long_write_waits_for_a_busy_line),
	    UART_CASE(an_overrun_is_counted),
	    UART_CASE(requests_out_of_bounds_are_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
