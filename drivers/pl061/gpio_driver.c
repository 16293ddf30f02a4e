/*
 * The GPIO driver process: the PL061 core (pl061.c) behind the driver kit.
 * A client's wait for an edge stays in the driver, with its pin watched,
 * until the interrupt says the edge came.
 */
#include "gpio.h"
#include "pl061.h"

#define NO_PIN UINT32_MAX

struct gpio {
	struct kaal_pl061 pins;
	uint32_t waiting_pin[KAAL_GPIO_CLIENTS]; /* NO_PIN: the client waits for nothing */
};

static kaal_status gpio_init(struct kaal_driver_context *ctx)
{
	struct gpio *g = ctx->driver;
	for (unsigned c = 0; c < KAAL_GPIO_CLIENTS; c++)
		g->waiting_pin[c] = NO_PIN;
	return kaal_pl061_init(&g->pins, &ctx->regs);
}

static void gpio_interrupt(struct kaal_driver_context *ctx)
{
	struct gpio *g = ctx->driver;
	uint8_t came = 0;
	if (kaal_pl061_interrupt(&g->pins, &came) != KAAL_OK || came == 0)
		return;
	for (unsigned c = 0; c < KAAL_GPIO_CLIENTS; c++) {
		uint32_t pin = g->waiting_pin[c];
		if (pin == NO_PIN || !(came & (1u << pin)))
			continue;
		/* One edge per wait: the next wait watches again. */
		kaal_pl061_unwatch(&g->pins, pin);
		g->waiting_pin[c] = NO_PIN;
		struct kaal_gpio_reply a = {KAAL_GPIO_WAIT_EDGE, KAAL_OK, came, 0};
		kaal_driver_reply(ctx, c, &a);
	}
}

static bool pin_taken(const struct gpio *g, uint32_t pin)
{
	for (unsigned c = 0; c < KAAL_GPIO_CLIENTS; c++)
		if (g->waiting_pin[c] == pin)
			return true;
	return false;
}

static bool gpio_request(struct kaal_driver_context *ctx, unsigned client, const void *request,
                         void *reply)
{
	struct gpio *g = ctx->driver;
	const struct kaal_gpio_request *q = request;
	struct kaal_gpio_reply *a = reply;
	a->op = q->op;
	uint8_t levels = 0;
	if (q->op != KAAL_GPIO_READ && q->pin >= KAAL_GPIO_PINS) {
		a->status = KAAL_INVALID_ARGUMENT;
		return true;
	}
	switch (q->op) {
	case KAAL_GPIO_READ:
		a->status = kaal_pl061_read(&g->pins, &levels);
		a->levels = levels;
		return true;
	case KAAL_GPIO_WRITE:
		/* A pin another client waits on stays an input. */
		a->status = q->level > 1 ? KAAL_INVALID_ARGUMENT
		            : pin_taken(g, q->pin)
		                ? KAAL_BUSY
		                : kaal_pl061_output(&g->pins, q->pin, q->level != 0);
		return true;
	case KAAL_GPIO_WAIT_EDGE:
		if (g->waiting_pin[client] != NO_PIN || pin_taken(g, q->pin)) {
			a->status = KAAL_BUSY;
			return true;
		}
		a->status = q->level < KAAL_PL061_RISING || q->level > KAAL_PL061_BOTH
		                ? KAAL_INVALID_ARGUMENT
		                : kaal_pl061_input(&g->pins, q->pin);
		if (a->status == KAAL_OK)
			a->status =
			    kaal_pl061_watch(&g->pins, q->pin, (enum kaal_pl061_edge)q->level);
		if (a->status != KAAL_OK)
			return true;
		g->waiting_pin[client] = q->pin; /* the reply comes with the edge */
		return false;
	default:
		a->status = KAAL_INVALID_ARGUMENT;
		return true;
	}
}

static int gpio_main(const struct kaal_start_info *si)
{
	static const struct kaal_driver_ops ops = {gpio_init, gpio_interrupt, gpio_request};
	static struct gpio gpio;
	gpio = (struct gpio){0}; /* on the host, what an earlier start left stays */
	return kaal_driver_main(&kaal_gpio_driver, si, &ops, &gpio);
}

KAAL_PROGRAM(gpio, gpio_main)
