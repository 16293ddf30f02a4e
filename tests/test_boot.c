/* Boot: the boot info, the root task's initial capabilities, RAM and devices. */
#include <string.h>

#include "harness.h"

#define MIB              (UINT64_C(1) << 20)
#define RAM_BASE         UINT64_C(0x40000000)
#define DEFAULT_RAM      (128 * MIB)
#define ROOT_RADIX       12
#define ROOT_CNODE_BYTES (UINT64_C(1) << (ROOT_RADIX + KAAL_SLOT_BITS))
#define BOOT_OBJECTS_BYTES                                                                         \
	(ROOT_CNODE_BYTES + (UINT64_C(1) << KAAL_THREAD_BITS) + 3 * (UINT64_C(1) << KAAL_PAGE_BITS))

static struct kaal_cap_info identify(kaal_cptr slot)
{
	return harness_identify(slot);
}

/* Shut the fixture's system down and boot another with ram_size bytes. */
static const struct kaal_boot_info *reboot(uint64_t ram_size)
{
	assert_status(KAAL_OK, kaal_host_shutdown());
	struct kaal_host_config config = {.ram_size = ram_size};
	const struct kaal_boot_info *bi = NULL;
	assert_status(KAAL_OK, kaal_host_boot(&config, &bi));
	assert_non_null(bi);
	h.bi = bi;
	h.root = bi->root_cnode_cptr;
	h.next_slot = bi->first_free_slot;
	h.untyped = bi->untyped[0].cptr;
	for (uint32_t i = 1; i < bi->untyped_count; i++)
		if (bi->untyped[i].size_bits > bi->untyped[0].size_bits)
			h.untyped = bi->untyped[i].cptr;
	return bi;
}

static bool inside(kaal_paddr p, uint64_t size, kaal_paddr base, uint64_t len)
{
	return p >= base && p - base < len && size <= len - (p - base);
}

/*
 * The untyped regions of bi: each an untyped capability for exactly its
 * region, aligned, inside RAM, disjoint from the others and from the boot
 * objects; together with the boot objects they are all of RAM.
 */
static void check_untyped_regions(const struct kaal_boot_info *bi)
{
	assert_true(bi->untyped_count >= 1);
	assert_true(bi->untyped_count <= KAAL_BOOT_INFO_MAX_UNTYPED);
	const kaal_paddr boot_objects[] = {
	    identify(bi->root_cnode_cptr).object,  identify(bi->root_thread_cptr).object,
	    identify(bi->ipc_buffer_cptr).object,  identify(bi->boot_info_frame_cptr).object,
	    identify(bi->root_vspace_cptr).object,
	};
	uint64_t total = 0;
	for (uint32_t i = 0; i < bi->untyped_count; i++) {
		const struct kaal_boot_untyped *u = &bi->untyped[i];
		uint64_t size = UINT64_C(1) << u->size_bits;
		assert_true(u->size_bits >= KAAL_MIN_UNTYPED_BITS);
		assert_true(u->size_bits <= KAAL_MAX_UNTYPED_BITS);
		assert_int_equal(0, u->base & (size - 1));
		assert_true(inside(u->base, size, bi->ram_base, bi->ram_size));
		for (uint32_t j = 0; j < i; j++) {
			const struct kaal_boot_untyped *v = &bi->untyped[j];
			uint64_t vsize = UINT64_C(1) << v->size_bits;
			assert_true(u->base + size <= v->base || v->base + vsize <= u->base);
			assert_int_not_equal(u->cptr, v->cptr);
		}
		for (unsigned k = 0; k < 5; k++)
			assert_false(inside(boot_objects[k], 1, u->base, size));
		assert_true(u->cptr > bi->root_vspace_cptr);
		assert_true(u->cptr < bi->first_free_slot);

		struct kaal_cap_info ci = identify(u->cptr);
		assert_int_equal(KAAL_CAP_UNTYPED, ci.type);
		assert_int_equal(KAAL_RIGHTS_ALL, ci.rights);
		assert_int_equal(u->base, ci.object);
		struct kaal_untyped_info ui;
		assert_status(KAAL_OK, kaal_untyped_info(u->cptr, &ui));
		assert_int_equal(u->base, ui.base);
		assert_int_equal(u->size_bits, ui.size_bits);
		assert_int_equal(size, ui.bytes_left);
		total += size;
	}
	for (unsigned k = 0; k < 5; k++)
		assert_true(inside(boot_objects[k], 1, bi->ram_base, bi->ram_size));
	assert_int_equal(bi->ram_size, total + BOOT_OBJECTS_BYTES);
}

/* Slot 0 and every slot from first_free_slot are empty; the others hold the boot caps. */
static void check_slots(const struct kaal_boot_info *bi)
{
	unsigned expected = 5; /* CNode, thread, IPC buffer, boot info, VSpace */
	for (uint32_t i = 0; i < bi->device_count; i++)
		expected += (bi->device[i].frame_cptr != 0) + (bi->device[i].irq_cptr != 0);
	expected += bi->untyped_count;
	assert_int_equal(expected + 1, bi->first_free_slot);
	assert_int_equal(KAAL_CAP_NULL, identify(0).type);
	for (kaal_cptr s = 1; s < bi->first_free_slot; s++)
		assert_int_not_equal(KAAL_CAP_NULL, identify(s).type);
	for (kaal_cptr s = bi->first_free_slot; s < bi->slot_count; s++) {
		struct kaal_cap_info ci = identify(s);
		assert_int_equal(KAAL_CAP_NULL, ci.type);
		assert_int_equal(0, ci.rights);
		assert_int_equal(0, ci.object);
	}
}

static void header(void **state)
{
	(void)state;
	const struct kaal_boot_info *bi = h.bi;
	assert_int_equal(0x4B41414C, bi->magic);
	assert_int_equal(KAAL_BOOT_INFO_MAGIC, bi->magic);
	assert_int_equal(4, bi->version);
	assert_int_equal(sizeof(struct kaal_boot_info), bi->total_size);
	assert_int_equal(104 + 24 * 48 + 40 * 16 + 16 + 32 * 16, bi->total_size);
	assert_int_equal(0, bi->program_count); /* the harness boots without programs */
	assert_int_equal(ROOT_RADIX, bi->root_cnode_radix);
	assert_int_equal(UINT64_C(1) << ROOT_RADIX, bi->slot_count);
	assert_int_equal(RAM_BASE, bi->ram_base);
	assert_int_equal(DEFAULT_RAM, bi->ram_size);
	assert_int_not_equal(0, bi->kernel_base);
	assert_int_equal(0x10000, bi->user_vaddr_start);
	assert_int_equal(1, bi->root_cnode_cptr);
	assert_int_equal(2, bi->root_thread_cptr);
	assert_int_equal(3, bi->ipc_buffer_cptr);
	assert_int_equal(4, bi->boot_info_frame_cptr);
	assert_int_equal(5, bi->root_vspace_cptr);
	assert_int_equal(KAAL_PAGE_BITS, bi->vspace_bits);
}

static void initial_capabilities(void **state)
{
	(void)state;
	const struct kaal_boot_info *bi = h.bi;

	/* The root CNode: radix 12 under a zero guard, at the start of RAM. */
	struct kaal_cap_info cn = identify(bi->root_cnode_cptr);
	assert_int_equal(KAAL_CAP_CNODE, cn.type);
	assert_int_equal(KAAL_RIGHTS_ALL, cn.rights);
	assert_int_equal(0, cn.badge);
	assert_int_equal(bi->ram_base, cn.object);
	/* Its cptr names it at any depth the guard allows: slot 1 at depth 64. */
	struct kaal_slot_ref self = {bi->root_cnode_cptr, bi->root_cnode_cptr, KAAL_WORD_BITS};
	struct kaal_cap_info again;
	assert_status(KAAL_OK, kaal_cnode_identify(self, &again));
	assert_int_equal(cn.object, again.object);

	struct kaal_cap_info t = identify(bi->root_thread_cptr);
	assert_int_equal(KAAL_CAP_THREAD, t.type);
	assert_int_equal(KAAL_RIGHTS_ALL, t.rights);
	assert_int_equal(0, t.object & ((UINT64_C(1) << KAAL_THREAD_BITS) - 1));
	/* The root thread is running already. */
	assert_status(KAAL_ILLEGAL_OPERATION,
	              kaal_thread_start(bi->root_thread_cptr, NULL, NULL, 0, NULL));

	/* The root task's VSpace, as large as the smallest VSpace the root may make. */
	struct kaal_cap_info vs = identify(bi->root_vspace_cptr);
	assert_int_equal(KAAL_CAP_VSPACE, vs.type);
	assert_int_equal(KAAL_RIGHTS_ALL, vs.rights);
	assert_int_equal(0, vs.object & ((UINT64_C(1) << bi->vspace_bits) - 1));

	/* The IPC buffer frame is mapped read-write where the SDK was told. */
	struct kaal_cap_info ipc = identify(bi->ipc_buffer_cptr);
	assert_int_equal(KAAL_CAP_FRAME, ipc.type);
	assert_int_equal(KAAL_RIGHTS_ALL, ipc.rights);
	assert_int_equal((uintptr_t)kaal_ipc_buffer(), ipc.badge);
	assert_int_equal(0, ipc.object & ((UINT64_C(1) << KAAL_PAGE_BITS) - 1));
	void *p;
	assert_status(KAAL_ILLEGAL_OPERATION,
	              kaal_map(bi->ipc_buffer_cptr, 0, KAAL_RIGHT_READ | KAAL_RIGHT_WRITE, &p));
	kaal_ipc_buffer()->user_data = 0x1234;
	assert_int_equal(0x1234, kaal_ipc_buffer()->user_data);

	/* The boot info frame: read-only, mapped at the address boot handed out. */
	struct kaal_cap_info bif = identify(bi->boot_info_frame_cptr);
	assert_int_equal(KAAL_CAP_FRAME, bif.type);
	assert_int_equal(KAAL_RIGHT_READ, bif.rights);
	assert_int_equal((uintptr_t)bi, bif.badge);
	assert_int_equal(0, bif.object & ((UINT64_C(1) << KAAL_PAGE_BITS) - 1));

	/* A copy maps read-only (never writable) and shows the same page. */
	kaal_cptr copy = harness_slot();
	assert_status(KAAL_OK,
	              kaal_cnode_copy(harness_ref(copy), harness_ref(bi->boot_info_frame_cptr)));
	assert_status(KAAL_MISSING_RIGHT,
	              kaal_map(copy, 0, KAAL_RIGHT_READ | KAAL_RIGHT_WRITE, &p));
	assert_status(KAAL_OK, kaal_map(copy, 0, KAAL_RIGHT_READ, &p));
	assert_ptr_not_equal(p, bi);
	assert_memory_equal(p, bi, sizeof(*bi));

	/* The four boot objects are distinct and inside RAM. */
	kaal_paddr objs[] = {cn.object, t.object, ipc.object, bif.object};
	for (unsigned i = 0; i < 4; i++) {
		assert_true(inside(objs[i], 1, bi->ram_base, bi->ram_size));
		for (unsigned j = 0; j < i; j++)
			assert_int_not_equal(objs[i], objs[j]);
	}
}

static void untyped_regions(void **state)
{
	(void)state;
	check_untyped_regions(h.bi);
	/* The fixture's choice is the largest region, 64 MiB of the 128. */
	struct kaal_untyped_info ui;
	assert_status(KAAL_OK, kaal_untyped_info(h.untyped, &ui));
	assert_int_equal(26, ui.size_bits);
}

static const struct kaal_boot_device *device(const struct kaal_boot_info *bi, uint32_t id)
{
	for (uint32_t i = 0; i < bi->device_count; i++)
		if (bi->device[i].id == id)
			return &bi->device[i];
	return NULL;
}

static void check_mmio_device(const struct kaal_boot_info *bi, uint32_t id, kaal_paddr base,
                              uint64_t size, uint32_t irq)
{
	const struct kaal_boot_device *d = device(bi, id);
	assert_non_null(d);
	assert_int_equal(base, d->mmio_base);
	assert_int_equal(size, d->mmio_size);
	assert_int_equal(irq, d->irq);
	struct kaal_cap_info f = identify(d->frame_cptr);
	assert_int_equal(KAAL_CAP_DEVICE_FRAME, f.type);
	assert_int_equal(KAAL_RIGHT_READ | KAAL_RIGHT_WRITE, f.rights);
	/* The frame is the page holding the registers. */
	assert_int_equal(base & ~(kaal_paddr)4095, f.object);
	assert_int_equal(0, f.badge); /* not mapped */
	struct kaal_cap_info q = identify(d->irq_cptr);
	assert_int_equal(KAAL_CAP_IRQ_HANDLER, q.type);
	assert_int_equal(irq, q.badge);
	assert_int_equal(0, q.object);
}

static void devices(void **state)
{
	(void)state;
	const struct kaal_boot_info *bi = h.bi;
	assert_int_equal(5, bi->device_count);
	check_mmio_device(bi, KAAL_DEVICE_UART0, 0x09000000, 4096, 33);
	check_mmio_device(bi, KAAL_DEVICE_RTC, 0x09010000, 4096, 34);
	check_mmio_device(bi, KAAL_DEVICE_GPIO, 0x09030000, 4096, 39);
	/* virtio-mmio's last transport: 0x200 bytes inside a page. */
	check_mmio_device(bi, KAAL_DEVICE_BLOCK, 0x0A003E00, 0x200, 79);

	const struct kaal_boot_device *timer = device(bi, KAAL_DEVICE_TIMER);
	assert_non_null(timer);
	assert_int_equal(0, timer->mmio_base);
	assert_int_equal(0, timer->mmio_size);
	assert_int_equal(0, timer->frame_cptr);
	assert_int_equal(30, timer->irq);
	struct kaal_cap_info q = identify(timer->irq_cptr);
	assert_int_equal(KAAL_CAP_IRQ_HANDLER, q.type);
	assert_int_equal(30, q.badge);

	assert_null(device(bi, KAAL_DEVICE_UART1));
	assert_null(device(bi, KAAL_DEVICE_NONE));
	/* Device capabilities sit between the boot info frame and the untyped regions. */
	for (uint32_t i = 0; i < bi->device_count; i++) {
		const struct kaal_boot_device *d = &bi->device[i];
		if (d->frame_cptr)
			assert_true(d->frame_cptr > bi->boot_info_frame_cptr &&
			            d->frame_cptr < bi->untyped[0].cptr);
		assert_true(d->irq_cptr > bi->boot_info_frame_cptr &&
		            d->irq_cptr < bi->untyped[0].cptr);
	}
}

static void free_slots(void **state)
{
	(void)state;
	check_slots(h.bi);
}

static void second_boot_is_busy(void **state)
{
	(void)state;
	static const struct kaal_boot_info untouched;
	const struct kaal_boot_info *bi = &untouched;
	const struct kaal_boot_info *before = bi;
	assert_status(KAAL_BUSY, kaal_host_boot(NULL, &bi));
	assert_ptr_equal(before, bi);
	struct kaal_host_config config = {.ram_size = 64 * MIB};
	assert_status(KAAL_BUSY, kaal_host_boot(&config, &bi));
	assert_ptr_equal(before, bi);
	/* The running system is untouched. */
	assert_int_equal(DEFAULT_RAM, h.bi->ram_size);
	assert_int_equal(KAAL_CAP_CNODE, identify(h.root).type);
	kaal_cptr n = harness_create(KAAL_CAP_NOTIFICATION, 0);
	assert_int_equal(KAAL_CAP_NOTIFICATION, identify(n).type);
}

static void custom_ram_size(void **state)
{
	(void)state;
	const struct kaal_boot_info *bi = reboot(64 * MIB);
	assert_int_equal(KAAL_BOOT_INFO_MAGIC, bi->magic);
	assert_int_equal(RAM_BASE, bi->ram_base);
	assert_int_equal(64 * MIB, bi->ram_size);
	check_untyped_regions(bi);
	check_slots(bi);
	/* Devices do not depend on RAM. */
	check_mmio_device(bi, KAAL_DEVICE_UART0, 0x09000000, 4096, 33);
}

/* A size that is no power of two splits into more regions; the smallest RAM allowed works. */
static void odd_ram_sizes(void **state)
{
	(void)state;
	const struct kaal_boot_info *bi = reboot(64 * MIB + 3 * 4096);
	assert_int_equal(64 * MIB + 3 * 4096, bi->ram_size);
	check_untyped_regions(bi);
	check_slots(bi);

	bi = reboot(MIB);
	assert_int_equal(MIB, bi->ram_size);
	check_untyped_regions(bi);
	check_slots(bi);

	/* Zero means the build's default. */
	bi = reboot(0);
	assert_int_equal(DEFAULT_RAM, bi->ram_size);
	check_untyped_regions(bi);
}

static void invalid_ram_size(void **state)
{
	(void)state;
	assert_status(KAAL_OK, kaal_host_shutdown());
	/* Nothing is booted now. */
	assert_status(KAAL_ILLEGAL_OPERATION, kaal_host_shutdown());
	const uint64_t bad[] = {4096, MIB - 4096, MIB + 1, MIB + 2048, 64 * MIB - 1};
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct kaal_host_config config = {.ram_size = bad[i]};
		const struct kaal_boot_info *bi = NULL;
		assert_status(KAAL_INVALID_ARGUMENT, kaal_host_boot(&config, &bi));
		assert_null(bi);
		assert_status(KAAL_ILLEGAL_OPERATION, kaal_host_shutdown());
	}
	/* A refused boot leaves nothing behind: a good one follows (and teardown ends it). */
	const struct kaal_boot_info *bi = NULL;
	assert_status(KAAL_OK, kaal_host_boot(NULL, &bi));
	assert_non_null(bi);
	h.bi = bi;
	assert_int_equal(DEFAULT_RAM, bi->ram_size);
	check_slots(bi);
}

/* Each boot starts from scratch: nothing from the last one survives. */
static void reboot_starts_clean(void **state)
{
	(void)state;
	kaal_cptr slot = h.bi->first_free_slot;
	kaal_cptr n = harness_create(KAAL_CAP_NOTIFICATION, 0);
	assert_int_equal(slot, n);
	assert_status(KAAL_OK, kaal_signal(n, 1));
	struct kaal_untyped_info ui;
	assert_status(KAAL_OK, kaal_untyped_info(h.untyped, &ui));
	assert_true(ui.bytes_left < (UINT64_C(1) << ui.size_bits));

	const struct kaal_boot_info *bi = reboot(0);
	assert_int_equal(slot, bi->first_free_slot);
	assert_int_equal(KAAL_CAP_NULL, identify(slot).type);
	assert_status(KAAL_OK, kaal_untyped_info(h.untyped, &ui));
	assert_int_equal(UINT64_C(1) << ui.size_bits, ui.bytes_left);
	check_untyped_regions(bi);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    HARNESS_CASE(header),           HARNESS_CASE(initial_capabilities),
	    HARNESS_CASE(untyped_regions),  HARNESS_CASE(devices),
	    HARNESS_CASE(free_slots),       HARNESS_CASE(second_boot_is_busy),
	    HARNESS_CASE(custom_ram_size),  HARNESS_CASE(odd_ram_sizes),
	    HARNESS_CASE(invalid_ram_size), HARNESS_CASE(reboot_starts_clean),
	};
	return cmocka_run_group_tests_name("boot", tests, NULL, NULL);
}
