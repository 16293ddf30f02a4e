/*
 * Device registers as a driver sees them: 32-bit reads and writes at an
 * offset into a region. The region is either real MMIO (mapped device
 * frames on aarch64) or a register-level device model (a host test), so
 * one driver source runs on both; a driver never knows which.
 */
#ifndef KAAL_MMIO_H
#define KAAL_MMIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A device model: what a read or a write of each register does. */
struct kaal_mmio_model {
	uint32_t (*read32)(void *device, uint32_t offset);
	void (*write32)(void *device, uint32_t offset, uint32_t value);
	void *device;
};

struct kaal_mmio {
	volatile uint8_t *base;              /* mapped registers; unused with a model */
	const struct kaal_mmio_model *model; /* NULL: real MMIO at base */
	uint32_t size;                       /* bytes of registers */
};

/* Real registers mapped at base, or a model of size bytes of them. */
static inline struct kaal_mmio kaal_mmio_mapped(volatile void *base, uint32_t size)
{
	struct kaal_mmio m = {(volatile uint8_t *)base, NULL, size};
	return m;
}

static inline struct kaal_mmio kaal_mmio_modelled(const struct kaal_mmio_model *model,
                                                  uint32_t size)
{
	struct kaal_mmio m = {NULL, model, size};
	return m;
}

/* Whether a 32-bit register at offset lies within the region, aligned as the bus needs. */
static inline bool kaal_mmio_valid(const struct kaal_mmio *m, uint32_t offset)
{
	return m->size >= sizeof(uint32_t) && offset <= m->size - sizeof(uint32_t) &&
	       offset % sizeof(uint32_t) == 0;
}

/* Offsets outside the region, or unaligned, read as all ones and are not written. */
static inline uint32_t kaal_mmio_read32(const struct kaal_mmio *m, uint32_t offset)
{
	if (!kaal_mmio_valid(m, offset))
		return UINT32_MAX;
	if (m->model)
		return m->model->read32(m->model->device, offset);
	return *(volatile uint32_t *)(m->base + offset);
}

static inline void kaal_mmio_write32(const struct kaal_mmio *m, uint32_t offset, uint32_t value)
{
	if (!kaal_mmio_valid(m, offset))
		return;
	if (m->model)
		m->model->write32(m->model->device, offset, value);
	else
		*(volatile uint32_t *)(m->base + offset) = value;
}

#define KAAL_PRIMECELL_ID_COUNT 8u    /* peripheral ids 0-3, then PrimeCell ids 0-3 */
#define KAAL_PRIMECELL_REVISION 0xF0u /* the revision bits of peripheral id 2 */

/*
 * Whether the eight id registers from offset (one byte in each) say id:
 * how an ARM PrimeCell device says what it is. The revision is not
 * compared: devices of one part differ in it.
 */
static inline bool kaal_mmio_primecell_is(const struct kaal_mmio *m, uint32_t offset,
                                          const uint8_t id[KAAL_PRIMECELL_ID_COUNT])
{
	for (uint32_t i = 0; i < KAAL_PRIMECELL_ID_COUNT; i++) {
		uint32_t mask = i == 2 ? 0xFFu & ~KAAL_PRIMECELL_REVISION : 0xFFu;
		uint32_t got = kaal_mmio_read32(m, offset + (uint32_t)sizeof(uint32_t) * i);
		if ((got & mask) != (id[i] & mask))
			return false;
	}
	return true;
}

#endif
