/* Generic timer model: the line follows the counter and the compare at every change. */
#include "timer_model.h"

#include <string.h>

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

void timer_model_init(struct timer_model *m, uint64_t frequency)
{
	memset(m, 0, sizeof(*m));
	m->hw = (struct kaal_timer_hw){count, arm, disarm, frequency, m};
}

void timer_model_advance(struct timer_model *m, uint64_t ticks)
{
	m->counter += ticks;
	update(m);
}
