/*
 * The GIC, version 2 or 3, as QEMU virt has it: one CPU, every interrupt
 * in the non-secure group 1 (version 3) or group 0 with security off
 * (version 2), routed to CPU 0 at one priority. The kernel takes
 * interrupts at EL1 as IRQs; aarch64_irq() in thread.c reads them here.
 */
#include "aarch64.h"

/* Distributor registers, the same offsets in both versions. */
#define GICD_CTLR       0x000u
#define GICD_TYPER      0x004u
#define GICD_IGROUPR    0x080u
#define GICD_ISENABLER  0x100u
#define GICD_ICENABLER  0x180u
#define GICD_ISPENDR    0x200u
#define GICD_ICPENDR    0x280u
#define GICD_IPRIORITYR 0x400u
#define GICD_ITARGETSR  0x800u
#define GICD_IROUTER    0x6000u /* version 3: 64-bit affinity per SPI */
#define GICD_CTLR_RWP   (1u << 31)

/* Version 2 distributor: forward interrupts. Version 3: ARE, group 1 (and 0). */
#define GICD_CTLR_V2_ENABLE 0x1u
#define GICD_CTLR_V3_ENABLE 0x13u /* ARE_NS (bit 4), EnableGrp1 (bit 1), EnableGrp0 */

/* Version 2 CPU interface. */
#define GICC_CTLR 0x000u
#define GICC_PMR  0x004u
#define GICC_IAR  0x00cu
#define GICC_EOIR 0x010u

/* Version 3 redistributor of CPU 0: its control frame and its SGI/PPI frame. */
#define GICR_WAKER              0x014u
#define GICR_WAKER_SLEEP        (1u << 1)
#define GICR_WAKER_CHILD_ASLEEP (1u << 2)
#define GICR_SGI_FRAME          0x10000u

#define PRIORITY_DEFAULT 0xa0u /* every interrupt; the mask lets all through */
#define PRIORITY_MASK    0xffu
#define INTID_SPURIOUS   1020u /* 1020..1023 are special: no interrupt */

static unsigned version;
static uintptr_t dist, cpu, redist;
static uint32_t line_count; /* interrupt ids below this exist */

static inline uint32_t rd32(uintptr_t a)
{
	return *(volatile uint32_t *)a;
}

static inline void wr32(uintptr_t a, uint32_t v)
{
	*(volatile uint32_t *)a = v;
}

static inline void wr8(uintptr_t a, uint8_t v)
{
	*(volatile uint8_t *)a = v;
}

static inline void wr64(uintptr_t a, uint64_t v)
{
	*(volatile uint64_t *)a = v;
}

/* Version 3 CPU interface system registers by encoding (no assembler needs to know them). */
#define ICC_SRE_EL1   "S3_0_C12_C12_5"
#define ICC_PMR_EL1   "S3_0_C4_C6_0"
#define ICC_IGRPEN1   "S3_0_C12_C12_7"
#define ICC_IAR1_EL1  "S3_0_C12_C12_0"
#define ICC_EOIR1_EL1 "S3_0_C12_C12_1"

#define SYSREG_READ(name, v)  __asm__ volatile("mrs %0, " name : "=r"(v))
#define SYSREG_WRITE(name, v) __asm__ volatile("msr " name ", %0" : : "r"((uint64_t)(v)))

/* The SGI/PPI registers: banked in the version 2 distributor, in the v3 redistributor. */
static uintptr_t private_base(void)
{
	return version == 3 ? redist + GICR_SGI_FRAME : dist;
}

static uintptr_t bank(uint32_t irq, uintptr_t reg)
{
	return (irq < 32 ? private_base() : dist) + reg + irq / 32 * 4;
}

static void wait_rwp(void)
{
	if (version == 3)
		while (rd32(dist + GICD_CTLR) & GICD_CTLR_RWP)
			;
}

bool gic_init(const struct virt_machine *m)
{
	dist = (uintptr_t)m->gic_dist;
	version = m->gic_version;
	if (version != 2 && version != 3) {
		/* No device tree: the CPU has the GICv3 system registers only with a GICv3. */
		uint64_t pfr0;
		__asm__ volatile("mrs %0, id_aa64pfr0_el1" : "=r"(pfr0));
		version = ((pfr0 >> 24) & 0xf) ? 3 : 2;
	}
	if (version == 3)
		redist = (uintptr_t)(m->gic_found ? m->gic_cpu_or_redist : VIRT_GIC_REDIST);
	else
		cpu = (uintptr_t)(m->gic_found ? m->gic_cpu_or_redist : VIRT_GIC_CPU);
	line_count = ((rd32(dist + GICD_TYPER) & 0x1f) + 1) * 32;
	if (line_count > 1020)
		line_count = 1020;

	wr32(dist + GICD_CTLR, 0);
	wait_rwp();
	for (uint32_t i = 32; i < line_count; i += 32) {
		wr32(dist + GICD_ICENABLER + i / 8, ~0u);
		wr32(dist + GICD_ICPENDR + i / 8, ~0u);
		if (version == 3)
			wr32(dist + GICD_IGROUPR + i / 8, ~0u);
	}
	for (uint32_t i = 32; i < line_count; i++) {
		wr8(dist + GICD_IPRIORITYR + i, PRIORITY_DEFAULT);
		if (version == 3)
			wr64(dist + GICD_IROUTER + i * 8, 0); /* affinity 0.0.0.0: CPU 0 */
		else
			wr8(dist + GICD_ITARGETSR + i, 0x01);
	}
	wr32(dist + GICD_CTLR, version == 3 ? GICD_CTLR_V3_ENABLE : GICD_CTLR_V2_ENABLE);
	wait_rwp();

	if (version == 3) {
		/* Wake the redistributor, then put SGIs and PPIs in group 1. */
		wr32(redist + GICR_WAKER, rd32(redist + GICR_WAKER) & ~GICR_WAKER_SLEEP);
		while (rd32(redist + GICR_WAKER) & GICR_WAKER_CHILD_ASLEEP)
			;
		wr32(redist + GICR_SGI_FRAME + GICD_IGROUPR, ~0u);
	}
	wr32(private_base() + GICD_ICENABLER, ~0u);
	wr32(private_base() + GICD_ICPENDR, ~0u);
	for (uint32_t i = 0; i < 32; i++)
		wr8(private_base() + GICD_IPRIORITYR + i, PRIORITY_DEFAULT);

	if (version == 3) {
		uint64_t sre;
		SYSREG_READ(ICC_SRE_EL1, sre);
		SYSREG_WRITE(ICC_SRE_EL1, sre | 1); /* the system register interface */
		__asm__ volatile("isb");
		SYSREG_WRITE(ICC_PMR_EL1, PRIORITY_MASK);
		SYSREG_WRITE(ICC_IGRPEN1, 1);
		__asm__ volatile("isb");
	} else {
		wr32(cpu + GICC_PMR, PRIORITY_MASK);
		wr32(cpu + GICC_CTLR, 1);
	}
	return true;
}

unsigned gic_version(void)
{
	return version;
}

void gic_enable(uint32_t irq)
{
	if (irq < line_count) {
		wr32(bank(irq, GICD_ISENABLER), 1u << (irq % 32));
		__asm__ volatile("dsb sy" ::: "memory");
	}
}

void gic_disable(uint32_t irq)
{
	if (irq < line_count) {
		wr32(bank(irq, GICD_ICENABLER), 1u << (irq % 32));
		wait_rwp();
	}
}

void gic_set_pending(uint32_t irq)
{
	if (irq < line_count) {
		wr32(bank(irq, GICD_ISPENDR), 1u << (irq % 32));
		__asm__ volatile("dsb sy" ::: "memory");
	}
}

/* The highest pending interrupt, now active; GIC_NONE when there is none. */
uint32_t gic_acknowledge(void)
{
	uint64_t id;
	if (version == 3)
		SYSREG_READ(ICC_IAR1_EL1, id);
	else
		id = rd32(cpu + GICC_IAR);
	id &= 0xffffff;
	return id >= INTID_SPURIOUS ? GIC_NONE : (uint32_t)id;
}

void gic_end(uint32_t irq)
{
	if (version == 3) {
		SYSREG_WRITE(ICC_EOIR1_EL1, irq);
		__asm__ volatile("isb");
	} else {
		wr32(cpu + GICC_EOIR, irq);
	}
}
