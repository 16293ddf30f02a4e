/*
 * The core's check of a boot program load (src/core/vspace.c), called
 * directly with a platform of programs larger than any backend builds
 * today: no machine is booted. A refused load leaves the VSpace as it was.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "kernel.h"
#include "vspace.h"

#define SMALL_BITS 14u
#define LARGE_BITS 20u

static struct kaal_platform platform(void)
{
	struct kaal_platform p = {0};
	p.program_count = 2;
	memcpy(p.program[0].name, "small", sizeof("small"));
	p.program[0].vspace_bits = SMALL_BITS;
	memcpy(p.program[1].name, "large", sizeof("large"));
	p.program[1].vspace_bits = LARGE_BITS;
	return p;
}

static struct vspace vspace_of(unsigned size_bits)
{
	struct vspace v;
	memset(&v, 0, sizeof(v));
	v.id = 7;
	v.size_bits = size_bits;
	return v;
}

static void refused(struct vspace *v, kaal_word program, kaal_status expected)
{
	struct vspace before = *v;
	assert_int_equal(expected, vspace_load(v, program));
	assert_memory_equal(&before, v, sizeof(before));
}

static void sizes(void **state)
{
	(void)state;
	struct kaal_platform p = platform();
	vspace_reset(&p);
	struct vspace v = vspace_of(SMALL_BITS - 1);
	refused(&v, 1, KAAL_INVALID_ARGUMENT);
	v = vspace_of(LARGE_BITS - 1);
	refused(&v, 2, KAAL_INVALID_ARGUMENT);
	assert_int_equal(KAAL_OK, vspace_load(&v, 1));
	assert_int_equal(1, v.program);
	v = vspace_of(LARGE_BITS);
	assert_int_equal(KAAL_OK, vspace_load(&v, 2));
	assert_int_equal(2, v.program);
}

static void numbers_and_state(void **state)
{
	(void)state;
	struct kaal_platform p = platform();
	vspace_reset(&p);
	struct vspace v = vspace_of(LARGE_BITS);
	refused(&v, 0, KAAL_INVALID_ARGUMENT);
	refused(&v, 3, KAAL_INVALID_ARGUMENT);
	refused(&v, UINT64_MAX, KAAL_INVALID_ARGUMENT);
	v.given = true;
	refused(&v, 1, KAAL_ILLEGAL_OPERATION);
	v.given = false;
	assert_int_equal(KAAL_OK, vspace_load(&v, 1));
	refused(&v, 1, KAAL_ILLEGAL_OPERATION);
	refused(&v, 2, KAAL_ILLEGAL_OPERATION);
	/* A machine booted without programs has none to load. */
	struct kaal_platform none = {0};
	vspace_reset(&none);
	v = vspace_of(LARGE_BITS);
	refused(&v, 1, KAAL_INVALID_ARGUMENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(sizes),
	    cmocka_unit_test(numbers_and_state),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
