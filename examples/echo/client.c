/*
 * echo_client: ECHO_ROUNDS calls through the endpoint it was given
 * ("calls"), each answered with its own words, then ECHO_ROUNDS elements
 * out on its request channel and back on its reply channel, in order. Its
 * exit status is how many came back wrong or not at all (0: every one).
 */
#include <kaal/channel.h>
#include <kaal/program.h>

#include "echo.h"

#define PAGE_BYTES ((size_t)1 << KAAL_PAGE_BITS)

static unsigned through_the_endpoint(kaal_cptr calls)
{
	unsigned wrong = 0;
	for (unsigned i = 0; i < ECHO_ROUNDS; i++) {
		struct kaal_msg m = {kaal_msg_info(ECHO_LABEL, 2, 0), {ECHO_WORD(i), i}, 0};
		if (kaal_call(calls, &m) != KAAL_OK || m.mr[0] != ECHO_WORD(i) || m.mr[1] != i)
			wrong++;
	}
	struct kaal_msg stop = {kaal_msg_info(ECHO_STOP_LABEL, 0, 0), {0}, 0};
	if (kaal_call(calls, &stop) != KAAL_OK)
		wrong++;
	return wrong;
}

static unsigned through_the_channels(struct kaal_channel *out, struct kaal_channel *back)
{
	unsigned wrong = 0;
	for (unsigned i = 0; i < ECHO_ROUNDS; i++) {
		uint64_t word = ECHO_WORD(i), echoed = 0;
		if (kaal_channel_send(out, &word, KAAL_CHANNEL_FOREVER) != KAAL_OK ||
		    kaal_channel_recv(back, &echoed, KAAL_CHANNEL_FOREVER) != KAAL_OK ||
		    echoed != word)
			wrong++;
	}
	return wrong;
}

static int client_main(const struct kaal_start_info *si)
{
	kaal_cptr calls, in, out, wait, bell;
	if (kaal_start_cap(si, "calls", &calls) != KAAL_OK ||
	    kaal_start_cap(si, "in", &in) != KAAL_OK ||
	    kaal_start_cap(si, "out", &out) != KAAL_OK ||
	    kaal_start_cap(si, "wait", &wait) != KAAL_OK ||
	    kaal_start_cap(si, "server_bell", &bell) != KAAL_OK)
		return -1;
	unsigned wrong = through_the_endpoint(calls);
	void *in_at, *out_at;
	struct kaal_channel requests, replies;
	if (kaal_program_map(in, 0, KAAL_RIGHT_READ | KAAL_RIGHT_WRITE, &in_at) != KAAL_OK ||
	    kaal_program_map(out, 1, KAAL_RIGHT_READ | KAAL_RIGHT_WRITE, &out_at) != KAAL_OK ||
	    kaal_channel_attach(&requests, in_at, PAGE_BYTES, KAAL_RING_PRODUCER, wait, bell) !=
	        KAAL_OK ||
	    kaal_channel_attach(&replies, out_at, PAGE_BYTES, KAAL_RING_CONSUMER, wait, bell) !=
	        KAAL_OK)
		return -3;
	return (int)(wrong + through_the_channels(&requests, &replies));
}

KAAL_PROGRAM(echo_client, client_main)
