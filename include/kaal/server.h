/*
 * A server loop: receive on an endpoint, hand each message to a handler,
 * and send its reply and wait for the next message in one system call
 * (kaal_reply_recv), until the handler says stop.
 */
#ifndef KAAL_SERVER_H
#define KAAL_SERVER_H

#include <kaal/sdk.h>

/* What the loop does with a message once its handler returns. */
enum kaal_server_action {
	KAAL_SERVER_REPLY = 1,      /* send *reply to the caller, then wait for the next */
	KAAL_SERVER_NO_REPLY = 2,   /* a message sent, not called: just wait for the next */
	KAAL_SERVER_REPLY_STOP = 3, /* send *reply, then return */
	KAAL_SERVER_STOP = 4,       /* return without replying */
};

/* A handler: request as received (its badge says who sent it); fill *reply when replying. */
typedef enum kaal_server_action (*kaal_server_handler)(void *ctx, const struct kaal_msg *request,
                                                       struct kaal_msg *reply);

/*
 * Serve ep (a Read capability) with handler until it says stop: KAAL_OK
 * then. A failed receive or reply ends the loop with its status; a handler
 * that returns anything but the four actions ends it with
 * KAAL_INVALID_ARGUMENT. KAAL_INVALID_ARGUMENT for a NULL handler.
 */
kaal_status kaal_server_run(kaal_cptr ep, kaal_server_handler handler, void *ctx);

#endif
