/*
 * Bulk transfer: messages of 4 KiB and 64 KiB from a producer on cpu0 to
 * a consumer on cpu1, copied through kaal's ring and in place through
 * reserve/commit, beside peers moving the same bytes and one core's memcpy
 * of the same messages. All take turns run by run.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bulk.h"
#include "floors.h"
#include "ring_run.h"

#ifndef BENCH_HAVE_CPP
/* Without a C++ compiler the boost peer cannot be built. */
const bulk_fn bulk_boost = NULL;
#endif

/* Bytes each timed run moves: tens of milliseconds at memory bandwidth. */
#define BULK_RUN_BYTES (UINT64_C(256) << 20)
/* The floor's source and destination are each this large, well past one core's L2. */
#define BULK_FLOOR_BYTES ((size_t)8 << 20)

static uint8_t *floor_src, *floor_dst;

/*
 * The floor: one thread (the caller, on cpu0) copying msgs messages of size
 * bytes from a source to a destination region, each message at the next
 * offset of both, so the copies stream through memory the L2 cannot hold.
 */
static double memcpy_floor(size_t size, uint64_t msgs)
{
	size_t offset = 0;
	uint64_t t0 = bench_now_ns();
	for (uint64_t i = 0; i < msgs; i++) {
		memcpy(floor_dst + offset, floor_src + offset, size);
		/* The destination is never read: keep the compiler from dropping the copy. */
		__asm__ volatile("" : : "r"(floor_dst) : "memory");
		offset = (offset + size) % BULK_FLOOR_BYTES;
	}
	return (double)(bench_now_ns() - t0);
}

struct bulk_variant {
	const char *impl;
	bulk_fn run;
	bool floor;
};

static double gb_per_s(const struct bulk_variant *v, size_t size, uint64_t msgs)
{
	return (double)(size * msgs) / v->run(size, msgs);
}

static void bulk_size(size_t size)
{
	char bench[48];
	snprintf(bench, sizeof(bench), "bulk %zu KiB", size / BULK_KIB);
	if (!bench_selected(bench))
		return;
	const struct bulk_variant variants[] = {
	    {BENCH_BULK_KAAL_COPY, bulk_kaal_copy, false},
	    {BENCH_BULK_KAAL_IN_PLACE, bulk_kaal_zero_copy, false},
	    {"boost spsc_queue bytes", bulk_boost, false},
	    {"pipe write/read", bulk_pipe, false},
	    {BENCH_BULK_FLOOR, memcpy_floor, true},
	};
	enum { VARIANTS = sizeof(variants) / sizeof(variants[0]) };
	uint64_t msgs = BULK_RUN_BYTES / size;
	struct bench_row *r[VARIANTS] = {0};
	for (unsigned v = 0; v < VARIANTS; v++) {
		if (!variants[v].run)
			continue;
		r[v] = bench_add_row(bench, variants[v].impl, "GB/s", variants[v].floor);
		gb_per_s(&variants[v], size, msgs); /* warm-up */
	}
	for (unsigned i = 0; i < bench_options.runs; i++)
		for (unsigned v = 0; v < VARIANTS; v++)
			if (r[v])
				r[v]->v[r[v]->n++] = gb_per_s(&variants[v], size, msgs);
	fprintf(stderr, ".");
}

void bench_bulk(void)
{
	static const size_t sizes[] = {4 * BULK_KIB, 64 * BULK_KIB};
	floor_src = bench_alloc(BULK_FLOOR_BYTES);
	floor_dst = bench_alloc(BULK_FLOOR_BYTES);
	memset(floor_src, 1, BULK_FLOOR_BYTES);
	for (unsigned s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++)
		bulk_size(sizes[s]);
	free(floor_src);
	free(floor_dst);
}
