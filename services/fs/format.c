/*
 * The rules of the on-disk format that mount and the checker both apply:
 * checksums, what a valid superblock, inode and name are; and the names of
 * statuses and problems.
 */
#include <string.h>

#include "fs_internal.h"

#define CRC_INITIAL 0xffffffffu
#define NIBBLE_BITS 4u
#define NIBBLE_MASK 0xfu

/* CRC32 of each 4-bit value, reflected polynomial 0xedb88320: two steps a byte. */
static const uint32_t crc_nibble[16] = {
    0x00000000u, 0x1db71064u, 0x3b6e20c8u, 0x26d930acu, 0x76dc4190u, 0x6b6b51f4u,
    0x4db26158u, 0x5005713cu, 0xedb88320u, 0xf00f9344u, 0xd6d6a3e8u, 0xcb61b38cu,
    0x9b64c2b0u, 0x86d3d2d4u, 0xa00ae278u, 0xbdbdf21cu,
};

static uint32_t crc_update(uint32_t crc, const void *data, size_t len)
{
	const uint8_t *p = data;
	for (size_t i = 0; i < len; i++) {
		crc ^= p[i];
		crc = (crc >> NIBBLE_BITS) ^ crc_nibble[crc & NIBBLE_MASK];
		crc = (crc >> NIBBLE_BITS) ^ crc_nibble[crc & NIBBLE_MASK];
	}
	return crc;
}

uint32_t kaal_fs_crc32(const void *data, size_t len)
{
	return crc_update(CRC_INITIAL, data, len) ^ CRC_INITIAL;
}

uint32_t kaal_fs_super_crc(const struct kaal_fs_super *sb)
{
	/* The crc field counts as zero bytes. */
	const uint32_t zero_crc = 0;
	const size_t at = offsetof(struct kaal_fs_super, crc);
	const size_t after = at + sizeof(sb->crc);
	uint32_t crc = crc_update(CRC_INITIAL, sb, at);
	crc = crc_update(crc, &zero_crc, sizeof(zero_crc));
	crc = crc_update(crc, (const uint8_t *)sb + after, sizeof(*sb) - after);
	return crc ^ CRC_INITIAL;
}

int kaal_fs_super_sealed(const struct kaal_fs_super *sb)
{
	return sb->magic == KAAL_FS_MAGIC && sb->version == KAAL_FS_VERSION &&
	       sb->crc == kaal_fs_super_crc(sb);
}

static int all_zero(const void *bytes, size_t len)
{
	const uint8_t *p = bytes;
	for (size_t i = 0; i < len; i++)
		if (p[i])
			return 0;
	return 1;
}

/* A reference is empty (block 0, crc 0) or names a block past the superblock slots. */
static int ref_ok(const struct kaal_fs_ref *ref, uint32_t block_count)
{
	if (ref->block == 0)
		return ref->crc == 0;
	return ref->block >= KAAL_FS_SUPER_SLOTS && ref->block < block_count;
}

int kaal_fs_super_fields_ok(const struct kaal_fs_super *sb, uint64_t disk_blocks)
{
	if (sb->block_count < KAAL_FS_MIN_BLOCKS || sb->block_count > KAAL_FS_MAX_BLOCKS ||
	    sb->block_count > disk_blocks)
		return 0;
	if (sb->inode_count != KAAL_FS_MAX_INODES || sb->reserved != 0 ||
	    !all_zero(sb->zero, sizeof(sb->zero)))
		return 0;
	/* Table block 0 holds the root, so it always exists. */
	if (sb->table[0].block == 0)
		return 0;
	for (uint32_t t = 0; t < KAAL_FS_TABLE_BLOCKS; t++)
		if (!ref_ok(&sb->table[t], sb->block_count))
			return 0;
	uint32_t bitmaps = kaal_fs_bitmap_blocks(sb->block_count);
	for (uint32_t b = 0; b < KAAL_FS_BITMAP_BLOCKS; b++) {
		if (!ref_ok(&sb->bitmap[b], sb->block_count))
			return 0;
		if ((b < bitmaps) != (sb->bitmap[b].block != 0))
			return 0;
	}
	return 1;
}

int kaal_fs_name_ok(const char *name, uint32_t len)
{
	if (len == 0 || len > KAAL_FS_NAME_MAX)
		return 0;
	if (name[0] == '.' && (len == 1 || (len == 2 && name[1] == '.')))
		return 0;
	for (uint32_t i = 0; i < len; i++)
		if (name[i] == '/' || name[i] == '\0')
			return 0;
	return 1;
}

static int pointer_ok(uint32_t block, uint32_t block_count)
{
	return block == 0 || (block >= KAAL_FS_SUPER_SLOTS && block < block_count);
}

enum kaal_fs_problem_kind kaal_fs_inode_problem(const struct kaal_fs_inode *inode, uint32_t ino,
                                                uint32_t block_count)
{
	if (ino == KAAL_FS_ROOT_INODE && inode->type != KAAL_FS_TYPE_DIRECTORY)
		return KAAL_FS_PROBLEM_ROOT;
	if (inode->type == KAAL_FS_TYPE_FREE)
		return all_zero(inode, sizeof(*inode)) ? KAAL_FS_NO_PROBLEM : KAAL_FS_PROBLEM_INODE;
	if (inode->type != KAAL_FS_TYPE_FILE && inode->type != KAAL_FS_TYPE_DIRECTORY)
		return KAAL_FS_PROBLEM_INODE;
	if (inode->reserved0 || !all_zero(inode->reserved1, sizeof(inode->reserved1)))
		return KAAL_FS_PROBLEM_INODE;
	if (ino == KAAL_FS_ROOT_INODE) {
		if (inode->parent != KAAL_FS_ROOT_INODE || inode->name_len != 0 ||
		    !all_zero(inode->name, sizeof(inode->name)))
			return KAAL_FS_PROBLEM_ROOT;
	} else {
		if (!kaal_fs_name_ok(inode->name, inode->name_len) ||
		    !all_zero(inode->name + inode->name_len, KAAL_FS_NAME_BYTES - inode->name_len))
			return KAAL_FS_PROBLEM_NAME;
		if (inode->parent >= KAAL_FS_MAX_INODES || inode->parent == ino)
			return KAAL_FS_PROBLEM_PARENT;
	}
	if (inode->indirect == 0 && inode->indirect_crc != 0)
		return KAAL_FS_PROBLEM_INODE;
	if (inode->type == KAAL_FS_TYPE_DIRECTORY) {
		if (inode->size != 0 || inode->indirect != 0 ||
		    !all_zero(inode->direct, sizeof(inode->direct)))
			return KAAL_FS_PROBLEM_SIZE;
		return KAAL_FS_NO_PROBLEM;
	}
	if (inode->size > KAAL_FS_MAX_FILE_BYTES)
		return KAAL_FS_PROBLEM_SIZE;
	uint32_t blocks = kaal_fs_blocks_of(inode->size);
	for (uint32_t i = 0; i < KAAL_FS_DIRECT; i++) {
		if (!pointer_ok(inode->direct[i], block_count))
			return KAAL_FS_PROBLEM_RANGE;
		if (i >= blocks && inode->direct[i] != 0)
			return KAAL_FS_PROBLEM_SIZE;
	}
	if (!pointer_ok(inode->indirect, block_count))
		return KAAL_FS_PROBLEM_RANGE;
	if (blocks <= KAAL_FS_DIRECT && inode->indirect != 0)
		return KAAL_FS_PROBLEM_SIZE;
	return KAAL_FS_NO_PROBLEM;
}

enum kaal_fs_problem_kind kaal_fs_pointers_problem(const uint32_t *pointers, uint64_t size,
                                                   uint32_t block_count)
{
	uint32_t blocks = kaal_fs_blocks_of(size);
	for (uint32_t i = 0; i < KAAL_FS_POINTERS; i++) {
		if (!pointer_ok(pointers[i], block_count))
			return KAAL_FS_PROBLEM_RANGE;
		if (KAAL_FS_DIRECT + i >= blocks && pointers[i] != 0)
			return KAAL_FS_PROBLEM_SIZE;
	}
	return KAAL_FS_NO_PROBLEM;
}

static const char *const status_names[KAAL_FS_STATUS_COUNT] = {
    [KAAL_FS_OK] = "KAAL_FS_OK",
    [KAAL_FS_END] = "KAAL_FS_END",
    [KAAL_FS_INVALID_ARGUMENT] = "KAAL_FS_INVALID_ARGUMENT",
    [KAAL_FS_BAD_NAME] = "KAAL_FS_BAD_NAME",
    [KAAL_FS_NOT_FOUND] = "KAAL_FS_NOT_FOUND",
    [KAAL_FS_EXISTS] = "KAAL_FS_EXISTS",
    [KAAL_FS_NO_SPACE] = "KAAL_FS_NO_SPACE",
    [KAAL_FS_BAD_HANDLE] = "KAAL_FS_BAD_HANDLE",
    [KAAL_FS_TOO_LARGE] = "KAAL_FS_TOO_LARGE",
    [KAAL_FS_NOT_EMPTY] = "KAAL_FS_NOT_EMPTY",
    [KAAL_FS_IS_DIRECTORY] = "KAAL_FS_IS_DIRECTORY",
    [KAAL_FS_NOT_DIRECTORY] = "KAAL_FS_NOT_DIRECTORY",
    [KAAL_FS_IO_ERROR] = "KAAL_FS_IO_ERROR",
    [KAAL_FS_CORRUPT] = "KAAL_FS_CORRUPT",
    [KAAL_FS_NOT_FORMATTED] = "KAAL_FS_NOT_FORMATTED",
    [KAAL_FS_NOT_MOUNTED] = "KAAL_FS_NOT_MOUNTED",
};

const char *kaal_fs_status_name(enum kaal_fs_status status)
{
	if ((unsigned)status >= KAAL_FS_STATUS_COUNT)
		return "KAAL_FS_UNKNOWN";
	return status_names[status];
}

static const char *const problem_texts[KAAL_FS_PROBLEM_COUNT] = {
    [KAAL_FS_PROBLEM_NO_SUPERBLOCK] = "neither superblock slot holds a valid superblock",
    [KAAL_FS_PROBLEM_SUPER_FIELDS] = "a superblock's checksum holds but its fields are impossible",
    [KAAL_FS_PROBLEM_RANGE] = "a block reference points outside the file system",
    [KAAL_FS_PROBLEM_CHECKSUM] = "a metadata block does not match its checksum",
    [KAAL_FS_PROBLEM_SHARED] = "a block is referenced more than once",
    [KAAL_FS_PROBLEM_LEAKED] = "the bitmap marks a block nothing references",
    [KAAL_FS_PROBLEM_UNMARKED] = "a referenced block is free in the bitmap",
    [KAAL_FS_PROBLEM_ROOT] = "inode 0 is not the root directory",
    [KAAL_FS_PROBLEM_INODE] = "an inode's type or reserved bytes are wrong",
    [KAAL_FS_PROBLEM_NAME] = "an entry's name is invalid",
    [KAAL_FS_PROBLEM_PARENT] = "an entry's parent is not a directory",
    [KAAL_FS_PROBLEM_DUPLICATE] = "two entries of one directory share a name",
    [KAAL_FS_PROBLEM_DETACHED] = "an entry's parents do not lead to the root",
    [KAAL_FS_PROBLEM_SIZE] = "a size past the limit, or blocks past the size",
    [KAAL_FS_PROBLEM_TAIL] = "bytes past a file's size in its last block are not zero",
};

const char *kaal_fs_problem_text(enum kaal_fs_problem_kind kind)
{
	if ((unsigned)kind >= KAAL_FS_PROBLEM_COUNT)
		return "unknown problem";
	return problem_texts[kind];
}
