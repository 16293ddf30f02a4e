/*
 * The PL011 driver core against the register-level model: what it programs,
 * bytes in and out through the FIFOs and interrupts, and the faults it
 * must count and survive.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "pl011/pl011.h"
#include "pl011/pl011_regs.h"
#include "pl011_model.h"

static struct pl011_model model;
static struct kaal_pl011 uart;

static int open_uart(void **state)
{
	(void)state;
	pl011_model_init(&model);
	struct kaal_mmio regs = pl011_model_regs(&model);
	return kaal_pl011_init(&uart, &regs) == KAAL_OK ? 0 : -1;
}

#define UART_CASE(fn) cmocka_unit_test_setup(fn, open_uart)

static void feed(const char *s)
{
	for (; *s; s++)
		assert_true(pl011_model_receive(&model, (uint8_t)*s, 0));
}

/* Serve the interrupt line as the driver process would. */
static kaal_status serve(void)
{
	assert_true(model.line);
	return kaal_pl011_interrupt(&uart);
}

static size_t take(char *buf, size_t cap)
{
	size_t got = 0;
	assert_int_equal(KAAL_OK, kaal_pl011_read(&uart, (uint8_t *)buf, cap, &got));
	return got;
}

static void init_programs_the_device(void **state)
{
	(void)state;
	assert_int_equal(PL011_CR_UARTEN | PL011_CR_TXE | PL011_CR_RXE, model.cr);
	assert_int_equal(PL011_LCRH_FEN | PL011_LCRH_WLEN_8, model.lcrh);
	assert_int_equal(PL011_INT_RX | PL011_INT_RT | PL011_INT_OE, model.imsc);
	assert_false(model.line);
	struct kaal_mmio small = pl011_model_regs(&model);
	small.size = PL011_IMSC;
	assert_int_equal(KAAL_INVALID_ARGUMENT, kaal_pl011_init(&uart, &small));
	struct kaal_mmio nowhere = kaal_mmio_mapped(NULL, PL011_REGS);
	assert_int_equal(KAAL_INVALID_ARGUMENT, kaal_pl011_init(&uart, &nowhere));
	assert_int_equal(KAAL_INVALID_ARGUMENT, kaal_pl011_init(NULL, &small));
}

static void received_bytes_arrive_in_order(void **state)
{
	(void)state;
	feed("hello");
	assert_int_equal(KAAL_OK, serve());
	assert_false(model.line);
	feed(", world");
	assert_int_equal(KAAL_OK, serve());
	char buf[32] = {0};
	assert_int_equal(12, take(buf, sizeof buf));
	assert_string_equal("hello, world", buf);
	assert_int_equal(12, uart.count.rx);
	assert_int_equal(0, take(buf, sizeof buf));
}

/* Bytes that find the FIFO full are lost in the device: counted, and the rest still come. */
static void an_overrun_is_counted_and_the_driver_goes_on(void **state)
{
	(void)state;
	for (unsigned i = 0; i < PL011_FIFO_DEPTH + 4; i++)
		pl011_model_receive(&model, (uint8_t)('a' + i), 0);
	assert_int_equal(KAAL_OK, serve());
	assert_int_equal(1, uart.count.overruns);
	char buf[32] = {0};
	assert_int_equal(PL011_FIFO_DEPTH, take(buf, sizeof buf));
	assert_memory_equal("abcdefghijklmnop", buf, PL011_FIFO_DEPTH);
	feed("ok");
	assert_int_equal(KAAL_OK, serve());
	assert_int_equal(2, take(buf, sizeof buf));
	assert_memory_equal("ok", buf, 2);
}

static void line_errors_are_counted_not_delivered(void **state)
{
	(void)state;
	pl011_model_receive(&model, 'x', PL011_DR_FE);
	pl011_model_receive(&model, 'y', PL011_DR_PE);
	pl011_model_receive(&model, 0, PL011_DR_BE);
	pl011_model_receive(&model, 'z', 0);
	assert_int_equal(KAAL_OK, serve());
	assert_int_equal(3, uart.count.line_errors);
	char buf[8];
	assert_int_equal(1, take(buf, sizeof buf));
	assert_int_equal('z', buf[0]);
}

static void writes_go_out_through_the_fifo(void **state)
{
	(void)state;
	size_t taken;
	assert_int_equal(KAAL_OK, kaal_pl011_write(&uart, (const uint8_t *)"abc", 3, &taken));
	assert_int_equal(3, taken);
	assert_int_equal(3, model.sent_len);
	assert_memory_equal("abc", model.sent, 3);
	/* Nothing waits: the transmit interrupt stays off. */
	assert_int_equal(0, model.imsc & PL011_INT_TX);
}

/* A device that sends as fast as it is written takes a whole queue at once, and no fault. */
static void a_fast_line_takes_the_whole_queue_at_once(void **state)
{
	(void)state;
	uint8_t bytes[KAAL_PL011_QUEUE];
	for (unsigned i = 0; i < sizeof(bytes); i++)
		bytes[i] = (uint8_t)i;
	size_t taken;
	assert_int_equal(KAAL_OK, kaal_pl011_write(&uart, bytes, sizeof(bytes), &taken));
	assert_int_equal(sizeof(bytes), taken);
	assert_int_equal(sizeof(bytes), model.sent_len);
	assert_memory_equal(bytes, model.sent, sizeof(bytes));
	assert_int_equal(0, uart.count.faults);
	assert_int_equal(0, model.imsc & PL011_INT_TX);
}

/* A busy line fills the FIFO; the rest waits in the queue and goes on the transmit interrupt. */
static void a_busy_line_sends_the_rest_on_interrupts(void **state)
{
	(void)state;
	uint8_t out[40];
	for (unsigned i = 0; i < sizeof out; i++)
		out[i] = (uint8_t)i;
	pl011_model_hold_tx(&model, true);
	size_t taken;
	assert_int_equal(KAAL_OK, kaal_pl011_write(&uart, out, sizeof out, &taken));
	assert_int_equal(sizeof out, taken);
	assert_int_equal(PL011_FIFO_DEPTH, model.tx_count);
	assert_int_equal(0, model.sent_len);
	assert_true(model.imsc & PL011_INT_TX);
	pl011_model_hold_tx(&model, false);
	while (model.line)
		assert_int_equal(KAAL_OK, kaal_pl011_interrupt(&uart));
	assert_int_equal(sizeof out, model.sent_len);
	assert_memory_equal(out, model.sent, sizeof out);
	assert_int_equal(sizeof out, uart.count.tx);
	assert_int_equal(0, model.imsc & PL011_INT_TX);
}

static void a_full_queue_takes_what_fits(void **state)
{
	(void)state;
	static uint8_t big[KAAL_PL011_QUEUE + 50];
	pl011_model_hold_tx(&model, true);
	size_t taken;
	assert_int_equal(KAAL_OK, kaal_pl011_write(&uart, big, sizeof big, &taken));
	assert_int_equal(KAAL_PL011_QUEUE, taken);
	/* The FIFO took 16 of them at once: that much more fits now. */
	size_t more;
	assert_int_equal(KAAL_OK, kaal_pl011_write(&uart, big + taken, sizeof big - taken, &more));
	assert_int_equal(PL011_FIFO_DEPTH, more);
	/*
	 * Received bytes nobody reads: the queue fills, the rest waits in the
	 * FIFO with the receive interrupts off (no interrupt storm), nothing is
	 * thrown away; a read lets it in, in order, and turns them on again.
	 */
	for (unsigned i = 0; i < KAAL_PL011_QUEUE + 8; i++) {
		pl011_model_receive(&model, (uint8_t)i, 0);
		if ((i + 1) % PL011_FIFO_DEPTH == 0)
			assert_int_equal(KAAL_OK, kaal_pl011_interrupt(&uart));
	}
	assert_int_equal(KAAL_OK, kaal_pl011_interrupt(&uart));
	assert_int_equal(KAAL_PL011_QUEUE, uart.count.rx);
	assert_int_equal(8, model.rx_count);
	assert_true(uart.count.held >= 1);
	assert_int_equal(0, model.imsc & (PL011_INT_RX | PL011_INT_RT));
	assert_false(model.line);
	uint8_t got[KAAL_PL011_QUEUE];
	assert_int_equal(KAAL_PL011_QUEUE, take((char *)got, sizeof got));
	assert_int_equal(0, got[0]);
	assert_int_equal(KAAL_PL011_QUEUE - 1, got[KAAL_PL011_QUEUE - 1]);
	assert_int_equal(0, model.rx_count);
	assert_true(model.imsc & PL011_INT_RX);
	assert_int_equal(8, take((char *)got, sizeof got));
	for (unsigned i = 0; i < 8; i++)
		assert_int_equal((uint8_t)(KAAL_PL011_QUEUE + i), got[i]);
}

static void a_spurious_interrupt_is_counted(void **state)
{
	(void)state;
	assert_false(model.line);
	assert_int_equal(KAAL_OK, kaal_pl011_interrupt(&uart));
	assert_int_equal(1, uart.count.spurious);
}

/*
 * A flag register stuck at "not empty", the data register repeating a byte
 * with a line error: no byte is good, so the drain stops at its bound, the
 * fault is named, the driver goes on.
 */
static void a_stuck_flag_register_is_a_fault_not_a_hang(void **state)
{
	(void)state;
	model.stuck_not_empty = true;
	assert_true(pl011_model_receive(&model, 'q', PL011_DR_FE));
	assert_int_equal(KAAL_DEVICE_FAULT, serve());
	assert_int_equal(1, uart.count.faults);
	assert_true(model.dr_reads <= KAAL_PL011_QUEUE + 2 * PL011_FIFO_DEPTH);
	model.stuck_not_empty = false;
	feed("r");
	assert_int_equal(KAAL_OK, serve());
	char buf[4];
	assert_int_equal(1, take(buf, sizeof buf));
	assert_int_equal('r', buf[0]);
}

/* Stuck on a good byte: the garbage fills the queue and waits there; no hang, no storm. */
static void a_stuck_register_repeating_a_byte_fills_the_queue_and_stops(void **state)
{
	(void)state;
	model.stuck_not_empty = true;
	feed("q");
	assert_int_equal(KAAL_OK, serve());
	assert_int_equal(KAAL_PL011_QUEUE, uart.count.rx);
	assert_true(uart.rx_held);
	assert_false(model.line);
	model.stuck_not_empty = false;
	char buf[KAAL_PL011_QUEUE];
	assert_int_equal(KAAL_PL011_QUEUE, take(buf, sizeof buf));
	assert_int_equal('q', buf[0]);
	assert_false(uart.rx_held);
}

/*
 * A console that refills the FIFO as it is read (QEMU's) raises no new
 * interrupt for what it pushes in: one drain takes all of it, more than
 * the FIFO holds, and nothing is left behind for an interrupt that never comes.
 */
static void a_fifo_refilled_as_it_is_read_is_drained_whole(void **state)
{
	(void)state;
	static const char script[] = "echo one\necho two\necho three\npoweroff\n";
	const size_t n = sizeof(script) - 1;
	assert_true(n > 2 * PL011_FIFO_DEPTH);
	pl011_model_type(&model, (const uint8_t *)script, n);
	assert_int_equal(KAAL_OK, serve());
	assert_int_equal(0, model.rx_count);
	assert_int_equal(0, model.backlog_len);
	assert_false(model.line);
	char buf[sizeof(script)];
	assert_int_equal(n, take(buf, sizeof buf));
	assert_memory_equal(script, buf, n);
	assert_int_equal(0, uart.count.faults);
}

static void bad_arguments_are_refused(void **state)
{
	(void)state;
	size_t n;
	uint8_t b;
	assert_int_equal(KAAL_INVALID_ARGUMENT, kaal_pl011_interrupt(NULL));
	assert_int_equal(KAAL_INVALID_ARGUMENT, kaal_pl011_read(NULL, &b, 1, &n));
	assert_int_equal(KAAL_INVALID_ARGUMENT, kaal_pl011_read(&uart, NULL, 1, &n));
	assert_int_equal(KAAL_INVALID_ARGUMENT, kaal_pl011_read(&uart, &b, 1, NULL));
	assert_int_equal(KAAL_INVALID_ARGUMENT, kaal_pl011_write(NULL, &b, 1, &n));
	assert_int_equal(KAAL_INVALID_ARGUMENT, kaal_pl011_write(&uart, NULL, 1, &n));
	assert_int_equal(KAAL_INVALID_ARGUMENT, kaal_pl011_write(&uart, &b, 1, NULL));
	/* Outside the registers or unaligned: reads are all ones, writes go nowhere. */
	struct kaal_mmio regs = pl011_model_regs(&model);
	assert_int_equal(UINT32_MAX, kaal_mmio_read32(&regs, PL011_REGS));
	assert_int_equal(UINT32_MAX, kaal_mmio_read32(&regs, PL011_CR + 2));
	kaal_mmio_write32(&regs, PL011_REGS - 2, 0);
	kaal_mmio_write32(&regs, PL011_CR + 1, 0);
	assert_int_equal(PL011_CR_UARTEN | PL011_CR_TXE | PL011_CR_RXE, model.cr);
	assert_int_equal(PL011_CR_UARTEN | PL011_CR_TXE | PL011_CR_RXE,
	                 kaal_mmio_read32(&regs, PL011_CR));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    UART_CASE(init_programs_the_device),
	    UART_CASE(received_bytes_arrive_in_order),
	    UART_CASE(an_overrun_is_counted_and_the_driver_goes_on),
	    UART_CASE(line_errors_are_counted_not_delivered),
	    UART_CASE(writes_go_out_through_the_fifo),
	    UART_CASE(a_fast_line_takes_the_whole_queue_at_once),
	    UART_CASE(a_busy_line_sends_the_rest_on_interrupts),
	    UART_CASE(a_full_queue_takes_what_fits),
	    UART_CASE(a_spurious_interrupt_is_counted),
	    UART_CASE(a_stuck_flag_register_is_a_fault_not_a_hang),
	    UART_CASE(a_stuck_register_repeating_a_byte_fills_the_queue_and_stops),
	    UART_CASE(a_fifo_refilled_as_it_is_read_is_drained_whole),
	    UART_CASE(bad_arguments_are_refused),
	};
	return cmocka_run_group_tests_name("pl011", tests, NULL, NULL);
}
