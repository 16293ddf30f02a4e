/*
 * The block driver process (blk_driver.c): its description for the driver
 * kit and its client protocol. Each client has a shared buffer (a large
 * page) that the device reads and writes directly: a request names sectors
 * and a place in that buffer, never the data itself. Requests are answered
 * as the device finishes them, not in the order asked: the tag a client
 * chose comes back with each reply. A client may have as many requests
 * outstanding as its ring holds.
 */
#ifndef KAAL_DRIVER_BLOCK_H
#define KAAL_DRIVER_BLOCK_H

#include <kaal/driver.h>

#define KAAL_BLOCK_SECTOR_BYTES 512u

enum kaal_block_op {
	KAAL_BLOCK_INFO = 1,    /* reply: sectors, sector_bytes */
	KAAL_BLOCK_READ = 2,    /* sectors from sector into the buffer at offset */
	KAAL_BLOCK_WRITE = 3,   /* sectors from the buffer at offset to sector */
	KAAL_BLOCK_FLUSH = 4,   /* every write answered before is durable when this is answered */
	KAAL_BLOCK_COUNTERS = 5 /* reply: most_in_flight, device_errors */
};

struct kaal_block_request {
	uint32_t op;  /* enum kaal_block_op */
	uint32_t tag; /* the client's, returned in the reply */
	uint64_t sector;
	uint32_t sectors; /* READ, WRITE: at least one */
	uint32_t offset;  /* READ, WRITE: bytes into the shared buffer, sector-aligned */
};

/*
 * status: KAAL_OK; KAAL_INVALID_ARGUMENT for an unknown op, no sectors,
 * sectors past the device's end or a range past the shared buffer;
 * KAAL_DEVICE_FAULT when the device failed the request; KAAL_BUSY when
 * the device holds as many requests as it can (ask again later).
 */
struct kaal_block_reply {
	uint32_t op;
	uint32_t tag;
	int32_t status;          /* kaal_status */
	uint32_t sector_bytes;   /* INFO */
	uint64_t sectors;        /* INFO: the device's capacity */
	uint32_t most_in_flight; /* COUNTERS: the most requests the device held at once */
	uint32_t device_errors;  /* COUNTERS: requests the device failed */
};

_Static_assert(sizeof(struct kaal_block_request) == 24, "block request size");
_Static_assert(sizeof(struct kaal_block_reply) == 32, "block reply size");

#define KAAL_BLOCK_CLIENTS       2u
#define KAAL_BLOCK_RING_CAPACITY 8u /* both clients' requests fit the device's queue at once */
#define KAAL_BLOCK_PRIORITY      180u
#define KAAL_BLOCK_SHARE_BYTES   (UINT32_C(1) << KAAL_LARGE_PAGE_BITS)

static const struct kaal_driver_desc kaal_block_driver = {
    .program = "block",
    .device = KAAL_DEVICE_BLOCK,
    .clients = KAAL_BLOCK_CLIENTS,
    .request_size = sizeof(struct kaal_block_request),
    .reply_size = sizeof(struct kaal_block_reply),
    .ring_capacity = KAAL_BLOCK_RING_CAPACITY,
    .priority = KAAL_BLOCK_PRIORITY,
    .dma_bytes = UINT32_C(1) << KAAL_PAGE_BITS,
    .share_bytes = KAAL_BLOCK_SHARE_BYTES,
};

#endif
