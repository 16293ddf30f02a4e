/*
 * The file server on the host: the "fs" program (a driver-kit service) on
 * the block driver ("block") on the virtio block model, whose disk is a
 * temporary file. A blank disk is formatted at the first start; files
 * written, listed, read and synced come back after both programs are
 * started again on the same disk; every bad request gets its named status;
 * a failed disk write fails the sync, which succeeds once the disk works
 * again; and after a power cut in the middle of a sync the file system
 * mounts, checks clean and holds exactly what the last sync committed.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fs/file_service.h"
#include "harness.h"
#include "programs/programs.h"
#include "virtio/block.h"
#include "virtio_blk_model.h"

#define DISK_BLOCKS 2048u /* 8 MiB */
#define WAIT_NS     HARNESS_PROGRAM_WAIT_NS
#define SHORT_NS    (UINT64_C(300) * 1000 * 1000)

static const struct kaal_host_program programs[] = {{"block", kaal_program_entry_block},
                                                    {"fs", kaal_program_entry_fs}};

static struct kaal_broker broker;
static struct virtio_blk_model model;
static FILE *disk;
static struct kaal_driver block, files;
static struct kaal_driver_client client;
static uint64_t tag;

static void start(void)
{
	virtio_blk_model_init(&model, fileno(disk), (uint64_t)DISK_BLOCKS * 8,
	                      harness_device(KAAL_DEVICE_BLOCK)->irq);
	kaal_driver_use_model(KAAL_DEVICE_BLOCK, &model.mmio);
	assert_status(KAAL_OK, kaal_driver_start(&broker, &kaal_block_driver, &block));
	struct kaal_driver_client_names names;
	struct kaal_spawn_cap caps[KAAL_DRIVER_CLIENT_CAPS];
	unsigned count;
	assert_status(KAAL_OK, kaal_driver_client_caps(&block, 0, KAAL_FILE_BLOCK_PREFIX, &names,
	                                               caps, &count));
	assert_status(KAAL_OK,
	              kaal_driver_start_with(&broker, &kaal_file_service, caps, count, &files));
	assert_status(KAAL_OK, kaal_driver_open_link(&client, &files, 0, 0));
}

static void stop(void)
{
	assert_status(KAAL_OK, kaal_driver_stop(&broker, &files));
	assert_status(KAAL_OK, kaal_driver_stop(&broker, &block));
	kaal_driver_use_model(KAAL_DEVICE_BLOCK, NULL);
}

static int server_setup(void **state)
{
	struct kaal_host_config config = {.programs = programs, .program_count = 2};
	harness_setup_with(state, &config);
	harness_broker(&broker);
	disk = harness_disk((uint64_t)DISK_BLOCKS * KAAL_FS_BLOCK_BYTES);
	start();
	return 0;
}

static int server_teardown(void **state)
{
	stop();
	fclose(disk);
	return harness_teardown(state);
}

#define SERVER_CASE(fn) cmocka_unit_test_setup_teardown(fn, server_setup, server_teardown)

/* A request whose path or data is at the start of the shared buffer. */
static struct kaal_file_reply ask(uint32_t op, uint32_t handle, uint64_t offset, uint32_t length)
{
	struct kaal_file_request q = {op, handle, offset, length, 0, ++tag};
	struct kaal_file_reply a;
	memset(&a, 0xEE, sizeof(a));
	assert_status(KAAL_OK, kaal_driver_call(&client, &q, &a, WAIT_NS));
	assert_int_equal(op, a.op);
	assert_int_equal(tag, a.tag);
	return a;
}

static struct kaal_file_reply by_path(uint32_t op, const char *path)
{
	size_t n = strlen(path);
	memcpy(client.share, path, n);
	return ask(op, 0, 0, (uint32_t)n);
}

static uint32_t create_with(const char *path, const char *text)
{
	struct kaal_file_reply a = by_path(KAAL_FILE_CREATE, path);
	assert_int_equal(KAAL_FS_OK, a.status);
	assert_int_equal(KAAL_FS_TYPE_FILE, a.type);
	memcpy(client.share, text, strlen(text));
	assert_int_equal(KAAL_FS_OK,
	                 ask(KAAL_FILE_WRITE, a.handle, 0, (uint32_t)strlen(text)).status);
	return a.handle;
}

static void assert_holds(const char *path, const char *text)
{
	struct kaal_file_reply a = by_path(KAAL_FILE_LOOKUP, path);
	assert_int_equal(KAAL_FS_OK, a.status);
	memset(client.share, 0, 256);
	struct kaal_file_reply r = ask(KAAL_FILE_READ, a.handle, 0, 256);
	assert_int_equal(KAAL_FS_OK, r.status);
	assert_int_equal(strlen(text), r.size);
	assert_memory_equal(text, client.share, r.size);
}

static int file_read(void *ctx, uint64_t b, void *buf)
{
	return pread(*(int *)ctx, buf, KAAL_FS_BLOCK_BYTES, (off_t)(b * KAAL_FS_BLOCK_BYTES)) ==
	               KAAL_FS_BLOCK_BYTES
	           ? 0
	           : -1;
}

static int file_write(void *ctx, uint64_t b, const void *buf)
{
	(void)ctx, (void)b, (void)buf;
	return -1; /* the check only reads */
}

static int file_flush(void *ctx)
{
	(void)ctx;
	return 0;
}

/* The disk file as the checker sees it: its problems, 0 when clean. */
static uint32_t fsck_problems(void)
{
	static struct kaal_fs work;
	int fd = fileno(disk);
	struct kaal_fs_disk d = {&fd, DISK_BLOCKS, file_read, file_write, file_flush};
	struct kaal_fs_check_summary summary;
	assert_int_equal(KAAL_FS_OK, kaal_fs_check(&work, &d, NULL, NULL, &summary));
	return summary.problems;
}

static void a_blank_disk_is_formatted_and_files_persist(void **state)
{
	(void)state;
	assert_int_equal(KAAL_FS_OK, ask(KAAL_FILE_MOUNTED, 0, 0, 0).status);
	assert_int_equal(KAAL_FS_OK, by_path(KAAL_FILE_MKDIR, "/notes").status);
	create_with("/notes/todo", "boot kaal to a shell");
	create_with("/hello", "hello, disk");
	/* The directory lists its one file, with its name in the buffer. */
	struct kaal_file_reply dir = by_path(KAAL_FILE_LOOKUP, "/notes");
	assert_int_equal(KAAL_FS_TYPE_DIRECTORY, dir.type);
	struct kaal_file_reply e = ask(KAAL_FILE_LIST, dir.handle, 0, 0);
	assert_int_equal(KAAL_FS_OK, e.status);
	assert_string_equal("todo", (const char *)client.share);
	assert_int_equal(20, e.size);
	assert_int_equal(KAAL_FS_END, ask(KAAL_FILE_LIST, dir.handle, e.cursor, 0).status);
	struct kaal_file_reply space = ask(KAAL_FILE_SPACE, 0, 0, 0);
	assert_int_equal(KAAL_FS_OK, space.status);
	assert_int_equal(DISK_BLOCKS, space.cursor);
	assert_true(space.size > 0 && space.size < DISK_BLOCKS);
	assert_int_equal(KAAL_FS_OK, ask(KAAL_FILE_SYNC, 0, 0, 0).status);
	assert_int_equal(0, fsck_problems());

	stop();
	start();
	assert_holds("/notes/todo", "boot kaal to a shell");
	assert_holds("/hello", "hello, disk");
}

static void bad_requests_get_named_statuses(void **state)
{
	(void)state;
	uint32_t f = create_with("/f", "x");
	struct kaal_file_request q = {KAAL_FILE_READ, f, 0, 16, KAAL_FILE_SHARE_BYTES - 8, 1};
	struct kaal_file_reply a;
	assert_status(KAAL_OK, kaal_driver_call(&client, &q, &a, WAIT_NS));
	assert_int_equal(KAAL_FS_INVALID_ARGUMENT, a.status); /* runs past the buffer */
	q = (struct kaal_file_request){KAAL_FILE_LOOKUP, 0, 0, KAAL_FILE_SHARE_BYTES + 1, 0, 2};
	assert_status(KAAL_OK, kaal_driver_call(&client, &q, &a, WAIT_NS));
	assert_int_equal(KAAL_FS_INVALID_ARGUMENT, a.status);
	assert_int_equal(KAAL_FS_INVALID_ARGUMENT, ask(99, 0, 0, 0).status);
	assert_int_equal(KAAL_FS_BAD_NAME, by_path(KAAL_FILE_CREATE, "no-slash").status);
	assert_int_equal(KAAL_FS_NOT_FOUND, by_path(KAAL_FILE_LOOKUP, "/missing").status);
	assert_int_equal(KAAL_FS_EXISTS, by_path(KAAL_FILE_CREATE, "/f").status);
	assert_int_equal(KAAL_FS_BAD_HANDLE, ask(KAAL_FILE_READ, f + 1, 0, 4).status);
	assert_int_equal(KAAL_FS_TOO_LARGE,
	                 ask(KAAL_FILE_WRITE, f, KAAL_FS_MAX_FILE_BYTES, 1).status);
	char name[KAAL_FS_NAME_MAX + 3] = "/";
	memset(name + 1, 'n', KAAL_FS_NAME_MAX + 1);
	assert_int_equal(KAAL_FS_TOO_LARGE, by_path(KAAL_FILE_CREATE, name).status);
	/* A removed file's handle is stale. */
	assert_int_equal(KAAL_FS_OK, by_path(KAAL_FILE_REMOVE, "/f").status);
	assert_int_equal(KAAL_FS_BAD_HANDLE, ask(KAAL_FILE_STAT, f, 0, 0).status);
	/* Nothing of that changed the file system. */
	assert_int_equal(KAAL_FS_OK, ask(KAAL_FILE_SYNC, 0, 0, 0).status);
	assert_int_equal(0, fsck_problems());
}

static void a_failed_disk_write_fails_the_sync_until_it_works(void **state)
{
	(void)state;
	create_with("/kept", "before");
	assert_int_equal(KAAL_FS_OK, ask(KAAL_FILE_SYNC, 0, 0, 0).status);
	create_with("/later", "after");
	model.fail_request = model.requests + 1;
	assert_int_equal(KAAL_FS_IO_ERROR, ask(KAAL_FILE_SYNC, 0, 0, 0).status);
	assert_int_equal(KAAL_FS_OK, ask(KAAL_FILE_SYNC, 0, 0, 0).status);
	stop();
	start();
	assert_holds("/kept", "before");
	assert_holds("/later", "after");
}

/* The power fails during a sync: the disk holds the commit before it, checked clean. */
static void a_power_cut_during_sync_leaves_the_last_commit(void **state)
{
	(void)state;
	create_with("/synced", "committed");
	assert_int_equal(KAAL_FS_OK, ask(KAAL_FILE_SYNC, 0, 0, 0).status);
	uint32_t file = by_path(KAAL_FILE_LOOKUP, "/synced").handle;
	memcpy(client.share, "changed!!", 9);
	assert_int_equal(KAAL_FS_OK, ask(KAAL_FILE_WRITE, file, 0, 9).status);
	create_with("/unsynced", "lost");
	model.cut_at_write = model.writes + 2;
	struct kaal_file_request q = {KAAL_FILE_SYNC, 0, 0, 0, 0, ++tag};
	struct kaal_file_reply a;
	assert_status(KAAL_TIMEOUT, kaal_driver_call(&client, &q, &a, SHORT_NS));
	assert_true(model.powered_off);
	stop();
	assert_int_equal(0, fsck_problems());
	start();
	assert_int_equal(KAAL_FS_OK, ask(KAAL_FILE_MOUNTED, 0, 0, 0).status);
	assert_holds("/synced", "committed");
	assert_int_equal(KAAL_FS_NOT_FOUND, by_path(KAAL_FILE_LOOKUP, "/unsynced").status);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    SERVER_CASE(a_blank_disk_is_formatted_and_files_persist),
	    SERVER_CASE(bad_requests_get_named_statuses),
	    SERVER_CASE(a_failed_disk_write_fails_the_sync_until_it_works),
	    SERVER_CASE(a_power_cut_during_sync_leaves_the_last_commit),
	};
	return cmocka_run_group_tests_name("file_server", tests, NULL, NULL);
}
