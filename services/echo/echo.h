/*
 * The echo service: whatever a client sends comes back unchanged, to many
 * clients at once, over channels (the program "echo", a driver-kit service
 * with a link per client) and over an endpoint (the program "echo_ep", a
 * server loop on one endpoint whose badged copies tell clients apart). A
 * client that misbehaves costs only itself: one that never reads its
 * replies loses them, one that spoils its ring is cut off, one that sends
 * what is no echo request is answered KAAL_INVALID_ARGUMENT.
 */
#ifndef KAAL_SERVICE_ECHO_H
#define KAAL_SERVICE_ECHO_H

#include <kaal/driver.h>
#include <kaal/server.h>

#define KAAL_ECHO_BYTES 48u /* payload of one request */

enum kaal_echo_op {
	KAAL_ECHO = 1,      /* reply: the bytes back */
	KAAL_ECHO_COUNT = 2 /* reply: count, how many requests this link sent before */
};

struct kaal_echo_request {
	uint32_t op;     /* enum kaal_echo_op */
	uint32_t length; /* bytes of data that count, at most KAAL_ECHO_BYTES */
	uint64_t tag;
	uint8_t data[KAAL_ECHO_BYTES];
};

struct kaal_echo_reply {
	uint32_t op;
	int32_t status; /* kaal_status */
	uint64_t tag;
	uint64_t count;
	uint8_t data[KAAL_ECHO_BYTES - sizeof(uint64_t)];
};

_Static_assert(sizeof(struct kaal_echo_request) == 64, "echo request size");
_Static_assert(sizeof(struct kaal_echo_reply) == 64, "echo reply size");

#define KAAL_ECHO_CLIENTS  4u
#define KAAL_ECHO_PRIORITY 120u

static const struct kaal_driver_desc kaal_echo_service = {
    .program = "echo",
    .device = KAAL_DEVICE_NONE,
    .clients = KAAL_ECHO_CLIENTS,
    .request_size = sizeof(struct kaal_echo_request),
    .reply_size = sizeof(struct kaal_echo_reply),
    .ring_capacity = 8,
    .priority = KAAL_ECHO_PRIORITY,
};

/*
 * Over the endpoint: a call labelled KAAL_ECHO_LABEL comes back with its
 * words and label; any other label is answered KAAL_ECHO_REFUSED_LABEL
 * with KAAL_INVALID_ARGUMENT in its first word. A message sent, not
 * called, gets nothing back.
 */
#define KAAL_ECHO_LABEL         0xEC40u
#define KAAL_ECHO_REFUSED_LABEL 0xEC4Fu

/* The echo itself, shared by both programs: fill reply for request. */
void kaal_echo_answer(const struct kaal_echo_request *request, uint64_t count,
                      struct kaal_echo_reply *reply);

#endif
