/*
 * The UART driver process (uart_driver.c): its description for the driver
 * kit and its client protocol. A client writes bytes (the reply says how
 * many the driver queued; the rest are to be sent again), reads bytes (the
 * reply comes once at least one arrived), waits until everything queued
 * has left the device (flush), or reads the driver's counters. Line
 * discipline is the client's: bytes go out and come in as they are.
 */
#ifndef KAAL_DRIVER_UART_H
#define KAAL_DRIVER_UART_H

#include <kaal/driver.h>

#define KAAL_UART_DATA 48u /* bytes a request or a reply carries */

enum kaal_uart_op {
	KAAL_UART_WRITE = 1,   /* data[0..len): reply len = bytes queued */
	KAAL_UART_READ = 2,    /* reply data[0..len), len >= 1, once bytes came */
	KAAL_UART_FLUSH = 3,   /* reply once the queue and the device's FIFO are empty */
	KAAL_UART_COUNTERS = 4 /* reply data: struct kaal_uart_counters */
};

struct kaal_uart_request {
	uint32_t op; /* enum kaal_uart_op */
	uint32_t len;
	uint8_t data[KAAL_UART_DATA];
};

struct kaal_uart_reply {
	uint32_t op;
	int32_t status; /* kaal_status */
	uint32_t len;
	uint32_t pad;
	uint8_t data[KAAL_UART_DATA];
};

/* What the device and the driver lost or refused, as the PL011 core counts it. */
struct kaal_uart_counters {
	uint64_t rx, tx, overruns, line_errors, held, spurious;
};

_Static_assert(sizeof(struct kaal_uart_request) == 56, "uart request size");
_Static_assert(sizeof(struct kaal_uart_reply) == 64, "uart reply size");
_Static_assert(sizeof(struct kaal_uart_counters) <= KAAL_UART_DATA, "counters fit a reply");

#define KAAL_UART_CLIENTS  2u
#define KAAL_UART_PRIORITY 210u

static const struct kaal_driver_desc kaal_uart_driver = {
    .program = "uart",
    .device = KAAL_DEVICE_UART0,
    .clients = KAAL_UART_CLIENTS,
    .request_size = sizeof(struct kaal_uart_request),
    .reply_size = sizeof(struct kaal_uart_reply),
    .ring_capacity = 16,
    .priority = KAAL_UART_PRIORITY,
};

#endif
