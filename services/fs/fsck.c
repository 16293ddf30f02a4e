/*
 * The checker: reads the newest valid commit as mount would, but goes on
 * past each problem to find the rest, and follows every reference to
 * count each block it reaches. work->held serves as the set of reached
 * blocks, work->used as the bitmap on disk, work->op_new as the list of
 * live inodes.
 */
#include <string.h>

#include "fs_internal.h"

struct checker {
	struct kaal_fs *fs;
	kaal_fs_problem_fn report;
	void *ctx;
	struct kaal_fs_check_summary *summary;
};

static void problem(struct checker *c, enum kaal_fs_problem_kind kind, uint32_t ino, uint64_t block)
{
	c->summary->problems++;
	if (!c->report)
		return;
	struct kaal_fs_problem p = {.kind = kind, .inode = ino, .block = block};
	c->report(c->ctx, &p);
}

static enum kaal_fs_status read_block(struct checker *c, uint32_t block, void *buf)
{
	return c->fs->disk.read(c->fs->disk.ctx, block, buf) == 0 ? KAAL_FS_OK : KAAL_FS_IO_ERROR;
}

/* Counts a reference to block: whether it is in range and reached for the first time. */
static int reach(struct checker *c, uint32_t block, uint32_t ino)
{
	struct kaal_fs *fs = c->fs;
	if (block < KAAL_FS_SUPER_SLOTS || block >= fs->block_count) {
		problem(c, KAAL_FS_PROBLEM_RANGE, ino, block);
		return 0;
	}
	if (kaal_fs_bit(fs->held, block)) {
		problem(c, KAAL_FS_PROBLEM_SHARED, ino, block);
		return 0;
	}
	kaal_fs_bit_set(fs->held, block);
	return 1;
}

/* Reads a metadata block a reference names into buf; 1 when it is whole and its checksum holds. */
static enum kaal_fs_status read_meta(struct checker *c, uint32_t block, uint32_t crc, void *buf,
                                     uint32_t ino, int *ok)
{
	*ok = 0;
	if (!reach(c, block, ino))
		return KAAL_FS_OK;
	enum kaal_fs_status st = read_block(c, block, buf);
	if (st != KAAL_FS_OK)
		return st;
	if (kaal_fs_crc32(buf, KAAL_FS_BLOCK_BYTES) != crc) {
		problem(c, KAAL_FS_PROBLEM_CHECKSUM, ino, block);
		return KAAL_FS_OK;
	}
	*ok = 1;
	return KAAL_FS_OK;
}

/* Both slots: which are valid, and the newest into fs->block. */
static enum kaal_fs_status check_slots(struct checker *c)
{
	struct kaal_fs *fs = c->fs;
	struct kaal_fs_check_summary *sum = c->summary;
	void *bytes[KAAL_FS_SUPER_SLOTS] = {fs->block, fs->pointers};
	sum->slot = -1;
	for (uint32_t s = 0; s < KAAL_FS_SUPER_SLOTS; s++) {
		enum kaal_fs_status st = read_block(c, s, bytes[s]);
		if (st != KAAL_FS_OK)
			return st;
		struct kaal_fs_super sb;
		memcpy(&sb, bytes[s], sizeof(sb));
		int sealed = kaal_fs_super_sealed(&sb);
		sum->slot_valid[s] = sealed && kaal_fs_super_fields_ok(&sb, fs->disk.block_count);
		sum->slot_generation[s] = sealed ? sb.generation : 0;
		if (sealed && !sum->slot_valid[s])
			problem(c, KAAL_FS_PROBLEM_SUPER_FIELDS, KAAL_FS_NO_INODE, s);
		if (sum->slot_valid[s] &&
		    (sum->slot < 0 || sb.generation > sum->slot_generation[sum->slot]))
			sum->slot = (int)s;
	}
	if (sum->slot < 0) {
		problem(c, KAAL_FS_PROBLEM_NO_SUPERBLOCK, KAAL_FS_NO_INODE, 0);
		return KAAL_FS_OK;
	}
	if (sum->slot == 1)
		memcpy(fs->block, fs->pointers, sizeof(fs->block));
	return KAAL_FS_OK;
}

/* The inode table and the bitmap the superblock in fs->block names. */
static enum kaal_fs_status load_tables(struct checker *c)
{
	struct kaal_fs *fs = c->fs;
	struct kaal_fs_super sb;
	memcpy(&sb, fs->block, sizeof(sb));
	fs->block_count = sb.block_count;
	fs->bitmap_blocks = kaal_fs_bitmap_blocks(sb.block_count);
	c->summary->generation = sb.generation;
	c->summary->block_count = sb.block_count;
	for (uint32_t s = 0; s < KAAL_FS_SUPER_SLOTS; s++)
		kaal_fs_bit_set(fs->held, s);
	for (uint32_t t = 0; t < KAAL_FS_TABLE_BLOCKS; t++) {
		if (sb.table[t].block == 0)
			continue;
		int ok;
		enum kaal_fs_status st = read_meta(c, sb.table[t].block, sb.table[t].crc, fs->block,
		                                   KAAL_FS_NO_INODE, &ok);
		if (st != KAAL_FS_OK)
			return st;
		/* A table block that fails its checksum is left out: its inodes read as free. */
		if (ok)
			memcpy(&fs->inode[t * KAAL_FS_INODES_PER_BLOCK], fs->block,
			       KAAL_FS_BLOCK_BYTES);
	}
	for (uint32_t b = 0; b < fs->bitmap_blocks; b++) {
		int ok;
		void *dst = &fs->used[b * KAAL_FS_WORDS_PER_BITMAP_BLOCK];
		enum kaal_fs_status st =
		    read_meta(c, sb.bitmap[b].block, sb.bitmap[b].crc, dst, KAAL_FS_NO_INODE, &ok);
		if (st != KAAL_FS_OK)
			return st;
		/* A bitmap block that cannot be trusted is not compared (bitmap_dirty marks it). */
		fs->bitmap_dirty[b] = (uint8_t)!ok;
	}
	return KAAL_FS_OK;
}

/* The tail of a file's last block, past its size, must be zero. */
static enum kaal_fs_status check_tail(struct checker *c, uint32_t ino, uint32_t block)
{
	struct kaal_fs *fs = c->fs;
	uint32_t within = (uint32_t)(fs->inode[ino].size % KAAL_FS_BLOCK_BYTES);
	if (within == 0 || block == 0)
		return KAAL_FS_OK;
	enum kaal_fs_status st = read_block(c, block, fs->block);
	if (st != KAAL_FS_OK)
		return st;
	for (uint32_t i = within; i < KAAL_FS_BLOCK_BYTES; i++) {
		if (fs->block[i] != 0) {
			problem(c, KAAL_FS_PROBLEM_TAIL, ino, block);
			break;
		}
	}
	return KAAL_FS_OK;
}

/* Reaches a file's blocks, its indirect block's checksum and pointers included. */
static enum kaal_fs_status check_file(struct checker *c, uint32_t ino)
{
	struct kaal_fs *fs = c->fs;
	const struct kaal_fs_inode *in = &fs->inode[ino];
	uint32_t blocks = kaal_fs_blocks_of(in->size);
	uint32_t last = 0;
	for (uint32_t i = 0; i < KAAL_FS_DIRECT; i++) {
		if (in->direct[i] != 0 && reach(c, in->direct[i], ino) && i + 1u == blocks)
			last = in->direct[i];
	}
	if (in->indirect != 0) {
		int ok;
		enum kaal_fs_status st =
		    read_meta(c, in->indirect, in->indirect_crc, fs->pointers, ino, &ok);
		if (st != KAAL_FS_OK)
			return st;
		if (ok) {
			enum kaal_fs_problem_kind kind =
			    kaal_fs_pointers_problem(fs->pointers, in->size, fs->block_count);
			/* Pointers out of range are reported one by one as they are reached. */
			if (kind != KAAL_FS_NO_PROBLEM && kind != KAAL_FS_PROBLEM_RANGE)
				problem(c, kind, ino, in->indirect);
			for (uint32_t i = 0; i < KAAL_FS_POINTERS; i++) {
				uint32_t b = fs->pointers[i];
				if (b != 0 && reach(c, b, ino) && KAAL_FS_DIRECT + i + 1u == blocks)
					last = b;
			}
		}
	}
	return check_tail(c, ino, last);
}

/* Each inode on its own, then its blocks; live inodes are listed in op_new. */
static enum kaal_fs_status check_inodes(struct checker *c, uint32_t *live)
{
	struct kaal_fs *fs = c->fs;
	*live = 0;
	for (uint32_t i = 0; i < KAAL_FS_MAX_INODES; i++) {
		const struct kaal_fs_inode *in = &fs->inode[i];
		enum kaal_fs_problem_kind kind = kaal_fs_inode_problem(in, i, fs->block_count);
		if (kind != KAAL_FS_NO_PROBLEM && kind != KAAL_FS_PROBLEM_RANGE)
			problem(c, kind, i, 0);
		if (in->type == KAAL_FS_TYPE_DIRECTORY) {
			c->summary->directories++;
		} else if (in->type == KAAL_FS_TYPE_FILE) {
			c->summary->files++;
			enum kaal_fs_status st = check_file(c, i);
			if (st != KAAL_FS_OK)
				return st;
		} else {
			continue;
		}
		if (i != KAAL_FS_ROOT_INODE)
			fs->op_new[(*live)++] = i;
	}
	return KAAL_FS_OK;
}

/* Parents are directories, names unique in each, and every entry leads up to the root. */
static void check_tree(struct checker *c, uint32_t live)
{
	struct kaal_fs *fs = c->fs;
	for (uint32_t n = 0; n < live; n++) {
		uint32_t i = fs->op_new[n];
		const struct kaal_fs_inode *in = &fs->inode[i];
		if (in->parent >= KAAL_FS_MAX_INODES ||
		    fs->inode[in->parent].type != KAAL_FS_TYPE_DIRECTORY) {
			problem(c, KAAL_FS_PROBLEM_PARENT, i, 0);
			continue;
		}
		for (uint32_t m = 0; m < n; m++) {
			const struct kaal_fs_inode *other = &fs->inode[fs->op_new[m]];
			if (other->parent == in->parent && other->name_len == in->name_len &&
			    memcmp(other->name, in->name, in->name_len) == 0) {
				problem(c, KAAL_FS_PROBLEM_DUPLICATE, i, 0);
				break;
			}
		}
		uint32_t up = in->parent;
		for (uint32_t steps = 0; up != KAAL_FS_ROOT_INODE && steps < KAAL_FS_MAX_INODES;
		     steps++)
			up = fs->inode[up].parent < KAAL_FS_MAX_INODES ? fs->inode[up].parent
			                                               : KAAL_FS_ROOT_INODE;
		if (up != KAAL_FS_ROOT_INODE)
			problem(c, KAAL_FS_PROBLEM_DETACHED, i, 0);
	}
}

/* The bitmap marks exactly the reached blocks, and nothing past the end. */
static void check_bitmap(struct checker *c)
{
	struct kaal_fs *fs = c->fs;
	uint32_t end = fs->bitmap_blocks * KAAL_FS_BITS_PER_BLOCK;
	for (uint32_t b = 0; b < end; b++) {
		if (fs->bitmap_dirty[b / KAAL_FS_BITS_PER_BLOCK])
			continue;
		int marked = kaal_fs_bit(fs->used, b);
		int reached = kaal_fs_bit(fs->held, b);
		c->summary->used_blocks += (uint32_t)marked;
		if (b >= fs->block_count && marked)
			problem(c, KAAL_FS_PROBLEM_RANGE, KAAL_FS_NO_INODE, b);
		else if (marked && !reached)
			problem(c, KAAL_FS_PROBLEM_LEAKED, KAAL_FS_NO_INODE, b);
		else if (reached && !marked)
			problem(c, KAAL_FS_PROBLEM_UNMARKED, KAAL_FS_NO_INODE, b);
	}
}

enum kaal_fs_status kaal_fs_check(struct kaal_fs *work, const struct kaal_fs_disk *disk,
                                  kaal_fs_problem_fn report, void *ctx,
                                  struct kaal_fs_check_summary *summary)
{
	if (!work || !disk || !disk->read || !summary)
		return KAAL_FS_INVALID_ARGUMENT;
	struct kaal_fs_disk keep = *disk;
	memset(work, 0, sizeof(*work));
	memset(summary, 0, sizeof(*summary));
	work->disk = keep;
	struct checker c = {.fs = work, .report = report, .ctx = ctx, .summary = summary};
	enum kaal_fs_status st = check_slots(&c);
	if (st != KAAL_FS_OK || summary->slot < 0)
		return st;
	st = load_tables(&c);
	if (st != KAAL_FS_OK)
		return st;
	uint32_t live;
	st = check_inodes(&c, &live);
	if (st != KAAL_FS_OK)
		return st;
	check_tree(&c, live);
	check_bitmap(&c);
	return KAAL_FS_OK;
}
