/*
 * A client of the RTC driver process for the driver tests: opens its link
 * ("rtc"), and by its starter's word asks the time and then an alarm two
 * seconds on, sends a request of no known operation, or floods the driver
 * with requests and never reads a reply. It reports each answer to the
 * endpoint it was given as "report" (label: what was asked; words: status
 * and seconds, or how many requests went out).
 */
#include <kaal/program.h>

#include "pl031/rtc.h"
#include "programs.h"

#define CALL_NS     (UINT64_C(10) * 1000 * 1000 * 1000)
#define ALARM_AHEAD 2u
#define RING_PAGE   0u

static kaal_status report(kaal_cptr to, kaal_word label, kaal_word a, kaal_word b)
{
	struct kaal_msg msg = {kaal_msg_info(label, 2, 0), {a, b}, 0};
	return kaal_send(to, &msg);
}

static int ask(struct kaal_driver_client *c, kaal_cptr to, uint32_t op, uint32_t seconds,
               struct kaal_rtc_reply *a)
{
	struct kaal_rtc_request q = {op, seconds};
	kaal_status st = kaal_driver_call(c, &q, a, CALL_NS);
	if (st != KAAL_OK)
		return PROGRAM_SEND_FAILED;
	return report(to, op, (kaal_word)(int64_t)a->status, a->seconds) == KAAL_OK
	           ? 0
	           : PROGRAM_SEND_FAILED;
}

static int flood(struct kaal_driver_client *c, kaal_cptr to)
{
	struct kaal_rtc_request q = {KAAL_RTC_TIME, 0};
	kaal_word sent = 0;
	while (sent < RTC_FLOOD_REQUESTS && kaal_channel_send(&c->request, &q, CALL_NS) == KAAL_OK)
		sent++;
	return report(to, RTC_FLOOD_LABEL, sent, 0) == KAAL_OK ? 0 : PROGRAM_SEND_FAILED;
}

static int rtc_client_main(const struct kaal_start_info *si)
{
	kaal_cptr to;
	struct kaal_driver_client c;
	if (kaal_start_cap(si, "report", &to) != KAAL_OK ||
	    kaal_driver_open(&c, si, "rtc", RING_PAGE) != KAAL_OK)
		return PROGRAM_NO_CAP;
	struct kaal_rtc_reply a;
	switch (si->arg) {
	case RTC_CLIENT_TIME_AND_ALARM: {
		int st = ask(&c, to, KAAL_RTC_TIME, 0, &a);
		return st ? st : ask(&c, to, KAAL_RTC_ALARM, a.seconds + ALARM_AHEAD, &a);
	}
	case RTC_CLIENT_GARBAGE:
		return ask(&c, to, RTC_NO_SUCH_OP, 0, &a);
	default:
		return flood(&c, to);
	}
}

KAAL_PROGRAM(rtc_client, rtc_client_main)
