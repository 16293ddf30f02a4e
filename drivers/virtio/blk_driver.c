/*
 * The block driver process: the virtio block core (virtio_blk.c) behind
 * the driver kit. A request is checked against the client's own shared
 * buffer and offered to the device at once; its reply goes out when the
 * device's interrupt says it finished, so requests of both clients are in
 * flight together.
 */
#include "block.h"
#include "virtio_blk.h"

struct pending {
	uint32_t client, tag, op;
};

struct block {
	struct kaal_virtio_blk dev;
	struct pending slot[KAAL_VIRTIO_BLK_SLOTS];
	uint32_t device_errors;
};

_Static_assert(KAAL_BLOCK_CLIENTS *KAAL_BLOCK_RING_CAPACITY <= KAAL_VIRTIO_BLK_SLOTS,
               "every request the rings hold fits the device's queue");

static kaal_status block_init(struct kaal_driver_context *ctx)
{
	struct block *b = ctx->driver;
	return kaal_virtio_blk_init(&b->dev, &ctx->regs, ctx->dma.bytes, ctx->dma.phys,
	                            ctx->dma.size);
}

static void block_interrupt(struct kaal_driver_context *ctx)
{
	struct block *b = ctx->driver;
	kaal_virtio_blk_interrupt(&b->dev);
	uint32_t s;
	kaal_status outcome;
	while (kaal_virtio_blk_complete(&b->dev, &s, &outcome)) {
		const struct pending *p = &b->slot[s];
		struct kaal_block_reply reply = {.op = p->op, .tag = p->tag, .status = outcome};
		if (outcome != KAAL_OK)
			b->device_errors++;
		kaal_driver_reply(ctx, p->client, &reply);
	}
}

/* Where the request's bytes are in the client's buffer, or false when they are not all in it. */
static bool data_place(const struct kaal_driver_context *ctx, unsigned client,
                       const struct kaal_block_request *q, kaal_paddr *phys, uint32_t *bytes)
{
	const struct kaal_driver_dma *share = &ctx->share[client];
	uint64_t want = (uint64_t)q->sectors * KAAL_BLOCK_SECTOR_BYTES;
	if (q->sectors == 0 || q->offset % KAAL_BLOCK_SECTOR_BYTES != 0 ||
	    q->offset > share->size || want > share->size - q->offset)
		return false;
	*phys = share->phys + q->offset;
	*bytes = (uint32_t)want;
	return true;
}

static bool block_request(struct kaal_driver_context *ctx, unsigned client, const void *request,
                          void *reply)
{
	struct block *b = ctx->driver;
	const struct kaal_block_request *q = request;
	struct kaal_block_reply *a = reply;
	a->op = q->op;
	a->tag = q->tag;
	uint32_t type, bytes = 0;
	kaal_paddr data = 0;
	switch (q->op) {
	case KAAL_BLOCK_INFO:
		a->status = KAAL_OK;
		a->sectors = b->dev.capacity;
		a->sector_bytes = KAAL_BLOCK_SECTOR_BYTES;
		return true;
	case KAAL_BLOCK_COUNTERS:
		a->status = KAAL_OK;
		a->most_in_flight = b->dev.most_busy;
		a->device_errors = b->device_errors;
		return true;
	case KAAL_BLOCK_READ:
	case KAAL_BLOCK_WRITE:
		if (!data_place(ctx, client, q, &data, &bytes)) {
			a->status = KAAL_INVALID_ARGUMENT;
			return true;
		}
		type = q->op == KAAL_BLOCK_READ ? VIRTIO_BLK_T_IN : VIRTIO_BLK_T_OUT;
		break;
	case KAAL_BLOCK_FLUSH:
		/* A device without a volatile cache has every answered write on its medium already.
		 */
		if (!b->dev.flush) {
			a->status = KAAL_OK;
			return true;
		}
		type = VIRTIO_BLK_T_FLUSH;
		break;
	default:
		a->status = KAAL_INVALID_ARGUMENT;
		return true;
	}
	uint32_t s;
	a->status = kaal_virtio_blk_submit(&b->dev, type, q->sector, data, bytes, &s);
	if (a->status != KAAL_OK)
		return true;
	b->slot[s] = (struct pending){client, q->tag, q->op};
	return false; /* answered when the device finishes */
}

static int block_main(const struct kaal_start_info *si)
{
	static const struct kaal_driver_ops ops = {block_init, block_interrupt, block_request};
	static struct block block;
	block = (struct block){0}; /* on the host, what an earlier start left stays */
	return kaal_driver_main(&kaal_block_driver, si, &ops, &block);
}

KAAL_PROGRAM(block, block_main)
