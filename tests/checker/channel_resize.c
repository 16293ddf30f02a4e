/*
 * A resizing channel as a checked test: a producer process streams
 * numbered elements to a consumer process while its ring changes under
 * them, by the policy (grow when found full, shrink when quiet, both after
 * one send) and by a resize the producer forces before every third
 * element. Both sides sleep as soon as they must. The oracle: every
 * element arrives once and in order across every switch of ring (the
 * switch is linearizable), and nobody is left asleep.
 */
#include <stdint.h>

#include <kaal/broker.h>
#include <kaal/channel_resize.h>
#include <kaal/sdk.h>

#include "catalogue.h"

#define ITEMS        8
#define ELEM         sizeof(uint32_t)
#define MIN_CAPACITY 1
#define START        2
#define MAX_CAPACITY 4
#define FORCE_EVERY  3 /* elements between the producer's forced resizes */
/* Each window starts on a KAAL_RING_LINE boundary of the one frame. */
#define WINDOW (4u * KAAL_RING_LINE)
/* The cptrs each side is given (kaal_check_spawn()): its own notification, then its peer's. */
#define WAIT_CPTR   1
#define SIGNAL_CPTR 2

_Static_assert(KAAL_RING_DATA_OFFSET + MAX_CAPACITY * 16u <= WINDOW, "a ring fits its window");

struct channel_resize_test {
	struct kaal_local_ring_source source;
	uint32_t received;
	uint32_t producer_generation;
	uint32_t consumer_generation;
};

static const struct kaal_resize_policy policy = {MIN_CAPACITY, MAX_CAPACITY, 1, 1};

static void attach(struct kaal_channel *c, struct kaal_channel_resizing *rs,
                   struct channel_resize_test *s, enum kaal_ring_role role)
{
	kaal_check_assert(kaal_channel_attach(c, s->source.window[0], s->source.window_size, role,
	                                      WAIT_CPTR, SIGNAL_CPTR) == KAAL_OK);
	c->spin = 0; /* go to sleep at once: the interesting interleavings are around sleeping */
	struct kaal_ring_source source = kaal_local_ring_source(&s->source);
	kaal_check_assert(kaal_channel_enable_resizing(c, rs, &source, &policy) == KAAL_OK);
}

static void producer(kaal_word arg)
{
	struct channel_resize_test *s = (struct channel_resize_test *)(uintptr_t)arg;
	struct kaal_channel c;
	struct kaal_channel_resizing rs;
	attach(&c, &rs, s, KAAL_RING_PRODUCER);
	for (uint32_t i = 0; i < ITEMS; i++) {
		if (i % FORCE_EVERY == FORCE_EVERY - 1) {
			/* The other end of the range from here; refused while the consumer holds
			 * the old ring. */
			uint32_t to = c.ring.capacity == MAX_CAPACITY ? MIN_CAPACITY : MAX_CAPACITY;
			kaal_status st = kaal_channel_resize(&c, to);
			kaal_check_assert(st == KAAL_OK || st == KAAL_BUSY);
		}
		kaal_check_assert(kaal_channel_send(&c, &i, KAAL_CHANNEL_FOREVER) == KAAL_OK);
	}
	s->producer_generation = rs.generation;
}

static void consumer(kaal_word arg)
{
	struct channel_resize_test *s = (struct channel_resize_test *)(uintptr_t)arg;
	struct kaal_channel c;
	struct kaal_channel_resizing rs;
	attach(&c, &rs, s, KAAL_RING_CONSUMER);
	for (uint32_t i = 0; i < ITEMS; i++) {
		uint32_t v = UINT32_MAX;
		kaal_check_assert(kaal_channel_recv(&c, &v, KAAL_CHANNEL_FOREVER) == KAAL_OK);
		kaal_check_assert(v == i);
		s->received++;
	}
	s->consumer_generation = rs.generation;
}

static void setup(void *p)
{
	struct channel_resize_test *s = p;
	struct kaal_broker *b = kaal_check_broker();
	kaal_cptr frame, data, space;
	struct kaal_memory mem;
	kaal_check_assert(kaal_broker_create_frames(b, 1, &frame, &mem) == KAAL_OK);
	void *mapped;
	kaal_check_assert(kaal_map(frame, 0, KAAL_RIGHT_READ | KAAL_RIGHT_WRITE, &mapped) ==
	                  KAAL_OK);
	uint8_t *windows = mapped;
	kaal_check_assert(
	    kaal_local_ring_source_init(&s->source, windows, windows + WINDOW, WINDOW) == KAAL_OK);
	kaal_check_assert(kaal_ring_create(windows, WINDOW, START, ELEM) == KAAL_OK);
	kaal_check_assert(kaal_broker_create_notification(b, &data) == KAAL_OK);
	kaal_check_assert(kaal_broker_create_notification(b, &space) == KAAL_OK);
	const kaal_cptr producer_caps[] = {space, data};
	const kaal_cptr consumer_caps[] = {data, space};
	const unsigned rights[] = {KAAL_RIGHT_READ, KAAL_RIGHT_WRITE};
	kaal_check_assert(kaal_check_spawn(producer, (kaal_word)(uintptr_t)s, producer_caps, rights,
	                                   2) == KAAL_OK);
	kaal_check_assert(kaal_check_spawn(consumer, (kaal_word)(uintptr_t)s, consumer_caps, rights,
	                                   2) == KAAL_OK);
}

/* The consumer followed every switch before the producer's last send, and none it never made. */
static void finish(void *p)
{
	const struct channel_resize_test *s = p;
	kaal_check_assert(s->received == ITEMS);
	kaal_check_assert(s->consumer_generation <= s->producer_generation);
	kaal_check_assert(s->producer_generation - s->consumer_generation <= 1);
}

const struct kaal_check_test checked_channel_resize = {
    .name = "channel_resize",
    .state_size = sizeof(struct channel_resize_test),
    .boots = true,
    .setup = setup,
    .finish = finish,
};
