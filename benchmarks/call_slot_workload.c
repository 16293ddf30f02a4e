/*
 * A call slot's spin round trip: the client on cpu0 calls with an 8-byte
 * request, the server on cpu1 answers with it, both spinning (they never
 * sleep), beside the least any one-line RPC costs: two threads flipping
 * one cache line. The two take turns run by run.
 */
#include <stdio.h>
#include <stdlib.h>

#include <kaal/call_slot.h>

#include "ring_run.h"

#define CALL_SLOT_TRIPS 200000u
/* Never reached in a run: the sides poll without sleeping, so they need no notifications. */
#define POLL_FOREVER UINT32_MAX
#define NO_NTFN      0

static void *slot_mem;
static uint64_t slot_trips;

static void attach(struct kaal_call_slot *h, enum kaal_call_slot_role role)
{
	if (kaal_call_slot_attach(h, slot_mem, KAAL_CALL_SLOT_LINE, role, NO_NTFN, NO_NTFN) !=
	    KAAL_OK) {
		fprintf(stderr, "ring-bench: call slot attach failed\n");
		exit(1);
	}
	h->spin = POLL_FOREVER;
}

uint64_t bench_call_slot_calls(struct kaal_call_slot *h, uint64_t trips)
{
	uint64_t sum = 0;
	for (uint64_t i = 1; i <= trips; i++) {
		uint64_t answer = 0;
		size_t n;
		if (kaal_call_slot_call(h, &i, sizeof i, &answer, sizeof answer, &n,
		                        KAAL_CALL_SLOT_FOREVER) != KAAL_OK)
			break;
		sum += answer;
	}
	return sum;
}

void bench_call_slot_serve(struct kaal_call_slot *h, uint64_t calls)
{
	for (uint64_t i = 0; i < calls; i++) {
		uint64_t v;
		size_t n;
		if (kaal_call_slot_receive(h, &v, sizeof v, &n, KAAL_CALL_SLOT_FOREVER) !=
		        KAAL_OK ||
		    kaal_call_slot_reply(h, &v, sizeof v) != KAAL_OK)
			break;
	}
}

static void slot_client(void *arg)
{
	(void)arg;
	struct kaal_call_slot h;
	attach(&h, KAAL_CALL_SLOT_CLIENT);
	bench_check("kaal call slot", bench_call_slot_calls(&h, slot_trips),
	            bench_expected_sum(slot_trips));
}

static void slot_server(void *arg)
{
	(void)arg;
	struct kaal_call_slot h;
	attach(&h, KAAL_CALL_SLOT_SERVER);
	bench_call_slot_serve(&h, slot_trips);
}

static double call_slot_run(uint64_t trips)
{
	if (kaal_call_slot_create(slot_mem, KAAL_CALL_SLOT_LINE) != KAAL_OK) {
		fprintf(stderr, "ring-bench: call slot setup failed\n");
		exit(1);
	}
	slot_trips = trips;
	return bench_pair(slot_client, slot_server, NULL);
}

void bench_call_slot_round_trips(void)
{
	const char *bench = "call slot spin round trip";
	if (!bench_selected(bench))
		return;
	slot_mem = bench_alloc(KAAL_CALL_SLOT_LINE);
	struct bench_row *slot = bench_add_row(bench, "kaal call slot", "ns", false);
	struct bench_row *one_line = bench_add_row(bench, "one-line ping-pong", "ns", true);
	call_slot_run(CALL_SLOT_TRIPS);
	bench_one_line_round_trips(CALL_SLOT_TRIPS);
	for (unsigned i = 0; i < bench_options.runs; i++) {
		slot->v[slot->n++] = call_slot_run(CALL_SLOT_TRIPS) / CALL_SLOT_TRIPS;
		one_line->v[one_line->n++] =
		    bench_one_line_round_trips(CALL_SLOT_TRIPS) / CALL_SLOT_TRIPS;
	}
	free(slot_mem);
	fprintf(stderr, ".");
}
