/*
 * A register-level model of the PL031 real-time clock for host tests: a
 * seconds counter the test advances (it counts once started), the match
 * register and its interrupt line, and the id registers, which a test can
 * make read as garbage.
 */
#ifndef KAAL_PL031_MODEL_H
#define KAAL_PL031_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#include <kaal/mmio.h>

struct pl031_model {
	uint32_t counter, match, cr, imsc, ris;
	bool garbage_id; /* fault: the id registers read as something else */
	bool line;       /* the interrupt line: RIS & IMSC */
	struct kaal_mmio_model mmio;
};

void pl031_model_init(struct pl031_model *m, uint32_t seconds);
struct kaal_mmio pl031_model_regs(struct pl031_model *m);
/* Time passes: the counter (if started) moves on, and passing the match raises the interrupt. */
void pl031_model_advance(struct pl031_model *m, uint32_t seconds);

#endif
