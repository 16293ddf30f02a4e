/*
 * The MMU: 4 KiB granule, 48-bit virtual addresses, four levels of
 * translation tables in TTBR0_EL1 (TTBR1 walks are disabled).
 *
 * The kernel's map is an identity map: RAM as Normal write-back memory
 * (2 MiB blocks, 4 KiB pages where the kernel image is, so its text is
 * read-only and executable and everything else never executable), and the
 * devices the machine names as Device-nGnRnE. Every kernel entry is EL1
 * only and global. Its tables come from a pool in .bss.
 *
 * Each VSpace is a tree of its own, tagged with its id as ASID, whose
 * tables come from the VSpace object's memory: it starts as the kernel's
 * tree and a kernel table on the way to a user address is copied into the
 * VSpace before it is changed, so the kernel's map is the same in every
 * VSpace and no VSpace can change another's. User pages are non-global
 * and EL0 accessible, outside the kernel's map.
 *
 * A VSpace object: page 0 holds struct vspace, tables follow, and a VSpace
 * made by a program's thread ends with private copies of the program's
 * writable pages (its text and read-only data are shared).
 */
#include "aarch64.h"
#include "arch.h"
#include "kernel.h"
#include "vspace.h"

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
#define TCR_AS     (UINT64_C(1) << 36) /* 16-bit ASIDs */
/* SCTLR_EL1: MMU, data cache and instruction cache on; alignment checks stay off. */
#define SCTLR_M (UINT64_C(1) << 0)
#define SCTLR_C (UINT64_C(1) << 2)
#define SCTLR_I (UINT64_C(1) << 12)

/* Kernel map: L0, L1, an L2 per GiB of RAM and devices, L3s for the image and devices. */
#define TABLE_POOL 48u

/* Tables a VSpace has besides its copied pages: enough for the program, stack and a few regions. */
#define VSPACE_TABLES 24u

static uint64_t pool[TABLE_POOL][ENTRIES] __attribute__((aligned(4096)));
static unsigned pool_used;
static uint64_t *kernel_root;
static kaal_paddr ram_base, ram_end;
struct aarch64_ttbr0 aarch64_ttbr0;

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

static bool owns(const struct vspace *v, const uint64_t *table)
{
	uintptr_t at = (uintptr_t)table, base = (uintptr_t)v;
	return at >= base && at - base < (UINT64_C(1) << v->size_bits);
}

/* A zeroed table for v's tree (the kernel's when v is NULL), or NULL when none is left. */
static uint64_t *new_table(struct vspace *v)
{
	if (!v)
		return table_alloc();
	struct arch_vspace *a = &v->arch;
	if (a->tables_used == a->tables_max)
		return NULL;
	uint64_t *t = (uint64_t *)((uintptr_t)v + PAGE_SIZE * (1u + a->tables_used++));
	for (unsigned i = 0; i < ENTRIES; i++)
		t[i] = 0;
	return t;
}

static uint64_t *root_of(const struct vspace *v)
{
	return v ? (uint64_t *)(uintptr_t)(v->arch.ttbr & DESC_ADDR) : kernel_root;
}

/*
 * The table at level `level` (1-3) of v's tree that translates va, made
 * when alloc is set (a kernel table on the way is copied into v first);
 * NULL when a block maps va above that level or no table is left.
 */
static uint64_t *table_for(struct vspace *v, uint64_t va, unsigned level, bool alloc)
{
	uint64_t *t = root_of(v);
	for (unsigned l = 0; l < level; l++) {
		uint64_t *e = &t[level_index(va, l)];
		uint64_t *next;
		if (!(*e & DESC_VALID)) {
			if (!alloc || !(next = new_table(v)))
				return NULL;
			*e = (uint64_t)(uintptr_t)next | DESC_TABLE;
		} else if ((*e & DESC_TABLE) != DESC_TABLE) {
			return NULL; /* a block */
		} else {
			next = (uint64_t *)(uintptr_t)(*e & DESC_ADDR);
			if (alloc && v && !owns(v, next)) {
				uint64_t *copy = new_table(v);
				if (!copy)
					return NULL;
				for (unsigned i = 0; i < ENTRIES; i++)
					copy[i] = next[i];
				__asm__ volatile("dsb ishst" ::: "memory");
				*e = (uint64_t)(uintptr_t)copy | DESC_TABLE;
				next = copy;
			}
		}
		t = next;
	}
	return t;
}

/* The entry that translates va in v's tree (a page, or a block above it), 0 when none does. */
static uint64_t translation(const struct vspace *v, uint64_t va)
{
	uint64_t *t = root_of(v);
	for (unsigned l = 0; l < 4; l++) {
		uint64_t e = t[level_index(va, l)];
		if (!(e & DESC_VALID) || l == 3 || (e & DESC_TABLE) != DESC_TABLE)
			return e;
		t = (uint64_t *)(uintptr_t)(e & DESC_ADDR);
	}
	return 0;
}

static bool va_mapped(const struct vspace *v, uint64_t va)
{
	return (translation(v, va) & DESC_VALID) != 0;
}

static bool map_page_in(struct vspace *v, uint64_t va, kaal_paddr pa, uint64_t attrs)
{
	uint64_t *t = table_for(v, va, 3, true);
	if (!t)
		return false;
	t[level_index(va, 3)] = (pa & DESC_ADDR) | attrs | DESC_PAGE;
	return true;
}

static bool map_page(uint64_t va, kaal_paddr pa, uint64_t attrs)
{
	return map_page_in(NULL, va, pa, attrs);
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
			uint64_t *t = table_for(NULL, a, 2, true);
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
	/* Every page the registers touch, and at least the one holding base. */
	uint64_t end = base + (size ? size : 1);
	for (uint64_t a = base & ~(PAGE_SIZE - 1); a < end; a += PAGE_SIZE)
		if (!map_page(a, a, KERNEL_DEV))
			return false;
	return true;
}

/* GIC frames: the distributor and CPU interface 64 KiB each, a GICv3 redistributor 128 KiB. */
#define GIC_FRAME_SIZE  0x10000u
#define GIC_REDIST_SIZE 0x20000u

void mmu_init(const struct virt_machine *m)
{
	kernel_root = table_alloc();
	ram_base = m->ram_base;
	ram_end = m->ram_base + m->ram_size;
	bool ok = kernel_root && map_ram(ram_base, ram_end) &&
	          map_device(m->uart.base, m->uart.size) && map_device(m->rtc.base, m->rtc.size) &&
	          map_device(m->gpio.base, m->gpio.size) && map_device(m->gic_dist, GIC_FRAME_SIZE);
	/* The fixed map's GIC when the tree names none: both interfaces, as gic.c may use either.
	 */
	if (ok && (m->gic_version == 3 || !m->gic_found))
		ok = map_device(m->gic_found ? m->gic_cpu_or_redist : VIRT_GIC_REDIST,
		                GIC_REDIST_SIZE);
	if (ok && (m->gic_version == 2 || !m->gic_found))
		ok = map_device(m->gic_found ? m->gic_cpu_or_redist : VIRT_GIC_CPU, GIC_FRAME_SIZE);
	/* Transports share pages: mapping one page twice maps it the same way. */
	for (uint32_t i = 0; ok && i < m->virtio_count; i++)
		ok = map_device(m->virtio[i].base, m->virtio[i].size);
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
	aarch64_ttbr0.asid16 = ((mmfr0 >> 4) & 0xf) == 2;
	aarch64_ttbr0.kernel = (uint64_t)(uintptr_t)kernel_root;
	aarch64_ttbr0.current = aarch64_ttbr0.kernel;

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
	                 : "r"(MAIR_VALUE),
	                   "r"(TCR_VALUE | TCR_IPS(parange) | (aarch64_ttbr0.asid16 ? TCR_AS : 0)),
	                   "r"(aarch64_ttbr0.current)
	                 : "memory");
	sctlr |= SCTLR_M | SCTLR_C | SCTLR_I;
	__asm__ volatile("msr sctlr_el1, %0\n\tisb" : : "r"(sctlr) : "memory");
}

/* A user program's page: EL0 read+execute text, read-only data, or read-write data. */
static uint64_t user_page_attrs(enum user_page kind)
{
	uint64_t attrs = ATTR_NORMAL | SH_INNER | DESC_AF | DESC_NG | DESC_PXN;
	if (kind == USER_PAGE_TEXT)
		return attrs | AP_ALL_RO;
	if (kind == USER_PAGE_RO)
		return attrs | AP_ALL_RO | DESC_UXN;
	return attrs | AP_ALL_RW | DESC_UXN;
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

/* Everything v's ASID tagged (the whole TLB without 16-bit ASIDs) is forgotten. */
static void tlb_flush_vspace(const struct vspace *v)
{
	if (aarch64_ttbr0.asid16)
		__asm__ volatile("dsb ishst\n\ttlbi aside1is, %0\n\tdsb ish\n\tisb"
		                 :
		                 : "r"(v->arch.ttbr & ~DESC_ADDR)
		                 : "memory");
	else
		__asm__ volatile("dsb ishst\n\ttlbi vmalle1is\n\tdsb ish\n\tisb" ::: "memory");
}

static unsigned pages_to_bits(uint64_t pages)
{
	unsigned bits = KAAL_PAGE_BITS;
	while ((UINT64_C(1) << (bits - KAAL_PAGE_BITS)) < pages)
		bits++;
	return bits;
}

unsigned aarch64_vspace_bits(unsigned copied_pages)
{
	return pages_to_bits(1u + VSPACE_TABLES + copied_pages);
}

unsigned arch_vspace_min_bits(void)
{
	return aarch64_vspace_bits(aarch64_program_writable_pages());
}

/* The pages of parent's program in v: text and read-only data shared, the rest copied. */
static void copy_program(struct vspace *v, const struct vspace *parent)
{
	uint64_t lo = parent->arch.program_lo, hi = parent->arch.program_hi;
	uint8_t *copy = (uint8_t *)(uintptr_t)v + (UINT64_C(1) << v->size_bits);
	unsigned copies_left = aarch64_program_writable_pages();
	v->arch.program_lo = lo;
	v->arch.program_hi = hi;
	v->arch.program_entry = parent->arch.program_entry;
	for (uint64_t va = lo; va < hi; va += PAGE_SIZE) {
		uint64_t e = translation(parent, va);
		if (!(e & DESC_VALID))
			continue;
		kaal_paddr pa = e & DESC_ADDR;
		if ((e & AP_ALL_RO) == AP_ALL_RW) {
			if (copies_left-- == 0)
				break;
			copy -= PAGE_SIZE;
			__builtin_memcpy(copy, (const void *)(uintptr_t)pa, PAGE_SIZE);
			pa = (uintptr_t)copy;
		}
		map_page_in(v, va, pa, e & ~(DESC_ADDR | DESC_PAGE));
	}
}

/* v's tree as the kernel's alone, with `copies` pages at the end of its object kept for pages. */
static void start_tree(struct vspace *v, uint64_t copies)
{
	struct arch_vspace *a = &v->arch;
	uint64_t pages = UINT64_C(1) << (v->size_bits - KAAL_PAGE_BITS);
	*a = (struct arch_vspace){0};
	a->tables_max = (uint32_t)(pages - 1u - copies);
	uint64_t *top = new_table(v);
	for (unsigned i = 0; i < ENTRIES; i++)
		top[i] = kernel_root[i];
	a->ttbr = (uint64_t)(uintptr_t)top |
	          (aarch64_ttbr0.asid16 ? (uint64_t)(v->id & 0xFFFFu) << 48 : 0);
}

void arch_vspace_init(struct vspace *v, const struct vspace *parent)
{
	start_tree(v, parent ? aarch64_program_writable_pages() : 0);
	if (parent && parent->arch.program_hi)
		copy_program(v, parent);
	__asm__ volatile("dsb ishst\n\tisb" ::: "memory");
}

/*
 * A boot program in place of v's copy (no thread ever ran in v, so no TLB
 * holds its ASID): its text and read-only pages shared with every VSpace
 * that runs it, its writable pages and its first stack copied into the end
 * of v's object.
 */
kaal_status arch_vspace_load(struct vspace *v, unsigned program)
{
	const struct aarch64_boot_program *bp = aarch64_boot_program(program);
	uint64_t pages = UINT64_C(1) << (v->size_bits - KAAL_PAGE_BITS);
	uint64_t copies = bp ? bp->writable_pages + bp->stack_pages : 0;
	if (!bp || 1u + VSPACE_TABLES + copies > pages)
		return KAAL_LIMIT_REACHED;
	start_tree(v, copies);
	uint8_t *copy = (uint8_t *)(uintptr_t)v + (UINT64_C(1) << v->size_bits);
	bool mapped = true;
	for (unsigned s = 0; s < bp->segment_count; s++) {
		const struct aarch64_segment *seg = &bp->segment[s];
		for (uint64_t i = 0; i < seg->pages; i++) {
			const uint8_t *page = seg->frames + i * PAGE_SIZE;
			if (seg->kind == USER_PAGE_RW) {
				copy -= PAGE_SIZE;
				__builtin_memcpy(copy, page, PAGE_SIZE);
				page = copy;
			}
			mapped = mapped && map_page_in(v, seg->va + i * PAGE_SIZE, (uintptr_t)page,
			                               user_page_attrs(seg->kind));
		}
	}
	for (uint64_t i = 1; i <= bp->stack_pages; i++) {
		copy -= PAGE_SIZE;
		__builtin_memset(copy, 0, PAGE_SIZE);
		mapped = mapped && map_page_in(v, bp->stack_top - i * PAGE_SIZE, (uintptr_t)copy,
		                               user_page_attrs(USER_PAGE_RW));
	}
	/* The tables budget covers any program the loader accepted; this only guards it. */
	if (!mapped)
		return KAAL_LIMIT_REACHED;
	v->arch.program_lo = bp->lo;
	v->arch.program_hi = bp->hi;
	v->arch.program_entry = bp->entry;
	v->arch.stack_top = bp->stack_top;
	__asm__ volatile("dsb ishst\n\tisb" ::: "memory");
	return KAAL_OK;
}

void arch_vspace_destroy(struct vspace *v)
{
	if (aarch64_ttbr0.current == v->arch.ttbr)
		aarch64_set_ttbr0(aarch64_ttbr0.kernel);
	tlb_flush_vspace(v);
}

/*
 * Frames go at the address the caller names (there is no allocator of
 * user addresses: 0 is refused), read-only or read-write, never
 * executable, Normal or Device memory.
 */
kaal_status arch_frame_map(struct vspace *v, kaal_paddr phys, unsigned size_bits, unsigned rights,
                           bool device, kaal_word *vaddr)
{
	uint64_t va = *vaddr;
	uint64_t size = UINT64_C(1) << size_bits;
	if (size_bits < KAAL_PAGE_BITS || va == 0 || (va & (size - 1)) || va >= VA_LIMIT ||
	    size > VA_LIMIT - va || overlaps_ram(va, size))
		return KAAL_INVALID_ARGUMENT;
	/* The program's range belongs to the program (copy_program, arch_vspace_load). */
	if (va < v->arch.program_hi && va + size > v->arch.program_lo)
		return KAAL_INVALID_ARGUMENT;
	for (uint64_t off = 0; off < size; off += PAGE_SIZE)
		if (va_mapped(v, va + off))
			return KAAL_INVALID_ARGUMENT;
	/* Make every table first, so running out leaves nothing half mapped. */
	for (uint64_t off = 0; off < size; off += PAGE_SIZE)
		if (!table_for(v, va + off, 3, true))
			return KAAL_LIMIT_REACHED; /* the VSpace's tables are used up */
	uint64_t attrs = (device ? ATTR_DEVICE : ATTR_NORMAL | SH_INNER) | DESC_AF | DESC_NG |
	                 DESC_PXN | DESC_UXN |
	                 ((rights & KAAL_RIGHT_WRITE) ? AP_ALL_RW : AP_ALL_RO);
	for (uint64_t off = 0; off < size; off += PAGE_SIZE)
		map_page_in(v, va + off, phys + off, attrs);
	__asm__ volatile("dsb ishst\n\tisb" ::: "memory");
	return KAAL_OK;
}

void arch_frame_unmap(struct vspace *v, kaal_word vaddr, unsigned size_bits)
{
	uint64_t size = UINT64_C(1) << size_bits;
	for (uint64_t off = 0; off < size; off += PAGE_SIZE) {
		uint64_t *t = table_for(v, vaddr + off, 3, false);
		/* Only v's own tables: a kernel table on the path means nothing of v's is there. */
		if (t && owns(v, t)) {
			t[level_index(vaddr + off, 3)] = 0;
			tlb_flush_page(vaddr + off);
		}
	}
}

/*
 * A page of a user program (root_task_loader.c): EL0 read+execute text, EL0 read-only
 * data, or EL0 read-write data, never executable at EL1 and never both
 * writable and executable. Outside the kernel's map, like frames.
 */
bool aarch64_map_user_page(struct vspace *v, uint64_t va, kaal_paddr pa, enum user_page kind)
{
	if (va == 0 || va >= VA_LIMIT || overlaps_ram(va, PAGE_SIZE) || va_mapped(v, va))
		return false;
	if (!map_page_in(v, va, pa, user_page_attrs(kind)))
		return false;
	__asm__ volatile("dsb ishst\n\tisb" ::: "memory");
	return true;
}
