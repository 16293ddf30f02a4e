/*
 * The driver kit's DMA buffer: a driver asks for one in its description
 * and finds it mapped, of that size, at the physical address its starter's
 * frame has (one frame: physically contiguous); descriptions of a size a
 * buffer cannot have (not a page or a large page) are refused and take
 * nothing. A driver asked to stop ends by itself; one whose interrupt is
 * bound elsewhere ends at once with KAAL_BUSY.
 */
#include "harness.h"
#include "programs/programs.h"

#define WAIT_NS   HARNESS_PROGRAM_WAIT_NS
#define FILL_BYTE 0xA5u

static const struct kaal_host_program programs[] = {{"dma_driver", kaal_program_entry_dma_driver}};

static struct kaal_broker broker;

static int kit_setup(void **state)
{
	struct kaal_host_config config = {.programs = programs, .program_count = 1};
	harness_setup_with(state, &config);
	harness_broker(&broker);
	return 0;
}

#define KIT_CASE(fn) cmocka_unit_test_setup_teardown(fn, kit_setup, harness_teardown)

static void the_buffer_is_mapped_where_the_device_finds_it(void **state)
{
	(void)state;
	uint64_t free_bytes = broker.memory.free_bytes;
	struct kaal_driver d;
	struct kaal_driver_client own;
	assert_status(KAAL_OK, kaal_driver_start(&broker, &dma_test_driver, &d));
	assert_status(KAAL_OK, kaal_driver_open_link(&own, &d, 0, 0));
	uint64_t fill = FILL_BYTE, answer[2] = {0};
	assert_status(KAAL_OK, kaal_driver_call(&own, &fill, answer, WAIT_NS));
	struct kaal_cap_info frame = harness_identify(d.dma);
	assert_int_equal(KAAL_CAP_FRAME, frame.type);
	assert_int_equal(frame.object, answer[0]);
	assert_int_equal(DMA_TEST_BYTES, answer[1]);
	harness_assert_aligned(answer[0], KAAL_PAGE_BITS);
	void *mine;
	assert_status(KAAL_OK, kaal_map(d.dma, 0, KAAL_RIGHT_READ, &mine));
	for (uint32_t i = 0; i < DMA_TEST_BYTES; i++)
		assert_int_equal(FILL_BYTE, ((const uint8_t *)mine)[i]);
	assert_status(KAAL_OK, kaal_unmap(d.dma));
	/* Asked to stop, the driver ends by itself, with 0. */
	assert_status(KAAL_OK, kaal_signal(d.stop, 0));
	int status = -1;
	assert_status(KAAL_OK, kaal_spawn_wait(&d.program, WAIT_NS, &status));
	assert_int_equal(0, status);
	assert_status(KAAL_OK, kaal_driver_stop(&broker, &d));
	assert_int_equal(free_bytes, broker.memory.free_bytes);
}

static void sizes_a_buffer_cannot_have_are_refused(void **state)
{
	(void)state;
	uint64_t free_bytes = broker.memory.free_bytes;
	uint32_t free_slots = broker.slots.free_count;
	const uint32_t bad[] = {1000, 2u << KAAL_PAGE_BITS, 4u << KAAL_PAGE_BITS,
	                        2u << KAAL_LARGE_PAGE_BITS};
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct kaal_driver_desc desc = dma_test_driver;
		desc.dma_bytes = bad[i];
		struct kaal_driver d;
		assert_status(KAAL_INVALID_ARGUMENT, kaal_driver_start(&broker, &desc, &d));
	}
	assert_int_equal(free_bytes, broker.memory.free_bytes);
	assert_int_equal(free_slots, broker.slots.free_count);
}

/* An interrupt someone else has bound: the driver cannot bind it and ends with KAAL_BUSY. */
static void an_interrupt_bound_elsewhere_stops_the_driver(void **state)
{
	(void)state;
	const struct kaal_boot_device *gpio = harness_device(KAAL_DEVICE_GPIO);
	kaal_cptr n = harness_notification();
	assert_status(KAAL_OK, kaal_irq_set_notification(gpio->irq_cptr, n));
	struct kaal_driver d;
	assert_status(KAAL_OK, kaal_driver_start(&broker, &dma_test_driver, &d));
	int status = -1;
	assert_status(KAAL_OK, kaal_spawn_wait(&d.program, WAIT_NS, &status));
	assert_int_equal(KAAL_BUSY, status);
	assert_status(KAAL_OK, kaal_driver_stop(&broker, &d));
	/* Cleared, the next driver binds it and serves. */
	assert_status(KAAL_OK, kaal_irq_clear(gpio->irq_cptr));
	assert_status(KAAL_OK, kaal_driver_start(&broker, &dma_test_driver, &d));
	struct kaal_driver_client own;
	uint64_t fill = FILL_BYTE, answer[2] = {0};
	assert_status(KAAL_OK, kaal_driver_open_link(&own, &d, 0, 0));
	assert_status(KAAL_OK, kaal_driver_call(&own, &fill, answer, WAIT_NS));
	assert_int_equal(DMA_TEST_BYTES, answer[1]);
	assert_status(KAAL_OK, kaal_driver_stop(&broker, &d));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    KIT_CASE(the_buffer_is_mapped_where_the_device_finds_it),
	    KIT_CASE(sizes_a_buffer_cannot_have_are_refused),
	    KIT_CASE(an_interrupt_bound_elsewhere_stops_the_driver),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
