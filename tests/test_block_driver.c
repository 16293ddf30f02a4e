/*
 * The block driver process on the host against a virtio block model whose
 * disk is a temporary file: the device set up through the modern
 * transport, reads and writes through the client's shared buffer (checked
 * on the file itself), flush, several requests in flight answered by tag,
 * bad requests refused before the device sees them, and the device's
 * faults: an I/O error, a request that never completes, a power cut in the
 * middle of a write, a legacy transport.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "programs/programs.h"
#include "virtio/block.h"
#include "virtio/virtio_regs.h"
#include "virtio_blk_model.h"

#define DISK_SECTORS 4096u /* 2 MiB */
#define SECTOR       KAAL_BLOCK_SECTOR_BYTES
#define WAIT_NS      HARNESS_PROGRAM_WAIT_NS
#define SHORT_NS     (UINT64_C(200) * 1000 * 1000)

static const struct kaal_host_program programs[] = {{"block", kaal_program_entry_block}};

static struct kaal_broker broker;
static struct virtio_blk_model model;
static FILE *disk;
static struct kaal_driver drv;
static struct kaal_driver_client client;

static int block_setup(void **state)
{
	struct kaal_host_config config = {.programs = programs, .program_count = 1};
	harness_setup_with(state, &config);
	harness_broker(&broker);
	disk = harness_disk(0);
	/* Every sector starts as its own number's low byte, so any misplaced byte shows. */
	for (uint32_t s = 0; s < DISK_SECTORS; s++) {
		uint8_t sector[SECTOR];
		memset(sector, (int)(s & 0xFF), sizeof(sector));
		assert_int_equal(1, fwrite(sector, sizeof(sector), 1, disk));
	}
	assert_int_equal(0, fflush(disk));
	virtio_blk_model_init(&model, fileno(disk), DISK_SECTORS,
	                      harness_device(KAAL_DEVICE_BLOCK)->irq);
	kaal_driver_use_model(KAAL_DEVICE_BLOCK, &model.mmio);
	return 0;
}

static int block_teardown(void **state)
{
	kaal_driver_use_model(KAAL_DEVICE_BLOCK, NULL);
	fclose(disk);
	return harness_teardown(state);
}

#define BLOCK_CASE(fn) cmocka_unit_test_setup_teardown(fn, block_setup, block_teardown)

static void start(void)
{
	assert_status(KAAL_OK, kaal_driver_start(&broker, &kaal_block_driver, &drv));
	assert_status(KAAL_OK, kaal_driver_open_link(&client, &drv, 0, 0));
	assert_non_null(client.share);
	assert_int_equal(KAAL_BLOCK_SHARE_BYTES, client.share_size);
}

static void stop(void)
{
	assert_status(KAAL_OK, kaal_driver_stop(&broker, &drv));
}

static struct kaal_block_reply call(uint32_t op, uint32_t tag, uint64_t sector, uint32_t sectors,
                                    uint32_t offset)
{
	struct kaal_block_request q = {op, tag, sector, sectors, offset};
	struct kaal_block_reply r;
	memset(&r, 0xEE, sizeof(r));
	assert_status(KAAL_OK, kaal_driver_call(&client, &q, &r, WAIT_NS));
	assert_int_equal(op, r.op);
	assert_int_equal(tag, r.tag);
	return r;
}

static void disk_sector(uint32_t s, uint8_t out[SECTOR])
{
	assert_int_equal(SECTOR, pread(fileno(disk), out, SECTOR, (off_t)s * SECTOR));
}

static void assert_sector_filled(uint32_t s, uint8_t byte)
{
	uint8_t got[SECTOR], want[SECTOR];
	disk_sector(s, got);
	memset(want, byte, sizeof(want));
	assert_memory_equal(want, got, SECTOR);
}

static void info_and_setup(void **state)
{
	(void)state;
	start();
	struct kaal_block_reply r = call(KAAL_BLOCK_INFO, 7, 0, 0, 0);
	assert_int_equal(KAAL_OK, r.status);
	assert_int_equal(DISK_SECTORS, r.sectors);
	assert_int_equal(SECTOR, r.sector_bytes);
	/* The driver took version 1 and flush, and told the device it is ready. */
	assert_true(model.driver_features & (UINT64_C(1) << VIRTIO_F_VERSION_1));
	assert_true(model.driver_features & (UINT64_C(1) << VIRTIO_BLK_F_FLUSH));
	assert_true(model.status & VIRTIO_STATUS_DRIVER_OK);
	assert_int_equal(1, model.queue_ready);
	stop();
}

static void write_read_flush(void **state)
{
	(void)state;
	start();
	/* Eight sectors of a pattern from offset 4096 of the buffer to sector 100. */
	for (uint32_t i = 0; i < 8 * SECTOR; i++)
		client.share[4096 + i] = (uint8_t)(i * 7 + 3);
	assert_int_equal(KAAL_OK, call(KAAL_BLOCK_WRITE, 1, 100, 8, 4096).status);
	uint8_t sector[SECTOR];
	disk_sector(103, sector);
	for (uint32_t i = 0; i < SECTOR; i++)
		assert_int_equal((uint8_t)((3 * SECTOR + i) * 7 + 3), sector[i]);
	assert_sector_filled(99, 99);
	assert_sector_filled(108, 108);
	/* Read back elsewhere in the buffer. */
	memset(client.share + 65536, 0, 8 * SECTOR);
	assert_int_equal(KAAL_OK, call(KAAL_BLOCK_READ, 2, 100, 8, 65536).status);
	assert_memory_equal(client.share + 4096, client.share + 65536, 8 * SECTOR);
	/* The buffer's last sector reaches the device too. */
	assert_int_equal(KAAL_OK,
	                 call(KAAL_BLOCK_READ, 3, 5, 1, KAAL_BLOCK_SHARE_BYTES - SECTOR).status);
	assert_int_equal(5, client.share[KAAL_BLOCK_SHARE_BYTES - 1]);
	uint32_t flushes = model.flushes;
	assert_int_equal(KAAL_OK, call(KAAL_BLOCK_FLUSH, 4, 0, 0, 0).status);
	assert_int_equal(flushes + 1, model.flushes);
	stop();
}

/* Requests the model holds until four wait: all four are with the device at once. */
static void several_in_flight(void **state)
{
	(void)state;
	start();
	model.batch = 4;
	for (uint32_t tag = 0; tag < 4; tag++) {
		struct kaal_block_request q = {KAAL_BLOCK_READ, 40 + tag, 10 * tag, 1,
		                               tag * SECTOR};
		assert_status(KAAL_OK, kaal_channel_send(&client.request, &q, WAIT_NS));
	}
	bool seen[4] = {false};
	for (uint32_t i = 0; i < 4; i++) {
		struct kaal_block_reply r;
		assert_status(KAAL_OK, kaal_channel_recv(&client.reply, &r, WAIT_NS));
		assert_int_equal(KAAL_OK, r.status);
		assert_true(r.tag >= 40 && r.tag < 44 && !seen[r.tag - 40]);
		seen[r.tag - 40] = true;
	}
	for (uint32_t tag = 0; tag < 4; tag++)
		assert_int_equal((uint8_t)(10 * tag), client.share[tag * SECTOR]);
	model.batch = 0;
	struct kaal_block_reply r = call(KAAL_BLOCK_COUNTERS, 9, 0, 0, 0);
	assert_int_equal(4, r.most_in_flight);
	assert_int_equal(0, r.device_errors);
	stop();
}

/* Both links' requests wait in the device together and each reply goes to its own link. */
static void two_clients(void **state)
{
	(void)state;
	start();
	struct kaal_driver_client other;
	assert_status(KAAL_OK, kaal_driver_open_link(&other, &drv, 1, 0));
	assert_ptr_not_equal(client.share, other.share);
	model.batch = 2;
	struct kaal_block_request a = {KAAL_BLOCK_READ, 1, 1, 1, 0},
	                          b = {KAAL_BLOCK_READ, 2, 2, 1, 0};
	assert_status(KAAL_OK, kaal_channel_send(&client.request, &a, WAIT_NS));
	assert_status(KAAL_OK, kaal_channel_send(&other.request, &b, WAIT_NS));
	struct kaal_block_reply ra, rb;
	assert_status(KAAL_OK, kaal_channel_recv(&client.reply, &ra, WAIT_NS));
	assert_status(KAAL_OK, kaal_channel_recv(&other.reply, &rb, WAIT_NS));
	assert_int_equal(1, ra.tag);
	assert_int_equal(2, rb.tag);
	assert_int_equal(1, client.share[0]);
	assert_int_equal(2, other.share[0]);
	stop();
}

/* Each refused before the device sees it: no request reaches the model, the disk is as it was. */
static void bad_requests(void **state)
{
	(void)state;
	start();
	uint32_t requests = model.requests;
	const struct kaal_block_request bad[] = {
	    {99, 1, 0, 1, 0},                                            /* no such op */
	    {KAAL_BLOCK_WRITE, 2, 0, 0, 0},                              /* no sectors */
	    {KAAL_BLOCK_WRITE, 3, DISK_SECTORS, 1, 0},                   /* past the end */
	    {KAAL_BLOCK_WRITE, 4, DISK_SECTORS - 1, 2, 0},               /* runs past the end */
	    {KAAL_BLOCK_READ, 5, UINT64_MAX, 1, 0},                      /* wraps */
	    {KAAL_BLOCK_WRITE, 6, 0, 1, KAAL_BLOCK_SHARE_BYTES},         /* past the buffer */
	    {KAAL_BLOCK_READ, 7, 0, 2, KAAL_BLOCK_SHARE_BYTES - SECTOR}, /* runs past it */
	    {KAAL_BLOCK_READ, 8, 0, UINT32_MAX, 0},                      /* far past it */
	    {KAAL_BLOCK_WRITE, 9, 0, 1, 100},                            /* not sector-aligned */
	};
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct kaal_block_reply r;
		assert_status(KAAL_OK, kaal_driver_call(&client, &bad[i], &r, WAIT_NS));
		assert_int_equal(bad[i].tag, r.tag);
		assert_int_equal(KAAL_INVALID_ARGUMENT, r.status);
	}
	assert_int_equal(requests, model.requests);
	assert_sector_filled(0, 0);
	assert_sector_filled(DISK_SECTORS - 1, (DISK_SECTORS - 1) & 0xFF);
	/* The driver goes on. */
	assert_int_equal(KAAL_OK, call(KAAL_BLOCK_READ, 10, 1, 1, 0).status);
	stop();
}

static void io_error(void **state)
{
	(void)state;
	start();
	model.fail_request = model.requests + 1;
	memset(client.share, 0xAB, SECTOR);
	assert_int_equal(KAAL_DEVICE_FAULT, call(KAAL_BLOCK_WRITE, 1, 20, 1, 0).status);
	assert_sector_filled(20, 20);
	assert_int_equal(KAAL_OK, call(KAAL_BLOCK_WRITE, 2, 20, 1, 0).status);
	assert_sector_filled(20, 0xAB);
	assert_int_equal(1, call(KAAL_BLOCK_COUNTERS, 3, 0, 0, 0).device_errors);
	stop();
}

/* A request the device never finishes: its caller times out, the next ones are answered. */
static void never_completes(void **state)
{
	(void)state;
	start();
	model.stall_request = model.requests + 1;
	struct kaal_block_request q = {KAAL_BLOCK_READ, 1, 0, 1, 0};
	struct kaal_block_reply r;
	assert_status(KAAL_TIMEOUT, kaal_driver_call(&client, &q, &r, SHORT_NS));
	assert_int_equal(KAAL_OK, call(KAAL_BLOCK_READ, 2, 3, 1, 0).status);
	assert_int_equal(3, client.share[0]);
	stop();
}

/* The power fails in the middle of an eight-sector write: four land, the rest stay old. */
static void torn_write(void **state)
{
	(void)state;
	start();
	model.cut_at_write = model.writes + 1;
	memset(client.share, 0x5C, 8 * SECTOR);
	struct kaal_block_request q = {KAAL_BLOCK_WRITE, 1, 200, 8, 0};
	struct kaal_block_reply r;
	assert_status(KAAL_TIMEOUT, kaal_driver_call(&client, &q, &r, SHORT_NS));
	assert_true(model.powered_off);
	for (uint32_t s = 200; s < 204; s++)
		assert_sector_filled(s, 0x5C);
	for (uint32_t s = 204; s < 208; s++)
		assert_sector_filled(s, s & 0xFF);
	stop();
}

/* A transport of the legacy interface is refused before anything is written to it. */
static void legacy_transport(void **state)
{
	(void)state;
	model.version = 1;
	assert_status(KAAL_OK, kaal_driver_start(&broker, &kaal_block_driver, &drv));
	int status = 0;
	assert_status(KAAL_OK, kaal_spawn_wait(&drv.program, WAIT_NS, &status));
	assert_int_equal(KAAL_DEVICE_FAULT, status);
	assert_int_equal(0, model.status);
	assert_int_equal(0, model.queue_ready);
	stop();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    BLOCK_CASE(info_and_setup),    BLOCK_CASE(write_read_flush),
	    BLOCK_CASE(several_in_flight), BLOCK_CASE(two_clients),
	    BLOCK_CASE(bad_requests),      BLOCK_CASE(io_error),
	    BLOCK_CASE(never_completes),   BLOCK_CASE(torn_write),
	    BLOCK_CASE(legacy_transport),
	};
	return cmocka_run_group_tests_name("block_driver", tests, NULL, NULL);
}
