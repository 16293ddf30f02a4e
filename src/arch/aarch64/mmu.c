/*
 * The MMU: 4 KiB granule, 48-bit virtual addresses, four levels of
 * translation tables in TTBR0_EL1 (TTBR1 walks are disabled).
 *
 * The kernel's map is an identity map: RAM as Normal write-back memory
 * (2 MiB blocks, 4 KiB pages where the kernel image is, so its text is
 * read-only and executable and everything else never executable), and the
 * devices the machine names as Device-nGnRnE. Every kernel entry is EL1
 * only. Frames mapped through the core (arch_frame_map) go in the same
 * tree at addresses outside the kernel's map, as EL0-accessible non-global
 * pages that are never executable. Every table comes from a pool in .bss:
 * memory the kernel keeps, never the root task's untyped memory.
 */
#include "aarch64.h"
#include "arch.h"
#include "kernel.h"

#define PAGE_SIZE  UINT64_C(0x1000)
#define BLOCK_SIZE UINT64_C(0x200000) /* a level 2 block */
#define ENTRIES    512u
#define VA_BITS    48u
#define VA_LIMIT   (UINT64_C(1) << VA_BITS)

/* Descriptor bits. */
#define DESC_VALID  UINT64_C(1)
#define DESC_TABLE  UINT64_C(3) /* levels 0-2: next-level table */
#define DESC_BLOCK  UINT64_C(1) /* levels 1-2 */
#define DESC_PAGE   UINT64_C(3) /* level 3 */
#define ATTR_NORMAL (UINT64_C(0) << 2)
#define ATTR_DEVICE (UINT64_C(1) << 2)
#define AP_EL1_RW   (UINT64_C(0) << 6)
#define AP_ALL_RW   (UINT64_C(1) << 6)
#define AP_EL1_RO   (UINT64_C(2) << 6)
#define AP_ALL_RO   (UINT64_C(3) << 6)
#define SH_INNER    (UINT64_C(3) << 8)
#define DESC_AF     (UINT64_C(1) << 10)
#define DESC_NG     (UINT64_C(1) << 11)
#define DESC_PXN    (UINT64_C(1) << 53)
#define DESC_UXN    (UINT64_C(1) << 54)
#define DESC_ADDR   UINT64_C(0x0000fffffffff000)
#define KERNEL_TEXT (ATTR_NORMAL | AP_EL1_RO | SH_INNER | DESC_AF | DESC_UXN)
#define KERNEL_RO   (ATTR_NORMAL | AP_EL1_RO | SH_INNER | DESC_AF | DESC_UXN | DESC_PXN)
#define KERNEL_RW   (ATTR_NORMAL | AP_EL1_RW | SH_INNER | DESC_AF | DESC_UXN | DESC_PXN)
#define KERNEL_DEV  (ATTR_DEVICE | AP_EL1_RW | DESC_AF | DESC_UXN | DESC_PXN)

/* MAIR_EL1: index 0 Normal inner/outer write-back RW-allocate, index 1 Device-nGnRnE. */
#define MAIR_VALUE UINT64_C(0x00ff)
/*
 * TCR_EL1: T0SZ 16 (48 bits), TTBR0 walks inner/outer write-back cacheable
 * and inner shareable, 4 KiB granule; TTBR1 walks disabled (EPD1) with a
 * valid 4 KiB granule (TG1 = 2); IPS filled in from the CPU's PARange.
 */
#define TCR_VALUE  UINT64_C(0x80803510)
#define TCR_IPS(n) ((uint64_t)(n) << 32)
/* SCTLR_EL1: MMU, data cache and instruction cache on; alignment checks stay off. */
#define SCTLR_M (UINT64_C(1) << 0)
#define SCTLR_C (UINT64_C(1) << 2)
#define SCTLR_I (UINT64_C(1) << 12)

/* Kernel map: L0, L1, an L2 per GiB of RAM and devices, L3s for the image and devices. */
#define TABLE_POOL 48u

static uint64_t pool[TABLE_POOL][ENTRIES] __attribute__((aligned(4096)));
static unsigned pool_used;
static uint64_t *root;
static kaal_paddr ram_base, ram_end;

extern char __text_end[], __rodata_end[];

static uint64_t *table_alloc(void)
{
	if (pool_used == TABLE_POOL)
		return NULL;
	uint64_t *t = pool[pool_used++];
	for (unsigned i = 0; i < ENTRIES; i++)
		t[i] = 0;
	return t;
}

static unsigned level_index(uint64_t va, unsigned level)
{
	return (unsigned)(va >> (39u - 9u * level)) & (ENTRIES - 1u);
}

/*
 * The table at level `level` (1-3) that translates va, made when alloc is
 * set; NULL when a block maps va above that level or the pool is empty.
 */
static uint64_t *table_for(uint64_t va, unsigned level, bool alloc)
{
	uint64_t *t = root;
	for (unsigned l = 0; l < level; l++) {
		uint64_t *e = &t[level_index(va, l)];
		if (!(*e & DESC_VALID)) {
			if (!alloc)
				return NULL;
			uint64_t *next = table_alloc();
			if (!next)
				return NULL;
			*e = (uint64_t)(uintptr_t)next | DESC_TABLE;
		} else if ((*e & DESC_TABLE) != DESC_TABLE) {
			return NULL; /* a block */
		}
		t = (uint64_t *)(uintptr_t)(*e & DESC_ADDR);
	}
	return t;
}

/* Whether anything (a page, or a block above it) translates va. */
static bool va_mapped(uint64_t va)
{
	uint64_t *t = root;
	for (unsigned l = 0; l < 4; l++) {
		uint64_t e = t[level_index(va, l)];
		if (!(e & DESC_VALID))
			return false;
		if (l == 3 || (e & DESC_TABLE) != DESC_TABLE)
			return true;
		t = (uint64_t *)(uintptr_t)(e & DESC_ADDR);
	}
	return true;
}

static bool map_page(uint64_t va, kaal_paddr pa, uint64_t attrs)
{
	uint64_t *t = table_for(va, 3, true);
	if (!t)
		return false;
	t[level_index(va, 3)] = (pa & DESC_ADDR) | attrs | DESC_PAGE;
	return true;
}

static uint64_t image_page_attrs(uint64_t a)
{
	if (a >= (uintptr_t)__kernel_start && a < (uintptr_t)__text_end)
		return KERNEL_TEXT;
	if (a >= (uintptr_t)__text_end && a < (uintptr_t)__rodata_end)
		return KERNEL_RO;
	return KERNEL_RW;
}

/* RAM: 2 MiB blocks, except the blocks the kernel image touches, which get pages. */
static bool map_ram(kaal_paddr base, kaal_paddr end)
{
	uint64_t image_lo = (uintptr_t)__kernel_start & ~(BLOCK_SIZE - 1);
	uint64_t image_hi = ((uintptr_t)__kernel_end + BLOCK_SIZE - 1) & ~(BLOCK_SIZE - 1);
	for (uint64_t a = base; a < end;) {
		bool aligned = (a & (BLOCK_SIZE - 1)) == 0 && end - a >= BLOCK_SIZE;
		if (aligned && (a + BLOCK_SIZE <= image_lo || a >= image_hi)) {
			uint64_t *t = table_for(a, 2, true);
			if (!t)
				return false;
			t[level_index(a, 2)] = a | KERNEL_RW | DESC_BLOCK;
			a += BLOCK_SIZE;
		} else {
			if (!map_page(a, a, image_page_attrs(a)))
				return false;
			a += PAGE_SIZE;
		}
	}
	return true;
}

static bool map_device(kaal_paddr base, uint64_t size)
{
	if (size < PAGE_SIZE)
		size = PAGE_SIZE;
	for (uint64_t a = base & ~(PAGE_SIZE - 1); a < base + size; a += PAGE_SIZE)
		if (!map_page(a, a, KERNEL_DEV))
			return false;
	return true;
}

/* GIC frames: the distributor and CPU interface 64 KiB each, a GICv3 redistributor 128 KiB. */
#define GIC_FRAME_SIZE  0x10000u
#define GIC_REDIST_SIZE 0x20000u

void mmu_init(const struct virt_machine *m)
{
	root = table_alloc();
	ram_base = m->ram_base;
	ram_end = m->ram_base + m->ram_size;
	bool ok = root && map_ram(ram_base, ram_end) && map_device(m->uart.base, m->uart.size) &&
	          map_device(m->rtc.base, m->rtc.size) && map_device(m->gpio.base, m->gpio.size) &&
	          map_device(m->gic_dist, GIC_FRAME_SIZE);
	/* The fixed map's GIC when the tree names none: both interfaces, as gic.c may use either.
	 */
	if (ok && (m->gic_version == 3 || !m->gic_found))
		ok = map_device(m->gic_found ? m->gic_cpu_or_redist : VIRT_GIC_REDIST,
		                GIC_REDIST_SIZE);
	if (ok && (m->gic_version == 2 || !m->gic_found))
		ok = map_device(m->gic_found ? m->gic_cpu_or_redist : VIRT_GIC_CPU, GIC_FRAME_SIZE);
	if (!ok) {
		/* The console is not up yet (its page is mapped here): leave with the boot status.
		 */
		semihosting_exit(KAAL_EXIT_BOOT);
	}

	uint64_t mmfr0;
	__asm__ volatile("mrs %0, id_aa64mmfr0_el1" : "=r"(mmfr0));
	uint64_t parange = mmfr0 & 0xf;
	if (parange > 5)
		parange = 5; /* 48 bits: as far as 4 KiB tables with 48-bit VAs reach */

	uint64_t sctlr;
	__asm__ volatile("dsb ish\n\t"
	                 "tlbi vmalle1\n\t"
	                 "dsb ish\n\t"
	                 "isb\n\t"
	                 "msr mair_el1, %1\n\t"
	                 "msr tcr_el1, %2\n\t"
	                 "msr ttbr0_el1, %3\n\t"
	                 "isb\n\t"
	                 "mrs %0, sctlr_el1\n\t"
	                 : "=&r"(sctlr)
	                 : "r"(MAIR_VALUE), "r"(TCR_VALUE | TCR_IPS(parange)),
	                   "r"((uint64_t)(uintptr_t)root)
	                 : "memory");
	sctlr |= SCTLR_M | SCTLR_C | SCTLR_I;
	__asm__ volatile("msr sctlr_el1, %0\n\tisb" : : "r"(sctlr) : "memory");
}

/* Whether [va, va + size) touches the kernel's RAM identity map. */
static bool overlaps_ram(uint64_t va, uint64_t size)
{
	return va < ram_end && va + size > ram_base;
}

static void tlb_flush_page(uint64_t va)
{
	__asm__ volatile("dsb ishst\n\t"
	                 "tlbi vaae1is, %0\n\t"
	                 "dsb ish\n\t"
	                 "isb"
	                 :
	                 : "r"(va >> 12)
	                 : "memory");
}

/*
 * Frames go at the address the caller names (there is no allocator of
 * user addresses: 0 is refused), read-only or read-write, never
 * executable, Normal or Device memory.
 */
kaal_status arch_frame_map(kaal_paddr phys, unsigned size_bits, unsigned rights, bool device,
                           kaal_word *vaddr)
{
	uint64_t va = *vaddr;
	uint64_t size = UINT64_C(1) << size_bits;
	if (size_bits < KAAL_PAGE_BITS || va == 0 || (va & (size - 1)) || va >= VA_LIMIT ||
	    size > VA_LIMIT - va || overlaps_ram(va, size))
		return KAAL_INVALID_ARGUMENT;
	for (uint64_t off = 0; off < size; off += PAGE_SIZE)
		if (va_mapped(va + off))
			return KAAL_INVALID_ARGUMENT;
	/* Make every table first, so a full pool leaves nothing half mapped. */
	for (uint64_t off = 0; off < size; off += PAGE_SIZE)
		if (!table_for(va + off, 3, true))
			return KAAL_ILLEGAL_OPERATION; /* the table pool is used up */
	uint64_t attrs = (device ? ATTR_DEVICE : ATTR_NORMAL | SH_INNER) | DESC_AF | DESC_NG |
	                 DESC_PXN | DESC_UXN |
	                 ((rights & KAAL_RIGHT_WRITE) ? AP_ALL_RW : AP_ALL_RO);
	for (uint64_t off = 0; off < size; off += PAGE_SIZE)
		map_page(va + off, phys + off, attrs);
	__asm__ volatile("dsb ishst\n\tisb" ::: "memory");
	return KAAL_OK;
}

void arch_frame_unmap(kaal_word vaddr, unsigned size_bits)
{
	uint64_t size = UINT64_C(1) << size_bits;
	for (uint64_t off = 0; off < size; off += PAGE_SIZE) {
		uint64_t *t = table_for(vaddr + off, 3, false);
		if (t) {
			t[level_index(vaddr + off, 3)] = 0;
			tlb_flush_page(vaddr + off);
		}
	}
}

/*
 * A page of a user program (user.c): EL0 read+execute text, EL0 read-only
 * data, or EL0 read-write data, never executable at EL1 and never both
 * writable and executable. Outside the kernel's map, like frames.
 */
bool aarch64_map_user_page(uint64_t va, kaal_paddr pa, enum user_page kind)
{
	if (va == 0 || va >= VA_LIMIT || overlaps_ram(va, PAGE_SIZE) || va_mapped(va))
		return false;
	uint64_t attrs = ATTR_NORMAL | SH_INNER | DESC_AF | DESC_NG | DESC_PXN;
	if (kind == USER_PAGE_TEXT)
		attrs |= AP_ALL_RO;
	else if (kind == USER_PAGE_RO)
		attrs |= AP_ALL_RO | DESC_UXN;
	else
		attrs |= AP_ALL_RW | DESC_UXN;
	if (!map_page(va, pa, attrs))
		return false;
	__asm__ volatile("dsb ishst\n\tisb" ::: "memory");
	return true;
}
