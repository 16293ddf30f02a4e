/* Timer driver core: a sorted array of deadlines, the hardware armed for the first. */
#include "timer.h"

#define NS_PER_SECOND UINT64_C(1000000000)

kaal_status kaal_timer_init(struct kaal_timer *t, const struct kaal_timer_hw *hw)
{
	if (!t || !hw || !hw->count || !hw->arm || !hw->disarm || hw->frequency == 0)
		return KAAL_INVALID_ARGUMENT;
	*t = (struct kaal_timer){.hw = *hw};
	t->hw.disarm(t->hw.ctx);
	return KAAL_OK;
}

/* ticks * 10^9 / frequency, and back, without overflowing for any counter a machine reaches. */
static uint64_t ticks_to_ns(uint64_t ticks, uint64_t frequency)
{
	return ticks / frequency * NS_PER_SECOND + ticks % frequency * NS_PER_SECOND / frequency;
}

static uint64_t ns_to_ticks(uint64_t ns, uint64_t frequency)
{
	return ns / NS_PER_SECOND * frequency + ns % NS_PER_SECOND * frequency / NS_PER_SECOND;
}

kaal_status kaal_timer_now_ns(struct kaal_timer *t, uint64_t *ns)
{
	if (!t || !ns)
		return KAAL_INVALID_ARGUMENT;
	*ns = ticks_to_ns(t->hw.count(t->hw.ctx), t->hw.frequency);
	return KAAL_OK;
}

static void rearm(struct kaal_timer *t)
{
	if (t->count == 0)
		t->hw.disarm(t->hw.ctx);
	else
		t->hw.arm(t->hw.ctx, t->pending[0].at);
}

static int find(const struct kaal_timer *t, uint32_t client, uint32_t cookie)
{
	for (uint32_t i = 0; i < t->count; i++)
		if (t->pending[i].client == client && t->pending[i].cookie == cookie)
			return (int)i;
	return -1;
}

kaal_status kaal_timer_add(struct kaal_timer *t, uint32_t client, uint32_t cookie, uint64_t at_ns)
{
	if (!t)
		return KAAL_INVALID_ARGUMENT;
	if (find(t, client, cookie) >= 0)
		return KAAL_BUSY;
	if (t->count == KAAL_TIMER_MAX)
		return KAAL_LIMIT_REACHED;
	uint64_t at = ns_to_ticks(at_ns, t->hw.frequency);
	/* After every deadline not later than this one: equal deadlines keep their order. */
	uint32_t i = t->count;
	while (i > 0 && t->pending[i - 1].at > at) {
		t->pending[i] = t->pending[i - 1];
		i--;
	}
	t->pending[i] = (struct kaal_timer_deadline){at, client, cookie};
	t->count++;
	if (i == 0)
		rearm(t);
	return KAAL_OK;
}

static void remove_at(struct kaal_timer *t, uint32_t i, uint32_t n)
{
	for (uint32_t k = i; k + n < t->count; k++)
		t->pending[k] = t->pending[k + n];
	t->count -= n;
}

kaal_status kaal_timer_cancel(struct kaal_timer *t, uint32_t client, uint32_t cookie)
{
	if (!t)
		return KAAL_INVALID_ARGUMENT;
	int i = find(t, client, cookie);
	if (i < 0)
		return KAAL_INVALID_ARGUMENT;
	remove_at(t, (uint32_t)i, 1);
	if (i == 0)
		rearm(t);
	return KAAL_OK;
}

kaal_status kaal_timer_interrupt(struct kaal_timer *t, struct kaal_timer_deadline *out, size_t cap,
                                 size_t *n)
{
	if (!t || !n || (!out && cap))
		return KAAL_INVALID_ARGUMENT;
	uint64_t now = t->hw.count(t->hw.ctx);
	uint32_t passed = 0;
	while (passed < t->count && passed < cap && t->pending[passed].at <= now) {
		out[passed] = t->pending[passed];
		passed++;
	}
	*n = passed;
	if (passed == 0 && (t->count == 0 || t->pending[0].at > now))
		t->spurious++;
	t->fired += passed;
	remove_at(t, 0, passed);
	rearm(t);
	return KAAL_OK;
}
