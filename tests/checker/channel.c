/*
 * The channel as a checked test: a producer process streams numbered
 * elements through a two-element ring to a consumer process, each blocking
 * on its notification in the kernel as soon as it must (no spinning). The
 * oracle: every element arrives once, in order, and nobody is left asleep
 * (a lost wakeup ends the run as a deadlock).
 */
#include <stdint.h>

#include <kaal/broker.h>
#include <kaal/channel.h>
#include <kaal/sdk.h>

#include "catalogue.h"

#define ITEMS    6
#define CAPACITY 2
/* The cptrs each side is given (kaal_check_spawn()): its own notification, then its peer's. */
#define WAIT_CPTR   1
#define SIGNAL_CPTR 2

struct channel_test {
	void *ring;
	size_t ring_size;
	uint32_t received;
};

static void attach(struct kaal_channel *c, struct channel_test *s, enum kaal_ring_role role)
{
	kaal_check_assert(
	    kaal_channel_attach(c, s->ring, s->ring_size, role, WAIT_CPTR, SIGNAL_CPTR) == KAAL_OK);
	c->spin = 0; /* go to sleep at once: the interesting interleavings are around sleeping */
}

static void producer(kaal_word arg)
{
	struct channel_test *s = (struct channel_test *)(uintptr_t)arg;
	struct kaal_channel c;
	attach(&c, s, KAAL_RING_PRODUCER);
	for (uint32_t i = 0; i < ITEMS; i++)
		kaal_check_assert(kaal_channel_send(&c, &i, KAAL_CHANNEL_FOREVER) == KAAL_OK);
}

static void consumer(kaal_word arg)
{
	struct channel_test *s = (struct channel_test *)(uintptr_t)arg;
	struct kaal_channel c;
	attach(&c, s, KAAL_RING_CONSUMER);
	for (uint32_t i = 0; i < ITEMS; i++) {
		uint32_t v = UINT32_MAX;
		kaal_check_assert(kaal_channel_recv(&c, &v, KAAL_CHANNEL_FOREVER) == KAAL_OK);
		kaal_check_assert(v == i);
		s->received++;
	}
}

static void setup(void *p)
{
	struct channel_test *s = p;
	struct kaal_broker *b = kaal_check_broker();
	kaal_cptr frame, ntfn[2];
	struct kaal_memory mem;
	kaal_check_assert(kaal_broker_create_frames(b, 1, &frame, &mem) == KAAL_OK);
	kaal_check_assert(kaal_map(frame, 0, KAAL_RIGHT_READ | KAAL_RIGHT_WRITE, &s->ring) ==
	                  KAAL_OK);
	s->ring_size = kaal_ring_bytes(CAPACITY, sizeof(uint32_t));
	kaal_check_assert(kaal_ring_create(s->ring, s->ring_size, CAPACITY, sizeof(uint32_t)) ==
	                  KAAL_OK);
	for (unsigned i = 0; i < 2; i++)
		kaal_check_assert(kaal_broker_create_notification(b, &ntfn[i]) == KAAL_OK);
	const unsigned rights[] = {KAAL_RIGHT_READ, KAAL_RIGHT_WRITE};
	const kaal_cptr producer_caps[] = {ntfn[0], ntfn[1]};
	const kaal_cptr consumer_caps[] = {ntfn[1], ntfn[0]};
	kaal_word arg = (kaal_word)(uintptr_t)s;
	kaal_check_assert(kaal_check_spawn(producer, arg, producer_caps, rights, 2) == KAAL_OK);
	kaal_check_assert(kaal_check_spawn(consumer, arg, consumer_caps, rights, 2) == KAAL_OK);
}

static void finish(void *p)
{
	const struct channel_test *s = p;
	kaal_check_assert(s->received == ITEMS);
}

const struct kaal_check_test checked_channel = {
    .name = "channel",
    .state_size = sizeof(struct channel_test),
    .boots = true,
    .setup = setup,
    .finish = finish,
};
