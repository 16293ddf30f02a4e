/* PL031 driver core. */
#include "pl031.h"

#include "pl031_regs.h"

kaal_status kaal_pl031_init(struct kaal_pl031 *c, const struct kaal_mmio *regs)
{
	if (!c || !regs || regs->size < PL031_REGS || (!regs->model && !regs->base))
		return KAAL_INVALID_ARGUMENT;
	static const uint8_t id[KAAL_PRIMECELL_ID_COUNT] = PL031_ID_BYTES;
	if (!kaal_mmio_primecell_is(regs, PL031_ID, id))
		return KAAL_DEVICE_FAULT;
	*c = (struct kaal_pl031){.regs = *regs};
	kaal_mmio_write32(regs, PL031_IMSC, 0);
	kaal_mmio_write32(regs, PL031_ICR, PL031_INT);
	kaal_mmio_write32(regs, PL031_CR, PL031_CR_START);
	return KAAL_OK;
}

kaal_status kaal_pl031_time(struct kaal_pl031 *c, uint32_t *seconds)
{
	if (!c || !seconds)
		return KAAL_INVALID_ARGUMENT;
	*seconds = kaal_mmio_read32(&c->regs, PL031_DR);
	return KAAL_OK;
}

kaal_status kaal_pl031_set_time(struct kaal_pl031 *c, uint32_t seconds)
{
	if (!c)
		return KAAL_INVALID_ARGUMENT;
	kaal_mmio_write32(&c->regs, PL031_LR, seconds);
	return KAAL_OK;
}

kaal_status kaal_pl031_set_alarm(struct kaal_pl031 *c, uint32_t at)
{
	if (!c || at <= kaal_mmio_read32(&c->regs, PL031_DR))
		return KAAL_INVALID_ARGUMENT;
	kaal_mmio_write32(&c->regs, PL031_MR, at);
	kaal_mmio_write32(&c->regs, PL031_ICR, PL031_INT);
	kaal_mmio_write32(&c->regs, PL031_IMSC, PL031_INT);
	c->alarm_set = true;
	return KAAL_OK;
}

kaal_status kaal_pl031_interrupt(struct kaal_pl031 *c, bool *fired)
{
	if (!c || !fired)
		return KAAL_INVALID_ARGUMENT;
	*fired = (kaal_mmio_read32(&c->regs, PL031_MIS) & PL031_INT) != 0;
	if (!*fired) {
		c->spurious++;
		return KAAL_OK;
	}
	/* One shot: masked until the next alarm is set. */
	kaal_mmio_write32(&c->regs, PL031_IMSC, 0);
	kaal_mmio_write32(&c->regs, PL031_ICR, PL031_INT);
	c->alarm_set = false;
	c->alarms++;
	return KAAL_OK;
}
