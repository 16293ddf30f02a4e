/*
 * The channel as a checked test: a producer process streams numbered
 * elements through a two-element ring to a consumer process, each blocking
 * on its notification in the kernel as soon as it must (no spinning). The
 * oracle: every element arrives once, in order, and nobody is left asleep
 * (a lost wakeup ends the run as a deadlock).
 *
 * channel_timeout: the consumer receives with a timeout and tries again
 * after each KAAL_TIMEOUT. A timeout is only right if no element was there
 * when it fired: when the timer ends the consumer's wait after the
 * producer published the element it wants and then took the consumer's
 * waiting flag, the receive must return that element.
 *
 * channel_arm: the consumer sleeps outside the channel, as a server that
 * waits on its endpoint does: it arms the channel (kaal_channel_arm) and,
 * when nothing is ready, waits on its notification itself. The producer's
 * signal must come for every element it cannot see.
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
#define WAIT_NS     1000 /* channel_timeout's receive timeout */

struct channel_test {
	void *ring;
	size_t ring_size;
	uint32_t received;
	uint64_t recv_timeout;
	/* channel_timeout: the consumer's flag was taken when its timer last fired */
	bool published_at_timeout;
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

/* Receives with the test's timeout, again after each KAAL_TIMEOUT. */
static void consumer(kaal_word arg)
{
	struct channel_test *s = (struct channel_test *)(uintptr_t)arg;
	struct kaal_channel c;
	attach(&c, s, KAAL_RING_CONSUMER);
	for (uint32_t i = 0; i < ITEMS; i++) {
		uint32_t v = UINT32_MAX;
		kaal_status st;
		do {
			s->published_at_timeout = false;
			st = kaal_channel_recv(&c, &v, s->recv_timeout);
			kaal_check_assert(st != KAAL_TIMEOUT || !s->published_at_timeout);
			if (st == KAAL_TIMEOUT)
				kaal_check_yield(); /* retrying polls: let the producer run */
		} while (st == KAAL_TIMEOUT);
		kaal_check_assert(st == KAAL_OK);
		kaal_check_assert(v == i);
		s->received++;
	}
}

/* Takes each element by arming and waiting on the notification itself. */
static void armed_consumer(kaal_word arg)
{
	struct channel_test *s = (struct channel_test *)(uintptr_t)arg;
	struct kaal_channel c;
	attach(&c, s, KAAL_RING_CONSUMER);
	for (uint32_t i = 0; i < ITEMS; i++) {
		uint32_t v = UINT32_MAX;
		kaal_status st;
		while ((st = kaal_channel_recv(&c, &v, 0)) == KAAL_WOULD_BLOCK) {
			bool ready = false;
			kaal_check_assert(kaal_channel_arm(&c, &ready) == KAAL_OK);
			kaal_word bits;
			if (!ready)
				kaal_check_assert(kaal_wait(WAIT_CPTR, &bits) == KAAL_OK);
		}
		kaal_check_assert(st == KAAL_OK);
		kaal_check_assert(v == i);
		s->received++;
	}
}

/*
 * Only the consumer waits with a deadline. An element it still wants was
 * published before the timer fired if the producer has pushed past it and
 * has taken the consumer's flag (which it does after its fence).
 */
static void observe_timeout(void *p, const struct kaal_check_syscall *call)
{
	struct channel_test *s = p;
	if (call->num != KAAL_CHECK_TIMER_FIRED)
		return;
	const struct kaal_ring_header *h = s->ring;
	s->published_at_timeout = kaal_atomic_load(&h->consumer_waiting, KAAL_RELAXED) == 0 &&
	                          kaal_atomic_load(&h->head, KAAL_RELAXED) > s->received;
}

static void spawn_sides(struct channel_test *s, uint64_t recv_timeout, void (*consume)(kaal_word))
{
	s->recv_timeout = recv_timeout;
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
	kaal_check_assert(kaal_check_spawn(consume, arg, consumer_caps, rights, 2) == KAAL_OK);
}

static void setup(void *p)
{
	spawn_sides(p, KAAL_CHANNEL_FOREVER, consumer);
}

static void setup_timed(void *p)
{
	spawn_sides(p, WAIT_NS, consumer);
}

static void setup_armed(void *p)
{
	spawn_sides(p, KAAL_CHANNEL_FOREVER, armed_consumer);
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

const struct kaal_check_test checked_channel_timeout = {
    .name = "channel_timeout",
    .state_size = sizeof(struct channel_test),
    .boots = true,
    .setup = setup_timed,
    .finish = finish,
    .observe = observe_timeout,
};

const struct kaal_check_test checked_channel_arm = {
    .name = "channel_arm",
    .state_size = sizeof(struct channel_test),
    .boots = true,
    .setup = setup_armed,
    .finish = finish,
};
