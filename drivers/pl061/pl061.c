/* PL061 driver core: pins are changed through the DATA window one bit at a time. */
#include "pl061.h"

#include "pl061_regs.h"

static uint32_t rd(const struct kaal_pl061 *g, uint32_t reg)
{
	return kaal_mmio_read32(&g->regs, reg);
}

static void wr(const struct kaal_pl061 *g, uint32_t reg, uint32_t value)
{
	kaal_mmio_write32(&g->regs, reg, value);
}

/* Set or clear bit in a register by reading it first. */
static void update(const struct kaal_pl061 *g, uint32_t reg, uint32_t bit, bool on)
{
	uint32_t v = rd(g, reg) & PL061_ALL_PINS;
	wr(g, reg, on ? v | bit : v & ~bit);
}

kaal_status kaal_pl061_init(struct kaal_pl061 *g, const struct kaal_mmio *regs)
{
	if (!g || !regs || regs->size < PL061_REGS || (!regs->model && !regs->base))
		return KAAL_INVALID_ARGUMENT;
	static const uint8_t id[KAAL_PRIMECELL_ID_COUNT] = PL061_ID_BYTES;
	if (!kaal_mmio_primecell_is(regs, PL061_ID, id))
		return KAAL_DEVICE_FAULT;
	*g = (struct kaal_pl061){.regs = *regs};
	wr(g, PL061_IE, 0);
	wr(g, PL061_DIR, 0);
	wr(g, PL061_AFSEL, 0);
	wr(g, PL061_IS, 0);
	wr(g, PL061_IBE, 0);
	wr(g, PL061_IC, PL061_ALL_PINS);
	return KAAL_OK;
}

kaal_status kaal_pl061_output(struct kaal_pl061 *g, unsigned pin, bool level)
{
	if (!g || pin >= PL061_PINS)
		return KAAL_INVALID_ARGUMENT;
	uint32_t bit = 1u << pin;
	update(g, PL061_IE, bit, false);
	/* An output first: a DATA write reaches only pins that are outputs already. */
	update(g, PL061_DIR, bit, true);
	wr(g, PL061_DATA + (bit << PL061_DATA_SHIFT), level ? bit : 0);
	return KAAL_OK;
}

kaal_status kaal_pl061_input(struct kaal_pl061 *g, unsigned pin)
{
	if (!g || pin >= PL061_PINS)
		return KAAL_INVALID_ARGUMENT;
	update(g, PL061_DIR, 1u << pin, false);
	return KAAL_OK;
}

kaal_status kaal_pl061_read(struct kaal_pl061 *g, uint8_t *levels)
{
	if (!g || !levels)
		return KAAL_INVALID_ARGUMENT;
	*levels = (uint8_t)(rd(g, PL061_DATA_ALL) & PL061_ALL_PINS);
	return KAAL_OK;
}

kaal_status kaal_pl061_watch(struct kaal_pl061 *g, unsigned pin, enum kaal_pl061_edge edge)
{
	if (!g || pin >= PL061_PINS ||
	    (edge != KAAL_PL061_RISING && edge != KAAL_PL061_FALLING && edge != KAAL_PL061_BOTH))
		return KAAL_INVALID_ARGUMENT;
	uint32_t bit = 1u << pin;
	if (rd(g, PL061_DIR) & bit)
		return KAAL_INVALID_ARGUMENT;
	update(g, PL061_IE, bit, false);
	update(g, PL061_IS, bit, false);
	update(g, PL061_IBE, bit, edge == KAAL_PL061_BOTH);
	update(g, PL061_IEV, bit, edge == KAAL_PL061_RISING);
	/* An edge from before the watch is not one the client asked for. */
	wr(g, PL061_IC, bit);
	update(g, PL061_IE, bit, true);
	return KAAL_OK;
}

kaal_status kaal_pl061_unwatch(struct kaal_pl061 *g, unsigned pin)
{
	if (!g || pin >= PL061_PINS)
		return KAAL_INVALID_ARGUMENT;
	update(g, PL061_IE, 1u << pin, false);
	wr(g, PL061_IC, 1u << pin);
	return KAAL_OK;
}

kaal_status kaal_pl061_interrupt(struct kaal_pl061 *g, uint8_t *pins)
{
	if (!g || !pins)
		return KAAL_INVALID_ARGUMENT;
	uint32_t mis = rd(g, PL061_MIS) & PL061_ALL_PINS;
	*pins = (uint8_t)mis;
	if (mis == 0) {
		g->spurious++;
		return KAAL_OK;
	}
	wr(g, PL061_IC, mis);
	for (uint32_t bits = mis; bits; bits &= bits - 1)
		g->edges++;
	return KAAL_OK;
}
