/*
 * A client of the UART driver process for the driver tests: opens its link
 * ("uart") and, by its starter's word, reads a line and writes it back,
 * reads the driver's counters, or sends requests the driver must refuse. It reports to the endpoint
 * it was given as "report" (label: what it did; words as programs.h says).
 */
#include <kaal/program.h>

#include "pl011/uart.h"
#include "programs.h"

#define CALL_NS (UINT64_C(10) * 1000 * 1000 * 1000)

static kaal_status report(kaal_cptr to, kaal_word label, kaal_word a, kaal_word b)
{
	struct kaal_msg msg = {kaal_msg_info(label, 2, 0), {a, b}, 0};
	return kaal_send(to, &msg);
}

static kaal_status call(struct kaal_driver_client *c, const struct kaal_uart_request *q,
                        struct kaal_uart_reply *a)
{
	kaal_status st = kaal_driver_call(c, q, a, CALL_NS);
	return st == KAAL_OK ? (kaal_status)a->status : st;
}

/* Write n bytes, waiting for the line to drain whenever the driver's queue is full. */
static kaal_status write_all(struct kaal_driver_client *c, const uint8_t *bytes, size_t n)
{
	struct kaal_uart_reply a;
	while (n > 0) {
		struct kaal_uart_request q = {KAAL_UART_WRITE, 0, {0}};
		while (q.len < KAAL_UART_DATA && q.len < n) {
			q.data[q.len] = bytes[q.len];
			q.len++;
		}
		kaal_status st = call(c, &q, &a);
		if (st == KAAL_OK && a.len == 0) {
			struct kaal_uart_request flush = {KAAL_UART_FLUSH, 0, {0}};
			st = call(c, &flush, &a);
		}
		if (st != KAAL_OK)
			return st;
		bytes += a.len;
		n -= a.len;
	}
	struct kaal_uart_request flush = {KAAL_UART_FLUSH, 0, {0}};
	return call(c, &flush, &a);
}

static int echo_line(struct kaal_driver_client *c, kaal_cptr to)
{
	uint8_t line[UART_LINE_BYTES];
	size_t got = 0;
	while (got < UART_LINE_BYTES) {
		struct kaal_uart_request q = {KAAL_UART_READ, 0, {0}};
		struct kaal_uart_reply a;
		if (call(c, &q, &a) != KAAL_OK || a.len == 0 || a.len > UART_LINE_BYTES - got)
			return PROGRAM_SEND_FAILED;
		for (uint32_t i = 0; i < a.len; i++)
			line[got++] = a.data[i];
	}
	kaal_word packed = 0;
	for (unsigned i = 0; i < UART_LINE_BYTES; i++)
		packed |= (kaal_word)line[i] << (8 * i);
	if (write_all(c, line, UART_LINE_BYTES) != KAAL_OK)
		return PROGRAM_SEND_FAILED;
	return report(to, UART_ECHO_LABEL, packed, UART_LINE_BYTES) == KAAL_OK
	           ? 0
	           : PROGRAM_SEND_FAILED;
}

static int counters(struct kaal_driver_client *c, kaal_cptr to)
{
	struct kaal_uart_request q = {KAAL_UART_COUNTERS, 0, {0}};
	struct kaal_uart_reply a;
	struct kaal_uart_counters n = {0};
	if (call(c, &q, &a) != KAAL_OK || a.len != sizeof(n))
		return PROGRAM_SEND_FAILED;
	for (unsigned i = 0; i < sizeof(n); i++)
		((uint8_t *)&n)[i] = a.data[i];
	return report(to, UART_COUNTERS_LABEL, n.rx, n.overruns) == KAAL_OK ? 0
	                                                                    : PROGRAM_SEND_FAILED;
}

static int refused(struct kaal_driver_client *c, kaal_cptr to)
{
	struct kaal_uart_request too_long = {KAAL_UART_WRITE, KAAL_UART_DATA + 1, {0}};
	struct kaal_uart_request unknown = {UART_NO_SUCH_OP, 0, {0}};
	struct kaal_uart_reply a, b;
	if (kaal_driver_call(c, &too_long, &a, CALL_NS) != KAAL_OK ||
	    kaal_driver_call(c, &unknown, &b, CALL_NS) != KAAL_OK)
		return PROGRAM_SEND_FAILED;
	return report(to, UART_REFUSED_LABEL, (kaal_word)(int64_t)a.status,
	              (kaal_word)(int64_t)b.status) == KAAL_OK
	           ? 0
	           : PROGRAM_SEND_FAILED;
}

static int uart_client_main(const struct kaal_start_info *si)
{
	kaal_cptr to;
	struct kaal_driver_client c;
	if (kaal_start_cap(si, "report", &to) != KAAL_OK ||
	    kaal_driver_open(&c, si, "uart", 0) != KAAL_OK)
		return PROGRAM_NO_CAP;
	switch (si->arg) {
	case UART_CLIENT_ECHO_LINE:
		return echo_line(&c, to);
	case UART_CLIENT_COUNTERS:
		return counters(&c, to);
	default:
		return refused(&c, to);
	}
}

KAAL_PROGRAM(uart_client, uart_client_main)
