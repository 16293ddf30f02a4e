/*
 * The UART driver process: the PL011 core (pl011.c) behind the driver kit.
 * Reads and flushes wait in the driver until the interrupt that ends them;
 * everything else is answered at once.
 */
#include <string.h>

#include "pl011.h"
#include "pl011_regs.h"
#include "uart.h"

struct uart {
	struct kaal_pl011 port;
	bool reading[KAAL_UART_CLIENTS];  /* a read waits for bytes */
	bool flushing[KAAL_UART_CLIENTS]; /* a flush waits for the line to go quiet */
};

static kaal_status uart_init(struct kaal_driver_context *ctx)
{
	struct uart *u = ctx->driver;
	return kaal_pl011_init(&u->port, &ctx->regs);
}

static bool sent_all(struct uart *u)
{
	return u->port.tx_head == u->port.tx_tail &&
	       (kaal_mmio_read32(&u->port.regs, PL011_FR) & PL011_FR_TXFE);
}

/* Answer a waiting read with the bytes there are, or say there are none yet. */
static bool answer_read(struct uart *u, struct kaal_uart_reply *a)
{
	size_t got = 0;
	a->op = KAAL_UART_READ;
	a->status = kaal_pl011_read(&u->port, a->data, KAAL_UART_DATA, &got);
	a->len = (uint32_t)got;
	return got > 0 || a->status != KAAL_OK;
}

/* What a waiting read or flush of client c can be told now. */
static void settle(struct kaal_driver_context *ctx, struct uart *u, unsigned c)
{
	struct kaal_uart_reply a = {0};
	if (u->reading[c] && answer_read(u, &a)) {
		u->reading[c] = false;
		kaal_driver_reply(ctx, c, &a);
	}
	if (u->flushing[c] && sent_all(u)) {
		u->flushing[c] = false;
		a = (struct kaal_uart_reply){.op = KAAL_UART_FLUSH, .status = KAAL_OK};
		kaal_driver_reply(ctx, c, &a);
	}
}

static void uart_interrupt(struct kaal_driver_context *ctx)
{
	struct uart *u = ctx->driver;
	kaal_pl011_interrupt(&u->port); /* a fault is counted; the next interrupt goes on */
	for (unsigned c = 0; c < KAAL_UART_CLIENTS; c++)
		settle(ctx, u, c);
}

static bool uart_request(struct kaal_driver_context *ctx, unsigned client, const void *request,
                         void *reply)
{
	struct uart *u = ctx->driver;
	const struct kaal_uart_request *q = request;
	struct kaal_uart_reply *a = reply;
	a->op = q->op;
	if ((q->op == KAAL_UART_READ && u->reading[client]) ||
	    (q->op == KAAL_UART_FLUSH && u->flushing[client])) {
		a->status = KAAL_BUSY; /* one of each at a time */
		return true;
	}
	size_t taken = 0;
	switch (q->op) {
	case KAAL_UART_WRITE:
		if (q->len > KAAL_UART_DATA) {
			a->status = KAAL_INVALID_ARGUMENT;
			return true;
		}
		a->status = kaal_pl011_write(&u->port, q->data, q->len, &taken);
		a->len = (uint32_t)taken;
		return true;
	case KAAL_UART_READ:
		if (answer_read(u, a))
			return true;
		u->reading[client] = true;
		return false;
	case KAAL_UART_FLUSH:
		u->flushing[client] = true;
		settle(ctx, u, client);
		return false;
	case KAAL_UART_COUNTERS: {
		const struct kaal_pl011_counters *n = &u->port.count;
		struct kaal_uart_counters c = {n->rx,          n->tx,      n->overruns,
		                               n->line_errors, n->held,    n->spurious};
		memcpy(a->data, &c, sizeof(c));
		a->len = sizeof(c);
		a->status = KAAL_OK;
		return true;
	}
	default:
		a->status = KAAL_INVALID_ARGUMENT;
		return true;
	}
}

static int uart_main(const struct kaal_start_info *si)
{
	static const struct kaal_driver_ops ops = {uart_init, uart_interrupt, uart_request};
	static struct uart uart;
	uart = (struct uart){0}; /* on the host, what an earlier start left stays */
	return kaal_driver_main(&kaal_uart_driver, si, &ops, &uart);
}

KAAL_PROGRAM(uart, uart_main)
