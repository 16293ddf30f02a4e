/*
 * kaal_kernel_boot()'s checks of what a backend describes, called directly:
 * a platform it cannot describe in boot info is refused before the core
 * touches anything, so no machine is booted here.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "kernel.h"

#define PAGE ((kaal_paddr)1 << KAAL_PAGE_BITS)
#define RAM  ((kaal_paddr)0x40000000u)

static struct kaal_platform platform_with(kaal_paddr mmio_base, uint64_t mmio_size)
{
	struct kaal_platform p = {.ram_base = RAM, .ram_size = 64 * PAGE, .free_base = RAM};
	p.device_count = 1;
	p.device[0] = (struct kaal_platform_device){KAAL_DEVICE_BLOCK, 79, mmio_base, mmio_size};
	return p;
}

static void refused(const struct kaal_platform *p)
{
	struct kaal_boot_state state = {0};
	assert_int_equal(KAAL_INVALID_ARGUMENT, kaal_kernel_boot(p, &state));
	assert_null(state.boot_info);
}

/* A frame capability covers one page: registers must lie inside it. */
static void registers_across_a_page(void **state)
{
	(void)state;
	struct kaal_platform p = platform_with(0x0A000F00u, 0x200u);
	refused(&p);
	p = platform_with(0x0A000000u, PAGE + 4);
	refused(&p);
	p = platform_with(0x0A000E00u, PAGE);
	refused(&p);
}

static void too_many_devices(void **state)
{
	(void)state;
	struct kaal_platform p = platform_with(0x0A000000u, 0x200u);
	p.device_count = KAAL_BOOT_INFO_MAX_DEVICES + 1;
	refused(&p);
}

static void free_memory_outside_ram(void **state)
{
	(void)state;
	struct kaal_platform p = platform_with(0x0A000000u, 0x200u);
	p.free_base = RAM - PAGE;
	refused(&p);
	p.free_base = RAM + p.ram_size + PAGE;
	refused(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(registers_across_a_page),
	    cmocka_unit_test(too_many_devices),
	    cmocka_unit_test(free_memory_outside_ram),
	};
	return cmocka_run_group_tests_name("boot_platform", tests, NULL, NULL);
}
