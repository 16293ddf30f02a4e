/*
 * Channel sets: a server's consumer sides of several channels, each ring in
 * a frame mapped twice, every producer signalling the set's notification
 * through a copy minted with its member's badge.
 */
#include <string.h>

#include "harness.h"

#include <kaal/channel_set.h>

#define MEMBERS  3u
#define CAPACITY 4u

struct member_ring {
	void *producer_view;
	void *consumer_view;
	size_t size;
	struct kaal_channel producer;
	struct kaal_channel consumer;
};

static struct {
	kaal_cptr ntfn;
	struct kaal_channel_set set;
	struct member_ring m[MEMBERS];
} f;

/* A channel whose producer signals the set's notification with member i's badge. */
static void add_member(uint32_t i, uint32_t priority)
{
	struct member_ring *m = &f.m[i];
	harness_frame_twice(&m->producer_view, &m->consumer_view);
	m->size = 1u << KAAL_PAGE_BITS;
	assert_status(KAAL_OK,
	              kaal_ring_create(m->producer_view, m->size, CAPACITY, sizeof(uint32_t)));
	kaal_cptr space = harness_notification();
	kaal_cptr badged = harness_mint(f.ntfn, KAAL_RIGHT_WRITE, kaal_channel_set_badge(i));
	assert_status(KAAL_OK, kaal_channel_attach(&m->producer, m->producer_view, m->size,
	                                           KAAL_RING_PRODUCER, space, badged));
	assert_status(KAAL_OK, kaal_channel_attach(&m->consumer, m->consumer_view, m->size,
	                                           KAAL_RING_CONSUMER, f.ntfn, space));
	uint32_t index = UINT32_MAX;
	assert_status(KAAL_OK, kaal_channel_set_add(&f.set, &m->consumer, priority, &index));
	assert_int_equal(i, index);
}

static void set_of(uint32_t count, const uint32_t *priority)
{
	f.ntfn = harness_notification();
	assert_status(KAAL_OK, kaal_channel_set_init(&f.set, f.ntfn));
	for (uint32_t i = 0; i < count; i++)
		add_member(i, priority[i]);
}

static void put(uint32_t i, uint32_t v)
{
	assert_status(KAAL_OK, kaal_channel_send(&f.m[i].producer, &v, 0));
}

/* The member the set hands out, with its element taken. */
static uint32_t serve(void)
{
	uint32_t i = UINT32_MAX, v;
	assert_status(KAAL_OK, kaal_channel_set_wait(&f.set, &i, 0));
	assert_true(i < f.set.count);
	assert_status(KAAL_OK, kaal_channel_recv(&f.m[i].consumer, &v, 0));
	return i;
}

static void assert_flags_down(void)
{
	for (uint32_t i = 0; i < f.set.count; i++)
		assert_int_equal(
		    0, kaal_atomic_load(&f.m[i].consumer.ring.hdr->consumer_waiting, KAAL_RELAXED));
}

static void assert_set_is(const struct kaal_channel_set *before)
{
	assert_memory_equal(before, &f.set, sizeof *before);
}

static void misuse_is_refused(void **state)
{
	(void)state;
	const uint32_t priority[] = {0};
	assert_status(KAAL_INVALID_ARGUMENT, kaal_channel_set_init(NULL, 1));
	set_of(1, priority);
	struct kaal_channel *c = &f.m[0].consumer;
	static struct kaal_channel_set before;
	before = f.set;
	uint32_t index = UINT32_MAX;
	assert_status(KAAL_INVALID_ARGUMENT, kaal_channel_set_add(NULL, c, 0, &index));
	assert_status(KAAL_INVALID_ARGUMENT, kaal_channel_set_add(&f.set, NULL, 0, &index));
	assert_status(KAAL_INVALID_ARGUMENT, kaal_channel_set_add(&f.set, c, 0, NULL));
	assert_status(KAAL_INVALID_ARGUMENT, kaal_channel_set_add(&f.set, c, 1, &index));
	assert_status(KAAL_INVALID_ARGUMENT,
	              kaal_channel_set_add(&f.set, &f.m[0].producer, 0, &index));
	static struct kaal_channel spare[KAAL_CHANNEL_SET_MAX];
	assert_status(KAAL_OK, kaal_channel_attach(&spare[0], f.m[0].consumer_view, f.m[0].size,
	                                           KAAL_RING_CONSUMER, harness_notification(), 0));
	assert_status(KAAL_INVALID_ARGUMENT, kaal_channel_set_add(&f.set, &spare[0], 0, &index));
	assert_status(KAAL_OK, kaal_channel_attach(&spare[0], f.m[0].consumer_view, f.m[0].size,
	                                           KAAL_RING_CONSUMER, f.ntfn, 0));
	assert_status(KAAL_INVALID_ARGUMENT,
	              kaal_channel_set_add(&f.set, &spare[0], KAAL_CHANNEL_SET_PRIORITIES, &index));
	assert_status(KAAL_INVALID_ARGUMENT, kaal_channel_set_wait(NULL, &index, 0));
	assert_status(KAAL_INVALID_ARGUMENT, kaal_channel_set_wait(&f.set, NULL, 0));
	assert_int_equal(UINT32_MAX, index);
	assert_set_is(&before);

	/* A set takes KAAL_CHANNEL_SET_MAX members and no more. */
	for (uint32_t i = 1; i < KAAL_CHANNEL_SET_MAX; i++) {
		spare[i] = spare[0];
		assert_status(KAAL_OK, kaal_channel_set_add(&f.set, &spare[i], 0, &index));
		assert_int_equal(i, index);
	}
	before = f.set;
	assert_status(KAAL_LIMIT_REACHED, kaal_channel_set_add(&f.set, &spare[0], 0, &index));
	assert_set_is(&before);

	static struct kaal_channel_set empty;
	assert_status(KAAL_OK, kaal_channel_set_init(&empty, f.ntfn));
	assert_status(KAAL_ILLEGAL_OPERATION, kaal_channel_set_wait(&empty, &index, 0));
}

static void empty_members_time_out(void **state)
{
	(void)state;
	const uint32_t priority[] = {0, 1};
	set_of(2, priority);
	uint32_t index = UINT32_MAX;
	assert_status(KAAL_WOULD_BLOCK, kaal_channel_set_wait(&f.set, &index, 0));
	assert_int_equal(0, f.set.sleeps);
	uint64_t t0 = kaal_time_ns();
	assert_status(KAAL_TIMEOUT, kaal_channel_set_wait(&f.set, &index, 1000000));
	assert_true(kaal_time_ns() - t0 >= 1000000);
	assert_int_equal(1, f.set.sleeps);
	assert_int_equal(UINT32_MAX, index);
	assert_flags_down();
	/* A notification that does not work surfaces as the wait's status, flags down. */
	f.set.ntfn = harness_slot();
	assert_status(KAAL_SLOT_EMPTY, kaal_channel_set_wait(&f.set, &index, KAAL_CHANNEL_FOREVER));
	assert_flags_down();
}

/* One element in each of three members: highest priority first. */
static void highest_priority_first(void **state)
{
	(void)state;
	const uint32_t priority[] = {1, 5, 3};
	set_of(MEMBERS, priority);
	for (uint32_t i = 0; i < MEMBERS; i++)
		put(i, i);
	assert_int_equal(1, serve());
	assert_int_equal(2, serve());
	assert_int_equal(0, serve());
	uint32_t index;
	assert_status(KAAL_WOULD_BLOCK, kaal_channel_set_wait(&f.set, &index, 0));
}

/* Members of one priority that stay ready are served in turn. */
static void round_robin_among_equals(void **state)
{
	(void)state;
	const uint32_t priority[] = {2, 2, 2};
	set_of(MEMBERS, priority);
	for (uint32_t i = 0; i < MEMBERS; i++)
		for (uint32_t n = 0; n < CAPACITY; n++)
			put(i, n);
	for (uint32_t n = 0; n < MEMBERS * CAPACITY; n++)
		assert_int_equal(n % MEMBERS, serve());
}

/*
 * Every member but the last is refilled whenever it is served, so it never
 * runs empty; the last holds one element. It is passed over at least its
 * distance below the highest priority (priorities are honoured) and at
 * most that plus the other members' count (docs/ipc.md).
 */
static void low_priority_is_served_within_the_bound(uint32_t count, const uint32_t *priority)
{
	set_of(count, priority);
	uint32_t low = count - 1, highest = 0;
	for (uint32_t i = 0; i < low; i++) {
		put(i, i);
		highest = priority[i] > highest ? priority[i] : highest;
	}
	put(low, low);
	uint32_t distance = highest - priority[low], bound = distance + count - 1;
	uint32_t passes = 0;
	for (uint32_t i; (i = serve()) != low; passes++) {
		assert_true(passes < bound);
		put(i, i);
	}
	assert_true(passes >= distance && passes <= bound);
}

static void two_members_one_always_ready(void **state)
{
	(void)state;
	const uint32_t priority[] = {KAAL_CHANNEL_SET_PRIORITIES - 1, 0};
	low_priority_is_served_within_the_bound(2, priority);
}

static void three_members_two_always_ready(void **state)
{
	(void)state;
	const uint32_t priority[] = {KAAL_CHANNEL_SET_PRIORITIES - 1, 200, 0};
	low_priority_is_served_within_the_bound(MEMBERS, priority);
}

#define LOAD_ROUNDS 100u

/* A low-priority member that never runs empty does not delay a high one. */
static void high_priority_overtakes_a_loaded_low_one(void **state)
{
	(void)state;
	const uint32_t priority[] = {1, 0};
	set_of(2, priority);
	for (uint32_t n = 1; n < CAPACITY; n++)
		put(1, n);
	for (uint32_t round = 0; round < LOAD_ROUNDS; round++) {
		assert_int_equal(1, serve());
		put(1, round);
		put(0, round);
		assert_int_equal(0, serve());
	}
}

struct sleeper {
	uint32_t index[MEMBERS];
	kaal_cptr done; /* bit r: round r is served */
};

static void sleeping_server(kaal_word arg)
{
	struct sleeper *s = PTR(arg);
	for (uint32_t r = 0; r < MEMBERS; r++) {
		uint32_t i = UINT32_MAX, v;
		if (kaal_channel_set_wait(&f.set, &i, KAAL_CHANNEL_FOREVER) != KAAL_OK ||
		    i >= MEMBERS || kaal_channel_recv(&f.m[i].consumer, &v, 0) != KAAL_OK)
			return;
		s->index[r] = i;
		kaal_signal(s->done, (kaal_word)1 << r);
	}
}

/* The server sleeps on the set; an element in any one member wakes it, and that member is handed
 * out. */
static void sleeping_server_is_woken_by_any_member(void **state)
{
	(void)state;
	const uint32_t priority[] = {0, 7, 3};
	set_of(MEMBERS, priority);
	f.set.spin = 0;
	static struct sleeper s;
	s = (struct sleeper){.done = harness_notification()};
	kaal_cptr t = harness_thread(sleeping_server, ARG(&s), 0);
	for (uint32_t r = 0; r < MEMBERS; r++) {
		uint32_t member = MEMBERS - 1 - r;
		harness_wait_blocked(t);
		put(member, r);
		harness_await_bits(s.done, (kaal_word)1 << r);
		assert_int_equal(member, s.index[r]);
	}
	assert_true(f.set.sleeps >= MEMBERS);
	assert_flags_down();
}

#define STREAM_COUNT 20000u
#define PRODUCERS    2u

static void stream_producer(kaal_word i)
{
	struct kaal_channel *c = &f.m[i].producer;
	c->spin = 0;
	for (uint32_t n = 0; n < STREAM_COUNT; n++)
		if (kaal_channel_send(c, &n, KAAL_CHANNEL_FOREVER) != KAAL_OK)
			return;
}

/* Two producers stream to a server that sleeps whenever both rings are empty: all arrives, in
 * order. */
static void producers_stream_to_a_sleeping_server(void **state)
{
	(void)state;
	const uint32_t priority[] = {1, 0};
	set_of(PRODUCERS, priority);
	f.set.spin = 0;
	for (uint32_t i = 0; i < PRODUCERS; i++) {
		f.m[i].consumer.spin = 0;
		harness_thread(stream_producer, i, 0);
	}
	uint32_t expect[PRODUCERS] = {0};
	for (uint32_t n = 0; n < PRODUCERS * STREAM_COUNT; n++) {
		uint32_t i = UINT32_MAX, v;
		assert_status(KAAL_OK, kaal_channel_set_wait(&f.set, &i, KAAL_CHANNEL_FOREVER));
		assert_true(i < PRODUCERS);
		assert_status(KAAL_OK, kaal_channel_recv(&f.m[i].consumer, &v, 0));
		assert_int_equal(expect[i]++, v);
	}
	uint32_t index;
	assert_status(KAAL_WOULD_BLOCK, kaal_channel_set_wait(&f.set, &index, 0));
}

/* A removed member is passed over; its index goes to the next member added. */
static void removed_members_are_skipped_and_their_index_reused(void **state)
{
	(void)state;
	const uint32_t priority[] = {0, 9, 0};
	set_of(MEMBERS, priority);
	static struct kaal_channel_set before;
	before = f.set;
	assert_status(KAAL_INVALID_ARGUMENT, kaal_channel_set_remove(NULL, 0));
	assert_status(KAAL_INVALID_ARGUMENT, kaal_channel_set_remove(&f.set, MEMBERS));
	assert_set_is(&before);
	assert_status(KAAL_OK, kaal_channel_set_remove(&f.set, 1));
	assert_status(KAAL_INVALID_ARGUMENT, kaal_channel_set_remove(&f.set, 1));
	assert_int_equal(MEMBERS, f.set.count);
	put(1, 7);
	uint32_t index = UINT32_MAX;
	assert_status(KAAL_WOULD_BLOCK, kaal_channel_set_wait(&f.set, &index, 0));
	put(2, 8);
	assert_int_equal(2, serve());
	/* Back in, under the same badge: its element is handed out first. */
	assert_status(KAAL_OK, kaal_channel_set_add(&f.set, &f.m[1].consumer, 9, &index));
	assert_int_equal(1, index);
	assert_int_equal(1, serve());
	/* The last members going shrink the set; a set of none cannot be waited on. */
	assert_status(KAAL_OK, kaal_channel_set_remove(&f.set, 2));
	assert_int_equal(2, f.set.count);
	assert_status(KAAL_OK, kaal_channel_set_remove(&f.set, 0));
	assert_status(KAAL_OK, kaal_channel_set_remove(&f.set, 1));
	assert_int_equal(0, f.set.count);
	assert_status(KAAL_ILLEGAL_OPERATION, kaal_channel_set_wait(&f.set, &index, 0));
}

/* A member whose producer wrote an impossible index is named by the wait, and goes. */
static void a_corrupt_member_is_handed_out_and_removed(void **state)
{
	(void)state;
	const uint32_t priority[] = {0, 0};
	set_of(2, priority);
	kaal_atomic_store(&f.m[0].producer.ring.hdr->head, UINT64_MAX / 2, KAAL_RELAXED);
	size_t ready = 1;
	assert_status(KAAL_CORRUPT_RING, kaal_ring_check(&f.m[0].consumer.ring, &ready));
	assert_int_equal(0, ready);
	assert_int_equal(0, kaal_ring_ready(&f.m[0].consumer.ring));
	assert_status(KAAL_INVALID_ARGUMENT, kaal_ring_check(&f.m[0].consumer.ring, NULL));
	assert_status(KAAL_INVALID_ARGUMENT, kaal_ring_check(NULL, &ready));
	uint32_t index = UINT32_MAX;
	put(1, 4);
	assert_status(KAAL_CORRUPT_RING, kaal_channel_set_wait(&f.set, &index, 0));
	assert_int_equal(0, index);
	assert_status(KAAL_CORRUPT_RING,
	              kaal_channel_set_wait(&f.set, &index, KAAL_CHANNEL_FOREVER));
	assert_int_equal(0, index);
	assert_status(KAAL_OK, kaal_channel_set_remove(&f.set, 0));
	assert_int_equal(1, serve());
	assert_status(KAAL_WOULD_BLOCK, kaal_channel_set_wait(&f.set, &index, 0));
	put(1, 5);
	assert_int_equal(1, serve());
}

#define EVENT_BIT ((kaal_word)1 << 63) /* an interrupt's badge, far from the members' */

/* Events come first, are taken once, and cannot share a bit with a member. */
static void events_are_handed_out_first(void **state)
{
	(void)state;
	const uint32_t priority[] = {1, 2};
	set_of(2, priority);
	kaal_cptr irq_badge = harness_mint(f.ntfn, KAAL_RIGHT_WRITE, EVENT_BIT);
	struct kaal_channel_set before = f.set;
	assert_status(KAAL_INVALID_ARGUMENT,
	              kaal_channel_set_watch(&f.set, EVENT_BIT | kaal_channel_set_badge(1)));
	assert_status(KAAL_INVALID_ARGUMENT, kaal_channel_set_watch(NULL, EVENT_BIT));
	assert_set_is(&before);
	assert_status(KAAL_OK, kaal_channel_set_watch(&f.set, EVENT_BIT));
	/* An event and a ready member: the event first, then the member. */
	put(0, 5);
	assert_status(KAAL_OK, kaal_signal(irq_badge, 0));
	uint32_t i = 0;
	assert_status(KAAL_OK, kaal_channel_set_wait(&f.set, &i, 0));
	assert_int_equal(KAAL_CHANNEL_SET_EVENTS, i);
	assert_int_equal(EVENT_BIT, kaal_channel_set_take_events(&f.set));
	assert_int_equal(0, kaal_channel_set_take_events(&f.set));
	assert_int_equal(0, serve());
	/* Nothing left: the event was taken once. */
	assert_status(KAAL_WOULD_BLOCK, kaal_channel_set_wait(&f.set, &i, 0));
	assert_int_equal(0, kaal_channel_set_take_events(NULL));
}

/* A member's index never takes an event's bit: the set is full before it. */
static void members_never_take_an_event_bit(void **state)
{
	(void)state;
	f.ntfn = harness_notification();
	assert_status(KAAL_OK, kaal_channel_set_init(&f.set, f.ntfn));
	assert_status(KAAL_OK, kaal_channel_set_watch(&f.set, kaal_channel_set_badge(1)));
	add_member(0, 0);
	struct kaal_channel spare = f.m[0].consumer;
	uint32_t index = 7;
	assert_status(KAAL_LIMIT_REACHED, kaal_channel_set_add(&f.set, &spare, 0, &index));
	assert_int_equal(7, index);
}

static void event_server(kaal_word arg)
{
	kaal_cptr done = (kaal_cptr)arg;
	uint32_t i = 0;
	if (kaal_channel_set_wait(&f.set, &i, KAAL_CHANNEL_FOREVER) == KAAL_OK &&
	    i == KAAL_CHANNEL_SET_EVENTS)
		kaal_signal(done, kaal_channel_set_take_events(&f.set));
}

/* A server with events and no members sleeps until an event wakes it. */
static void an_event_wakes_a_sleeping_server(void **state)
{
	(void)state;
	f.ntfn = harness_notification();
	assert_status(KAAL_OK, kaal_channel_set_init(&f.set, f.ntfn));
	uint32_t i;
	assert_status(KAAL_ILLEGAL_OPERATION, kaal_channel_set_wait(&f.set, &i, 0));
	assert_status(KAAL_OK, kaal_channel_set_watch(&f.set, EVENT_BIT));
	f.set.spin = 0;
	kaal_cptr done = harness_notification();
	kaal_cptr t = harness_thread(event_server, (kaal_word)done, 0);
	harness_wait_blocked(t);
	assert_status(KAAL_OK, kaal_signal(harness_mint(f.ntfn, KAAL_RIGHT_WRITE, EVENT_BIT), 0));
	harness_await_bits(done, EVENT_BIT);
	assert_int_equal(1, f.set.sleeps);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    HARNESS_CASE(misuse_is_refused),
	    HARNESS_CASE(empty_members_time_out),
	    HARNESS_CASE(highest_priority_first),
	    HARNESS_CASE(round_robin_among_equals),
	    HARNESS_CASE(two_members_one_always_ready),
	    HARNESS_CASE(three_members_two_always_ready),
	    HARNESS_CASE(high_priority_overtakes_a_loaded_low_one),
	    HARNESS_CASE(sleeping_server_is_woken_by_any_member),
	    HARNESS_CASE(producers_stream_to_a_sleeping_server),
	    HARNESS_CASE(removed_members_are_skipped_and_their_index_reused),
	    HARNESS_CASE(a_corrupt_member_is_handed_out_and_removed),
	    HARNESS_CASE(events_are_handed_out_first),
	    HARNESS_CASE(members_never_take_an_event_bit),
	    HARNESS_CASE(an_event_wakes_a_sleeping_server),
	};
	return cmocka_run_group_tests_name("channel_set", tests, NULL, NULL);
}
