/*
 * The echo service's two programs (echo.h). Both answer at once and never
 * wait for a client: the kit drops a reply a link has no room for, and an
 * endpoint reply goes only to a caller blocked for it.
 */
#include <string.h>

#include "echo.h"

/* The reply's data holds fewer bytes than a request's: the echo is cut to fit. */
#define REPLY_BYTES (sizeof(((struct kaal_echo_reply *)0)->data))

void kaal_echo_answer(const struct kaal_echo_request *request, uint64_t count,
                      struct kaal_echo_reply *reply)
{
	reply->op = request->op;
	reply->tag = request->tag;
	reply->count = 0;
	switch (request->op) {
	case KAAL_ECHO:
		if (request->length > REPLY_BYTES) {
			reply->status = KAAL_INVALID_ARGUMENT;
			return;
		}
		memcpy(reply->data, request->data, request->length);
		reply->count = request->length;
		reply->status = KAAL_OK;
		return;
	case KAAL_ECHO_COUNT:
		reply->count = count;
		reply->status = KAAL_OK;
		return;
	default:
		reply->status = KAAL_INVALID_ARGUMENT;
		return;
	}
}

/* ---- Over channels: a kit service, a link per client. */

struct echo_links {
	uint64_t requests[KAAL_ECHO_CLIENTS];
};

static kaal_status echo_init(struct kaal_driver_context *ctx)
{
	(void)ctx;
	return KAAL_OK;
}

static bool echo_request(struct kaal_driver_context *ctx, unsigned client, const void *request,
                         void *reply)
{
	struct echo_links *links = ctx->driver;
	kaal_echo_answer(request, links->requests[client]++, reply);
	return true;
}

static int echo_main(const struct kaal_start_info *si)
{
	static const struct kaal_driver_ops ops = {echo_init, NULL, echo_request};
	static struct echo_links links;
	links = (struct echo_links){{0}}; /* on the host, what an earlier start left stays */
	return kaal_driver_main(&kaal_echo_service, si, &ops, &links);
}

KAAL_PROGRAM(echo, echo_main)

/* ---- Over an endpoint: one server loop, callers told apart by their badges. */

static enum kaal_server_action echo_call(void *ctx, const struct kaal_msg *request,
                                         struct kaal_msg *reply)
{
	(void)ctx;
	if (kaal_msg_label(request->info) != KAAL_ECHO_LABEL) {
		*reply = (struct kaal_msg){kaal_msg_info(KAAL_ECHO_REFUSED_LABEL, 1, 0),
		                           {(kaal_word)KAAL_INVALID_ARGUMENT},
		                           0};
		return KAAL_SERVER_REPLY;
	}
	*reply = *request;
	return KAAL_SERVER_REPLY;
}

static int echo_ep_main(const struct kaal_start_info *si)
{
	kaal_cptr ep;
	kaal_status st = kaal_start_cap(si, "ep", &ep);
	if (st == KAAL_OK)
		st = kaal_server_run(ep, echo_call, NULL);
	return (int)st;
}

KAAL_PROGRAM(echo_ep, echo_ep_main)
