/*
 * The block driver on QEMU's virtio block device (drivers/virtio/), as
 * test_block_driver.c runs it on the host against the model: the runner
 * gives the machine a fresh disk of zeros (KAAL_QEMU_DISK_MB) behind the
 * modern virtio-mmio transport. The driver sets the device up and says its
 * size; sectors written from the shared buffer read back elsewhere in it,
 * also after a flush; eight requests sent at once are all answered, each by
 * its tag; a request past the disk's end is refused; the stopped driver
 * gives everything back.
 */
#include <kaal/driver.h>
#include <kaal/tap.h>

#include "root_task.h"
#include "virtio/block.h"

#define PLAN         6
#define DISK_SECTORS (UINT64_C(4) << 20 >> 9) /* the runner's 4 MiB disk */
#define WAIT_NS      UINT64_C(10000000000)
#define RUN_SECTORS  64u
#define AT_ONCE      8u
#define READ_BACK    (UINT32_C(1) << 20) /* where reads land in the shared buffer */

static struct kaal_broker broker;
static struct kaal_driver drv;
static struct kaal_driver_client client;

static kaal_status call(uint32_t op, uint32_t tag, uint64_t sector, uint32_t sectors,
                        uint32_t offset, struct kaal_block_reply *r)
{
	struct kaal_block_request q = {op, tag, sector, sectors, offset};
	kaal_status st = kaal_driver_call(&client, &q, r, WAIT_NS);
	if (st == KAAL_OK && (r->op != op || r->tag != tag))
		return KAAL_CORRUPT_RING;
	return st == KAAL_OK ? (kaal_status)r->status : st;
}

static bool same(const uint8_t *a, const uint8_t *b, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		if (a[i] != b[i])
			return false;
	return true;
}

static bool write_then_read(void)
{
	const uint32_t bytes = RUN_SECTORS * KAAL_BLOCK_SECTOR_BYTES;
	for (uint32_t i = 0; i < bytes; i++) {
		client.share[i] = (uint8_t)(i * 13 + 1);
		client.share[READ_BACK + i] = 0;
	}
	struct kaal_block_reply r;
	kaal_status st = call(KAAL_BLOCK_WRITE, 1, 1000, RUN_SECTORS, 0, &r);
	if (st == KAAL_OK)
		st = call(KAAL_BLOCK_FLUSH, 2, 0, 0, 0, &r);
	if (st == KAAL_OK)
		st = call(KAAL_BLOCK_READ, 3, 1000, RUN_SECTORS, READ_BACK, &r);
	return st == KAAL_OK && same(client.share, client.share + READ_BACK, bytes);
}

/* Eight single-sector reads sent before any reply is read: every tag comes back once. */
static bool many_at_once(void)
{
	uint32_t seen = 0;
	for (uint32_t i = 0; i < AT_ONCE; i++) {
		struct kaal_block_request q = {KAAL_BLOCK_READ, i, 1000 + i, 1,
		                               READ_BACK + i * KAAL_BLOCK_SECTOR_BYTES};
		if (kaal_channel_send(&client.request, &q, WAIT_NS) != KAAL_OK)
			return false;
	}
	for (uint32_t i = 0; i < AT_ONCE; i++) {
		struct kaal_block_reply r;
		if (kaal_channel_recv(&client.reply, &r, WAIT_NS) != KAAL_OK ||
		    r.status != KAAL_OK || r.tag >= AT_ONCE || (seen & (1u << r.tag)))
			return false;
		seen |= 1u << r.tag;
	}
	struct kaal_block_reply counters;
	if (call(KAAL_BLOCK_COUNTERS, 99, 0, 0, 0, &counters) != KAAL_OK)
		return false;
	kaal_diag_str("most requests with the device at once: ");
	kaal_diag_dec(counters.most_in_flight);
	kaal_diag_end();
	/* Sector 1000 + i starts with the byte written at offset i * 512 of the run. */
	for (uint32_t i = 0; i < AT_ONCE; i++)
		if (client.share[READ_BACK + i * KAAL_BLOCK_SECTOR_BYTES] !=
		    (uint8_t)(i * KAAL_BLOCK_SECTOR_BYTES * 13 + 1))
			return false;
	return true;
}

int kaal_root_task_main(const struct kaal_boot_info *bi)
{
	kaal_tap_plan(PLAN);
	if (kaal_broker_init(&broker, bi) != KAAL_OK) {
		kaal_tap_diag("the broker does not accept this boot info");
		return 1;
	}
	uint64_t free_bytes = broker.memory.free_bytes;
	uint32_t free_slots = broker.slots.free_count;
	kaal_status st = kaal_driver_start(&broker, &kaal_block_driver, &drv);
	if (st == KAAL_OK)
		st = kaal_driver_open_link(&client, &drv, 0, 0);
	struct kaal_block_reply info = {0};
	if (st == KAAL_OK)
		st = call(KAAL_BLOCK_INFO, 7, 0, 0, 0, &info);
	if (!kaal_tap_ok(st == KAAL_OK && info.sectors == DISK_SECTORS &&
	                     info.sector_bytes == KAAL_BLOCK_SECTOR_BYTES,
	                 "the block driver sets up the virtio device and says its 4 MiB"))
		return (int)kaal_tap_failures();
	kaal_tap_ok(write_then_read(),
	            "64 sectors written from the shared buffer read back after a flush");
	kaal_tap_ok(many_at_once(), "eight requests sent at once are answered, each by its tag");
	struct kaal_block_reply r;
	kaal_tap_ok(call(KAAL_BLOCK_READ, 8, DISK_SECTORS, 1, 0, &r) == KAAL_INVALID_ARGUMENT,
	            "a read past the disk's end is refused: KAAL_INVALID_ARGUMENT");
	kaal_tap_ok(call(KAAL_BLOCK_READ, 9, 1000, 1, 0, &r) == KAAL_OK && client.share[0] == 1,
	            "the driver goes on after the refusal");
	st = kaal_driver_stop(&broker, &drv);
	kaal_tap_ok(st == KAAL_OK && broker.memory.free_bytes == free_bytes &&
	                broker.slots.free_count == free_slots,
	            "the stopped driver gives back its device, memory and slots");
	return (int)kaal_tap_failures();
}
