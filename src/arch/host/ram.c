/*
 * Fake physical RAM: one shared mapping of an anonymous file, so a frame can
 * be mapped at several addresses at once like a page shared by processes.
 * Device MMIO pages are backed the same way by a second file.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include <kaal/boot_info.h>

#include "arch.h"
#include "host.h"
#include "object.h"

uint8_t *kaal_host_ram;
kaal_paddr kaal_host_ram_base;

static int ram_fd = -1;
static uint64_t ram_size;
static int mmio_fd = -1;

#define MMIO_PAGES KAAL_BOOT_INFO_MAX_DEVICES
static kaal_paddr mmio_base[MMIO_PAGES];
static unsigned mmio_count;

/* Live user mappings, undone at shutdown so no address space outlives a boot. */
struct mapping {
	struct mapping *next;
	uintptr_t vaddr;
	size_t size;
	uint32_t vspace_id; /* the VSpace it belongs to */
};
static struct mapping *mappings;

static int anonymous_file(const char *name, uint64_t size)
{
	int fd;
#ifdef __linux__
	fd = memfd_create(name, MFD_CLOEXEC);
#else
	char path[64];
	snprintf(path, sizeof(path), "/%s-%ld", name, (long)getpid());
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

bool host_ram_create(kaal_paddr base, uint64_t size)
{
	ram_fd = anonymous_file("kaal-ram", size);
	mmio_fd = anonymous_file("kaal-mmio", (uint64_t)MMIO_PAGES << KAAL_PAGE_BITS);
	if (ram_fd < 0 || mmio_fd < 0) {
		host_ram_destroy();
		return false;
	}
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, ram_fd, 0);
	if (p == MAP_FAILED) {
		host_ram_destroy();
		return false;
	}
	kaal_host_ram = p;
	kaal_host_ram_base = base;
	ram_size = size;
	mmio_count = 0;
	return true;
}

void host_ram_destroy(void)
{
	while (mappings) {
		struct mapping *m = mappings;
		mappings = m->next;
		munmap((void *)m->vaddr, m->size);
		free(m);
	}
	if (kaal_host_ram)
		munmap(kaal_host_ram, ram_size);
	if (ram_fd >= 0)
		close(ram_fd);
	if (mmio_fd >= 0)
		close(mmio_fd);
	kaal_host_ram = NULL;
	ram_fd = -1;
	mmio_fd = -1;
}

/* The MMIO file offset for a device page, given out in order of first use. */
static bool mmio_offset(kaal_paddr phys, off_t *offset)
{
	for (unsigned i = 0; i < mmio_count; i++) {
		if (mmio_base[i] == phys) {
			*offset = (off_t)i << KAAL_PAGE_BITS;
			return true;
		}
	}
	if (mmio_count == MMIO_PAGES)
		return false;
	mmio_base[mmio_count] = phys;
	*offset = (off_t)mmio_count++ << KAAL_PAGE_BITS;
	return true;
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

void arch_vspace_destroy(struct vspace *v)
{
	struct mapping **pm = &mappings;
	while (*pm) {
		struct mapping *m = *pm;
		if (m->vspace_id == v->id) {
			*pm = m->next;
			munmap((void *)m->vaddr, m->size);
			free(m);
		} else {
			pm = &m->next;
		}
	}
}

kaal_status arch_frame_map(struct vspace *v, kaal_paddr phys, unsigned size_bits, unsigned rights,
                           bool device, kaal_word *vaddr)
{
	off_t offset = (off_t)(phys - kaal_host_ram_base);
	if (device && !mmio_offset(phys, &offset))
		return KAAL_BUSY;
	int prot = ((rights & KAAL_RIGHT_READ) ? PROT_READ : 0) |
	           ((rights & KAAL_RIGHT_WRITE) ? PROT_WRITE : 0);
	int flags = MAP_SHARED | (*vaddr ? MAP_FIXED_NOREPLACE : 0);
	size_t size = (size_t)1 << size_bits;
	struct mapping *m = malloc(sizeof(*m));
	if (!m)
		return KAAL_UNTYPED_EXHAUSTED;
	void *p =
	    mmap((void *)(uintptr_t)*vaddr, size, prot, flags, device ? mmio_fd : ram_fd, offset);
	if (p != MAP_FAILED && *vaddr && (uintptr_t)p != *vaddr)
		munmap(p, size);
	if (p == MAP_FAILED || (*vaddr && (uintptr_t)p != *vaddr)) {
		free(m);
		return KAAL_INVALID_ARGUMENT;
	}
	m->vaddr = (uintptr_t)p;
	m->size = size;
	m->vspace_id = v->id;
	m->next = mappings;
	mappings = m;
	*vaddr = (uintptr_t)p;
	return KAAL_OK;
}

void arch_frame_unmap(struct vspace *v, kaal_word vaddr, unsigned size_bits)
{
	(void)v;
	for (struct mapping **pm = &mappings; *pm; pm = &(*pm)->next) {
		struct mapping *m = *pm;
		if (m->vaddr == vaddr) {
			*pm = m->next;
			free(m);
			break;
		}
	}
	munmap((void *)(uintptr_t)vaddr, (size_t)1 << size_bits);
}
