/*
 * A register-level model of the PL061 GPIO controller for host tests:
 * eight pins whose outside levels a test sets, outputs driven through the
 * DATA window, edge and level interrupts, and id registers a test can make
 * read as garbage. On QEMU virt pin 3 is the power button.
 */
#ifndef KAAL_PL061_MODEL_H
#define KAAL_PL061_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#include <kaal/mmio.h>

struct pl061_model {
	uint8_t dir, is, ibe, iev, ie, ris, afsel;
	uint8_t out;     /* levels the controller drives (pins whose DIR bit is 1) */
	uint8_t outside; /* levels the world drives (the others) */
	bool garbage_id;
	bool line; /* the interrupt line: RIS & IE */
	struct kaal_mmio_model mmio;
};

void pl061_model_init(struct pl061_model *m);
struct kaal_mmio pl061_model_regs(struct pl061_model *m);
/* The world drives pin to level; an input's edge or level raises its interrupt as programmed. */
void pl061_model_drive(struct pl061_model *m, unsigned pin, bool level);
/* The level on each pin, as a bit per pin. */
uint8_t pl061_model_levels(const struct pl061_model *m);

#endif
