/*
 * The user programs: the kernel image carries a static ELF for the root task
 * (el0_program.ld, embedded by root_task_image.S) and, listed after it, the
 * boot programs the root task may start. This loads each into frames from a
 * pool the kernel keeps: the root task mapped at its link addresses for EL0
 * (text read+execute, read-only data read-only, data and .bss read-write,
 * never writable and executable at once) with a stack, the boot info page
 * (read-only, KAAL_BOOT_INFO_VADDR) and its IPC buffer (read-write,
 * ROOT_TASK_IPC_BUFFER_VADDR), entered at EL0 as the root thread with x0 =
 * the boot info address; a boot program kept in the pool until a VSpace
 * loads it (arch_vspace_load, mmu.c).
 */
#include <kaal/sdk.h>

#include "aarch64.h"
#include "kernel.h"
#include "root_task.h"
#include "vspace.h"

#define PAGE_SIZE   UINT64_C(0x1000)
#define USER_FRAMES 1024u /* the programs' pages and the root task's stack */

extern const uint8_t kaal_root_task_image[], kaal_root_task_image_end[];

/* The boot programs as the image lists them (root_task_image.sh). */
struct boot_program_image {
	const char *name;
	const uint8_t *start, *end;
};
extern const struct boot_program_image kaal_boot_program_images[];
extern const uint64_t kaal_boot_program_count;

/* An ELF in the image. */
struct image {
	const uint8_t *bytes;
	uint64_t size;
};

static struct aarch64_boot_program programs[KAAL_BOOT_INFO_MAX_PROGRAMS];
static unsigned program_count;

static uint8_t frames[USER_FRAMES][4096] __attribute__((aligned(4096)));
static unsigned frames_used;

/* ELF64 as far as the loader reads it. */
struct elf_header {
	uint8_t ident[16];
	uint16_t type, machine;
	uint32_t version;
	uint64_t entry, phoff, shoff;
	uint32_t flags;
	uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};
struct elf_phdr {
	uint32_t type, flags;
	uint64_t offset, vaddr, paddr, filesz, memsz, align;
};
#define PT_LOAD    1u
#define PF_X       1u
#define PF_W       2u
#define EM_AARCH64 183u

static _Noreturn void fail(const char *why)
{
	console_puts("Bail out! user program: ");
	console_puts(why);
	console_puts("\n");
	semihosting_exit(KAAL_EXIT_BOOT);
}

static struct image root_image(void)
{
	struct image im = {kaal_root_task_image,
	                   (uint64_t)(kaal_root_task_image_end - kaal_root_task_image)};
	return im;
}

static struct elf_header elf_header(struct image im)
{
	struct elf_header eh;
	if (im.size < sizeof(eh))
		fail("no ELF header");
	__builtin_memcpy(&eh, im.bytes, sizeof(eh));
	if (eh.ident[0] != 0x7f || eh.ident[1] != 'E' || eh.ident[2] != 'L' || eh.ident[3] != 'F' ||
	    eh.ident[4] != 2 || eh.machine != EM_AARCH64 ||
	    eh.phentsize != sizeof(struct elf_phdr) || eh.phoff > im.size ||
	    (uint64_t)eh.phnum * sizeof(struct elf_phdr) > im.size - eh.phoff)
		fail("not a 64-bit aarch64 ELF");
	return eh;
}

/* Program header i, when it is a segment to load. */
static bool loadable(struct image im, const struct elf_header *eh, unsigned i, struct elf_phdr *ph)
{
	__builtin_memcpy(ph, im.bytes + eh->phoff + i * sizeof(*ph), sizeof(*ph));
	return ph->type == PT_LOAD && ph->memsz != 0;
}

static uint64_t pages_of(const struct elf_phdr *ph)
{
	return (ph->memsz + PAGE_SIZE - 1) / PAGE_SIZE;
}

static unsigned writable_pages(struct image im)
{
	struct elf_header eh = elf_header(im);
	uint64_t pages = 0;
	for (unsigned i = 0; i < eh.phnum; i++) {
		struct elf_phdr ph;
		if (loadable(im, &eh, i, &ph) && (ph.flags & PF_W))
			pages += pages_of(&ph);
	}
	return (unsigned)pages;
}

unsigned aarch64_program_writable_pages(void)
{
	unsigned most = writable_pages(root_image());
	for (unsigned i = 0; i < program_count; i++)
		if (programs[i].writable_pages > most)
			most = programs[i].writable_pages;
	return most;
}

static uint8_t *frame_alloc(void)
{
	if (frames_used == USER_FRAMES)
		fail("out of frames");
	uint8_t *f = frames[frames_used++];
	for (unsigned i = 0; i < PAGE_SIZE; i++)
		f[i] = 0;
	return f;
}

static void map(uint64_t va, const void *frame, enum user_page kind)
{
	if (!aarch64_map_user_page(thread_vspace(aarch64_current()), va, (uintptr_t)frame, kind))
		fail("an address is taken or out of range");
}

/* The instruction cache sees what was copied into a text page. */
static void sync_text(const uint8_t *page)
{
	for (uint64_t off = 0; off < PAGE_SIZE; off += 64)
		__asm__ volatile("dc cvau, %0" : : "r"(page + off) : "memory");
	__asm__ volatile("dsb ish" ::: "memory");
}

/* Copy one segment into consecutive frames of the pool, as a segment of a program. */
static struct aarch64_segment load_segment(struct image im, const struct elf_phdr *ph)
{
	if ((ph->flags & PF_X) && (ph->flags & PF_W))
		fail("a segment is writable and executable");
	if (ph->filesz > ph->memsz || ph->offset > im.size || ph->filesz > im.size - ph->offset ||
	    (ph->vaddr & (PAGE_SIZE - 1)))
		fail("a segment does not fit the image");
	struct aarch64_segment seg = {ph->vaddr, pages_of(ph),
	                              (ph->flags & PF_X)   ? USER_PAGE_TEXT
	                              : (ph->flags & PF_W) ? USER_PAGE_RW
	                                                   : USER_PAGE_RO,
	                              NULL};
	for (uint64_t off = 0; off < ph->memsz; off += PAGE_SIZE) {
		uint8_t *f = frame_alloc();
		if (!seg.frames)
			seg.frames = f;
		for (uint64_t i = 0; i < PAGE_SIZE && off + i < ph->filesz; i++)
			f[i] = im.bytes[ph->offset + off + i];
		if (seg.kind == USER_PAGE_TEXT)
			sync_text(f);
	}
	return seg;
}

/* Load every segment of im into the pool: the program's range and its segments. */
static struct aarch64_boot_program load_program(struct image im)
{
	struct elf_header eh = elf_header(im);
	struct aarch64_boot_program p = {.lo = UINT64_MAX};
	for (unsigned i = 0; i < eh.phnum; i++) {
		struct elf_phdr ph;
		if (!loadable(im, &eh, i, &ph))
			continue;
		if (p.segment_count == AARCH64_PROGRAM_SEGMENTS)
			fail("too many segments");
		struct aarch64_segment seg = load_segment(im, &ph);
		p.segment[p.segment_count++] = seg;
		if (seg.kind == USER_PAGE_RW)
			p.writable_pages += (unsigned)seg.pages;
		if (seg.va < p.lo)
			p.lo = seg.va;
		if (seg.va + seg.pages * PAGE_SIZE > p.hi)
			p.hi = seg.va + seg.pages * PAGE_SIZE;
	}
	if (p.hi == 0 || eh.entry < p.lo || eh.entry >= p.hi)
		fail("the entry is outside the program");
	p.entry = eh.entry;
	return p;
}

void aarch64_load_boot_programs(struct kaal_platform *plat)
{
	if (kaal_boot_program_count > KAAL_BOOT_INFO_MAX_PROGRAMS)
		fail("more boot programs than boot info lists");
	for (unsigned n = 0; n < kaal_boot_program_count; n++) {
		const struct boot_program_image *bpi = &kaal_boot_program_images[n];
		struct image im = {bpi->start, (uint64_t)(bpi->end - bpi->start)};
		struct aarch64_boot_program *p = &programs[n];
		*p = load_program(im);
		p->stack_top = ROOT_TASK_STACK_TOP;
		p->stack_pages = ROOT_TASK_STACK_PAGES;
		struct kaal_platform_program *pp = &plat->program[n];
		unsigned length = 0;
		while (bpi->name[length] != '\0' && length + 1 < KAAL_PROGRAM_NAME_MAX) {
			pp->name[length] = bpi->name[length];
			length++;
		}
		if (length == 0 || bpi->name[length] != '\0')
			fail("a boot program's name is empty or too long");
		pp->vspace_bits = aarch64_vspace_bits(p->writable_pages + p->stack_pages);
		program_count = n + 1;
	}
	plat->program_count = program_count;
	__asm__ volatile("ic iallu\n\tdsb ish\n\tisb" ::: "memory");
}

const struct aarch64_boot_program *aarch64_boot_program(unsigned n)
{
	return n >= 1 && n <= program_count ? &programs[n - 1] : NULL;
}

unsigned aarch64_root_task(const struct kaal_boot_info *bi, const struct virt_machine *m,
                           unsigned entry_el, kaal_paddr free_base)
{
	(void)m;
	(void)entry_el;
	(void)free_base;
	struct aarch64_boot_program root = load_program(root_image());
	for (unsigned s = 0; s < root.segment_count; s++) {
		const struct aarch64_segment *seg = &root.segment[s];
		for (uint64_t i = 0; i < seg->pages; i++)
			map(seg->va + i * PAGE_SIZE, seg->frames + i * PAGE_SIZE, seg->kind);
	}
	__asm__ volatile("ic iallu\n\tdsb ish\n\tisb" ::: "memory");

	for (unsigned i = 1; i <= ROOT_TASK_STACK_PAGES; i++)
		map(ROOT_TASK_STACK_TOP - i * PAGE_SIZE, frame_alloc(), USER_PAGE_RW);
	map(KAAL_BOOT_INFO_VADDR, bi, USER_PAGE_RO);
	struct kaal_cap_info ipc;
	if (kaal_cnode_identify(kaal_root_slot(bi->root_cnode_cptr, bi->ipc_buffer_cptr), &ipc) !=
	    KAAL_OK)
		fail("no IPC buffer");
	map(ROOT_TASK_IPC_BUFFER_VADDR, (const void *)(uintptr_t)ipc.object, USER_PAGE_RW);
	aarch64_set_user_program(root.lo, root.hi, root.entry);

	console_puts("# kaal: user program at ");
	console_hex(root.lo);
	console_puts("-");
	console_hex(root.hi);
	console_puts(", entering EL0");
	if (program_count) {
		console_puts("; boot programs:");
		for (unsigned i = 0; i < bi->program_count; i++) {
			console_puts(" ");
			console_puts(bi->program[i].name);
		}
	}
	console_puts("\n");
	/* The root thread's first EL0 context, on its kernel stack. */
	__asm__ volatile("msr daifset, #2" ::: "memory");
	uint64_t top = aarch64_kernel_stack_top(aarch64_current());
	if (!top)
		fail("no kernel stack");
	struct aarch64_frame *frame = (struct aarch64_frame *)(uintptr_t)top - 1;
	*frame = (struct aarch64_frame){0};
	frame->x[0] = KAAL_BOOT_INFO_VADDR;
	frame->elr = root.entry;
	frame->spsr = SPSR_EL0T;
	frame->sp = ROOT_TASK_STACK_TOP;
	aarch64_enter_user(frame);
}
