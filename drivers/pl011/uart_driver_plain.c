/*
 * The UART driver process written against the plain SDK, without the
 * driver kit: the same protocol (uart.h) and the same capabilities as
 * kaal_driver_start() hands out, found, mapped, bound and served here by
 * hand. It exists to measure what the kit saves (docs/drivers.md); the
 * QEMU drivers test runs it.
 */
#include <kaal/channel.h>
#include <kaal/channel_set.h>
#include <kaal/program.h>

#include "pl011.h"
#include "pl011_regs.h"
#include "uart.h"

#define PAGE_BYTES ((size_t)1 << KAAL_PAGE_BITS)
#define IRQ_BADGE  ((kaal_word)1 << 63)
#define STOP_BADGE ((kaal_word)1 << 62) /* the starter asks the driver to end */

static struct kaal_pl011 port;
static kaal_cptr irq;
static struct kaal_channel request[KAAL_UART_CLIENTS], reply[KAAL_UART_CLIENTS];
static struct kaal_channel_set set;
static uint32_t member_client[KAAL_UART_CLIENTS];
static bool reading[KAAL_UART_CLIENTS], flushing[KAAL_UART_CLIENTS];

static void send_reply(unsigned c, const struct kaal_uart_reply *a)
{
	kaal_channel_send(&reply[c], a, 0); /* never wait for a client that does not read */
}

static bool sent_all(void)
{
	return port.tx_head == port.tx_tail &&
	       (kaal_mmio_read32(&port.regs, PL011_FR) & PL011_FR_TXFE);
}

static bool answer_read(struct kaal_uart_reply *a)
{
	size_t got = 0;
	a->op = KAAL_UART_READ;
	a->status = kaal_pl011_read(&port, a->data, KAAL_UART_DATA, &got);
	a->len = (uint32_t)got;
	return got > 0 || a->status != KAAL_OK;
}

static void settle(unsigned c)
{
	struct kaal_uart_reply a = {0};
	if (reading[c] && answer_read(&a)) {
		reading[c] = false;
		send_reply(c, &a);
	}
	if (flushing[c] && sent_all()) {
		flushing[c] = false;
		a = (struct kaal_uart_reply){.op = KAAL_UART_FLUSH, .status = KAAL_OK};
		send_reply(c, &a);
	}
}

static bool handle(unsigned client, const struct kaal_uart_request *q, struct kaal_uart_reply *a)
{
	a->op = q->op;
	if ((q->op == KAAL_UART_READ && reading[client]) ||
	    (q->op == KAAL_UART_FLUSH && flushing[client])) {
		a->status = KAAL_BUSY;
		return true;
	}
	size_t taken = 0;
	switch (q->op) {
	case KAAL_UART_WRITE:
		if (q->len > KAAL_UART_DATA) {
			a->status = KAAL_INVALID_ARGUMENT;
			return true;
		}
		a->status = kaal_pl011_write(&port, q->data, q->len, &taken);
		a->len = (uint32_t)taken;
		return true;
	case KAAL_UART_READ:
		if (answer_read(a))
			return true;
		reading[client] = true;
		return false;
	case KAAL_UART_FLUSH:
		flushing[client] = true;
		settle(client);
		return false;
	case KAAL_UART_COUNTERS: {
		const struct kaal_pl011_counters *n = &port.count;
		struct kaal_uart_counters c = {n->rx,          n->tx,      n->overruns,
		                               n->line_errors, n->held,    n->spurious};
		for (unsigned i = 0; i < sizeof(c); i++)
			a->data[i] = ((const uint8_t *)&c)[i];
		a->len = sizeof(c);
		a->status = KAAL_OK;
		return true;
	}
	default:
		a->status = KAAL_INVALID_ARGUMENT;
		return true;
	}
}

/* name = prefix + the digit i. */
static kaal_status cap_numbered(const struct kaal_start_info *si, const char *prefix, unsigned i,
                                kaal_cptr *cptr)
{
	char name[KAAL_PROGRAM_NAME_MAX];
	unsigned n = 0;
	for (; prefix[n]; n++)
		name[n] = prefix[n];
	name[n++] = (char)('0' + i);
	name[n] = '\0';
	return kaal_start_cap(si, name, cptr);
}

static kaal_status attach(const struct kaal_start_info *si, kaal_cptr events, unsigned i)
{
	kaal_cptr req, rsp, client;
	void *req_at, *rsp_at;
	kaal_status st = cap_numbered(si, "req", i, &req);
	if (st == KAAL_OK)
		st = cap_numbered(si, "rsp", i, &rsp);
	if (st == KAAL_OK)
		st = cap_numbered(si, "client", i, &client);
	if (st == KAAL_OK)
		st = kaal_program_map(req, 1 + 2 * i, KAAL_RIGHT_READ | KAAL_RIGHT_WRITE, &req_at);
	if (st == KAAL_OK)
		st = kaal_program_map(rsp, 2 + 2 * i, KAAL_RIGHT_READ | KAAL_RIGHT_WRITE, &rsp_at);
	if (st == KAAL_OK)
		st = kaal_channel_attach(&request[i], req_at, PAGE_BYTES, KAAL_RING_CONSUMER,
		                         events, client);
	if (st == KAAL_OK)
		st = kaal_channel_attach(&reply[i], rsp_at, PAGE_BYTES, KAAL_RING_PRODUCER, events,
		                         client);
	uint32_t index;
	if (st == KAAL_OK)
		st = kaal_channel_set_add(&set, &request[i], 0, &index);
	if (st == KAAL_OK)
		member_client[index] = i;
	return st;
}

static kaal_status start(const struct kaal_start_info *si)
{
	kaal_cptr mmio, events, irq_badge;
	void *regs = NULL;
	kaal_status st = kaal_start_cap(si, "mmio", &mmio);
	if (st == KAAL_OK)
		st = kaal_start_cap(si, "events", &events);
	if (st == KAAL_OK)
		st = kaal_start_cap(si, "irq", &irq);
	if (st == KAAL_OK)
		st = kaal_start_cap(si, "irq_badge", &irq_badge);
	if (st == KAAL_OK)
		st = kaal_program_map(mmio, 0, KAAL_RIGHT_READ | KAAL_RIGHT_WRITE, &regs);
	struct kaal_mmio mapped = kaal_mmio_mapped(regs, (uint32_t)PAGE_BYTES);
	if (st == KAAL_OK)
		st = kaal_channel_set_init(&set, events);
	if (st == KAAL_OK)
		st = kaal_channel_set_watch(&set, IRQ_BADGE | STOP_BADGE);
	if (st == KAAL_OK)
		st = kaal_irq_set_notification(irq, irq_badge);
	for (unsigned i = 0; i < KAAL_UART_CLIENTS && st == KAAL_OK; i++)
		st = attach(si, events, i);
	if (st == KAAL_OK)
		st = kaal_pl011_init(&port, &mapped);
	return st;
}

static int uart_plain_main(const struct kaal_start_info *si)
{
	kaal_status st = start(si);
	if (st != KAAL_OK)
		return (int)st;
	for (;;) {
		uint32_t member;
		st = kaal_channel_set_wait(&set, &member, KAAL_CHANNEL_FOREVER);
		if (st == KAAL_OK && member == KAAL_CHANNEL_SET_EVENTS) {
			if (kaal_channel_set_take_events(&set) & STOP_BADGE)
				return KAAL_OK;
			kaal_pl011_interrupt(&port);
			for (unsigned c = 0; c < KAAL_UART_CLIENTS; c++)
				settle(c);
			kaal_irq_ack(irq);
		} else if (st == KAAL_OK) {
			unsigned c = member_client[member];
			struct kaal_uart_request q;
			struct kaal_uart_reply a = {0};
			if (kaal_channel_recv(&request[c], &q, 0) == KAAL_OK && handle(c, &q, &a))
				send_reply(c, &a);
		} else if (st == KAAL_CORRUPT_RING) {
			kaal_channel_set_remove(&set, member);
		}
	}
}

KAAL_PROGRAM(uart_plain, uart_plain_main)
