/*
 * echo_server: answers every call on its endpoint ("calls") with the words
 * it carried, until a call with ECHO_STOP_LABEL; then sends back every
 * element that arrives on its request ring ("in") on its reply ring
 * ("out") until ECHO_ROUNDS went through, sleeping on "wait" and waking
 * the client through "client_bell" (the client sleeps on one notification
 * for both rings). Its exit status is how many elements it echoed.
 */
#include <kaal/channel.h>
#include <kaal/program.h>
#include <kaal/server.h>

#include "echo.h"

#define PAGE_BYTES ((size_t)1 << KAAL_PAGE_BITS)

static enum kaal_server_action echo_call(void *ctx, const struct kaal_msg *request,
                                         struct kaal_msg *reply)
{
	(void)ctx;
	*reply = *request;
	return kaal_msg_label(request->info) == ECHO_STOP_LABEL ? KAAL_SERVER_REPLY_STOP
	                                                        : KAAL_SERVER_REPLY;
}

static int server_main(const struct kaal_start_info *si)
{
	kaal_cptr calls, in, out, wait, bell;
	if (kaal_start_cap(si, "calls", &calls) != KAAL_OK ||
	    kaal_start_cap(si, "in", &in) != KAAL_OK ||
	    kaal_start_cap(si, "out", &out) != KAAL_OK ||
	    kaal_start_cap(si, "wait", &wait) != KAAL_OK ||
	    kaal_start_cap(si, "client_bell", &bell) != KAAL_OK)
		return -1;
	if (kaal_server_run(calls, echo_call, NULL) != KAAL_OK)
		return -2;
	void *in_at, *out_at;
	struct kaal_channel requests, replies;
	if (kaal_program_map(in, 0, KAAL_RIGHT_READ | KAAL_RIGHT_WRITE, &in_at) != KAAL_OK ||
	    kaal_program_map(out, 1, KAAL_RIGHT_READ | KAAL_RIGHT_WRITE, &out_at) != KAAL_OK ||
	    kaal_channel_attach(&requests, in_at, PAGE_BYTES, KAAL_RING_CONSUMER, wait, bell) !=
	        KAAL_OK ||
	    kaal_channel_attach(&replies, out_at, PAGE_BYTES, KAAL_RING_PRODUCER, wait, bell) !=
	        KAAL_OK)
		return -3;
	int echoed = 0;
	for (unsigned i = 0; i < ECHO_ROUNDS; i++) {
		uint64_t word;
		if (kaal_channel_recv(&requests, &word, KAAL_CHANNEL_FOREVER) != KAAL_OK ||
		    kaal_channel_send(&replies, &word, KAAL_CHANNEL_FOREVER) != KAAL_OK)
			break;
		echoed++;
	}
	return echoed;
}

KAAL_PROGRAM(echo_server, server_main)
