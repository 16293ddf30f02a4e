/*
 * The virtio block driver's core (virtio_blk.h). The DMA page is laid out
 * once: descriptor table, avail ring, used ring (each aligned as the
 * transport asks), then a header and a status byte per slot. Slot s owns
 * descriptors 3s, 3s+1 and 3s+2 for good, so a used-ring entry names a
 * slot by its head and a free slot never needs a free list.
 */
#include <string.h>

#include <kaal/atomic.h>

#include "virtio_blk.h"

#define DESC_OFFSET   0u
#define AVAIL_OFFSET  1024u /* after 64 descriptors of 16 bytes */
#define USED_OFFSET   2048u /* 4-aligned; 4 + 8 * 64 + 2 bytes */
#define HEADER_OFFSET 2688u /* 16 bytes a slot */
#define STATUS_OFFSET 3072u /* a byte a slot */
#define NO_STATUS     0xFFu /* what a status byte holds until the device writes it */

_Static_assert(AVAIL_OFFSET >= KAAL_VIRTIO_BLK_QUEUE_MAX * sizeof(struct virtq_desc),
               "descriptors end before the avail ring");
_Static_assert(USED_OFFSET >= AVAIL_OFFSET + sizeof(struct virtq_avail) +
                                  KAAL_VIRTIO_BLK_QUEUE_MAX * sizeof(uint16_t) + sizeof(uint16_t),
               "avail ring ends before the used ring");
_Static_assert(HEADER_OFFSET >= USED_OFFSET + sizeof(struct virtq_used) +
                                    KAAL_VIRTIO_BLK_QUEUE_MAX * sizeof(struct virtq_used_elem) +
                                    sizeof(uint16_t),
               "used ring ends before the headers");
_Static_assert(STATUS_OFFSET >=
                   HEADER_OFFSET + KAAL_VIRTIO_BLK_SLOTS * sizeof(struct virtio_blk_req_header),
               "headers end before the status bytes");
_Static_assert(STATUS_OFFSET + KAAL_VIRTIO_BLK_SLOTS <= KAAL_VIRTIO_BLK_DMA_BYTES,
               "the layout fits the DMA page");

static uint32_t reg(const struct kaal_virtio_blk *b, uint32_t offset)
{
	return kaal_mmio_read32(&b->regs, offset);
}

static void set_reg(const struct kaal_virtio_blk *b, uint32_t offset, uint32_t value)
{
	kaal_mmio_write32(&b->regs, offset, value);
}

static void set_reg64(const struct kaal_virtio_blk *b, uint32_t low, uint64_t value)
{
	set_reg(b, low, (uint32_t)value);
	set_reg(b, low + (uint32_t)sizeof(uint32_t), (uint32_t)(value >> 32));
}

static struct virtq_desc *descs(const struct kaal_virtio_blk *b)
{
	return (struct virtq_desc *)(b->dma + DESC_OFFSET);
}

static struct virtq_avail *avail(const struct kaal_virtio_blk *b)
{
	return (struct virtq_avail *)(b->dma + AVAIL_OFFSET);
}

static volatile struct virtq_used *used(const struct kaal_virtio_blk *b)
{
	return (volatile struct virtq_used *)(b->dma + USED_OFFSET);
}

static struct virtio_blk_req_header *header(const struct kaal_virtio_blk *b, uint32_t slot)
{
	return (struct virtio_blk_req_header *)(b->dma + HEADER_OFFSET) + slot;
}

static volatile uint8_t *status_byte(const struct kaal_virtio_blk *b, uint32_t slot)
{
	return b->dma + STATUS_OFFSET + slot;
}

/* The device's 64-bit capacity, read again while its configuration changes under the read. */
static uint64_t read_capacity(const struct kaal_virtio_blk *b)
{
	enum { TRIES = 4 };
	uint32_t offset = VIRTIO_MMIO_CONFIG + VIRTIO_BLK_CONFIG_CAPACITY;
	uint64_t capacity = 0;
	for (unsigned i = 0; i < TRIES; i++) {
		uint32_t generation = reg(b, VIRTIO_MMIO_CONFIG_GENERATION);
		capacity = reg(b, offset) | (uint64_t)reg(b, offset + 4) << 32;
		if (reg(b, VIRTIO_MMIO_CONFIG_GENERATION) == generation)
			break;
	}
	return capacity;
}

static kaal_status fail(struct kaal_virtio_blk *b)
{
	set_reg(b, VIRTIO_MMIO_STATUS, reg(b, VIRTIO_MMIO_STATUS) | VIRTIO_STATUS_FAILED);
	return KAAL_DEVICE_FAULT;
}

/* Features: version 1 is required, flush taken when offered, nothing else. */
static kaal_status negotiate(struct kaal_virtio_blk *b)
{
	set_reg(b, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	uint64_t offered = reg(b, VIRTIO_MMIO_DEVICE_FEATURES);
	set_reg(b, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
	offered |= (uint64_t)reg(b, VIRTIO_MMIO_DEVICE_FEATURES) << 32;
	const uint64_t version_1 = UINT64_C(1) << VIRTIO_F_VERSION_1;
	const uint64_t flush = UINT64_C(1) << VIRTIO_BLK_F_FLUSH;
	if (!(offered & version_1))
		return fail(b);
	uint64_t taken = version_1 | (offered & flush);
	for (uint32_t half = 0; half < 2; half++) {
		set_reg(b, VIRTIO_MMIO_DRIVER_FEATURES_SEL, half);
		set_reg(b, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)(taken >> (32 * half)));
	}
	set_reg(b, VIRTIO_MMIO_STATUS, reg(b, VIRTIO_MMIO_STATUS) | VIRTIO_STATUS_FEATURES_OK);
	if (!(reg(b, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK))
		return fail(b);
	b->flush = (taken & flush) != 0;
	return KAAL_OK;
}

/* Queue 0 in the DMA page: the largest power of two the device allows, up to the layout's. */
static kaal_status setup_queue(struct kaal_virtio_blk *b)
{
	set_reg(b, VIRTIO_MMIO_QUEUE_SEL, 0);
	if (reg(b, VIRTIO_MMIO_QUEUE_READY) != 0)
		return fail(b);
	uint32_t max = reg(b, VIRTIO_MMIO_QUEUE_NUM_MAX);
	uint32_t size = KAAL_VIRTIO_BLK_QUEUE_MAX;
	while (size > max)
		size /= 2;
	if (size < KAAL_VIRTIO_BLK_DESCS)
		return fail(b);
	b->queue_size = (uint16_t)size;
	b->slots = size / KAAL_VIRTIO_BLK_DESCS;
	memset(b->dma, 0, KAAL_VIRTIO_BLK_DMA_BYTES);
	set_reg(b, VIRTIO_MMIO_QUEUE_NUM, size);
	set_reg64(b, VIRTIO_MMIO_QUEUE_DESC_LOW, b->dma_phys + DESC_OFFSET);
	set_reg64(b, VIRTIO_MMIO_QUEUE_DRIVER_LOW, b->dma_phys + AVAIL_OFFSET);
	set_reg64(b, VIRTIO_MMIO_QUEUE_DEVICE_LOW, b->dma_phys + USED_OFFSET);
	set_reg(b, VIRTIO_MMIO_QUEUE_READY, 1);
	return KAAL_OK;
}

kaal_status kaal_virtio_blk_init(struct kaal_virtio_blk *b, const struct kaal_mmio *regs, void *dma,
                                 kaal_paddr dma_phys, uint32_t dma_bytes)
{
	if (!b || !regs || !dma || dma_bytes < KAAL_VIRTIO_BLK_DMA_BYTES ||
	    !kaal_mmio_valid(regs, VIRTIO_MMIO_CONFIG + VIRTIO_BLK_CONFIG_CAPACITY + 4))
		return KAAL_INVALID_ARGUMENT;
	*b = (struct kaal_virtio_blk){.regs = *regs, .dma = dma, .dma_phys = dma_phys};
	/* Nothing is written to a device that does not say what it is. */
	if (reg(b, VIRTIO_MMIO_MAGIC_VALUE) != VIRTIO_MAGIC ||
	    reg(b, VIRTIO_MMIO_VERSION) != VIRTIO_MMIO_MODERN ||
	    reg(b, VIRTIO_MMIO_DEVICE_ID) != VIRTIO_ID_BLOCK)
		return KAAL_DEVICE_FAULT;
	set_reg(b, VIRTIO_MMIO_STATUS, 0); /* reset */
	if (reg(b, VIRTIO_MMIO_STATUS) != 0)
		return KAAL_DEVICE_FAULT;
	set_reg(b, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE);
	set_reg(b, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	kaal_status st = negotiate(b);
	if (st == KAAL_OK)
		st = setup_queue(b);
	if (st != KAAL_OK)
		return st;
	b->capacity = read_capacity(b);
	set_reg(b, VIRTIO_MMIO_STATUS, reg(b, VIRTIO_MMIO_STATUS) | VIRTIO_STATUS_DRIVER_OK);
	if (reg(b, VIRTIO_MMIO_STATUS) & (VIRTIO_STATUS_NEEDS_RESET | VIRTIO_STATUS_FAILED))
		return KAAL_DEVICE_FAULT;
	return KAAL_OK;
}

static bool request_valid(const struct kaal_virtio_blk *b, uint32_t type, uint64_t sector,
                          uint32_t bytes)
{
	if (type == VIRTIO_BLK_T_FLUSH)
		return bytes == 0;
	if (type != VIRTIO_BLK_T_IN && type != VIRTIO_BLK_T_OUT)
		return false;
	uint64_t sectors = bytes / VIRTIO_BLK_SECTOR_BYTES;
	return bytes != 0 && bytes % VIRTIO_BLK_SECTOR_BYTES == 0 && sector < b->capacity &&
	       sectors <= b->capacity - sector;
}

kaal_status kaal_virtio_blk_submit(struct kaal_virtio_blk *b, uint32_t type, uint64_t sector,
                                   kaal_paddr data, uint32_t bytes, uint32_t *slot)
{
	if (!b || !slot || !request_valid(b, type, sector, bytes))
		return KAAL_INVALID_ARGUMENT;
	uint32_t s = 0;
	while (s < b->slots && b->in_flight[s])
		s++;
	if (s == b->slots)
		return KAAL_BUSY;
	*header(b, s) =
	    (struct virtio_blk_req_header){type, 0, type == VIRTIO_BLK_T_FLUSH ? 0 : sector};
	*status_byte(b, s) = NO_STATUS;
	uint16_t head = (uint16_t)(s * KAAL_VIRTIO_BLK_DESCS), last = (uint16_t)(head + 2);
	struct virtq_desc *d = descs(b);
	d[head] = (struct virtq_desc){
	    b->dma_phys + HEADER_OFFSET + s * sizeof(struct virtio_blk_req_header),
	    sizeof(struct virtio_blk_req_header), VIRTQ_DESC_F_NEXT, last};
	if (bytes) {
		/* A read is the device writing the data. */
		uint16_t flags = (uint16_t)(VIRTQ_DESC_F_NEXT |
		                            (type == VIRTIO_BLK_T_IN ? VIRTQ_DESC_F_WRITE : 0));
		d[head].next = (uint16_t)(head + 1);
		d[head + 1] = (struct virtq_desc){data, bytes, flags, last};
	}
	d[last] = (struct virtq_desc){b->dma_phys + STATUS_OFFSET + s, 1, VIRTQ_DESC_F_WRITE, 0};
	struct virtq_avail *a = avail(b);
	a->ring[b->avail_idx % b->queue_size] = head;
	/* The chain and its ring entry are in memory before the index that offers them. */
	kaal_atomic_fence(KAAL_SEQ_CST);
	b->avail_idx++;
	*(volatile uint16_t *)&a->idx = b->avail_idx;
	/* The index is in memory before the device is told to look. */
	kaal_atomic_fence(KAAL_SEQ_CST);
	b->in_flight[s] = true;
	b->busy++;
	if (b->busy > b->most_busy)
		b->most_busy = b->busy;
	set_reg(b, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	*slot = s;
	return KAAL_OK;
}

bool kaal_virtio_blk_complete(struct kaal_virtio_blk *b, uint32_t *slot, kaal_status *outcome)
{
	volatile struct virtq_used *u = used(b);
	while (b->used_seen != u->idx) {
		/* The entry is read only after the index that published it. */
		kaal_atomic_fence(KAAL_SEQ_CST);
		uint32_t id = u->ring[b->used_seen % b->queue_size].id;
		b->used_seen++;
		uint32_t s = id / KAAL_VIRTIO_BLK_DESCS;
		if (id % KAAL_VIRTIO_BLK_DESCS != 0 || s >= b->slots || !b->in_flight[s]) {
			b->bogus_used++;
			continue;
		}
		b->in_flight[s] = false;
		b->busy--;
		*slot = s;
		*outcome = *status_byte(b, s) == VIRTIO_BLK_S_OK ? KAAL_OK : KAAL_DEVICE_FAULT;
		return true;
	}
	return false;
}

void kaal_virtio_blk_interrupt(struct kaal_virtio_blk *b)
{
	uint32_t pending = reg(b, VIRTIO_MMIO_INTERRUPT_STATUS);
	if (pending)
		set_reg(b, VIRTIO_MMIO_INTERRUPT_ACK, pending);
}
