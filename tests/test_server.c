/* The SDK's server loop: replies, one-way messages, stopping, and its failures. */
#include "harness.h"

#include <kaal/server.h>

enum label { ECHO_PLUS_ONE = 1, ONE_WAY, LAST_CALL, QUIT, BOGUS };

#define BOGUS_ACTION 99

static struct {
	kaal_cptr ep;
	kaal_cptr done;
	kaal_status st;
	unsigned one_way;     /* one-way messages seen */
	kaal_word last_badge; /* badge of the last request */
	bool wrong_ctx;       /* a handler call was given another context */
} srv;

static enum kaal_server_action handle(void *ctx, const struct kaal_msg *request,
                                      struct kaal_msg *reply)
{
	/* No cmocka assertion here: the handler runs on the server's thread. */
	srv.wrong_ctx |= ctx != &srv;
	srv.last_badge = request->badge;
	switch (kaal_msg_label(request->info)) {
	case ECHO_PLUS_ONE:
		*reply = harness_word_message(0, request->mr[0] + 1);
		return KAAL_SERVER_REPLY;
	case ONE_WAY:
		srv.one_way++;
		return KAAL_SERVER_NO_REPLY;
	case LAST_CALL:
		*reply = harness_word_message(0, request->mr[0]);
		return KAAL_SERVER_REPLY_STOP;
	case QUIT:
		return KAAL_SERVER_STOP;
	default:
		return (enum kaal_server_action)BOGUS_ACTION;
	}
}

static void serve(kaal_word arg)
{
	(void)arg;
	srv.st = kaal_server_run(srv.ep, handle, &srv);
	kaal_signal(srv.done, 1);
}

static kaal_cptr start_server(void)
{
	srv.ep = harness_endpoint();
	srv.done = harness_notification();
	srv.st = KAAL_INVALID_SYSCALL;
	srv.one_way = 0;
	srv.wrong_ctx = false;
	return harness_thread(serve, 0, 0);
}

static void replies_one_way_messages_and_a_last_reply(void **state)
{
	(void)state;
	start_server();
	kaal_cptr badged = harness_mint(srv.ep, KAAL_RIGHT_WRITE | KAAL_RIGHT_GRANT_REPLY, 0x5A);
	for (kaal_word i = 0; i < 3; i++) {
		struct kaal_msg m = harness_word_message(ECHO_PLUS_ONE, 40 + i);
		assert_status(KAAL_OK, kaal_call(badged, &m));
		assert_int_equal(41 + i, m.mr[0]);
	}
	assert_int_equal(0x5A, srv.last_badge);
	struct kaal_msg m = harness_word_message(ONE_WAY, 0);
	assert_status(KAAL_OK, kaal_send(srv.ep, &m));
	assert_status(KAAL_OK, kaal_send(srv.ep, &m));
	m = harness_word_message(LAST_CALL, 7);
	assert_status(KAAL_OK, kaal_call(srv.ep, &m));
	assert_int_equal(7, m.mr[0]);
	harness_await_bits(srv.done, 1);
	assert_status(KAAL_OK, srv.st);
	assert_int_equal(2, srv.one_way);
	assert_false(srv.wrong_ctx);
}

static void stops_without_replying(void **state)
{
	(void)state;
	start_server();
	struct kaal_msg m = harness_word_message(QUIT, 0);
	assert_status(KAAL_OK, kaal_send(srv.ep, &m));
	harness_await_bits(srv.done, 1);
	assert_status(KAAL_OK, srv.st);
}

static void a_handler_that_answers_nonsense_ends_the_loop(void **state)
{
	(void)state;
	start_server();
	struct kaal_msg m = harness_word_message(BOGUS, 0);
	assert_status(KAAL_OK, kaal_send(srv.ep, &m));
	harness_await_bits(srv.done, 1);
	assert_status(KAAL_INVALID_ARGUMENT, srv.st);
}

static void bad_arguments_and_a_missing_endpoint(void **state)
{
	(void)state;
	assert_status(KAAL_INVALID_ARGUMENT, kaal_server_run(harness_endpoint(), NULL, NULL));
	assert_status(KAAL_SLOT_EMPTY, kaal_server_run(harness_slot(), handle, &srv));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    HARNESS_CASE(replies_one_way_messages_and_a_last_reply),
	    HARNESS_CASE(stops_without_replying),
	    HARNESS_CASE(a_handler_that_answers_nonsense_ends_the_loop),
	    HARNESS_CASE(bad_arguments_and_a_missing_endpoint),
	};
	return cmocka_run_group_tests_name("server", tests, NULL, NULL);
}
