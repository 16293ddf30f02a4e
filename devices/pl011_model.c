/*
 * PL011 model. Interrupts as QEMU's model raises them: receive when a byte
 * arrives, transmit when the transmit FIFO drains, overrun when a byte
 * finds the receive FIFO full; a write of ICR clears bits, and the receive
 * bits also clear once the FIFO is empty.
 */
#include "pl011_model.h"

#include <string.h>

#include "pl011/pl011_regs.h"

static void update_line(struct pl011_model *m)
{
	bool line = (m->ris & m->imsc & PL011_INT_ALL) != 0;
	bool rises = line && !m->line;
	m->line = line;
	if (!rises)
		return;
	m->raised++;
	if (m->raise)
		m->raise(m->irq);
}

static void send(struct pl011_model *m, uint8_t byte)
{
	if (m->sent_len < PL011_MODEL_SENT)
		m->sent[m->sent_len++] = byte;
}

static void drain_tx(struct pl011_model *m)
{
	if (m->tx_held)
		return;
	for (uint32_t i = 0; i < m->tx_count; i++)
		send(m, m->tx_fifo[i]);
	if (m->tx_count > 0)
		m->ris |= PL011_INT_TX;
	m->tx_count = 0;
}

static uint32_t flags(const struct pl011_model *m)
{
	uint32_t fr = 0;
	if (m->rx_count == 0 && !m->stuck_not_empty)
		fr |= PL011_FR_RXFE;
	if (m->rx_count == PL011_FIFO_DEPTH)
		fr |= PL011_FR_RXFF;
	if (m->tx_count == PL011_FIFO_DEPTH)
		fr |= PL011_FR_TXFF;
	if (m->tx_count == 0)
		fr |= PL011_FR_TXFE;
	else
		fr |= PL011_FR_BUSY;
	return fr;
}

static uint32_t pop_rx(struct pl011_model *m)
{
	m->dr_reads++;
	if (m->rx_count == 0)
		return m->last_dr;
	uint32_t dr = m->last_dr = m->rx[m->rx_first];
	m->rx_first = (m->rx_first + 1) % PL011_FIFO_DEPTH;
	if (--m->rx_count == 0)
		m->ris &= ~(PL011_INT_RX | PL011_INT_RT);
	/* The console pushes its next byte into the room the read made, within the read. */
	if (m->backlog_len > 0) {
		m->rx[(m->rx_first + m->rx_count++) % PL011_FIFO_DEPTH] = *m->backlog++;
		m->backlog_len--;
	}
	update_line(m);
	return dr;
}

static uint32_t model_read(void *device, uint32_t offset)
{
	struct pl011_model *m = device;
	switch (offset) {
	case PL011_DR:
		return pop_rx(m);
	case PL011_RSR:
		return m->rsr;
	case PL011_FR:
		return flags(m);
	case PL011_IBRD:
		return m->ibrd;
	case PL011_FBRD:
		return m->fbrd;
	case PL011_LCRH:
		return m->lcrh;
	case PL011_CR:
		return m->cr;
	case PL011_IFLS:
		return m->ifls;
	case PL011_IMSC:
		return m->imsc;
	case PL011_RIS:
		return m->ris;
	case PL011_MIS:
		return m->ris & m->imsc;
	default:
		return 0;
	}
}

static void model_write(void *device, uint32_t offset, uint32_t value)
{
	struct pl011_model *m = device;
	switch (offset) {
	case PL011_DR:
		if (m->tx_count < PL011_FIFO_DEPTH)
			m->tx_fifo[m->tx_count++] = (uint8_t)value;
		drain_tx(m);
		break;
	case PL011_RSR:
		m->rsr = 0;
		break;
	case PL011_IBRD:
		m->ibrd = value;
		break;
	case PL011_FBRD:
		m->fbrd = value;
		break;
	case PL011_LCRH:
		m->lcrh = value;
		break;
	case PL011_CR:
		m->cr = value;
		break;
	case PL011_IFLS:
		m->ifls = value;
		break;
	case PL011_IMSC:
		m->imsc = value & PL011_INT_ALL;
		break;
	case PL011_ICR:
		m->ris &= ~value;
		break;
	default:
		break;
	}
	update_line(m);
}

void pl011_model_init(struct pl011_model *m)
{
	memset(m, 0, sizeof(*m));
	m->mmio = (struct kaal_mmio_model){model_read, model_write, m};
}

struct kaal_mmio pl011_model_regs(struct pl011_model *m)
{
	return kaal_mmio_modelled(&m->mmio, PL011_REGS);
}

bool pl011_model_receive(struct pl011_model *m, uint8_t byte, uint32_t errors)
{
	if (m->rx_count == PL011_FIFO_DEPTH) {
		m->rsr |= PL011_DR_OE >> 8;
		m->ris |= PL011_INT_OE;
		update_line(m);
		return false;
	}
	uint32_t at = (m->rx_first + m->rx_count++) % PL011_FIFO_DEPTH;
	m->rx[at] = byte | (errors & (PL011_DR_FE | PL011_DR_PE | PL011_DR_BE | PL011_DR_OE));
	m->ris |= PL011_INT_RX;
	update_line(m);
	return true;
}

void pl011_model_hold_tx(struct pl011_model *m, bool hold)
{
	m->tx_held = hold;
	drain_tx(m);
	update_line(m);
}

void pl011_model_type(struct pl011_model *m, const uint8_t *bytes, size_t len)
{
	while (len > 0 && m->rx_count < PL011_FIFO_DEPTH) {
		pl011_model_receive(m, *bytes++, 0);
		len--;
	}
	m->backlog = bytes;
	m->backlog_len = len;
}
