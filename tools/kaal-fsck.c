/*
 * kaal-fsck: checks a kaal file system image (docs/filesystem.md).
 *
 *   kaal-fsck IMAGE            the check's report
 *   kaal-fsck --ls IMAGE       the report, then every directory and file with its size
 *   kaal-fsck --cat PATH IMAGE the bytes of the file PATH, to standard output
 *
 * Exit status: 0 clean (or the file printed), 1 problems found (or the
 * image cannot be mounted, or PATH is not a file), 2 a usage or I/O error.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "fs.h"
#include "image.h"

#define EXIT_PROBLEMS 1
#define EXIT_USAGE    2

/* The checker's scratch and the mounted file system, each too large for a stack. */
static struct kaal_fs work;
static struct kaal_fs fs;
static uint8_t chunk[16 * KAAL_FS_BLOCK_BYTES];

static int usage(void)
{
	fprintf(stderr, "usage: kaal-fsck [--ls] IMAGE\n       kaal-fsck --cat PATH IMAGE\n");
	return EXIT_USAGE;
}

static void print_problem(void *ctx, const struct kaal_fs_problem *p)
{
	(void)ctx;
	printf("problem: %s", kaal_fs_problem_text(p->kind));
	if (p->inode != KAAL_FS_NO_INODE)
		printf(" (inode %" PRIu32 ")", p->inode);
	printf(" at block %" PRIu64 "\n", p->block);
}

static int exit_for(enum kaal_fs_status st)
{
	return st == KAAL_FS_IO_ERROR || st == KAAL_FS_INVALID_ARGUMENT ? EXIT_USAGE
	                                                                : EXIT_PROBLEMS;
}

static int check(const char *name, struct image *img)
{
	struct kaal_fs_check_summary sum;
	enum kaal_fs_status st = kaal_fs_check(&work, &img->disk, print_problem, NULL, &sum);
	if (st != KAAL_FS_OK) {
		printf("%s: check stopped: %s\n", name, kaal_fs_status_name(st));
		return EXIT_USAGE;
	}
	for (int s = 0; s < (int)KAAL_FS_SUPER_SLOTS; s++)
		printf("slot %d: %s, generation %" PRIu64 "%s\n", s,
		       sum.slot_valid[s] ? "valid" : "not valid", sum.slot_generation[s],
		       s == sum.slot ? " (checked)" : "");
	if (sum.slot >= 0)
		printf("%" PRIu32 " blocks, %" PRIu32 " used; %" PRIu32 " files, %" PRIu32
		       " directories (root included)\n",
		       sum.block_count, sum.used_blocks, sum.files, sum.directories);
	if (sum.problems == 0) {
		printf("%s: clean\n", name);
		return 0;
	}
	printf("%s: %" PRIu32 " problem%s\n", name, sum.problems, sum.problems == 1 ? "" : "s");
	return EXIT_PROBLEMS;
}

/* Prints the entries below dir, whose path is path (len bytes, room for KAAL_FS_PATH_MAX). */
static enum kaal_fs_status list(kaal_fs_handle dir, char *path, size_t len)
{
	uint32_t cursor = 0;
	struct kaal_fs_stat st;
	enum kaal_fs_status s;
	while ((s = kaal_fs_list(&fs, dir, &cursor, &st)) == KAAL_FS_OK) {
		if (len + 1 + st.name_len > KAAL_FS_PATH_MAX) {
			printf("(a path past %u bytes left out)\n", KAAL_FS_PATH_MAX);
			continue;
		}
		path[len] = '/';
		memcpy(path + len + 1, st.name, st.name_len + 1);
		if (st.type == KAAL_FS_TYPE_DIRECTORY) {
			printf("dir  %8" PRIu64 " %s/\n", st.size, path);
			s = list(st.handle, path, len + 1 + st.name_len);
			if (s != KAAL_FS_OK)
				return s;
		} else {
			printf("file %8" PRIu64 " %s\n", st.size, path);
		}
	}
	path[len] = '\0';
	return s == KAAL_FS_END ? KAAL_FS_OK : s;
}

static int mount(const char *name, struct image *img)
{
	enum kaal_fs_status st = kaal_fs_mount(&fs, &img->disk);
	if (st != KAAL_FS_OK) {
		fprintf(stderr, "%s: cannot mount: %s\n", name, kaal_fs_status_name(st));
		return exit_for(st);
	}
	return 0;
}

static int ls(const char *name, struct image *img)
{
	int status = mount(name, img);
	if (status != 0)
		return status;
	char path[KAAL_FS_PATH_MAX + 1] = "";
	printf("dir  %8s /\n", "");
	enum kaal_fs_status st = KAAL_FS_OK;
	kaal_fs_handle root;
	st = kaal_fs_lookup(&fs, "/", &root);
	if (st == KAAL_FS_OK)
		st = list(root, path, 0);
	if (st != KAAL_FS_OK) {
		fprintf(stderr, "%s: listing failed: %s\n", name, kaal_fs_status_name(st));
		return exit_for(st);
	}
	return 0;
}

static int cat(const char *name, const char *path, struct image *img)
{
	int status = mount(name, img);
	if (status != 0)
		return status;
	kaal_fs_handle file;
	enum kaal_fs_status st = kaal_fs_lookup(&fs, path, &file);
	uint64_t offset = 0;
	size_t got = 0;
	while (st == KAAL_FS_OK) {
		st = kaal_fs_read(&fs, file, offset, chunk, sizeof(chunk), &got);
		if (st != KAAL_FS_OK || got == 0)
			break;
		if (fwrite(chunk, 1, got, stdout) != got) {
			perror("kaal-fsck: standard output");
			return EXIT_USAGE;
		}
		offset += got;
	}
	if (st != KAAL_FS_OK) {
		fprintf(stderr, "%s: %s: %s\n", name, path, kaal_fs_status_name(st));
		return exit_for(st);
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct image img;
	int status;
	if (argc == 2 && argv[1][0] != '-') {
		if (image_open(&img, argv[1], "rb") != 0)
			return EXIT_USAGE;
		status = check(argv[1], &img);
	} else if (argc == 3 && strcmp(argv[1], "--ls") == 0) {
		if (image_open(&img, argv[2], "rb") != 0)
			return EXIT_USAGE;
		status = check(argv[2], &img);
		int listed = ls(argv[2], &img);
		if (listed > status)
			status = listed;
	} else if (argc == 4 && strcmp(argv[1], "--cat") == 0) {
		if (image_open(&img, argv[3], "rb") != 0)
			return EXIT_USAGE;
		status = cat(argv[3], argv[2], &img);
	} else {
		return usage();
	}
	image_close(&img);
	return status;
}
