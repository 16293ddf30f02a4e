/*
 * The file server (file_server.c): kaal's file system (fs.h) on the block
 * driver, served to its clients over driver-kit links. Data and paths go
 * through each link's shared buffer, never through the kernel: a request
 * names where in the buffer they are. Statuses are the file system's
 * (enum kaal_fs_status): a bad name, no space, a wrong handle, too large,
 * and KAAL_FS_INVALID_ARGUMENT for a request that is not one (an unknown
 * operation, a range outside the buffer, a path without its end).
 */
#ifndef KAAL_SERVICE_FILE_H
#define KAAL_SERVICE_FILE_H

#include <kaal/driver.h>

#include "fs.h"

enum kaal_file_op {
	KAAL_FILE_LOOKUP = 1, /* path: reply handle, type */
	KAAL_FILE_CREATE = 2, /* path: a new empty file; reply handle */
	KAAL_FILE_MKDIR = 3,  /* path: a new directory; reply handle */
	KAAL_FILE_REMOVE = 4, /* path: a file or an empty directory */
	KAAL_FILE_READ = 5,  /* handle, offset, length: bytes into the buffer; reply size = bytes */
	KAAL_FILE_WRITE = 6, /* handle, offset, length: bytes from the buffer */
	KAAL_FILE_TRUNCATE = 7, /* handle, offset = the new size */
	KAAL_FILE_STAT = 8,     /* handle: reply type, size; the name into the buffer */
	KAAL_FILE_LIST = 9,     /* handle of a directory, offset = cursor (0 first): the next
	                           entry's handle, type, size, its name into the buffer, and the
	                           cursor after it; KAAL_FS_END after the last */
	KAAL_FILE_SPACE = 10,   /* reply size = free blocks, cursor = blocks in all */
	KAAL_FILE_SYNC = 11,    /* commit every change durably */
	KAAL_FILE_MOUNTED = 12, /* reply status: whether a file system is mounted, and why not */
	KAAL_FILE_CHECK = 13    /* check the disk's last commit (kaal_fs_check): reply size =
	                           problems found, handle = files, type = directories, cursor =
	                           the commit's generation */
};

struct kaal_file_request {
	uint32_t op;     /* enum kaal_file_op */
	uint32_t handle; /* kaal_fs_handle */
	uint64_t offset; /* in the file; LIST: cursor; TRUNCATE: the size */
	uint32_t length; /* bytes of data, or of the path (without a NUL) */
	uint32_t buffer; /* where in the shared buffer the data, path or name is */
	uint64_t tag;    /* the client's, returned in the reply */
};

struct kaal_file_reply {
	uint32_t op;
	int32_t status;  /* enum kaal_fs_status */
	uint32_t handle; /* LOOKUP, CREATE, MKDIR, LIST */
	uint32_t type;   /* enum kaal_fs_type: LOOKUP, STAT, LIST */
	uint64_t size;   /* STAT, LIST: bytes (entries of a directory); READ: bytes read */
	uint64_t cursor; /* LIST: the next cursor; SPACE: blocks in all */
	uint64_t tag;
};

_Static_assert(sizeof(struct kaal_file_request) == 32, "file request size");
_Static_assert(sizeof(struct kaal_file_reply) == 40, "file reply size");

#define KAAL_FILE_CLIENTS      3u
#define KAAL_FILE_PRIORITY     160u /* below the block driver it waits for */
#define KAAL_FILE_SHARE_BYTES  (UINT32_C(1) << KAAL_PAGE_BITS)
#define KAAL_FILE_BLOCK_PREFIX "blk" /* its link to the block driver */

static const struct kaal_driver_desc kaal_file_service = {
    .program = "fs",
    .device = KAAL_DEVICE_NONE,
    .clients = KAAL_FILE_CLIENTS,
    .request_size = sizeof(struct kaal_file_request),
    .reply_size = sizeof(struct kaal_file_reply),
    .ring_capacity = 4,
    .priority = KAAL_FILE_PRIORITY,
    .share_bytes = KAAL_FILE_SHARE_BYTES,
};

#endif
