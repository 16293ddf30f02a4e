/* The server loop: one kaal_reply_recv per request that gets a reply. */
#include <kaal/server.h>

kaal_status kaal_server_run(kaal_cptr ep, kaal_server_handler handler, void *ctx)
{
	if (!handler)
		return KAAL_INVALID_ARGUMENT;
	struct kaal_msg m;
	kaal_status st = kaal_recv(ep, &m);
	while (st == KAAL_OK) {
		struct kaal_msg reply = {0};
		switch (handler(ctx, &m, &reply)) {
		case KAAL_SERVER_REPLY:
			m = reply;
			st = kaal_reply_recv(ep, &m);
			break;
		case KAAL_SERVER_NO_REPLY:
			st = kaal_recv(ep, &m);
			break;
		case KAAL_SERVER_REPLY_STOP:
			return kaal_reply(&reply);
		case KAAL_SERVER_STOP:
			return KAAL_OK;
		default:
			return KAAL_INVALID_ARGUMENT;
		}
	}
	return st;
}
