/*
 * The file system: mount, the operations on the in-memory state, and the
 * commit (docs/filesystem.md). The whole inode table and the block bitmap
 * live in struct kaal_fs; file data and indirect blocks go to disk as they
 * are written, always to a block no durable superblock references, and
 * sync writes the changed table and bitmap blocks the same way before it
 * seals them with a superblock.
 */
#include <string.h>

#include "fs_internal.h"

#define HANDLE_INODE_BITS 16u
#define HANDLE_INODE_MASK 0xffffu
#define FIRST_GENERATION  1u
#define BITS_PER_WORD     64u

/* The inode table, both bitmaps and the scratch blocks: docs/filesystem.md states the size. */
_Static_assert(sizeof(struct kaal_fs) <= 420u * 1024u, "struct kaal_fs grew past its budget");

/* The first argument check of every operation on a mounted file system. */
#define REQUIRE_MOUNTED(fs)                                                                        \
	do {                                                                                       \
		if (!(fs))                                                                         \
			return KAAL_FS_INVALID_ARGUMENT;                                           \
		if ((fs)->mounted != KAAL_FS_MOUNTED)                                              \
			return KAAL_FS_NOT_MOUNTED;                                                \
	} while (0)

static int disk_ok(const struct kaal_fs_disk *disk)
{
	return disk && disk->read && disk->write && disk->flush;
}

static enum kaal_fs_status disk_read(struct kaal_fs *fs, uint32_t block, void *buf)
{
	return fs->disk.read(fs->disk.ctx, block, buf) == 0 ? KAAL_FS_OK : KAAL_FS_IO_ERROR;
}

static enum kaal_fs_status disk_write(struct kaal_fs *fs, uint32_t block, const void *buf)
{
	return fs->disk.write(fs->disk.ctx, block, buf) == 0 ? KAAL_FS_OK : KAAL_FS_IO_ERROR;
}

static enum kaal_fs_status disk_flush(struct kaal_fs *fs)
{
	return fs->disk.flush(fs->disk.ctx) == 0 ? KAAL_FS_OK : KAAL_FS_IO_ERROR;
}

/* Bits set in a word, without a library call (the aarch64 build has none). */
static uint32_t ones(uint64_t w)
{
	w = w - ((w >> 1) & 0x5555555555555555u);
	w = (w & 0x3333333333333333u) + ((w >> 2) & 0x3333333333333333u);
	w = (w + (w >> 4)) & 0x0f0f0f0f0f0f0f0fu;
	return (uint32_t)((w * 0x0101010101010101u) >> 56);
}

static uint32_t bitmap_words(const struct kaal_fs *fs)
{
	return (fs->block_count + BITS_PER_WORD - 1u) / BITS_PER_WORD;
}

/* ---- Blocks: allocation and release ---- */

static void mark_dirty_bitmap(struct kaal_fs *fs, uint32_t block)
{
	fs->bitmap_dirty[block / KAAL_FS_BITS_PER_BLOCK] = 1;
}

/* A block neither used nor held, or 0 when there is none. */
static uint32_t alloc_block(struct kaal_fs *fs)
{
	uint32_t words = bitmap_words(fs);
	uint32_t start = fs->alloc_cursor / BITS_PER_WORD;
	for (uint32_t n = 0; n < words; n++) {
		uint32_t w = (start + n) % words;
		uint64_t taken = fs->used[w] | fs->held[w];
		if (w == words - 1u && fs->block_count % BITS_PER_WORD)
			taken |= ~(uint64_t)0 << (fs->block_count % BITS_PER_WORD);
		if (taken == ~(uint64_t)0)
			continue;
		uint32_t block = w * BITS_PER_WORD + (uint32_t)__builtin_ctzll(~taken);
		kaal_fs_bit_set(fs->used, block);
		mark_dirty_bitmap(fs, block);
		fs->free_blocks--;
		fs->alloc_cursor = block + 1u < fs->block_count ? block + 1u : 0;
		return block;
	}
	return 0;
}

/* The current state stops referencing block; a durable state may still hold it. */
static void release_block(struct kaal_fs *fs, uint32_t block)
{
	kaal_fs_bit_clear(fs->used, block);
	mark_dirty_bitmap(fs, block);
	if (kaal_fs_bit(fs->held, block))
		fs->held_count++;
	else
		fs->free_blocks++;
}

/* An operation may take n blocks and still leave sync its reserve. */
static int have_blocks(const struct kaal_fs *fs, uint32_t n)
{
	return fs->free_blocks >= fs->reserve && fs->free_blocks - fs->reserve >= n;
}

/* Undo an operation's allocations (none was held, so each is free again). */
static void undo_op(struct kaal_fs *fs, uint32_t new_count)
{
	for (uint32_t i = 0; i < new_count; i++)
		release_block(fs, fs->op_new[i]);
}

static void finish_op(struct kaal_fs *fs, uint32_t old_count)
{
	for (uint32_t i = 0; i < old_count; i++)
		release_block(fs, fs->op_old[i]);
}

/* ---- Inodes, names and handles ---- */

static void inode_changed(struct kaal_fs *fs, uint32_t ino)
{
	fs->table_dirty[ino / KAAL_FS_INODES_PER_BLOCK] = 1;
}

static kaal_fs_handle make_handle(const struct kaal_fs *fs, uint32_t ino)
{
	return (uint32_t)fs->handle_gen[ino] << HANDLE_INODE_BITS | ino;
}

static enum kaal_fs_status handle_inode(const struct kaal_fs *fs, kaal_fs_handle h, uint32_t *ino)
{
	uint32_t i = h & HANDLE_INODE_MASK;
	if (i >= KAAL_FS_MAX_INODES || fs->inode[i].type == KAAL_FS_TYPE_FREE ||
	    fs->handle_gen[i] != h >> HANDLE_INODE_BITS)
		return KAAL_FS_BAD_HANDLE;
	*ino = i;
	return KAAL_FS_OK;
}

/* The file behind a handle, refusing a directory. */
static enum kaal_fs_status file_inode(const struct kaal_fs *fs, kaal_fs_handle h, uint32_t *ino)
{
	enum kaal_fs_status st = handle_inode(fs, h, ino);
	if (st != KAAL_FS_OK)
		return st;
	return fs->inode[*ino].type == KAAL_FS_TYPE_FILE ? KAAL_FS_OK : KAAL_FS_IS_DIRECTORY;
}

static uint32_t find_child(const struct kaal_fs *fs, uint32_t dir, const char *name, uint32_t len)
{
	for (uint32_t i = 1; i < KAAL_FS_MAX_INODES; i++) {
		const struct kaal_fs_inode *in = &fs->inode[i];
		if (in->type != KAAL_FS_TYPE_FREE && in->parent == dir && in->name_len == len &&
		    memcmp(in->name, name, len) == 0)
			return i;
	}
	return KAAL_FS_NO_INODE;
}

static uint32_t child_count(const struct kaal_fs *fs, uint32_t dir)
{
	uint32_t n = 0;
	for (uint32_t i = 1; i < KAAL_FS_MAX_INODES; i++)
		if (fs->inode[i].type != KAAL_FS_TYPE_FREE && fs->inode[i].parent == dir)
			n++;
	return n;
}

/* Checks a path's syntax: absolute, each component a valid name, within the limits. */
static enum kaal_fs_status path_syntax(const char *path)
{
	if (!path)
		return KAAL_FS_INVALID_ARGUMENT;
	if (path[0] != '/')
		return KAAL_FS_BAD_NAME;
	if (path[1] == '\0')
		return KAAL_FS_OK;
	uint32_t start = 1;
	for (uint32_t i = 1;; i++) {
		if (i > KAAL_FS_PATH_MAX)
			return KAAL_FS_TOO_LARGE;
		if (path[i] != '/' && path[i] != '\0')
			continue;
		uint32_t len = i - start;
		if (len > KAAL_FS_NAME_MAX)
			return KAAL_FS_TOO_LARGE;
		if (!kaal_fs_name_ok(path + start, len))
			return KAAL_FS_BAD_NAME;
		if (path[i] == '\0')
			return KAAL_FS_OK;
		start = i + 1u;
	}
}

/*
 * Walks path to its last component: *dir is the directory holding it,
 * *leaf and *leaf_len its name (leaf_len 0 for the root itself).
 */
static enum kaal_fs_status walk(const struct kaal_fs *fs, const char *path, uint32_t *dir,
                                const char **leaf, uint32_t *leaf_len)
{
	enum kaal_fs_status st = path_syntax(path);
	if (st != KAAL_FS_OK)
		return st;
	*dir = KAAL_FS_ROOT_INODE;
	*leaf = path + 1;
	*leaf_len = 0;
	if (path[1] == '\0')
		return KAAL_FS_OK;
	const char *name = path + 1;
	for (;;) {
		uint32_t len = 0;
		while (name[len] != '/' && name[len] != '\0')
			len++;
		if (name[len] == '\0') {
			*leaf = name;
			*leaf_len = len;
			return KAAL_FS_OK;
		}
		uint32_t child = find_child(fs, *dir, name, len);
		if (child == KAAL_FS_NO_INODE)
			return KAAL_FS_NOT_FOUND;
		if (fs->inode[child].type != KAAL_FS_TYPE_DIRECTORY)
			return KAAL_FS_NOT_DIRECTORY;
		*dir = child;
		name += len + 1u;
	}
}

/* The inode a path names. */
static enum kaal_fs_status resolve(const struct kaal_fs *fs, const char *path, uint32_t *ino)
{
	uint32_t dir;
	const char *leaf;
	uint32_t leaf_len;
	enum kaal_fs_status st = walk(fs, path, &dir, &leaf, &leaf_len);
	if (st != KAAL_FS_OK)
		return st;
	if (leaf_len == 0) {
		*ino = KAAL_FS_ROOT_INODE;
		return KAAL_FS_OK;
	}
	*ino = find_child(fs, dir, leaf, leaf_len);
	return *ino == KAAL_FS_NO_INODE ? KAAL_FS_NOT_FOUND : KAAL_FS_OK;
}

/* ---- File blocks ---- */

/* The indirect block of a file into fs->pointers, checked; zeros when it has none. */
static enum kaal_fs_status load_pointers(struct kaal_fs *fs, const struct kaal_fs_inode *in)
{
	if (in->indirect == 0) {
		memset(fs->pointers, 0, sizeof(fs->pointers));
		return KAAL_FS_OK;
	}
	enum kaal_fs_status st = disk_read(fs, in->indirect, fs->pointers);
	if (st != KAAL_FS_OK)
		return st;
	if (kaal_fs_crc32(fs->pointers, sizeof(fs->pointers)) != in->indirect_crc ||
	    kaal_fs_pointers_problem(fs->pointers, in->size, fs->block_count) != KAAL_FS_NO_PROBLEM)
		return KAAL_FS_CORRUPT;
	return KAAL_FS_OK;
}

/* Where block i of a file is recorded: the inode, or fs->pointers as loaded. */
static uint32_t *block_slot(struct kaal_fs *fs, struct kaal_fs_inode *in, uint32_t i)
{
	return i < KAAL_FS_DIRECT ? &in->direct[i] : &fs->pointers[i - KAAL_FS_DIRECT];
}

/* ---- Mount and format ---- */

static void count_free(struct kaal_fs *fs)
{
	uint32_t used = 0;
	for (uint32_t w = 0; w < bitmap_words(fs); w++)
		used += ones(fs->used[w]);
	fs->free_blocks = fs->block_count - used;
	fs->held_count = 0;
}

static void start_state(struct kaal_fs *fs, const struct kaal_fs_disk *disk, uint32_t block_count)
{
	struct kaal_fs_disk keep = *disk; /* disk may point into fs */
	memset(fs, 0, sizeof(*fs));
	fs->disk = keep;
	fs->block_count = block_count;
	fs->bitmap_blocks = kaal_fs_bitmap_blocks(block_count);
	fs->reserve = KAAL_FS_TABLE_BLOCKS + fs->bitmap_blocks;
	for (uint32_t i = 0; i < KAAL_FS_MAX_INODES; i++)
		fs->handle_gen[i] = FIRST_GENERATION;
}

/* Whether a slot as read may be mounted, and its generation. */
static int slot_valid(const struct kaal_fs *fs, const void *bytes, uint64_t *generation)
{
	struct kaal_fs_super sb;
	memcpy(&sb, bytes, sizeof(sb));
	*generation = sb.generation;
	return kaal_fs_super_sealed(&sb) && kaal_fs_super_fields_ok(&sb, fs->disk.block_count);
}

/* Reads slot 0 into fs->block and slot 1 into fs->pointers; *newest: the one to mount, or -1. */
static enum kaal_fs_status read_slots(struct kaal_fs *fs, int *newest)
{
	void *bytes[KAAL_FS_SUPER_SLOTS] = {fs->block, fs->pointers};
	int valid[KAAL_FS_SUPER_SLOTS];
	uint64_t generation[KAAL_FS_SUPER_SLOTS];
	for (uint32_t s = 0; s < KAAL_FS_SUPER_SLOTS; s++) {
		enum kaal_fs_status st = disk_read(fs, s, bytes[s]);
		if (st != KAAL_FS_OK)
			return st;
		valid[s] = slot_valid(fs, bytes[s], &generation[s]);
	}
	*newest = -1;
	if (valid[0] || valid[1])
		*newest = valid[1] && (!valid[0] || generation[1] > generation[0]) ? 1 : 0;
	return KAAL_FS_OK;
}

/* Loads the state the superblock in fs->block describes, checking what it reads. */
static enum kaal_fs_status load_state(struct kaal_fs *fs)
{
	struct kaal_fs_super sb;
	memcpy(&sb, fs->block, sizeof(sb));
	uint32_t block_count = sb.block_count;
	start_state(fs, &fs->disk, block_count);
	fs->generation = sb.generation;
	memcpy(fs->table, sb.table, sizeof(fs->table));
	memcpy(fs->bitmap, sb.bitmap, sizeof(fs->bitmap));
	for (uint32_t t = 0; t < KAAL_FS_TABLE_BLOCKS; t++) {
		if (fs->table[t].block == 0)
			continue;
		void *dst = &fs->inode[t * KAAL_FS_INODES_PER_BLOCK];
		enum kaal_fs_status st = disk_read(fs, fs->table[t].block, dst);
		if (st != KAAL_FS_OK)
			return st;
		if (kaal_fs_crc32(dst, KAAL_FS_BLOCK_BYTES) != fs->table[t].crc)
			return KAAL_FS_CORRUPT;
	}
	for (uint32_t b = 0; b < fs->bitmap_blocks; b++) {
		void *dst = &fs->used[b * KAAL_FS_WORDS_PER_BITMAP_BLOCK];
		enum kaal_fs_status st = disk_read(fs, fs->bitmap[b].block, dst);
		if (st != KAAL_FS_OK)
			return st;
		if (kaal_fs_crc32(dst, KAAL_FS_BLOCK_BYTES) != fs->bitmap[b].crc)
			return KAAL_FS_CORRUPT;
	}
	/* Bits past the end would make blocks that do not exist allocatable later. */
	for (uint32_t b = block_count; b < fs->bitmap_blocks * KAAL_FS_BITS_PER_BLOCK; b++)
		if (kaal_fs_bit(fs->used, b))
			return KAAL_FS_CORRUPT;
	for (uint32_t s = 0; s < KAAL_FS_SUPER_SLOTS; s++)
		if (!kaal_fs_bit(fs->used, s))
			return KAAL_FS_CORRUPT;
	for (uint32_t i = 0; i < KAAL_FS_MAX_INODES; i++) {
		const struct kaal_fs_inode *in = &fs->inode[i];
		if (kaal_fs_inode_problem(in, i, block_count) != KAAL_FS_NO_PROBLEM)
			return KAAL_FS_CORRUPT;
		if (in->type != KAAL_FS_TYPE_FREE &&
		    fs->inode[in->parent].type != KAAL_FS_TYPE_DIRECTORY)
			return KAAL_FS_CORRUPT;
	}
	memcpy(fs->held, fs->used, sizeof(fs->held));
	count_free(fs);
	return KAAL_FS_OK;
}

enum kaal_fs_status kaal_fs_mount(struct kaal_fs *fs, const struct kaal_fs_disk *disk)
{
	if (!fs || !disk_ok(disk))
		return KAAL_FS_INVALID_ARGUMENT;
	start_state(fs, disk, 0);
	int newest;
	enum kaal_fs_status st = read_slots(fs, &newest);
	if (st != KAAL_FS_OK)
		return st;
	if (newest < 0)
		return KAAL_FS_NOT_FORMATTED;
	if (newest == 1)
		memcpy(fs->block, fs->pointers, sizeof(fs->block));
	st = load_state(fs);
	if (st != KAAL_FS_OK) {
		fs->mounted = 0;
		return st;
	}
	fs->mounted = KAAL_FS_MOUNTED;
	return KAAL_FS_OK;
}

/*
 * Clears both slots so that no superblock of an earlier file system can win
 * over the new one: the older slot first and durably, so that a format cut
 * short leaves that file system at its newest commit, whole, or none.
 */
static enum kaal_fs_status clear_slots(struct kaal_fs *fs)
{
	int newest;
	enum kaal_fs_status st = read_slots(fs, &newest);
	if (st != KAAL_FS_OK)
		return st;
	uint32_t newer = newest == 1 ? 1u : 0u;
	uint32_t order[KAAL_FS_SUPER_SLOTS] = {1u - newer, newer};
	memset(fs->block, 0, sizeof(fs->block));
	for (uint32_t i = 0; i < KAAL_FS_SUPER_SLOTS; i++) {
		st = disk_write(fs, order[i], fs->block);
		if (st == KAAL_FS_OK)
			st = disk_flush(fs);
		if (st != KAAL_FS_OK)
			return st;
	}
	return KAAL_FS_OK;
}

enum kaal_fs_status kaal_fs_format(struct kaal_fs *fs, const struct kaal_fs_disk *disk)
{
	if (!fs || !disk_ok(disk))
		return KAAL_FS_INVALID_ARGUMENT;
	if (disk->block_count < KAAL_FS_MIN_BLOCKS)
		return KAAL_FS_NO_SPACE;
	uint32_t block_count = disk->block_count > KAAL_FS_MAX_BLOCKS ? KAAL_FS_MAX_BLOCKS
	                                                              : (uint32_t)disk->block_count;
	start_state(fs, disk, block_count);
	enum kaal_fs_status st = clear_slots(fs);
	if (st != KAAL_FS_OK)
		return st;
	for (uint32_t s = 0; s < KAAL_FS_SUPER_SLOTS; s++)
		kaal_fs_bit_set(fs->used, s);
	fs->free_blocks = block_count - KAAL_FS_SUPER_SLOTS;
	fs->inode[KAAL_FS_ROOT_INODE].type = KAAL_FS_TYPE_DIRECTORY;
	inode_changed(fs, KAAL_FS_ROOT_INODE);
	for (uint32_t b = 0; b < fs->bitmap_blocks; b++)
		fs->bitmap_dirty[b] = 1;
	fs->mounted = KAAL_FS_MOUNTED;
	st = kaal_fs_sync(fs);
	if (st != KAAL_FS_OK)
		fs->mounted = 0;
	return st;
}

/* ---- Commit ---- */

/* Gives a metadata block a place the next write may go to: its own unless a durable state holds it.
 */
static enum kaal_fs_status place(struct kaal_fs *fs, struct kaal_fs_ref *ref)
{
	if (ref->block != 0 && !kaal_fs_bit(fs->held, ref->block))
		return KAAL_FS_OK;
	uint32_t block = alloc_block(fs);
	if (block == 0)
		return KAAL_FS_NO_SPACE;
	if (ref->block != 0)
		release_block(fs, ref->block);
	ref->block = block;
	return KAAL_FS_OK;
}

static int table_block_empty(const struct kaal_fs *fs, uint32_t t)
{
	for (uint32_t i = 0; i < KAAL_FS_INODES_PER_BLOCK; i++)
		if (fs->inode[t * KAAL_FS_INODES_PER_BLOCK + i].type != KAAL_FS_TYPE_FREE)
			return 0;
	return 1;
}

static enum kaal_fs_status write_tables(struct kaal_fs *fs)
{
	for (uint32_t t = 0; t < KAAL_FS_TABLE_BLOCKS; t++) {
		if (!fs->table_dirty[t])
			continue;
		struct kaal_fs_ref *ref = &fs->table[t];
		if (t != 0 && table_block_empty(fs, t)) {
			if (ref->block != 0)
				release_block(fs, ref->block);
			*ref = (struct kaal_fs_ref){0};
			continue;
		}
		enum kaal_fs_status st = place(fs, ref);
		if (st != KAAL_FS_OK)
			return st;
		const void *src = &fs->inode[t * KAAL_FS_INODES_PER_BLOCK];
		ref->crc = kaal_fs_crc32(src, KAAL_FS_BLOCK_BYTES);
		st = disk_write(fs, ref->block, src);
		if (st != KAAL_FS_OK)
			return st;
	}
	return KAAL_FS_OK;
}

static enum kaal_fs_status write_bitmaps(struct kaal_fs *fs)
{
	/* Placing a bitmap block changes bits, maybe in another bitmap block: until none moves. */
	int moved;
	do {
		moved = 0;
		for (uint32_t b = 0; b < fs->bitmap_blocks; b++) {
			struct kaal_fs_ref *ref = &fs->bitmap[b];
			if (!fs->bitmap_dirty[b] ||
			    (ref->block && !kaal_fs_bit(fs->held, ref->block)))
				continue;
			enum kaal_fs_status st = place(fs, ref);
			if (st != KAAL_FS_OK)
				return st;
			moved = 1;
		}
	} while (moved);
	for (uint32_t b = 0; b < fs->bitmap_blocks; b++) {
		if (!fs->bitmap_dirty[b])
			continue;
		const void *src = &fs->used[b * KAAL_FS_WORDS_PER_BITMAP_BLOCK];
		fs->bitmap[b].crc = kaal_fs_crc32(src, KAAL_FS_BLOCK_BYTES);
		enum kaal_fs_status st = disk_write(fs, fs->bitmap[b].block, src);
		if (st != KAAL_FS_OK)
			return st;
	}
	return KAAL_FS_OK;
}

/*
 * The superblock write or its flush failed: the disk may hold either
 * commit, so every block of both stays untouched until a commit completes.
 */
static void hold_both(struct kaal_fs *fs)
{
	for (uint32_t w = 0; w < bitmap_words(fs); w++)
		fs->held[w] |= fs->used[w];
}

static enum kaal_fs_status write_super(struct kaal_fs *fs)
{
	struct kaal_fs_super sb;
	memset(&sb, 0, sizeof(sb));
	sb.magic = KAAL_FS_MAGIC;
	sb.version = KAAL_FS_VERSION;
	sb.generation = fs->generation + 1u;
	sb.block_count = fs->block_count;
	sb.inode_count = KAAL_FS_MAX_INODES;
	memcpy(sb.table, fs->table, sizeof(sb.table));
	memcpy(sb.bitmap, fs->bitmap, sizeof(sb.bitmap));
	sb.crc = kaal_fs_super_crc(&sb);
	memcpy(fs->block, &sb, sizeof(sb));
	/* The other slot holds the newest durable commit: this one never overwrites it. */
	return disk_write(fs, (uint32_t)(sb.generation % KAAL_FS_SUPER_SLOTS), fs->block);
}

static int anything_dirty(const struct kaal_fs *fs)
{
	for (uint32_t t = 0; t < KAAL_FS_TABLE_BLOCKS; t++)
		if (fs->table_dirty[t])
			return 1;
	for (uint32_t b = 0; b < fs->bitmap_blocks; b++)
		if (fs->bitmap_dirty[b])
			return 1;
	return 0;
}

enum kaal_fs_status kaal_fs_sync(struct kaal_fs *fs)
{
	REQUIRE_MOUNTED(fs);
	if (!anything_dirty(fs))
		return KAAL_FS_OK;
	enum kaal_fs_status st = write_tables(fs);
	if (st == KAAL_FS_OK)
		st = write_bitmaps(fs);
	/* Every block the new superblock names is durable before the superblock can be. */
	if (st == KAAL_FS_OK)
		st = disk_flush(fs);
	if (st != KAAL_FS_OK)
		return st;
	st = write_super(fs);
	/* The commit is durable before any block only the old one references is reused. */
	if (st == KAAL_FS_OK)
		st = disk_flush(fs);
	if (st != KAAL_FS_OK) {
		hold_both(fs);
		return st;
	}
	fs->generation++;
	memcpy(fs->held, fs->used, sizeof(fs->held));
	fs->free_blocks += fs->held_count;
	fs->held_count = 0;
	memset(fs->table_dirty, 0, sizeof(fs->table_dirty));
	memset(fs->bitmap_dirty, 0, sizeof(fs->bitmap_dirty));
	return KAAL_FS_OK;
}

/* ---- Operations ---- */

enum kaal_fs_status kaal_fs_lookup(struct kaal_fs *fs, const char *path, kaal_fs_handle *out)
{
	REQUIRE_MOUNTED(fs);
	if (!out)
		return KAAL_FS_INVALID_ARGUMENT;
	uint32_t ino;
	enum kaal_fs_status st = resolve(fs, path, &ino);
	if (st != KAAL_FS_OK)
		return st;
	*out = make_handle(fs, ino);
	return KAAL_FS_OK;
}

static enum kaal_fs_status make(struct kaal_fs *fs, const char *path, enum kaal_fs_type type,
                                kaal_fs_handle *out)
{
	REQUIRE_MOUNTED(fs);
	uint32_t dir;
	const char *leaf;
	uint32_t leaf_len;
	enum kaal_fs_status st = walk(fs, path, &dir, &leaf, &leaf_len);
	if (st != KAAL_FS_OK)
		return st;
	if (leaf_len == 0 || find_child(fs, dir, leaf, leaf_len) != KAAL_FS_NO_INODE)
		return KAAL_FS_EXISTS;
	uint32_t ino = 1;
	while (ino < KAAL_FS_MAX_INODES && fs->inode[ino].type != KAAL_FS_TYPE_FREE)
		ino++;
	if (ino == KAAL_FS_MAX_INODES)
		return KAAL_FS_NO_SPACE;
	struct kaal_fs_inode *in = &fs->inode[ino];
	in->type = (uint8_t)type;
	in->parent = dir;
	in->name_len = (uint8_t)leaf_len;
	memcpy(in->name, leaf, leaf_len);
	inode_changed(fs, ino);
	if (out)
		*out = make_handle(fs, ino);
	return KAAL_FS_OK;
}

enum kaal_fs_status kaal_fs_create(struct kaal_fs *fs, const char *path, kaal_fs_handle *out)
{
	return make(fs, path, KAAL_FS_TYPE_FILE, out);
}

enum kaal_fs_status kaal_fs_mkdir(struct kaal_fs *fs, const char *path, kaal_fs_handle *out)
{
	return make(fs, path, KAAL_FS_TYPE_DIRECTORY, out);
}

enum kaal_fs_status kaal_fs_remove(struct kaal_fs *fs, const char *path)
{
	REQUIRE_MOUNTED(fs);
	uint32_t ino;
	enum kaal_fs_status st = resolve(fs, path, &ino);
	if (st != KAAL_FS_OK)
		return st;
	if (ino == KAAL_FS_ROOT_INODE)
		return KAAL_FS_INVALID_ARGUMENT;
	struct kaal_fs_inode *in = &fs->inode[ino];
	if (in->type == KAAL_FS_TYPE_DIRECTORY && child_count(fs, ino) != 0)
		return KAAL_FS_NOT_EMPTY;
	if (in->type == KAAL_FS_TYPE_FILE) {
		/* Read before anything is released: a failed read leaves the file whole. */
		st = load_pointers(fs, in);
		if (st != KAAL_FS_OK)
			return st;
		uint32_t blocks = kaal_fs_blocks_of(in->size);
		for (uint32_t i = 0; i < blocks; i++) {
			uint32_t b = *block_slot(fs, in, i);
			if (b != 0)
				release_block(fs, b);
		}
		if (in->indirect != 0)
			release_block(fs, in->indirect);
	}
	memset(in, 0, sizeof(*in));
	fs->handle_gen[ino]++;
	if (fs->handle_gen[ino] == 0)
		fs->handle_gen[ino] = FIRST_GENERATION;
	inode_changed(fs, ino);
	return KAAL_FS_OK;
}

enum kaal_fs_status kaal_fs_read(struct kaal_fs *fs, kaal_fs_handle file, uint64_t offset,
                                 void *buf, size_t len, size_t *got)
{
	REQUIRE_MOUNTED(fs);
	if (!got || (!buf && len))
		return KAAL_FS_INVALID_ARGUMENT;
	uint32_t ino;
	enum kaal_fs_status st = file_inode(fs, file, &ino);
	if (st != KAAL_FS_OK)
		return st;
	*got = 0;
	struct kaal_fs_inode *in = &fs->inode[ino];
	if (offset >= in->size || len == 0)
		return KAAL_FS_OK;
	size_t n = in->size - offset < len ? (size_t)(in->size - offset) : len;
	if ((offset + n - 1u) / KAAL_FS_BLOCK_BYTES >= KAAL_FS_DIRECT) {
		st = load_pointers(fs, in);
		if (st != KAAL_FS_OK)
			return st;
	}
	uint8_t *dst = buf;
	for (size_t done = 0; done < n;) {
		uint64_t at = offset + done;
		uint32_t within = (uint32_t)(at % KAAL_FS_BLOCK_BYTES);
		size_t chunk = KAAL_FS_BLOCK_BYTES - within;
		if (chunk > n - done)
			chunk = n - done;
		uint32_t block = *block_slot(fs, in, (uint32_t)(at / KAAL_FS_BLOCK_BYTES));
		if (block == 0) {
			memset(dst + done, 0, chunk);
		} else if (chunk == KAAL_FS_BLOCK_BYTES) {
			st = disk_read(fs, block, dst + done);
		} else {
			st = disk_read(fs, block, fs->block);
			memcpy(dst + done, fs->block + within, chunk);
		}
		if (st != KAAL_FS_OK)
			return st;
		done += chunk;
	}
	*got = n;
	return KAAL_FS_OK;
}

enum kaal_fs_status kaal_fs_write(struct kaal_fs *fs, kaal_fs_handle file, uint64_t offset,
                                  const void *buf, size_t len)
{
	REQUIRE_MOUNTED(fs);
	if (!buf && len)
		return KAAL_FS_INVALID_ARGUMENT;
	uint32_t ino;
	enum kaal_fs_status st = file_inode(fs, file, &ino);
	if (st != KAAL_FS_OK)
		return st;
	if (offset > KAAL_FS_MAX_FILE_BYTES || len > KAAL_FS_MAX_FILE_BYTES - offset)
		return KAAL_FS_TOO_LARGE;
	if (len == 0)
		return KAAL_FS_OK;
	struct kaal_fs_inode next = fs->inode[ino];
	uint32_t first = (uint32_t)(offset / KAAL_FS_BLOCK_BYTES);
	uint32_t last = (uint32_t)((offset + len - 1u) / KAAL_FS_BLOCK_BYTES);
	int indirect = last >= KAAL_FS_DIRECT;
	if (!have_blocks(fs, last - first + 1u + (indirect ? 1u : 0u)))
		return KAAL_FS_NO_SPACE;
	if (indirect) {
		st = load_pointers(fs, &next);
		if (st != KAAL_FS_OK)
			return st;
	}
	/* Every block goes to a new place: the old one stays whole until the operation is done. */
	uint32_t new_count = 0;
	uint32_t old_count = 0;
	const uint8_t *src = buf;
	for (uint32_t i = first; i <= last; i++) {
		uint64_t block_start = (uint64_t)i * KAAL_FS_BLOCK_BYTES;
		uint64_t from = offset > block_start ? offset : block_start;
		uint64_t to = offset + len < block_start + KAAL_FS_BLOCK_BYTES
		                  ? offset + len
		                  : block_start + KAAL_FS_BLOCK_BYTES;
		uint32_t *slot = block_slot(fs, &next, i);
		const void *data = src + (from - offset);
		if (to - from < KAAL_FS_BLOCK_BYTES) {
			if (*slot != 0)
				st = disk_read(fs, *slot, fs->block);
			else
				memset(fs->block, 0, sizeof(fs->block));
			if (st != KAAL_FS_OK)
				break;
			memcpy(fs->block + (from - block_start), data, (size_t)(to - from));
			data = fs->block;
		}
		uint32_t block = alloc_block(fs);
		fs->op_new[new_count++] = block;
		st = disk_write(fs, block, data);
		if (st != KAAL_FS_OK)
			break;
		if (*slot != 0)
			fs->op_old[old_count++] = *slot;
		*slot = block;
	}
	if (st == KAAL_FS_OK && indirect) {
		uint32_t block = alloc_block(fs);
		fs->op_new[new_count++] = block;
		st = disk_write(fs, block, fs->pointers);
		if (next.indirect != 0)
			fs->op_old[old_count++] = next.indirect;
		next.indirect = block;
		next.indirect_crc = kaal_fs_crc32(fs->pointers, sizeof(fs->pointers));
	}
	if (st != KAAL_FS_OK) {
		undo_op(fs, new_count);
		return st;
	}
	if (offset + len > next.size)
		next.size = offset + len;
	finish_op(fs, old_count);
	fs->inode[ino] = next;
	inode_changed(fs, ino);
	return KAAL_FS_OK;
}

enum kaal_fs_status kaal_fs_truncate(struct kaal_fs *fs, kaal_fs_handle file, uint64_t size)
{
	REQUIRE_MOUNTED(fs);
	uint32_t ino;
	enum kaal_fs_status st = file_inode(fs, file, &ino);
	if (st != KAAL_FS_OK)
		return st;
	if (size > KAAL_FS_MAX_FILE_BYTES)
		return KAAL_FS_TOO_LARGE;
	struct kaal_fs_inode next = fs->inode[ino];
	if (size == next.size)
		return KAAL_FS_OK;
	if (size > next.size) {
		/* Bytes past the old size are zero already (below): the new ones read as a hole. */
		fs->inode[ino].size = size;
		inode_changed(fs, ino);
		return KAAL_FS_OK;
	}
	uint32_t keep = kaal_fs_blocks_of(size);
	uint32_t had = kaal_fs_blocks_of(next.size);
	st = load_pointers(fs, &next);
	if (st != KAAL_FS_OK)
		return st;
	/* The kept part of a last block loses its tail, so that a later growth reads zeros. */
	uint32_t within = (uint32_t)(size % KAAL_FS_BLOCK_BYTES);
	int tail = within != 0 && *block_slot(fs, &next, keep - 1u) != 0;
	int rewrite_indirect = keep > KAAL_FS_DIRECT && next.indirect != 0;
	if (!have_blocks(fs, (tail ? 1u : 0u) + (rewrite_indirect ? 1u : 0u)))
		return KAAL_FS_NO_SPACE;
	uint32_t old_count = 0;
	uint32_t new_count = 0;
	for (uint32_t i = keep; i < had; i++) {
		uint32_t *slot = block_slot(fs, &next, i);
		if (*slot != 0)
			fs->op_old[old_count++] = *slot;
		*slot = 0;
	}
	if (tail) {
		uint32_t *slot = block_slot(fs, &next, keep - 1u);
		st = disk_read(fs, *slot, fs->block);
		if (st != KAAL_FS_OK)
			return st;
		memset(fs->block + within, 0, KAAL_FS_BLOCK_BYTES - within);
		uint32_t block = alloc_block(fs);
		fs->op_new[new_count++] = block;
		st = disk_write(fs, block, fs->block);
		fs->op_old[old_count++] = *slot;
		*slot = block;
	}
	if (st == KAAL_FS_OK && next.indirect != 0) {
		fs->op_old[old_count++] = next.indirect;
		next.indirect = 0;
		next.indirect_crc = 0;
		if (rewrite_indirect) {
			uint32_t block = alloc_block(fs);
			fs->op_new[new_count++] = block;
			st = disk_write(fs, block, fs->pointers);
			next.indirect = block;
			next.indirect_crc = kaal_fs_crc32(fs->pointers, sizeof(fs->pointers));
		}
	}
	if (st != KAAL_FS_OK) {
		undo_op(fs, new_count);
		return st;
	}
	next.size = size;
	finish_op(fs, old_count);
	fs->inode[ino] = next;
	inode_changed(fs, ino);
	return KAAL_FS_OK;
}

static void fill_stat(const struct kaal_fs *fs, uint32_t ino, struct kaal_fs_stat *out)
{
	const struct kaal_fs_inode *in = &fs->inode[ino];
	memset(out, 0, sizeof(*out));
	out->handle = make_handle(fs, ino);
	out->type = (enum kaal_fs_type)in->type;
	out->size = in->type == KAAL_FS_TYPE_DIRECTORY ? child_count(fs, ino) : in->size;
	out->name_len = in->name_len;
	memcpy(out->name, in->name, in->name_len);
}

enum kaal_fs_status kaal_fs_stat(struct kaal_fs *fs, kaal_fs_handle handle,
                                 struct kaal_fs_stat *out)
{
	REQUIRE_MOUNTED(fs);
	if (!out)
		return KAAL_FS_INVALID_ARGUMENT;
	uint32_t ino;
	enum kaal_fs_status st = handle_inode(fs, handle, &ino);
	if (st != KAAL_FS_OK)
		return st;
	fill_stat(fs, ino, out);
	return KAAL_FS_OK;
}

enum kaal_fs_status kaal_fs_list(struct kaal_fs *fs, kaal_fs_handle dir, uint32_t *cursor,
                                 struct kaal_fs_stat *out)
{
	REQUIRE_MOUNTED(fs);
	if (!cursor || !out)
		return KAAL_FS_INVALID_ARGUMENT;
	uint32_t ino;
	enum kaal_fs_status st = handle_inode(fs, dir, &ino);
	if (st != KAAL_FS_OK)
		return st;
	if (fs->inode[ino].type != KAAL_FS_TYPE_DIRECTORY)
		return KAAL_FS_NOT_DIRECTORY;
	/* The cursor is the next inode number to look at: the root is nobody's entry. */
	for (uint32_t i = *cursor > 1u ? *cursor : 1u; i < KAAL_FS_MAX_INODES; i++) {
		if (fs->inode[i].type != KAAL_FS_TYPE_FREE && fs->inode[i].parent == ino) {
			fill_stat(fs, i, out);
			*cursor = i + 1u;
			return KAAL_FS_OK;
		}
	}
	*cursor = KAAL_FS_MAX_INODES;
	return KAAL_FS_END;
}

enum kaal_fs_status kaal_fs_space(struct kaal_fs *fs, struct kaal_fs_space *out)
{
	REQUIRE_MOUNTED(fs);
	if (!out)
		return KAAL_FS_INVALID_ARGUMENT;
	out->total_blocks = fs->block_count;
	out->free_blocks = fs->free_blocks > fs->reserve ? fs->free_blocks - fs->reserve : 0;
	out->held_blocks = fs->held_count;
	out->free_entries = 0;
	for (uint32_t i = 1; i < KAAL_FS_MAX_INODES; i++)
		if (fs->inode[i].type == KAAL_FS_TYPE_FREE)
			out->free_entries++;
	return KAAL_FS_OK;
}
