/*
 * The virtio-mmio transport (version 2) and the split virtqueue as memory
 * holds them: what the block driver (virtio_blk.c) writes and its host
 * model (devices/virtio_blk_model.c) reads. Every field is little-endian,
 * as aarch64 and x86-64 hold them.
 */
#ifndef KAAL_VIRTIO_REGS_H
#define KAAL_VIRTIO_REGS_H

#include <stdint.h>

/* Registers, as offsets from the transport's base. */
enum virtio_mmio_reg {
	VIRTIO_MMIO_MAGIC_VALUE = 0x000,
	VIRTIO_MMIO_VERSION = 0x004,
	VIRTIO_MMIO_DEVICE_ID = 0x008,
	VIRTIO_MMIO_VENDOR_ID = 0x00c,
	VIRTIO_MMIO_DEVICE_FEATURES = 0x010,
	VIRTIO_MMIO_DEVICE_FEATURES_SEL = 0x014,
	VIRTIO_MMIO_DRIVER_FEATURES = 0x020,
	VIRTIO_MMIO_DRIVER_FEATURES_SEL = 0x024,
	VIRTIO_MMIO_QUEUE_SEL = 0x030,
	VIRTIO_MMIO_QUEUE_NUM_MAX = 0x034,
	VIRTIO_MMIO_QUEUE_NUM = 0x038,
	VIRTIO_MMIO_QUEUE_READY = 0x044,
	VIRTIO_MMIO_QUEUE_NOTIFY = 0x050,
	VIRTIO_MMIO_INTERRUPT_STATUS = 0x060,
	VIRTIO_MMIO_INTERRUPT_ACK = 0x064,
	VIRTIO_MMIO_STATUS = 0x070,
	VIRTIO_MMIO_QUEUE_DESC_LOW = 0x080,
	VIRTIO_MMIO_QUEUE_DESC_HIGH = 0x084,
	VIRTIO_MMIO_QUEUE_DRIVER_LOW = 0x090,
	VIRTIO_MMIO_QUEUE_DRIVER_HIGH = 0x094,
	VIRTIO_MMIO_QUEUE_DEVICE_LOW = 0x0a0,
	VIRTIO_MMIO_QUEUE_DEVICE_HIGH = 0x0a4,
	VIRTIO_MMIO_CONFIG_GENERATION = 0x0fc,
	VIRTIO_MMIO_CONFIG = 0x100 /* the device's own configuration from here */
};

#define VIRTIO_MMIO_SIZE   0x200u
#define VIRTIO_MAGIC       0x74726976u /* "virt" */
#define VIRTIO_MMIO_MODERN 2u          /* the version this driver speaks; 1 is legacy */
#define VIRTIO_ID_BLOCK    2u
#define VIRTIO_INT_USED    1u /* InterruptStatus: the used ring moved */
#define VIRTIO_INT_CONFIG  2u /* InterruptStatus: the configuration changed */

/* Device status bits, set one after another as initialisation goes on. */
enum virtio_status {
	VIRTIO_STATUS_ACKNOWLEDGE = 1,
	VIRTIO_STATUS_DRIVER = 2,
	VIRTIO_STATUS_DRIVER_OK = 4,
	VIRTIO_STATUS_FEATURES_OK = 8,
	VIRTIO_STATUS_NEEDS_RESET = 64,
	VIRTIO_STATUS_FAILED = 128
};

/* Feature bits the block driver knows. */
#define VIRTIO_BLK_F_FLUSH 9u
#define VIRTIO_F_VERSION_1 32u

/* The block device's configuration: its capacity in 512-byte sectors first. */
#define VIRTIO_BLK_CONFIG_CAPACITY 0x000u
#define VIRTIO_BLK_SECTOR_BYTES    512u

/* A descriptor: one buffer of a request's chain. */
struct virtq_desc {
	uint64_t addr; /* physical */
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};
#define VIRTQ_DESC_F_NEXT  1u /* the chain goes on at next */
#define VIRTQ_DESC_F_WRITE 2u /* the device writes this buffer */

/* The driver's ring: heads of chains it offers. ring[] has the queue's size. */
struct virtq_avail {
	uint16_t flags;
	uint16_t idx;
	uint16_t ring[];
};

struct virtq_used_elem {
	uint32_t id; /* head of the chain the device finished */
	uint32_t len;
};

/* The device's ring: chains it finished. */
struct virtq_used {
	uint16_t flags;
	uint16_t idx;
	struct virtq_used_elem ring[];
};

/* A block request's header (the chain's first buffer) and its last byte, the status. */
struct virtio_blk_req_header {
	uint32_t type;
	uint32_t reserved;
	uint64_t sector;
};
enum virtio_blk_type {
	VIRTIO_BLK_T_IN = 0,   /* read */
	VIRTIO_BLK_T_OUT = 1,  /* write */
	VIRTIO_BLK_T_FLUSH = 4 /* make every completed write durable */
};
enum virtio_blk_status { VIRTIO_BLK_S_OK = 0, VIRTIO_BLK_S_IOERR = 1, VIRTIO_BLK_S_UNSUPP = 2 };

_Static_assert(sizeof(struct virtq_desc) == 16, "virtq descriptor size");
_Static_assert(sizeof(struct virtq_avail) == 4, "virtq avail header size");
_Static_assert(sizeof(struct virtq_used_elem) == 8, "virtq used element size");
_Static_assert(sizeof(struct virtq_used) == 4, "virtq used header size");
_Static_assert(sizeof(struct virtio_blk_req_header) == 16, "block request header size");

#endif
