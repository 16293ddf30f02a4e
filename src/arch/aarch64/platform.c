/*
 * The QEMU virt machine as an aarch64 kernel sees it: read the device tree
 * (or fall back to the fixed map), describe RAM and devices to the core,
 * boot it, start the GIC and the tick, and run the root task (the self-test
 * or a scenario) as the root thread.
 */
#include <kaal/sdk.h>

#include "aarch64.h"
#include "kernel.h"

#define PAGE_SIZE (UINT64_C(1) << KAAL_PAGE_BITS)
/* The lowest user address; frames are mapped where the caller says (mmu.c). */
#define USER_VADDR_BASE 0x10000u

static void describe_device(const char *name, const struct virt_device *d)
{
	console_puts("# kaal: ");
	console_puts(name);
	console_puts(" at ");
	console_hex(d->base);
	console_puts(", irq ");
	console_dec(d->irq);
	console_puts(d->found ? "\n" : " (fixed map)\n");
}

static void describe_machine(const struct virt_machine *m)
{
	if (m->fdt_valid) {
		console_puts("# kaal: device tree read\n");
	} else {
		console_puts("# kaal: ");
		console_puts(m->fdt_problem);
		console_puts(": using QEMU virt's fixed map\n");
	}
	console_puts("# kaal: RAM ");
	console_hex(m->ram_base);
	console_puts(" + ");
	console_dec(m->ram_size >> 20);
	console_puts(m->ram_found ? " MiB\n" : " MiB (assumed: no memory node)\n");
	describe_device("PL011", &m->uart);
	describe_device("PL031", &m->rtc);
	describe_device("PL061", &m->gpio);
	console_puts("# kaal: GIC");
	if (m->gic_found) {
		console_puts("v");
		console_dec(m->gic_version);
	} else {
		console_puts(" (version unknown, fixed map)");
	}
	console_puts(" distributor ");
	console_hex(m->gic_dist);
	console_puts(m->gic_version == 3 ? ", redistributors " : ", CPU interface ");
	console_hex(m->gic_cpu_or_redist);
	console_puts("\n# kaal: timer irqs: virtual ");
	console_dec(m->timer_virt_irq);
	console_puts(", physical ");
	console_dec(m->timer_phys_irq);
	console_puts(", hypervisor ");
	console_dec(m->timer_hyp_irq);
	console_puts(m->timer_found ? "\n" : " (fixed map)\n");
}

static void add_device(struct kaal_platform *p, uint32_t id, uint32_t irq, kaal_paddr base,
                       uint64_t size)
{
	struct kaal_platform_device *d = &p->device[p->device_count++];
	d->id = id;
	d->irq = irq;
	d->mmio_base = base;
	/* A driver is given the page holding its registers: a page-sized device gets it all. */
	d->mmio_size = size > PAGE_SIZE ? PAGE_SIZE : size;
}

/* What a virtio-mmio transport says about itself, at the start of its registers. */
#define VIRTIO_MMIO_MAGIC_VALUE 0x000u
#define VIRTIO_MMIO_VERSION     0x004u
#define VIRTIO_MMIO_DEVICE_ID   0x008u
#define VIRTIO_MAGIC            0x74726976u /* "virt" */
#define VIRTIO_ID_BLOCK         2u

static uint32_t virtio_reg(const struct virt_device *d, uint32_t offset)
{
	return *(volatile const uint32_t *)(uintptr_t)(d->base + offset);
}

/*
 * The first transport with a block device behind it becomes the broker's
 * KAAL_DEVICE_BLOCK; empty transports (device id 0) are left out. The
 * driver checks the transport's version itself.
 */
static void add_block_device(struct kaal_platform *p, const struct virt_machine *m)
{
	for (uint32_t i = 0; i < m->virtio_count; i++) {
		const struct virt_device *d = &m->virtio[i];
		if (virtio_reg(d, VIRTIO_MMIO_MAGIC_VALUE) != VIRTIO_MAGIC ||
		    virtio_reg(d, VIRTIO_MMIO_DEVICE_ID) != VIRTIO_ID_BLOCK)
			continue;
		console_puts("# kaal: virtio block device at ");
		console_hex(d->base);
		console_puts(", irq ");
		console_dec(d->irq);
		console_puts(", transport version ");
		console_dec(virtio_reg(d, VIRTIO_MMIO_VERSION));
		console_puts("\n");
		add_device(p, KAAL_DEVICE_BLOCK, d->irq, d->base, d->size);
		return;
	}
}

static kaal_paddr round_up_page(kaal_paddr a)
{
	return (a + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
}

_Noreturn void kaal_aarch64_main(uint64_t dtb, uint64_t entry_el)
{
	console_puts("# kaal: aarch64 kernel entered at EL");
	console_dec(entry_el);
	console_puts(entry_el == 2 ? ", now at EL1\n" : "\n");

	struct virt_machine m;
	virt_machine_fixed(&m);
	/* An ELF from -kernel gets x0 = 0 and the tree at the bottom of RAM. */
	fdt_read((const void *)(uintptr_t)(dtb ? dtb : VIRT_DTB_ADDR), &m);
	/* Translation on before anything else runs: atomics need Normal memory. */
	mmu_init(&m);
	pl011_init(m.uart.base);
	describe_machine(&m);

	/* The image and everything below it (the device tree) stay the kernel's. */
	struct kaal_platform p = {0};
	p.ram_base = m.ram_base;
	p.ram_size = m.ram_size;
	p.free_base = round_up_page((uintptr_t)__kernel_end);
	p.kernel_base = (uintptr_t)__kernel_start;
	p.user_vaddr_start = USER_VADDR_BASE;
	add_device(&p, KAAL_DEVICE_UART0, m.uart.irq, m.uart.base, m.uart.size);
	add_device(&p, KAAL_DEVICE_RTC, m.rtc.irq, m.rtc.base, m.rtc.size);
	add_device(&p, KAAL_DEVICE_GPIO, m.gpio.irq, m.gpio.base, m.gpio.size);
	/* The physical timer: the kernel ticks on the virtual one. */
	add_device(&p, KAAL_DEVICE_TIMER, m.timer_phys_irq, 0, 0);
	add_block_device(&p, &m);
	aarch64_load_boot_programs(&p);

	struct kaal_boot_state state;
	kaal_status st = kaal_kernel_boot(&p, &state);
	if (st != KAAL_OK) {
		console_puts("Bail out! kaal_kernel_boot failed: ");
		console_puts(kaal_status_name(st));
		console_puts("\n");
		semihosting_exit(KAAL_EXIT_BOOT);
	}

	/* Device interrupts are delivered from now on; the timer's PPI is the tick. */
	gic_init(&m);
	for (uint32_t i = 0; i < p.device_count; i++)
		if (p.device[i].irq != m.timer_virt_irq && p.device[i].irq != KAAL_NO_IRQ)
			gic_enable(p.device[i].irq);

	/* From here the kernel runs as the root thread and uses the SDK. */
	aarch64_adopt_thread(state.root_thread, m.timer_virt_irq);
	unsigned failures = aarch64_root_task(state.boot_info, &m, (unsigned)entry_el, p.free_base);
	kaal_shutdown(failures ? KAAL_EXIT_FAILED : KAAL_EXIT_PASSED);
	semihosting_exit(KAAL_EXIT_FAILED); /* shutdown returned: it must not */
}

/* The console and power parts of the arch contract. */

void arch_debug_putchar(char c)
{
	pl011_putc(c);
}

void arch_shutdown(kaal_word code)
{
	semihosting_exit(code);
}
