/*
 * The aarch64 kernel's first payload: the root task checks, through the
 * SDK, what the kernel built for it and that the core's objects behave on
 * this machine. It prints TAP on the PL011; the kernel then leaves QEMU
 * with status 0 only when every check passed.
 *
 * QEMU's -append reaches the kernel as /chosen/bootargs: "expect-el=N" and
 * "expect-gic=N" say what this run was started with, so a run meant to
 * enter at EL2 or use GICv3 fails when it did not; "fault" raises an
 * exception on purpose, to test the exception report.
 */
#include <stddef.h>

#include <kaal/sdk.h>
#include <kaal/tap.h>

#include "aarch64.h"
#include "kernel.h"

#define TEST_COUNT         42
#define WAIT_TIMEOUT_NS    2000000u /* 2 ms */
#define SMALL_UNTYPED_BITS 12
#define FAULT_ADDRESS      (UINT64_C(1) << 48) /* above every CPU's physical address range */

static const struct kaal_boot_info *bi;
static kaal_cptr next_slot;

/* The value of "key=<decimal>" in the boot arguments, or -1. */
static long bootarg(const char *args, const char *key)
{
	const char *p = args;
	while (*p) {
		while (*p == ' ')
			p++;
		const char *k = key;
		while (*k && *p == *k) {
			p++;
			k++;
		}
		if (*k == '\0' && *p == '=') {
			long v = 0;
			for (p++; *p >= '0' && *p <= '9'; p++)
				v = v * 10 + (*p - '0');
			return v;
		}
		while (*p && *p != ' ')
			p++;
	}
	return -1;
}

static bool bootarg_flag(const char *args, const char *flag)
{
	const char *p = args;
	while (*p) {
		while (*p == ' ')
			p++;
		const char *f = flag;
		while (*f && *p == *f) {
			p++;
			f++;
		}
		if (*f == '\0' && (*p == ' ' || *p == '\0'))
			return true;
		while (*p && *p != ' ')
			p++;
	}
	return false;
}

static struct kaal_slot_ref slot_ref(kaal_cptr slot)
{
	return kaal_root_slot(bi->root_cnode_cptr, slot);
}

static kaal_cptr largest_untyped(void)
{
	uint32_t best = 0;
	for (uint32_t i = 1; i < bi->untyped_count; i++)
		if (bi->untyped[i].size_bits > bi->untyped[best].size_bits)
			best = i;
	return bi->untyped[best].cptr;
}

/* Retype count objects from ut into fresh root CNode slots; the first slot or 0. */
static kaal_cptr retype(kaal_cptr ut, unsigned type, unsigned size_bits, unsigned count,
                        uint64_t *bytes_left)
{
	kaal_cptr first = next_slot;
	kaal_status st = kaal_untyped_retype(ut, type, size_bits, count,
	                                     slot_ref(bi->root_cnode_cptr), first, bytes_left);
	if (st != KAAL_OK) {
		kaal_diag_str("retype: ");
		kaal_diag_str(kaal_status_name(st));
		kaal_diag_end();
		return 0;
	}
	next_slot += count;
	return first;
}

static unsigned cap_type(kaal_cptr slot)
{
	struct kaal_cap_info info;
	return kaal_cnode_identify(slot_ref(slot), &info) == KAAL_OK ? info.type : ~0u;
}

static const struct kaal_boot_device *device(uint32_t id)
{
	for (uint32_t i = 0; i < bi->device_count; i++)
		if (bi->device[i].id == id)
			return &bi->device[i];
	return NULL;
}

static bool device_is(uint32_t id, kaal_paddr base, uint32_t irq)
{
	const struct kaal_boot_device *d = device(id);
	if (!d || d->mmio_base != base || d->irq != irq || d->irq_cptr == 0)
		return false;
	if (base == 0)
		return d->mmio_size == 0 && d->frame_cptr == 0;
	struct kaal_cap_info info;
	return d->frame_cptr != 0 &&
	       kaal_cnode_identify(slot_ref(d->frame_cptr), &info) == KAAL_OK &&
	       info.type == KAAL_CAP_DEVICE_FRAME && info.object == base;
}

static void boot_checks(const struct virt_machine *m, unsigned entry_el, kaal_paddr free_base)
{
	kaal_tap_ok(bi->magic == KAAL_BOOT_INFO_MAGIC && bi->version == KAAL_BOOT_INFO_VERSION &&
	                bi->total_size == sizeof(*bi),
	            "boot info: magic KAAL, the current version, its size");

	kaal_diag_str("RAM ");
	kaal_diag_hex(bi->ram_base);
	kaal_diag_str(" + ");
	kaal_diag_dec(bi->ram_size >> 20);
	kaal_diag_str(" MiB, kernel image ");
	kaal_diag_hex(bi->kernel_base);
	kaal_diag_str(" to ");
	kaal_diag_hex(free_base);
	kaal_diag_end();
	kaal_tap_ok(bi->ram_base == VIRT_RAM_BASE && bi->ram_base == m->ram_base &&
	                bi->ram_size == m->ram_size && (m->ram_found || !m->fdt_valid),
	            "boot info: RAM at 0x40000000, as the device tree (or the fixed map) says");

	/* Untyped regions: after the image, inside RAM, in order, not overlapping. */
	bool ok = bi->untyped_count > 0;
	kaal_paddr prev_end = free_base;
	uint64_t total = 0;
	for (uint32_t i = 0; i < bi->untyped_count; i++) {
		const struct kaal_boot_untyped *u = &bi->untyped[i];
		uint64_t size = UINT64_C(1) << u->size_bits;
		ok = ok && u->base >= prev_end && u->base + size <= bi->ram_base + bi->ram_size &&
		     cap_type(u->cptr) == KAAL_CAP_UNTYPED;
		prev_end = u->base + size;
		total += size;
	}
	kaal_diag_str("untyped: ");
	kaal_diag_dec(bi->untyped_count);
	kaal_diag_str(" regions, ");
	kaal_diag_dec(total >> 10);
	kaal_diag_str(" KiB");
	kaal_diag_end();
	kaal_tap_ok(ok && bi->kernel_base == (uintptr_t)__kernel_start,
	            "boot info: untyped regions lie after the kernel image, inside RAM");

	kaal_tap_ok(device_is(KAAL_DEVICE_UART0, 0x09000000u, 33),
	            "devices: UART0 at 0x09000000, IRQ 33, with frame and IRQ capabilities");
	kaal_tap_ok(device_is(KAAL_DEVICE_RTC, 0x09010000u, 34) &&
	                device_is(KAAL_DEVICE_GPIO, 0x09030000u, 39) &&
	                device_is(KAAL_DEVICE_TIMER, 0, 30),
	            "devices: PL031 RTC (IRQ 34), PL061 GPIO (IRQ 39), physical timer (IRQ 30)");

	long want_el = bootarg(m->bootargs, "expect-el");
	if (want_el < 0)
		kaal_tap_ok(true,
		            "entry exception level # SKIP no expect-el in the boot arguments");
	else
		kaal_tap_ok((long)entry_el == want_el,
		            want_el == 2 ? "entered at EL2 and dropped to EL1" : "entered at EL1");

	long want_gic = bootarg(m->bootargs, "expect-gic");
	if (want_gic < 0)
		kaal_tap_ok(true, "GIC version # SKIP no expect-gic in the boot arguments");
	else
		kaal_tap_ok(m->gic_found && (long)m->gic_version == want_gic &&
		                m->gic_dist == VIRT_GIC_DIST,
		            want_gic == 3
		                ? "device tree: GICv3 (arm,gic-v3) at 0x08000000"
		                : "device tree: GICv2 (arm,cortex-a15-gic) at 0x08000000");

	/* QEMU puts its (up to 1 MiB) device tree below the image only when it fits there. */
	if (bi->kernel_base >= VIRT_DTB_ADDR + VIRT_DTB_MAX_SIZE)
		kaal_tap_ok(m->fdt_valid, "device tree: read from 0x40000000");
	else
		kaal_tap_ok(
		    !m->fdt_valid && m->ram_size == VIRT_RAM_SIZE_DEFAULT,
		    "device tree: none below a kernel linked under 0x40100000, fixed map used");
}

/* The KaaL seed's notification sequence. */
static void notification_checks(void)
{
	kaal_word bits = ~(kaal_word)0;
	kaal_cptr n = next_slot++;
	kaal_tap_ok(kaal_notification_create(largest_untyped(), slot_ref(n)) == KAAL_OK &&
	                cap_type(n) == KAAL_CAP_NOTIFICATION,
	            "notification: create from an untyped");
	kaal_tap_ok(kaal_poll(n, &bits) == KAAL_OK && bits == 0, "notification: poll empty -> 0");
	kaal_tap_ok(kaal_signal(n, 0x5) == KAAL_OK, "notification: signal 0x5");
	kaal_tap_ok(kaal_poll(n, &bits) == KAAL_OK && bits == 0x5, "notification: poll -> 0x5");
	kaal_tap_ok(kaal_poll(n, &bits) == KAAL_OK && bits == 0, "notification: poll again -> 0");
	kaal_tap_ok(kaal_signal(n, 0x1) == KAAL_OK && kaal_signal(n, 0x2) == KAAL_OK &&
	                kaal_signal(n, 0x4) == KAAL_OK,
	            "notification: signal 0x1, 0x2, 0x4");
	kaal_tap_ok(kaal_poll(n, &bits) == KAAL_OK && bits == 0x7,
	            "notification: poll -> 0x7 (signals coalesce)");
}

static void cnode_checks(void)
{
	kaal_cptr n = retype(largest_untyped(), KAAL_CAP_NOTIFICATION, 0, 1, NULL);
	kaal_cptr copy = next_slot++, minted = next_slot++;
	struct kaal_cap_info orig, info;
	kaal_word bits = 0;

	bool ok = n != 0 && kaal_cnode_copy(slot_ref(copy), slot_ref(n)) == KAAL_OK &&
	          kaal_cnode_identify(slot_ref(n), &orig) == KAAL_OK &&
	          kaal_cnode_identify(slot_ref(copy), &info) == KAAL_OK &&
	          info.type == KAAL_CAP_NOTIFICATION && info.object == orig.object &&
	          kaal_signal(copy, 0x10) == KAAL_OK && kaal_poll(n, &bits) == KAAL_OK &&
	          bits == 0x10;
	kaal_tap_ok(ok, "cnode: a copy names the same notification");

	ok = kaal_cnode_mint(slot_ref(minted), slot_ref(n), KAAL_RIGHT_WRITE, 0x99) == KAAL_OK &&
	     kaal_cnode_identify(slot_ref(minted), &info) == KAAL_OK && info.badge == 0x99 &&
	     info.rights == KAAL_RIGHT_WRITE && info.object == orig.object &&
	     kaal_signal(minted, 0x20) == KAAL_OK &&
	     kaal_poll(minted, &bits) == KAAL_MISSING_RIGHT && kaal_poll(n, &bits) == KAAL_OK &&
	     bits == 0x99;
	kaal_tap_ok(ok, "cnode: mint with badge 0x99, write only; a signal through it sends 0x99");

	ok = kaal_cnode_revoke(slot_ref(n)) == KAAL_OK && cap_type(copy) == KAAL_CAP_NULL &&
	     cap_type(minted) == KAAL_CAP_NULL && cap_type(n) == KAAL_CAP_NOTIFICATION &&
	     kaal_signal(n, 0x1) == KAAL_OK && kaal_poll(n, &bits) == KAAL_OK && bits == 0x1;
	kaal_tap_ok(ok, "cnode: revoke removes the copy and the minted child, keeps the original");
}

static void untyped_checks(void)
{
	uint64_t left = 0;
	kaal_cptr small = retype(largest_untyped(), KAAL_CAP_UNTYPED, SMALL_UNTYPED_BITS, 1, NULL);
	struct kaal_untyped_info info = {0};
	kaal_tap_ok(small != 0 && kaal_untyped_info(small, &info) == KAAL_OK &&
	                info.size_bits == SMALL_UNTYPED_BITS && info.bytes_left == 4096,
	            "untyped: a 4 KiB untyped retyped from a boot region");

	/* 64 notifications of 32 bytes fill half of it; a 4 KiB frame no longer fits. */
	kaal_cptr first = retype(small, KAAL_CAP_NOTIFICATION, 0, 64, NULL);
	kaal_status st = kaal_untyped_retype(small, KAAL_CAP_FRAME, KAAL_PAGE_BITS, 1,
	                                     slot_ref(bi->root_cnode_cptr), next_slot, &left);
	kaal_tap_ok(first != 0 && st == KAAL_UNTYPED_EXHAUSTED && left == 2048 &&
	                cap_type(next_slot) == KAAL_CAP_NULL,
	            "untyped: after 64 notifications a frame does not fit (2048 bytes left)");

	kaal_cptr second = retype(small, KAAL_CAP_NOTIFICATION, 0, 64, NULL);
	st = kaal_untyped_retype(small, KAAL_CAP_NOTIFICATION, 0, 1, slot_ref(bi->root_cnode_cptr),
	                         next_slot, &left);
	kaal_tap_ok(second != 0 && st == KAAL_UNTYPED_EXHAUSTED && left == 0,
	            "untyped: 64 more fill it; one more is refused with 0 bytes left");

	kaal_cptr frame = 0;
	if (kaal_cnode_revoke(slot_ref(small)) == KAAL_OK && cap_type(first) == KAAL_CAP_NULL)
		frame = retype(small, KAAL_CAP_FRAME, KAAL_PAGE_BITS, 1, NULL);
	kaal_tap_ok(frame != 0 && cap_type(frame) == KAAL_CAP_FRAME,
	            "untyped: revoke deletes its objects and a 4 KiB frame then fits");
}

static void time_checks(void)
{
	uint64_t t0 = kaal_time_ns();
	for (volatile unsigned i = 0; i < 10000; i++)
		;
	uint64_t t1 = kaal_time_ns();
	kaal_diag_str("timer: ");
	kaal_diag_dec(timer_frequency());
	kaal_diag_str(" Hz, ");
	kaal_diag_dec(t1 - t0);
	kaal_diag_str(" ns for 10000 loop iterations");
	kaal_diag_end();
	kaal_tap_ok(t0 != 0 && t1 > t0, "time: kaal_time_ns() advances");

	kaal_cptr n = retype(largest_untyped(), KAAL_CAP_NOTIFICATION, 0, 1, NULL);
	kaal_word bits = ~(kaal_word)0;
	uint64_t idled = aarch64_idle_count();
	uint64_t start = kaal_time_ns();
	kaal_status st = kaal_wait_timeout(n, WAIT_TIMEOUT_NS, &bits);
	uint64_t waited = kaal_time_ns() - start;
	idled = aarch64_idle_count() - idled;
	kaal_diag_str("2 ms wait: ");
	kaal_diag_dec(waited);
	kaal_diag_str(" ns, ");
	kaal_diag_dec(idled);
	kaal_diag_str(" idle wait(s) for an interrupt");
	kaal_diag_end();
	kaal_tap_ok(
	    n != 0 && st == KAAL_TIMEOUT && bits == 0 && waited >= WAIT_TIMEOUT_NS && idled > 0,
	    "time: waiting 2 ms on an empty notification ends in KAAL_TIMEOUT, the CPU idle");
}

/*
 * Frames mapped at fixed user addresses. Threads still run at EL1, so the
 * root task reaches its mappings directly.
 */
#define MAP_FIRST  UINT64_C(0x10000000)
#define MAP_SECOND UINT64_C(0x20000000)
#define MAP_BYTES  64u

static void map_checks(const struct virt_machine *m)
{
	const kaal_word rw = KAAL_RIGHT_READ | KAAL_RIGHT_WRITE;
	kaal_cptr frame = retype(largest_untyped(), KAAL_CAP_FRAME, KAAL_PAGE_BITS, 1, NULL);
	kaal_cptr copy = next_slot++, third = next_slot++;
	void *p = NULL, *q = NULL, *r = NULL;
	uint64_t sctlr;
	__asm__ volatile("mrs %0, sctlr_el1" : "=r"(sctlr));
	/* M (bit 0), C (bit 2) and I (bit 12) on; A (bit 1) off. */
	kaal_tap_ok((sctlr & 0x1007u) == 0x1005u,
	            "mmu: translation and caches on, alignment checks off (SCTLR_EL1)");

	bool ok = frame != 0 && kaal_map(frame, MAP_FIRST, (unsigned)rw, &p) == KAAL_OK &&
	          (uintptr_t)p == MAP_FIRST;
	if (ok)
		for (unsigned i = 0; i < MAP_BYTES; i++)
			((volatile uint8_t *)p)[i] = (uint8_t)(0xa5u ^ i);
	ok = ok && kaal_cnode_copy(slot_ref(copy), slot_ref(frame)) == KAAL_OK &&
	     kaal_map(copy, MAP_SECOND, KAAL_RIGHT_READ, &q) == KAAL_OK &&
	     (uintptr_t)q == MAP_SECOND;
	for (unsigned i = 0; ok && i < MAP_BYTES; i++)
		ok = ((volatile const uint8_t *)q)[i] == (uint8_t)(0xa5u ^ i);
	kaal_tap_ok(ok, "map: a frame written at 0x10000000 reads the same through a copy's "
	                "mapping at 0x20000000");

	ok = kaal_cnode_copy(slot_ref(third), slot_ref(frame)) == KAAL_OK &&
	     kaal_map(third, MAP_FIRST, KAAL_RIGHT_READ, &r) == KAAL_INVALID_ARGUMENT &&
	     kaal_map(third, MAP_SECOND + 0x800u, KAAL_RIGHT_READ, &r) == KAAL_INVALID_ARGUMENT &&
	     kaal_map(third, 0, KAAL_RIGHT_READ, &r) == KAAL_INVALID_ARGUMENT &&
	     kaal_map(third, m->ram_base, KAAL_RIGHT_READ, &r) == KAAL_INVALID_ARGUMENT &&
	     kaal_map(third, (kaal_word)(uintptr_t)__kernel_start, KAAL_RIGHT_READ, &r) ==
	         KAAL_INVALID_ARGUMENT &&
	     kaal_map(third, m->uart.base, KAAL_RIGHT_READ, &r) == KAAL_INVALID_ARGUMENT;
	kaal_tap_ok(ok, "map: refused at a mapped, misaligned, zero, RAM or device address "
	                "(KAAL_INVALID_ARGUMENT)");

	ok = kaal_unmap(frame) == KAAL_OK && kaal_unmap(copy) == KAAL_OK &&
	     kaal_map(third, MAP_FIRST, KAAL_RIGHT_READ, &r) == KAAL_OK &&
	     (uintptr_t)r == MAP_FIRST &&
	     ((volatile const uint8_t *)r)[1] == (uint8_t)(0xa5u ^ 1u) &&
	     kaal_unmap(third) == KAAL_OK;
	kaal_tap_ok(ok, "map: unmapped addresses can be mapped again");
}

/* The system call entry: svc #0, number in x8, arguments x0-x5, results x0-x4. */
static void svc_checks(void)
{
	uint64_t before = aarch64_svc_count();
	struct kaal_result r = kaal_syscall(0x7ff, 1, 2, 3, 4, 5, 6);
	kaal_word bits = 1;
	kaal_cptr n = retype(largest_untyped(), KAAL_CAP_NOTIFICATION, 0, 1, NULL);
	bool ok = r.status == KAAL_INVALID_SYSCALL && n != 0 && kaal_signal(n, 0x42) == KAAL_OK &&
	          kaal_poll(n, &bits) == KAAL_OK && bits == 0x42 &&
	          aarch64_svc_count() - before >= 4;
	kaal_tap_ok(ok, "svc: system calls enter through svc #0; an unknown number returns "
	                "KAAL_INVALID_SYSCALL, a poll its bits");
}

/* Threads: each runs at EL1 on its own stack, and each test's threads get fresh ones. */
#define STACK_COUNT    12
#define STACK_WORDS    1024 /* 8 KiB */
#define ROOT_PRIORITY  100
#define SPIN_SWITCHES  6
#define SPIN_WAIT_NS   5000000u    /* 5 ms */
#define SPIN_LIMIT_NS  2000000000u /* 2 s */
#define TIMER_ROUTE_NS 500000000u  /* 500 ms: far past the physical timer's compare */
#define TIMER_AHEAD_NS 1000000u    /* the compare, 1 ms on */

static uint64_t stacks[STACK_COUNT][STACK_WORDS] __attribute__((aligned(16)));
static unsigned stacks_used;
static kaal_cptr done;

static volatile kaal_status waiter_status;
static volatile kaal_word waiter_bits;
static volatile unsigned order[2];
static volatile unsigned order_count;
static volatile uint64_t shared_counter;
static volatile uint64_t spins[2];
static volatile bool stop_spinning;

static void *fresh_stack(void)
{
	return stacks_used < STACK_COUNT ? &stacks[stacks_used++][STACK_WORDS] : NULL;
}

static kaal_cptr new_thread(unsigned priority)
{
	kaal_cptr t = retype(largest_untyped(), KAAL_CAP_THREAD, 0, 1, NULL);
	if (t && kaal_thread_configure(t, bi->root_cnode_cptr, 0, priority) != KAAL_OK)
		return 0;
	return t;
}

static bool start(kaal_cptr t, void (*entry)(kaal_word), kaal_word arg)
{
	void *stack = fresh_stack();
	return t != 0 && stack && kaal_thread_start(t, entry, stack, arg, NULL) == KAAL_OK;
}

/* Wait on the done notification until every bit of want came. */
static bool wait_done(kaal_word want)
{
	kaal_word got = 0, bits;
	while ((got & want) != want)
		if (kaal_wait(done, &bits) != KAAL_OK)
			return false;
		else
			got |= bits;
	return true;
}

static void signaller(kaal_word bits)
{
	kaal_signal(done, bits);
}

/* What a thread started with an IPC buffer finds set for it. */
static struct kaal_ipc_buffer *seen_ipc_buffer;

static void ipc_buffer_reporter(kaal_word bits)
{
	seen_ipc_buffer = kaal_ipc_buffer();
	kaal_signal(done, bits);
}

static void waiter(kaal_word ntfn)
{
	kaal_word bits = 0;
	waiter_status = kaal_wait(ntfn, &bits);
	waiter_bits = bits;
}

static void recorder(kaal_word id)
{
	order[order_count++] = (unsigned)id;
	kaal_signal(done, (kaal_word)1 << id);
}

/* Answers every call on ep, noting each turn as id 1. */
static void replier(kaal_word ep)
{
	struct kaal_msg m = {kaal_msg_info(0, 0, 0), {0}, 0};
	kaal_recv(ep, &m);
	for (;;) {
		order[order_count++] = 1;
		m.info = kaal_msg_info(0, 0, 0);
		kaal_reply_recv(ep, &m);
	}
}

/* Each time ntfn is signalled: notes its turn as id 0 and signals done. */
static void queued_recorder(kaal_word ntfn)
{
	kaal_word bits;
	while (kaal_wait(ntfn, &bits) == KAAL_OK) {
		order[order_count++] = 0;
		kaal_signal(done, 0x1);
	}
}

#define TICK_ATTEMPTS 20 /* tries of a check a timer tick can rightly upset */

/*
 * The root, raised to priority 200, wakes a recorder of priority 120 (it is
 * queued) and calls ep, where a replier waits: the replier must run first
 * exactly when replier_first. A tick in between may rightly turn the two
 * round (round robin at 120): such an attempt proves nothing and is made
 * again.
 */
static bool call_past_queued(kaal_cptr ep, kaal_cptr wake, bool replier_first)
{
	for (unsigned attempt = 0; attempt < TICK_ATTEMPTS; attempt++) {
		uint64_t ticks = aarch64_tick_count();
		order_count = 0;
		struct kaal_msg m = {kaal_msg_info(0, 0, 0), {0}, 0};
		bool ok = kaal_thread_set_priority(bi->root_thread_cptr, 200) == KAAL_OK &&
		          kaal_signal(wake, 1) == KAAL_OK && order_count == 0 &&
		          kaal_call(ep, &m) == KAAL_OK;
		ok = kaal_thread_set_priority(bi->root_thread_cptr, ROOT_PRIORITY) == KAAL_OK &&
		     ok && wait_done(0x1) && order_count == 2;
		if (!ok)
			return false;
		if (aarch64_tick_count() == ticks)
			return order[0] == (replier_first ? 1u : 0u) &&
			       order[1] == (replier_first ? 0u : 1u);
	}
	return false;
}

/* Each spinner moves the shared counter on only from its own parity. */
static void spinner(kaal_word parity)
{
	while (!stop_spinning) {
		if (shared_counter % 2 == parity)
			shared_counter = shared_counter + 1;
		spins[parity] = spins[parity] + 1;
	}
	kaal_signal(done, (kaal_word)1 << parity);
}

static void thread_checks(void)
{
	kaal_word bits = 0;
	done = retype(largest_untyped(), KAAL_CAP_NOTIFICATION, 0, 1, NULL);
	kaal_tap_ok(done != 0 &&
	                kaal_thread_set_priority(bi->root_thread_cptr, ROOT_PRIORITY) == KAAL_OK,
	            "thread: the root thread lowers its priority to 100");

	kaal_cptr t = new_thread(50);
	kaal_tap_ok(t != 0 &&
	                kaal_thread_start(t, signaller, NULL, 1, NULL) == KAAL_INVALID_ARGUMENT,
	            "thread start: no stack is refused (KAAL_INVALID_ARGUMENT)");
	kaal_tap_ok(
	    start(t, signaller, 0x1) && kaal_wait(done, &bits) == KAAL_OK && bits == 0x1,
	    "thread: a started thread (priority 50) runs while the root waits and signals back");

	static struct kaal_ipc_buffer given;
	kaal_cptr with_ipc = new_thread(50);
	void *stack = fresh_stack();
	seen_ipc_buffer = NULL;
	kaal_tap_ok(with_ipc != 0 && stack &&
	                kaal_thread_start(with_ipc, ipc_buffer_reporter, stack, 0x1, &given) ==
	                    KAAL_OK &&
	                kaal_wait(done, &bits) == KAAL_OK && bits == 0x1 &&
	                seen_ipc_buffer == &given && kaal_ipc_buffer() != &given,
	            "thread start: the thread begins with the IPC buffer it was given");

	/* A higher-priority thread runs at once, blocks, and runs again as soon as it is woken. */
	kaal_cptr n = retype(largest_untyped(), KAAL_CAP_NOTIFICATION, 0, 1, NULL);
	waiter_status = KAAL_BUSY;
	bool started = start(new_thread(150), waiter, n);
	bool blocked = waiter_status == KAAL_BUSY;
	kaal_tap_ok(started && blocked && kaal_signal(n, 0x8) == KAAL_OK &&
	                waiter_status == KAAL_OK && waiter_bits == 0x8,
	            "thread: a waiter (priority 150) blocked in kaal_wait is woken by the root's "
	            "signal and runs at once");

	order_count = 0;
	started = start(new_thread(60), recorder, 0) && start(new_thread(80), recorder, 1);
	kaal_tap_ok(started && order_count == 0 && wait_done(0x3) && order_count == 2 &&
	                order[0] == 1 && order[1] == 0,
	            "priorities: of two runnable threads, priority 80 runs before priority 60");

	/* The direct switch of a call keeps the run queues' order. */
	kaal_cptr ep_equal = retype(largest_untyped(), KAAL_CAP_ENDPOINT, 0, 1, NULL);
	kaal_cptr ep_above = retype(largest_untyped(), KAAL_CAP_ENDPOINT, 0, 1, NULL);
	kaal_cptr wake = retype(largest_untyped(), KAAL_CAP_NOTIFICATION, 0, 1, NULL);
	started = ep_equal && ep_above && wake && start(new_thread(120), queued_recorder, wake) &&
	          start(new_thread(120), replier, ep_equal) &&
	          start(new_thread(150), replier, ep_above);
	kaal_tap_ok(started && call_past_queued(ep_equal, wake, false),
	            "priorities: a call's receiver woken at the priority of a queued thread runs "
	            "after it");
	kaal_tap_ok(started && call_past_queued(ep_above, wake, true),
	            "priorities: a call's receiver woken above every queued thread runs first");

	shared_counter = 0;
	stop_spinning = false;
	started = start(new_thread(50), spinner, 0) && start(new_thread(50), spinner, 1);
	uint64_t limit = kaal_time_ns() + SPIN_LIMIT_NS;
	while (started && shared_counter < SPIN_SWITCHES && kaal_time_ns() < limit)
		kaal_wait_timeout(n, SPIN_WAIT_NS, &bits);
	stop_spinning = true;
	bool ended = started && wait_done(0x3);
	kaal_diag_str("spinners: counter ");
	kaal_diag_dec(shared_counter);
	kaal_diag_str(", iterations ");
	kaal_diag_dec(spins[0]);
	kaal_diag_str(" and ");
	kaal_diag_dec(spins[1]);
	kaal_diag_end();
	kaal_tap_ok(ended && shared_counter >= SPIN_SWITCHES && spins[0] > 0 && spins[1] > 0,
	            "preemption: two spinning threads of one priority take turns at the tick");
}

#define REVOKE_CHILDREN 64

/* Copies of a fresh notification in REVOKE_CHILDREN fresh slots: its cptr, or 0. */
static kaal_cptr notification_with_copies(void)
{
	kaal_cptr n = retype(largest_untyped(), KAAL_CAP_NOTIFICATION, 0, 1, NULL);
	for (unsigned i = 0; n && i < REVOKE_CHILDREN; i++)
		if (kaal_cnode_copy(slot_ref(next_slot++), slot_ref(n)) != KAAL_OK)
			return 0;
	return n;
}

/*
 * Revoke stops at a preemption point after each deletion while an IRQ
 * waits, and is issued again until done. The root keeps IRQs masked, so
 * the GPIO interrupt it pends stays waiting through every restart (the
 * count is exact) and is taken once it unmasks them.
 */
static void revoke_preemption_checks(void)
{
	const struct kaal_boot_device *gpio = device(KAAL_DEVICE_GPIO);
	kaal_cptr irq_n = retype(largest_untyped(), KAAL_CAP_NOTIFICATION, 0, 1, NULL);
	/* A tick may come during the revoke and rightly stop it: such an attempt is made again. */
	bool ok = false, ticked = true;
	for (unsigned attempt = 0; ticked && attempt < TICK_ATTEMPTS; attempt++) {
		kaal_cptr quiet = notification_with_copies();
		kaal_cptr first = next_slot - REVOKE_CHILDREN;
		uint64_t ticks = aarch64_tick_count(), before = aarch64_restart_count();
		ok = quiet && kaal_cnode_revoke(slot_ref(quiet)) == KAAL_OK &&
		     cap_type(first + REVOKE_CHILDREN - 1) == KAAL_CAP_NULL;
		ticked = aarch64_tick_count() != ticks;
		ok = ok && (ticked || aarch64_restart_count() == before);
	}
	kaal_tap_ok(ok && !ticked,
	            "revoke: with no interrupt waiting it runs to the end in one call");

	kaal_cptr busy = notification_with_copies();
	kaal_cptr first = next_slot - REVOKE_CHILDREN;
	kaal_word bits = 0;
	uint64_t before;
	ok = gpio && irq_n && busy && kaal_irq_set_notification(gpio->irq_cptr, irq_n) == KAAL_OK;
	before = aarch64_restart_count();
	kaal_status st = KAAL_INVALID_SYSCALL;
	if (ok) {
		__asm__ volatile("msr daifset, #2" ::: "memory");
		gic_set_pending(gpio->irq);
		st = kaal_cnode_revoke(slot_ref(busy));
		__asm__ volatile("msr daifclr, #2" ::: "memory");
	}
	uint64_t restarts = aarch64_restart_count() - before;
	for (unsigned i = 0; ok && i < REVOKE_CHILDREN; i++)
		ok = cap_type(first + i) == KAAL_CAP_NULL;
	ok = ok && st == KAAL_OK && restarts == REVOKE_CHILDREN - 1 &&
	     cap_type(busy) == KAAL_CAP_NOTIFICATION && kaal_wait(irq_n, &bits) == KAAL_OK &&
	     bits == 1 && kaal_irq_ack(gpio->irq_cptr) == KAAL_OK &&
	     kaal_irq_clear(gpio->irq_cptr) ==
	         KAAL_OK; /* bound once: the irq checks bind it again */
	kaal_diag_str("revoke restarts: ");
	kaal_diag_dec(restarts);
	kaal_diag_end();
	kaal_tap_ok(ok, "revoke: an interrupt waiting stops it after each deletion; issued again, "
	                "it deletes all 64 children, then the interrupt is taken");
}

static void irq_checks(void)
{
	kaal_word bits = 0;
	const struct kaal_boot_device *gpio = device(KAAL_DEVICE_GPIO);
	kaal_cptr n = retype(largest_untyped(), KAAL_CAP_NOTIFICATION, 0, 1, NULL);
	bool ok = gpio && n && kaal_irq_set_notification(gpio->irq_cptr, n) == KAAL_OK;
	if (ok)
		gic_set_pending(gpio->irq);
	ok = ok && kaal_wait(n, &bits) == KAAL_OK && bits == 1;
	/* Masked until acknowledged: a second one stays at the GIC until the ack. */
	if (ok)
		gic_set_pending(gpio->irq);
	ok = ok && kaal_poll(n, &bits) == KAAL_OK && bits == 0 &&
	     kaal_irq_ack(gpio->irq_cptr) == KAAL_OK && kaal_wait(n, &bits) == KAAL_OK &&
	     bits == 1 && kaal_irq_ack(gpio->irq_cptr) == KAAL_OK;
	kaal_tap_ok(ok, "irq: GPIO's SPI, pended at the GIC, signals its notification; again "
	                "only after the ack");

	/* The physical timer, armed 1 ms on, fires through its PPI; disabled, it lets go. */
	const struct kaal_boot_device *timer = device(KAAL_DEVICE_TIMER);
	kaal_cptr tn = retype(largest_untyped(), KAAL_CAP_NOTIFICATION, 0, 1, NULL);
	ok = timer && tn && kaal_irq_set_notification(timer->irq_cptr, tn) == KAAL_OK;
	if (ok) {
		uint64_t now;
		__asm__ volatile("isb\n\tmrs %0, cntpct_el0" : "=r"(now) : : "memory");
		uint64_t compare = now + timer_ns_to_counter(TIMER_AHEAD_NS);
		__asm__ volatile("msr cntp_cval_el0, %0\n\tmsr cntp_ctl_el0, %1\n\tisb"
		                 :
		                 : "r"(compare), "r"((uint64_t)1)
		                 : "memory");
	}
	ok = ok && kaal_wait_timeout(tn, TIMER_ROUTE_NS, &bits) == KAAL_OK && bits == 1;
	__asm__ volatile("msr cntp_ctl_el0, xzr\n\tisb" ::: "memory");
	ok = ok && kaal_irq_ack(timer->irq_cptr) == KAAL_OK;
	kaal_tap_ok(ok, "irq: the physical timer's PPI, its compare reached, signals the "
	                "notification its handler capability names");
}

static void raise_fault(void)
{
	kaal_tap_diag("kaal: reading an address outside physical memory on purpose (fault)");
	(void)*(volatile uint64_t *)(uintptr_t)FAULT_ADDRESS;
	kaal_tap_diag("kaal: the read did not fault");
}

/* The self-test has no user program: its VSpaces copy nothing and it carries no boot programs. */
unsigned aarch64_program_writable_pages(void)
{
	return 0;
}

void aarch64_load_boot_programs(struct kaal_platform *p)
{
	p->program_count = 0;
}

const struct aarch64_boot_program *aarch64_boot_program(unsigned n)
{
	(void)n;
	return NULL;
}

unsigned aarch64_root_task(const struct kaal_boot_info *boot_info, const struct virt_machine *m,
                           unsigned entry_el, kaal_paddr free_base)
{
	bi = boot_info;
	next_slot = bi->first_free_slot;

	/* The IPC buffer at its physical address: RAM is identity-mapped (mmu.c). */
	struct kaal_cap_info ipc;
	if (kaal_cnode_identify(slot_ref(bi->ipc_buffer_cptr), &ipc) == KAAL_OK)
		kaal_set_ipc_buffer((struct kaal_ipc_buffer *)(uintptr_t)ipc.object);

	if (bootarg_flag(m->bootargs, "fault"))
		raise_fault();

	kaal_tap_plan(TEST_COUNT);
	boot_checks(m, entry_el, free_base);
	notification_checks();
	cnode_checks();
	untyped_checks();
	time_checks();
	map_checks(m);
	svc_checks();
	thread_checks();
	revoke_preemption_checks();
	irq_checks();
	return kaal_tap_failures();
}
