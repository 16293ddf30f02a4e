/*
 * The PL011 UART driver's core: registers in, bytes out, and nothing of
 * processes or channels (the driver process around it moves bytes between
 * these queues and its clients). Interrupt driven: the receive and
 * receive-timeout interrupts drain the receive FIFO into the receive
 * queue; the transmit interrupt, enabled only while bytes wait, refills
 * the transmit FIFO from the transmit queue. Overruns and line errors are
 * counted, never fatal, and no register can hold the driver in a loop.
 */
#ifndef KAAL_DRIVER_PL011_H
#define KAAL_DRIVER_PL011_H

#include <kaal/mmio.h>
#include <kaal/status.h>

#define KAAL_PL011_QUEUE 256u /* bytes each software queue holds (a power of two) */

struct kaal_pl011_counters {
	uint64_t rx;          /* bytes received into the receive queue */
	uint64_t tx;          /* bytes written to the transmit FIFO */
	uint64_t overruns;    /* times the receive FIFO overflowed (bytes lost in the device) */
	uint64_t line_errors; /* bytes received with a framing or parity error or a break */
	uint64_t held;        /* times the receive queue was full and input waited in the device */
	uint64_t spurious;    /* interrupts with nothing pending */
	uint64_t faults;      /* drains stopped because the device kept saying "more" */
};

struct kaal_pl011 {
	struct kaal_mmio regs;
	uint8_t rxq[KAAL_PL011_QUEUE];
	uint8_t txq[KAAL_PL011_QUEUE];
	uint32_t rx_head, rx_tail; /* free running; head: next byte in, tail: next byte out */
	uint32_t tx_head, tx_tail;
	bool rx_held; /* the queue is full: receive interrupts are off until a read makes room */
	struct kaal_pl011_counters count;
};

/*
 * Take the device at regs: 8 bits, FIFOs on, receive interrupts on,
 * transmit interrupt off until there is something to send, errors cleared.
 * KAAL_INVALID_ARGUMENT for a region smaller than the registers.
 */
kaal_status kaal_pl011_init(struct kaal_pl011 *u, const struct kaal_mmio *regs);

/*
 * The device interrupted: serve what its masked status says. KAAL_OK;
 * KAAL_DEVICE_FAULT when the receive FIFO did not empty within a queue and
 * two FIFOs of reads (counted in faults); either way the driver goes on.
 */
kaal_status kaal_pl011_interrupt(struct kaal_pl011 *u);

/*
 * Up to cap received bytes into buf; *got says how many. When the queue
 * was full, the room this makes lets in what waited in the device.
 */
kaal_status kaal_pl011_read(struct kaal_pl011 *u, uint8_t *buf, size_t cap, size_t *got);

/*
 * Queue up to n bytes for sending and start sending; *taken says how many
 * fit (the rest wait for room: call again after an interrupt).
 */
kaal_status kaal_pl011_write(struct kaal_pl011 *u, const uint8_t *buf, size_t n, size_t *taken);

#endif
