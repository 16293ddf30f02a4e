/* PL061 model: edges detected on the inputs as the world changes them; levels kept up to date. */
#include "pl061_model.h"

#include <string.h>

#include "pl061/pl061_regs.h"

uint8_t pl061_model_levels(const struct pl061_model *m)
{
	return (uint8_t)((m->out & m->dir) | (m->outside & ~m->dir));
}

/* Level-sensitive pins follow their level; edge-sensitive ones keep what came. */
static void update(struct pl061_model *m)
{
	uint8_t levels = pl061_model_levels(m);
	uint8_t matching = (uint8_t) ~(levels ^ m->iev);
	m->ris = (uint8_t)((m->ris & ~m->is) | (matching & m->is));
	m->line = (m->ris & m->ie) != 0;
}

static uint32_t model_read(void *device, uint32_t offset)
{
	struct pl061_model *m = device;
	static const uint8_t id[KAAL_PRIMECELL_ID_COUNT] = PL061_ID_BYTES;
	if (offset >= PL061_ID && offset < PL061_ID + 4u * KAAL_PRIMECELL_ID_COUNT)
		return m->garbage_id ? 0x5Au : id[(offset - PL061_ID) / 4u];
	if (offset <= PL061_DATA_ALL)
		return pl061_model_levels(m) & (offset >> PL061_DATA_SHIFT);
	switch (offset) {
	case PL061_DIR:
		return m->dir;
	case PL061_IS:
		return m->is;
	case PL061_IBE:
		return m->ibe;
	case PL061_IEV:
		return m->iev;
	case PL061_IE:
		return m->ie;
	case PL061_RIS:
		return m->ris;
	case PL061_MIS:
		return m->ris & m->ie;
	case PL061_AFSEL:
		return m->afsel;
	default:
		return 0;
	}
}

static void model_write(void *device, uint32_t offset, uint32_t value)
{
	struct pl061_model *m = device;
	uint8_t v = (uint8_t)value;
	if (offset <= PL061_DATA_ALL) {
		/* Only pins that are outputs take the write, as on the device. */
		uint8_t mask = (uint8_t)((offset >> PL061_DATA_SHIFT) & m->dir);
		m->out = (uint8_t)((m->out & ~mask) | (v & mask));
	} else {
		switch (offset) {
		case PL061_DIR:
			m->dir = v;
			break;
		case PL061_IS:
			m->is = v;
			break;
		case PL061_IBE:
			m->ibe = v;
			break;
		case PL061_IEV:
			m->iev = v;
			break;
		case PL061_IE:
			m->ie = v;
			break;
		case PL061_IC:
			m->ris &= (uint8_t)~v;
			break;
		case PL061_AFSEL:
			m->afsel = v;
			break;
		default:
			break;
		}
	}
	update(m);
}

void pl061_model_init(struct pl061_model *m)
{
	memset(m, 0, sizeof(*m));
	m->mmio = (struct kaal_mmio_model){model_read, model_write, m};
}

struct kaal_mmio pl061_model_regs(struct pl061_model *m)
{
	return kaal_mmio_modelled(&m->mmio, PL061_REGS);
}

void pl061_model_drive(struct pl061_model *m, unsigned pin, bool level)
{
	uint8_t bit = (uint8_t)(1u << pin);
	uint8_t before = pl061_model_levels(m);
	m->outside = level ? (uint8_t)(m->outside | bit) : (uint8_t)(m->outside & ~bit);
	uint8_t after = pl061_model_levels(m);
	if ((before ^ after) & bit & ~m->is) {
		bool rising = (after & bit) != 0;
		bool wanted = (m->ibe & bit) || (rising == ((m->iev & bit) != 0));
		if (wanted)
			m->ris |= bit;
	}
	update(m);
}
