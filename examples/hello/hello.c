/*
 * hello: a program that prints one line through the UART driver process,
 * which it reaches through the link its starter gave it as "uart".
 */
#include <kaal/program.h>

#include "pl011/uart.h"

#define HELLO   "hello, world\n"
#define CALL_NS (UINT64_C(10) * 1000 * 1000 * 1000)

static kaal_status call(struct kaal_driver_client *uart, struct kaal_uart_request *q,
                        struct kaal_uart_reply *a)
{
	kaal_status st = kaal_driver_call(uart, q, a, CALL_NS);
	return st == KAAL_OK ? (kaal_status)a->status : st;
}

static int hello_main(const struct kaal_start_info *si)
{
	struct kaal_driver_client uart;
	kaal_status st = kaal_driver_open(&uart, si, "uart", 0);
	const char *text = HELLO;
	size_t left = sizeof(HELLO) - 1;
	struct kaal_uart_reply a;
	while (st == KAAL_OK && left > 0) {
		struct kaal_uart_request q = {KAAL_UART_WRITE, 0, {0}};
		while (q.len < KAAL_UART_DATA && q.len < left) {
			q.data[q.len] = (uint8_t)text[q.len];
			q.len++;
		}
		st = call(&uart, &q, &a);
		/* What the driver's queue did not take goes again once it has drained. */
		if (st == KAAL_OK && a.len == 0) {
			struct kaal_uart_request flush = {KAAL_UART_FLUSH, 0, {0}};
			st = call(&uart, &flush, &a);
		}
		text += a.len;
		left -= a.len;
	}
	struct kaal_uart_request flush = {KAAL_UART_FLUSH, 0, {0}};
	if (st == KAAL_OK)
		st = call(&uart, &flush, &a);
	return (int)st;
}

KAAL_PROGRAM(hello, hello_main)
