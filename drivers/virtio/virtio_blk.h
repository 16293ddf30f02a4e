/*
 * The virtio block driver's core: a virtio-mmio (version 2) transport with
 * one split virtqueue in a DMA buffer the driver alone holds, and requests
 * whose data the device reaches directly at physical addresses. Several
 * requests are in flight at once; each completes through the used ring.
 * The device must say it is a modern block device before anything is
 * written to it, and nothing it writes to the used ring is trusted.
 */
#ifndef KAAL_DRIVER_VIRTIO_BLK_H
#define KAAL_DRIVER_VIRTIO_BLK_H

#include <stdbool.h>

#include <kaal/mmio.h>
#include <kaal/status.h>
#include <kaal/types.h>

#include "virtio_regs.h"

#define KAAL_VIRTIO_BLK_QUEUE_MAX 64u /* descriptors of the queue at most */
#define KAAL_VIRTIO_BLK_DESCS     3u  /* header, data, status: one request */
#define KAAL_VIRTIO_BLK_SLOTS     (KAAL_VIRTIO_BLK_QUEUE_MAX / KAAL_VIRTIO_BLK_DESCS)
#define KAAL_VIRTIO_BLK_DMA_BYTES 4096u /* the queue, headers and status bytes fit a page */
#define KAAL_VIRTIO_BLK_NO_SLOT   UINT32_MAX

struct kaal_virtio_blk {
	struct kaal_mmio regs;
	uint8_t *dma; /* the driver's own page: queue, headers, status bytes */
	kaal_paddr dma_phys;
	uint16_t queue_size; /* descriptors */
	uint16_t avail_idx;  /* next entry of the avail ring this side writes */
	uint16_t used_seen;  /* entries of the used ring taken so far */
	uint32_t slots;      /* requests the queue holds at once */
	bool in_flight[KAAL_VIRTIO_BLK_SLOTS];
	uint32_t busy;       /* slots in flight now */
	uint32_t most_busy;  /* the most at once */
	uint64_t capacity;   /* sectors */
	bool flush;          /* the device has a volatile cache and flushes it */
	uint64_t bogus_used; /* used-ring entries that named no request in flight */
};

/*
 * Take the device at regs, with dma (dma_bytes at physical dma_phys, at
 * least KAAL_VIRTIO_BLK_DMA_BYTES) for its queue. KAAL_INVALID_ARGUMENT for
 * registers or a buffer too small; KAAL_DEVICE_FAULT when the registers do
 * not say modern virtio block device, it refuses the features, or its
 * queue cannot be set up (the device is then marked failed).
 */
kaal_status kaal_virtio_blk_init(struct kaal_virtio_blk *b, const struct kaal_mmio *regs, void *dma,
                                 kaal_paddr dma_phys, uint32_t dma_bytes);

/*
 * Offer a request: type VIRTIO_BLK_T_IN, _OUT or _FLUSH; data at physical
 * address data (bytes, a multiple of the sector size; none for a flush).
 * *slot names it until kaal_virtio_blk_complete() returns it. KAAL_BUSY
 * when every slot is in flight; KAAL_INVALID_ARGUMENT for a type, a length
 * or a sector range the device cannot take.
 */
kaal_status kaal_virtio_blk_submit(struct kaal_virtio_blk *b, uint32_t type, uint64_t sector,
                                   kaal_paddr data, uint32_t bytes, uint32_t *slot);

/*
 * The next finished request: true with its slot and outcome (KAAL_OK, or
 * KAAL_DEVICE_FAULT for an I/O error the device reported), false when the
 * used ring holds no more.
 */
bool kaal_virtio_blk_complete(struct kaal_virtio_blk *b, uint32_t *slot, kaal_status *outcome);

/* The device interrupted: acknowledge what it says (the used ring is read after). */
void kaal_virtio_blk_interrupt(struct kaal_virtio_blk *b);

#endif
