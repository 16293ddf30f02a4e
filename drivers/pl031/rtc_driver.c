/*
 * The RTC driver process: the PL031 core (pl031.c) behind the driver kit.
 * Everything here is the device's: what a request does and what the
 * interrupt means; the kit maps, binds, waits and replies.
 */
#include "pl031.h"
#include "rtc.h"

#define NO_CLIENT UINT32_MAX

struct rtc {
	struct kaal_pl031 clock;
	uint32_t alarm_client; /* whose alarm is set, NO_CLIENT when none */
};

static kaal_status rtc_init(struct kaal_driver_context *ctx)
{
	struct rtc *r = ctx->driver;
	r->alarm_client = NO_CLIENT;
	return kaal_pl031_init(&r->clock, &ctx->regs);
}

static void rtc_interrupt(struct kaal_driver_context *ctx)
{
	struct rtc *r = ctx->driver;
	bool fired = false;
	if (kaal_pl031_interrupt(&r->clock, &fired) != KAAL_OK || !fired ||
	    r->alarm_client == NO_CLIENT)
		return;
	struct kaal_rtc_reply reply = {KAAL_RTC_ALARM, KAAL_OK, 0, 0};
	reply.status = kaal_pl031_time(&r->clock, &reply.seconds);
	kaal_driver_reply(ctx, r->alarm_client, &reply);
	r->alarm_client = NO_CLIENT;
}

static bool rtc_request(struct kaal_driver_context *ctx, unsigned client, const void *request,
                        void *reply)
{
	struct rtc *r = ctx->driver;
	const struct kaal_rtc_request *q = request;
	struct kaal_rtc_reply *a = reply;
	a->op = q->op;
	switch (q->op) {
	case KAAL_RTC_TIME:
		a->status = kaal_pl031_time(&r->clock, &a->seconds);
		return true;
	case KAAL_RTC_SET_TIME:
		a->status = kaal_pl031_set_time(&r->clock, q->seconds);
		return true;
	case KAAL_RTC_ALARM:
		if (r->alarm_client != NO_CLIENT) {
			a->status = KAAL_BUSY;
			return true;
		}
		a->status = kaal_pl031_set_alarm(&r->clock, q->seconds);
		if (a->status != KAAL_OK)
			return true;
		r->alarm_client = client; /* the reply comes with the interrupt */
		return false;
	default:
		a->status = KAAL_INVALID_ARGUMENT;
		return true;
	}
}

static int rtc_main(const struct kaal_start_info *si)
{
	static const struct kaal_driver_ops ops = {rtc_init, rtc_interrupt, rtc_request};
	static struct rtc rtc;
	rtc = (struct rtc){0}; /* on the host, what an earlier start left stays */
	return kaal_driver_main(&kaal_rtc_driver, si, &ops, &rtc);
}

KAAL_PROGRAM(rtc, rtc_main)
