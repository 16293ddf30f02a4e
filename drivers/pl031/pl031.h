/*
 * The PL031 real-time clock driver's core: wall-clock seconds and one
 * alarm. The device must say it is a PL031 (its id registers) before the
 * driver touches it; an alarm fires once, on the interrupt.
 */
#ifndef KAAL_DRIVER_PL031_H
#define KAAL_DRIVER_PL031_H

#include <stdbool.h>

#include <kaal/mmio.h>
#include <kaal/status.h>

struct kaal_pl031 {
	struct kaal_mmio regs;
	bool alarm_set;
	uint64_t alarms;   /* alarms that fired */
	uint64_t spurious; /* interrupts with nothing pending */
};

/*
 * Take the clock at regs and start its counter (it keeps the time it has).
 * KAAL_INVALID_ARGUMENT for a region smaller than the registers;
 * KAAL_DEVICE_FAULT when the id registers do not say PL031.
 */
kaal_status kaal_pl031_init(struct kaal_pl031 *c, const struct kaal_mmio *regs);

/* Seconds now, and set them. */
kaal_status kaal_pl031_time(struct kaal_pl031 *c, uint32_t *seconds);
kaal_status kaal_pl031_set_time(struct kaal_pl031 *c, uint32_t seconds);

/* Interrupt once the clock reaches at (which must be later than now: else KAAL_INVALID_ARGUMENT).
 */
kaal_status kaal_pl031_set_alarm(struct kaal_pl031 *c, uint32_t at);

/* The device interrupted: *fired says whether it was the alarm (then it is off). */
kaal_status kaal_pl031_interrupt(struct kaal_pl031 *c, bool *fired);

#endif
