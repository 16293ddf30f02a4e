/*
 * The RTC driver process (rtc_driver.c): its description for the driver
 * kit and its client protocol. A client asks for the time, sets it, or
 * asks for an alarm: the alarm's reply comes when the clock reaches it, so
 * a kaal_driver_call() of it waits until then. One alarm at a time: a
 * second while one waits is answered KAAL_BUSY at once.
 */
#ifndef KAAL_DRIVER_RTC_H
#define KAAL_DRIVER_RTC_H

#include <kaal/driver.h>

enum kaal_rtc_op {
	KAAL_RTC_TIME = 1,     /* reply: seconds now */
	KAAL_RTC_SET_TIME = 2, /* seconds: the new time */
	KAAL_RTC_ALARM = 3     /* seconds: when; reply: the time it fired */
};

struct kaal_rtc_request {
	uint32_t op; /* enum kaal_rtc_op */
	uint32_t seconds;
};

struct kaal_rtc_reply {
	uint32_t op;
	int32_t status; /* kaal_status */
	uint32_t seconds;
	uint32_t pad;
};

_Static_assert(sizeof(struct kaal_rtc_request) == 8, "rtc request size");
_Static_assert(sizeof(struct kaal_rtc_reply) == 16, "rtc reply size");

#define KAAL_RTC_CLIENTS  2u
#define KAAL_RTC_PRIORITY 200u

static const struct kaal_driver_desc kaal_rtc_driver = {
    .program = "rtc",
    .device = KAAL_DEVICE_RTC,
    .clients = KAAL_RTC_CLIENTS,
    .request_size = sizeof(struct kaal_rtc_request),
    .reply_size = sizeof(struct kaal_rtc_reply),
    .ring_capacity = 8,
    .priority = KAAL_RTC_PRIORITY,
};

#endif
