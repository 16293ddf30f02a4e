/*
 * The UART driver process on the host: the driver and its clients are boot
 * programs in processes of their own, the PL011 is its register-level
 * model. A line fed into the receive FIFO reaches a waiting reader, which
 * writes it back; a write longer than the driver's queue while the line is
 * busy fills it and a flush waits for the line; an overrun is counted and the driver goes on;
 * requests out of bounds are refused.
 */
#include <string.h>

#include "harness.h"
#include "pl011/pl011.h"
#include "pl011/uart.h"
#include "pl011_model.h"
#include "programs/programs.h"

static const struct kaal_host_program programs[] = {
    {"uart", kaal_program_entry_uart},
    {"uart_client", kaal_program_entry_uart_client},
};

#define UART_BIG_WRITE   600u /* more than the driver's queue and the FIFO hold */
#define UART_BIG_BYTE(i) ((uint8_t)('a' + (i) % 26u))

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

/*
 * The driver sleeps: the test may touch the model (the driver wakes through
 * the kernel, whose lock TSan sees; the rings order it too, but through two
 * views of their frames, which TSan cannot follow: docs/testing.md).
 */
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
	driver_idle();
	assert_int_equal(UART_LINE_BYTES, model.sent_len);
	assert_memory_equal(line, model.sent, UART_LINE_BYTES);
}

/* The test's own link: a write of up to KAAL_UART_DATA bytes, and how many the driver took. */
static uint32_t write_some(struct kaal_driver_client *own, const uint8_t *bytes, uint32_t n)
{
	struct kaal_uart_request q = {KAAL_UART_WRITE, n, {0}};
	for (uint32_t i = 0; i < n; i++)
		q.data[i] = bytes[i];
	struct kaal_uart_reply a = {0};
	assert_status(KAAL_OK, kaal_driver_call(own, &q, &a, HARNESS_PROGRAM_WAIT_NS));
	assert_status(KAAL_OK, (kaal_status)a.status);
	return a.len;
}

static void a_long_write_waits_for_a_busy_line(void **state)
{
	(void)state;
	static uint8_t bytes[UART_BIG_WRITE];
	for (unsigned i = 0; i < UART_BIG_WRITE; i++)
		bytes[i] = UART_BIG_BYTE(i);
	struct kaal_driver_client own;
	assert_status(KAAL_OK, kaal_driver_open_link(&own, &uart, 1, 0));
	driver_idle(); /* its setup done: the model is the test's to touch */
	pl011_model_hold_tx(&model, true);
	/* While the line is busy the FIFO and then the driver's queue fill, and no more fits. */
	uint32_t sent = 0, taken;
	while ((taken = write_some(&own, bytes + sent, KAAL_UART_DATA)) > 0)
		sent += taken;
	assert_int_equal(KAAL_PL011_QUEUE + 16, sent);
	assert_int_equal(0, model.sent_len);
	/* A flush waits in the driver until the line lets everything go. */
	struct kaal_uart_request flush = {KAAL_UART_FLUSH, 0, {0}};
	assert_status(KAAL_OK, kaal_channel_send(&own.request, &flush, HARNESS_PROGRAM_WAIT_NS));
	driver_idle();
	struct kaal_uart_reply a = {0};
	assert_status(KAAL_WOULD_BLOCK, kaal_channel_recv(&own.reply, &a, 0));
	pl011_model_hold_tx(&model, false);
	interrupt();
	assert_status(KAAL_OK, kaal_channel_recv(&own.reply, &a, HARNESS_PROGRAM_WAIT_NS));
	assert_int_equal(KAAL_UART_FLUSH, a.op);
	/* Asleep, the driver is woken through the kernel by the next request: the model is ours. */
	driver_idle();
	assert_int_equal(sent, model.sent_len);
	/* The line is free: the rest goes at once. */
	while (sent < UART_BIG_WRITE) {
		uint32_t n =
		    UART_BIG_WRITE - sent < KAAL_UART_DATA ? UART_BIG_WRITE - sent : KAAL_UART_DATA;
		sent += write_some(&own, bytes + sent, n);
	}
	driver_idle();
	assert_int_equal(UART_BIG_WRITE, model.sent_len);
	assert_memory_equal(bytes, model.sent, UART_BIG_WRITE);
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
	driver_idle();
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
