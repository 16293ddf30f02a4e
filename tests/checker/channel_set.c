/*
 * The channel set as a checked test: two producer processes stream
 * numbered elements through two-element rings, each to its own member of
 * one set, and a server process waits on the set and receives from the
 * member it is handed; every side sleeps as soon as it must (no spinning).
 * The oracle: every element arrives once, in order on its channel, and
 * nobody is left asleep (a lost wakeup ends the run as a deadlock).
 */
#include <stdint.h>

#include <kaal/broker.h>
#include <kaal/channel_set.h>
#include <kaal/sdk.h>

#include "catalogue.h"

#define CHANNELS 2
#define ITEMS    3 /* per channel */
#define CAPACITY 2
#define ELEM     sizeof(uint32_t)
/* Each ring starts on a KAAL_RING_LINE boundary of the one frame, this far from the last. */
#define RING_STRIDE (4u * KAAL_RING_LINE)
/* The server's cptrs: the set's notification, then each producer's (the first at SPACE_CPTR). */
#define SET_CPTR   1
#define SPACE_CPTR 2
/* A producer's cptrs: its own notification, then the set's minted with its badge. */
#define WAIT_CPTR   1
#define SIGNAL_CPTR 2

_Static_assert(KAAL_RING_DATA_OFFSET + CAPACITY * KAAL_RING_SEQ_MAX_SLOT <= RING_STRIDE,
               "a ring fits its stride");

struct channel_set_test {
	uint8_t *rings;
	uint32_t next[CHANNELS]; /* the element the server expects next on each channel */
};

static size_t ring_size(void)
{
	return kaal_ring_bytes(CAPACITY, ELEM);
}

static void producer(kaal_word ring)
{
	struct kaal_channel c;
	kaal_check_assert(kaal_channel_attach(&c, (void *)(uintptr_t)ring, ring_size(),
	                                      KAAL_RING_PRODUCER, WAIT_CPTR,
	                                      SIGNAL_CPTR) == KAAL_OK);
	c.spin = 0; /* go to sleep at once: the interesting interleavings are around sleeping */
	for (uint32_t i = 0; i < ITEMS; i++)
		kaal_check_assert(kaal_channel_send(&c, &i, KAAL_CHANNEL_FOREVER) == KAAL_OK);
}

static void server(kaal_word arg)
{
	struct channel_set_test *s = (struct channel_set_test *)(uintptr_t)arg;
	struct kaal_channel c[CHANNELS];
	struct kaal_channel_set set;
	kaal_check_assert(kaal_channel_set_init(&set, SET_CPTR) == KAAL_OK);
	set.spin = 0;
	for (uint32_t k = 0; k < CHANNELS; k++) {
		kaal_check_assert(kaal_channel_attach(&c[k], s->rings + k * RING_STRIDE,
		                                      ring_size(), KAAL_RING_CONSUMER, SET_CPTR,
		                                      SPACE_CPTR + k) == KAAL_OK);
		c[k].spin = 0;
		uint32_t index;
		kaal_check_assert(kaal_channel_set_add(&set, &c[k], k, &index) == KAAL_OK);
		kaal_check_assert(index == k);
	}
	for (uint32_t n = 0; n < CHANNELS * ITEMS; n++) {
		uint32_t k = UINT32_MAX, v = UINT32_MAX;
		kaal_check_assert(kaal_channel_set_wait(&set, &k, KAAL_CHANNEL_FOREVER) == KAAL_OK);
		kaal_check_assert(k < CHANNELS);
		/* The set hands out a member only with an element in its ring. */
		kaal_check_assert(kaal_channel_recv(&c[k], &v, 0) == KAAL_OK);
		kaal_check_assert(v == s->next[k]);
		s->next[k]++;
	}
}

static kaal_cptr root_mint(struct kaal_broker *b, kaal_cptr cap, kaal_word badge)
{
	kaal_cptr slot;
	kaal_check_assert(kaal_broker_alloc_slot(b, &slot) == KAAL_OK);
	kaal_check_assert(kaal_cnode_mint(kaal_root_slot(b->root_cnode, slot),
	                                  kaal_root_slot(b->root_cnode, cap), KAAL_RIGHT_WRITE,
	                                  badge) == KAAL_OK);
	return slot;
}

static void setup(void *p)
{
	struct channel_set_test *s = p;
	struct kaal_broker *b = kaal_check_broker();
	kaal_cptr frame, set_ntfn, space[CHANNELS];
	struct kaal_memory mem;
	kaal_check_assert(kaal_broker_create_frames(b, 1, &frame, &mem) == KAAL_OK);
	void *mapped;
	kaal_check_assert(kaal_map(frame, 0, KAAL_RIGHT_READ | KAAL_RIGHT_WRITE, &mapped) ==
	                  KAAL_OK);
	s->rings = mapped;
	kaal_check_assert(kaal_broker_create_notification(b, &set_ntfn) == KAAL_OK);
	kaal_cptr server_caps[1 + CHANNELS] = {set_ntfn};
	unsigned server_rights[1 + CHANNELS] = {KAAL_RIGHT_READ};
	for (uint32_t k = 0; k < CHANNELS; k++) {
		uint8_t *ring = s->rings + k * RING_STRIDE;
		kaal_check_assert(kaal_ring_create(ring, ring_size(), CAPACITY, ELEM) == KAAL_OK);
		kaal_check_assert(kaal_broker_create_notification(b, &space[k]) == KAAL_OK);
		server_caps[1 + k] = space[k];
		server_rights[1 + k] = KAAL_RIGHT_WRITE;
		const kaal_cptr caps[] = {space[k],
		                          root_mint(b, set_ntfn, kaal_channel_set_badge(k))};
		const unsigned rights[] = {KAAL_RIGHT_READ, KAAL_RIGHT_WRITE};
		kaal_check_assert(kaal_check_spawn(producer, (kaal_word)(uintptr_t)ring, caps,
		                                   rights, 2) == KAAL_OK);
	}
	kaal_check_assert(kaal_check_spawn(server, (kaal_word)(uintptr_t)s, server_caps,
	                                   server_rights, 1 + CHANNELS) == KAAL_OK);
}

static void finish(void *p)
{
	const struct channel_set_test *s = p;
	for (uint32_t k = 0; k < CHANNELS; k++)
		kaal_check_assert(s->next[k] == ITEMS);
}

const struct kaal_check_test checked_channel_set = {
    .name = "channel_set",
    .state_size = sizeof(struct channel_set_test),
    .boots = true,
    .setup = setup,
    .finish = finish,
};
