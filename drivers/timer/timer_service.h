/*
 * The timer driver process (timer_driver.c): its description for the
 * driver kit and its client protocol. A client asks the time, or sleeps
 * until a deadline: that reply comes when the deadline passes, and
 * deadlines of many clients are served earliest first. Times are
 * nanoseconds of the timer's counter.
 */
#ifndef KAAL_DRIVER_TIMER_SERVICE_H
#define KAAL_DRIVER_TIMER_SERVICE_H

#include <kaal/driver.h>

enum kaal_timer_op {
	KAAL_TIMER_NOW = 1,  /* reply ns: the time now */
	KAAL_TIMER_SLEEP = 2 /* ns: the deadline; reply when it passed */
};

struct kaal_timer_request {
	uint32_t op; /* enum kaal_timer_op */
	uint32_t pad;
	uint64_t ns;
};

struct kaal_timer_reply {
	uint32_t op;
	int32_t status; /* kaal_status */
	uint64_t ns;    /* NOW: the time; SLEEP: the time the interrupt was served */
	uint64_t order; /* SLEEP: the deadlines the driver had served, this one included */
	uint64_t pad;
};

_Static_assert(sizeof(struct kaal_timer_request) == 16, "timer request size");
_Static_assert(sizeof(struct kaal_timer_reply) == 32, "timer reply size");

#define KAAL_TIMER_CLIENTS  4u
#define KAAL_TIMER_PRIORITY 220u

static const struct kaal_driver_desc kaal_timer_driver_desc = {
    .program = "timer",
    .device = KAAL_DEVICE_TIMER,
    .clients = KAAL_TIMER_CLIENTS,
    .request_size = sizeof(struct kaal_timer_request),
    .reply_size = sizeof(struct kaal_timer_reply),
    .ring_capacity = 8,
    .priority = KAAL_TIMER_PRIORITY,
};

#endif
