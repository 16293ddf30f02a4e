/*
 * A register-level model of the PL011 UART for host tests: the registers a
 * driver reads and writes, a 16-entry receive FIFO a test feeds, a transmit
 * side that sends at once or holds its 16-entry FIFO while the line is
 * busy, and the interrupt line. Faults on demand: overruns (feed a full
 * FIFO), line errors, a flag register stuck at "not empty". Input may also
 * wait in a console backlog that refills the FIFO as it is read, as QEMU's
 * console does: a byte enters each time one leaves, no new interrupt.
 */
#ifndef KAAL_PL011_MODEL_H
#define KAAL_PL011_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kaal/mmio.h>

#define PL011_MODEL_SENT 16384u /* bytes of sent output the model keeps */

struct pl011_model {
	uint32_t cr, lcrh, ibrd, fbrd, ifls, imsc, ris, rsr;
	uint32_t rx[16]; /* DR values: the byte and its error bits */
	uint32_t rx_count, rx_first;
	uint8_t tx_fifo[16];
	uint32_t tx_count;
	bool tx_held; /* the line is busy: the transmit FIFO fills */
	uint8_t sent[PL011_MODEL_SENT];
	size_t sent_len;
	bool stuck_not_empty;   /* fault: FR never says the receive FIFO is empty, and DR repeats */
	uint32_t last_dr;       /* the last DR value read: what a stuck FIFO gives again */
	const uint8_t *backlog; /* console input waiting to enter the FIFO */
	size_t backlog_len;
	uint64_t dr_reads; /* reads of DR, to see that a driver stops */
	bool line;         /* the interrupt line: (RIS & IMSC) != 0 */
	uint64_t raised;   /* times the line went up */
	/* When set, called each time the line goes up, as a device's interrupt would be raised. */
	void (*raise)(uint32_t irq);
	uint32_t irq;
	struct kaal_mmio_model mmio;
};

void pl011_model_init(struct pl011_model *m);
/* The model's registers as a driver's MMIO region. */
struct kaal_mmio pl011_model_regs(struct pl011_model *m);
/* A byte arrives on the line with these DR error bits; false if the FIFO was full (overrun). */
bool pl011_model_receive(struct pl011_model *m, uint8_t byte, uint32_t errors);
/*
 * Console input: bytes fill the FIFO (raising the interrupt as the first
 * arrives) and the rest wait, each entering as a read makes room. bytes
 * must outlive the model's use of them.
 */
void pl011_model_type(struct pl011_model *m, const uint8_t *bytes, size_t len);
/* Hold the transmit FIFO (the line is busy) or let it go out; letting go sends it all. */
void pl011_model_hold_tx(struct pl011_model *m, bool hold);

#endif
