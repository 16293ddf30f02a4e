/*
 * kaal's crash-safe file system: a freestanding library over a block
 * device of 4 KiB blocks (docs/filesystem.md). Copy-on-write: a block the
 * last commit references is never written, and kaal_fs_sync() commits by
 * writing the other of two superblock slots between two flushes, so a
 * power cut at any moment leaves the last completed sync intact.
 *
 * Everything lives in the caller's struct kaal_fs (412,376 bytes on 64-bit
 * targets; the server keeps it static); nothing is allocated and nothing is
 * global. One caller at a time: the library takes no locks.
 */
#ifndef KAAL_FS_H
#define KAAL_FS_H

#include <stddef.h>
#include <stdint.h>

#include "fs_format.h"

/* The block device: synchronous calls, each returning 0 on success. */
struct kaal_fs_disk {
	void *ctx;
	uint64_t block_count; /* blocks of KAAL_FS_BLOCK_BYTES */
	int (*read)(void *ctx, uint64_t block, void *buf);
	int (*write)(void *ctx, uint64_t block, const void *buf);
	/* Everything written before is durable when it returns 0: the only barrier. */
	int (*flush)(void *ctx);
};

enum kaal_fs_status {
	KAAL_FS_OK,
	KAAL_FS_END,              /* kaal_fs_list(): no more entries */
	KAAL_FS_INVALID_ARGUMENT, /* a NULL pointer, a value out of range, a root to remove */
	KAAL_FS_BAD_NAME,         /* not an absolute path of valid names */
	KAAL_FS_NOT_FOUND,
	KAAL_FS_EXISTS,
	KAAL_FS_NO_SPACE,   /* no free block or inode */
	KAAL_FS_BAD_HANDLE, /* never given out, or its file was removed */
	KAAL_FS_TOO_LARGE,  /* past KAAL_FS_MAX_FILE_BYTES, KAAL_FS_NAME_MAX or KAAL_FS_PATH_MAX */
	KAAL_FS_NOT_EMPTY,
	KAAL_FS_IS_DIRECTORY,
	KAAL_FS_NOT_DIRECTORY,
	KAAL_FS_IO_ERROR,      /* the disk failed a call; nothing changed */
	KAAL_FS_CORRUPT,       /* a block fails its checksum or holds impossible values */
	KAAL_FS_NOT_FORMATTED, /* mount: neither superblock slot is valid */
	KAAL_FS_NOT_MOUNTED,
	KAAL_FS_STATUS_COUNT
};

/* Limits beyond the format's (fs_format.h). */
#define KAAL_FS_PATH_MAX    1023u                     /* bytes of a path, without its NUL */
#define KAAL_FS_MAX_ENTRIES (KAAL_FS_MAX_INODES - 1u) /* files and directories besides the root */
/* A disk smaller than this cannot hold the metadata, the sync reserve and some data. */
#define KAAL_FS_MIN_BLOCKS 64u

/*
 * A file or directory: its inode number in the low 16 bits and a
 * generation in the high 16, so a handle of a removed file is refused.
 * Handles stay valid until the file is removed or the file system is
 * mounted again; 0 is never a handle.
 */
typedef uint32_t kaal_fs_handle;

struct kaal_fs_stat {
	kaal_fs_handle handle;
	enum kaal_fs_type type;
	uint64_t size; /* bytes of a file; entries of a directory */
	uint32_t name_len;
	char name[KAAL_FS_NAME_BYTES]; /* NUL-terminated; empty for the root */
};

struct kaal_fs_space {
	uint64_t total_blocks; /* the file system's blocks, metadata included */
	uint64_t free_blocks;  /* blocks a write may take now (the sync reserve excluded) */
	uint64_t held_blocks;  /* freed since the last commit: reusable after the next sync */
	uint32_t free_entries; /* files or directories that can still be created */
};

struct kaal_fs {
	struct kaal_fs_disk disk;
	uint32_t mounted;
	uint32_t block_count;   /* blocks the file system spans */
	uint64_t generation;    /* of the newest superblock known durable */
	uint32_t free_blocks;   /* neither used nor held */
	uint32_t held_count;    /* held but not used */
	uint32_t reserve;       /* blocks only a sync may take */
	uint32_t alloc_cursor;  /* next-fit allocation starts here */
	uint32_t bitmap_blocks; /* bitmap blocks the file system needs */
	struct kaal_fs_ref table[KAAL_FS_TABLE_BLOCKS];
	struct kaal_fs_ref bitmap[KAAL_FS_BITMAP_BLOCKS];
	uint8_t table_dirty[KAAL_FS_TABLE_BLOCKS];
	uint8_t bitmap_dirty[KAAL_FS_BITMAP_BLOCKS];
	uint16_t handle_gen[KAAL_FS_MAX_INODES];
	struct kaal_fs_inode inode[KAAL_FS_MAX_INODES];
	/* Blocks the current state references: the bitmap the next sync writes. */
	uint64_t used[KAAL_FS_MAX_BLOCKS / 64];
	/* Blocks a durable superblock may reference: never written, never reused. */
	uint64_t held[KAAL_FS_MAX_BLOCKS / 64];
	/* One operation's new and replaced blocks, so that a failure can undo it. */
	uint32_t op_new[KAAL_FS_MAX_FILE_BLOCKS + 1];
	uint32_t op_old[KAAL_FS_MAX_FILE_BLOCKS + 1];
	uint32_t pointers[KAAL_FS_POINTERS];
	_Alignas(8) uint8_t block[KAAL_FS_BLOCK_BYTES];
};

/* The name of a status, "KAAL_FS_OK" and so on; "KAAL_FS_UNKNOWN" for others. */
const char *kaal_fs_status_name(enum kaal_fs_status status);

/*
 * Write an empty file system (a root directory) over the disk's first
 * min(block_count, KAAL_FS_MAX_BLOCKS) blocks, durably, and mount it.
 * KAAL_FS_NO_SPACE below KAAL_FS_MIN_BLOCKS.
 */
enum kaal_fs_status kaal_fs_format(struct kaal_fs *fs, const struct kaal_fs_disk *disk);

/*
 * Mount the newest valid commit: KAAL_FS_NOT_FORMATTED when neither slot
 * holds a valid superblock, KAAL_FS_CORRUPT when its metadata fails a check.
 * Mount writes nothing.
 */
enum kaal_fs_status kaal_fs_mount(struct kaal_fs *fs, const struct kaal_fs_disk *disk);

/* Look a path up ("/" is the root). */
enum kaal_fs_status kaal_fs_lookup(struct kaal_fs *fs, const char *path, kaal_fs_handle *out);

/* Create an empty file or a directory; out may be NULL. */
enum kaal_fs_status kaal_fs_create(struct kaal_fs *fs, const char *path, kaal_fs_handle *out);
enum kaal_fs_status kaal_fs_mkdir(struct kaal_fs *fs, const char *path, kaal_fs_handle *out);

/* Remove a file or an empty directory; its handles become stale. */
enum kaal_fs_status kaal_fs_remove(struct kaal_fs *fs, const char *path);

/* Up to len bytes from offset; *got says how many (0 at or past the end). Holes read as zeros. */
enum kaal_fs_status kaal_fs_read(struct kaal_fs *fs, kaal_fs_handle file, uint64_t offset,
                                 void *buf, size_t len, size_t *got);

/* All len bytes at offset, extending the file; all or nothing. */
enum kaal_fs_status kaal_fs_write(struct kaal_fs *fs, kaal_fs_handle file, uint64_t offset,
                                  const void *buf, size_t len);

/* Set the size: shorter drops the bytes past it, longer reads as zeros. */
enum kaal_fs_status kaal_fs_truncate(struct kaal_fs *fs, kaal_fs_handle file, uint64_t size);

enum kaal_fs_status kaal_fs_stat(struct kaal_fs *fs, kaal_fs_handle handle,
                                 struct kaal_fs_stat *out);

/*
 * The next entry of a directory after *cursor (start with 0): KAAL_FS_OK
 * with *out filled and *cursor advanced, KAAL_FS_END after the last.
 */
enum kaal_fs_status kaal_fs_list(struct kaal_fs *fs, kaal_fs_handle dir, uint32_t *cursor,
                                 struct kaal_fs_stat *out);

enum kaal_fs_status kaal_fs_space(struct kaal_fs *fs, struct kaal_fs_space *out);

/*
 * Commit every change durably. On KAAL_FS_IO_ERROR the disk still holds
 * the last commit (or this one, if its superblock reached the disk) and the
 * changes stay pending: a later sync tries again.
 */
enum kaal_fs_status kaal_fs_sync(struct kaal_fs *fs);

/* What kaal_fs_check() found wrong; docs/filesystem.md says what each means. */
enum kaal_fs_problem_kind {
	KAAL_FS_PROBLEM_NO_SUPERBLOCK, /* neither slot holds a valid superblock */
	KAAL_FS_PROBLEM_SUPER_FIELDS,  /* a slot's checksum holds but its fields are impossible */
	KAAL_FS_PROBLEM_RANGE,         /* a reference points outside the file system */
	KAAL_FS_PROBLEM_CHECKSUM,      /* a metadata block does not match its checksum */
	KAAL_FS_PROBLEM_SHARED,        /* a block is referenced more than once */
	KAAL_FS_PROBLEM_LEAKED,        /* the bitmap marks a block nothing references */
	KAAL_FS_PROBLEM_UNMARKED,      /* a referenced block is free in the bitmap */
	KAAL_FS_PROBLEM_ROOT,          /* inode 0 is not the root directory */
	KAAL_FS_PROBLEM_INODE,         /* an inode's type or reserved bytes are wrong */
	KAAL_FS_PROBLEM_NAME,          /* an invalid name */
	KAAL_FS_PROBLEM_PARENT,        /* the parent is not a directory */
	KAAL_FS_PROBLEM_DUPLICATE,     /* two entries of a directory share a name */
	KAAL_FS_PROBLEM_DETACHED,      /* the parents do not lead to the root */
	KAAL_FS_PROBLEM_SIZE,          /* blocks past the size, or a size past the limit */
	KAAL_FS_PROBLEM_TAIL,          /* bytes past the size in the last block are not zero */
	KAAL_FS_PROBLEM_COUNT
};

#define KAAL_FS_NO_INODE UINT32_MAX

struct kaal_fs_problem {
	enum kaal_fs_problem_kind kind;
	uint32_t inode; /* the inode concerned, or KAAL_FS_NO_INODE */
	uint64_t block; /* the block concerned (the slot, for a superblock) */
};

typedef void (*kaal_fs_problem_fn)(void *ctx, const struct kaal_fs_problem *problem);

struct kaal_fs_check_summary {
	uint32_t problems;
	int slot_valid[KAAL_FS_SUPER_SLOTS];
	uint64_t slot_generation[KAAL_FS_SUPER_SLOTS];
	int slot; /* the slot checked, -1 when neither is valid */
	uint64_t generation;
	uint32_t block_count;
	uint32_t files;
	uint32_t directories;
	uint32_t used_blocks; /* blocks the bitmap marks */
};

/* One line describing a problem kind. */
const char *kaal_fs_problem_text(enum kaal_fs_problem_kind kind);

/*
 * Check the newest valid commit on disk: both slots, every reachable
 * metadata block's checksum, that every reachable block is in range and
 * referenced once, that the bitmap marks exactly those, and the directory
 * tree. work is scratch (not a mounted file system's); report (may be
 * NULL) hears each problem as it is found; summary->problems counts them,
 * 0 for a clean file system. KAAL_FS_IO_ERROR when a read fails (the check
 * is then incomplete).
 */
enum kaal_fs_status kaal_fs_check(struct kaal_fs *work, const struct kaal_fs_disk *disk,
                                  kaal_fs_problem_fn report, void *ctx,
                                  struct kaal_fs_check_summary *summary);

#endif
