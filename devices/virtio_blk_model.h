/*
 * A model of a virtio block device behind a virtio-mmio (version 2)
 * transport for host tests, its disk a file. The driver's queue is read and
 * its data moved through the host's DMA (kaal_host_dma_read/write); a
 * request is carried out when the driver notifies, and its completion
 * raised as an edge interrupt. Faults a test can inject: an I/O error, a
 * request that never completes, a power cut in the middle of a write (half
 * its sectors land, then nothing does), a legacy transport, and a batch
 * size that holds requests until several are offered at once.
 */
#ifndef KAAL_VIRTIO_BLK_MODEL_H
#define KAAL_VIRTIO_BLK_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#include <kaal/atomic.h>
#include <kaal/mmio.h>
#include <kaal/types.h>

/*
 * The fields a test sets or reads while the driver runs are atomic: the
 * test's order with the driver passes through rings seen in two mappings
 * of one frame, which ThreadSanitizer cannot follow (docs/testing.md).
 */
struct virtio_blk_model {
	int fd;           /* the disk */
	uint64_t sectors; /* its capacity */
	uint32_t irq;
	kaal_atomic_u32 version; /* the transport's: 2, or 1 to play a legacy one */
	/* Transport state as the driver set it. */
	kaal_atomic_u32 status, queue_ready;
	uint32_t device_features_sel, driver_features_sel, queue_num;
	kaal_atomic_u64 driver_features;
	uint64_t desc, avail, used;
	uint16_t last_avail, used_idx;
	uint32_t interrupt_status;
	/* Faults: request numbers count from 1, 0 is none. */
	kaal_atomic_u32 fail_request;  /* this request ends with an I/O error */
	kaal_atomic_u32 stall_request; /* this request never completes */
	kaal_atomic_u32 cut_at_write;  /* the power fails during this write */
	kaal_atomic_u32 batch; /* take requests only once this many wait (0 or 1: each at once) */
	kaal_atomic_u32 powered_off; /* 1 once the power failed */
	/* What the device did. */
	kaal_atomic_u32 requests, writes, flushes;
	uint32_t bad_chains;
	struct kaal_mmio_model mmio;
};

void virtio_blk_model_init(struct virtio_blk_model *m, int fd, uint64_t sectors, uint32_t irq);
struct kaal_mmio virtio_blk_model_regs(struct virtio_blk_model *m);

#endif
