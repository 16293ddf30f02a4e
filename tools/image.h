/*
 * A disk image file as the file system's block device, for the host
 * tools: blocks are read and written with stdio, flush is fflush.
 */
#ifndef KAAL_TOOLS_IMAGE_H
#define KAAL_TOOLS_IMAGE_H

#include <stdio.h>

#include "fs.h"

struct image {
	FILE *file;
	struct kaal_fs_disk disk;
};

/*
 * Opens path ("rb" or "r+b" as mode says) as a disk of its size in whole
 * blocks. 0 on success; -1 with a message on stderr.
 */
int image_open(struct image *img, const char *path, const char *mode);

void image_close(struct image *img);

#endif
