/*
 * Fake physical RAM: one shared mapping of an anonymous file, so a frame can
 * be mapped at several addresses at once like a page shared by processes.
 * Device MMIO pages are backed the same way by a second file.
 *
 * The host maps whole pages of its own, which may be larger than a frame
 * (16 KiB on Apple Silicon, 64 KiB on some arm64 Linux kernels). A frame
 * then keeps its offset within the host page in every mapping: it appears at
 * an address with the same offset as its place in the file. A frame mapped
 * where that offset differs is moved into a page of a third file, the alias
 * file, at the offset its address needs, and moved back to its home in RAM
 * once its last mapping is gone. docs/architecture.md has the whole scheme.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <kaal/boot_info.h>
#include <kaal/host.h>

#include "arch.h"
#include "host.h"
#include "object.h"

#define FRAME_SIZE ((size_t)1 << KAAL_PAGE_BITS)
/* The largest host page kaal runs on: a large frame must fill whole host pages. */
#define HOST_PAGE_MAX ((size_t)1 << KAAL_LARGE_PAGE_BITS)
/* shm_open() names on macOS are at most this long. */
#define SHM_NAME_MAX 31
/* Host pages per alias file: macOS sizes a shared memory object once, so a full one is not grown.
 */
#define ALIAS_FILE_PAGES 64u

uint8_t *kaal_host_ram;
kaal_paddr kaal_host_ram_base;

static int ram_fd = -1;
static size_t ram_size; /* of the file and its kernel mapping: whole host pages */
static int mmio_fd = -1;
static uint8_t *mmio_view; /* the MMIO file, for moving device pages */
/* The alias file new alias pages come from, and how many it gave out. */
static int alias_fd = -1;
static unsigned alias_fd_pages;

/* The host's page: the unit of every mapping, file offset and address ram.c passes to mmap. */
static size_t host_page;
static unsigned frames_per_page;
static size_t forced_page; /* host_ram_force_page_size() */

#define MMIO_PAGES KAAL_BOOT_INFO_MAX_DEVICES
static kaal_paddr mmio_base[MMIO_PAGES];
static unsigned mmio_count;

/* A frame, by what its capability names. */
struct frame {
	kaal_paddr phys;
	bool device;
};

/* A frame of an alias page. */
struct alias_slot {
	struct frame frame;
	bool used;
	/* Threads in the kernel with this frame as IPC buffer: the home copy is the current one. */
	unsigned kernel_uses;
};

/* A host page of the alias file, holding frames away from their home page. */
struct alias_page {
	struct alias_page *next;
	int fd;        /* its alias file, closed with the file's first page */
	off_t offset;  /* in the alias file */
	uint8_t *view; /* ram.c's mapping of it, for moving frames */
	unsigned used; /* slots in use; a page with none is reused */
	struct alias_slot slot[];
};
static struct alias_page *alias_pages;
static unsigned alias_frames; /* frames living in alias pages */

/*
 * A host page of file (or, for a large frame, the run of them) that frames
 * are mapped in: a frame mapped at an address of a region is seen there through
 * the region's one host mapping. A region whose frames are all unmapped stays
 * as a reservation (PROT_NONE, fd -1), so that no allocation of the host takes
 * an address a frame was mapped at: such addresses are mapped again with
 * MAP_FIXED, inside the reservation. Regions never overlap.
 */
struct region {
	struct region *next;
	uintptr_t addr;
	size_t size;
	int fd;
	off_t offset;
	struct alias_page *alias; /* the backing alias page, if it is one */
	unsigned users;           /* frame mappings in the region */
	int prot;                 /* every user's rights together */
	bool sink;                /* private memory left where a destroyed program's frames were */
};
static struct region *regions;

/* Live user mappings, undone at shutdown so no address space outlives a boot. */
struct mapping {
	struct mapping *next;
	uintptr_t vaddr;
	size_t size;
	uint32_t vspace_id; /* the VSpace it belongs to */
	struct frame frame;
	int prot;
	struct region *region;
};
static struct mapping *mappings;

/* Where a frame's bytes are now: a host page of a file, and the frame's offset in it. */
struct place {
	int fd;
	off_t page; /* file offset of the host page */
	size_t offset;
	struct alias_page *alias; /* the alias page, or NULL at home */
};

static int anonymous_file(const char *name, uint64_t size)
{
	int fd;
#ifdef __linux__
	fd = memfd_create(name, MFD_CLOEXEC);
#else
	char path[SHM_NAME_MAX + 1];
	int n = snprintf(path, sizeof(path), "/%s-%ld", name, (long)getpid());
	if (n < 0 || (size_t)n >= sizeof(path))
		return -1;
	fd = shm_open(path, O_RDWR | O_CREAT | O_EXCL, 0600);
	if (fd >= 0)
		shm_unlink(path);
#endif
	if (fd < 0)
		return -1;
	if (ftruncate(fd, (off_t)size) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static size_t round_to_host_page(uint64_t size)
{
	return (size_t)((size + host_page - 1) & ~(uint64_t)(host_page - 1));
}

static void *map_file(void *addr, size_t size, int prot, int fd, off_t offset)
{
	return mmap(addr, size, prot, MAP_SHARED, fd, offset);
}

void host_ram_force_page_size(size_t bytes)
{
	forced_page = bytes;
}

/* The host page, a power of two no smaller than a frame and no larger than a large frame. */
static bool find_host_page(void)
{
	long page = sysconf(_SC_PAGESIZE);
	host_page = page > (long)FRAME_SIZE ? (size_t)page : FRAME_SIZE;
	if (forced_page > host_page)
		host_page = forced_page;
	frames_per_page = (unsigned)(host_page / FRAME_SIZE);
	return (host_page & (host_page - 1)) == 0 && host_page <= HOST_PAGE_MAX;
}

/* The MMIO file offset for a device page, given out in order of first use, a host page each. */
static bool mmio_offset(kaal_paddr phys, off_t *offset)
{
	for (unsigned i = 0; i < mmio_count; i++) {
		if (mmio_base[i] == phys) {
			*offset = (off_t)i * (off_t)host_page;
			return true;
		}
	}
	if (mmio_count == MMIO_PAGES)
		return false;
	mmio_base[mmio_count] = phys;
	*offset = (off_t)mmio_count++ * (off_t)host_page;
	return true;
}

/* Where the frame lives when no alias page holds it: its file and offset. */
static bool home_of(struct frame f, int *fd, off_t *offset)
{
	*fd = f.device ? mmio_fd : ram_fd;
	if (f.device)
		return mmio_offset(f.phys, offset);
	*offset = (off_t)(f.phys - kaal_host_ram_base);
	return true;
}

/* ram.c's view of the frame's home bytes. */
static uint8_t *home_bytes(struct frame f, off_t offset)
{
	return (f.device ? mmio_view : kaal_host_ram) + offset;
}

/* ram.c's view of a frame in an alias page. */
static uint8_t *alias_bytes(const struct alias_page *a, const struct alias_slot *s)
{
	return a->view + (size_t)(s - a->slot) * FRAME_SIZE;
}

static bool same_frame(struct frame a, struct frame b)
{
	return a.phys == b.phys && a.device == b.device;
}

static struct alias_slot *find_alias(struct frame f, struct alias_page **page)
{
	if (alias_frames == 0)
		return NULL;
	for (struct alias_page *a = alias_pages; a; a = a->next) {
		for (unsigned i = 0; i < frames_per_page; i++) {
			if (a->slot[i].used && same_frame(a->slot[i].frame, f)) {
				*page = a;
				return &a->slot[i];
			}
		}
	}
	return NULL;
}

static struct place place_of(struct frame f, int home_fd, off_t home)
{
	struct alias_page *a;
	struct alias_slot *s = find_alias(f, &a);
	if (s) {
		return (struct place){a->fd, a->offset, (size_t)(s - a->slot) * FRAME_SIZE, a};
	}
	size_t offset = (size_t)home & (host_page - 1);
	return (struct place){home_fd, home - (off_t)offset, offset, NULL};
}

static bool is_mapped(struct frame f)
{
	for (struct mapping *m = mappings; m; m = m->next)
		if (same_frame(m->frame, f))
			return true;
	return false;
}

static struct mapping *mapping_over(uintptr_t vaddr, size_t size)
{
	for (struct mapping *m = mappings; m; m = m->next)
		if (m->vaddr < vaddr + size && vaddr < m->vaddr + m->size)
			return m;
	return NULL;
}

static bool overlaps(const struct region *r, uintptr_t addr, size_t size)
{
	return r->addr < addr + size && addr < r->addr + r->size;
}

/* The region in use over part of this range, if any. */
static struct region *region_over(uintptr_t addr, size_t size)
{
	for (struct region *r = regions; r; r = r->next)
		if (r->fd >= 0 && overlaps(r, addr, size))
			return r;
	return NULL;
}

/* A reservation of exactly this range, or (addr 0) of this size anywhere. */
static struct region *reservation(uintptr_t addr, size_t size)
{
	for (struct region *r = regions; r; r = r->next)
		if (r->fd < 0 && !r->sink && r->size == size && (!addr || r->addr == addr))
			return r;
	return NULL;
}

static void unlink_region(struct region *r)
{
	for (struct region **pr = &regions; *pr; pr = &(*pr)->next) {
		if (*pr == r) {
			*pr = r->next;
			break;
		}
	}
	munmap((void *)r->addr, r->size);
	free(r);
}

/* An alias page with no frames, made if none is free. */
static struct alias_page *free_alias_page(void)
{
	for (struct alias_page *a = alias_pages; a; a = a->next)
		if (a->used == 0)
			return a;
	if (alias_fd < 0 || alias_fd_pages == ALIAS_FILE_PAGES) {
		int fd = anonymous_file("kaal-alias", (uint64_t)ALIAS_FILE_PAGES * host_page);
		if (fd < 0)
			return NULL;
		alias_fd = fd;
		alias_fd_pages = 0;
	}
	off_t offset = (off_t)alias_fd_pages * (off_t)host_page;
	struct alias_page *a = calloc(1, sizeof(*a) + frames_per_page * sizeof(a->slot[0]));
	if (!a)
		return NULL;
	void *view = map_file(NULL, host_page, PROT_READ | PROT_WRITE, alias_fd, offset);
	if (view == MAP_FAILED) {
		free(a);
		return NULL;
	}
	a->fd = alias_fd;
	a->offset = offset;
	a->view = view;
	a->next = alias_pages;
	alias_pages = a;
	alias_fd_pages++;
	return a;
}

/* Copy an unmapped frame from home into a free slot of an alias page; it lives there now. */
static struct place move_to_alias(struct frame f, off_t home, struct alias_page *a, size_t offset)
{
	struct alias_slot *s = &a->slot[offset / FRAME_SIZE];
	memcpy(a->view + offset, home_bytes(f, home), FRAME_SIZE);
	*s = (struct alias_slot){f, true, 0};
	a->used++;
	alias_frames++;
	return (struct place){a->fd, a->offset, offset, a};
}

/* The frame has no mapping left: back home with what was written to it. */
static void move_home(struct frame f)
{
	struct alias_page *a;
	struct alias_slot *s = find_alias(f, &a);
	if (!s)
		return;
	int fd;
	off_t home;
	if (s->kernel_uses == 0 && home_of(f, &fd, &home))
		memcpy(home_bytes(f, home), alias_bytes(a, s), FRAME_SIZE);
	s->used = false;
	a->used--;
	alias_frames--;
}

/*
 * A reservation (PROT_NONE) of size bytes at addr, if that range is free, or
 * (addr 0) anywhere on a host page.
 */
static struct region *reserve(uintptr_t addr, size_t size)
{
	const int flags = MAP_PRIVATE | MAP_ANONYMOUS;
	/* Without MAP_FIXED the host puts the range elsewhere if addr is in use. */
	uint8_t *p = mmap((void *)addr, size, PROT_NONE, flags, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	if (!addr && ((uintptr_t)p & (host_page - 1))) {
		/* A host page forced above the system's: an aligned part of a longer range. */
		munmap(p, size);
		uint8_t *longer = mmap(NULL, size + host_page, PROT_NONE, flags, -1, 0);
		if (longer == MAP_FAILED)
			return NULL;
		p = (uint8_t *)(((uintptr_t)longer + host_page - 1) & ~(uintptr_t)(host_page - 1));
		if (p > longer)
			munmap(longer, (size_t)(p - longer));
		munmap(p + size, (size_t)(longer + host_page - p));
	}
	struct region *r = malloc(sizeof(*r));
	if (!r || (addr && (uintptr_t)p != addr)) {
		munmap(p, size);
		free(r);
		return NULL;
	}
	*r = (struct region){regions, (uintptr_t)p, size, -1, 0, NULL, 0, PROT_NONE, false};
	regions = r;
	return r;
}

/*
 * Map size bytes of the place's file at addr (0: anywhere) as a region with
 * no users yet: always with MAP_FIXED into a reservation of ram.c's own.
 */
static struct region *new_region(uintptr_t addr, size_t size, int prot, const struct place *p)
{
	struct region *r = reservation(addr, size);
	if (!r) {
		/* Reservations the range cuts across are given back first. */
		for (struct region *o = regions, *next; addr && o; o = next) {
			next = o->next;
			if (overlaps(o, addr, size))
				unlink_region(o);
		}
		if (!(r = reserve(addr, size)))
			return NULL;
	}
	if (mmap((void *)r->addr, size, prot, MAP_SHARED | MAP_FIXED, p->fd, p->page) ==
	    MAP_FAILED) {
		unlink_region(r);
		return NULL;
	}
	r->fd = p->fd;
	r->offset = p->page;
	r->alias = p->alias;
	r->users = 0;
	r->prot = prot;
	return r;
}

/* Give the region every right its frames are mapped with; false if the host refuses. */
static bool set_region_prot(struct region *r, int prot)
{
	if (prot == r->prot)
		return true;
	if (mprotect((void *)r->addr, r->size, prot) != 0)
		return false;
	r->prot = prot;
	return true;
}

/*
 * The region's last frame is unmapped: keep its range as a reservation, or
 * as a sink of private memory nothing reuses before shutdown. A host thread
 * of a destroyed program may still run its code until its next system call
 * (a pthread cannot be stopped where it is), and must neither fault nor
 * reach memory that is another's by then.
 */
static void release_region(struct region *r, bool sink)
{
	int prot = sink ? PROT_READ | PROT_WRITE : PROT_NONE;
	void *at =
	    mmap((void *)r->addr, r->size, prot, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	if (at == MAP_FAILED) {
		unlink_region(r);
		return;
	}
	r->fd = -1;
	r->alias = NULL;
	r->prot = prot;
	r->sink = sink;
}

static void remove_mapping(struct mapping *m, bool sink)
{
	for (struct mapping **pm = &mappings; *pm; pm = &(*pm)->next) {
		if (*pm == m) {
			*pm = m->next;
			break;
		}
	}
	struct region *r = m->region;
	if (--r->users == 0) {
		release_region(r, sink);
	} else {
		/* The region keeps only the rights its remaining frames were mapped with. */
		int prot = 0;
		for (struct mapping *o = mappings; o; o = o->next)
			if (o->region == r)
				prot |= o->prot;
		set_region_prot(r, prot);
	}
	if (!is_mapped(m->frame))
		move_home(m->frame);
	free(m);
}

bool host_ram_create(kaal_paddr base, uint64_t size)
{
	if (!find_host_page())
		return false;
	ram_size = round_to_host_page(size);
	size_t mmio_size = (size_t)MMIO_PAGES * host_page;
	ram_fd = anonymous_file("kaal-ram", ram_size);
	mmio_fd = anonymous_file("kaal-mmio", mmio_size);
	if (ram_fd < 0 || mmio_fd < 0) {
		host_ram_destroy();
		return false;
	}
	void *ram = map_file(NULL, ram_size, PROT_READ | PROT_WRITE, ram_fd, 0);
	void *mmio = map_file(NULL, mmio_size, PROT_READ | PROT_WRITE, mmio_fd, 0);
	kaal_host_ram = ram == MAP_FAILED ? NULL : ram;
	mmio_view = mmio == MAP_FAILED ? NULL : mmio;
	if (!kaal_host_ram || !mmio_view) {
		host_ram_destroy();
		return false;
	}
	kaal_host_ram_base = base;
	mmio_count = 0;
	return true;
}

void host_ram_destroy(void)
{
	while (mappings)
		remove_mapping(mappings, false);
	while (regions)
		unlink_region(regions);
	while (alias_pages) {
		struct alias_page *a = alias_pages;
		alias_pages = a->next;
		munmap(a->view, host_page);
		if (a->offset == 0)
			close(a->fd);
		free(a);
	}
	/* An alias file that never gave out a page has no page to close it. */
	if (alias_fd >= 0 && alias_fd_pages == 0)
		close(alias_fd);
	alias_frames = 0;
	if (kaal_host_ram)
		munmap(kaal_host_ram, ram_size);
	if (mmio_view)
		munmap(mmio_view, (size_t)MMIO_PAGES * host_page);
	if (ram_fd >= 0)
		close(ram_fd);
	if (mmio_fd >= 0)
		close(mmio_fd);
	kaal_host_ram = NULL;
	mmio_view = NULL;
	ram_fd = -1;
	mmio_fd = -1;
	alias_fd = -1;
}

/*
 * The region a frame of one frame's size is seen in at vaddr, which is free:
 * the host page there if it shows the frame at vaddr, or a new one; the frame
 * moves to an alias page if it is unmapped and its home offset does not fit.
 */
static struct region *small_frame_region(struct frame f, off_t home, uintptr_t vaddr, int prot,
                                         struct place p)
{
	uintptr_t page = vaddr & ~(uintptr_t)(host_page - 1);
	size_t offset = vaddr - page;
	struct region *r = region_over(page, host_page);
	bool movable = !p.alias && !is_mapped(f);
	if (r) {
		bool shows_frame = r->fd == p.fd && r->offset == p.page && offset == p.offset;
		bool free_slot = r->alias && !r->alias->slot[offset / FRAME_SIZE].used;
		if (!shows_frame && !(free_slot && movable))
			return NULL;
		if (!set_region_prot(r, r->prot | prot))
			return NULL;
		if (!shows_frame)
			move_to_alias(f, home, r->alias, offset);
		return r;
	}
	if (offset == p.offset)
		return new_region(page, host_page, prot, &p);
	struct alias_page *a = movable ? free_alias_page() : NULL;
	if (!a)
		return NULL;
	struct place moved = move_to_alias(f, home, a, offset);
	r = new_region(page, host_page, prot, &moved);
	if (!r)
		move_home(f);
	return r;
}

/*
 * The simulated processes share the host process's address space, so every
 * VSpace is the same view of it, and frames of different VSpaces must be
 * mapped at different addresses. Destroying a VSpace undoes its mappings.
 */
unsigned arch_vspace_min_bits(void)
{
	return KAAL_PAGE_BITS;
}

void arch_vspace_init(struct vspace *v, const struct vspace *parent)
{
	(void)v;
	(void)parent;
}

/* Programs are linked into the host process: the core's record of which one is all there is. */
kaal_status arch_vspace_load(struct vspace *v, unsigned program)
{
	(void)v;
	(void)program;
	return KAAL_OK;
}

void arch_vspace_destroy(struct vspace *v)
{
	struct mapping *m = mappings;
	while (m) {
		struct mapping *next = m->next;
		if (m->vspace_id == v->id)
			remove_mapping(m, v->program != 0);
		m = next;
	}
}

kaal_status arch_frame_map(struct vspace *v, kaal_paddr phys, unsigned size_bits, unsigned rights,
                           bool device, kaal_word *vaddr)
{
	struct frame f = {phys, device};
	int home_fd;
	off_t home;
	if (!home_of(f, &home_fd, &home))
		return KAAL_BUSY;
	int prot = ((rights & KAAL_RIGHT_READ) ? PROT_READ : 0) |
	           ((rights & KAAL_RIGHT_WRITE) ? PROT_WRITE : 0);
	size_t size = (size_t)1 << size_bits;
	uintptr_t at = (uintptr_t)*vaddr;
	/* The host never maps its first page, and a used address is refused as seL4 does. */
	if (at && (at < host_page || mapping_over(at, size)))
		return KAAL_INVALID_ARGUMENT;
	struct mapping *m = malloc(sizeof(*m));
	if (!m)
		return KAAL_UNTYPED_EXHAUSTED;
	struct place p = place_of(f, home_fd, home);
	struct region *r;
	if (size < host_page && at) {
		r = small_frame_region(f, home, at, prot, p);
	} else if (at) {
		/* A large frame fills whole host pages, at its address as at home. */
		r = region_over(at, size) ? NULL : new_region(at, size, prot, &p);
	} else {
		r = new_region(0, size < host_page ? host_page : size, prot, &p);
		at = r ? r->addr + p.offset : 0;
	}
	if (!r) {
		free(m);
		return KAAL_INVALID_ARGUMENT;
	}
	r->users++;
	*m = (struct mapping){mappings, at, size, v->id, f, prot, r};
	mappings = m;
	*vaddr = at;
	return KAAL_OK;
}

void arch_frame_unmap(struct vspace *v, kaal_word vaddr, unsigned size_bits)
{
	(void)v;
	(void)size_bits;
	for (struct mapping *m = mappings; m; m = m->next) {
		if (m->vaddr == vaddr) {
			remove_mapping(m, false);
			return;
		}
	}
}

/*
 * The kernel reads and writes a thread's IPC buffer at its home in RAM. While
 * the frame lives in an alias page, its bytes go home when the thread enters
 * the kernel and come back when it leaves (also if it moved there meanwhile);
 * the thread is the only one using its IPC buffer in between.
 */
kaal_paddr host_ipc_buffer_enter(const struct thread *t)
{
	const struct cap *c = &t->slots[THREAD_SLOT_IPC_BUFFER].cap;
	if (c->type != KAAL_CAP_FRAME)
		return 0;
	struct frame f = {c->object, false};
	struct alias_page *a;
	struct alias_slot *s = find_alias(f, &a);
	if (s && s->kernel_uses++ == 0)
		memcpy(arch_phys_to_kernel(f.phys), alias_bytes(a, s), FRAME_SIZE);
	return f.phys;
}

void host_ipc_buffer_leave(kaal_paddr phys)
{
	struct frame f = {phys, false};
	struct alias_page *a;
	struct alias_slot *s = find_alias(f, &a);
	if (!s)
		return;
	memcpy(alias_bytes(a, s), arch_phys_to_kernel(phys), FRAME_SIZE);
	if (s->kernel_uses > 0)
		s->kernel_uses--;
}

/* Where the current bytes of RAM at phys are: the frame may live in an alias page. */
static uint8_t *dma_bytes(kaal_paddr phys)
{
	struct frame f = {phys & ~(kaal_paddr)(FRAME_SIZE - 1), false};
	struct alias_page *a;
	struct alias_slot *s = find_alias(f, &a);
	size_t in_frame = (size_t)(phys - f.phys);
	return (s ? alias_bytes(a, s) : home_bytes(f, (off_t)(f.phys - kaal_host_ram_base))) +
	       in_frame;
}

static bool dma_range_valid(kaal_paddr phys, uint64_t size)
{
	return kaal_host_ram && phys >= kaal_host_ram_base &&
	       phys - kaal_host_ram_base <= ram_size &&
	       size <= ram_size - (phys - kaal_host_ram_base);
}

/* Copy between RAM at phys and buf a frame at a time; to_ram says which way. */
static bool dma_copy(kaal_paddr phys, uint8_t *buf, uint64_t size, bool to_ram)
{
	host_kernel_lock();
	bool ok = dma_range_valid(phys, size);
	while (ok && size) {
		size_t chunk = FRAME_SIZE - (size_t)(phys & (FRAME_SIZE - 1));
		if (chunk > size)
			chunk = (size_t)size;
		uint8_t *ram = dma_bytes(phys);
		if (to_ram)
			memcpy(ram, buf, chunk);
		else
			memcpy(buf, ram, chunk);
		phys += chunk;
		buf += chunk;
		size -= chunk;
	}
	host_kernel_unlock();
	return ok;
}

bool kaal_host_dma_read(kaal_paddr phys, void *to, uint64_t size)
{
	return dma_copy(phys, to, size, false);
}

bool kaal_host_dma_write(kaal_paddr phys, const void *from, uint64_t size)
{
	return dma_copy(phys, (uint8_t *)(uintptr_t)from, size, true);
}
