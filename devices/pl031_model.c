/* PL031 model: the match interrupt is raised when the counter steps onto or past the match. */
#include "pl031_model.h"

#include <string.h>

#include "pl031/pl031_regs.h"

static void update_line(struct pl031_model *m)
{
	m->line = (m->ris & m->imsc & PL031_INT) != 0;
}

static uint32_t model_read(void *device, uint32_t offset)
{
	struct pl031_model *m = device;
	static const uint8_t id[KAAL_PRIMECELL_ID_COUNT] = PL031_ID_BYTES;
	if (offset >= PL031_ID && offset < PL031_ID + 4u * KAAL_PRIMECELL_ID_COUNT)
		return m->garbage_id ? 0xA5u : id[(offset - PL031_ID) / 4u];
	switch (offset) {
	case PL031_DR:
		return m->counter;
	case PL031_MR:
		return m->match;
	case PL031_CR:
		return m->cr;
	case PL031_IMSC:
		return m->imsc;
	case PL031_RIS:
		return m->ris;
	case PL031_MIS:
		return m->ris & m->imsc;
	default:
		return 0;
	}
}

static void model_write(void *device, uint32_t offset, uint32_t value)
{
	struct pl031_model *m = device;
	switch (offset) {
	case PL031_MR:
		m->match = value;
		break;
	case PL031_LR:
		m->counter = value;
		break;
	case PL031_CR:
		m->cr |= value & PL031_CR_START; /* once started, it runs */
		break;
	case PL031_IMSC:
		m->imsc = value & PL031_INT;
		break;
	case PL031_ICR:
		m->ris &= ~value;
		break;
	default:
		break;
	}
	update_line(m);
}

void pl031_model_init(struct pl031_model *m, uint32_t seconds)
{
	memset(m, 0, sizeof(*m));
	m->counter = seconds;
	m->mmio = (struct kaal_mmio_model){model_read, model_write, m};
}

struct kaal_mmio pl031_model_regs(struct pl031_model *m)
{
	return kaal_mmio_modelled(&m->mmio, PL031_REGS);
}

void pl031_model_advance(struct pl031_model *m, uint32_t seconds)
{
	if (!(m->cr & PL031_CR_START))
		return;
	uint32_t before = m->counter;
	m->counter += seconds;
	/* Onto or past the match in this step (the counter does not wrap in a test's lifetime). */
	if (before < m->match && m->counter >= m->match)
		m->ris |= PL031_INT;
	update_line(m);
}
