/* A disk image file as a block device (image.h). */
#include "image.h"

#include <errno.h>
#include <string.h>

static int seek_block(FILE *file, uint64_t block)
{
	if (block > (uint64_t)INT64_MAX / KAAL_FS_BLOCK_BYTES)
		return -1;
	return fseeko(file, (off_t)(block * KAAL_FS_BLOCK_BYTES), SEEK_SET);
}

static int image_read(void *ctx, uint64_t block, void *buf)
{
	struct image *img = ctx;
	if (block >= img->disk.block_count || seek_block(img->file, block) != 0)
		return -1;
	return fread(buf, KAAL_FS_BLOCK_BYTES, 1, img->file) == 1 ? 0 : -1;
}

static int image_write(void *ctx, uint64_t block, const void *buf)
{
	struct image *img = ctx;
	if (block >= img->disk.block_count || seek_block(img->file, block) != 0)
		return -1;
	return fwrite(buf, KAAL_FS_BLOCK_BYTES, 1, img->file) == 1 ? 0 : -1;
}

static int image_flush(void *ctx)
{
	struct image *img = ctx;
	return fflush(img->file) == 0 ? 0 : -1;
}

int image_open(struct image *img, const char *path, const char *mode)
{
	img->file = fopen(path, mode);
	if (!img->file) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	if (fseeko(img->file, 0, SEEK_END) != 0) {
		fprintf(stderr, "%s: cannot seek: %s\n", path, strerror(errno));
		fclose(img->file);
		return -1;
	}
	off_t bytes = ftello(img->file);
	img->disk = (struct kaal_fs_disk){
	    .ctx = img,
	    .block_count = bytes > 0 ? (uint64_t)bytes / KAAL_FS_BLOCK_BYTES : 0,
	    .read = image_read,
	    .write = image_write,
	    .flush = image_flush,
	};
	return 0;
}

void image_close(struct image *img)
{
	if (img->file)
		fclose(img->file);
	img->file = NULL;
}
