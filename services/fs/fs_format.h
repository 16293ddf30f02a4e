/*
 * The on-disk format of kaal's file system (docs/filesystem.md): every
 * structure as it lies in a 4 KiB block, little-endian, with its size and
 * field offsets checked at compile time so that a compiler cannot move a
 * byte of the format.
 */
#ifndef KAAL_FS_FORMAT_H
#define KAAL_FS_FORMAT_H

#include <stddef.h>
#include <stdint.h>

#define KAAL_FS_BLOCK_BYTES      4096u
#define KAAL_FS_MAGIC            0x5346414bu /* "KAFS" read as little-endian bytes */
#define KAAL_FS_VERSION          1u
#define KAAL_FS_SUPER_SLOTS      2u /* blocks 0 and 1: generation g lives in slot g % 2 */
#define KAAL_FS_NAME_MAX         59u
#define KAAL_FS_NAME_BYTES       60u
#define KAAL_FS_DIRECT           8u    /* block pointers held in the inode itself */
#define KAAL_FS_POINTERS         1024u /* block pointers in an indirect block */
#define KAAL_FS_INODE_BYTES      128u
#define KAAL_FS_INODES_PER_BLOCK (KAAL_FS_BLOCK_BYTES / KAAL_FS_INODE_BYTES)
#define KAAL_FS_TABLE_BLOCKS     32u
#define KAAL_FS_MAX_INODES       (KAAL_FS_TABLE_BLOCKS * KAAL_FS_INODES_PER_BLOCK)
#define KAAL_FS_ROOT_INODE       0u
#define KAAL_FS_BITS_PER_BLOCK   (KAAL_FS_BLOCK_BYTES * 8u)
#define KAAL_FS_BITMAP_BLOCKS    32u
/* The largest disk a file system spans; the rest of a larger disk is unused. */
#define KAAL_FS_MAX_BLOCKS      (KAAL_FS_BITMAP_BLOCKS * KAAL_FS_BITS_PER_BLOCK)
#define KAAL_FS_MAX_FILE_BLOCKS (KAAL_FS_DIRECT + KAAL_FS_POINTERS)
#define KAAL_FS_MAX_FILE_BYTES  ((uint64_t)KAAL_FS_MAX_FILE_BLOCKS * KAAL_FS_BLOCK_BYTES)

enum kaal_fs_type {
	KAAL_FS_TYPE_FREE = 0,
	KAAL_FS_TYPE_FILE = 1,
	KAAL_FS_TYPE_DIRECTORY = 2,
};

/* Where a metadata block is and the CRC32 its whole 4 KiB must have; block 0 means none. */
struct kaal_fs_ref {
	uint32_t block;
	uint32_t crc;
};

/*
 * Superblock: one of two slots. crc is the CRC32 of the whole block with
 * crc itself zero, so a torn or half-written slot is never taken.
 */
struct kaal_fs_super {
	uint32_t magic;
	uint32_t version;
	uint64_t generation;
	uint32_t crc;
	uint32_t block_count;
	uint32_t inode_count;
	uint32_t reserved;
	struct kaal_fs_ref table[KAAL_FS_TABLE_BLOCKS];
	struct kaal_fs_ref bitmap[KAAL_FS_BITMAP_BLOCKS];
	uint8_t zero[KAAL_FS_BLOCK_BYTES - 32 - 8 * (KAAL_FS_TABLE_BLOCKS + KAAL_FS_BITMAP_BLOCKS)];
};

/*
 * An inode: a file, a directory or free (all bytes zero). A directory is
 * the set of inodes whose parent it is; its name lives in its own inode.
 */
struct kaal_fs_inode {
	uint8_t type;
	uint8_t name_len;
	uint16_t reserved0;
	uint32_t parent;
	uint64_t size;
	uint32_t direct[KAAL_FS_DIRECT];
	uint32_t indirect;
	uint32_t indirect_crc;
	char name[KAAL_FS_NAME_BYTES];
	uint8_t reserved1[12];
};

_Static_assert(sizeof(struct kaal_fs_ref) == 8, "ref layout");
_Static_assert(offsetof(struct kaal_fs_super, magic) == 0, "super layout");
_Static_assert(offsetof(struct kaal_fs_super, version) == 4, "super layout");
_Static_assert(offsetof(struct kaal_fs_super, generation) == 8, "super layout");
_Static_assert(offsetof(struct kaal_fs_super, crc) == 16, "super layout");
_Static_assert(offsetof(struct kaal_fs_super, block_count) == 20, "super layout");
_Static_assert(offsetof(struct kaal_fs_super, inode_count) == 24, "super layout");
_Static_assert(offsetof(struct kaal_fs_super, table) == 32, "super layout");
_Static_assert(offsetof(struct kaal_fs_super, bitmap) == 288, "super layout");
_Static_assert(offsetof(struct kaal_fs_super, zero) == 544, "super layout");
_Static_assert(sizeof(struct kaal_fs_super) == KAAL_FS_BLOCK_BYTES, "a superblock is one block");
_Static_assert(offsetof(struct kaal_fs_inode, parent) == 4, "inode layout");
_Static_assert(offsetof(struct kaal_fs_inode, size) == 8, "inode layout");
_Static_assert(offsetof(struct kaal_fs_inode, direct) == 16, "inode layout");
_Static_assert(offsetof(struct kaal_fs_inode, indirect) == 48, "inode layout");
_Static_assert(offsetof(struct kaal_fs_inode, indirect_crc) == 52, "inode layout");
_Static_assert(offsetof(struct kaal_fs_inode, name) == 56, "inode layout");
_Static_assert(offsetof(struct kaal_fs_inode, reserved1) == 116, "inode layout");
_Static_assert(sizeof(struct kaal_fs_inode) == KAAL_FS_INODE_BYTES, "inode size");
_Static_assert(KAAL_FS_POINTERS * sizeof(uint32_t) == KAAL_FS_BLOCK_BYTES, "indirect block");
_Static_assert(KAAL_FS_NAME_MAX < KAAL_FS_NAME_BYTES, "room for a terminating NUL");
_Static_assert(KAAL_FS_MAX_INODES <= 0x10000u, "an inode number fits a handle's low half");
_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "the format is read as little-endian");

#endif
