/*
 * A simulated disk for the file system's tests: blocks in memory behind a
 * volatile write cache. A write lands in the cache (reads see it at once);
 * a flush makes everything written before it durable. A power cut keeps,
 * drops or tears (some 512-byte sectors new, the rest old) each write
 * since the last flush, independently and in a random order, as a real
 * disk's cache may. Calls can be made to fail: the Nth read, write or
 * flush, or every call from the Nth write on (the power going).
 */
#ifndef KAAL_TEST_FS_DISK_H
#define KAAL_TEST_FS_DISK_H

#include <stddef.h>
#include <stdint.h>

#include "fs.h"

struct fs_disk_write;

struct fs_disk {
	uint64_t blocks;
	uint8_t *durable; /* what survives a power cut */
	uint8_t *current; /* what reads see: durable with the cache over it */
	struct fs_disk_write *pending;
	size_t pending_count, pending_cap;
	uint64_t reads, writes, flushes; /* calls so far */
	/* Fail the call with this number (counted from 1 like the counters); 0: never. */
	uint64_t fail_read, fail_write, fail_flush;
	int fail_write_lands; /* the failing write still reaches the cache */
	uint64_t cut_write;   /* the power goes during this write: it and all later calls fail */
	int dead;
	uint64_t rng;
};

void fs_disk_init(struct fs_disk *d, uint64_t blocks, uint64_t seed);
void fs_disk_free(struct fs_disk *d);

/* Empty (all zero), cache empty, counters and failures cleared; seed for the power cuts. */
void fs_disk_reset(struct fs_disk *d, uint64_t seed);

struct kaal_fs_disk fs_disk_iface(struct fs_disk *d);

/* The power goes: each cached write is kept, dropped or torn; then it comes back, cache empty. */
void fs_disk_power_cut(struct fs_disk *d);

/* A block's bytes as reads see them; and a write past the cache, straight to durable storage. */
void fs_disk_get(const struct fs_disk *d, uint64_t block, void *buf);
void fs_disk_put(struct fs_disk *d, uint64_t block, const void *buf);

/* A pseudo-random 64-bit number from *state (splitmix64). */
uint64_t fs_rand(uint64_t *state);

#endif
