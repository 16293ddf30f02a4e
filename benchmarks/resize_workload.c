/*
 * What a resize costs: the producer on cpu0 moves its channel to a ring of
 * the other size (64 and 128 elements of 8 bytes, alternately) and sends
 * one element; the consumer on cpu1 takes it, which makes it follow to the
 * new ring and let the old one go, after which the producer may resize
 * again. Both sides spin. Beside it, the same element stream without
 * resizing and the one-line ping-pong: a resize is a hand-over between
 * the two cpus, so a round trip is the least it can cost.
 */
#include <stdio.h>
#include <stdlib.h>

#include <kaal/channel_resize.h>

#include "ring_run.h"

#define RESIZES      20000u
#define SMALL        64u
#define LARGE        128u
#define WINDOW_BYTES 4096u
/* The sides poll without sleeping, so they need no notifications. */
#define POLL_FOREVER UINT32_MAX
#define NO_NTFN      0

static const struct kaal_resize_policy policy = {SMALL, LARGE, UINT32_MAX, UINT32_MAX};

static struct {
	uint8_t *windows;
	struct kaal_local_ring_source source;
	uint64_t count;
	bool resize; /* false: the stream alone */
} run;

static void open_side(struct kaal_channel *c, struct kaal_channel_resizing *rs,
                      enum kaal_ring_role role)
{
	struct kaal_ring_source source = kaal_local_ring_source(&run.source);
	if (kaal_channel_attach(c, run.windows, WINDOW_BYTES, role, NO_NTFN, NO_NTFN) != KAAL_OK ||
	    kaal_channel_enable_resizing(c, rs, &source, &policy) != KAAL_OK) {
		fprintf(stderr, "ring-bench: resizing channel setup failed\n");
		exit(1);
	}
	c->spin = POLL_FOREVER;
}

static void producer(void *arg)
{
	(void)arg;
	struct kaal_channel c;
	struct kaal_channel_resizing rs;
	open_side(&c, &rs, KAAL_RING_PRODUCER);
	for (uint64_t i = 1; i <= run.count; i++) {
		if (run.resize) {
			uint32_t to = c.ring.capacity == SMALL ? LARGE : SMALL;
			kaal_status st;
			/* Refused until the consumer has let go of the ring before the last. */
			while ((st = kaal_channel_resize(&c, to)) == KAAL_BUSY)
				;
			if (st != KAAL_OK)
				break;
		}
		if (kaal_channel_send(&c, &i, KAAL_CHANNEL_FOREVER) != KAAL_OK)
			break;
	}
}

static void consumer(void *arg)
{
	(void)arg;
	struct kaal_channel c;
	struct kaal_channel_resizing rs;
	open_side(&c, &rs, KAAL_RING_CONSUMER);
	uint64_t sum = 0;
	for (uint64_t i = 0; i < run.count; i++) {
		uint64_t v;
		if (kaal_channel_recv(&c, &v, KAAL_CHANNEL_FOREVER) != KAAL_OK)
			break;
		sum += v;
	}
	bench_check(run.resize ? "kaal resize" : "kaal stream", sum, bench_expected_sum(run.count));
	if (run.resize && rs.follows != run.count)
		bench_check("kaal resize follows", rs.follows, run.count);
}

/* Nanoseconds per element, resizing before each or not. */
static double resize_run(bool resize)
{
	if (kaal_local_ring_source_init(&run.source, run.windows, run.windows + WINDOW_BYTES,
	                                WINDOW_BYTES) != KAAL_OK ||
	    kaal_ring_create(run.windows, WINDOW_BYTES, SMALL, sizeof(uint64_t)) != KAAL_OK) {
		fprintf(stderr, "ring-bench: resize setup failed\n");
		exit(1);
	}
	run.count = RESIZES;
	run.resize = resize;
	return bench_pair(producer, consumer, NULL) / RESIZES;
}

void bench_resize(void)
{
	const char *bench = "channel resize, 64 <-> 128 x 8B";
	if (!bench_selected(bench))
		return;
	_Static_assert(KAAL_RING_DATA_OFFSET + LARGE * 16u <= WINDOW_BYTES,
	               "a window holds a ring");
	run.windows = bench_alloc(2 * WINDOW_BYTES);
	struct bench_row *resize = bench_add_row(bench, "kaal resize + element", "ns", false);
	struct bench_row *stream = bench_add_row(bench, "kaal element, no resize", "ns", true);
	struct bench_row *one_line = bench_add_row(bench, "one-line ping-pong", "ns", true);
	resize_run(true);
	for (unsigned i = 0; i < bench_options.runs; i++) {
		resize->v[resize->n++] = resize_run(true);
		stream->v[stream->n++] = resize_run(false);
		one_line->v[one_line->n++] = bench_one_line_round_trips(RESIZES) / RESIZES;
	}
	free(run.windows);
	fprintf(stderr, ".");
}
