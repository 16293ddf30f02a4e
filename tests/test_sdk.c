/* The SDK's own helpers: capability transfer through the IPC buffer. */
#include "harness.h"

/* What a server thread shares with the test. */
struct server {
	kaal_cptr ep;
	kaal_cptr done;
	kaal_cptr receive_slot; /* where a capability sent to the server goes */
	kaal_cptr reply_cap;    /* what the server attaches to its reply (0: nothing) */
	struct kaal_msg m;
	kaal_status st;
};

/* Receive one message into receive_slot, then say so on done. */
static void receive_cap(kaal_word arg)
{
	struct server *s = PTR(arg);
	s->st = kaal_set_receive_slot(harness_ref(s->receive_slot));
	if (s->st == KAAL_OK)
		s->st = kaal_recv(s->ep, &s->m);
	kaal_signal(s->done, 1);
}

/* Receive a call and answer it with reply_cap attached. */
static void reply_with_cap(kaal_word arg)
{
	struct server *s = PTR(arg);
	s->st = kaal_recv(s->ep, &s->m);
	struct kaal_msg answer = harness_message(s->m.mr[0] + 1, 1, s->m.mr[0] + 1, 0, 0, 0);
	if (s->st == KAAL_OK)
		s->st = kaal_msg_attach_cap(&answer, s->reply_cap);
	if (s->st == KAAL_OK)
		s->st = kaal_reply(&answer);
	kaal_signal(s->done, 1);
}

/* A capability attached to a send lands in the slot the receiver named; label and words stay. */
static void send_carries_one_capability(void **state)
{
	(void)state;
	static struct server s;
	s.ep = harness_endpoint();
	s.done = harness_notification();
	s.receive_slot = harness_slot();
	const kaal_cptr n = harness_notification();
	const kaal_cptr t = harness_thread(receive_cap, ARG(&s), 0);
	harness_wait_blocked(t);

	struct kaal_msg m = harness_message(7, 2, 70, 71, 0, 0);
	assert_status(KAAL_OK, kaal_msg_attach_cap(&m, n));
	assert_int_equal(7, kaal_msg_label(m.info));
	assert_int_equal(2, kaal_msg_length(m.info));
	assert_int_equal(1, kaal_msg_caps(m.info));
	assert_status(KAAL_OK, kaal_send(s.ep, &m));
	harness_await_bits(s.done, 1);

	assert_status(KAAL_OK, s.st);
	assert_true(kaal_msg_cap_arrived(&s.m));
	assert_int_equal(7, kaal_msg_label(s.m.info));
	assert_int_equal(70, s.m.mr[0]);
	assert_int_equal(71, s.m.mr[1]);
	assert_int_equal(harness_identify(n).object, harness_identify(s.receive_slot).object);
	assert_int_equal(KAAL_CAP_NOTIFICATION, harness_identify(s.receive_slot).type);
}

/* A reply carries a capability too, into the slot the caller named. */
static void reply_carries_one_capability(void **state)
{
	(void)state;
	static struct server s;
	s.ep = harness_endpoint();
	s.done = harness_notification();
	s.reply_cap = harness_notification();
	const kaal_cptr t = harness_thread(reply_with_cap, ARG(&s), 0);
	harness_wait_blocked(t);

	const kaal_cptr into = harness_slot();
	assert_status(KAAL_OK, kaal_set_receive_slot(harness_ref(into)));
	struct kaal_msg m = harness_message(1, 1, 41, 0, 0, 0);
	assert_status(KAAL_OK, kaal_call(s.ep, &m));
	harness_await_bits(s.done, 1);
	assert_status(KAAL_OK, s.st);
	assert_false(kaal_msg_cap_arrived(&s.m)); /* the call itself carried none */
	assert_true(kaal_msg_cap_arrived(&m));
	assert_int_equal(42, m.mr[0]);
	assert_int_equal(harness_identify(s.reply_cap).object, harness_identify(into).object);
}

/* Without a capability attached, nothing arrives and the receive slot stays empty. */
static void plain_message_carries_none(void **state)
{
	(void)state;
	static struct server s;
	s.ep = harness_endpoint();
	s.done = harness_notification();
	s.receive_slot = harness_slot();
	const kaal_cptr t = harness_thread(receive_cap, ARG(&s), 0);
	harness_wait_blocked(t);
	struct kaal_msg m = harness_message(3, 1, 30, 0, 0, 0);
	assert_status(KAAL_OK, kaal_send(s.ep, &m));
	harness_await_bits(s.done, 1);
	assert_status(KAAL_OK, s.st);
	assert_false(kaal_msg_cap_arrived(&s.m));
	harness_assert_slot_empty(s.receive_slot);
}

/* Each helper checks its operands and changes nothing when it refuses. */
static void helpers_check_their_operands(void **state)
{
	(void)state;
	struct kaal_ipc_buffer *buf = kaal_ipc_buffer();
	const kaal_cptr slot = harness_slot();
	assert_status(KAAL_OK, kaal_set_receive_slot(harness_ref(slot)));

	const struct kaal_slot_ref unfit[] = {
	    {h.root, (UINT64_C(1) << 60) + slot, KAAL_WORD_BITS},
	    {h.root, slot, KAAL_WORD_BITS + 1},
	    {h.root, UINT64_C(1) << 4, 4},
	};
	for (unsigned i = 0; i < sizeof(unfit) / sizeof(unfit[0]); i++)
		assert_status(KAAL_INVALID_ARGUMENT, kaal_set_receive_slot(unfit[i]));
	assert_int_equal(h.root, buf->receive_root);
	assert_int_equal(slot, buf->receive_index);
	assert_int_equal(KAAL_WORD_BITS, buf->receive_depth);

	buf->send_cap = 0;
	assert_status(KAAL_INVALID_ARGUMENT, kaal_msg_attach_cap(NULL, slot));
	assert_int_equal(0, buf->send_cap);

	/* A thread without an IPC buffer has nowhere to name either. */
	kaal_set_ipc_buffer(NULL);
	struct kaal_msg m = harness_message(1, 1, 0, 0, 0, 0);
	const kaal_word info = m.info;
	const kaal_status attach = kaal_msg_attach_cap(&m, slot);
	const kaal_status receive = kaal_set_receive_slot(harness_ref(slot + 1));
	kaal_set_ipc_buffer(buf);
	assert_status(KAAL_ILLEGAL_OPERATION, attach);
	assert_status(KAAL_ILLEGAL_OPERATION, receive);
	assert_int_equal(info, m.info);
	assert_int_equal(0, buf->send_cap);
	assert_int_equal(slot, buf->receive_index);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    HARNESS_CASE(send_carries_one_capability),
	    HARNESS_CASE(reply_carries_one_capability),
	    HARNESS_CASE(plain_message_carries_none),
	    HARNESS_CASE(helpers_check_their_operands),
	};
	return cmocka_run_group_tests_name("sdk", tests, NULL, NULL);
}
