/*
 * A model of the generic timer's physical timer for host tests: a counter
 * the test advances, one compare value, and the interrupt line (armed and
 * the counter at or past the compare).
 */
#ifndef KAAL_TIMER_MODEL_H
#define KAAL_TIMER_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#include <kaal/mmio.h>

#include "timer/timer.h"

struct timer_model {
	uint64_t counter, compare;
	bool armed;
	bool line;
	uint64_t arms; /* times the driver armed it */
	uint64_t frequency;
	uint32_t compare_low; /* a compare written in halves: the low one waits for the high */
	struct kaal_timer_hw hw;
	struct kaal_mmio_model mmio; /* the same timer as a register bank (kaal/generic_timer.h) */
};

void timer_model_init(struct timer_model *m, uint64_t frequency);
void timer_model_advance(struct timer_model *m, uint64_t ticks);

#endif
