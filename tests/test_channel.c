/*
 * Channels: a ring in a frame mapped at two addresses, one side per
 * mapping, each side with its own notification to sleep on.
 */
#include "harness.h"

#include <kaal/channel.h>

struct shared_ring {
	kaal_cptr data_ntfn;  /* the consumer sleeps here */
	kaal_cptr space_ntfn; /* the producer sleeps here */
	void *producer_view;
	void *consumer_view;
	size_t size;
};

static struct shared_ring ring_in_frame(uint32_t capacity, uint32_t elem_size)
{
	struct shared_ring s;
	kaal_cptr frame = harness_create(KAAL_CAP_FRAME, KAAL_PAGE_BITS);
	kaal_cptr copy = harness_slot();
	assert_status(KAAL_OK, kaal_cnode_copy(harness_ref(copy), harness_ref(frame)));
	assert_status(KAAL_OK,
	              kaal_map(frame, 0, KAAL_RIGHT_READ | KAAL_RIGHT_WRITE, &s.producer_view));
	assert_status(KAAL_OK,
	              kaal_map(copy, 0, KAAL_RIGHT_READ | KAAL_RIGHT_WRITE, &s.consumer_view));
	assert_ptr_not_equal(s.producer_view, s.consumer_view);
	s.size = 1u << KAAL_PAGE_BITS;
	assert_status(KAAL_OK, kaal_ring_create(s.producer_view, s.size, capacity, elem_size));
	s.data_ntfn = harness_create(KAAL_CAP_NOTIFICATION, 0);
	s.space_ntfn = harness_create(KAAL_CAP_NOTIFICATION, 0);
	return s;
}

static struct shared_ring shared;

#define STREAM_COUNT 100000u

static void stream_producer(kaal_word spin)
{
	struct kaal_channel c;
	if (kaal_channel_attach(&c, shared.producer_view, shared.size, KAAL_RING_PRODUCER,
	                        shared.space_ntfn, shared.data_ntfn) != KAAL_OK)
		return;
	c.spin = (uint32_t)spin;
	for (uint64_t i = 0; i < STREAM_COUNT; i++)
		if (kaal_channel_send(&c, &i, KAAL_CHANNEL_FOREVER) != KAAL_OK)
			return;
}

/* Sequence numbers arrive in order, whether the sides spin or sleep. */
static void stream_in_order(uint32_t capacity, uint32_t spin)
{
	shared = ring_in_frame(capacity, sizeof(uint64_t));
	struct kaal_channel c;
	assert_status(KAAL_OK,
	              kaal_channel_attach(&c, shared.consumer_view, shared.size, KAAL_RING_CONSUMER,
	                                  shared.data_ntfn, shared.space_ntfn));
	c.spin = spin;
	harness_thread(stream_producer, spin, 0);
	uint64_t expect = 0;
	while (expect < STREAM_COUNT) {
		uint64_t batch[16];
		size_t done;
		assert_status(KAAL_OK,
		              kaal_channel_recv_burst(&c, batch, 16, &done, KAAL_CHANNEL_FOREVER));
		assert_true(done >= 1 && done <= 16);
		for (size_t i = 0; i < done; i++)
			assert_int_equal(expect++, batch[i]);
	}
	uint64_t extra;
	assert_status(KAAL_WOULD_BLOCK, kaal_channel_recv(&c, &extra, 0));
}

static void stream_sleeping_sides(void **state)
{
	(void)state;
	stream_in_order(4, 0);
}

static void stream_spinning_sides(void **state)
{
	(void)state;
	stream_in_order(64, KAAL_CHANNEL_SPIN);
}

static void timeouts_on_empty_and_full(void **state)
{
	(void)state;
	struct shared_ring s = ring_in_frame(2, sizeof(uint32_t));
	struct kaal_channel prod, cons;
	assert_status(KAAL_OK, kaal_channel_attach(&prod, s.producer_view, s.size,
	                                           KAAL_RING_PRODUCER, s.space_ntfn, s.data_ntfn));
	assert_status(KAAL_OK, kaal_channel_attach(&cons, s.consumer_view, s.size,
	                                           KAAL_RING_CONSUMER, s.data_ntfn, s.space_ntfn));
	uint32_t v = 1;
	uint64_t t0 = kaal_time_ns();
	assert_status(KAAL_TIMEOUT, kaal_channel_recv(&cons, &v, 2000000));
	assert_true(kaal_time_ns() - t0 >= 2000000);
	assert_int_equal(1, cons.sleeps);
	assert_int_equal(0, kaal_atomic_load(&cons.ring.hdr->consumer_waiting, KAAL_RELAXED));
	assert_status(KAAL_WOULD_BLOCK, kaal_channel_recv(&cons, &v, 0));

	assert_status(KAAL_OK, kaal_channel_send(&prod, &v, 0));
	v = 2;
	assert_status(KAAL_OK, kaal_channel_send(&prod, &v, 0));
	/* The consumer's flag is down: no signal was needed for either element. */
	assert_int_equal(0, prod.signals);
	v = 3;
	assert_status(KAAL_TIMEOUT, kaal_channel_send(&prod, &v, 1000000));
	assert_int_equal(0, kaal_atomic_load(&prod.ring.hdr->producer_waiting, KAAL_RELAXED));
	assert_status(KAAL_OK, kaal_channel_recv(&cons, &v, 0));
	assert_int_equal(1, v);
	assert_status(KAAL_OK, kaal_channel_recv(&cons, &v, KAAL_CHANNEL_FOREVER));
	assert_int_equal(2, v);
}

/* A consumer that announced it sleeps gets exactly one signal for a burst of sends. */
static void one_signal_per_sleep(void **state)
{
	(void)state;
	struct shared_ring s = ring_in_frame(8, sizeof(uint32_t));
	struct kaal_channel prod;
	assert_status(KAAL_OK, kaal_channel_attach(&prod, s.producer_view, s.size,
	                                           KAAL_RING_PRODUCER, s.space_ntfn, s.data_ntfn));
	struct kaal_ring_header *hdr = prod.ring.hdr;
	kaal_atomic_store(&hdr->consumer_waiting, 1, KAAL_RELAXED);
	for (uint32_t i = 0; i < 8; i++)
		assert_status(KAAL_OK, kaal_channel_send(&prod, &i, 0));
	assert_int_equal(1, prod.signals);
	kaal_word bits;
	assert_status(KAAL_OK, kaal_poll(s.data_ntfn, &bits));
	assert_int_equal(1, bits);
	assert_int_equal(0, kaal_atomic_load(&hdr->consumer_waiting, KAAL_RELAXED));
}

static void misuse_is_refused(void **state)
{
	(void)state;
	struct shared_ring s = ring_in_frame(8, sizeof(uint32_t));
	struct kaal_channel prod, cons;
	assert_status(KAAL_OK, kaal_channel_attach(&prod, s.producer_view, s.size,
	                                           KAAL_RING_PRODUCER, s.space_ntfn, s.data_ntfn));
	assert_status(KAAL_OK, kaal_channel_attach(&cons, s.consumer_view, s.size,
	                                           KAAL_RING_CONSUMER, s.data_ntfn, s.space_ntfn));
	uint32_t v = 0;
	size_t done;
	assert_status(KAAL_INVALID_ARGUMENT, kaal_channel_recv(&prod, &v, 0));
	assert_status(KAAL_INVALID_ARGUMENT, kaal_channel_send(&cons, &v, 0));
	assert_status(KAAL_INVALID_ARGUMENT, kaal_channel_send_burst(&prod, &v, 0, &done, 0));
	assert_status(KAAL_INVALID_ARGUMENT, kaal_channel_recv_burst(&prod, &v, 1, &done, 0));
	assert_status(KAAL_INVALID_ARGUMENT, kaal_channel_send_burst(&cons, &v, 1, &done, 0));
	((struct kaal_ring_header *)s.producer_view)->magic = 0;
	assert_status(KAAL_CORRUPT_RING,
	              kaal_channel_attach(&cons, s.consumer_view, s.size, KAAL_RING_CONSUMER,
	                                  s.data_ntfn, s.space_ntfn));
	/* A signal capability that does not work surfaces as the send's status. */
	kaal_atomic_store(&prod.ring.hdr->consumer_waiting, 1, KAAL_RELAXED);
	prod.signal_ntfn = harness_slot();
	assert_status(KAAL_SLOT_EMPTY, kaal_channel_send(&prod, &v, 0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(stream_sleeping_sides, harness_setup, harness_teardown),
	    cmocka_unit_test_setup_teardown(stream_spinning_sides, harness_setup, harness_teardown),
	    cmocka_unit_test_setup_teardown(timeouts_on_empty_and_full, harness_setup,
	                                    harness_teardown),
	    cmocka_unit_test_setup_teardown(one_signal_per_sleep, harness_setup, harness_teardown),
	    cmocka_unit_test_setup_teardown(misuse_is_refused, harness_setup, harness_teardown),
	};
	return cmocka_run_group_tests_name("channel", tests, NULL, NULL);
}
