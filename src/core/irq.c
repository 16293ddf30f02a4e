/*
 * IRQ handlers. An interrupt with a notification set signals it with the
 * handler's badge and stays masked until the handler capability acks it.
 */
#include "irq.h"
#include "kernel.h"
#include "notification.h"

struct irq_route {
	struct notification *notification;
	kaal_word badge;
	bool pending; /* fired and not yet acknowledged */
};

static struct irq_route routes[KAAL_MAX_IRQS];

void irq_reset(void)
{
	kaal_zero(routes, sizeof(routes));
}

kaal_status irq_set_notification(uint32_t irq, struct notification *n, kaal_word badge)
{
	kaal_word bits = badge ? badge : KAAL_IRQ_UNBADGED_BITS;
	struct irq_route *r = &routes[irq];
	/* Bound once: another notification or badge needs irq_clear() first. */
	if (r->notification && (r->notification != n || r->badge != bits))
		return KAAL_BUSY;
	r->notification = n;
	r->badge = bits;
	return KAAL_OK;
}

void irq_clear(uint32_t irq)
{
	routes[irq].notification = NULL;
	routes[irq].badge = 0;
}

void irq_ack(uint32_t irq)
{
	routes[irq].pending = false;
	arch_irq_ack(irq);
}

void irq_destroy_handler(uint32_t irq)
{
	kaal_zero(&routes[irq], sizeof(routes[irq]));
}

void irq_forget_notification(struct notification *n)
{
	for (uint32_t i = 0; i < KAAL_MAX_IRQS; i++)
		if (routes[i].notification == n)
			routes[i].notification = NULL;
}

kaal_status kaal_kernel_irq(uint32_t irq)
{
	if (irq >= KAAL_MAX_IRQS)
		return KAAL_INVALID_ARGUMENT;
	struct irq_route *r = &routes[irq];
	if (!r->notification || r->pending)
		return KAAL_BUSY;
	r->pending = true;
	notification_signal(r->notification, r->badge);
	return KAAL_OK;
}
