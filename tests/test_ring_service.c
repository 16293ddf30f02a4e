/*
 * The ring service: what the root hands out, keeps and takes back for a
 * resizing channel between two processes, and what it refuses; the client's
 * checks of the service's answers.
 */
#include <string.h>

#include "harness.h"

#include <kaal/ring_service.h>

#define RADIX      6
#define FIRST_SLOT 8
#define MAX_FRAMES 2u
#define CAPACITY   16u
#define ELEM       sizeof(uint64_t)
#define SCRATCH    0x30000000u

static struct kaal_broker broker;
static struct kaal_process prod, cons;
static struct kaal_ring_service service;

static int service_setup(void **state)
{
	harness_setup(state);
	harness_broker(&broker);
	assert_status(KAAL_OK, kaal_broker_create_process(&broker, RADIX, 100, 0, &prod));
	assert_status(KAAL_OK, kaal_broker_create_process(&broker, RADIX, 100, 0, &cons));
	return 0;
}

#define SERVICE_CASE(fn) cmocka_unit_test_setup_teardown(fn, service_setup, harness_teardown)

static kaal_status init(void)
{
	return kaal_ring_service_init(&service, &broker, &prod, &cons, FIRST_SLOT, MAX_FRAMES,
	                              CAPACITY, ELEM, SCRATCH);
}

/* The request's status; *frames the frames it names. */
static kaal_status ask(enum kaal_ring_role role, kaal_word label, kaal_word generation,
                       kaal_word bytes, kaal_word *frames)
{
	struct kaal_msg request = {.info = kaal_msg_info(label, 2, 0), .mr = {generation, bytes}};
	struct kaal_msg reply;
	kaal_ring_service_handle(&service, role, &request, &reply);
	if (frames)
		*frames = reply.mr[KAAL_RING_SERVICE_FRAMES];
	return (kaal_status)kaal_msg_label(reply.info);
}

/* Whether the process holds a frame at its window slot. */
static bool holds_frame(const struct kaal_process *p, unsigned window, uint32_t i)
{
	struct kaal_cap_info info;
	kaal_status st =
	    kaal_cnode_identify(kaal_process_slot(p, FIRST_SLOT + window * MAX_FRAMES + i), &info);
	return st == KAAL_OK && info.type == KAAL_CAP_FRAME;
}

static void init_checks_its_arguments(void **state)
{
	(void)state;
	const struct kaal_process tiny = {.cnode = prod.cnode, .radix = 3};
	assert_status(KAAL_INVALID_ARGUMENT,
	              kaal_ring_service_init(NULL, &broker, &prod, &cons, FIRST_SLOT, MAX_FRAMES,
	                                     CAPACITY, ELEM, SCRATCH));
	assert_status(KAAL_INVALID_ARGUMENT,
	              kaal_ring_service_init(&service, NULL, &prod, &cons, FIRST_SLOT, MAX_FRAMES,
	                                     CAPACITY, ELEM, SCRATCH));
	assert_status(KAAL_INVALID_ARGUMENT,
	              kaal_ring_service_init(&service, &broker, NULL, &cons, FIRST_SLOT, MAX_FRAMES,
	                                     CAPACITY, ELEM, SCRATCH));
	assert_status(KAAL_INVALID_ARGUMENT,
	              kaal_ring_service_init(&service, &broker, &prod, &cons, FIRST_SLOT, 0,
	                                     CAPACITY, ELEM, SCRATCH));
	assert_status(KAAL_INVALID_ARGUMENT,
	              kaal_ring_service_init(&service, &broker, &prod, &cons, FIRST_SLOT,
	                                     KAAL_RING_SERVICE_MAX_FRAMES + 1, CAPACITY, ELEM,
	                                     SCRATCH));
	assert_status(KAAL_INVALID_ARGUMENT,
	              kaal_ring_service_init(&service, &broker, &prod, &cons, FIRST_SLOT, 1, 1024,
	                                     ELEM, SCRATCH));
	assert_status(KAAL_INVALID_ARGUMENT,
	              kaal_ring_service_init(&service, &broker, &prod, &cons, FIRST_SLOT,
	                                     MAX_FRAMES, CAPACITY + 1, ELEM, SCRATCH));
	assert_status(KAAL_INVALID_ARGUMENT,
	              kaal_ring_service_init(&service, &broker, &prod, &cons, 0, MAX_FRAMES,
	                                     CAPACITY, ELEM, SCRATCH));
	assert_status(KAAL_INVALID_ARGUMENT,
	              kaal_ring_service_init(&service, &broker, &prod, &tiny, FIRST_SLOT,
	                                     MAX_FRAMES, CAPACITY, ELEM, SCRATCH));
	uint64_t before = broker.memory.free_bytes;
	assert_status(KAAL_OK, init());
	assert_true(holds_frame(&prod, 0, 0) && holds_frame(&cons, 0, 0));
	assert_status(KAAL_OK, kaal_ring_service_destroy(&service));
	assert_int_equal(before, broker.memory.free_bytes);
	assert_false(holds_frame(&prod, 0, 0) || holds_frame(&cons, 0, 0));
	assert_status(KAAL_INVALID_ARGUMENT, kaal_ring_service_destroy(&service));
	assert_status(KAAL_INVALID_ARGUMENT, kaal_ring_service_destroy(NULL));
}

/* Generations in turn: obtained by the producer, located, let go by each side, reused. */
static void generations_change_hands(void **state)
{
	(void)state;
	uint64_t before = broker.memory.free_bytes;
	assert_status(KAAL_OK, init());
	kaal_word frames = 0;
	assert_status(KAAL_OK, ask(KAAL_RING_CONSUMER, KAAL_RING_SERVICE_LOCATE, 0, 0, &frames));
	assert_int_equal(1, frames);
	assert_status(KAAL_OK, ask(KAAL_RING_PRODUCER, KAAL_RING_SERVICE_OBTAIN, 1,
	                           MAX_FRAMES * 4096u, &frames));
	assert_int_equal(MAX_FRAMES, frames);
	assert_true(holds_frame(&prod, 1, 1) && holds_frame(&cons, 1, 1));
	/* The producer lets generation 0 go: only its own copies go. */
	assert_status(KAAL_OK, ask(KAAL_RING_PRODUCER, KAAL_RING_SERVICE_RELEASE, 0, 0, NULL));
	assert_false(holds_frame(&prod, 0, 0));
	assert_true(holds_frame(&cons, 0, 0));
	assert_status(KAAL_BUSY, ask(KAAL_RING_PRODUCER, KAAL_RING_SERVICE_OBTAIN, 2, 4096, NULL));
	/* Then the consumer: the memory goes back, and the window can hold generation 2. */
	uint64_t held = broker.memory.free_bytes;
	assert_status(KAAL_OK, ask(KAAL_RING_CONSUMER, KAAL_RING_SERVICE_RELEASE, 0, 0, NULL));
	assert_false(holds_frame(&cons, 0, 0));
	assert_int_equal(held + 4096u, broker.memory.free_bytes);
	assert_status(KAAL_OK, ask(KAAL_RING_PRODUCER, KAAL_RING_SERVICE_OBTAIN, 2, 4096, &frames));
	assert_int_equal(1, frames);
	assert_status(KAAL_OK, kaal_ring_service_destroy(&service));
	assert_int_equal(before, broker.memory.free_bytes);
}

/* Each refusal names its reason and leaves the service as it was. */
static void refusals_change_nothing(void **state)
{
	(void)state;
	assert_status(KAAL_OK, init());
	static struct kaal_ring_service kept;
	kept = service;
	uint64_t free_bytes = broker.memory.free_bytes;
	const struct {
		enum kaal_ring_role role;
		kaal_word label, generation, bytes;
		kaal_status want;
	} refused[] = {
	    {KAAL_RING_CONSUMER, KAAL_RING_SERVICE_OBTAIN, 1, 4096, KAAL_INVALID_ARGUMENT},
	    {KAAL_RING_PRODUCER, KAAL_RING_SERVICE_OBTAIN, 2, 4096, KAAL_INVALID_ARGUMENT},
	    {KAAL_RING_PRODUCER, KAAL_RING_SERVICE_OBTAIN, 0, 4096, KAAL_INVALID_ARGUMENT},
	    {KAAL_RING_PRODUCER, KAAL_RING_SERVICE_OBTAIN, 1, 0, KAAL_UNTYPED_EXHAUSTED},
	    {KAAL_RING_PRODUCER, KAAL_RING_SERVICE_OBTAIN, 1, MAX_FRAMES * 4096u + 1,
	     KAAL_UNTYPED_EXHAUSTED},
	    {KAAL_RING_CONSUMER, KAAL_RING_SERVICE_LOCATE, 1, 0, KAAL_INVALID_ARGUMENT},
	    {KAAL_RING_CONSUMER, KAAL_RING_SERVICE_LOCATE, UINT64_C(1) << 32, 0,
	     KAAL_INVALID_ARGUMENT},
	    {KAAL_RING_CONSUMER, KAAL_RING_SERVICE_RELEASE, 1, 0, KAAL_INVALID_ARGUMENT},
	    {KAAL_RING_CONSUMER, KAAL_RING_SERVICE_RELEASE, 2, 0, KAAL_INVALID_ARGUMENT},
	    {KAAL_RING_CONSUMER, 9, 0, 0, KAAL_INVALID_ARGUMENT},
	    {0, KAAL_RING_SERVICE_LOCATE, 0, 0, KAAL_INVALID_ARGUMENT},
	    {3, KAAL_RING_SERVICE_RELEASE, 0, 0, KAAL_INVALID_ARGUMENT},
	};
	for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
		assert_status(refused[i].want, ask(refused[i].role, refused[i].label,
		                                   refused[i].generation, refused[i].bytes, NULL));
		assert_memory_equal(&kept, &service, sizeof service);
		assert_int_equal(free_bytes, broker.memory.free_bytes);
	}
	/* A side lets go once. */
	assert_status(KAAL_OK, ask(KAAL_RING_CONSUMER, KAAL_RING_SERVICE_RELEASE, 0, 0, NULL));
	assert_status(KAAL_INVALID_ARGUMENT,
	              ask(KAAL_RING_CONSUMER, KAAL_RING_SERVICE_RELEASE, 0, 0, NULL));
	assert_status(KAAL_INVALID_ARGUMENT,
	              ask(KAAL_RING_CONSUMER, KAAL_RING_SERVICE_LOCATE, 0, 0, NULL));
	/* No request or no reply: nothing happens, nothing crashes. */
	struct kaal_msg reply;
	kaal_ring_service_handle(&service, KAAL_RING_PRODUCER, NULL, &reply);
	assert_status(KAAL_INVALID_ARGUMENT, (kaal_status)kaal_msg_label(reply.info));
	kaal_ring_service_handle(NULL, KAAL_RING_PRODUCER, NULL, &reply);
	assert_status(KAAL_INVALID_ARGUMENT, (kaal_status)kaal_msg_label(reply.info));
	struct kaal_msg request = {.info = kaal_msg_info(KAAL_RING_SERVICE_RELEASE, 1, 0)};
	kaal_ring_service_handle(&service, KAAL_RING_PRODUCER, &request, NULL);
	assert_false(holds_frame(&prod, 0, 0));
	assert_status(KAAL_OK, kaal_ring_service_destroy(&service));
}

/* A fake service for the client: answers every call with the status and frames it is told. */
static struct {
	kaal_cptr ep;
	kaal_status status;
	kaal_word frames;
	unsigned calls;
} fake;

static void fake_service(kaal_word calls)
{
	struct kaal_msg m;
	for (kaal_word i = 0; i < calls; i++) {
		if (kaal_recv(fake.ep, &m) != KAAL_OK)
			return;
		fake.calls++;
		m = (struct kaal_msg){.info = kaal_msg_info((kaal_word)fake.status, 1, 0)};
		m.mr[KAAL_RING_SERVICE_FRAMES] = fake.frames;
		kaal_reply(&m);
	}
}

/* The client believes no frame count outside its windows, and passes refusals on. */
static void client_checks_the_answers(void **state)
{
	(void)state;
	struct kaal_ring_service_client c = {
	    .endpoint = harness_endpoint(),
	    .first_slot = FIRST_SLOT,
	    .max_frames = MAX_FRAMES,
	    .window = {SCRATCH, SCRATCH + 0x10000u},
	    .role = KAAL_RING_PRODUCER,
	};
	fake.ep = c.endpoint;
	struct kaal_ring_source source = kaal_ring_service_source(&c);
	void *mem = NULL;
	size_t size = 0;
	const struct {
		kaal_status status;
		kaal_word frames;
		kaal_status want;
	} answers[] = {
	    {KAAL_OK, 0, KAAL_CORRUPT_RING},
	    {KAAL_OK, MAX_FRAMES + 1, KAAL_CORRUPT_RING},
	    {KAAL_BUSY, 1, KAAL_BUSY},
	    {KAAL_UNTYPED_EXHAUSTED, 0, KAAL_UNTYPED_EXHAUSTED},
	};
	const unsigned count = sizeof answers / sizeof answers[0];
	harness_thread(fake_service, 2 * count + 1, 0);
	for (unsigned i = 0; i < count; i++) {
		fake.status = answers[i].status;
		fake.frames = answers[i].frames;
		assert_status(answers[i].want, source.obtain(source.ctx, 1, 4096, &mem, &size));
		assert_status(answers[i].want, source.locate(source.ctx, 1, &mem, &size));
	}
	assert_null(mem);
	assert_int_equal(0, c.mapped[0] + c.mapped[1]);
	assert_status(KAAL_INVALID_ARGUMENT, source.release(source.ctx, 0, KAAL_RING_CONSUMER));
	fake.status = KAAL_OK;
	assert_status(KAAL_OK, source.release(source.ctx, 0, KAAL_RING_PRODUCER));
	assert_int_equal(2 * count + 1, fake.calls);
	c.max_frames = 0;
	assert_status(KAAL_INVALID_ARGUMENT, kaal_ring_service_first(&c, &mem, &size));
	assert_status(KAAL_INVALID_ARGUMENT, kaal_ring_service_first(NULL, &mem, &size));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    SERVICE_CASE(init_checks_its_arguments),
	    SERVICE_CASE(generations_change_hands),
	    SERVICE_CASE(refusals_change_nothing),
	    SERVICE_CASE(client_checks_the_answers),
	};
	return cmocka_run_group_tests_name("ring_service", tests, NULL, NULL);
}
