/* IRQ handlers: an interrupt delivered as a signal on a notification. */
#ifndef KAAL_CORE_IRQ_H
#define KAAL_CORE_IRQ_H

#include "kernel.h"
#include "object.h"

void irq_reset(void);
/* KAAL_BUSY when irq is bound to another notification or badge already. */
kaal_status irq_set_notification(uint32_t irq, struct notification *n, kaal_word badge);
/* irq signals nothing until it is bound again (a pending interrupt stays masked until acked). */
void irq_clear(uint32_t irq);
void irq_ack(uint32_t irq);
void irq_destroy_handler(uint32_t irq);
void irq_forget_notification(struct notification *n);

#endif
