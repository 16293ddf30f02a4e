/*
 * Built with -Dhost_page_size: the shim (page_shim.c) is really preloaded, so
 * every test, scenario and the demo of this build met a host whose page is
 * KAAL_TEST_PAGE_SIZE bytes.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cmocka.h>

#define PAGE  ((size_t)KAAL_TEST_PAGE_SIZE)
#define FRAME ((size_t)4096)

static void page_size_is_reported(void **state)
{
	(void)state;
	assert_int_equal(PAGE, sysconf(_SC_PAGESIZE));
	assert_int_equal(PAGE, getpagesize());
}

static void mappings_start_on_a_page(void **state)
{
	(void)state;
	for (size_t len = 1; len <= 3 * PAGE; len += PAGE / 2) {
		uint8_t *p =
		    mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		assert_ptr_not_equal(MAP_FAILED, p);
		assert_int_equal(0, (uintptr_t)p % PAGE);
		p[len - 1] = 1;
		assert_int_equal(0, munmap(p, len));
	}
}

static void unaligned_requests_are_refused(void **state)
{
	(void)state;
	uint8_t *p =
	    mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_ptr_not_equal(MAP_FAILED, p);

	errno = 0;
	assert_ptr_equal(MAP_FAILED, mmap(p + FRAME, FRAME, PROT_READ,
	                                  MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0));
	assert_int_equal(EINVAL, errno);
	errno = 0;
	assert_int_equal(-1, munmap(p + FRAME, FRAME));
	assert_int_equal(EINVAL, errno);
	errno = 0;
	assert_int_equal(-1, mprotect(p + FRAME, FRAME, PROT_READ));
	assert_int_equal(EINVAL, errno);

	/* A file offset inside a page. */
	int fd = memfd_create("page-shim-test", MFD_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(0, ftruncate(fd, (off_t)(2 * PAGE)));
	errno = 0;
	assert_ptr_equal(MAP_FAILED, mmap(NULL, FRAME, PROT_READ, MAP_SHARED, fd, (off_t)FRAME));
	assert_int_equal(EINVAL, errno);
	void *whole = mmap(NULL, FRAME, PROT_READ, MAP_SHARED, fd, (off_t)PAGE);
	assert_ptr_not_equal(MAP_FAILED, whole);
	assert_int_equal(0, munmap(whole, FRAME));
	close(fd);

	/* The page itself, and a length rounded up to whole pages, are fine. */
	assert_int_equal(0, mprotect(p + PAGE, FRAME, PROT_READ));
	assert_int_equal(0, munmap(p, 2 * PAGE));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(page_size_is_reported),
	    cmocka_unit_test(mappings_start_on_a_page),
	    cmocka_unit_test(unaligned_requests_are_refused),
	};
	return cmocka_run_group_tests_name("page_shim", tests, NULL, NULL);
}
