/* The simulated disk (fs_disk.h). */
#include "fs_disk.h"

#include <stdlib.h>
#include <string.h>

#define SECTOR_BYTES      512u
#define SECTORS_PER_BLOCK (KAAL_FS_BLOCK_BYTES / SECTOR_BYTES)

enum fate { FATE_KEEP, FATE_DROP, FATE_TEAR, FATE_COUNT };

struct fs_disk_write {
	uint64_t block;
	uint8_t data[KAAL_FS_BLOCK_BYTES];
};

uint64_t fs_rand(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15u);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

void fs_disk_init(struct fs_disk *d, uint64_t blocks, uint64_t seed)
{
	memset(d, 0, sizeof(*d));
	d->blocks = blocks;
	d->durable = calloc(blocks, KAAL_FS_BLOCK_BYTES);
	d->current = calloc(blocks, KAAL_FS_BLOCK_BYTES);
	if (!d->durable || !d->current)
		abort();
	d->rng = seed;
}

void fs_disk_free(struct fs_disk *d)
{
	free(d->durable);
	free(d->current);
	free(d->pending);
	memset(d, 0, sizeof(*d));
}

void fs_disk_reset(struct fs_disk *d, uint64_t seed)
{
	memset(d->durable, 0, d->blocks * KAAL_FS_BLOCK_BYTES);
	memset(d->current, 0, d->blocks * KAAL_FS_BLOCK_BYTES);
	d->pending_count = 0;
	d->reads = d->writes = d->flushes = 0;
	d->fail_read = d->fail_write = d->fail_flush = 0;
	d->fail_write_lands = 0;
	d->cut_write = 0;
	d->dead = 0;
	d->rng = seed;
}

static uint8_t *at(uint8_t *base, uint64_t block)
{
	return base + block * KAAL_FS_BLOCK_BYTES;
}

static int disk_read(void *ctx, uint64_t block, void *buf)
{
	struct fs_disk *d = ctx;
	d->reads++;
	if (d->dead || d->reads == d->fail_read || block >= d->blocks)
		return -1;
	memcpy(buf, at(d->current, block), KAAL_FS_BLOCK_BYTES);
	return 0;
}

static void cache(struct fs_disk *d, uint64_t block, const void *buf)
{
	if (d->pending_count == d->pending_cap) {
		d->pending_cap = d->pending_cap ? 2 * d->pending_cap : 64;
		d->pending = realloc(d->pending, d->pending_cap * sizeof(*d->pending));
		if (!d->pending)
			abort();
	}
	struct fs_disk_write *w = &d->pending[d->pending_count++];
	w->block = block;
	memcpy(w->data, buf, KAAL_FS_BLOCK_BYTES);
	memcpy(at(d->current, block), buf, KAAL_FS_BLOCK_BYTES);
}

static int disk_write(void *ctx, uint64_t block, const void *buf)
{
	struct fs_disk *d = ctx;
	d->writes++;
	if (d->dead || block >= d->blocks)
		return -1;
	if (d->writes == d->cut_write) {
		/* The write the power went during: it may land torn, like any other in the cache.
		 */
		cache(d, block, buf);
		d->dead = 1;
		return -1;
	}
	if (d->writes == d->fail_write) {
		if (d->fail_write_lands)
			cache(d, block, buf);
		return -1;
	}
	cache(d, block, buf);
	return 0;
}

static int disk_flush(void *ctx)
{
	struct fs_disk *d = ctx;
	d->flushes++;
	if (d->dead || d->flushes == d->fail_flush)
		return -1;
	for (size_t i = 0; i < d->pending_count; i++)
		memcpy(at(d->durable, d->pending[i].block), d->pending[i].data,
		       KAAL_FS_BLOCK_BYTES);
	d->pending_count = 0;
	return 0;
}

struct kaal_fs_disk fs_disk_iface(struct fs_disk *d)
{
	return (struct kaal_fs_disk){
	    .ctx = d,
	    .block_count = d->blocks,
	    .read = disk_read,
	    .write = disk_write,
	    .flush = disk_flush,
	};
}

void fs_disk_power_cut(struct fs_disk *d)
{
	/* A random order: the cache may have written its blocks out in any. */
	for (size_t i = d->pending_count; i > 1; i--) {
		size_t j = fs_rand(&d->rng) % i;
		struct fs_disk_write tmp = d->pending[i - 1];
		d->pending[i - 1] = d->pending[j];
		d->pending[j] = tmp;
	}
	for (size_t i = 0; i < d->pending_count; i++) {
		struct fs_disk_write *w = &d->pending[i];
		uint8_t *dst = at(d->durable, w->block);
		switch (fs_rand(&d->rng) % FATE_COUNT) {
		case FATE_KEEP:
			memcpy(dst, w->data, KAAL_FS_BLOCK_BYTES);
			break;
		case FATE_DROP:
			break;
		default:
			for (uint32_t s = 0; s < SECTORS_PER_BLOCK; s++)
				if (fs_rand(&d->rng) & 1u)
					memcpy(dst + s * SECTOR_BYTES, w->data + s * SECTOR_BYTES,
					       SECTOR_BYTES);
			break;
		}
	}
	d->pending_count = 0;
	memcpy(d->current, d->durable, d->blocks * KAAL_FS_BLOCK_BYTES);
	d->dead = 0;
	d->cut_write = 0;
	d->fail_read = d->fail_write = d->fail_flush = 0;
}

void fs_disk_get(const struct fs_disk *d, uint64_t block, void *buf)
{
	memcpy(buf, d->current + block * KAAL_FS_BLOCK_BYTES, KAAL_FS_BLOCK_BYTES);
}

void fs_disk_put(struct fs_disk *d, uint64_t block, const void *buf)
{
	memcpy(at(d->durable, block), buf, KAAL_FS_BLOCK_BYTES);
	memcpy(at(d->current, block), buf, KAAL_FS_BLOCK_BYTES);
}
