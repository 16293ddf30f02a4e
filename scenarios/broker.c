/*
 * Scenario: the capability broker as a root task meets it first. Memory
 * comes as untyped capabilities, devices as an MMIO frame and an IRQ
 * handler that only one holder may have at a time, endpoints as ready
 * capabilities. Then the failures: memory that is not there, a device
 * that is taken, and memory and devices coming back after they are freed.
 */
#include <kaal/broker.h>
#include <kaal/sdk.h>
#include <kaal/tap.h>

#define PLAN 29

/* Where the UART's registers are mapped for the mapping check. */
#define UART_VADDR 0x10000000u

/* QEMU virt's devices: MMIO base and interrupt id. */
#define UART0_BASE 0x09000000u
#define UART0_IRQ  33u
#define RTC_BASE   0x09010000u
#define RTC_IRQ    34u
#define GPIO_BASE  0x09030000u
#define GPIO_IRQ   39u
#define TIMER_IRQ  30u

static struct kaal_broker broker;
static kaal_cptr root;

/* A check on a status: on failure the diagnostic names what came back. */
static bool check_status(kaal_status got, kaal_status want, const char *what)
{
	bool ok = kaal_tap_ok(got == want, what);
	if (!ok) {
		kaal_diag_str("  got ");
		kaal_diag_str(kaal_status_name(got));
		kaal_diag_str(", expected ");
		kaal_diag_str(kaal_status_name(want));
		kaal_diag_end();
	}
	return ok;
}

static struct kaal_slot_ref slot_of(kaal_cptr slot)
{
	return kaal_root_slot(root, slot);
}

static unsigned cap_type(kaal_cptr slot)
{
	struct kaal_cap_info info;
	if (slot == 0 || kaal_cnode_identify(slot_of(slot), &info) != KAAL_OK)
		return KAAL_CAP_TYPE_COUNT; /* no type at all: never what a check expects */
	return info.type;
}

/* One check (described by check) on a device the broker handed out, after a diagnostic line. */
static void check_device(const char *name, const char *check, const struct kaal_device *d,
                         kaal_paddr base, uint32_t irq)
{
	kaal_diag_str(name);
	kaal_diag_str(": MMIO ");
	kaal_diag_hex(d->mmio_base);
	kaal_diag_str(" (");
	kaal_diag_dec(d->mmio_size);
	kaal_diag_str(" bytes), IRQ ");
	kaal_diag_dec(d->irq);
	kaal_diag_str(", frame in slot ");
	kaal_diag_dec(d->frame);
	kaal_diag_str(", IRQ handler in slot ");
	kaal_diag_dec(d->irq_handler);
	kaal_diag_end();
	bool ok = d->mmio_base == base && d->irq == irq;
	if (base != 0)
		ok = ok && d->mmio_size == 4096 && cap_type(d->frame) == KAAL_CAP_DEVICE_FRAME;
	else
		ok = ok && d->mmio_size == 0 && d->frame == 0;
	ok = ok && cap_type(d->irq_handler) == KAAL_CAP_IRQ_HANDLER;
	kaal_tap_ok(ok, check);
}

int kaal_scenario_main(const struct kaal_boot_info *bi)
{
	kaal_tap_plan(PLAN);
	root = bi->root_cnode_cptr;

	/* 1: the broker is built from boot info alone. */
	if (!check_status(kaal_broker_init(&broker, bi), KAAL_OK,
	                  "broker initialised from boot info"))
		return (int)kaal_tap_failures();
	const uint64_t total = broker.memory.total_bytes;
	const uint32_t slots_at_start = broker.slots.free_count;
	kaal_diag_str("broker manages ");
	kaal_diag_dec(total >> 10);
	kaal_diag_str(" KiB of RAM and ");
	kaal_diag_dec(slots_at_start);
	kaal_diag_str(" free slots");
	kaal_diag_end();

	/* 2-4: a page of memory, as an untyped capability. */
	struct kaal_memory page = {0};
	kaal_status st = kaal_broker_allocate_memory(&broker, 4096, 0, &page);
	check_status(st, KAAL_OK, "allocate 4096 bytes");
	kaal_tap_ok(st == KAAL_OK && page.size == 4096 && page.phys % 4096 == 0 && page.cap != 0,
	            "the block is one page, page aligned, with a capability slot");
	struct kaal_untyped_info ui = {0, 0, 0};
	st = kaal_untyped_info(page.cap, &ui);
	kaal_tap_ok(st == KAAL_OK && ui.base == page.phys && ui.size_bits == 12 &&
	                ui.bytes_left == 4096,
	            "the slot holds an untyped capability covering exactly that page");
	kaal_diag_str("allocated 4096 bytes at ");
	kaal_diag_hex(page.phys);
	kaal_diag_str(" (untyped capability in slot ");
	kaal_diag_dec(page.cap);
	kaal_diag_str(")");
	kaal_diag_end();

	/* 5-8: UART0, its frame mapped once to show the capability works. */
	struct kaal_device uart = {0};
	st = kaal_broker_request_device(&broker, KAAL_DEVICE_UART0, &uart);
	if (check_status(st, KAAL_OK, "request UART0"))
		check_device("UART0", "UART0: base, IRQ and capabilities as the board has them",
		             &uart, UART0_BASE, UART0_IRQ);
	else
		kaal_tap_ok(false, "UART0: base, IRQ and capabilities as the board has them");
	struct kaal_cap_info info = {0};
	st = kaal_cnode_identify(slot_of(uart.irq_handler), &info);
	kaal_tap_ok(st == KAAL_OK && info.type == KAAL_CAP_IRQ_HANDLER,
	            "identify: UART0's IRQ handler capability");
	void *regs = 0;
	st = kaal_map(uart.frame, UART_VADDR, KAAL_RIGHT_READ | KAAL_RIGHT_WRITE, &regs);
	kaal_tap_ok(st == KAAL_OK && (uintptr_t)regs == UART_VADDR &&
	                kaal_unmap(uart.frame) == KAAL_OK,
	            "UART0's registers map at a fixed address and unmap");

	/* 9-11: an endpoint, ready to use. */
	kaal_cptr ep = 0;
	st = kaal_broker_create_endpoint(&broker, &ep);
	check_status(st, KAAL_OK, "create an endpoint");
	kaal_tap_ok(cap_type(ep) == KAAL_CAP_ENDPOINT, "identify: it is an endpoint capability");
	struct kaal_msg msg = {kaal_msg_info(1, 1, 0), {42, 0, 0, 0}, 0};
	check_status(kaal_nb_send(ep, &msg), KAAL_OK,
	             "nb_send on it succeeds (no receiver: the message is dropped)");
	kaal_diag_str("endpoint in slot ");
	kaal_diag_dec(ep);
	kaal_diag_end();

	/* 12-17: the other devices. */
	struct kaal_device rtc = {0}, timer = {0}, gpio = {0};
	st = kaal_broker_request_device(&broker, KAAL_DEVICE_RTC, &rtc);
	if (check_status(st, KAAL_OK, "request the RTC"))
		check_device("RTC", "RTC: base, IRQ and capabilities as the board has them", &rtc,
		             RTC_BASE, RTC_IRQ);
	else
		kaal_tap_ok(false, "RTC: base, IRQ and capabilities as the board has them");
	st = kaal_broker_request_device(&broker, KAAL_DEVICE_TIMER, &timer);
	if (check_status(st, KAAL_OK, "request the timer (no MMIO, an IRQ only)"))
		check_device("timer", "timer: base, IRQ and capabilities as the board has them",
		             &timer, 0, TIMER_IRQ);
	else
		kaal_tap_ok(false, "timer: base, IRQ and capabilities as the board has them");
	st = kaal_broker_request_device(&broker, KAAL_DEVICE_GPIO, &gpio);
	if (check_status(st, KAAL_OK, "request the GPIO controller"))
		check_device("GPIO", "GPIO: base, IRQ and capabilities as the board has them",
		             &gpio, GPIO_BASE, GPIO_IRQ);
	else
		kaal_tap_ok(false, "GPIO: base, IRQ and capabilities as the board has them");

	/* 18-19: more memory than there is; nothing is taken. */
	uint64_t free_before = broker.memory.free_bytes;
	uint32_t slots_before = broker.slots.free_count;
	struct kaal_memory none = {0};
	check_status(kaal_broker_allocate_memory(&broker, total * 2, 0, &none),
	             KAAL_UNTYPED_EXHAUSTED, "allocating twice the RAM: KAAL_UNTYPED_EXHAUSTED");
	kaal_tap_ok(broker.memory.free_bytes == free_before &&
	                broker.slots.free_count == slots_before,
	            "after the failure no memory and no slot is taken");

	/* 20-22: devices are exclusive until released. */
	struct kaal_device again = {0};
	check_status(kaal_broker_request_device(&broker, KAAL_DEVICE_UART0, &again), KAAL_BUSY,
	             "a second request for UART0: KAAL_BUSY");
	kaal_cptr old_frame = uart.frame, old_irq = uart.irq_handler;
	st = kaal_broker_release_device(&broker, KAAL_DEVICE_UART0);
	kaal_tap_ok(st == KAAL_OK && cap_type(old_frame) == KAAL_CAP_NULL &&
	                cap_type(old_irq) == KAAL_CAP_NULL,
	            "release UART0: its capabilities are revoked");
	st = kaal_broker_request_device(&broker, KAAL_DEVICE_UART0, &again);
	kaal_tap_ok(st == KAAL_OK && again.mmio_base == UART0_BASE &&
	                cap_type(again.frame) == KAAL_CAP_DEVICE_FRAME &&
	                cap_type(again.irq_handler) == KAAL_CAP_IRQ_HANDLER,
	            "after the release UART0 can be requested again");

	/* 23-27: objects made from a block die with it; the memory comes back. */
	uint64_t free_with_page = broker.memory.free_bytes;
	kaal_cptr ntfn = 0;
	st = kaal_broker_alloc_slot(&broker, &ntfn);
	if (st == KAAL_OK)
		st = kaal_notification_create(page.cap, slot_of(ntfn));
	st = st == KAAL_OK ? kaal_untyped_info(page.cap, &ui) : st;
	kaal_tap_ok(st == KAAL_OK && cap_type(ntfn) == KAAL_CAP_NOTIFICATION &&
	                ui.bytes_left < 4096,
	            "a notification made from the page uses part of it");
	st = kaal_broker_free_memory(&broker, &page);
	kaal_tap_ok(st == KAAL_OK && cap_type(ntfn) == KAAL_CAP_NULL &&
	                broker.memory.free_bytes == free_with_page + 4096,
	            "free the page: the notification is gone, 4096 bytes are free again");
	kaal_broker_free_slot(&broker, ntfn);
	struct kaal_memory page2 = {0};
	st = kaal_broker_allocate_memory(&broker, 4096, 0, &page2);
	st = st == KAAL_OK ? kaal_untyped_info(page2.cap, &ui) : st;
	kaal_tap_ok(st == KAAL_OK && page2.size == 4096 && ui.base == page2.phys &&
	                ui.bytes_left == 4096 && page2.phys >= bi->ram_base &&
	                page2.phys + 4096 <= bi->ram_base + bi->ram_size,
	            "reallocate 4096 bytes: a whole, unused page of RAM");
	kaal_diag_str("reallocated 4096 bytes at ");
	kaal_diag_hex(page2.phys);
	kaal_diag_str(page2.phys == page.phys ? " (the same block)" : " (another block)");
	kaal_diag_end();
	check_status(kaal_broker_free_memory(&broker, &page2), KAAL_OK, "free it again");
	check_status(kaal_broker_free_memory(&broker, &page2), KAAL_INVALID_ARGUMENT,
	             "freeing it twice: KAAL_INVALID_ARGUMENT");

	/* 28: with the endpoint destroyed, every byte is back. */
	st = kaal_broker_destroy_object(&broker, ep);
	kaal_tap_ok(st == KAAL_OK && broker.memory.free_bytes == total,
	            "destroy the endpoint: all memory is free again");
	/* 29: a slot index wider than the slot word is refused, not cut down to its low bits. */
	const kaal_word past_slot_word = UINT64_C(1) << 60;
	check_status(kaal_cnode_identify(slot_of(past_slot_word + root), &info),
	             KAAL_INVALID_ARGUMENT, "identify: an index past 56 bits names no slot");

	kaal_diag_str(kaal_tap_failures() == 0 ? "broker: all checks passed" : "broker: failures");
	kaal_diag_end();
	return (int)kaal_tap_failures();
}
