/*
 * Channels: a ring in a frame mapped at two addresses, one side per
 * mapping, each side with its own notification to sleep on.
 */
#include <sched.h>

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
	harness_frame_twice(&s.producer_view, &s.consumer_view);
	s.size = 1u << KAAL_PAGE_BITS;
	assert_status(KAAL_OK, kaal_ring_create(s.producer_view, s.size, capacity, elem_size));
	s.data_ntfn = harness_create(KAAL_CAP_NOTIFICATION, 0);
	s.space_ntfn = harness_create(KAAL_CAP_NOTIFICATION, 0);
	return s;
}

static struct shared_ring shared;

/* The producer's and the consumer's ends of s, each with its own view of the ring. */
static void attach_pair(const struct shared_ring *s, struct kaal_channel *prod,
                        struct kaal_channel *cons)
{
	assert_status(KAAL_OK,
	              kaal_channel_attach(prod, s->producer_view, s->size, KAAL_RING_PRODUCER,
	                                  s->space_ntfn, s->data_ntfn));
	assert_status(KAAL_OK,
	              kaal_channel_attach(cons, s->consumer_view, s->size, KAAL_RING_CONSUMER,
	                                  s->data_ntfn, s->space_ntfn));
}

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
	attach_pair(&s, &prod, &cons);
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

/*
 * A side that sleeps with a deadline while its peer moves an element
 * without signalling: a peer that has pushed (or popped) and not yet looked
 * at the flag when the deadline passes.
 */
#define DEADLINE_CAPACITY 2u
#define FIRST_DEADLINE_NS UINT64_C(50000000)
#define SIDE_ELEM         0x51DEu /* what the side under test sends */
#define PEER_ELEM         0x9EE4u /* what the peer pushes for a receiving side */

struct timed_side {
	struct kaal_channel c;
	uint64_t timeout_ns;
	uint32_t elem; /* sent, or received */
	kaal_status st;
	kaal_cptr done;
};

static void timed_side(kaal_word arg)
{
	struct timed_side *s = PTR(arg);
	s->st = s->c.ring.role == KAAL_RING_PRODUCER
	            ? kaal_channel_send(&s->c, &s->elem, s->timeout_ns)
	            : kaal_channel_recv(&s->c, &s->elem, s->timeout_ns);
	kaal_signal(s->done, 1);
}

/* Whether thread t blocked in the kernel before its call finished (done's bit came). */
static bool blocked_before_done(kaal_cptr t, kaal_cptr done)
{
	for (;;) {
		bool blocked = false;
		assert_status(KAAL_OK, kaal_host_thread_blocked(t, &blocked));
		if (blocked)
			return true;
		if (harness_peek(done) != 0)
			return false;
		sched_yield();
	}
}

/*
 * The side with role waits with a deadline on an empty (receive) or full
 * (send) ring; once it sleeps, the peer moves an element without a signal.
 * If the side was still asleep after that, the element was there before its
 * wait ended, so the deadline's last try must move it: KAAL_OK, never
 * KAAL_TIMEOUT. A deadline that passed before the peer moved decides
 * nothing; the next try has a longer one.
 */
static void deadline_takes_what_arrived_in_time(enum kaal_ring_role role)
{
	bool sending = role == KAAL_RING_PRODUCER;
	for (uint64_t timeout = FIRST_DEADLINE_NS; timeout <= HARNESS_WAIT_NS; timeout *= 2) {
		struct shared_ring s = ring_in_frame(DEADLINE_CAPACITY, sizeof(uint32_t));
		static struct timed_side side;
		side = (struct timed_side){
		    .timeout_ns = timeout, .elem = SIDE_ELEM, .done = harness_notification()};
		struct kaal_ring peer;
		if (sending) {
			assert_status(KAAL_OK,
			              kaal_channel_attach(&side.c, s.producer_view, s.size, role,
			                                  s.space_ntfn, s.data_ntfn));
			assert_status(KAAL_OK, kaal_ring_attach(&peer, s.consumer_view, s.size,
			                                        KAAL_RING_CONSUMER));
			for (uint32_t i = 0; i < DEADLINE_CAPACITY; i++)
				assert_status(KAAL_OK, kaal_channel_send(&side.c, &i, 0));
		} else {
			assert_status(KAAL_OK,
			              kaal_channel_attach(&side.c, s.consumer_view, s.size, role,
			                                  s.data_ntfn, s.space_ntfn));
			assert_status(KAAL_OK, kaal_ring_attach(&peer, s.producer_view, s.size,
			                                        KAAL_RING_PRODUCER));
		}
		kaal_cptr t = harness_thread(timed_side, ARG(&side), 0);
		if (!blocked_before_done(t, side.done))
			continue;
		uint32_t moved = PEER_ELEM;
		if (sending) {
			assert_status(KAAL_OK, kaal_ring_pop(&peer, &moved));
			assert_int_equal(0, moved);
		} else {
			assert_status(KAAL_OK, kaal_ring_push(&peer, &moved));
		}
		bool asleep = false;
		assert_status(KAAL_OK, kaal_host_thread_blocked(t, &asleep));
		harness_await_bits(side.done, 1);
		if (!asleep)
			continue;

		assert_status(KAAL_OK, side.st);
		assert_int_equal(1, side.c.sleeps);
		assert_int_equal(0, kaal_atomic_load(sending ? &side.c.ring.hdr->producer_waiting
		                                             : &side.c.ring.hdr->consumer_waiting,
		                                     KAAL_RELAXED));
		if (sending) {
			/* The ring holds the element left over from filling it, then the side's. */
			for (uint32_t expect = 1; expect < DEADLINE_CAPACITY; expect++) {
				assert_status(KAAL_OK, kaal_ring_pop(&peer, &moved));
				assert_int_equal(expect, moved);
			}
			assert_status(KAAL_OK, kaal_ring_pop(&peer, &moved));
			assert_int_equal(SIDE_ELEM, moved);
			assert_status(KAAL_WOULD_BLOCK, kaal_ring_pop(&peer, &moved));
		} else {
			assert_int_equal(PEER_ELEM, side.elem);
			assert_status(KAAL_WOULD_BLOCK, kaal_channel_recv(&side.c, &moved, 0));
		}
		return;
	}
	fail_msg("every deadline passed before the peer could move an element");
}

/* A timed receive whose wait times out returns an element that arrived at its deadline. */
static void timed_recv_returns_an_element_that_arrived_at_its_deadline(void **state)
{
	(void)state;
	deadline_takes_what_arrived_in_time(KAAL_RING_CONSUMER);
}

/* A timed send whose wait times out uses room that was freed at its deadline. */
static void timed_send_uses_room_freed_at_its_deadline(void **state)
{
	(void)state;
	deadline_takes_what_arrived_in_time(KAAL_RING_PRODUCER);
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

/* A consumer that sleeps elsewhere arms the channel: the next element signals it, once. */
static void an_armed_side_is_signalled_once(void **state)
{
	(void)state;
	struct shared_ring s = ring_in_frame(8, sizeof(uint32_t));
	struct kaal_channel prod, cons;
	attach_pair(&s, &prod, &cons);
	bool ready = true;
	assert_status(KAAL_OK, kaal_channel_arm(&cons, &ready));
	assert_false(ready);
	uint32_t v = 7;
	assert_status(KAAL_OK, kaal_channel_send(&prod, &v, 0));
	assert_status(KAAL_OK, kaal_channel_send(&prod, &v, 0));
	assert_int_equal(1, prod.signals);
	assert_int_equal(1, harness_peek(s.data_ntfn));
	/* Armed with an element waiting: ready, no sleep needed. */
	assert_status(KAAL_OK, kaal_channel_arm(&cons, &ready));
	assert_true(ready);
	/* A producer with room is ready too. */
	assert_status(KAAL_OK, kaal_channel_arm(&prod, &ready));
	assert_true(ready);
	assert_status(KAAL_INVALID_ARGUMENT, kaal_channel_arm(&cons, NULL));
	assert_status(KAAL_INVALID_ARGUMENT, kaal_channel_arm(NULL, &ready));
	/* A peer's impossible index is the ring's error. */
	kaal_atomic_store(&prod.ring.hdr->head, UINT64_C(1) << 40, KAAL_RELEASE);
	assert_status(KAAL_CORRUPT_RING, kaal_channel_arm(&cons, &ready));
	assert_false(ready);
}

static void misuse_is_refused(void **state)
{
	(void)state;
	struct shared_ring s = ring_in_frame(8, sizeof(uint32_t));
	struct kaal_channel prod, cons;
	attach_pair(&s, &prod, &cons);
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
	    HARNESS_CASE(stream_sleeping_sides),
	    HARNESS_CASE(stream_spinning_sides),
	    HARNESS_CASE(timeouts_on_empty_and_full),
	    HARNESS_CASE(timed_recv_returns_an_element_that_arrived_at_its_deadline),
	    HARNESS_CASE(timed_send_uses_room_freed_at_its_deadline),
	    HARNESS_CASE(one_signal_per_sleep),
	    HARNESS_CASE(an_armed_side_is_signalled_once),
	    HARNESS_CASE(misuse_is_refused),
	};
	return cmocka_run_group_tests_name("channel", tests, NULL, NULL);
}
