/*
 * The root task as a user program: the kernel image carries a static ELF
 * (el0_program.ld, embedded by root_task_image.S) that this loads into frames from a
 * pool the kernel keeps, maps at its link addresses for EL0 (text
 * read+execute, read-only data read-only, data and .bss read-write, never
 * writable and executable at once), gives a stack, the boot info page
 * (read-only, KAAL_BOOT_INFO_VADDR) and its IPC buffer (read-write,
 * ROOT_TASK_IPC_BUFFER_VADDR), and enters at EL0 as the root thread with
 * x0 = the boot info address.
 */
#include <kaal/sdk.h>

#include "aarch64.h"
#include "kernel.h"
#include "root_task.h"
#include "vspace.h"

#define PAGE_SIZE   UINT64_C(0x1000)
#define USER_FRAMES 512u /* program pages and the stack */

extern const uint8_t kaal_root_task_image[], kaal_root_task_image_end[];

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

static uint64_t image_size(void)
{
	return (uint64_t)(kaal_root_task_image_end - kaal_root_task_image);
}

static struct elf_header elf_header(void)
{
	uint64_t size = image_size();
	struct elf_header eh;
	if (size < sizeof(eh))
		fail("no ELF header");
	__builtin_memcpy(&eh, kaal_root_task_image, sizeof(eh));
	if (eh.ident[0] != 0x7f || eh.ident[1] != 'E' || eh.ident[2] != 'L' || eh.ident[3] != 'F' ||
	    eh.ident[4] != 2 || eh.machine != EM_AARCH64 ||
	    eh.phentsize != sizeof(struct elf_phdr) || eh.phoff > size ||
	    (uint64_t)eh.phnum * sizeof(struct elf_phdr) > size - eh.phoff)
		fail("not a 64-bit aarch64 ELF");
	return eh;
}

/* Program header i, when it is a segment to load. */
static bool loadable(const struct elf_header *eh, unsigned i, struct elf_phdr *ph)
{
	__builtin_memcpy(ph, kaal_root_task_image + eh->phoff + i * sizeof(*ph), sizeof(*ph));
	return ph->type == PT_LOAD && ph->memsz != 0;
}

static uint64_t pages_of(const struct elf_phdr *ph)
{
	return (ph->memsz + PAGE_SIZE - 1) / PAGE_SIZE;
}

unsigned aarch64_program_writable_pages(void)
{
	struct elf_header eh = elf_header();
	uint64_t pages = 0;
	for (unsigned i = 0; i < eh.phnum; i++) {
		struct elf_phdr ph;
		if (loadable(&eh, i, &ph) && (ph.flags & PF_W))
			pages += pages_of(&ph);
	}
	return (unsigned)pages;
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

/* Load one segment page by page; returns its end address. */
static uint64_t load_segment(const struct elf_phdr *ph, uint64_t size)
{
	if ((ph->flags & PF_X) && (ph->flags & PF_W))
		fail("a segment is writable and executable");
	if (ph->filesz > ph->memsz || ph->offset > size || ph->filesz > size - ph->offset ||
	    (ph->vaddr & (PAGE_SIZE - 1)))
		fail("a segment does not fit the image");
	enum user_page kind = (ph->flags & PF_X)   ? USER_PAGE_TEXT
	                      : (ph->flags & PF_W) ? USER_PAGE_RW
	                                           : USER_PAGE_RO;
	for (uint64_t off = 0; off < ph->memsz; off += PAGE_SIZE) {
		uint8_t *f = frame_alloc();
		for (uint64_t i = 0; i < PAGE_SIZE && off + i < ph->filesz; i++)
			f[i] = kaal_root_task_image[ph->offset + off + i];
		if (kind == USER_PAGE_TEXT)
			sync_text(f);
		map(ph->vaddr + off, f, kind);
	}
	return ph->vaddr + pages_of(ph) * PAGE_SIZE;
}

unsigned aarch64_root_task(const struct kaal_boot_info *bi, const struct virt_machine *m,
                           unsigned entry_el, kaal_paddr free_base)
{
	(void)m;
	(void)entry_el;
	(void)free_base;
	uint64_t size = image_size();
	struct elf_header eh = elf_header();
	uint64_t lo = UINT64_MAX, hi = 0;
	for (unsigned i = 0; i < eh.phnum; i++) {
		struct elf_phdr ph;
		if (!loadable(&eh, i, &ph))
			continue;
		uint64_t end = load_segment(&ph, size);
		if (ph.vaddr < lo)
			lo = ph.vaddr;
		if (end > hi)
			hi = end;
	}
	if (hi == 0 || eh.entry < lo || eh.entry >= hi)
		fail("the entry is outside the program");
	__asm__ volatile("ic iallu\n\tdsb ish\n\tisb" ::: "memory");

	for (unsigned i = 1; i <= ROOT_TASK_STACK_PAGES; i++)
		map(ROOT_TASK_STACK_TOP - i * PAGE_SIZE, frame_alloc(), USER_PAGE_RW);
	map(KAAL_BOOT_INFO_VADDR, bi, USER_PAGE_RO);
	struct kaal_cap_info ipc;
	if (kaal_cnode_identify(kaal_root_slot(bi->root_cnode_cptr, bi->ipc_buffer_cptr), &ipc) !=
	    KAAL_OK)
		fail("no IPC buffer");
	map(ROOT_TASK_IPC_BUFFER_VADDR, (const void *)(uintptr_t)ipc.object, USER_PAGE_RW);
	aarch64_set_user_program(lo, hi, eh.entry);

	console_puts("# kaal: user program at ");
	console_hex(lo);
	console_puts("-");
	console_hex(hi);
	console_puts(", entering EL0\n");
	/* The root thread's first EL0 context, on its kernel stack. */
	__asm__ volatile("msr daifset, #2" ::: "memory");
	uint64_t top = aarch64_kernel_stack_top(aarch64_current());
	if (!top)
		fail("no kernel stack");
	struct aarch64_frame *frame = (struct aarch64_frame *)(uintptr_t)top - 1;
	*frame = (struct aarch64_frame){0};
	frame->x[0] = KAAL_BOOT_INFO_VADDR;
	frame->elr = eh.entry;
	frame->spsr = SPSR_EL0T;
	frame->sp = ROOT_TASK_STACK_TOP;
	aarch64_enter_user(frame);
}
