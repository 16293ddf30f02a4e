/*
 * The virtio block model (virtio_blk_model.h). Requests are carried out in
 * the notifying thread, in the order offered; a chain the model cannot
 * make sense of is answered with an I/O error, as a device would.
 */
/* pread, pwrite and fsync. */
#define _POSIX_C_SOURCE 200809L

#include "virtio_blk_model.h"

#include <string.h>
#include <unistd.h>

#include <kaal/host.h>

#include "virtio/virtio_regs.h"

#define MODEL_QUEUE_MAX 256u
#define MODEL_CHAIN_MAX 16u /* descriptors of one request at most */
#define MAX_DATA        (UINT32_C(1) << 21)
#define FEATURES        ((UINT64_C(1) << VIRTIO_F_VERSION_1) | (UINT64_C(1) << VIRTIO_BLK_F_FLUSH))
#define VENDOR_ID       0x4B41414Cu /* "KAAL" */

static uint32_t model_read(void *device, uint32_t offset)
{
	struct virtio_blk_model *m = device;
	uint32_t capacity = VIRTIO_MMIO_CONFIG + VIRTIO_BLK_CONFIG_CAPACITY;
	if (offset == capacity)
		return (uint32_t)m->sectors;
	if (offset == capacity + 4)
		return (uint32_t)(m->sectors >> 32);
	switch (offset) {
	case VIRTIO_MMIO_MAGIC_VALUE:
		return VIRTIO_MAGIC;
	case VIRTIO_MMIO_VERSION:
		return m->version;
	case VIRTIO_MMIO_DEVICE_ID:
		return VIRTIO_ID_BLOCK;
	case VIRTIO_MMIO_VENDOR_ID:
		return VENDOR_ID;
	case VIRTIO_MMIO_DEVICE_FEATURES:
		return m->device_features_sel > 1
		           ? 0
		           : (uint32_t)(FEATURES >> (32 * m->device_features_sel));
	case VIRTIO_MMIO_QUEUE_NUM_MAX:
		return MODEL_QUEUE_MAX;
	case VIRTIO_MMIO_QUEUE_READY:
		return m->queue_ready;
	case VIRTIO_MMIO_INTERRUPT_STATUS:
		return m->interrupt_status;
	case VIRTIO_MMIO_STATUS:
		return m->status;
	default:
		return 0;
	}
}

static bool read_ram(kaal_paddr at, void *to, uint64_t size)
{
	return kaal_host_dma_read(at, to, size);
}

struct chain {
	struct virtq_desc d[MODEL_CHAIN_MAX];
	unsigned count;
};

/* The chain from head, or false when it loops, runs out of the table or out of RAM. */
static bool read_chain(const struct virtio_blk_model *m, uint16_t head, struct chain *c)
{
	uint16_t i = head;
	for (c->count = 0; c->count < MODEL_CHAIN_MAX; c->count++) {
		if (i >= m->queue_num ||
		    !read_ram(m->desc + (kaal_paddr)i * sizeof(struct virtq_desc), &c->d[c->count],
		              sizeof(struct virtq_desc)))
			return false;
		if (!(c->d[c->count].flags & VIRTQ_DESC_F_NEXT)) {
			c->count++;
			return true;
		}
		i = c->d[c->count].next;
	}
	return false;
}

/* Disk bytes at sector to or from RAM through buf, size bytes (at most MAX_DATA). */
static bool move(struct virtio_blk_model *m, const struct virtq_desc *data, uint64_t sector,
                 bool to_disk, uint32_t bytes)
{
	static uint8_t buf[MAX_DATA];
	off_t at = (off_t)(sector * VIRTIO_BLK_SECTOR_BYTES);
	if (to_disk)
		return kaal_host_dma_read(data->addr, buf, bytes) &&
		       pwrite(m->fd, buf, bytes, at) == (ssize_t)bytes;
	return pread(m->fd, buf, bytes, at) == (ssize_t)bytes &&
	       kaal_host_dma_write(data->addr, buf, bytes);
}

/* Carry out one request: its status byte, or false when it is never to complete. */
static bool carry_out(struct virtio_blk_model *m, const struct chain *c, uint8_t *status)
{
	m->requests++;
	*status = VIRTIO_BLK_S_IOERR;
	struct virtio_blk_req_header h;
	const struct virtq_desc *first = &c->d[0], *last = &c->d[c->count - 1];
	if (c->count < 2 || first->len < sizeof(h) || (first->flags & VIRTQ_DESC_F_WRITE) ||
	    !(last->flags & VIRTQ_DESC_F_WRITE) || last->len < 1 || c->count > 3 ||
	    !read_ram(first->addr, &h, sizeof(h))) {
		m->bad_chains++;
		return true;
	}
	if (m->requests == m->stall_request)
		return false;
	if (m->requests == m->fail_request)
		return true;
	const struct virtq_desc *data = c->count == 3 ? &c->d[1] : NULL;
	uint32_t bytes = data ? data->len : 0;
	bool fits = bytes % VIRTIO_BLK_SECTOR_BYTES == 0 && bytes <= MAX_DATA &&
	            h.sector <= m->sectors &&
	            bytes / VIRTIO_BLK_SECTOR_BYTES <= m->sectors - h.sector;
	switch (h.type) {
	case VIRTIO_BLK_T_IN:
		if (data && fits && (data->flags & VIRTQ_DESC_F_WRITE) &&
		    move(m, data, h.sector, false, bytes))
			*status = VIRTIO_BLK_S_OK;
		return true;
	case VIRTIO_BLK_T_OUT:
		if (!data || !fits || (data->flags & VIRTQ_DESC_F_WRITE))
			return true;
		m->writes++;
		if (m->writes == m->cut_at_write) {
			/* Half the sectors land, then the device has no power. */
			uint32_t half =
			    bytes / VIRTIO_BLK_SECTOR_BYTES / 2 * VIRTIO_BLK_SECTOR_BYTES;
			if (half)
				move(m, data, h.sector, true, half);
			m->powered_off = 1;
			return false;
		}
		if (move(m, data, h.sector, true, bytes))
			*status = VIRTIO_BLK_S_OK;
		return true;
	case VIRTIO_BLK_T_FLUSH:
		m->flushes++;
		if (!data && fsync(m->fd) == 0)
			*status = VIRTIO_BLK_S_OK;
		return true;
	default:
		*status = VIRTIO_BLK_S_UNSUPP;
		return true;
	}
}

/* Publish a finished chain in the used ring. */
static void complete(struct virtio_blk_model *m, uint16_t head, const struct chain *c,
                     uint8_t status)
{
	kaal_host_dma_write(c->d[c->count - 1].addr, &status, 1);
	struct virtq_used_elem e = {head, 1};
	kaal_paddr ring = m->used + sizeof(struct virtq_used);
	kaal_host_dma_write(ring + (m->used_idx % m->queue_num) * sizeof(e), &e, sizeof(e));
	m->used_idx++;
	kaal_host_dma_write(m->used + offsetof(struct virtq_used, idx), &m->used_idx,
	                    sizeof(m->used_idx));
}

static void notified(struct virtio_blk_model *m)
{
	uint16_t avail_idx;
	if (!m->queue_ready || m->powered_off || m->queue_num == 0 ||
	    !read_ram(m->avail + offsetof(struct virtq_avail, idx), &avail_idx, sizeof(avail_idx)))
		return;
	if (m->batch > 1 && (uint16_t)(avail_idx - m->last_avail) < m->batch)
		return;
	bool any = false;
	while (m->last_avail != avail_idx && !m->powered_off) {
		uint16_t head;
		kaal_paddr ring = m->avail + sizeof(struct virtq_avail);
		if (!read_ram(ring + (m->last_avail % m->queue_num) * sizeof(head), &head,
		              sizeof(head)))
			return;
		m->last_avail++;
		struct chain c;
		uint8_t status;
		if (!read_chain(m, head, &c)) {
			m->bad_chains++;
			continue;
		}
		if (carry_out(m, &c, &status)) {
			complete(m, head, &c, status);
			any = true;
		}
	}
	if (any) {
		m->interrupt_status |= VIRTIO_INT_USED;
		kaal_host_raise_edge(m->irq);
	}
}

/* A 64-bit register written as two 32-bit halves: the low one at shift 0, the high at 32. */
static uint64_t with_half(uint64_t v, unsigned shift, uint32_t value)
{
	return (v & ~((uint64_t)UINT32_MAX << shift)) | (uint64_t)value << shift;
}

static void model_write(void *device, uint32_t offset, uint32_t value)
{
	struct virtio_blk_model *m = device;
	switch (offset) {
	case VIRTIO_MMIO_DEVICE_FEATURES_SEL:
		m->device_features_sel = value;
		break;
	case VIRTIO_MMIO_DRIVER_FEATURES_SEL:
		m->driver_features_sel = value;
		break;
	case VIRTIO_MMIO_DRIVER_FEATURES:
		if (m->driver_features_sel <= 1)
			m->driver_features =
			    with_half(m->driver_features, 32 * m->driver_features_sel, value);
		break;
	case VIRTIO_MMIO_QUEUE_NUM:
		m->queue_num = value <= MODEL_QUEUE_MAX ? value : 0;
		break;
	case VIRTIO_MMIO_QUEUE_READY:
		m->queue_ready = value & 1;
		break;
	case VIRTIO_MMIO_QUEUE_DESC_LOW:
	case VIRTIO_MMIO_QUEUE_DESC_HIGH:
		m->desc = with_half(m->desc, offset == VIRTIO_MMIO_QUEUE_DESC_LOW ? 0 : 32, value);
		break;
	case VIRTIO_MMIO_QUEUE_DRIVER_LOW:
	case VIRTIO_MMIO_QUEUE_DRIVER_HIGH:
		m->avail =
		    with_half(m->avail, offset == VIRTIO_MMIO_QUEUE_DRIVER_LOW ? 0 : 32, value);
		break;
	case VIRTIO_MMIO_QUEUE_DEVICE_LOW:
	case VIRTIO_MMIO_QUEUE_DEVICE_HIGH:
		m->used =
		    with_half(m->used, offset == VIRTIO_MMIO_QUEUE_DEVICE_LOW ? 0 : 32, value);
		break;
	case VIRTIO_MMIO_QUEUE_NOTIFY:
		notified(m);
		break;
	case VIRTIO_MMIO_INTERRUPT_ACK:
		m->interrupt_status &= ~value;
		break;
	case VIRTIO_MMIO_STATUS:
		if (value == 0) { /* reset */
			m->status = m->queue_ready = m->queue_num = 0;
			m->last_avail = m->used_idx = 0;
			m->driver_features = 0;
			break;
		}
		/* Features other than the offered ones, or without version 1, are refused. */
		if ((value & VIRTIO_STATUS_FEATURES_OK) &&
		    ((m->driver_features & ~FEATURES) ||
		     !(m->driver_features & (UINT64_C(1) << VIRTIO_F_VERSION_1))))
			value &= ~(uint32_t)VIRTIO_STATUS_FEATURES_OK;
		m->status = value;
		break;
	default:
		break;
	}
}

void virtio_blk_model_init(struct virtio_blk_model *m, int fd, uint64_t sectors, uint32_t irq)
{
	memset(m, 0, sizeof(*m));
	m->fd = fd;
	m->sectors = sectors;
	m->irq = irq;
	m->version = VIRTIO_MMIO_MODERN;
	m->mmio = (struct kaal_mmio_model){model_read, model_write, m};
}

struct kaal_mmio virtio_blk_model_regs(struct virtio_blk_model *m)
{
	return kaal_mmio_modelled(&m->mmio, VIRTIO_MMIO_SIZE);
}
