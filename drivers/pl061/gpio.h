/*
 * The GPIO driver process (gpio_driver.c): its description for the driver
 * kit and its client protocol. A client reads every pin, drives a pin as
 * an output, or waits for an edge on an input: that reply comes when the
 * edge does (QEMU virt's power button is pin 3, KAAL_GPIO_POWER_BUTTON).
 */
#ifndef KAAL_DRIVER_GPIO_H
#define KAAL_DRIVER_GPIO_H

#include <kaal/driver.h>

#define KAAL_GPIO_PINS         8u
#define KAAL_GPIO_POWER_BUTTON 3u

enum kaal_gpio_op {
	KAAL_GPIO_READ = 1,     /* reply levels: a bit per pin */
	KAAL_GPIO_WRITE = 2,    /* pin, level: the pin becomes an output at that level */
	KAAL_GPIO_WAIT_EDGE = 3 /* pin, edge (enum kaal_pl061_edge): reply when it comes */
};

struct kaal_gpio_request {
	uint32_t op; /* enum kaal_gpio_op */
	uint32_t pin;
	uint32_t level; /* WRITE: 0 or 1; WAIT_EDGE: 1 rising, 2 falling, 3 both */
	uint32_t pad;
};

struct kaal_gpio_reply {
	uint32_t op;
	int32_t status;  /* kaal_status */
	uint32_t levels; /* READ: every pin; WAIT_EDGE: the pins whose edge came */
	uint32_t pad;
};

_Static_assert(sizeof(struct kaal_gpio_request) == 16, "gpio request size");
_Static_assert(sizeof(struct kaal_gpio_reply) == 16, "gpio reply size");

#define KAAL_GPIO_CLIENTS  2u
#define KAAL_GPIO_PRIORITY 200u

static const struct kaal_driver_desc kaal_gpio_driver = {
    .program = "gpio",
    .device = KAAL_DEVICE_GPIO,
    .clients = KAAL_GPIO_CLIENTS,
    .request_size = sizeof(struct kaal_gpio_request),
    .reply_size = sizeof(struct kaal_gpio_reply),
    .ring_capacity = 8,
    .priority = KAAL_GPIO_PRIORITY,
};

#endif
