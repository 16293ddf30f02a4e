/*
 * The PL061 GPIO driver's core: eight pins, each an input or an output,
 * and edge interrupts on the inputs a client watches. The device must say
 * it is a PL061 (its id registers) before the driver touches it.
 */
#ifndef KAAL_DRIVER_PL061_H
#define KAAL_DRIVER_PL061_H

#include <stdbool.h>

#include <kaal/mmio.h>
#include <kaal/status.h>

enum kaal_pl061_edge { KAAL_PL061_RISING = 1, KAAL_PL061_FALLING = 2, KAAL_PL061_BOTH = 3 };

struct kaal_pl061 {
	struct kaal_mmio regs;
	uint64_t edges;    /* edges reported */
	uint64_t spurious; /* interrupts with nothing pending */
};

/*
 * Take the controller at regs: every pin an input, no interrupts.
 * KAAL_INVALID_ARGUMENT for a region smaller than the registers;
 * KAAL_DEVICE_FAULT when the id registers do not say PL061.
 */
kaal_status kaal_pl061_init(struct kaal_pl061 *g, const struct kaal_mmio *regs);

/* Make pin an output at level (no longer watched), or an input. */
kaal_status kaal_pl061_output(struct kaal_pl061 *g, unsigned pin, bool level);
kaal_status kaal_pl061_input(struct kaal_pl061 *g, unsigned pin);

/* Every pin's level, a bit per pin. */
kaal_status kaal_pl061_read(struct kaal_pl061 *g, uint8_t *levels);

/* Interrupt on these edges of input pin (KAAL_INVALID_ARGUMENT for an output), or stop. */
kaal_status kaal_pl061_watch(struct kaal_pl061 *g, unsigned pin, enum kaal_pl061_edge edge);
kaal_status kaal_pl061_unwatch(struct kaal_pl061 *g, unsigned pin);

/* The device interrupted: *pins gets a bit per pin whose watched edge came (then cleared). */
kaal_status kaal_pl061_interrupt(struct kaal_pl061 *g, uint8_t *pins);

#endif
