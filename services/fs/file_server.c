/*
 * The file server: a driver-kit service whose storage is the block
 * driver, reached through its own link ("blk") as a client. At start it
 * mounts the disk's file system, or formats a disk that holds none (a
 * disk with a damaged one is left alone: every request is then answered
 * with what mount said). One request at a time, each checked against the
 * asking link's shared buffer before the file system sees it.
 */
#include <string.h>

#include "file_service.h"
#include "virtio/block.h"

#define SECTORS_PER_BLOCK (KAAL_FS_BLOCK_BYTES / KAAL_BLOCK_SECTOR_BYTES)
#define BLOCK_WAIT_NS     UINT64_C(30000000000)

struct file_server {
	struct kaal_fs fs;
	struct kaal_fs check; /* the checker's scratch: it reads the disk, not the mounted state */
	struct kaal_fs_disk disk;
	struct kaal_driver_client blk;
	uint64_t next_tag;
	enum kaal_fs_status mounted; /* KAAL_FS_OK, or why requests cannot be served */
};

static struct file_server server;

/* One block request through the driver's link; the data is at the start of its buffer. */
static int block_io(void *ctx, uint32_t op, uint64_t block)
{
	struct file_server *s = ctx;
	struct kaal_block_request q = {op, (uint32_t)++s->next_tag, block * SECTORS_PER_BLOCK,
	                               op == KAAL_BLOCK_FLUSH ? 0 : SECTORS_PER_BLOCK, 0};
	struct kaal_block_reply r;
	kaal_status st = kaal_driver_call(&s->blk, &q, &r, BLOCK_WAIT_NS);
	return st == KAAL_OK && r.tag == q.tag && r.status == KAAL_OK ? 0 : -1;
}

static int disk_read(void *ctx, uint64_t block, void *buf)
{
	struct file_server *s = ctx;
	if (block_io(ctx, KAAL_BLOCK_READ, block) != 0)
		return -1;
	memcpy(buf, s->blk.share, KAAL_FS_BLOCK_BYTES);
	return 0;
}

static int disk_write(void *ctx, uint64_t block, const void *buf)
{
	struct file_server *s = ctx;
	memcpy(s->blk.share, buf, KAAL_FS_BLOCK_BYTES);
	return block_io(ctx, KAAL_BLOCK_WRITE, block);
}

static int disk_flush(void *ctx)
{
	return block_io(ctx, KAAL_BLOCK_FLUSH, 0);
}

static kaal_status file_init(struct kaal_driver_context *ctx)
{
	struct file_server *s = ctx->driver;
	kaal_status st = kaal_driver_open(&s->blk, ctx->start_info, KAAL_FILE_BLOCK_PREFIX,
	                                  KAAL_DRIVER_FREE_PAGE);
	if (st != KAAL_OK)
		return st;
	struct kaal_block_request q = {KAAL_BLOCK_INFO, 0, 0, 0, 0};
	struct kaal_block_reply info;
	st = kaal_driver_call(&s->blk, &q, &info, BLOCK_WAIT_NS);
	if (st != KAAL_OK)
		return st;
	if (info.status != KAAL_OK)
		return (kaal_status)info.status;
	s->disk = (struct kaal_fs_disk){s, info.sectors / SECTORS_PER_BLOCK, disk_read, disk_write,
	                                disk_flush};
	s->mounted = kaal_fs_mount(&s->fs, &s->disk);
	if (s->mounted == KAAL_FS_NOT_FORMATTED)
		s->mounted = kaal_fs_format(&s->fs, &s->disk);
	return KAAL_OK;
}

/* The link's buffer bytes [at, at + length), or NULL when they are not all in it. */
static uint8_t *in_buffer(const struct kaal_driver_context *ctx, unsigned client, uint32_t at,
                          uint64_t length)
{
	const struct kaal_driver_dma *share = &ctx->share[client];
	if (at > share->size || length > share->size - at)
		return NULL;
	return share->bytes + at;
}

/* The request's path, copied out of the shared buffer with its end, or NULL. */
static const char *path_of(const struct kaal_driver_context *ctx, unsigned client,
                           const struct kaal_file_request *q, char path[KAAL_FS_PATH_MAX + 1])
{
	const uint8_t *at = in_buffer(ctx, client, q->buffer, q->length);
	if (!at || q->length > KAAL_FS_PATH_MAX)
		return NULL;
	/* A copy: the client may change its buffer while the file system reads the path. */
	memcpy(path, at, q->length);
	path[q->length] = '\0';
	return path;
}

/* A name into the buffer at the request's place, with its NUL, if it fits there. */
static enum kaal_fs_status put_name(const struct kaal_driver_context *ctx, unsigned client,
                                    const struct kaal_file_request *q,
                                    const struct kaal_fs_stat *st)
{
	uint8_t *at = in_buffer(ctx, client, q->buffer, st->name_len + 1u);
	if (!at)
		return KAAL_FS_INVALID_ARGUMENT;
	memcpy(at, st->name, st->name_len + 1u);
	return KAAL_FS_OK;
}

static enum kaal_fs_status by_path(struct kaal_fs *fs, const struct kaal_file_request *q,
                                   const char *path, struct kaal_file_reply *a)
{
	kaal_fs_handle h = 0;
	enum kaal_fs_status st;
	switch (q->op) {
	case KAAL_FILE_LOOKUP:
		st = kaal_fs_lookup(fs, path, &h);
		break;
	case KAAL_FILE_CREATE:
		st = kaal_fs_create(fs, path, &h);
		break;
	case KAAL_FILE_MKDIR:
		st = kaal_fs_mkdir(fs, path, &h);
		break;
	default:
		return kaal_fs_remove(fs, path);
	}
	struct kaal_fs_stat info;
	if (st == KAAL_FS_OK && kaal_fs_stat(fs, h, &info) == KAAL_FS_OK)
		a->type = info.type;
	a->handle = h;
	return st;
}

static enum kaal_fs_status serve(struct kaal_driver_context *ctx, unsigned client,
                                 const struct kaal_file_request *q, struct kaal_file_reply *a)
{
	struct kaal_fs *fs = &server.fs;
	char path[KAAL_FS_PATH_MAX + 1];
	struct kaal_fs_stat info;
	struct kaal_fs_space space;
	uint8_t *data;
	size_t got = 0;
	enum kaal_fs_status st;
	switch (q->op) {
	case KAAL_FILE_LOOKUP:
	case KAAL_FILE_CREATE:
	case KAAL_FILE_MKDIR:
	case KAAL_FILE_REMOVE:
		if (!path_of(ctx, client, q, path))
			return KAAL_FS_INVALID_ARGUMENT;
		return by_path(fs, q, path, a);
	case KAAL_FILE_READ:
		if (!(data = in_buffer(ctx, client, q->buffer, q->length)))
			return KAAL_FS_INVALID_ARGUMENT;
		st = kaal_fs_read(fs, q->handle, q->offset, data, q->length, &got);
		a->size = got;
		return st;
	case KAAL_FILE_WRITE:
		if (!(data = in_buffer(ctx, client, q->buffer, q->length)))
			return KAAL_FS_INVALID_ARGUMENT;
		return kaal_fs_write(fs, q->handle, q->offset, data, q->length);
	case KAAL_FILE_TRUNCATE:
		return kaal_fs_truncate(fs, q->handle, q->offset);
	case KAAL_FILE_STAT:
		st = kaal_fs_stat(fs, q->handle, &info);
		if (st != KAAL_FS_OK)
			return st;
		a->type = info.type;
		a->size = info.size;
		return put_name(ctx, client, q, &info);
	case KAAL_FILE_LIST: {
		uint32_t cursor = (uint32_t)q->offset;
		if (q->offset > UINT32_MAX)
			return KAAL_FS_INVALID_ARGUMENT;
		st = kaal_fs_list(fs, q->handle, &cursor, &info);
		if (st != KAAL_FS_OK)
			return st;
		a->handle = info.handle;
		a->type = info.type;
		a->size = info.size;
		a->cursor = cursor;
		return put_name(ctx, client, q, &info);
	}
	case KAAL_FILE_SPACE:
		st = kaal_fs_space(fs, &space);
		a->size = space.free_blocks;
		a->cursor = space.total_blocks;
		return st;
	case KAAL_FILE_SYNC:
		return kaal_fs_sync(fs);
	default:
		return KAAL_FS_INVALID_ARGUMENT;
	}
}

/* The disk as it is: what the last commit holds, whatever is mounted (or not). */
static enum kaal_fs_status check(struct kaal_file_reply *a)
{
	struct kaal_fs_check_summary summary;
	enum kaal_fs_status st = kaal_fs_check(&server.check, &server.disk, NULL, NULL, &summary);
	a->size = summary.problems;
	a->handle = summary.files;
	a->type = summary.directories;
	a->cursor = summary.generation;
	return st;
}

static bool file_request(struct kaal_driver_context *ctx, unsigned client, const void *request,
                         void *reply)
{
	const struct kaal_file_request *q = request;
	struct kaal_file_reply *a = reply;
	a->op = q->op;
	a->tag = q->tag;
	if (q->op == KAAL_FILE_MOUNTED)
		a->status = server.mounted;
	else if (q->op == KAAL_FILE_CHECK)
		a->status = check(a);
	else if (server.mounted != KAAL_FS_OK)
		a->status = KAAL_FS_NOT_MOUNTED;
	else
		a->status = serve(ctx, client, q, a);
	return true;
}

static int file_server_main(const struct kaal_start_info *si)
{
	static const struct kaal_driver_ops ops = {file_init, NULL, file_request};
	memset(&server, 0, sizeof(server)); /* on the host, what an earlier start left stays */
	return kaal_driver_main(&kaal_file_service, si, &ops, &server);
}

KAAL_PROGRAM(fs, file_server_main)
