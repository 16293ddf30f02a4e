/*
 * kaal-mkfs IMAGE BYTES: creates (or replaces) the file IMAGE, BYTES long,
 * holding an empty kaal file system. Exit status 0 on success, 2 on a
 * usage or I/O error.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fs.h"
#include "image.h"

#define EXIT_USAGE 2

static struct kaal_fs fs;

static int usage(void)
{
	fprintf(stderr, "usage: kaal-mkfs IMAGE BYTES\n");
	return EXIT_USAGE;
}

int main(int argc, char **argv)
{
	if (argc != 3)
		return usage();
	char *end;
	errno = 0;
	unsigned long long bytes = strtoull(argv[2], &end, 0);
	if (errno || *end || end == argv[2] || bytes < KAAL_FS_MIN_BLOCKS * KAAL_FS_BLOCK_BYTES ||
	    bytes % KAAL_FS_BLOCK_BYTES) {
		fprintf(stderr, "kaal-mkfs: BYTES must be a multiple of %u, at least %u\n",
		        KAAL_FS_BLOCK_BYTES, KAAL_FS_MIN_BLOCKS * KAAL_FS_BLOCK_BYTES);
		return usage();
	}
	FILE *file = fopen(argv[1], "wb");
	if (!file || fseeko(file, (off_t)bytes - 1, SEEK_SET) != 0 || fputc(0, file) == EOF ||
	    fclose(file) != 0) {
		fprintf(stderr, "kaal-mkfs: %s: %s\n", argv[1], strerror(errno));
		return EXIT_USAGE;
	}
	struct image img;
	if (image_open(&img, argv[1], "r+b") != 0)
		return EXIT_USAGE;
	enum kaal_fs_status st = kaal_fs_format(&fs, &img.disk);
	image_close(&img);
	if (st != KAAL_FS_OK) {
		fprintf(stderr, "kaal-mkfs: %s: %s\n", argv[1], kaal_fs_status_name(st));
		return EXIT_USAGE;
	}
	printf("%s: %llu blocks of %u bytes\n", argv[1], bytes / KAAL_FS_BLOCK_BYTES,
	       KAAL_FS_BLOCK_BYTES);
	return 0;
}
