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
		desc = dma_test_driver;
		desc.share_bytes = bad[i];
		assert_status(KAAL_INVALID_ARGUMENT, kaal_driver_start(&broker, &desc, &d));
	}
	assert_int_equal(free_bytes, broker.memory.free_bytes);
	assert_int_equal(free_slots, broker.slots.free_count);
	/* Extra capabilities: a count without them, or more than a program can be given. */
	struct kaal_driver d;
	assert_status(KAAL_INVALID_ARGUMENT,
	              kaal_driver_start_with(&broker, &dma_test_driver, NULL, 1, &d));
	struct kaal_spawn_cap extra = {"extra", broker.root_cnode, KAAL_RIGHT_READ};
	assert_status(
	    KAAL_INVALID_ARGUMENT,
	    kaal_driver_start_with(&broker, &dma_test_driver, &extra, KAAL_START_MAX_CAPS + 1, &d));
	assert_int_equal(free_bytes, broker.memory.free_bytes);
	assert_int_equal(free_slots, broker.slots.free_count);
}

/* A link's shared buffer: a fifth capability for its client, a frame of the size asked for. */
static void a_shared_buffer_is_the_fifth_client_capability(void **state)
{
	(void)state;
	uint64_t free_bytes = broker.memory.free_bytes;
	struct kaal_driver_desc desc = dma_test_driver;
	struct kaal_driver d;
	struct kaal_driver_client_names names;
	struct kaal_spawn_cap caps[KAAL_DRIVER_CLIENT_CAPS];
	unsigned count = 0;
	assert_status(KAAL_OK, kaal_driver_start(&broker, &desc, &d));
	assert_status(KAAL_OK, kaal_driver_client_caps(&d, 0, "dev", &names, caps, &count));
	assert_int_equal(KAAL_DRIVER_CLIENT_CAPS - 1, count); /* none asked for */
	assert_status(KAAL_OK, kaal_driver_stop(&broker, &d));

	desc.share_bytes = UINT32_C(1) << KAAL_PAGE_BITS;
	assert_status(KAAL_OK, kaal_driver_start(&broker, &desc, &d));
	assert_status(KAAL_OK, kaal_driver_client_caps(&d, 0, "dev", &names, caps, &count));
	assert_int_equal(KAAL_DRIVER_CLIENT_CAPS, count);
	assert_string_equal("dev_data", caps[count - 1].name);
	assert_int_equal(d.link[0].share, caps[count - 1].cap);
	struct kaal_cap_info frame = harness_identify(d.link[0].share);
	assert_int_equal(KAAL_CAP_FRAME, frame.type);
	assert_int_equal(KAAL_PAGE_BITS, frame.size_bits);
	/* The starter's own end maps it; what it writes there is the frame's. */
	struct kaal_driver_client own;
	assert_status(KAAL_OK, kaal_driver_open_link(&own, &d, 0, 0));
	assert_int_equal(desc.share_bytes, own.share_size);
	own.share[0] = FILL_BYTE;
	void *mine;
	assert_status(KAAL_OK, kaal_map(harness_copy(d.link[0].share), 0, KAAL_RIGHT_READ, &mine));
	assert_int_equal(FILL_BYTE, *(const uint8_t *)mine);
	assert_status(KAAL_OK, kaal_driver_stop(&broker, &d));
	assert_int_equal(free_bytes, broker.memory.free_bytes);
}

/* A driver started with registers that do not fit their page (not by the kit) maps nothing. */
static void registers_outside_their_page_are_refused(void **state)
{
	(void)state;
	struct kaal_device gpio;
	assert_status(KAAL_OK, kaal_broker_request_device(&broker, KAAL_DEVICE_GPIO, &gpio));
	kaal_cptr events;
	assert_status(KAAL_OK, kaal_broker_create_notification(&broker, &events));
	const struct kaal_spawn_cap caps[] = {{"mmio", gpio.frame, KAAL_RIGHTS_ALL},
	                                      {"events", events, KAAL_RIGHT_READ}};
	const kaal_word page = UINT64_C(1) << KAAL_PAGE_BITS;
	/* No registers; more than a page; a start inside the page whose registers run past it. */
	const kaal_word words[] = {0, (page + 4) << 32, (UINT64_C(0x200) << 32) | (page - 0x100)};
	for (unsigned i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		struct kaal_spawned p;
		assert_status(KAAL_OK, kaal_spawn(&broker, "dma_driver", caps, 2,
		                                  HARNESS_PROGRAM_PRIORITY, words[i], &p));
		int status = -1;
		assert_status(KAAL_OK, kaal_spawn_wait(&p, WAIT_NS, &status));
		assert_int_equal(KAAL_INVALID_ARGUMENT, status);
		assert_status(KAAL_OK, kaal_spawn_destroy(&broker, &p));
	}
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
	    KIT_CASE(a_shared_buffer_is_the_fifth_client_capability),
	    KIT_CASE(registers_outside_their_page_are_refused),
	    KIT_CASE(an_interrupt_bound_elsewhere_stops_the_driver),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
