/*
 * The timer driver's core: many clients' deadlines on one hardware timer
 * (the generic timer's physical timer on aarch64, a model on the host).
 * The hardware is armed for the earliest deadline; an interrupt hands out
 * every deadline that has passed, earliest first (equal ones in the order
 * they were asked for), and arms the next.
 */
#ifndef KAAL_DRIVER_TIMER_H
#define KAAL_DRIVER_TIMER_H

#include <stddef.h>
#include <stdint.h>

#include <kaal/status.h>

/* The hardware timer as the core sees it: a counter and one compare. */
struct kaal_timer_hw {
	uint64_t (*count)(void *ctx);              /* the counter now, in ticks */
	void (*arm)(void *ctx, uint64_t deadline); /* interrupt once the counter reaches deadline */
	void (*disarm)(void *ctx);
	uint64_t frequency; /* ticks per second */
	void *ctx;
};

#define KAAL_TIMER_MAX 32u /* deadlines pending at once */

struct kaal_timer_deadline {
	uint64_t at;     /* ticks */
	uint32_t client; /* who asked */
	uint32_t cookie; /* the client's name for it */
};

struct kaal_timer {
	struct kaal_timer_hw hw;
	struct kaal_timer_deadline pending[KAAL_TIMER_MAX]; /* earliest first */
	uint32_t count;
	uint64_t fired;    /* deadlines handed out */
	uint64_t spurious; /* interrupts with no deadline passed */
};

/* KAAL_INVALID_ARGUMENT for hardware without its calls or a frequency of 0. */
kaal_status kaal_timer_init(struct kaal_timer *t, const struct kaal_timer_hw *hw);

/* The time now in nanoseconds since the counter started. */
kaal_status kaal_timer_now_ns(struct kaal_timer *t, uint64_t *ns);

/*
 * A deadline at at_ns (one already passed comes at the next interrupt,
 * which the hardware raises at once). KAAL_LIMIT_REACHED when
 * KAAL_TIMER_MAX are pending; KAAL_BUSY when the client has one with this cookie.
 */
kaal_status kaal_timer_add(struct kaal_timer *t, uint32_t client, uint32_t cookie, uint64_t at_ns);
/* KAAL_INVALID_ARGUMENT when the client has no deadline with this cookie. */
kaal_status kaal_timer_cancel(struct kaal_timer *t, uint32_t client, uint32_t cookie);

/*
 * The timer interrupted: up to cap passed deadlines into out, earliest
 * first; *n says how many. Passed ones that did not fit stay, and the
 * hardware interrupts again at once for them.
 */
kaal_status kaal_timer_interrupt(struct kaal_timer *t, struct kaal_timer_deadline *out, size_t cap,
                                 size_t *n);

#endif
