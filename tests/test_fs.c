/*
 * The file system on a simulated disk (fs_disk.h): every operation and its
 * errors (the state unchanged after each), persistence across mounts,
 * injected I/O errors, garbage and tampered disks the checker must catch,
 * and the crash campaign: random operations cut by power losses that keep,
 * drop or tear cached writes, after which the disk must mount, check clean
 * and hold exactly the last completed sync (or the one in flight).
 *
 * KAAL_FS_CRASH_SEEDS and KAAL_FS_CRASH_FIRST_SEED set how many crashes
 * the campaign runs and from which seed (docs/filesystem.md).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fs.h"
#include "fs_disk.h"
#include "fs_internal.h"

#define DISK_BLOCKS   512u
#define SMALL_BLOCKS  KAAL_FS_MIN_BLOCKS
#define BIG_BLOCKS    2048u
#define B             KAAL_FS_BLOCK_BYTES
#define FNV_OFFSET    0xcbf29ce484222325u
#define FNV_PRIME     0x100000001b3u
#define DEFAULT_SEEDS 400u

static struct kaal_fs fs;
static struct kaal_fs other; /* a second mount, or the checker's scratch */
static struct fs_disk disk;
static struct kaal_fs_disk iface;
static uint8_t buf[256 * 1024];
static uint8_t back[256 * 1024];

static int fresh(void **state)
{
	(void)state;
	fs_disk_init(&disk, DISK_BLOCKS, 1);
	iface = fs_disk_iface(&disk);
	return kaal_fs_format(&fs, &iface) == KAAL_FS_OK ? 0 : -1;
}

static int done(void **state)
{
	(void)state;
	fs_disk_free(&disk);
	return 0;
}

#define FS_CASE(fn) cmocka_unit_test_setup_teardown(fn, fresh, done)

static void fill(uint8_t *p, size_t n, uint64_t seed)
{
	for (size_t i = 0; i < n; i++) {
		if (i % 8 == 0)
			seed = fs_rand(&seed);
		p[i] = (uint8_t)(seed >> (8 * (i % 8)));
	}
}

static uint64_t mix(uint64_t h, const void *p, size_t n)
{
	const uint8_t *b = p;
	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * FNV_PRIME;
	return h;
}

/* A hash of everything below dir: names, types, sizes and file bytes. */
static uint64_t digest_dir(struct kaal_fs *f, kaal_fs_handle dir, uint64_t h)
{
	uint32_t cursor = 0;
	struct kaal_fs_stat st;
	enum kaal_fs_status s;
	while ((s = kaal_fs_list(f, dir, &cursor, &st)) == KAAL_FS_OK) {
		h = mix(h, st.name, st.name_len + 1u);
		h = mix(h, &st.type, sizeof(st.type));
		h = mix(h, &st.size, sizeof(st.size));
		if (st.type == KAAL_FS_TYPE_DIRECTORY) {
			h = digest_dir(f, st.handle, h);
			continue;
		}
		for (uint64_t off = 0;; off += sizeof(back)) {
			size_t got;
			assert_int_equal(KAAL_FS_OK,
			                 kaal_fs_read(f, st.handle, off, back, sizeof(back), &got));
			if (got == 0)
				break;
			h = mix(h, back, got);
		}
	}
	assert_int_equal(KAAL_FS_END, s);
	return h;
}

/* The whole tree: what a mount of the same commit must show again. */
static uint64_t digest(struct kaal_fs *f)
{
	kaal_fs_handle root;
	assert_int_equal(KAAL_FS_OK, kaal_fs_lookup(f, "/", &root));
	return digest_dir(f, root, FNV_OFFSET);
}

/* The tree and the free space: what a refused operation must leave as it was. */
static uint64_t state_digest(struct kaal_fs *f)
{
	struct kaal_fs_space sp;
	assert_int_equal(KAAL_FS_OK, kaal_fs_space(f, &sp));
	uint64_t h = digest(f);
	h = mix(h, &sp.total_blocks, sizeof(sp.total_blocks));
	h = mix(h, &sp.free_blocks, sizeof(sp.free_blocks));
	h = mix(h, &sp.held_blocks, sizeof(sp.held_blocks));
	return mix(h, &sp.free_entries, sizeof(sp.free_entries));
}

struct found {
	uint32_t count;
	uint32_t kinds; /* a bit per problem kind */
};

static void collect(void *ctx, const struct kaal_fs_problem *p)
{
	struct found *f = ctx;
	f->count++;
	f->kinds |= 1u << p->kind;
}

/* Runs the checker on the disk; the kinds it found. */
static struct found check_disk(void)
{
	struct found f = {0};
	struct kaal_fs_check_summary sum;
	assert_int_equal(KAAL_FS_OK, kaal_fs_check(&other, &iface, collect, &f, &sum));
	assert_int_equal(f.count, sum.problems);
	return f;
}

static void assert_clean(void)
{
	struct found f = check_disk();
	if (f.count)
		fail_msg("the checker found %u problems (kinds 0x%x)", f.count, f.kinds);
}

static kaal_fs_handle make_file(const char *path, size_t len, uint64_t seed)
{
	kaal_fs_handle h;
	assert_int_equal(KAAL_FS_OK, kaal_fs_create(&fs, path, &h));
	fill(buf, len, seed);
	assert_int_equal(KAAL_FS_OK, kaal_fs_write(&fs, h, 0, buf, len));
	return h;
}

static void assert_bytes(kaal_fs_handle h, uint64_t off, const void *want, size_t len)
{
	size_t got;
	memset(back, 0xaa, len);
	assert_int_equal(KAAL_FS_OK, kaal_fs_read(&fs, h, off, back, len, &got));
	assert_int_equal(len, got);
	assert_memory_equal(want, back, len);
}

static void remount(void)
{
	assert_int_equal(KAAL_FS_OK, kaal_fs_mount(&fs, &iface));
}

/* ---- Names and the basic operations ---- */

static void status_and_problem_names(void **state)
{
	(void)state;
	for (int i = 0; i < KAAL_FS_STATUS_COUNT; i++) {
		const char *name = kaal_fs_status_name((enum kaal_fs_status)i);
		assert_non_null(name);
		assert_int_equal(0, strncmp(name, "KAAL_FS_", 8));
		assert_string_not_equal("KAAL_FS_UNKNOWN", name);
		for (int j = 0; j < i; j++)
			assert_string_not_equal(name, kaal_fs_status_name((enum kaal_fs_status)j));
	}
	assert_string_equal("KAAL_FS_NO_SPACE", kaal_fs_status_name(KAAL_FS_NO_SPACE));
	assert_string_equal("KAAL_FS_UNKNOWN", kaal_fs_status_name(KAAL_FS_STATUS_COUNT));
	for (int i = 0; i < KAAL_FS_PROBLEM_COUNT; i++)
		assert_string_not_equal("unknown problem",
		                        kaal_fs_problem_text((enum kaal_fs_problem_kind)i));
	assert_string_equal("unknown problem", kaal_fs_problem_text(KAAL_FS_PROBLEM_COUNT));
	/* The checksum is the common CRC32: its check value. */
	assert_int_equal(0xcbf43926u, kaal_fs_crc32("123456789", 9));
}

static void format_gives_an_empty_root(void **state)
{
	(void)state;
	kaal_fs_handle root;
	assert_int_equal(KAAL_FS_OK, kaal_fs_lookup(&fs, "/", &root));
	struct kaal_fs_stat st;
	assert_int_equal(KAAL_FS_OK, kaal_fs_stat(&fs, root, &st));
	assert_int_equal(KAAL_FS_TYPE_DIRECTORY, st.type);
	assert_int_equal(0, st.size);
	assert_int_equal(0, st.name_len);
	uint32_t cursor = 0;
	assert_int_equal(KAAL_FS_END, kaal_fs_list(&fs, root, &cursor, &st));
	struct kaal_fs_space sp;
	assert_int_equal(KAAL_FS_OK, kaal_fs_space(&fs, &sp));
	assert_int_equal(DISK_BLOCKS, sp.total_blocks);
	assert_int_equal(KAAL_FS_MAX_ENTRIES, sp.free_entries);
	assert_int_equal(0, sp.held_blocks);
	/* Two slots, one table block, one bitmap block; the reserve is not offered. */
	assert_int_equal(DISK_BLOCKS - 4u - (KAAL_FS_TABLE_BLOCKS + 1u), sp.free_blocks);
	assert_clean();
	remount();
	assert_int_equal(KAAL_FS_OK, kaal_fs_lookup(&fs, "/", &root));
}

static void format_and_mount_refuse_bad_arguments(void **state)
{
	(void)state;
	assert_int_equal(KAAL_FS_INVALID_ARGUMENT, kaal_fs_format(NULL, &iface));
	assert_int_equal(KAAL_FS_INVALID_ARGUMENT, kaal_fs_format(&other, NULL));
	assert_int_equal(KAAL_FS_INVALID_ARGUMENT, kaal_fs_mount(NULL, &iface));
	assert_int_equal(KAAL_FS_INVALID_ARGUMENT, kaal_fs_mount(&other, NULL));
	struct kaal_fs_disk broken = iface;
	broken.flush = NULL;
	assert_int_equal(KAAL_FS_INVALID_ARGUMENT, kaal_fs_format(&other, &broken));
	broken = iface;
	broken.write = NULL;
	assert_int_equal(KAAL_FS_INVALID_ARGUMENT, kaal_fs_mount(&other, &broken));
	broken = iface;
	broken.read = NULL;
	assert_int_equal(KAAL_FS_INVALID_ARGUMENT, kaal_fs_mount(&other, &broken));
	struct kaal_fs_check_summary sum;
	assert_int_equal(KAAL_FS_INVALID_ARGUMENT,
	                 kaal_fs_check(&other, &broken, NULL, NULL, &sum));
	assert_int_equal(KAAL_FS_INVALID_ARGUMENT, kaal_fs_check(NULL, &iface, NULL, NULL, &sum));
	assert_int_equal(KAAL_FS_INVALID_ARGUMENT, kaal_fs_check(&other, &iface, NULL, NULL, NULL));
	assert_int_equal(KAAL_FS_INVALID_ARGUMENT, kaal_fs_check(&other, NULL, NULL, NULL, &sum));
	/* Too small a disk, and the file system already there stays. */
	struct kaal_fs_disk small = iface;
	small.block_count = KAAL_FS_MIN_BLOCKS - 1u;
	assert_int_equal(KAAL_FS_NO_SPACE, kaal_fs_format(&other, &small));
	remount();
	assert_clean();
}

static void operations_need_a_mounted_file_system(void **state)
{
	(void)state;
	static struct kaal_fs blank;
	struct kaal_fs *none[] = {&blank, NULL};
	enum kaal_fs_status want[] = {KAAL_FS_NOT_MOUNTED, KAAL_FS_INVALID_ARGUMENT};
	for (int i = 0; i < 2; i++) {
		struct kaal_fs *f = none[i];
		kaal_fs_handle h;
		size_t got;
		uint32_t cursor = 0;
		struct kaal_fs_stat st;
		struct kaal_fs_space sp;
		assert_int_equal(want[i], kaal_fs_lookup(f, "/", &h));
		assert_int_equal(want[i], kaal_fs_create(f, "/a", &h));
		assert_int_equal(want[i], kaal_fs_mkdir(f, "/a", &h));
		assert_int_equal(want[i], kaal_fs_remove(f, "/a"));
		assert_int_equal(want[i], kaal_fs_read(f, 1, 0, buf, 1, &got));
		assert_int_equal(want[i], kaal_fs_write(f, 1, 0, buf, 1));
		assert_int_equal(want[i], kaal_fs_truncate(f, 1, 0));
		assert_int_equal(want[i], kaal_fs_stat(f, 1, &st));
		assert_int_equal(want[i], kaal_fs_list(f, 1, &cursor, &st));
		assert_int_equal(want[i], kaal_fs_space(f, &sp));
		assert_int_equal(want[i], kaal_fs_sync(f));
	}
}

static void create_mkdir_lookup_and_stat(void **state)
{
	(void)state;
	kaal_fs_handle file, dir, sub, deep, again;
	assert_int_equal(KAAL_FS_OK, kaal_fs_create(&fs, "/a", &file));
	assert_int_equal(KAAL_FS_OK, kaal_fs_mkdir(&fs, "/d", &dir));
	assert_int_equal(KAAL_FS_OK, kaal_fs_mkdir(&fs, "/d/e", &sub));
	assert_int_equal(KAAL_FS_OK, kaal_fs_create(&fs, "/d/e/f", &deep));
	assert_int_equal(KAAL_FS_OK, kaal_fs_create(&fs, "/d/a", NULL));
	assert_int_equal(KAAL_FS_OK, kaal_fs_lookup(&fs, "/d/e/f", &again));
	assert_int_equal(deep, again);
	assert_int_equal(KAAL_FS_OK, kaal_fs_lookup(&fs, "/a", &again));
	assert_int_equal(file, again);
	assert_int_not_equal(0, file);
	struct kaal_fs_stat st;
	assert_int_equal(KAAL_FS_OK, kaal_fs_stat(&fs, file, &st));
	assert_int_equal(KAAL_FS_TYPE_FILE, st.type);
	assert_int_equal(0, st.size);
	assert_string_equal("a", st.name);
	assert_int_equal(KAAL_FS_OK, kaal_fs_stat(&fs, dir, &st));
	assert_int_equal(KAAL_FS_TYPE_DIRECTORY, st.type);
	assert_int_equal(2, st.size); /* entries: e and a */
	assert_string_equal("d", st.name);
	/* A name of the longest length. */
	char path[KAAL_FS_NAME_MAX + 2];
	path[0] = '/';
	memset(path + 1, 'n', KAAL_FS_NAME_MAX);
	path[KAAL_FS_NAME_MAX + 1] = '\0';
	assert_int_equal(KAAL_FS_OK, kaal_fs_create(&fs, path, &file));
	assert_int_equal(KAAL_FS_OK, kaal_fs_stat(&fs, file, &st));
	assert_int_equal(KAAL_FS_NAME_MAX, st.name_len);
	assert_int_equal(KAAL_FS_OK, kaal_fs_sync(&fs));
	assert_clean();
}

static void path_errors_change_nothing(void **state)
{
	(void)state;
	kaal_fs_handle h;
	make_file("/file", 100, 1);
	assert_int_equal(KAAL_FS_OK, kaal_fs_mkdir(&fs, "/dir", NULL));
	uint64_t before = state_digest(&fs);
	static char long_path[KAAL_FS_PATH_MAX + 2];
	memset(long_path, 'p', sizeof(long_path) - 1);
	for (size_t i = 0; i < sizeof(long_path) - 1; i += 10)
		long_path[i] = '/';
	static char long_name[KAAL_FS_NAME_MAX + 3];
	long_name[0] = '/';
	memset(long_name + 1, 'n', KAAL_FS_NAME_MAX + 1);
	struct {
		const char *path;
		enum kaal_fs_status want;
	} cases[] = {
	    {"", KAAL_FS_BAD_NAME},
	    {"file", KAAL_FS_BAD_NAME},
	    {"//x", KAAL_FS_BAD_NAME},
	    {"/x/", KAAL_FS_BAD_NAME},
	    {"/.", KAAL_FS_BAD_NAME},
	    {"/..", KAAL_FS_BAD_NAME},
	    {"/dir/../x", KAAL_FS_BAD_NAME},
	    {"/dir//x", KAAL_FS_BAD_NAME},
	    {long_name, KAAL_FS_TOO_LARGE},
	    {long_path, KAAL_FS_TOO_LARGE},
	    {"/missing/x", KAAL_FS_NOT_FOUND},
	    {"/file/x", KAAL_FS_NOT_DIRECTORY},
	    {NULL, KAAL_FS_INVALID_ARGUMENT},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(cases[i].want, kaal_fs_create(&fs, cases[i].path, &h));
		assert_int_equal(cases[i].want, kaal_fs_mkdir(&fs, cases[i].path, &h));
		assert_int_equal(cases[i].want, kaal_fs_lookup(&fs, cases[i].path, &h));
		assert_int_equal(cases[i].want, kaal_fs_remove(&fs, cases[i].path));
	}
	assert_int_equal(KAAL_FS_EXISTS, kaal_fs_create(&fs, "/file", &h));
	assert_int_equal(KAAL_FS_EXISTS, kaal_fs_mkdir(&fs, "/file", &h));
	assert_int_equal(KAAL_FS_EXISTS, kaal_fs_create(&fs, "/dir", &h));
	assert_int_equal(KAAL_FS_EXISTS, kaal_fs_mkdir(&fs, "/", &h));
	assert_int_equal(KAAL_FS_NOT_FOUND, kaal_fs_lookup(&fs, "/nothing", &h));
	assert_int_equal(KAAL_FS_NOT_FOUND, kaal_fs_remove(&fs, "/nothing"));
	assert_int_equal(KAAL_FS_INVALID_ARGUMENT, kaal_fs_remove(&fs, "/"));
	assert_int_equal(KAAL_FS_INVALID_ARGUMENT, kaal_fs_lookup(&fs, "/file", NULL));
	/* The longest path there may be is a path, not an error of length. */
	long_path[KAAL_FS_PATH_MAX] = '\0';
	assert_int_equal(KAAL_FS_NOT_FOUND, kaal_fs_lookup(&fs, long_path, &h));
	assert_int_equal(before, state_digest(&fs));
	assert_int_equal(KAAL_FS_OK, kaal_fs_sync(&fs));
	assert_clean();
}

static void write_and_read_back(void **state)
{
	(void)state;
	kaal_fs_handle h = make_file("/f", 10000, 7);
	uint8_t want[10000];
	fill(want, sizeof(want), 7);
	assert_bytes(h, 0, want, sizeof(want));
	assert_bytes(h, 4090, want + 4090, 20); /* across a block boundary */
	size_t got = 99;
	assert_int_equal(KAAL_FS_OK, kaal_fs_read(&fs, h, 9990, back, 100, &got));
	assert_int_equal(10, got);
	assert_int_equal(KAAL_FS_OK, kaal_fs_read(&fs, h, 10000, back, 100, &got));
	assert_int_equal(0, got);
	assert_int_equal(KAAL_FS_OK, kaal_fs_read(&fs, h, 1u << 30, back, 100, &got));
	assert_int_equal(0, got);
	assert_int_equal(KAAL_FS_OK, kaal_fs_read(&fs, h, 0, NULL, 0, &got));
	assert_int_equal(0, got);
	/* Overwrite inside, then past the end with a hole between. */
	const char hello[] = "hello";
	assert_int_equal(KAAL_FS_OK, kaal_fs_write(&fs, h, 5000, hello, 5));
	memcpy(want + 5000, hello, 5);
	assert_bytes(h, 0, want, sizeof(want));
	assert_int_equal(KAAL_FS_OK, kaal_fs_write(&fs, h, 30000, hello, 5));
	struct kaal_fs_stat st;
	assert_int_equal(KAAL_FS_OK, kaal_fs_stat(&fs, h, &st));
	assert_int_equal(30005, st.size);
	static const uint8_t zeros[20000];
	assert_bytes(h, 10000, zeros, 20000);
	assert_bytes(h, 30000, hello, 5);
	/* Into the indirect blocks, whole blocks at once. */
	fill(buf, 12 * B, 9);
	assert_int_equal(KAAL_FS_OK, kaal_fs_write(&fs, h, 6 * B, buf, 12 * B));
	assert_bytes(h, 6 * B, buf, 12 * B);
	assert_bytes(h, 0, want, 5005);
	assert_int_equal(KAAL_FS_OK, kaal_fs_write(&fs, h, 40 * B + 1, hello, 5));
	assert_bytes(h, 18 * B, zeros, 20000);
	assert_int_equal(KAAL_FS_OK, kaal_fs_write(&fs, h, 0, NULL, 0));
	assert_int_equal(KAAL_FS_OK, kaal_fs_sync(&fs));
	assert_clean();
	uint64_t before = digest(&fs);
	remount();
	assert_int_equal(before, digest(&fs));
}

static void read_and_write_errors_change_nothing(void **state)
{
	(void)state;
	kaal_fs_handle f = make_file("/f", 100, 1);
	kaal_fs_handle d;
	assert_int_equal(KAAL_FS_OK, kaal_fs_mkdir(&fs, "/d", &d));
	uint64_t before = state_digest(&fs);
	size_t got;
	assert_int_equal(KAAL_FS_IS_DIRECTORY, kaal_fs_read(&fs, d, 0, buf, 1, &got));
	assert_int_equal(KAAL_FS_IS_DIRECTORY, kaal_fs_write(&fs, d, 0, buf, 1));
	assert_int_equal(KAAL_FS_IS_DIRECTORY, kaal_fs_truncate(&fs, d, 0));
	assert_int_equal(KAAL_FS_INVALID_ARGUMENT, kaal_fs_read(&fs, f, 0, NULL, 1, &got));
	assert_int_equal(KAAL_FS_INVALID_ARGUMENT, kaal_fs_read(&fs, f, 0, buf, 1, NULL));
	assert_int_equal(KAAL_FS_INVALID_ARGUMENT, kaal_fs_write(&fs, f, 0, NULL, 1));
	assert_int_equal(KAAL_FS_TOO_LARGE, kaal_fs_write(&fs, f, KAAL_FS_MAX_FILE_BYTES, buf, 1));
	assert_int_equal(KAAL_FS_TOO_LARGE,
	                 kaal_fs_write(&fs, f, KAAL_FS_MAX_FILE_BYTES + 1u, buf, 0));
	assert_int_equal(KAAL_FS_TOO_LARGE, kaal_fs_write(&fs, f, 1, buf, SIZE_MAX));
	assert_int_equal(KAAL_FS_TOO_LARGE, kaal_fs_truncate(&fs, f, KAAL_FS_MAX_FILE_BYTES + 1u));
	kaal_fs_handle wrong[] = {0, f + 5u, f ^ (1u << 16), KAAL_FS_MAX_INODES, UINT32_MAX};
	for (size_t i = 0; i < sizeof(wrong) / sizeof(wrong[0]); i++) {
		struct kaal_fs_stat st;
		assert_int_equal(KAAL_FS_BAD_HANDLE, kaal_fs_read(&fs, wrong[i], 0, buf, 1, &got));
		assert_int_equal(KAAL_FS_BAD_HANDLE, kaal_fs_write(&fs, wrong[i], 0, buf, 1));
		assert_int_equal(KAAL_FS_BAD_HANDLE, kaal_fs_truncate(&fs, wrong[i], 0));
		assert_int_equal(KAAL_FS_BAD_HANDLE, kaal_fs_stat(&fs, wrong[i], &st));
	}
	assert_int_equal(KAAL_FS_INVALID_ARGUMENT, kaal_fs_stat(&fs, f, NULL));
	assert_int_equal(before, state_digest(&fs));
}

static void the_largest_file(void **state)
{
	(void)state;
	fs_disk_free(&disk);
	fs_disk_init(&disk, BIG_BLOCKS, 1);
	iface = fs_disk_iface(&disk);
	assert_int_equal(KAAL_FS_OK, kaal_fs_format(&fs, &iface));
	kaal_fs_handle h;
	assert_int_equal(KAAL_FS_OK, kaal_fs_create(&fs, "/big", &h));
	fill(buf, B, 3);
	assert_int_equal(KAAL_FS_OK, kaal_fs_write(&fs, h, KAAL_FS_MAX_FILE_BYTES - B, buf, B));
	for (uint32_t i = 0; i < KAAL_FS_MAX_FILE_BLOCKS - 1u; i += 16) {
		fill(buf, 16 * B, i);
		size_t n = (KAAL_FS_MAX_FILE_BLOCKS - 1u - i) < 16
		               ? (KAAL_FS_MAX_FILE_BLOCKS - 1u - i) * B
		               : 16 * B;
		assert_int_equal(KAAL_FS_OK, kaal_fs_write(&fs, h, (uint64_t)i * B, buf, n));
	}
	struct kaal_fs_stat st;
	assert_int_equal(KAAL_FS_OK, kaal_fs_stat(&fs, h, &st));
	assert_int_equal(KAAL_FS_MAX_FILE_BYTES, st.size);
	assert_int_equal(KAAL_FS_TOO_LARGE, kaal_fs_write(&fs, h, KAAL_FS_MAX_FILE_BYTES, buf, 1));
	assert_int_equal(KAAL_FS_OK, kaal_fs_sync(&fs));
	assert_clean();
	fill(buf, 16 * B, 1024);
	assert_bytes(h, 1024ull * B, buf, 7 * B);
	/* Removing it frees every block once the removal is committed. */
	struct kaal_fs_space before, held, after;
	assert_int_equal(KAAL_FS_OK, kaal_fs_space(&fs, &before));
	assert_int_equal(KAAL_FS_OK, kaal_fs_remove(&fs, "/big"));
	assert_int_equal(KAAL_FS_OK, kaal_fs_space(&fs, &held));
	assert_int_equal(KAAL_FS_MAX_FILE_BLOCKS + 1u, held.held_blocks);
	assert_int_equal(before.free_blocks, held.free_blocks);
	assert_int_equal(KAAL_FS_OK, kaal_fs_sync(&fs));
	assert_int_equal(KAAL_FS_OK, kaal_fs_space(&fs, &after));
	assert_int_equal(0, after.held_blocks);
	assert_true(after.free_blocks >= before.free_blocks + KAAL_FS_MAX_FILE_BLOCKS);
	assert_clean();
}

static void truncate_shrinks_and_grows(void **state)
{
	(void)state;
	uint8_t want[20 * B];
	fill(want, sizeof(want), 5);
	kaal_fs_handle h = make_file("/t", sizeof(want), 5);
	assert_int_equal(KAAL_FS_OK, kaal_fs_sync(&fs));
	/* Within the indirect blocks, mid-block: the cut tail reads as zeros after growing. */
	assert_int_equal(KAAL_FS_OK, kaal_fs_truncate(&fs, h, 12 * B + 100));
	assert_int_equal(KAAL_FS_OK, kaal_fs_truncate(&fs, h, 14 * B));
	assert_bytes(h, 0, want, 12 * B + 100);
	static const uint8_t zeros[2 * B];
	assert_bytes(h, 12 * B + 100, zeros, 2 * B - 100);
	assert_int_equal(KAAL_FS_OK, kaal_fs_sync(&fs));
	assert_clean();
	/* Back into the direct blocks: the indirect block goes. */
	assert_int_equal(KAAL_FS_OK, kaal_fs_truncate(&fs, h, 3 * B + 1));
	assert_int_equal(KAAL_FS_OK, kaal_fs_truncate(&fs, h, 4 * B));
	assert_bytes(h, 0, want, 3 * B + 1);
	assert_bytes(h, 3 * B + 1, zeros, B - 1);
	/* The same size changes nothing, to zero drops every block. */
	assert_int_equal(KAAL_FS_OK, kaal_fs_truncate(&fs, h, 4 * B));
	assert_int_equal(KAAL_FS_OK, kaal_fs_truncate(&fs, h, 0));
	struct kaal_fs_stat st;
	assert_int_equal(KAAL_FS_OK, kaal_fs_stat(&fs, h, &st));
	assert_int_equal(0, st.size);
	/* Growing a hole, then shrinking to a block boundary and into a hole. */
	assert_int_equal(KAAL_FS_OK, kaal_fs_truncate(&fs, h, 30 * B));
	assert_bytes(h, 29 * B, zeros, B);
	assert_int_equal(KAAL_FS_OK, kaal_fs_write(&fs, h, 20 * B, want, B));
	assert_int_equal(KAAL_FS_OK, kaal_fs_truncate(&fs, h, 10 * B + 5));
	assert_int_equal(KAAL_FS_OK, kaal_fs_truncate(&fs, h, 10 * B));
	assert_int_equal(KAAL_FS_OK, kaal_fs_sync(&fs));
	assert_clean();
	uint64_t before = digest(&fs);
	remount();
	assert_int_equal(before, digest(&fs));
}

static void remove_and_stale_handles(void **state)
{
	(void)state;
	kaal_fs_handle f = make_file("/d-file", 40 * B, 2);
	kaal_fs_handle d;
	assert_int_equal(KAAL_FS_OK, kaal_fs_mkdir(&fs, "/d", &d));
	assert_int_equal(KAAL_FS_OK, kaal_fs_create(&fs, "/d/x", NULL));
	uint64_t before = state_digest(&fs);
	assert_int_equal(KAAL_FS_NOT_EMPTY, kaal_fs_remove(&fs, "/d"));
	assert_int_equal(before, state_digest(&fs));
	assert_int_equal(KAAL_FS_OK, kaal_fs_remove(&fs, "/d/x"));
	assert_int_equal(KAAL_FS_OK, kaal_fs_remove(&fs, "/d"));
	assert_int_equal(KAAL_FS_OK, kaal_fs_remove(&fs, "/d-file"));
	struct kaal_fs_stat st;
	size_t got;
	assert_int_equal(KAAL_FS_BAD_HANDLE, kaal_fs_stat(&fs, d, &st));
	assert_int_equal(KAAL_FS_BAD_HANDLE, kaal_fs_read(&fs, f, 0, buf, 1, &got));
	/* A new file in the same inode gets another handle; the old one stays refused. */
	kaal_fs_handle again;
	assert_int_equal(KAAL_FS_OK, kaal_fs_create(&fs, "/new", &again));
	assert_int_equal(f & 0xffffu, again & 0xffffu);
	assert_int_not_equal(f, again);
	assert_int_equal(KAAL_FS_BAD_HANDLE, kaal_fs_write(&fs, f, 0, buf, 1));
	assert_int_equal(KAAL_FS_OK, kaal_fs_sync(&fs));
	assert_clean();
	kaal_fs_handle root;
	assert_int_equal(KAAL_FS_OK, kaal_fs_lookup(&fs, "/", &root));
	assert_int_equal(KAAL_FS_OK, kaal_fs_stat(&fs, root, &st));
	assert_int_equal(1, st.size);
}

static void handle_generations_wrap_past_zero(void **state)
{
	(void)state;
	kaal_fs_handle h;
	assert_int_equal(KAAL_FS_OK, kaal_fs_create(&fs, "/w", &h));
	/* The last generation before the wrap, as 65535 removals would leave it. */
	fs.handle_gen[h & 0xffffu] = UINT16_MAX;
	assert_int_equal(KAAL_FS_OK, kaal_fs_lookup(&fs, "/w", &h));
	assert_int_equal(UINT16_MAX, h >> 16);
	assert_int_equal(KAAL_FS_OK, kaal_fs_remove(&fs, "/w"));
	assert_int_equal(KAAL_FS_OK, kaal_fs_create(&fs, "/w", &h));
	assert_int_equal(1, h >> 16);
}

static void list_walks_a_directory(void **state)
{
	(void)state;
	kaal_fs_handle d, f;
	assert_int_equal(KAAL_FS_OK, kaal_fs_mkdir(&fs, "/d", &d));
	const char *names[] = {"one", "two", "three"};
	for (int i = 0; i < 3; i++) {
		char path[16];
		snprintf(path, sizeof(path), "/d/%s", names[i]);
		make_file(path, (size_t)i * 1000u, (uint64_t)i);
	}
	assert_int_equal(KAAL_FS_OK, kaal_fs_create(&fs, "/elsewhere", &f));
	uint32_t cursor = 0;
	struct kaal_fs_stat st;
	int seen = 0;
	while (kaal_fs_list(&fs, d, &cursor, &st) == KAAL_FS_OK) {
		assert_string_equal(names[seen], st.name);
		assert_int_equal(seen * 1000, st.size);
		assert_int_equal(KAAL_FS_TYPE_FILE, st.type);
		seen++;
	}
	assert_int_equal(3, seen);
	assert_int_equal(KAAL_FS_END, kaal_fs_list(&fs, d, &cursor, &st));
	cursor = UINT32_MAX;
	assert_int_equal(KAAL_FS_END, kaal_fs_list(&fs, d, &cursor, &st));
	assert_int_equal(KAAL_FS_NOT_DIRECTORY, kaal_fs_list(&fs, f, &cursor, &st));
	assert_int_equal(KAAL_FS_BAD_HANDLE, kaal_fs_list(&fs, 0, &cursor, &st));
	assert_int_equal(KAAL_FS_INVALID_ARGUMENT, kaal_fs_list(&fs, d, NULL, &st));
	assert_int_equal(KAAL_FS_INVALID_ARGUMENT, kaal_fs_list(&fs, d, &cursor, NULL));
	assert_int_equal(KAAL_FS_INVALID_ARGUMENT, kaal_fs_space(&fs, NULL));
}

static void running_out_of_blocks(void **state)
{
	(void)state;
	fs_disk_free(&disk);
	fs_disk_init(&disk, SMALL_BLOCKS, 1);
	iface = fs_disk_iface(&disk);
	assert_int_equal(KAAL_FS_OK, kaal_fs_format(&fs, &iface));
	struct kaal_fs_space sp;
	assert_int_equal(KAAL_FS_OK, kaal_fs_space(&fs, &sp));
	kaal_fs_handle h = make_file("/fill", (size_t)(sp.free_blocks - 1u) * B, 4);
	uint64_t before = state_digest(&fs);
	/* The indirect block is one more than there is. */
	assert_int_equal(KAAL_FS_NO_SPACE, kaal_fs_write(&fs, h, 0, buf, B));
	assert_int_equal(before, state_digest(&fs));
	assert_int_equal(KAAL_FS_OK, kaal_fs_sync(&fs));
	assert_clean();
	/* Overwriting needs new blocks too, until the old ones are free after a sync. */
	assert_int_equal(KAAL_FS_OK, kaal_fs_truncate(&fs, h, B));
	assert_int_equal(KAAL_FS_OK, kaal_fs_space(&fs, &sp));
	assert_true(sp.held_blocks > 0);
	assert_int_equal(KAAL_FS_NO_SPACE, kaal_fs_write(&fs, h, 0, buf, 2 * B));
	assert_int_equal(KAAL_FS_OK, kaal_fs_sync(&fs));
	assert_int_equal(KAAL_FS_OK, kaal_fs_write(&fs, h, 0, buf, 2 * B));
	/* A shrink that must copy its last block, with no block to copy it to. */
	assert_int_equal(KAAL_FS_OK, kaal_fs_sync(&fs));
	assert_int_equal(KAAL_FS_OK, kaal_fs_space(&fs, &sp));
	size_t blocks = sp.free_blocks > KAAL_FS_DIRECT ? sp.free_blocks - 1u : sp.free_blocks;
	kaal_fs_handle g = make_file("/g", blocks * B, 6);
	before = state_digest(&fs);
	assert_int_equal(KAAL_FS_NO_SPACE, kaal_fs_truncate(&fs, g, 100));
	assert_int_equal(before, state_digest(&fs));
	assert_int_equal(KAAL_FS_OK, kaal_fs_sync(&fs));
	assert_clean();
}

static void running_out_of_entries(void **state)
{
	(void)state;
	char path[32];
	for (uint32_t i = 0; i < KAAL_FS_MAX_ENTRIES; i++) {
		snprintf(path, sizeof(path), "/e%u", i);
		assert_int_equal(KAAL_FS_OK, kaal_fs_create(&fs, path, NULL));
	}
	uint64_t before = state_digest(&fs);
	assert_int_equal(KAAL_FS_NO_SPACE, kaal_fs_create(&fs, "/one-more", NULL));
	assert_int_equal(KAAL_FS_NO_SPACE, kaal_fs_mkdir(&fs, "/one-more", NULL));
	assert_int_equal(before, state_digest(&fs));
	struct kaal_fs_space sp;
	assert_int_equal(KAAL_FS_OK, kaal_fs_space(&fs, &sp));
	assert_int_equal(0, sp.free_entries);
	assert_int_equal(KAAL_FS_OK, kaal_fs_sync(&fs));
	assert_clean();
	/* Emptying a whole table block gives its block back. */
	for (uint32_t i = 0; i < KAAL_FS_MAX_ENTRIES; i++) {
		snprintf(path, sizeof(path), "/e%u", i);
		assert_int_equal(KAAL_FS_OK, kaal_fs_remove(&fs, path));
	}
	assert_int_equal(KAAL_FS_OK, kaal_fs_sync(&fs));
	assert_clean();
	struct kaal_fs_check_summary sum;
	assert_int_equal(KAAL_FS_OK, kaal_fs_check(&other, &iface, NULL, NULL, &sum));
	assert_int_equal(4, sum.used_blocks);
}

/* ---- Persistence ---- */

static void synced_state_survives_a_remount(void **state)
{
	(void)state;
	make_file("/a", 5000, 1);
	assert_int_equal(KAAL_FS_OK, kaal_fs_mkdir(&fs, "/d", NULL));
	make_file("/d/b", 50000, 2);
	assert_int_equal(KAAL_FS_OK, kaal_fs_sync(&fs));
	assert_int_equal(KAAL_FS_OK, kaal_fs_sync(&fs)); /* nothing to do */
	uint64_t synced = digest(&fs);
	/* Changes after the sync are lost without one. */
	make_file("/lost", 100, 3);
	assert_int_equal(KAAL_FS_OK, kaal_fs_remove(&fs, "/a"));
	assert_int_equal(KAAL_FS_OK, kaal_fs_mount(&other, &iface));
	assert_int_equal(synced, digest(&other));
	remount();
	assert_int_equal(synced, digest(&fs));
	kaal_fs_handle h;
	assert_int_equal(KAAL_FS_OK, kaal_fs_lookup(&fs, "/d/b", &h));
	fill(buf, 50000, 2);
	assert_bytes(h, 0, buf, 50000);
	assert_clean();
	/* Many commits: the slots alternate and the newest wins. */
	for (int i = 0; i < 5; i++) {
		make_file(i % 2 ? "/odd" : "/even", 10, (uint64_t)i);
		assert_int_equal(KAAL_FS_OK, kaal_fs_sync(&fs));
		uint64_t d = digest(&fs);
		remount();
		assert_int_equal(d, digest(&fs));
		assert_int_equal(KAAL_FS_OK, kaal_fs_remove(&fs, i % 2 ? "/odd" : "/even"));
	}
}

/* ---- Injected I/O errors ---- */

enum io_kind { IO_READ, IO_WRITE, IO_FLUSH };

static void arm(enum io_kind kind, uint64_t n)
{
	if (kind == IO_READ)
		disk.fail_read = disk.reads + n;
	else if (kind == IO_WRITE)
		disk.fail_write = disk.writes + n;
	else
		disk.fail_flush = disk.flushes + n;
}

static void disarm(void)
{
	disk.fail_read = disk.fail_write = disk.fail_flush = 0;
	disk.fail_write_lands = 0;
}

/* The operations an injected error may hit, on a file system holding /big and /d. */
static enum kaal_fs_status io_step(int step)
{
	kaal_fs_handle h;
	enum kaal_fs_status st = kaal_fs_lookup(&fs, "/big", &h);
	if (st != KAAL_FS_OK)
		return st;
	size_t got;
	switch (step) {
	case 0:
		return kaal_fs_write(&fs, h, 3 * B + 10, buf, 12 * B);
	case 1:
		return kaal_fs_read(&fs, h, 100, back, 14 * B, &got);
	case 2:
		return kaal_fs_truncate(&fs, h, 9 * B + 7);
	case 3:
		return kaal_fs_truncate(&fs, h, 2 * B + 7);
	case 4:
		return kaal_fs_remove(&fs, "/big");
	default:
		return kaal_fs_write(&fs, h, 12 * B + 1, buf, 10);
	}
}

static void io_errors_leave_the_state_and_the_disk_whole(void **state)
{
	(void)state;
	const int steps = 6;
	for (int kind = IO_READ; kind <= IO_FLUSH; kind++) {
		for (int step = 0; step < steps; step++) {
			for (uint64_t n = 1; n < 40; n++) {
				fs_disk_reset(&disk, n);
				assert_int_equal(KAAL_FS_OK, kaal_fs_format(&fs, &iface));
				make_file("/big", 16 * B + 5, 8);
				assert_int_equal(KAAL_FS_OK, kaal_fs_mkdir(&fs, "/d", NULL));
				assert_int_equal(KAAL_FS_OK, kaal_fs_sync(&fs));
				uint64_t committed = digest(&fs);
				uint64_t whole = state_digest(&fs);
				arm((enum io_kind)kind, n);
				enum kaal_fs_status st = io_step(step);
				disarm();
				if (st != KAAL_FS_OK) {
					assert_int_equal(KAAL_FS_IO_ERROR, st);
					assert_int_equal(whole, state_digest(&fs));
				}
				/* Then a sync that fails at its Nth call, and one that works. */
				uint64_t wanted = digest(&fs);
				arm((enum io_kind)kind, n);
				disk.fail_write_lands = (int)(n & 1u);
				st = kaal_fs_sync(&fs);
				disarm();
				if (st != KAAL_FS_OK) {
					assert_int_equal(KAAL_FS_IO_ERROR, st);
					assert_int_equal(wanted, digest(&fs));
					assert_int_equal(KAAL_FS_OK, kaal_fs_mount(&other, &iface));
					uint64_t now = digest(&other);
					assert_true(now == committed || now == wanted);
					assert_clean();
				}
				assert_int_equal(KAAL_FS_OK, kaal_fs_sync(&fs));
				remount();
				assert_int_equal(wanted, digest(&fs));
				assert_clean();
			}
		}
	}
	/* Mount fails at any of its reads with a named status. */
	for (uint64_t n = 1; n < 8; n++) {
		arm(IO_READ, n);
		enum kaal_fs_status st = kaal_fs_mount(&other, &iface);
		disarm();
		assert_true(st == KAAL_FS_OK || st == KAAL_FS_IO_ERROR);
	}
	/* A format that fails leaves no file system, the new one, or the old one whole. */
	assert_int_equal(KAAL_FS_OK, kaal_fs_format(&fs, &iface));
	make_file("/big", 10, 1);
	assert_int_equal(KAAL_FS_OK, kaal_fs_sync(&fs));
	make_file("/later", 10, 2);
	assert_int_equal(KAAL_FS_OK, kaal_fs_sync(&fs));
	uint64_t last_big = digest(&fs);
	for (int kind = IO_WRITE; kind <= IO_FLUSH; kind++) {
		for (uint64_t n = 1; n < 8; n++) {
			arm((enum io_kind)kind, n);
			enum kaal_fs_status st = kaal_fs_format(&other, &iface);
			disarm();
			assert_true(st == KAAL_FS_OK || st == KAAL_FS_IO_ERROR);
			st = kaal_fs_mount(&other, &iface);
			assert_true(st == KAAL_FS_OK || st == KAAL_FS_NOT_FORMATTED);
			if (st == KAAL_FS_OK) {
				/* The old file system at its newest commit, or the new one. */
				kaal_fs_handle h;
				st = kaal_fs_lookup(&other, "/big", &h);
				assert_true(st == KAAL_FS_OK || st == KAAL_FS_NOT_FOUND);
				if (st == KAAL_FS_OK)
					assert_int_equal(last_big, digest(&other));
				assert_clean();
			}
			assert_int_equal(KAAL_FS_OK, kaal_fs_format(&fs, &iface));
			make_file("/big", 10, 1);
			assert_int_equal(KAAL_FS_OK, kaal_fs_sync(&fs));
			make_file("/later", 10, 2);
			assert_int_equal(KAAL_FS_OK, kaal_fs_sync(&fs));
		}
	}
	struct kaal_fs_check_summary sum;
	/* Two slots, a table block and a bitmap block: each read may fail. */
	for (uint64_t n = 1; n <= 4; n++) {
		arm(IO_READ, n);
		assert_int_equal(KAAL_FS_IO_ERROR, kaal_fs_check(&other, &iface, NULL, NULL, &sum));
		disarm();
	}
}

/* ---- Garbage and tampered disks ---- */

static void mount_refuses_garbage(void **state)
{
	(void)state;
	fs_disk_reset(&disk, 1);
	assert_int_equal(KAAL_FS_NOT_FORMATTED, kaal_fs_mount(&fs, &iface));
	struct found f = check_disk();
	assert_int_equal(1u << KAAL_FS_PROBLEM_NO_SUPERBLOCK, f.kinds);
	uint64_t seed = 99;
	for (uint64_t b = 0; b < DISK_BLOCKS; b++) {
		fill(buf, B, fs_rand(&seed));
		fs_disk_put(&disk, b, buf);
	}
	assert_int_equal(KAAL_FS_NOT_FORMATTED, kaal_fs_mount(&fs, &iface));
	/* A refused mount leaves nothing mounted. */
	kaal_fs_handle h;
	assert_int_equal(KAAL_FS_NOT_MOUNTED, kaal_fs_lookup(&fs, "/", &h));
	f = check_disk();
	assert_true(f.kinds & (1u << KAAL_FS_PROBLEM_NO_SUPERBLOCK));
}

/* The newest slot's superblock, and which slot it is. */
static struct kaal_fs_super newest(uint32_t *slot)
{
	struct kaal_fs_super sb[KAAL_FS_SUPER_SLOTS];
	for (uint32_t s = 0; s < KAAL_FS_SUPER_SLOTS; s++)
		fs_disk_get(&disk, s, &sb[s]);
	*slot = kaal_fs_super_sealed(&sb[1]) &&
	                (!kaal_fs_super_sealed(&sb[0]) || sb[1].generation > sb[0].generation)
	            ? 1u
	            : 0u;
	return sb[*slot];
}

static void reseal(struct kaal_fs_super *sb, uint32_t slot)
{
	sb->crc = kaal_fs_super_crc(sb);
	fs_disk_put(&disk, slot, sb);
}

static struct kaal_fs_inode get_inode(uint32_t ino)
{
	uint32_t slot;
	struct kaal_fs_super sb = newest(&slot);
	struct kaal_fs_inode table[KAAL_FS_INODES_PER_BLOCK];
	fs_disk_get(&disk, sb.table[ino / KAAL_FS_INODES_PER_BLOCK].block, table);
	return table[ino % KAAL_FS_INODES_PER_BLOCK];
}

/* Writes an inode into the newest commit with every checksum made to match. */
static void put_inode(uint32_t ino, const struct kaal_fs_inode *in)
{
	uint32_t slot;
	struct kaal_fs_super sb = newest(&slot);
	struct kaal_fs_ref *ref = &sb.table[ino / KAAL_FS_INODES_PER_BLOCK];
	struct kaal_fs_inode table[KAAL_FS_INODES_PER_BLOCK];
	fs_disk_get(&disk, ref->block, table);
	table[ino % KAAL_FS_INODES_PER_BLOCK] = *in;
	fs_disk_put(&disk, ref->block, table);
	ref->crc = kaal_fs_crc32(table, sizeof(table));
	reseal(&sb, slot);
}

/* Sets or clears a block's bit in the newest commit's bitmap, checksums matching. */
static void put_bit(uint32_t block, int set)
{
	uint32_t slot;
	struct kaal_fs_super sb = newest(&slot);
	uint64_t words[KAAL_FS_BLOCK_BYTES / 8];
	fs_disk_get(&disk, sb.bitmap[0].block, words);
	if (set)
		kaal_fs_bit_set(words, block);
	else
		kaal_fs_bit_clear(words, block);
	fs_disk_put(&disk, sb.bitmap[0].block, words);
	sb.bitmap[0].crc = kaal_fs_crc32(words, sizeof(words));
	reseal(&sb, slot);
}

static void flip_byte(uint32_t block, uint32_t at)
{
	fs_disk_get(&disk, block, buf);
	buf[at] ^= 0x40;
	fs_disk_put(&disk, block, buf);
}

/* A small tree to tamper with: /a (3 blocks), /d/b (12 blocks: indirect), /d/e. */
static void tamper_tree(void)
{
	make_file("/a", 2 * B + 100, 1);
	assert_int_equal(KAAL_FS_OK, kaal_fs_mkdir(&fs, "/d", NULL));
	make_file("/d/b", 12 * B, 2);
	assert_int_equal(KAAL_FS_OK, kaal_fs_mkdir(&fs, "/d/e", NULL));
	assert_int_equal(KAAL_FS_OK, kaal_fs_sync(&fs));
	assert_clean();
}

static uint32_t ino_of(const char *path)
{
	kaal_fs_handle h;
	assert_int_equal(KAAL_FS_OK, kaal_fs_lookup(&fs, path, &h));
	return h & 0xffffu;
}

static void expect_problem(enum kaal_fs_problem_kind kind, int mount_refuses)
{
	struct found f = check_disk();
	if (!(f.kinds & (1u << kind)))
		fail_msg("the checker missed problem %d (found 0x%x)", kind, f.kinds);
	if (mount_refuses)
		assert_int_equal(KAAL_FS_CORRUPT, kaal_fs_mount(&other, &iface));
}

/* Puts in as inode ino, expects the checker to find kind (mount too, if it must refuse), puts back
 * saved. */
static void expect_inode_problem(uint32_t ino, const struct kaal_fs_inode *in,
                                 const struct kaal_fs_inode *saved, enum kaal_fs_problem_kind kind,
                                 int mount_refuses)
{
	put_inode(ino, in);
	expect_problem(kind, mount_refuses);
	put_inode(ino, saved);
}

static void checker_finds_flipped_metadata_bytes(void **state)
{
	(void)state;
	tamper_tree();
	uint32_t slot;
	struct kaal_fs_super sb = newest(&slot);
	uint32_t table = sb.table[0].block;
	uint32_t bitmap = sb.bitmap[0].block;
	uint32_t indirect = get_inode(ino_of("/d/b")).indirect;
	assert_int_not_equal(0, indirect);
	flip_byte(table, 200);
	expect_problem(KAAL_FS_PROBLEM_CHECKSUM, 1);
	flip_byte(table, 200);
	assert_clean();
	flip_byte(bitmap, 0);
	expect_problem(KAAL_FS_PROBLEM_CHECKSUM, 1);
	flip_byte(bitmap, 0);
	flip_byte(indirect, 4);
	expect_problem(KAAL_FS_PROBLEM_CHECKSUM, 0);
	/* Mount takes it, but reading through the indirect block is refused. */
	remount();
	kaal_fs_handle h;
	size_t got;
	assert_int_equal(KAAL_FS_OK, kaal_fs_lookup(&fs, "/d/b", &h));
	assert_int_equal(KAAL_FS_CORRUPT, kaal_fs_read(&fs, h, 10 * B, buf, 10, &got));
	assert_int_equal(KAAL_FS_CORRUPT, kaal_fs_write(&fs, h, 10 * B, buf, 10));
	assert_int_equal(KAAL_FS_CORRUPT, kaal_fs_remove(&fs, "/d/b"));
	assert_int_equal(KAAL_FS_CORRUPT, kaal_fs_truncate(&fs, h, 1));
	flip_byte(indirect, 4);
	assert_clean();
	/* A flipped superblock byte: that slot is not valid, the older one is mounted. */
	flip_byte(slot, 40);
	struct kaal_fs_check_summary sum;
	assert_int_equal(KAAL_FS_OK, kaal_fs_check(&other, &iface, NULL, NULL, &sum));
	assert_false(sum.slot_valid[slot]);
	assert_int_equal((int)(1u - slot), sum.slot);
}

static void checker_finds_shared_leaked_and_unmarked_blocks(void **state)
{
	(void)state;
	tamper_tree();
	uint32_t a = ino_of("/a");
	struct kaal_fs_inode in = get_inode(a);
	struct kaal_fs_inode saved = in;
	uint32_t b_block = get_inode(ino_of("/d/b")).direct[0];
	/* Two files at one block: its own block now leaked, the other shared. */
	uint32_t own = in.direct[0];
	in.direct[0] = b_block;
	put_inode(a, &in);
	expect_problem(KAAL_FS_PROBLEM_LEAKED, 0);
	expect_inode_problem(a, &in, &saved, KAAL_FS_PROBLEM_SHARED, 0);
	assert_clean();
	put_bit(own, 0);
	expect_problem(KAAL_FS_PROBLEM_UNMARKED, 0);
	put_bit(own, 1);
	put_bit(DISK_BLOCKS - 1u, 1);
	expect_problem(KAAL_FS_PROBLEM_LEAKED, 0);
	put_bit(DISK_BLOCKS - 1u, 0);
	put_bit(DISK_BLOCKS + 1u, 1);
	expect_problem(KAAL_FS_PROBLEM_RANGE, 1);
	put_bit(DISK_BLOCKS + 1u, 0);
	put_bit(0, 0);
	expect_problem(KAAL_FS_PROBLEM_UNMARKED, 1);
	put_bit(0, 1);
	assert_clean();
	/* A pointer at a superblock slot. */
	in = saved;
	in.direct[1] = 1;
	expect_inode_problem(a, &in, &saved, KAAL_FS_PROBLEM_RANGE, 1);
	assert_clean();
}

static void checker_finds_bad_inodes_and_tree(void **state)
{
	(void)state;
	tamper_tree();
	uint32_t a = ino_of("/a");
	uint32_t d = ino_of("/d");
	const struct kaal_fs_inode saved = get_inode(a);
	struct kaal_fs_inode bad[11];
	for (int i = 0; i < 11; i++)
		bad[i] = saved;
	bad[0].type = 7;
	bad[1].reserved1[3] = 1;
	bad[2].indirect_crc = 5; /* with no indirect block */
	memcpy(bad[3].name, "..", 3);
	bad[3].name_len = 2;
	bad[4].name[saved.name_len + 1] = 'x';
	bad[5].parent = KAAL_FS_MAX_INODES;
	bad[6].parent = ino_of("/d/b"); /* a file */
	bad[7].size = 1;                /* blocks past the size */
	bad[8].size = KAAL_FS_MAX_FILE_BYTES + 1u;
	bad[9].indirect = bad[9].direct[2]; /* an indirect block for a small file */
	bad[9].direct[2] = 0;
	bad[10].direct[1] = DISK_BLOCKS + 5u;
	enum kaal_fs_problem_kind kind[11] = {
	    KAAL_FS_PROBLEM_INODE,  KAAL_FS_PROBLEM_INODE, KAAL_FS_PROBLEM_INODE,
	    KAAL_FS_PROBLEM_NAME,   KAAL_FS_PROBLEM_NAME,  KAAL_FS_PROBLEM_PARENT,
	    KAAL_FS_PROBLEM_PARENT, KAAL_FS_PROBLEM_SIZE,  KAAL_FS_PROBLEM_SIZE,
	    KAAL_FS_PROBLEM_SIZE,   KAAL_FS_PROBLEM_RANGE,
	};
	for (int i = 0; i < 11; i++)
		expect_inode_problem(a, &bad[i], &saved, kind[i], 1);
	/* A size cut inside the last block: its tail holds old bytes. */
	struct kaal_fs_inode in = saved;
	in.size -= 50;
	expect_inode_problem(a, &in, &saved, KAAL_FS_PROBLEM_TAIL, 0);
	/* A free inode (in the table block the tree uses) with a byte left. */
	const struct kaal_fs_inode free_inode = {0};
	in = free_inode;
	in.size = 3;
	expect_inode_problem(KAAL_FS_INODES_PER_BLOCK - 1u, &in, &free_inode, KAAL_FS_PROBLEM_INODE,
	                     1);
	/* Two entries of one name in one directory. */
	in = saved;
	in.parent = d;
	in.name_len = 1;
	memset(in.name, 0, sizeof(in.name));
	in.name[0] = 'e';
	expect_inode_problem(a, &in, &saved, KAAL_FS_PROBLEM_DUPLICATE, 0);
	/* A directory that is its own grandparent, cut off from the root; one with a size. */
	const struct kaal_fs_inode saved_dir = get_inode(d);
	in = saved_dir;
	in.parent = ino_of("/d/e");
	expect_inode_problem(d, &in, &saved_dir, KAAL_FS_PROBLEM_DETACHED, 0);
	in = saved_dir;
	in.size = 4;
	expect_inode_problem(d, &in, &saved_dir, KAAL_FS_PROBLEM_SIZE, 1);
	/* The root a file, or with a parent. */
	const struct kaal_fs_inode saved_root = get_inode(KAAL_FS_ROOT_INODE);
	in = saved_root;
	in.type = KAAL_FS_TYPE_FILE;
	expect_inode_problem(KAAL_FS_ROOT_INODE, &in, &saved_root, KAAL_FS_PROBLEM_ROOT, 1);
	in = saved_root;
	in.parent = d;
	expect_inode_problem(KAAL_FS_ROOT_INODE, &in, &saved_root, KAAL_FS_PROBLEM_ROOT, 1);
	assert_clean();
}

static void checker_finds_bad_indirect_pointers(void **state)
{
	(void)state;
	tamper_tree();
	uint32_t b = ino_of("/d/b");
	struct kaal_fs_inode in = get_inode(b);
	uint32_t pointers[KAAL_FS_POINTERS];
	fs_disk_get(&disk, in.indirect, pointers);
	pointers[4] = pointers[2]; /* past the size, and shared */
	fs_disk_put(&disk, in.indirect, pointers);
	in.indirect_crc = kaal_fs_crc32(pointers, sizeof(pointers));
	put_inode(b, &in);
	expect_problem(KAAL_FS_PROBLEM_SIZE, 0);
	expect_problem(KAAL_FS_PROBLEM_SHARED, 0);
	kaal_fs_handle h;
	size_t got;
	remount();
	assert_int_equal(KAAL_FS_OK, kaal_fs_lookup(&fs, "/d/b", &h));
	assert_int_equal(KAAL_FS_CORRUPT, kaal_fs_read(&fs, h, 9 * B, buf, 10, &got));
	pointers[4] = 0;
	pointers[0] = DISK_BLOCKS;
	fs_disk_put(&disk, in.indirect, pointers);
	in.indirect_crc = kaal_fs_crc32(pointers, sizeof(pointers));
	put_inode(b, &in);
	expect_problem(KAAL_FS_PROBLEM_RANGE, 0);
}

static void checker_finds_impossible_superblocks(void **state)
{
	(void)state;
	uint32_t slot;
	struct kaal_fs_super sb = newest(&slot);
	struct kaal_fs_super saved = sb;
	struct kaal_fs_super bad[8];
	for (int i = 0; i < 8; i++)
		bad[i] = saved;
	bad[0].block_count = DISK_BLOCKS + 1u;
	bad[1].block_count = KAAL_FS_MIN_BLOCKS - 1u;
	bad[2].inode_count = 5;
	bad[3].zero[7] = 1;
	bad[4].table[0].block = 0;
	bad[5].table[3].crc = 9;
	bad[6].bitmap[1].block = 7;
	bad[7].table[2].block = DISK_BLOCKS;
	for (int i = 0; i < 8; i++) {
		reseal(&bad[i], slot);
		expect_problem(KAAL_FS_PROBLEM_SUPER_FIELDS, 0);
		/* The other slot is empty after a format: nothing to mount. */
		assert_int_equal(KAAL_FS_NOT_FORMATTED, kaal_fs_mount(&other, &iface));
	}
	reseal(&saved, slot);
	assert_clean();
	/* A sealed slot whose superblock names a table block that is not one. */
	sb = saved;
	sb.table[0].crc ^= 1;
	reseal(&sb, slot);
	expect_problem(KAAL_FS_PROBLEM_CHECKSUM, 1);
}

/* ---- The crash campaign ---- */

#define MODEL_FILES    6
#define MODEL_DIRS     2
#define MODEL_MAX      (10 * B + 700) /* past the direct blocks */
#define MODEL_WRITE    (3 * B)
#define CRASH_OPS      40   /* operations of a run the power does not cut */
#define CRASH_OPS_CAP  2000 /* a run the power cuts stops here at the latest */
#define CRASH_WRITES   220  /* the power goes at a write chosen up to this */
#define UNCUT_ONE_IN   8    /* runs the power leaves alone, checked live, then cut */
#define MAX_CANDIDATES 4

static const char *const dir_path[MODEL_DIRS] = {"/d0", "/d1"};
static const char *const file_path[MODEL_FILES] = {"/f0",    "/f1",    "/d0/f2",
                                                   "/d0/f3", "/d1/f4", "/d1/f5"};

/* The directory a file lives in, or -1 for the root. */
static int file_dir(int i)
{
	return i < 2 ? -1 : (i - 2) / 2;
}

struct model {
	uint8_t dir[MODEL_DIRS];
	uint8_t file[MODEL_FILES];
	uint32_t size[MODEL_FILES];
	uint8_t data[MODEL_FILES][MODEL_MAX];
};

/* Now, the last completed sync, and the syncs that failed or were cut since. */
static struct model now;
static struct model candidates[MAX_CANDIDATES];
static uint32_t candidate_count;

static int model_matches(struct kaal_fs *f, const struct model *m)
{
	kaal_fs_handle h;
	uint32_t entries[1 + MODEL_DIRS] = {0};
	for (int d = 0; d < MODEL_DIRS; d++) {
		if ((kaal_fs_lookup(f, dir_path[d], &h) == KAAL_FS_OK) != m->dir[d])
			return 0;
		entries[0] += m->dir[d];
	}
	for (int i = 0; i < MODEL_FILES; i++) {
		if ((kaal_fs_lookup(f, file_path[i], &h) == KAAL_FS_OK) != m->file[i])
			return 0;
		if (!m->file[i])
			continue;
		entries[1 + file_dir(i)]++;
		size_t got;
		struct kaal_fs_stat st;
		if (kaal_fs_stat(f, h, &st) != KAAL_FS_OK || st.size != m->size[i])
			return 0;
		if (kaal_fs_read(f, h, 0, back, MODEL_MAX, &got) != KAAL_FS_OK ||
		    got != m->size[i] || memcmp(back, m->data[i], got) != 0)
			return 0;
	}
	/* Nothing else: the root and each directory hold just these entries. */
	for (int d = -1; d < MODEL_DIRS; d++) {
		if (d >= 0 && !m->dir[d])
			continue;
		struct kaal_fs_stat st;
		if (kaal_fs_lookup(f, d < 0 ? "/" : dir_path[d], &h) != KAAL_FS_OK ||
		    kaal_fs_stat(f, h, &st) != KAAL_FS_OK || st.size != entries[1 + d])
			return 0;
	}
	return 1;
}

static void add_candidate(void)
{
	assert_true(candidate_count < MAX_CANDIDATES);
	memcpy(&candidates[candidate_count++], &now, sizeof(now));
}

/* One random operation on both the file system and the model; 0 once the disk is gone. */
static int crash_op(uint64_t *rng)
{
	uint64_t r = fs_rand(rng);
	int i = (int)((r >> 8) % MODEL_FILES);
	int d = (int)((r >> 16) % MODEL_DIRS);
	enum kaal_fs_status st, want;
	kaal_fs_handle h;
	switch (r % 16) {
	case 0:
	case 1: {
		int parent = file_dir(i);
		want = parent >= 0 && !now.dir[parent] ? KAAL_FS_NOT_FOUND
		       : now.file[i]                   ? KAAL_FS_EXISTS
		                                       : KAAL_FS_OK;
		st = kaal_fs_create(&fs, file_path[i], &h);
		if (st == KAAL_FS_OK) {
			now.file[i] = 1;
			now.size[i] = 0;
		}
		break;
	}
	case 2:
		want = now.dir[d] ? KAAL_FS_EXISTS : KAAL_FS_OK;
		st = kaal_fs_mkdir(&fs, dir_path[d], &h);
		if (st == KAAL_FS_OK)
			now.dir[d] = 1;
		break;
	case 3:
		want = !now.dir[d]                                  ? KAAL_FS_NOT_FOUND
		       : now.file[2 + 2 * d] || now.file[3 + 2 * d] ? KAAL_FS_NOT_EMPTY
		                                                    : KAAL_FS_OK;
		st = kaal_fs_remove(&fs, dir_path[d]);
		if (st == KAAL_FS_OK)
			now.dir[d] = 0;
		break;
	case 4:
		want = now.file[i] ? KAAL_FS_OK : KAAL_FS_NOT_FOUND;
		st = kaal_fs_remove(&fs, file_path[i]);
		if (st == KAAL_FS_OK)
			now.file[i] = 0;
		break;
	case 5:
	case 6: {
		uint32_t size = (uint32_t)((r >> 24) % (MODEL_MAX + 1u));
		if (!now.file[i])
			return 1;
		want = KAAL_FS_OK;
		assert_int_equal(KAAL_FS_OK, kaal_fs_lookup(&fs, file_path[i], &h));
		st = kaal_fs_truncate(&fs, h, size);
		if (st == KAAL_FS_OK) {
			if (size > now.size[i])
				memset(now.data[i] + now.size[i], 0, size - now.size[i]);
			now.size[i] = size;
		}
		break;
	}
	case 7:
	case 8:
	case 9: {
		/* Stop short of the maximum's neighbourhood: whole blocks matter most. */
		uint32_t len = 1u + (uint32_t)((r >> 24) % MODEL_WRITE);
		uint32_t off = (uint32_t)((r >> 40) % (MODEL_MAX - len + 1u));
		if (r & (1u << 5))
			off -= off % B;
		if (!now.file[i])
			return 1;
		want = KAAL_FS_OK;
		fill(buf, len, r);
		assert_int_equal(KAAL_FS_OK, kaal_fs_lookup(&fs, file_path[i], &h));
		st = kaal_fs_write(&fs, h, off, buf, len);
		if (st == KAAL_FS_OK) {
			if (off > now.size[i])
				memset(now.data[i] + now.size[i], 0, off - now.size[i]);
			memcpy(now.data[i] + off, buf, len);
			if (off + len > now.size[i])
				now.size[i] = off + len;
		}
		break;
	}
	default:
		want = KAAL_FS_OK;
		st = kaal_fs_sync(&fs);
		if (st == KAAL_FS_OK) {
			candidate_count = 0;
			add_candidate();
		} else if (st == KAAL_FS_IO_ERROR) {
			/* Its superblock may have reached the disk. */
			add_candidate();
		}
		break;
	}
	if (st == KAAL_FS_IO_ERROR)
		return !disk.dead;
	if (st != want)
		fail_msg("op %d on %s: %s, wanted %s", (int)(r % 16), file_path[i],
		         kaal_fs_status_name(st), kaal_fs_status_name(want));
	return 1;
}

static uint64_t env_number(const char *name, uint64_t fallback)
{
	const char *s = getenv(name);
	return s && *s ? strtoull(s, NULL, 0) : fallback;
}

static void crash_one(uint64_t seed)
{
	uint64_t rng = seed * 0x9e3779b97f4a7c15u + 1u;
	fs_disk_reset(&disk, fs_rand(&rng));
	assert_int_equal(KAAL_FS_OK, kaal_fs_format(&fs, &iface));
	memset(&now, 0, sizeof(now));
	candidate_count = 0;
	add_candidate();
	int cut = fs_rand(&rng) % UNCUT_ONE_IN != 0;
	if (cut)
		disk.cut_write = disk.writes + 1u + fs_rand(&rng) % CRASH_WRITES;
	/* Some runs also see one write fail (landed or not) before the power goes. */
	if (fs_rand(&rng) % 4 == 0) {
		disk.fail_write = disk.writes + 1u + fs_rand(&rng) % CRASH_WRITES;
		disk.fail_write_lands = (int)(fs_rand(&rng) & 1u);
	}
	int ops = cut ? CRASH_OPS_CAP : CRASH_OPS;
	int alive = 1;
	for (int n = 0; n < ops && alive; n++)
		alive = crash_op(&rng);
	if (alive) {
		/* The stream ended first: the live state is the model's, then the power goes
		 * (with the writes since the last sync still in the cache). */
		if (!model_matches(&fs, &now))
			fail_msg("seed %llu: the live state differs from the model",
			         (unsigned long long)seed);
	}
	fs_disk_power_cut(&disk);
	enum kaal_fs_status st = kaal_fs_mount(&fs, &iface);
	if (st != KAAL_FS_OK)
		fail_msg("seed %llu: mount after the crash: %s", (unsigned long long)seed,
		         kaal_fs_status_name(st));
	struct found f = check_disk();
	if (f.count)
		fail_msg("seed %llu: %u problems after the crash (kinds 0x%x)",
		         (unsigned long long)seed, f.count, f.kinds);
	for (uint32_t c = 0; c < candidate_count; c++)
		if (model_matches(&fs, &candidates[c]))
			return;
	fail_msg("seed %llu: the disk holds none of the %u states it may", (unsigned long long)seed,
	         candidate_count);
}

static void crash_campaign(void **state)
{
	(void)state;
	uint64_t seeds = env_number("KAAL_FS_CRASH_SEEDS", DEFAULT_SEEDS);
	uint64_t first = env_number("KAAL_FS_CRASH_FIRST_SEED", 1);
	for (uint64_t s = first; s < first + seeds; s++)
		crash_one(s);
	printf("# %llu crashes from seed %llu, all clean\n", (unsigned long long)seeds,
	       (unsigned long long)first);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(status_and_problem_names),
	    FS_CASE(format_gives_an_empty_root),
	    FS_CASE(format_and_mount_refuse_bad_arguments),
	    FS_CASE(operations_need_a_mounted_file_system),
	    FS_CASE(create_mkdir_lookup_and_stat),
	    FS_CASE(path_errors_change_nothing),
	    FS_CASE(write_and_read_back),
	    FS_CASE(read_and_write_errors_change_nothing),
	    FS_CASE(the_largest_file),
	    FS_CASE(truncate_shrinks_and_grows),
	    FS_CASE(remove_and_stale_handles),
	    FS_CASE(handle_generations_wrap_past_zero),
	    FS_CASE(list_walks_a_directory),
	    FS_CASE(running_out_of_blocks),
	    FS_CASE(running_out_of_entries),
	    FS_CASE(synced_state_survives_a_remount),
	    FS_CASE(io_errors_leave_the_state_and_the_disk_whole),
	    FS_CASE(mount_refuses_garbage),
	    FS_CASE(checker_finds_flipped_metadata_bytes),
	    FS_CASE(checker_finds_shared_leaked_and_unmarked_blocks),
	    FS_CASE(checker_finds_bad_inodes_and_tree),
	    FS_CASE(checker_finds_bad_indirect_pointers),
	    FS_CASE(checker_finds_impossible_superblocks),
	    FS_CASE(crash_campaign),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
