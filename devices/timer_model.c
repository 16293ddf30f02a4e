/* Generic timer model: the line follows the counter and the compare at every change. */
#include "timer_model.h"

#include <string.h>

#include <kaal/generic_timer.h>

static void update(struct timer_model *m)
{
	m->line = m->armed && m->counter >= m->compare;
}

static uint64_t count(void *ctx)
{
	return ((struct timer_model *)ctx)->counter;
}

static void arm(void *ctx, uint64_t deadline)
{
	struct timer_model *m = ctx;
	m->compare = deadline;
	m->armed = true;
	m->arms++;
	update(m);
}

static void disarm(void *ctx)
{
	struct timer_model *m = ctx;
	m->armed = false;
	update(m);
}

static uint32_t read32(void *device, uint32_t offset)
{
	struct timer_model *m = device;
	switch (offset) {
	case KAAL_GTIMER_COUNT_LO:
		return (uint32_t)m->counter;
	case KAAL_GTIMER_COUNT_HI:
		return (uint32_t)(m->counter >> 32);
	case KAAL_GTIMER_COMPARE_LO:
		return (uint32_t)m->compare;
	case KAAL_GTIMER_COMPARE_HI:
		return (uint32_t)(m->compare >> 32);
	case KAAL_GTIMER_CONTROL:
		return (m->armed ? KAAL_GTIMER_ENABLE : 0) |
		       (m->counter >= m->compare ? KAAL_GTIMER_ISTATUS : 0);
	case KAAL_GTIMER_FREQUENCY:
		return (uint32_t)m->frequency;
	default:
		return UINT32_MAX;
	}
}

static void write32(void *device, uint32_t offset, uint32_t value)
{
	struct timer_model *m = device;
	if (offset == KAAL_GTIMER_COMPARE_LO) {
		m->compare_low = value;
	} else if (offset == KAAL_GTIMER_COMPARE_HI) {
		m->compare = (uint64_t)value << 32 | m->compare_low;
		update(m);
	} else if (offset == KAAL_GTIMER_CONTROL) {
		m->armed = (value & KAAL_GTIMER_ENABLE) && !(value & KAAL_GTIMER_IMASK);
		if (m->armed)
			m->arms++;
		update(m);
	}
}

void timer_model_init(struct timer_model *m, uint64_t frequency)
{
	memset(m, 0, sizeof(*m));
	m->frequency = frequency;
	m->hw = (struct kaal_timer_hw){count, arm, disarm, frequency, m};
	m->mmio = (struct kaal_mmio_model){read32, write32, m};
}

void timer_model_advance(struct timer_model *m, uint64_t ticks)
{
	m->counter += ticks;
	update(m);
}
