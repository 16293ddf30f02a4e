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

#include <kaal/mmio.h>
#include <kaal/types.h>

struct virtio_blk_model {
	int fd;           /* the disk */
	uint64_t sectors; /* its capacity */
	uint32_t irq;
	uint32_t version; /* the transport's: 2, or 1 to play a legacy one */
	/* Transport state as the driver set it. */
	uint32_t status, device_features_sel, driver_features_sel, queue_num, queue_ready;
	uint64_t driver_features, desc, avail, used;
	uint16_t last_avail, used_idx;
	uint32_t interrupt_status;
	/* Faults: request numbers count from 1, 0 is none. */
	uint32_t fail_request;  /* this request ends with an I/O error */
	uint32_t stall_request; /* this request never completes */
	uint32_t cut_at_write;  /* the power fails during this write */
	uint32_t batch;         /* take requests only once this many wait (0 or 1: each at once) */
	bool powered_off;
	/* What the device did. */
	uint32_t requests, writes, flushes, bad_chains;
	struct kaal_mmio_model mmio;
};

void virtio_blk_model_init(struct virtio_blk_model *m, int fd, uint64_t sectors, uint32_t irq);
struct kaal_mmio virtio_blk_model_regs(struct virtio_blk_model *m);

#endif
