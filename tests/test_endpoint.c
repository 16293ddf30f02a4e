/*
 * Endpoints: send, receive, call, reply, reply_recv and nb_send; badges,
 * long messages through the IPC buffers, queue order, capability transfer
 * and what destroying an endpoint or a thread does to IPC in flight.
 *
 * Started threads never call cmocka: they note what they saw in a context
 * and signal a notification; the test thread asserts after waiting for it.
 */
#include <string.h>

#include "harness.h"

/* A receiver: up to RX_MAX receives on ep, each noted, then a signal of done_bit on done. */
#define RX_MAX 8

struct rx {
	kaal_cptr ep;
	kaal_cptr done;
	kaal_word done_bit;
	unsigned count;
	/* Where received capabilities go, per receive (0: nowhere named). */
	kaal_cptr receive_root[RX_MAX];
	kaal_word receive_index[RX_MAX];
	kaal_word receive_depth[RX_MAX];
	kaal_status st[RX_MAX];
	struct kaal_msg m[RX_MAX];
	kaal_word words[RX_MAX][KAAL_MSG_MAX_WORDS]; /* the IPC buffer's words after each */
};

static void receiver(kaal_word arg)
{
	struct rx *r = PTR(arg);
	struct kaal_ipc_buffer *buf = kaal_ipc_buffer();
	for (unsigned i = 0; i < r->count; i++) {
		buf->receive_root = r->receive_root[i];
		buf->receive_index = r->receive_index[i];
		buf->receive_depth = r->receive_depth[i];
		r->st[i] = kaal_recv(r->ep, &r->m[i]);
		memcpy(r->words[i], buf->msg, sizeof(buf->msg));
	}
	kaal_signal(r->done, r->done_bit ? r->done_bit : 1);
}

static kaal_cptr start_receiver(struct rx *r, kaal_cptr ep, kaal_cptr done, unsigned count)
{
	r->ep = ep;
	r->done = done;
	r->count = count;
	return harness_thread(receiver, ARG(r), 0);
}

/* A sender: one send or call of m on ep, then a signal of done_bit on done. */
struct tx {
	kaal_cptr ep;
	kaal_cptr done;
	kaal_word done_bit;
	bool call;
	struct kaal_msg m; /* the message, and after a call the reply */
	kaal_status st;
};

static void sender(kaal_word arg)
{
	struct tx *s = PTR(arg);
	s->st = s->call ? kaal_call(s->ep, &s->m) : kaal_send(s->ep, &s->m);
	kaal_signal(s->done, s->done_bit);
}

static kaal_cptr start_sender(struct tx *s, kaal_cptr ep, kaal_cptr done, kaal_word done_bit,
                              bool call, struct kaal_msg m)
{
	s->ep = ep;
	s->done = done;
	s->done_bit = done_bit;
	s->call = call;
	s->m = m;
	s->st = KAAL_INVALID_SYSCALL;
	return harness_thread(sender, ARG(s), 0);
}

/* The receiver gets the words, label and length sent and the badge of the sender's cap. */
static void send_delivers_words_label_and_badge(void **state)
{
	(void)state;
	kaal_cptr ep = harness_endpoint(), done = harness_notification();
	kaal_cptr badged = harness_mint(ep, KAAL_RIGHTS_ALL, 0x1234);
	static struct rx r;
	memset(&r, 0, sizeof(r));
	start_receiver(&r, ep, done, 3);

	struct kaal_msg m = harness_message(7, 3, 11, 22, 33, 44);
	assert_status(KAAL_OK, kaal_send(badged, &m));
	m = harness_message(UINT64_C(0xABCDEF), 1, 55, 66, 77, 88);
	assert_status(KAAL_OK, kaal_send(ep, &m));
	/* Bits 9-11 of the info are the kernel's to set: a sender's are not passed on. */
	m = harness_message(5, 2, 1, 2, 3, 4);
	m.info |= KAAL_MSG_CAP_RECEIVED | KAAL_MSG_FROM_NOTIFICATION | (UINT64_C(1) << 11);
	assert_status(KAAL_OK, kaal_send(badged, &m));
	harness_await_bits(done, 1);

	for (unsigned i = 0; i < 3; i++)
		assert_status(KAAL_OK, r.st[i]);
	assert_int_equal(0x1234, r.m[0].badge);
	assert_int_equal(kaal_msg_info(7, 3, 0), r.m[0].info);
	assert_int_equal(11, r.m[0].mr[0]);
	assert_int_equal(22, r.m[0].mr[1]);
	assert_int_equal(33, r.m[0].mr[2]);
	assert_int_equal(0, r.m[0].mr[3]); /* past the length: not passed on */

	assert_int_equal(0, r.m[1].badge);
	assert_int_equal(UINT64_C(0xABCDEF), kaal_msg_label(r.m[1].info));
	assert_int_equal(1, kaal_msg_length(r.m[1].info));
	assert_int_equal(55, r.m[1].mr[0]);
	assert_int_equal(0, r.m[1].mr[1]);

	assert_int_equal(0x1234, r.m[2].badge);
	assert_int_equal(kaal_msg_info(5, 2, 0), r.m[2].info);
	assert_int_equal(1, r.m[2].mr[0]);
	assert_int_equal(2, r.m[2].mr[1]);
	assert_int_equal(0, r.m[2].mr[2]);
}

/* A server: answers calls, each reply derived from the call it answers. */
struct server {
	kaal_cptr ep;
	kaal_cptr done;
	unsigned calls;                /* calls to answer before signalling done */
	unsigned reply_length[RX_MAX]; /* per call */
	struct kaal_msg got[RX_MAX];   /* the calls as received */
	kaal_word words[RX_MAX][KAAL_MSG_MAX_WORDS];
	kaal_status recv_st[RX_MAX];
	kaal_status reply_st[RX_MAX];
};

/* Replies carry label + 1, mr[i] = received mr[i] + 100 and IPC buffer words 3000 + i. */
static void server(kaal_word arg)
{
	struct server *s = PTR(arg);
	struct kaal_ipc_buffer *buf = kaal_ipc_buffer();
	for (unsigned c = 0; c < s->calls; c++) {
		struct kaal_msg m;
		s->recv_st[c] = kaal_recv(s->ep, &m);
		s->got[c] = m;
		memcpy(s->words[c], buf->msg, sizeof(buf->msg));
		struct kaal_msg reply = {
		    kaal_msg_info(kaal_msg_label(m.info) + 1, s->reply_length[c], 0),
		    {m.mr[0] + 100, m.mr[1] + 100, m.mr[2] + 100, m.mr[3] + 100},
		    0};
		for (unsigned i = KAAL_MSG_FAST_WORDS; i < KAAL_MSG_MAX_WORDS; i++)
			buf->msg[i] = 3000 + i;
		s->reply_st[c] = kaal_reply(&reply);
	}
	kaal_signal(s->done, 1);
}

/* Call carries four words each way in registers; the reply has no badge. */
static void call_and_reply_four_words(void **state)
{
	(void)state;
	kaal_cptr ep = harness_endpoint(), done = harness_notification();
	kaal_cptr badged = harness_mint(ep, KAAL_RIGHTS_ALL, 0x77);
	static struct server s;
	memset(&s, 0, sizeof(s));
	s.ep = ep;
	s.done = done;
	s.calls = 1;
	s.reply_length[0] = 4;
	harness_thread(server, ARG(&s), 0);

	kaal_ipc_buffer()->badge = 0x999; /* a stale value the reply must overwrite */
	struct kaal_msg m = harness_message(40, 4, 1, 2, 3, 4);
	assert_status(KAAL_OK, kaal_call(badged, &m));
	assert_int_equal(kaal_msg_info(41, 4, 0), m.info);
	assert_int_equal(0, m.badge);
	assert_int_equal(101, m.mr[0]);
	assert_int_equal(102, m.mr[1]);
	assert_int_equal(103, m.mr[2]);
	assert_int_equal(104, m.mr[3]);
	harness_await_bits(done, 1);

	assert_status(KAAL_OK, s.recv_st[0]);
	assert_status(KAAL_OK, s.reply_st[0]);
	assert_int_equal(kaal_msg_info(40, 4, 0), s.got[0].info);
	assert_int_equal(0x77, s.got[0].badge);
	assert_int_equal(1, s.got[0].mr[0]);
	assert_int_equal(4, s.got[0].mr[3]);
}

/* Words 4..63 go through the IPC buffers, and only as many as the length says. */
static void call_and_reply_through_ipc_buffers(void **state)
{
	(void)state;
	kaal_cptr ep = harness_endpoint(), done = harness_notification();
	static struct server s;
	memset(&s, 0, sizeof(s));
	s.ep = ep;
	s.done = done;
	s.calls = 2;
	s.reply_length[0] = 10;
	s.reply_length[1] = KAAL_MSG_MAX_WORDS;
	harness_thread(server, ARG(&s), 0);

	struct kaal_ipc_buffer *buf = kaal_ipc_buffer();
	for (unsigned i = 0; i < KAAL_MSG_MAX_WORDS; i++)
		buf->msg[i] = 1000 + i;
	struct kaal_msg m = harness_message(1, KAAL_MSG_MAX_WORDS, 1000, 1001, 1002, 1003);
	assert_status(KAAL_OK, kaal_call(ep, &m));
	assert_int_equal(kaal_msg_info(2, 10, 0), m.info);
	assert_int_equal(1100, m.mr[0]);
	assert_int_equal(1103, m.mr[3]);
	for (unsigned i = KAAL_MSG_FAST_WORDS; i < 10; i++)
		assert_int_equal(3000 + i, buf->msg[i]);
	for (unsigned i = 10; i < KAAL_MSG_MAX_WORDS; i++)
		assert_int_equal(1000 + i, buf->msg[i]); /* past the reply's length: untouched */

	for (unsigned i = 0; i < KAAL_MSG_MAX_WORDS; i++)
		buf->msg[i] = 5000 + i;
	m = harness_message(8, 5, 5000, 5001, 5002, 5003);
	assert_status(KAAL_OK, kaal_call(ep, &m));
	assert_int_equal(kaal_msg_info(9, KAAL_MSG_MAX_WORDS, 0), m.info);
	for (unsigned i = KAAL_MSG_FAST_WORDS; i < KAAL_MSG_MAX_WORDS; i++)
		assert_int_equal(3000 + i, buf->msg[i]);
	harness_await_bits(done, 1);

	for (unsigned i = KAAL_MSG_FAST_WORDS; i < KAAL_MSG_MAX_WORDS; i++)
		assert_int_equal(1000 + i, s.words[0][i]);
	assert_int_equal(5004, s.words[1][4]);
	/* The second call had 5 words: the server's own words 5.. are what it left there. */
	for (unsigned i = 5; i < KAAL_MSG_MAX_WORDS; i++)
		assert_int_equal(3000 + i, s.words[1][i]);
	assert_int_equal(kaal_msg_info(8, 5, 0), s.got[1].info);
}

/* A reply_recv server: answers each call with mr0 * 2 and the caller's badge, until mr0 is 0. */
struct loop_server {
	kaal_cptr ep;
	kaal_cptr done;
	unsigned served;
	kaal_status st;
};

static void loop_server(kaal_word arg)
{
	struct loop_server *s = PTR(arg);
	/* With no caller to answer, reply_recv only receives. */
	struct kaal_msg m = harness_message(0, 0, 0, 0, 0, 0);
	s->st = kaal_reply_recv(s->ep, &m);
	while (s->st == KAAL_OK && m.mr[0] != 0) {
		s->served++;
		m = harness_message(kaal_msg_label(m.info), 2, m.mr[0] * 2, m.badge, 0, 0);
		s->st = kaal_reply_recv(s->ep, &m);
	}
	if (s->st == KAAL_OK) {
		m = harness_message(99, 0, 0, 0, 0, 0);
		s->st = kaal_reply(&m);
	}
	kaal_signal(s->done, 1);
}

static void reply_recv_serves_calls_in_a_loop(void **state)
{
	(void)state;
	kaal_cptr ep = harness_endpoint(), done = harness_notification();
	kaal_cptr b1 = harness_mint(ep, KAAL_RIGHTS_ALL, 1),
	          b2 = harness_mint(ep, KAAL_RIGHTS_ALL, 2);
	static struct loop_server s;
	memset(&s, 0, sizeof(s));
	s.ep = ep;
	s.done = done;
	harness_thread(loop_server, ARG(&s), 0);

	for (kaal_word i = 1; i <= 6; i++) {
		struct kaal_msg m = harness_message(i + 10, 1, i, 0, 0, 0);
		assert_status(KAAL_OK, kaal_call(i % 2 ? b1 : b2, &m));
		assert_int_equal(kaal_msg_info(i + 10, 2, 0), m.info);
		assert_int_equal(i * 2, m.mr[0]);
		assert_int_equal(i % 2 ? 1 : 2, m.mr[1]);
	}
	struct kaal_msg m = harness_message(0, 1, 0, 0, 0, 0);
	assert_status(KAAL_OK, kaal_call(ep, &m));
	assert_int_equal(kaal_msg_info(99, 0, 0), m.info);
	harness_await_bits(done, 1);
	assert_status(KAAL_OK, s.st);
	assert_int_equal(6, s.served);
}

/* nb_send with nobody receiving succeeds and the message is gone. */
static void nb_send_without_receiver_is_dropped(void **state)
{
	(void)state;
	kaal_cptr ep = harness_endpoint(), done = harness_notification();
	struct kaal_msg m = harness_message(1, 1, 0xAA, 0, 0, 0);
	assert_status(KAAL_OK, kaal_nb_send(ep, &m));

	static struct rx r;
	memset(&r, 0, sizeof(r));
	start_receiver(&r, ep, done, 1);
	m = harness_message(2, 1, 0xBB, 0, 0, 0);
	assert_status(KAAL_OK, kaal_send(ep, &m));
	harness_await_bits(done, 1);
	assert_status(KAAL_OK, r.st[0]);
	assert_int_equal(2, kaal_msg_label(r.m[0].info));
	assert_int_equal(0xBB, r.m[0].mr[0]);
}

/* nb_send to a waiting receiver delivers like send. */
static void nb_send_reaches_a_waiting_receiver(void **state)
{
	(void)state;
	kaal_cptr ep = harness_endpoint(), done = harness_notification();
	kaal_cptr badged = harness_mint(ep, KAAL_RIGHT_WRITE, 0x55);
	static struct rx r;
	memset(&r, 0, sizeof(r));
	harness_wait_blocked(start_receiver(&r, ep, done, 1));

	struct kaal_msg m = harness_message(3, 2, 9, 8, 0, 0);
	assert_status(KAAL_OK, kaal_nb_send(badged, &m));
	harness_await_bits(done, 1);
	assert_status(KAAL_OK, r.st[0]);
	assert_int_equal(kaal_msg_info(3, 2, 0), r.m[0].info);
	assert_int_equal(0x55, r.m[0].badge);
	assert_int_equal(9, r.m[0].mr[0]);
	assert_int_equal(8, r.m[0].mr[1]);
}

/* More than 64 words or more than one capability: rejected, and nothing is sent. */
static void oversized_messages_are_rejected(void **state)
{
	(void)state;
	kaal_cptr ep = harness_endpoint(), done = harness_notification();
	static struct rx r;
	memset(&r, 0, sizeof(r));
	harness_wait_blocked(start_receiver(&r, ep, done, 1));

	struct kaal_msg m = harness_message(1, KAAL_MSG_MAX_WORDS + 1, 1, 2, 3, 4);
	assert_status(KAAL_INVALID_ARGUMENT, kaal_send(ep, &m));
	assert_status(KAAL_INVALID_ARGUMENT, kaal_nb_send(ep, &m));
	assert_status(KAAL_INVALID_ARGUMENT, kaal_call(ep, &m));
	m.info = kaal_msg_info(1, 127, 0);
	assert_status(KAAL_INVALID_ARGUMENT, kaal_send(ep, &m));
	m.info = kaal_msg_info(1, 1, 2);
	assert_status(KAAL_INVALID_ARGUMENT, kaal_send(ep, &m));
	m.info = kaal_msg_info(1, 1, 3);
	assert_status(KAAL_INVALID_ARGUMENT, kaal_nb_send(ep, &m));
	assert_status(KAAL_INVALID_ARGUMENT, kaal_call(ep, &m));

	/* The receiver is still waiting and gets the first good message. */
	m = harness_message(4, 1, 5, 0, 0, 0);
	assert_status(KAAL_OK, kaal_send(ep, &m));
	harness_await_bits(done, 1);
	assert_status(KAAL_OK, r.st[0]);
	assert_int_equal(kaal_msg_info(4, 1, 0), r.m[0].info);
	assert_int_equal(5, r.m[0].mr[0]);
}

/*
 * A reply needs a caller waiting for it; a bad reply is rejected and the
 * caller keeps waiting for a good one; a reply_recv with a bad reply neither
 * replies nor receives.
 */
static void reply_needs_a_caller_and_a_valid_message(void **state)
{
	(void)state;
	kaal_cptr ep = harness_endpoint(), done = harness_notification();
	struct kaal_msg m = harness_message(1, 0, 0, 0, 0, 0);
	assert_status(KAAL_ILLEGAL_OPERATION, kaal_reply(&m));

	static struct tx c;
	start_sender(&c, ep, done, 1, true, harness_message(6, 1, 60, 0, 0, 0));
	assert_status(KAAL_OK, kaal_recv(ep, &m));
	assert_int_equal(kaal_msg_info(6, 1, 0), m.info);

	m = harness_message(2, KAAL_MSG_MAX_WORDS + 1, 0, 0, 0, 0);
	assert_status(KAAL_INVALID_ARGUMENT, kaal_reply(&m));
	m.info = kaal_msg_info(2, 1, 2);
	assert_status(KAAL_INVALID_ARGUMENT, kaal_reply(&m));
	m.info = kaal_msg_info(2, 100, 0);
	assert_status(KAAL_INVALID_ARGUMENT, kaal_reply_recv(ep, &m)); /* returns: no receive */

	m = harness_message(7, 1, 70, 0, 0, 0);
	assert_status(KAAL_OK, kaal_reply(&m));
	harness_await_bits(done, 1);
	assert_status(KAAL_OK, c.st);
	assert_int_equal(kaal_msg_info(7, 1, 0), c.m.info);
	assert_int_equal(70, c.m.mr[0]);

	/* The reply was used up. */
	assert_status(KAAL_ILLEGAL_OPERATION, kaal_reply(&m));
}

/* Blocked senders are received in the order they blocked. */
static void blocked_senders_are_served_in_order(void **state)
{
	(void)state;
	kaal_cptr ep = harness_endpoint(), done = harness_notification();
	static struct tx s[4];
	for (unsigned i = 0; i < 4; i++) {
		kaal_cptr badged =
		    harness_mint(ep, KAAL_RIGHT_WRITE | KAAL_RIGHT_GRANT_REPLY, i + 1);
		/* The third one calls: callers and senders share the queue. */
		harness_wait_blocked(start_sender(&s[i], badged, done, UINT64_C(1) << i, i == 2,
		                                  harness_message(20 + i, 1, i, 0, 0, 0)));
	}
	for (unsigned i = 0; i < 4; i++) {
		struct kaal_msg m;
		assert_status(KAAL_OK, kaal_recv(ep, &m));
		assert_int_equal(i + 1, m.badge);
		assert_int_equal(kaal_msg_info(20 + i, 1, 0), m.info);
		assert_int_equal(i, m.mr[0]);
		if (i == 2) {
			m = harness_message(30, 1, 300, 0, 0, 0);
			assert_status(KAAL_OK, kaal_reply(&m));
		}
	}
	harness_await_bits(done, 0xF);
	for (unsigned i = 0; i < 4; i++)
		assert_status(KAAL_OK, s[i].st);
	assert_int_equal(300, s[2].m.mr[0]);
}

/* A blocked sender of higher priority is received first; equal ones in the order they blocked. */
static void blocked_senders_are_served_by_priority(void **state)
{
	(void)state;
	enum { SENDERS = 3 };
	static const unsigned priority[SENDERS] = {100, 150, 150};
	static const unsigned received[SENDERS] = {1, 2, 0};
	kaal_cptr ep = harness_endpoint(), done = harness_notification();
	static struct tx s[SENDERS];
	for (unsigned i = 0; i < SENDERS; i++) {
		kaal_cptr badged = harness_mint(ep, KAAL_RIGHT_WRITE, i + 1);
		kaal_cptr t = start_sender(&s[i], badged, done, UINT64_C(1) << i, false,
		                           harness_message(20 + i, 1, i, 0, 0, 0));
		harness_wait_blocked(t);
		assert_status(KAAL_OK, kaal_thread_set_priority(t, priority[i]));
	}
	for (unsigned k = 0; k < SENDERS; k++) {
		struct kaal_msg m;
		assert_status(KAAL_OK, kaal_recv(ep, &m));
		assert_int_equal(received[k] + 1, m.badge);
	}
	harness_await_bits(done, 7);
}

/* Blocked receivers get messages in the order they blocked. */
static void blocked_receivers_are_served_in_order(void **state)
{
	(void)state;
	kaal_cptr ep = harness_endpoint(), done = harness_notification();
	static struct rx r[3];
	memset(r, 0, sizeof(r));
	for (unsigned i = 0; i < 3; i++) {
		r[i].done_bit = UINT64_C(1) << i;
		harness_wait_blocked(start_receiver(&r[i], ep, done, 1));
	}
	for (unsigned i = 0; i < 3; i++) {
		struct kaal_msg m = harness_message(i, 1, 10 * (i + 1), 0, 0, 0);
		assert_status(KAAL_OK, kaal_send(ep, &m));
	}
	harness_await_bits(done, 7);
	for (unsigned i = 0; i < 3; i++) {
		assert_status(KAAL_OK, r[i].st[0]);
		assert_int_equal(10 * (i + 1), r[i].m[0].mr[0]);
	}
}

/* With Grant, the capability named in send_cap arrives as a working copy. */
static void capability_transfer_with_grant(void **state)
{
	(void)state;
	kaal_cptr ep = harness_endpoint(), done = harness_notification();
	kaal_cptr n = harness_notification();
	kaal_cptr badged_n = harness_mint(n, KAAL_RIGHT_READ | KAAL_RIGHT_WRITE, 0x5);
	kaal_cptr into = harness_slot();
	static struct rx r;
	memset(&r, 0, sizeof(r));
	r.receive_root[0] = h.root;
	r.receive_index[0] = into;
	r.receive_depth[0] = KAAL_WORD_BITS;
	start_receiver(&r, ep, done, 1);

	kaal_ipc_buffer()->send_cap = badged_n;
	struct kaal_msg m = {kaal_msg_info(12, 1, 1), {42, 0, 0, 0}, 0};
	assert_status(KAAL_OK, kaal_send(ep, &m));
	harness_await_bits(done, 1);

	assert_status(KAAL_OK, r.st[0]);
	assert_int_equal(kaal_msg_info(12, 1, 1) | KAAL_MSG_CAP_RECEIVED, r.m[0].info);
	assert_int_equal(42, r.m[0].mr[0]);
	struct kaal_cap_info got = harness_identify(into), sent = harness_identify(badged_n);
	assert_int_equal(KAAL_CAP_NOTIFICATION, got.type);
	assert_int_equal(KAAL_RIGHT_READ | KAAL_RIGHT_WRITE, got.rights);
	assert_int_equal(0x5, got.badge);
	assert_int_equal(harness_identify(n).object, got.object);
	/* The sender keeps its capability. */
	assert_int_equal(KAAL_CAP_NOTIFICATION, sent.type);
	assert_int_equal(0x5, sent.badge);

	kaal_word bits = 0;
	assert_status(KAAL_OK, kaal_signal(into, 0x1));
	assert_status(KAAL_OK, kaal_poll(n, &bits));
	assert_int_equal(0x5, bits);
}

/* Without Grant on the sender's cap, the message goes and the capability stays behind. */
static void capability_transfer_without_grant_is_dropped(void **state)
{
	(void)state;
	kaal_cptr ep = harness_endpoint(), done = harness_notification();
	kaal_cptr no_grant =
	    harness_derive(ep, KAAL_RIGHT_READ | KAAL_RIGHT_WRITE | KAAL_RIGHT_GRANT_REPLY);
	kaal_cptr n = harness_notification();
	kaal_cptr into = harness_slot();
	static struct rx r;
	memset(&r, 0, sizeof(r));
	r.receive_root[0] = h.root;
	r.receive_index[0] = into;
	r.receive_depth[0] = KAAL_WORD_BITS;
	start_receiver(&r, ep, done, 1);

	kaal_ipc_buffer()->send_cap = n;
	struct kaal_msg m = {kaal_msg_info(3, 1, 1), {43, 0, 0, 0}, 0};
	assert_status(KAAL_OK, kaal_send(no_grant, &m));
	harness_await_bits(done, 1);
	assert_status(KAAL_OK, r.st[0]);
	assert_int_equal(kaal_msg_info(3, 1, 0), r.m[0].info);
	assert_int_equal(43, r.m[0].mr[0]);
	harness_assert_slot_empty(into);
	assert_int_equal(KAAL_CAP_NOTIFICATION, harness_identify(n).type);
}

/*
 * A capability that cannot be placed is dropped and the message still goes:
 * the receive slot is occupied, send_cap is empty, the receive slot cannot
 * be looked up, or the capability may not be copied.
 */
static void capability_transfer_that_cannot_happen_is_dropped(void **state)
{
	(void)state;
	kaal_cptr ep = harness_endpoint(), done = harness_notification();
	kaal_cptr n = harness_notification(), other = harness_endpoint();
	kaal_cptr occupied = harness_derive(other, KAAL_RIGHT_READ);
	kaal_cptr into = harness_slot();
	struct kaal_cap_info before = harness_identify(occupied);
	static struct rx r;
	memset(&r, 0, sizeof(r));
	for (unsigned i = 0; i < 7; i++) {
		r.receive_root[i] = h.root;
		r.receive_index[i] = into;
		r.receive_depth[i] = KAAL_WORD_BITS;
	}
	r.receive_index[0] = occupied;
	r.receive_depth[2] = 0;    /* no slot has depth 0 */
	r.receive_root[3] = other; /* not a CNode */
	start_receiver(&r, ep, done, 7);

	/* send_cap[5] does not resolve: it has bits beyond the root CNode's guard. */
	const kaal_cptr send_cap[7] = {n,         harness_slot(),        n, n,
	                               h.untyped, n | UINT64_C(1) << 63, n};
	for (unsigned i = 0; i < 7; i++) {
		kaal_ipc_buffer()->send_cap = send_cap[i];
		struct kaal_msg m = {kaal_msg_info(i, 1, 1), {100 + i, 0, 0, 0}, 0};
		assert_status(KAAL_OK, kaal_send(ep, &m));
	}
	harness_await_bits(done, 1);
	for (unsigned i = 0; i < 6; i++) {
		assert_status(KAAL_OK, r.st[i]);
		assert_int_equal(kaal_msg_info(i, 1, 0), r.m[i].info);
		assert_int_equal(100 + i, r.m[i].mr[0]);
	}
	struct kaal_cap_info after = harness_identify(occupied);
	assert_int_equal(before.type, after.type);
	assert_int_equal(before.rights, after.rights);
	assert_int_equal(before.object, after.object);
	/* The last one could be placed, so the empty slot stayed empty until then. */
	assert_status(KAAL_OK, r.st[6]);
	assert_int_equal(kaal_msg_info(6, 1, 1) | KAAL_MSG_CAP_RECEIVED, r.m[6].info);
	assert_int_equal(harness_identify(n).object, harness_identify(into).object);
}

/* A server that answers two calls, received through ep[0] then ep[1], each with cap. */
struct cap_server {
	kaal_cptr ep[2]; /* received through ep[0], then ep[1] */
	kaal_cptr cap;
	kaal_cptr done;
	kaal_status st[2];
};

static void cap_server(kaal_word arg)
{
	struct cap_server *s = PTR(arg);
	for (unsigned i = 0; i < 2; i++) {
		struct kaal_msg m;
		s->st[i] = kaal_recv(s->ep[i], &m);
		kaal_ipc_buffer()->send_cap = s->cap;
		m.info = kaal_msg_info(50 + i, 0, 1);
		if (s->st[i] == KAAL_OK)
			s->st[i] = kaal_reply(&m);
	}
	kaal_signal(s->done, 1);
}

/* A reply carries a capability only if the server received through a cap with Grant. */
static void reply_capability_needs_the_servers_grant(void **state)
{
	(void)state;
	kaal_cptr ep = harness_endpoint(), done = harness_notification();
	kaal_cptr n = harness_notification();
	static struct cap_server s;
	s.ep[0] = ep;
	s.ep[1] = harness_derive(ep, KAAL_RIGHT_READ | KAAL_RIGHT_WRITE | KAAL_RIGHT_GRANT_REPLY);
	s.cap = n;
	s.done = done;
	harness_wait_blocked(harness_thread(cap_server, ARG(&s), 0));

	kaal_cptr first = harness_slot(), second = harness_slot();
	harness_receive_into(first);
	struct kaal_msg m = harness_message(1, 0, 0, 0, 0, 0);
	assert_status(KAAL_OK, kaal_call(ep, &m));
	assert_int_equal(kaal_msg_info(50, 0, 1) | KAAL_MSG_CAP_RECEIVED, m.info);
	assert_int_equal(harness_identify(n).object, harness_identify(first).object);

	harness_receive_into(second);
	m = harness_message(2, 0, 0, 0, 0, 0);
	assert_status(KAAL_OK, kaal_call(ep, &m));
	assert_int_equal(kaal_msg_info(51, 0, 0), m.info);
	harness_assert_slot_empty(second);
	harness_await_bits(done, 1);
	assert_status(KAAL_OK, s.st[0]);
	assert_status(KAAL_OK, s.st[1]);
}

/* Deleting the last cap to an endpoint wakes its blocked receiver; deleting a copy does not. */
static void deleting_an_endpoint_wakes_its_receiver(void **state)
{
	(void)state;
	kaal_cptr ep = harness_endpoint(), done = harness_notification();
	kaal_cptr copy = harness_derive(ep, KAAL_RIGHTS_ALL);
	static struct rx r;
	memset(&r, 0, sizeof(r));
	kaal_cptr t = start_receiver(&r, ep, done, 2);
	harness_wait_blocked(t);

	assert_status(KAAL_OK, kaal_cnode_delete(harness_ref(copy)));
	struct kaal_msg m = harness_message(1, 1, 10, 0, 0, 0);
	assert_status(KAAL_OK, kaal_send(ep, &m)); /* the receiver was still there */

	harness_wait_blocked(t);
	assert_status(KAAL_OK, kaal_cnode_delete(harness_ref(ep)));
	harness_await_bits(done, 1);
	assert_status(KAAL_OK, r.st[0]);
	assert_int_equal(10, r.m[0].mr[0]);
	assert_status(KAAL_OBJECT_DELETED, r.st[1]);
	for (unsigned i = 0; i < KAAL_MSG_FAST_WORDS; i++)
		assert_int_equal(0, r.m[1].mr[i]);
	harness_assert_slot_empty(ep);
}

/* ... and its blocked senders and callers. */
static void deleting_an_endpoint_wakes_its_senders(void **state)
{
	(void)state;
	kaal_cptr ep = harness_endpoint(), done = harness_notification();
	static struct tx s[2];
	harness_wait_blocked(
	    start_sender(&s[0], ep, done, 1, false, harness_message(1, 1, 1, 0, 0, 0)));
	harness_wait_blocked(
	    start_sender(&s[1], ep, done, 2, true, harness_message(2, 4, 1, 2, 3, 4)));
	assert_status(KAAL_OK, kaal_cnode_delete(harness_ref(ep)));
	harness_await_bits(done, 3);
	assert_status(KAAL_OBJECT_DELETED, s[0].st);
	assert_status(KAAL_OBJECT_DELETED, s[1].st);
	for (unsigned i = 0; i < KAAL_MSG_FAST_WORDS; i++)
		assert_int_equal(0, s[1].m.mr[i]);
}

/*
 * A call already received waits on the server, not on the endpoint (as in
 * seL4): deleting the endpoint leaves it waiting and the reply still arrives.
 */
static void deleting_an_endpoint_keeps_a_received_call(void **state)
{
	(void)state;
	kaal_cptr ep = harness_endpoint(), done = harness_notification();
	static struct tx c;
	start_sender(&c, ep, done, 1, true, harness_message(1, 1, 5, 0, 0, 0));
	struct kaal_msg m;
	assert_status(KAAL_OK, kaal_recv(ep, &m));
	assert_status(KAAL_OK, kaal_cnode_delete(harness_ref(ep)));
	kaal_word bits = 0;
	assert_status(KAAL_OK, kaal_peek(done, &bits));
	assert_int_equal(0, bits);
	m = harness_message(2, 1, 6, 0, 0, 0);
	assert_status(KAAL_OK, kaal_reply(&m));
	harness_await_bits(done, 1);
	assert_status(KAAL_OK, c.st);
	assert_int_equal(6, c.m.mr[0]);
}

/* A server that receives one call, says so, then waits on park. */
struct parked_server {
	kaal_cptr ep;
	kaal_cptr got; /* signalled once the call is received */
	kaal_cptr park;
	struct kaal_msg m;
	kaal_status recv_st, park_st, after_st;
};

static void parked_server(kaal_word arg)
{
	struct parked_server *s = PTR(arg);
	s->recv_st = kaal_recv(s->ep, &s->m);
	kaal_signal(s->got, 1);
	kaal_word bits;
	s->park_st = kaal_wait(s->park, &bits);
	s->after_st = kaal_signal(s->got, 2);
	harness_barrier_wait();
}

/* Destroying a thread that holds a call's reply ends that call with KAAL_OBJECT_DELETED. */
static void destroying_the_server_fails_its_caller(void **state)
{
	(void)state;
	kaal_cptr ep = harness_endpoint(), done = harness_notification();
	static struct parked_server s;
	s.ep = ep;
	s.got = harness_notification();
	s.park = harness_notification();
	harness_barrier_init(2);
	kaal_cptr t = harness_thread(parked_server, ARG(&s), 0);
	static struct tx c;
	start_sender(&c, ep, done, 1, true, harness_message(1, 2, 7, 8, 0, 0));
	harness_await_bits(s.got, 1);
	harness_wait_blocked(t);

	assert_status(KAAL_OK, kaal_cnode_delete(harness_ref(t)));
	harness_await_bits(done, 1);
	assert_status(KAAL_OBJECT_DELETED, c.st);
	for (unsigned i = 0; i < KAAL_MSG_FAST_WORDS; i++)
		assert_int_equal(0, c.m.mr[i]);
	harness_barrier_wait();
	assert_status(KAAL_OK, s.recv_st);
	assert_int_equal(7, s.m.mr[0]);
	assert_status(KAAL_OBJECT_DELETED, s.park_st);
	assert_status(KAAL_OBJECT_DELETED, s.after_st);
	kaal_word bits = 0;
	assert_status(KAAL_OK, kaal_peek(s.got, &bits));
	assert_int_equal(0, bits);
}

static void receive_then_return(kaal_word arg)
{
	struct rx *r = PTR(arg);
	r->st[0] = kaal_recv(r->ep, &r->m[0]);
}

/* A server that ends without replying ends its caller's call with KAAL_OBJECT_DELETED. */
static void exiting_server_fails_its_caller(void **state)
{
	(void)state;
	kaal_cptr ep = harness_endpoint();
	static struct rx r;
	memset(&r, 0, sizeof(r));
	r.ep = ep;
	harness_thread(receive_then_return, ARG(&r), 0);
	struct kaal_msg m = harness_message(1, 1, 3, 0, 0, 0);
	assert_status(KAAL_OBJECT_DELETED, kaal_call(ep, &m));
	for (unsigned i = 0; i < KAAL_MSG_FAST_WORDS; i++)
		assert_int_equal(0, m.mr[i]);
	assert_status(KAAL_OK, r.st[0]);
	assert_int_equal(3, r.m[0].mr[0]);
}

/* Receiving a second call before answering the first ends the first. */
static void a_new_call_drops_the_unanswered_one(void **state)
{
	(void)state;
	kaal_cptr ep = harness_endpoint(), done = harness_notification();
	static struct tx c[2];
	for (unsigned i = 0; i < 2; i++)
		start_sender(&c[i], harness_mint(ep, KAAL_RIGHTS_ALL, i + 1), done,
		             UINT64_C(1) << i, true, harness_message(i, 1, i, 0, 0, 0));
	struct kaal_msg first, second;
	assert_status(KAAL_OK, kaal_recv(ep, &first));
	assert_status(KAAL_OK, kaal_recv(ep, &second));
	unsigned a = (unsigned)first.badge - 1, b = (unsigned)second.badge - 1;
	assert_int_equal(1, a + b);
	harness_await_bits(done, UINT64_C(1) << a);
	assert_status(KAAL_OBJECT_DELETED, c[a].st);

	struct kaal_msg m = harness_message(9, 1, 90, 0, 0, 0);
	assert_status(KAAL_OK, kaal_reply(&m));
	harness_await_bits(done, UINT64_C(1) << b);
	assert_status(KAAL_OK, c[b].st);
	assert_int_equal(90, c[b].m.mr[0]);
}

/*
 * A thread without an IPC buffer: four words at most each way, no badge or
 * info to learn, and no capability to name for sending.
 */
struct bufferless {
	kaal_cptr ep;
	kaal_cptr done;
	struct kaal_msg got[2];
	kaal_status recv_st[2], long_st, short_st;
};

static void bufferless(kaal_word arg)
{
	struct bufferless *b = PTR(arg);
	for (unsigned i = 0; i < 2; i++)
		b->recv_st[i] = kaal_recv(b->ep, &b->got[i]);
	struct kaal_msg m = harness_message(2, 5, 1, 2, 3, 4);
	b->long_st = kaal_send(b->ep, &m);
	m.info = kaal_msg_info(3, 4, 1);
	b->short_st = kaal_send(b->ep, &m);
	kaal_signal(b->done, 1);
}

static void thread_without_ipc_buffer(void **state)
{
	(void)state;
	kaal_cptr ep = harness_endpoint(), done = harness_notification();
	kaal_cptr t = harness_create(KAAL_CAP_THREAD, 0);
	assert_status(KAAL_OK, kaal_thread_configure(t, h.root, 0, 50));
	static struct bufferless b;
	b.ep = ep;
	b.done = done;
	assert_status(KAAL_OK, kaal_thread_start(t, bufferless, harness_stack(), ARG(&b), NULL));

	struct kaal_ipc_buffer *buf = kaal_ipc_buffer();
	for (unsigned i = 0; i < KAAL_MSG_MAX_WORDS; i++)
		buf->msg[i] = 700 + i;
	struct kaal_msg m = harness_message(1, 10, 700, 701, 702, 703);
	assert_status(KAAL_OK, kaal_send(harness_mint(ep, KAAL_RIGHTS_ALL, 0x66), &m));
	m = harness_message(2, 2, 800, 801, 802, 803);
	assert_status(KAAL_OK, kaal_send(ep, &m));
	kaal_cptr into = harness_slot();
	harness_receive_into(into);
	assert_status(KAAL_OK, kaal_recv(ep, &m));
	assert_int_equal(kaal_msg_info(3, 4, 0), m.info);
	assert_int_equal(4, m.mr[3]);
	harness_assert_slot_empty(into);
	harness_await_bits(done, 1);

	assert_status(KAAL_OK, b.recv_st[0]);
	assert_int_equal(700, b.got[0].mr[0]);
	assert_int_equal(703, b.got[0].mr[3]);
	assert_int_equal(0, b.got[0].badge);
	assert_status(KAAL_OK, b.recv_st[1]);
	assert_int_equal(800, b.got[1].mr[0]);
	assert_int_equal(801, b.got[1].mr[1]);
	assert_int_equal(0, b.got[1].mr[2]);
	assert_status(KAAL_INVALID_ARGUMENT, b.long_st);
	assert_status(KAAL_OK, b.short_st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    HARNESS_CASE(send_delivers_words_label_and_badge),
	    HARNESS_CASE(call_and_reply_four_words),
	    HARNESS_CASE(call_and_reply_through_ipc_buffers),
	    HARNESS_CASE(reply_recv_serves_calls_in_a_loop),
	    HARNESS_CASE(nb_send_without_receiver_is_dropped),
	    HARNESS_CASE(nb_send_reaches_a_waiting_receiver),
	    HARNESS_CASE(oversized_messages_are_rejected),
	    HARNESS_CASE(reply_needs_a_caller_and_a_valid_message),
	    HARNESS_CASE(blocked_senders_are_served_in_order),
	    HARNESS_CASE(blocked_senders_are_served_by_priority),
	    HARNESS_CASE(blocked_receivers_are_served_in_order),
	    HARNESS_CASE(capability_transfer_with_grant),
	    HARNESS_CASE(capability_transfer_without_grant_is_dropped),
	    HARNESS_CASE(capability_transfer_that_cannot_happen_is_dropped),
	    HARNESS_CASE(reply_capability_needs_the_servers_grant),
	    HARNESS_CASE(deleting_an_endpoint_wakes_its_receiver),
	    HARNESS_CASE(deleting_an_endpoint_wakes_its_senders),
	    HARNESS_CASE(deleting_an_endpoint_keeps_a_received_call),
	    HARNESS_CASE(destroying_the_server_fails_its_caller),
	    HARNESS_CASE(exiting_server_fails_its_caller),
	    HARNESS_CASE(a_new_call_drops_the_unanswered_one),
	    HARNESS_CASE(thread_without_ipc_buffer),
	};
	return cmocka_run_group_tests_name("endpoint", tests, NULL, NULL);
}
