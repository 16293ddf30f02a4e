/*
 * The local ring source's hand-over as a checked test: the consumer reads
 * the header of generation 0's ring and lets it go while the producer, having let
 * it go too, asks for generation 2 (the same window) until it gets it and
 * creates a ring there. Nothing else passes between the two threads, so
 * the window changes hands only through the source. The oracle: the
 * producer's writes never race the consumer's reads, and generation 2 is
 * handed out only once both sides let go of generation 0.
 */
#include <stdint.h>

#include <kaal/channel_resize.h>

#include "catalogue.h"

#define WINDOW   (4u * KAAL_RING_LINE)
#define CAPACITY 2
#define ELEM     sizeof(uint32_t)
#define PRODUCER 0

struct ring_source_test {
	_Alignas(KAAL_RING_LINE) uint8_t windows[2][WINDOW];
	struct kaal_local_ring_source source;
};

static void producer(struct ring_source_test *s, struct kaal_ring_source *source)
{
	kaal_check_assert(source->release(source->ctx, 0, KAAL_RING_PRODUCER) == KAAL_OK);
	void *mem;
	size_t size;
	kaal_status st;
	while ((st = source->obtain(source->ctx, 2, kaal_ring_bytes(CAPACITY, ELEM), &mem,
	                            &size)) == KAAL_BUSY)
		kaal_check_yield();
	kaal_check_assert(st == KAAL_OK && mem == s->windows[0] && size == WINDOW);
	kaal_check_assert(kaal_ring_create(mem, size, CAPACITY, ELEM) == KAAL_OK);
}

static void consumer(struct ring_source_test *s, struct kaal_ring_source *source)
{
	struct kaal_ring r;
	kaal_check_assert(kaal_ring_attach(&r, s->windows[0], WINDOW, KAAL_RING_CONSUMER) ==
	                  KAAL_OK);
	kaal_check_assert(source->release(source->ctx, 0, KAAL_RING_CONSUMER) == KAAL_OK);
}

static void setup(void *p)
{
	struct ring_source_test *s = p;
	kaal_check_assert(kaal_local_ring_source_init(&s->source, s->windows[0], s->windows[1],
	                                              WINDOW) == KAAL_OK);
	kaal_check_assert(kaal_ring_create(s->windows[0], WINDOW, CAPACITY, ELEM) == KAAL_OK);
}

static void thread(unsigned id, void *p)
{
	struct ring_source_test *s = p;
	struct kaal_ring_source source = kaal_local_ring_source(&s->source);
	if (id == PRODUCER)
		producer(s, &source);
	else
		consumer(s, &source);
}

const struct kaal_check_test checked_ring_source = {
    .name = "ring_source",
    .state_size = sizeof(struct ring_source_test),
    .threads = 2,
    .setup = setup,
    .thread = thread,
};
