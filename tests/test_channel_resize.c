/*
 * Resizing channels: rings that grow when the producer finds them full,
 * shrink when they stay mostly empty, and change under a consumer that is
 * asleep, behind, or receiving; a producer that lies about the next ring;
 * the local ring source's own rules.
 */
#include <string.h>

#include "harness.h"

#include <kaal/channel_resize.h>
#include <kaal/channel_set.h>

#define ELEM        sizeof(uint64_t)
#define WINDOW      8192u
#define MIN_CAP     4u
#define MAX_CAP     256u
#define NEVER       1000000u /* a grow_after or shrink_after that does not come */
#define STREAM      200000u
#define STALLS      8u /* times the stress consumer lets the producer fill the ring */
#define STALL_EVERY (STREAM / (STALLS + 1u))

_Static_assert(KAAL_RING_DATA_OFFSET + MAX_CAP * 16u <= WINDOW, "the largest ring fits a window");

static _Alignas(KAAL_RING_LINE) uint8_t windows[2][WINDOW];

/* Both sides of one channel in this process, each with its resizing state. */
struct pair {
	struct kaal_local_ring_source source;
	struct kaal_channel prod, cons;
	struct kaal_channel_resizing prod_rs, cons_rs;
	kaal_cptr data_ntfn, space_ntfn;
};

static struct pair pair;

static void open_pair(uint32_t capacity, struct kaal_resize_policy policy)
{
	struct pair *p = &pair;
	assert_status(KAAL_OK,
	              kaal_local_ring_source_init(&p->source, windows[0], windows[1], WINDOW));
	assert_status(KAAL_OK, kaal_ring_create(windows[0], WINDOW, capacity, ELEM));
	p->data_ntfn = harness_notification();
	p->space_ntfn = harness_notification();
	assert_status(KAAL_OK, kaal_channel_attach(&p->prod, windows[0], WINDOW, KAAL_RING_PRODUCER,
	                                           p->space_ntfn, p->data_ntfn));
	assert_status(KAAL_OK, kaal_channel_attach(&p->cons, windows[0], WINDOW, KAAL_RING_CONSUMER,
	                                           p->data_ntfn, p->space_ntfn));
	struct kaal_ring_source source = kaal_local_ring_source(&p->source);
	assert_status(KAAL_OK,
	              kaal_channel_enable_resizing(&p->prod, &p->prod_rs, &source, &policy));
	assert_status(KAAL_OK,
	              kaal_channel_enable_resizing(&p->cons, &p->cons_rs, &source, &policy));
}

static void send_now(uint64_t v)
{
	assert_status(KAAL_OK, kaal_channel_send(&pair.prod, &v, 0));
}

static void recv_now(uint64_t want)
{
	uint64_t v = ~want;
	assert_status(KAAL_OK, kaal_channel_recv(&pair.cons, &v, 0));
	assert_int_equal(want, v);
}

/* One side alone, in lockstep: each element received before the next is sent. */
static void shrinks_when_mostly_empty_and_grows_when_full(void **state)
{
	(void)state;
	open_pair(64, (struct kaal_resize_policy){MIN_CAP, MAX_CAP, 1, 1});
	uint64_t next = 0;
	/* Windows of 64, 32, 16 and 8 sends, each ending with one element in use: quiet. */
	for (; next < 64 + 32 + 16 + 8; next++) {
		send_now(next);
		recv_now(next);
	}
	assert_int_equal(MIN_CAP, pair.prod.ring.capacity);
	assert_int_equal(4, pair.prod_rs.shrinks);
	assert_int_equal(0, pair.prod_rs.grows);
	/* The consumer follows a switch when it finds the old ring done, on its next receive. */
	assert_int_equal(3, pair.cons_rs.follows);
	send_now(next);
	recv_now(next++);
	assert_int_equal(4, pair.cons_rs.follows);
	assert_int_equal(pair.prod_rs.generation, pair.cons_rs.generation);
	/* Never below the minimum. */
	for (uint32_t i = 0; i < 4 * MIN_CAP; i++, next++) {
		send_now(next);
		recv_now(next);
	}
	assert_int_equal(MIN_CAP, pair.prod.ring.capacity);
	/* Full: the fifth send finds no room and moves to a ring twice the size. */
	uint64_t first = next;
	for (uint32_t i = 0; i <= MIN_CAP; i++)
		send_now(next++);
	assert_int_equal(2 * MIN_CAP, pair.prod.ring.capacity);
	assert_int_equal(1, pair.prod_rs.grows);
	for (uint64_t v = first; v < next; v++)
		recv_now(v);
	uint64_t extra;
	assert_status(KAAL_WOULD_BLOCK, kaal_channel_recv(&pair.cons, &extra, 0));
}

/* Between a quarter full and full nothing changes: the ring neither shrinks nor grows. */
static void hysteresis_between_a_quarter_and_full(void **state)
{
	(void)state;
	const uint32_t capacity = 16, quarter = capacity / KAAL_RESIZE_QUIET_SHARE;
	open_pair(capacity, (struct kaal_resize_policy){MIN_CAP, MAX_CAP, 1, 2});
	uint64_t sent = 0, received = 0;
	/* quarter + 1 in use after every send for many windows. */
	for (; sent < quarter; sent++)
		send_now(sent);
	for (uint32_t i = 0; i < 8 * capacity; i++) {
		send_now(sent++);
		recv_now(received++);
	}
	assert_int_equal(capacity, pair.prod.ring.capacity);
	assert_int_equal(0, pair.prod_rs.shrinks + pair.prod_rs.grows);
	/* One fewer: a quarter in use after each send, quiet; two windows in a row halve it. */
	recv_now(received++);
	for (uint32_t i = 0; i < 2 * capacity; i++) {
		send_now(sent++);
		recv_now(received++);
	}
	assert_int_equal(capacity / 2, pair.prod.ring.capacity);
	assert_int_equal(1, pair.prod_rs.shrinks);
	while (received < sent)
		recv_now(received++);
}

struct sleeper {
	uint64_t got;
	kaal_status st;
	kaal_cptr done;
};

static void receive_one(kaal_word arg)
{
	struct sleeper *s = PTR(arg);
	s->st = kaal_channel_recv(&pair.cons, &s->got, KAAL_CHANNEL_FOREVER);
	kaal_signal(s->done, 1);
}

/* A consumer asleep in the old ring is woken by the switch and finds the element in the new one. */
static void a_sleeping_consumer_follows_the_switch(void **state)
{
	(void)state;
	open_pair(MIN_CAP, (struct kaal_resize_policy){MIN_CAP, MAX_CAP, NEVER, NEVER});
	pair.cons.spin = 0;
	struct sleeper s = {.got = 0, .st = KAAL_INVALID_SYSCALL, .done = harness_notification()};
	kaal_cptr t = harness_thread(receive_one, ARG(&s), 0);
	harness_wait_blocked(t);
	assert_status(KAAL_OK, kaal_channel_resize(&pair.prod, 4 * MIN_CAP));
	send_now(0x5EED);
	harness_await_bits(s.done, 1);
	assert_status(KAAL_OK, s.st);
	assert_int_equal(0x5EED, s.got);
	assert_int_equal(1, pair.cons_rs.follows);
	assert_int_equal(4 * MIN_CAP, pair.cons.ring.capacity);
}

static struct {
	kaal_status st;
	kaal_cptr done;
} streamer;

static void stream_out(kaal_word count)
{
	streamer.st = KAAL_OK;
	for (uint64_t i = 0; i < count && streamer.st == KAAL_OK; i++)
		streamer.st = kaal_channel_send(&pair.prod, &i, KAAL_CHANNEL_FOREVER);
	kaal_signal(streamer.done, 1);
}

/*
 * A consumer that falls behind: the producer grows the ring once, then is
 * refused while the consumer still holds the old ring, and sleeps on the new
 * one full; everything arrives in order.
 */
static void grows_while_the_consumer_lags(void **state)
{
	(void)state;
	open_pair(MIN_CAP, (struct kaal_resize_policy){MIN_CAP, MAX_CAP, 1, NEVER});
	const uint64_t count = 1000;
	streamer.done = harness_notification();
	kaal_cptr t = harness_thread(stream_out, count, 0);
	harness_wait_blocked(t);
	assert_int_equal(1, pair.prod_rs.grows);
	assert_true(pair.prod_rs.refused >= 1);
	assert_int_equal(2 * MIN_CAP, pair.prod.ring.capacity);
	for (uint64_t i = 0; i < count; i++) {
		uint64_t v = ~i;
		assert_status(KAAL_OK, kaal_channel_recv(&pair.cons, &v, KAAL_CHANNEL_FOREVER));
		assert_int_equal(i, v);
	}
	harness_await_bits(streamer.done, 1);
	assert_status(KAAL_OK, streamer.st);
	assert_int_equal(pair.prod_rs.generation, pair.cons_rs.generation);
	assert_int_equal(pair.prod_rs.grows + pair.prod_rs.shrinks, pair.cons_rs.follows);
}

/*
 * Many resizes under load: the consumer receives in bursts and now and then
 * stops until the producer sleeps on a full ring, so the ring grows there
 * and shrinks again while the consumer keeps up.
 */
static void stress_many_resizes_in_order(void **state)
{
	(void)state;
	open_pair(MIN_CAP, (struct kaal_resize_policy){MIN_CAP, MAX_CAP, 1, 1});
	streamer.done = harness_notification();
	kaal_cptr t = harness_thread(stream_out, STREAM, 0);
	uint64_t expect = 0, next_stall = 0;
	while (expect < STREAM) {
		/* The producer, sleeping on a full ring, found it full at least once: it grew or
		 * was refused. */
		if (expect >= next_stall && expect + 2 * MAX_CAP < STREAM) {
			harness_wait_blocked(t);
			next_stall += STALL_EVERY;
		}
		uint64_t batch[16];
		size_t done;
		assert_status(KAAL_OK, kaal_channel_recv_burst(&pair.cons, batch, 16, &done,
		                                               KAAL_CHANNEL_FOREVER));
		for (size_t i = 0; i < done; i++)
			assert_int_equal(expect++, batch[i]);
	}
	harness_await_bits(streamer.done, 1);
	assert_status(KAAL_OK, streamer.st);
	print_message(
	    "# %llu grows, %llu shrinks, %llu refused\n", (unsigned long long)pair.prod_rs.grows,
	    (unsigned long long)pair.prod_rs.shrinks, (unsigned long long)pair.prod_rs.refused);
	assert_true(pair.prod_rs.grows >= 1);
	assert_int_equal(pair.prod_rs.generation, pair.cons_rs.generation);
	assert_int_equal(pair.prod_rs.grows + pair.prod_rs.shrinks, pair.cons_rs.follows);
}

/* A resize the source refuses, or one that is not allowed, leaves the channel as it was. */
static void refused_resizes_change_nothing(void **state)
{
	(void)state;
	open_pair(MIN_CAP, (struct kaal_resize_policy){MIN_CAP, 2 * MIN_CAP, NEVER, NEVER});
	assert_status(KAAL_INVALID_ARGUMENT, kaal_channel_resize(&pair.cons, MIN_CAP));
	assert_status(KAAL_INVALID_ARGUMENT, kaal_channel_resize(&pair.prod, MIN_CAP + 1));
	assert_status(KAAL_INVALID_ARGUMENT, kaal_channel_resize(&pair.prod, MIN_CAP / 2));
	assert_status(KAAL_INVALID_ARGUMENT, kaal_channel_resize(&pair.prod, 4 * MIN_CAP));
	assert_status(KAAL_INVALID_ARGUMENT, kaal_channel_resize(NULL, MIN_CAP));
	send_now(1);
	assert_status(KAAL_OK, kaal_channel_resize(&pair.prod, 2 * MIN_CAP));
	send_now(2);
	/* The consumer still holds generation 0, whose window generation 2 would take. */
	struct kaal_ring before = pair.prod.ring;
	assert_status(KAAL_BUSY, kaal_channel_resize(&pair.prod, MIN_CAP));
	assert_int_equal(1, pair.prod_rs.refused);
	assert_int_equal(1, pair.prod_rs.generation);
	assert_memory_equal(&before, &pair.prod.ring, sizeof before);
	/* A reservation in flight pins the ring. */
	void *slot;
	size_t granted;
	assert_status(KAAL_OK, kaal_ring_reserve(&pair.prod.ring, 1, &slot, &granted));
	recv_now(1);
	recv_now(2);
	assert_status(KAAL_BUSY, kaal_channel_resize(&pair.prod, MIN_CAP));
	assert_status(KAAL_OK, kaal_ring_commit(&pair.prod.ring, 0));
	assert_status(KAAL_OK, kaal_channel_resize(&pair.prod, MIN_CAP));
	send_now(3);
	recv_now(3);
	assert_int_equal(2, pair.cons_rs.generation);
}

static void enabling_is_checked(void **state)
{
	(void)state;
	open_pair(MIN_CAP, (struct kaal_resize_policy){MIN_CAP, MAX_CAP, 1, 1});
	struct kaal_ring_source good = kaal_local_ring_source(&pair.source);
	struct kaal_channel_resizing rs;
	struct kaal_resize_policy policy = {MIN_CAP, MAX_CAP, 1, 1};
	const struct kaal_resize_policy bad[] = {
	    {MIN_CAP + 1, MAX_CAP, 1, 1},       {MIN_CAP, MAX_CAP - 1, 1, 1},
	    {2 * MIN_CAP, MAX_CAP, 1, 1},       {MIN_CAP, MIN_CAP / 2, 1, 1},
	    {MIN_CAP, MAX_CAP, 0, 1},           {MIN_CAP, MAX_CAP, 1, 0},
	    {MIN_CAP, UINT32_C(1) << 31, 1, 1},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_status(KAAL_INVALID_ARGUMENT,
		              kaal_channel_enable_resizing(&pair.prod, &rs, &good, &bad[i]));
	assert_status(KAAL_INVALID_ARGUMENT,
	              kaal_channel_enable_resizing(NULL, &rs, &good, &policy));
	assert_status(KAAL_INVALID_ARGUMENT,
	              kaal_channel_enable_resizing(&pair.prod, NULL, &good, &policy));
	assert_status(KAAL_INVALID_ARGUMENT,
	              kaal_channel_enable_resizing(&pair.prod, &rs, NULL, &policy));
	assert_status(KAAL_INVALID_ARGUMENT,
	              kaal_channel_enable_resizing(&pair.prod, &rs, &good, NULL));
	struct kaal_ring_source without = good;
	without.obtain = NULL;
	assert_status(KAAL_INVALID_ARGUMENT,
	              kaal_channel_enable_resizing(&pair.prod, &rs, &without, &policy));
	assert_status(KAAL_OK, kaal_channel_enable_resizing(&pair.cons, &rs, &without, &policy));
	without = good;
	without.locate = NULL;
	assert_status(KAAL_INVALID_ARGUMENT,
	              kaal_channel_enable_resizing(&pair.cons, &rs, &without, &policy));
	without = good;
	without.release = NULL;
	assert_status(KAAL_INVALID_ARGUMENT,
	              kaal_channel_enable_resizing(&pair.prod, &rs, &without, &policy));
	/* A channel set follows plain rings only. */
	struct kaal_channel_set set;
	uint32_t index;
	assert_status(KAAL_OK, kaal_channel_set_init(&set, pair.data_ntfn));
	assert_status(KAAL_INVALID_ARGUMENT, kaal_channel_set_add(&set, &pair.cons, 0, &index));
}

/* The producer's side written by hand: a liar the consumer must catch. */
static struct kaal_ring liar;

static void open_liar(void)
{
	open_pair(MIN_CAP, (struct kaal_resize_policy){MIN_CAP, MAX_CAP, NEVER, NEVER});
	assert_status(KAAL_OK, kaal_ring_attach(&liar, windows[0], WINDOW, KAAL_RING_PRODUCER));
}

static void consumer_refuses(kaal_status want)
{
	uint64_t v;
	assert_status(want, kaal_channel_recv(&pair.cons, &v, 0));
	assert_int_equal(0, pair.cons_rs.generation);
	assert_int_equal(0, pair.cons_rs.follows);
}

static void a_lying_producer_is_reported(void **state)
{
	(void)state;
	struct kaal_ring_source source;
	void *mem;
	size_t size;

	/* Closed with no next ring. */
	open_liar();
	assert_status(KAAL_OK, kaal_ring_close(&liar));
	consumer_refuses(KAAL_CORRUPT_RING);

	/* A next ring of another element size: the consumer's buffers are for the first. */
	open_liar();
	source = kaal_local_ring_source(&pair.source);
	assert_status(KAAL_OK, source.obtain(source.ctx, 1, 1024, &mem, &size));
	assert_status(KAAL_OK, kaal_ring_create(mem, size, MIN_CAP, 2 * ELEM));
	assert_status(KAAL_OK, kaal_ring_close(&liar));
	consumer_refuses(KAAL_CORRUPT_RING);

	/* A next "ring" that is garbage. */
	open_liar();
	source = kaal_local_ring_source(&pair.source);
	assert_status(KAAL_OK, source.obtain(source.ctx, 1, 1024, &mem, &size));
	memset(mem, 0xA5, size);
	assert_status(KAAL_OK, kaal_ring_close(&liar));
	consumer_refuses(KAAL_CORRUPT_RING);

	/* Closed with a head no producer could have written: reported, nothing taken. */
	open_liar();
	kaal_atomic_store(&liar.hdr->head, UINT64_MAX / 2, KAAL_RELAXED);
	assert_status(KAAL_OK, kaal_ring_close(&liar));
	assert_status(KAAL_CORRUPT_RING, kaal_ring_finished(&pair.cons.ring));
	consumer_refuses(KAAL_CORRUPT_RING);

	/* Closed with an element left: the consumer takes it, then sees the lie. */
	open_liar();
	uint64_t v = 0x11;
	assert_status(KAAL_OK, kaal_ring_push(&liar, &v));
	assert_status(KAAL_OK, kaal_ring_close(&liar));
	assert_status(KAAL_WOULD_BLOCK, kaal_ring_finished(&pair.cons.ring));
	recv_now(0x11);
	consumer_refuses(KAAL_CORRUPT_RING);
	assert_status(KAAL_INVALID_ARGUMENT, kaal_ring_push(&liar, &v));
	assert_status(KAAL_INVALID_ARGUMENT, kaal_ring_close(&liar));
	assert_status(KAAL_INVALID_ARGUMENT, kaal_ring_finished(&liar));
}

static void local_source_rules(void **state)
{
	(void)state;
	struct kaal_local_ring_source s;
	assert_status(KAAL_INVALID_ARGUMENT,
	              kaal_local_ring_source_init(NULL, windows[0], windows[1], WINDOW));
	assert_status(KAAL_INVALID_ARGUMENT,
	              kaal_local_ring_source_init(&s, NULL, windows[1], WINDOW));
	assert_status(KAAL_INVALID_ARGUMENT,
	              kaal_local_ring_source_init(&s, windows[0], windows[1] + 8, WINDOW));
	assert_status(KAAL_INVALID_ARGUMENT,
	              kaal_local_ring_source_init(&s, windows[0], windows[1], KAAL_RING_LINE));
	assert_status(KAAL_OK, kaal_local_ring_source_init(&s, windows[0], windows[1], WINDOW));
	struct kaal_ring_source source = kaal_local_ring_source(&s);
	void *mem;
	size_t size;
	assert_status(KAAL_UNTYPED_EXHAUSTED,
	              source.obtain(source.ctx, 1, WINDOW + 1, &mem, &size));
	assert_status(KAAL_UNTYPED_EXHAUSTED, source.obtain(source.ctx, 1, 0, &mem, &size));
	/* Generation 0 is held by both sides; 2 shares its window. */
	assert_status(KAAL_BUSY, source.obtain(source.ctx, 2, WINDOW, &mem, &size));
	assert_status(KAAL_INVALID_ARGUMENT, source.locate(source.ctx, 1, &mem, &size));
	assert_status(KAAL_OK, source.obtain(source.ctx, 1, WINDOW, &mem, &size));
	assert_ptr_equal(windows[1], mem);
	assert_int_equal(WINDOW, size);
	assert_status(KAAL_OK, source.locate(source.ctx, 1, &mem, &size));
	assert_ptr_equal(windows[1], mem);
	assert_status(KAAL_INVALID_ARGUMENT, source.locate(source.ctx, 3, &mem, &size));
	assert_status(KAAL_INVALID_ARGUMENT, source.release(source.ctx, 0, 0));
	assert_status(KAAL_INVALID_ARGUMENT, source.release(source.ctx, 2, KAAL_RING_PRODUCER));
	assert_status(KAAL_OK, source.release(source.ctx, 0, KAAL_RING_PRODUCER));
	assert_status(KAAL_INVALID_ARGUMENT, source.release(source.ctx, 0, KAAL_RING_PRODUCER));
	assert_status(KAAL_BUSY, source.obtain(source.ctx, 2, WINDOW, &mem, &size));
	assert_status(KAAL_OK, source.release(source.ctx, 0, KAAL_RING_CONSUMER));
	assert_status(KAAL_OK, source.obtain(source.ctx, 2, WINDOW, &mem, &size));
	assert_ptr_equal(windows[0], mem);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    HARNESS_CASE(shrinks_when_mostly_empty_and_grows_when_full),
	    HARNESS_CASE(hysteresis_between_a_quarter_and_full),
	    HARNESS_CASE(a_sleeping_consumer_follows_the_switch),
	    HARNESS_CASE(grows_while_the_consumer_lags),
	    HARNESS_CASE(stress_many_resizes_in_order),
	    HARNESS_CASE(refused_resizes_change_nothing),
	    HARNESS_CASE(enabling_is_checked),
	    HARNESS_CASE(a_lying_producer_is_reported),
	    HARNESS_CASE(local_source_rules),
	};
	return cmocka_run_group_tests_name("channel_resize", tests, NULL, NULL);
}
