/*
 * PL011 driver core. Each drain of the receive FIFO is bounded by twice its
 * depth: a device that keeps saying "not empty" after that is reporting
 * nonsense, and the driver counts a fault and goes on. Filling the transmit
 * FIFO needs no such bound: it ends when the queue does, and a device that
 * sends as fast as it is written (QEMU's) never says "full".
 */
#include "pl011.h"

#include "pl011_regs.h"

/*
 * Reads one drain makes at most before it calls the device stuck. Not the
 * FIFO's depth: a console may refill the FIFO as it is read (QEMU's does,
 * with no new interrupt), so a drain takes all that waits: a queue of it,
 * and two FIFOs more.
 */
#define DRAIN_BOUND (KAAL_PL011_QUEUE + 2u * PL011_FIFO_DEPTH)
#define QUEUE_MASK  (KAAL_PL011_QUEUE - 1u)

_Static_assert((KAAL_PL011_QUEUE & QUEUE_MASK) == 0, "queues are a power of two");

static uint32_t rd(const struct kaal_pl011 *u, uint32_t reg)
{
	return kaal_mmio_read32(&u->regs, reg);
}

static void wr(const struct kaal_pl011 *u, uint32_t reg, uint32_t value)
{
	kaal_mmio_write32(&u->regs, reg, value);
}

/*
 * Receive interrupts off while the queue is full: the rest of the input
 * waits in the device (which stops taking more, or counts an overrun)
 * rather than being thrown away, and a level interrupt cannot fire for ever.
 */
static void hold_rx(struct kaal_pl011 *u, bool hold)
{
	const uint32_t rx = PL011_INT_RX | PL011_INT_RT;
	uint32_t mask = rd(u, PL011_IMSC);
	wr(u, PL011_IMSC, hold ? mask & ~rx : mask | rx);
	u->rx_held = hold;
}

/* Receive FIFO into the receive queue, until the FIFO is empty or the queue full. */
static kaal_status drain_rx(struct kaal_pl011 *u)
{
	for (uint32_t n = 0; n < DRAIN_BOUND; n++) {
		if (rd(u, PL011_FR) & PL011_FR_RXFE)
			return KAAL_OK;
		if (u->rx_head - u->rx_tail == KAAL_PL011_QUEUE) {
			u->count.held++;
			hold_rx(u, true);
			return KAAL_OK;
		}
		/* An overrun is counted from its interrupt; the byte that carries the flag is good.
		 */
		uint32_t dr = rd(u, PL011_DR);
		if (dr & (PL011_DR_FE | PL011_DR_PE | PL011_DR_BE)) {
			u->count.line_errors++;
			continue;
		}
		u->rxq[u->rx_head++ & QUEUE_MASK] = (uint8_t)(dr & PL011_DR_DATA);
		u->count.rx++;
	}
	u->count.faults++;
	return KAAL_DEVICE_FAULT;
}

kaal_status kaal_pl011_init(struct kaal_pl011 *u, const struct kaal_mmio *regs)
{
	if (!u || !regs || regs->size < PL011_REGS || (!regs->model && !regs->base))
		return KAAL_INVALID_ARGUMENT;
	*u = (struct kaal_pl011){.regs = *regs};
	wr(u, PL011_CR, 0);
	wr(u, PL011_IMSC, 0);
	wr(u, PL011_ICR, PL011_INT_ALL);
	wr(u, PL011_RSR, 0);
	wr(u, PL011_LCRH, PL011_LCRH_FEN | PL011_LCRH_WLEN_8);
	wr(u, PL011_IMSC, PL011_INT_RX | PL011_INT_RT | PL011_INT_OE);
	wr(u, PL011_CR, PL011_CR_UARTEN | PL011_CR_TXE | PL011_CR_RXE);
	/* Input that came before the driver is taken now: its interrupt was cleared above. */
	drain_rx(u);
	return KAAL_OK;
}

/* Transmit queue into the transmit FIFO; the interrupt stays on only while bytes wait. */
static kaal_status fill_tx(struct kaal_pl011 *u)
{
	while (u->tx_tail != u->tx_head && !(rd(u, PL011_FR) & PL011_FR_TXFF)) {
		wr(u, PL011_DR, u->txq[u->tx_tail++ & QUEUE_MASK]);
		u->count.tx++;
	}
	uint32_t mask = rd(u, PL011_IMSC);
	if (u->tx_tail != u->tx_head)
		wr(u, PL011_IMSC, mask | PL011_INT_TX);
	else
		wr(u, PL011_IMSC, mask & ~PL011_INT_TX);
	return KAAL_OK;
}

kaal_status kaal_pl011_interrupt(struct kaal_pl011 *u)
{
	if (!u)
		return KAAL_INVALID_ARGUMENT;
	uint32_t mis = rd(u, PL011_MIS) & PL011_INT_ALL;
	if (mis == 0) {
		u->count.spurious++;
		return KAAL_OK;
	}
	/* Clear first: anything that arrives while the FIFOs are served interrupts again. */
	wr(u, PL011_ICR, mis);
	if (mis & PL011_INT_OE)
		u->count.overruns++;
	kaal_status st = KAAL_OK;
	if (mis & (PL011_INT_RX | PL011_INT_RT | PL011_INT_OE))
		st = drain_rx(u);
	if (mis & PL011_INT_TX) {
		kaal_status tx = fill_tx(u);
		st = st != KAAL_OK ? st : tx;
	}
	return st;
}

kaal_status kaal_pl011_read(struct kaal_pl011 *u, uint8_t *buf, size_t cap, size_t *got)
{
	if (!u || !got || (!buf && cap))
		return KAAL_INVALID_ARGUMENT;
	size_t n = 0;
	while (n < cap && u->rx_tail != u->rx_head)
		buf[n++] = u->rxq[u->rx_tail++ & QUEUE_MASK];
	*got = n;
	if (!u->rx_held || n == 0)
		return KAAL_OK;
	/* Room again: take what waits in the FIFO now, as no interrupt may say it is there. */
	hold_rx(u, false);
	drain_rx(u); /* a device that never says "empty" is counted in faults */
	return KAAL_OK;
}

kaal_status kaal_pl011_write(struct kaal_pl011 *u, const uint8_t *buf, size_t n, size_t *taken)
{
	if (!u || !taken || (!buf && n))
		return KAAL_INVALID_ARGUMENT;
	size_t k = 0;
	while (k < n && u->tx_head - u->tx_tail < KAAL_PL011_QUEUE)
		u->txq[u->tx_head++ & QUEUE_MASK] = buf[k++];
	*taken = k;
	/* The transmit interrupt comes on a level change: the first bytes go out from here. */
	return fill_tx(u);
}
