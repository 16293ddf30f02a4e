/*
 * Preloaded into every host test, scenario and the demo by -Dhost_page_size:
 * mmap, munmap, mprotect, sysconf and getpagesize behave as on a kernel
 * whose page is SHIM_PAGE_SIZE bytes (16 KiB on Apple Silicon, 64 KiB on
 * some arm64 Linux kernels). A fixed address, a file offset or an munmap or
 * mprotect address that is not a multiple of the page is refused with
 * EINVAL; lengths cover whole pages; a mapping placed by the kernel starts on
 * a page. Only calls made through the dynamic linker are seen, which is every
 * call of the program and its libraries, not libc's own.
 */
#define _GNU_SOURCE
/* mmap and mmap64 are the same call on the 64-bit hosts this runs on; both are replaced. */
#undef _FILE_OFFSET_BITS
#include <dlfcn.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

#ifndef SHIM_PAGE_SIZE
#error "SHIM_PAGE_SIZE: the page size to behave as"
#endif

#define PAGE ((uintptr_t)SHIM_PAGE_SIZE)

typedef void *mmap_fn(void *, size_t, int, int, int, off_t);
typedef int range_fn(void *, size_t);
typedef int mprotect_fn(void *, size_t, int);
typedef long sysconf_fn(int);

static uintptr_t round_up(uintptr_t x)
{
	return (x + PAGE - 1) & ~(PAGE - 1);
}

static void *next(const char *name)
{
	return dlsym(RTLD_NEXT, name);
}

static int refuse(void)
{
	errno = EINVAL;
	return -1;
}

void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t offset);
void *mmap64(void *addr, size_t len, int prot, int flags, int fd, off_t offset);
int munmap(void *addr, size_t len);
int mprotect(void *addr, size_t len, int prot);
long sysconf(int name);
int getpagesize(void);

void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t offset)
{
	mmap_fn *real = (mmap_fn *)next("mmap");
	range_fn *real_munmap = (range_fn *)next("munmap");
	bool fixed = (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) != 0;
	if ((uintptr_t)offset % PAGE || (fixed && (uintptr_t)addr % PAGE) || len == 0) {
		refuse();
		return MAP_FAILED;
	}
	size_t size = round_up(len);
	if (fixed)
		return real(addr, size, prot, flags, fd, offset);
	/* A hint is rounded up to a page and taken if that range is free, as Linux does. */
	if (addr) {
		void *p = real((void *)round_up((uintptr_t)addr), size, prot, flags, fd, offset);
		if (p == MAP_FAILED || (uintptr_t)p % PAGE == 0)
			return p;
		real_munmap(p, size);
	}
	/* Anywhere: a page-aligned range inside a reservation one page longer. */
	uint8_t *r = real(NULL, size + PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (r == MAP_FAILED)
		return MAP_FAILED;
	uint8_t *at = (uint8_t *)round_up((uintptr_t)r);
	void *p = real(at, size, prot, flags | MAP_FIXED, fd, offset);
	if (p == MAP_FAILED) {
		real_munmap(r, size + PAGE);
		return MAP_FAILED;
	}
	if (at > r)
		real_munmap(r, (size_t)(at - r));
	real_munmap(at + size, (size_t)(r + PAGE - at));
	return p;
}

void *mmap64(void *addr, size_t len, int prot, int flags, int fd, off_t offset)
{
	return mmap(addr, len, prot, flags, fd, offset);
}

int munmap(void *addr, size_t len)
{
	if ((uintptr_t)addr % PAGE)
		return refuse();
	return ((range_fn *)next("munmap"))(addr, round_up(len));
}

int mprotect(void *addr, size_t len, int prot)
{
	if ((uintptr_t)addr % PAGE)
		return refuse();
	return ((mprotect_fn *)next("mprotect"))(addr, round_up(len), prot);
}

long sysconf(int name)
{
	if (name == _SC_PAGESIZE)
		return (long)PAGE;
	return ((sysconf_fn *)next("sysconf"))(name);
}

int getpagesize(void)
{
	return (int)PAGE;
}
