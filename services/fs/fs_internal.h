/*
 * What the file system (fs.c) and its checker (fsck.c) share: checksums,
 * the rules a superblock, an inode and a name must follow, and the bitmaps.
 * Not for the library's callers.
 */
#ifndef KAAL_FS_INTERNAL_H
#define KAAL_FS_INTERNAL_H

#include "fs.h"

#define KAAL_FS_MOUNTED                0x6d6f756eu /* struct kaal_fs.mounted of a mounted file system */
#define KAAL_FS_NO_PROBLEM             KAAL_FS_PROBLEM_COUNT
#define KAAL_FS_WORDS_PER_BITMAP_BLOCK (KAAL_FS_BLOCK_BYTES / sizeof(uint64_t))

static inline int kaal_fs_bit(const uint64_t *map, uint32_t block)
{
	return (int)((map[block / 64u] >> (block % 64u)) & 1u);
}

static inline void kaal_fs_bit_set(uint64_t *map, uint32_t block)
{
	map[block / 64u] |= (uint64_t)1 << (block % 64u);
}

static inline void kaal_fs_bit_clear(uint64_t *map, uint32_t block)
{
	map[block / 64u] &= ~((uint64_t)1 << (block % 64u));
}

/* Blocks holding size bytes. */
static inline uint32_t kaal_fs_blocks_of(uint64_t size)
{
	return (uint32_t)((size + KAAL_FS_BLOCK_BYTES - 1u) / KAAL_FS_BLOCK_BYTES);
}

/* Bitmap blocks a file system of block_count blocks needs. */
static inline uint32_t kaal_fs_bitmap_blocks(uint32_t block_count)
{
	return (block_count + KAAL_FS_BITS_PER_BLOCK - 1u) / KAAL_FS_BITS_PER_BLOCK;
}

/* CRC32 (the IEEE polynomial, as zlib computes it). */
uint32_t kaal_fs_crc32(const void *data, size_t len);

/* The CRC32 a superblock must carry: over the block with its crc field zero. */
uint32_t kaal_fs_super_crc(const struct kaal_fs_super *sb);

/* Magic, version and checksum: the slot was written whole. */
int kaal_fs_super_sealed(const struct kaal_fs_super *sb);

/* Its fields describe a possible file system on a disk of disk_blocks blocks. */
int kaal_fs_super_fields_ok(const struct kaal_fs_super *sb, uint64_t disk_blocks);

/* 1..KAAL_FS_NAME_MAX bytes, no '/' or NUL, not "." or "..". */
int kaal_fs_name_ok(const char *name, uint32_t len);

/*
 * What is wrong with inode ino on its own (its parent's type and its
 * indirect block are checked elsewhere), or KAAL_FS_NO_PROBLEM.
 */
enum kaal_fs_problem_kind kaal_fs_inode_problem(const struct kaal_fs_inode *inode, uint32_t ino,
                                                uint32_t block_count);

/* An indirect block's pointers for a file of size bytes: in range, none past the size. */
enum kaal_fs_problem_kind kaal_fs_pointers_problem(const uint32_t *pointers, uint64_t size,
                                                   uint32_t block_count);

#endif
