/*
 * The timer driver process: the timer core (timer.c) behind the driver
 * kit, on the generic timer's physical timer (kaal/generic_timer.h: system
 * registers on aarch64, a model on the host). A sleep's reply waits in the
 * core until its deadline passes.
 */
#include <kaal/generic_timer.h>

#include "timer.h"
#include "timer_service.h"

#define SLEEP_COOKIE 0u /* one sleep per client */

struct timer_driver {
	struct kaal_timer timer;
	const struct kaal_mmio *regs;
	uint64_t served;
};

/* A 64-bit register read in halves: high, low, high again until the high halves agree. */
static uint64_t read64(const struct kaal_mmio *regs, uint32_t low)
{
	uint32_t hi, lo;
	do {
		hi = kaal_mmio_read32(regs, low + 4);
		lo = kaal_mmio_read32(regs, low);
	} while (kaal_mmio_read32(regs, low + 4) != hi);
	return (uint64_t)hi << 32 | lo;
}

static uint64_t hw_count(void *ctx)
{
	return read64(((struct timer_driver *)ctx)->regs, KAAL_GTIMER_COUNT_LO);
}

static void hw_arm(void *ctx, uint64_t deadline)
{
	const struct kaal_mmio *regs = ((struct timer_driver *)ctx)->regs;
	kaal_mmio_write32(regs, KAAL_GTIMER_COMPARE_LO, (uint32_t)deadline);
	kaal_mmio_write32(regs, KAAL_GTIMER_COMPARE_HI, (uint32_t)(deadline >> 32));
	kaal_mmio_write32(regs, KAAL_GTIMER_CONTROL, KAAL_GTIMER_ENABLE);
}

static void hw_disarm(void *ctx)
{
	kaal_mmio_write32(((struct timer_driver *)ctx)->regs, KAAL_GTIMER_CONTROL, 0);
}

static kaal_status timer_init(struct kaal_driver_context *ctx)
{
	struct timer_driver *d = ctx->driver;
	d->regs = &ctx->regs;
	hw_disarm(d);
	uint32_t frequency = kaal_mmio_read32(d->regs, KAAL_GTIMER_FREQUENCY);
	/* No timer behind the registers reads all ones; none counts at 0 Hz. */
	if (frequency == 0 || frequency == UINT32_MAX)
		return KAAL_DEVICE_FAULT;
	struct kaal_timer_hw hw = {hw_count, hw_arm, hw_disarm, frequency, d};
	return kaal_timer_init(&d->timer, &hw);
}

static void timer_interrupt(struct kaal_driver_context *ctx)
{
	struct timer_driver *d = ctx->driver;
	struct kaal_timer_deadline passed[KAAL_TIMER_MAX];
	size_t n = 0;
	if (kaal_timer_interrupt(&d->timer, passed, KAAL_TIMER_MAX, &n) != KAAL_OK)
		return;
	uint64_t now = 0;
	kaal_timer_now_ns(&d->timer, &now);
	for (size_t i = 0; i < n; i++) {
		struct kaal_timer_reply a = {KAAL_TIMER_SLEEP, KAAL_OK, now, ++d->served, 0};
		kaal_driver_reply(ctx, passed[i].client, &a);
	}
}

static bool timer_request(struct kaal_driver_context *ctx, unsigned client, const void *request,
                          void *reply)
{
	struct timer_driver *d = ctx->driver;
	const struct kaal_timer_request *q = request;
	struct kaal_timer_reply *a = reply;
	a->op = q->op;
	switch (q->op) {
	case KAAL_TIMER_NOW:
		a->status = kaal_timer_now_ns(&d->timer, &a->ns);
		return true;
	case KAAL_TIMER_SLEEP:
		a->status = kaal_timer_add(&d->timer, client, SLEEP_COOKIE, q->ns);
		return a->status != KAAL_OK; /* else the reply comes when the deadline passed */
	default:
		a->status = KAAL_INVALID_ARGUMENT;
		return true;
	}
}

static int timer_main(const struct kaal_start_info *si)
{
	static const struct kaal_driver_ops ops = {timer_init, timer_interrupt, timer_request};
	static struct timer_driver timer;
	timer = (struct timer_driver){0}; /* on the host, what an earlier start left stays */
	return kaal_driver_main(&kaal_timer_driver_desc, si, &ops, &timer);
}

KAAL_PROGRAM(timer, timer_main)
