/*
 * The rights each IPC operation needs, in the style of sel4test's IPC
 * rights tests: send and nb_send need Write, recv and reply_recv need Read,
 * call needs Write and Grant or GrantReply, capabilities travel only with
 * Grant. A call refused for a missing right, a wrong type or an empty slot
 * returns at once and sends nothing.
 */
#include <string.h>

#include "harness.h"

#define R  KAAL_RIGHT_READ
#define W  KAAL_RIGHT_WRITE
#define G  KAAL_RIGHT_GRANT
#define GR KAAL_RIGHT_GRANT_REPLY

static struct kaal_msg message_with_cap(kaal_word label, kaal_cptr cap)
{
	kaal_ipc_buffer()->send_cap = cap;
	struct kaal_msg m = {kaal_msg_info(label, 1, 1), {label, 0, 0, 0}, 0};
	return m;
}

/*
 * A partner thread: receives `count` messages on ep (answering calls with
 * label + ANSWER_OFFSET), noting each, with received capabilities going to
 * slot `into[i]`; then signals done.
 */
#define MAX_MSGS      6
#define ANSWER_OFFSET 100u

struct partner {
	kaal_cptr ep;
	kaal_cptr done;
	unsigned count;
	kaal_cptr into[MAX_MSGS];
	bool answer[MAX_MSGS];
	kaal_cptr reply_cap[MAX_MSGS]; /* sent with the reply when not 0 */
	kaal_status st[MAX_MSGS];
	struct kaal_msg m[MAX_MSGS];
};

static void partner(kaal_word arg)
{
	struct partner *p = PTR(arg);
	for (unsigned i = 0; i < p->count; i++) {
		harness_receive_into(p->into[i]);
		p->st[i] = kaal_recv(p->ep, &p->m[i]);
		if (p->st[i] == KAAL_OK && p->answer[i]) {
			kaal_ipc_buffer()->send_cap = p->reply_cap[i];
			struct kaal_msg r = {
			    kaal_msg_info(kaal_msg_label(p->m[i].info) + ANSWER_OFFSET, 1,
			                  p->reply_cap[i] ? 1 : 0),
			    {p->m[i].mr[0], 0, 0, 0},
			    0};
			p->st[i] = kaal_reply(&r);
		}
	}
	kaal_signal(p->done, 1);
}

static kaal_cptr start_partner(struct partner *p, kaal_cptr ep, unsigned count)
{
	p->ep = ep;
	p->done = harness_create(KAAL_CAP_NOTIFICATION, 0);
	p->count = count;
	return harness_thread(partner, ARG(p), 0);
}

/* A sender thread: one send (or call) of m on ep, noting the outcome, then a signal. */
struct sender {
	kaal_cptr ep;
	kaal_cptr done;
	kaal_cptr into; /* where a capability in the reply goes, 0: nowhere */
	kaal_cptr cap;  /* attached to m when not 0 */
	bool call;
	struct kaal_msg m; /* after a call: the reply */
	kaal_status st;
};

static void sender(kaal_word arg)
{
	struct sender *s = PTR(arg);
	if (s->into)
		harness_receive_into(s->into);
	if (s->cap)
		kaal_msg_attach_cap(&s->m, s->cap);
	s->st = s->call ? kaal_call(s->ep, &s->m) : kaal_send(s->ep, &s->m);
	kaal_signal(s->done, 1);
}

/* Send and nb_send need Write; call needs it too, whatever else the cap has. */
static void ipc_send_needs_write(void **state)
{
	(void)state;
	kaal_cptr ep = harness_create(KAAL_CAP_ENDPOINT, 0);
	static struct partner p;
	memset(&p, 0, sizeof(p));
	harness_wait_blocked(start_partner(&p, ep, 1));

	const unsigned no_write[] = {0, R, G, GR, R | G | GR};
	for (unsigned i = 0; i < sizeof(no_write) / sizeof(no_write[0]); i++) {
		kaal_cptr cap = harness_derive(ep, no_write[i]);
		struct kaal_msg m = harness_word_message(1, 1);
		assert_status(KAAL_MISSING_RIGHT, kaal_send(cap, &m));
		assert_status(KAAL_MISSING_RIGHT, kaal_nb_send(cap, &m));
		assert_status(KAAL_MISSING_RIGHT, kaal_call(cap, &m));
	}
	/* None of those reached the receiver: the first message it gets is this one. */
	struct kaal_msg m = harness_word_message(2, 22);
	assert_status(KAAL_OK, kaal_send(harness_derive(ep, W), &m));
	harness_await_bits(p.done, 1);
	assert_status(KAAL_OK, p.st[0]);
	assert_int_equal(kaal_msg_info(2, 1, 0), p.m[0].info);
	assert_int_equal(22, p.m[0].mr[0]);
}

/* Recv and reply_recv need Read; a refused receive takes nothing from the queue. */
static void ipc_recv_needs_read(void **state)
{
	(void)state;
	kaal_cptr ep = harness_create(KAAL_CAP_ENDPOINT, 0);
	static struct sender s;
	s.ep = ep;
	s.done = harness_create(KAAL_CAP_NOTIFICATION, 0);
	s.m = harness_word_message(3, 33);
	harness_wait_blocked(harness_thread(sender, ARG(&s), 0));

	const unsigned no_read[] = {0, W, G, GR, W | G | GR};
	for (unsigned i = 0; i < sizeof(no_read) / sizeof(no_read[0]); i++) {
		kaal_cptr cap = harness_derive(ep, no_read[i]);
		struct kaal_msg m = harness_word_message(0, 0);
		assert_status(KAAL_MISSING_RIGHT, kaal_recv(cap, &m));
		assert_int_equal(0, m.mr[0]);
		m = harness_word_message(0, 0);
		assert_status(KAAL_MISSING_RIGHT, kaal_reply_recv(cap, &m));
	}
	kaal_word bits = 0;
	assert_status(KAAL_OK, kaal_peek(s.done, &bits));
	assert_int_equal(0, bits);

	struct kaal_msg m;
	assert_status(KAAL_OK, kaal_recv(harness_derive(ep, R), &m));
	assert_int_equal(kaal_msg_info(3, 1, 0), m.info);
	assert_int_equal(33, m.mr[0]);
	harness_await_bits(s.done, 1);
	assert_status(KAAL_OK, s.st);
}

/* A refused reply_recv does not reply either: the caller keeps waiting. */
static void ipc_reply_recv_without_read_does_not_reply(void **state)
{
	(void)state;
	kaal_cptr ep = harness_create(KAAL_CAP_ENDPOINT, 0);
	static struct sender c;
	c.ep = ep;
	c.call = true;
	c.done = harness_create(KAAL_CAP_NOTIFICATION, 0);
	c.m = harness_word_message(4, 44);
	harness_thread(sender, ARG(&c), 0);
	struct kaal_msg m;
	assert_status(KAAL_OK, kaal_recv(ep, &m));
	assert_int_equal(44, m.mr[0]);

	m = harness_word_message(5, 55);
	assert_status(KAAL_MISSING_RIGHT, kaal_reply_recv(harness_derive(ep, W | G | GR), &m));
	/* The reply is still owed: this one is the first the caller gets. */
	m = harness_word_message(6, 66);
	assert_status(KAAL_OK, kaal_reply(&m));
	harness_await_bits(c.done, 1);
	assert_status(KAAL_OK, c.st);
	assert_int_equal(kaal_msg_info(6, 1, 0), c.m.info);
	assert_int_equal(66, c.m.mr[0]);
}

/* Call needs Grant or GrantReply beside Write. */
static void ipc_call_needs_grant_or_grant_reply(void **state)
{
	(void)state;
	kaal_cptr ep = harness_create(KAAL_CAP_ENDPOINT, 0);
	static struct partner p;
	memset(&p, 0, sizeof(p));
	p.answer[0] = p.answer[1] = p.answer[2] = true;
	start_partner(&p, ep, 3);

	const unsigned refused[] = {W, R | W, R | G | GR};
	for (unsigned i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		struct kaal_msg m = harness_word_message(9, 9);
		assert_status(KAAL_MISSING_RIGHT, kaal_call(harness_derive(ep, refused[i]), &m));
	}
	const unsigned allowed[] = {W | GR, W | G, KAAL_RIGHTS_ALL};
	for (unsigned i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++) {
		struct kaal_msg m = harness_word_message(10 + i, i);
		assert_status(KAAL_OK, kaal_call(harness_derive(ep, allowed[i]), &m));
		assert_int_equal(kaal_msg_info(110 + i, 1, 0), m.info);
		assert_int_equal(i, m.mr[0]);
	}
	harness_await_bits(p.done, 1);
	for (unsigned i = 0; i < 3; i++) {
		assert_status(KAAL_OK, p.st[i]);
		assert_int_equal(10 + i, kaal_msg_label(p.m[i].info));
	}
}

/* A capability goes with a send or a call only through a cap with Grant. */
static void ipc_caps_need_grant(void **state)
{
	(void)state;
	kaal_cptr ep = harness_create(KAAL_CAP_ENDPOINT, 0);
	kaal_cptr n = harness_create(KAAL_CAP_NOTIFICATION, 0);
	static struct partner p;
	memset(&p, 0, sizeof(p));
	for (unsigned i = 0; i < 4; i++)
		p.into[i] = harness_slot();
	p.answer[2] = p.answer[3] = true;
	start_partner(&p, ep, 4);

	struct kaal_msg m = message_with_cap(0, n);
	assert_status(KAAL_OK, kaal_send(harness_derive(ep, W), &m));
	m = message_with_cap(1, n);
	assert_status(KAAL_OK, kaal_send(harness_derive(ep, W | G), &m));
	m = message_with_cap(2, n);
	assert_status(KAAL_OK, kaal_call(harness_derive(ep, W | GR), &m));
	m = message_with_cap(3, n);
	assert_status(KAAL_OK, kaal_call(harness_derive(ep, W | G), &m));
	harness_await_bits(p.done, 1);

	kaal_word object = harness_identify(n).object;
	for (unsigned i = 0; i < 4; i++) {
		bool granted = i == 1 || i == 3;
		assert_status(KAAL_OK, p.st[i]);
		assert_int_equal(granted ? kaal_msg_info(i, 1, 1) | KAAL_MSG_CAP_RECEIVED
		                         : kaal_msg_info(i, 1, 0),
		                 p.m[i].info);
		assert_int_equal(i, p.m[i].mr[0]);
		struct kaal_cap_info got = harness_identify(p.into[i]);
		assert_int_equal(granted ? KAAL_CAP_NOTIFICATION : KAAL_CAP_NULL, got.type);
		assert_int_equal(granted ? object : 0, got.object);
		/* A transferred capability keeps every right it had. */
		assert_int_equal(granted ? KAAL_RIGHTS_ALL : 0, got.rights);
	}
}

/* A reply carries a capability only if the server's receiving cap had Grant. */
static void ipc_reply_caps_need_the_receivers_grant(void **state)
{
	(void)state;
	kaal_cptr ep = harness_create(KAAL_CAP_ENDPOINT, 0);
	kaal_cptr n = harness_create(KAAL_CAP_NOTIFICATION, 0);
	const unsigned server_rights[] = {R, R | GR, R | G};
	static struct partner p[3];
	memset(p, 0, sizeof(p));
	for (unsigned i = 0; i < 3; i++) {
		p[i].answer[0] = true;
		p[i].reply_cap[0] = n;
		harness_wait_blocked(start_partner(&p[i], harness_derive(ep, server_rights[i]), 1));
	}
	for (unsigned i = 0; i < 3; i++) {
		kaal_cptr into = harness_slot();
		harness_receive_into(into);
		struct kaal_msg m = harness_word_message(i, i);
		assert_status(KAAL_OK, kaal_call(ep, &m));
		bool granted = i == 2;
		assert_int_equal(granted ? kaal_msg_info(100 + i, 1, 1) | KAAL_MSG_CAP_RECEIVED
		                         : kaal_msg_info(100 + i, 1, 0),
		                 m.info);
		assert_int_equal(granted ? KAAL_CAP_NOTIFICATION : KAAL_CAP_NULL,
		                 harness_identify(into).type);
		harness_await_bits(p[i].done, 1);
		assert_status(KAAL_OK, p[i].st[0]);
	}
}

/* The same with the caller queued first: the server's cap decides, whoever came first. */
static void ipc_reply_caps_need_the_receivers_grant_caller_first(void **state)
{
	(void)state;
	kaal_cptr ep = harness_create(KAAL_CAP_ENDPOINT, 0);
	kaal_cptr n = harness_create(KAAL_CAP_NOTIFICATION, 0);
	const unsigned server_rights[] = {R, R | GR, R | G};
	static struct sender c[3];
	for (unsigned i = 0; i < 3; i++) {
		c[i].ep = ep;
		c[i].done = harness_create(KAAL_CAP_NOTIFICATION, 0);
		c[i].into = harness_slot();
		c[i].call = true;
		c[i].m = harness_word_message(i, i);
		harness_wait_blocked(harness_thread(sender, ARG(&c[i]), 0));

		struct kaal_msg m;
		assert_status(KAAL_OK, kaal_recv(harness_derive(ep, server_rights[i]), &m));
		assert_int_equal(i, m.mr[0]);
		m = message_with_cap(100 + i, n);
		assert_status(KAAL_OK, kaal_reply(&m));
		harness_await_bits(c[i].done, 1);
		assert_status(KAAL_OK, c[i].st);
		bool granted = i == 2;
		assert_int_equal(granted ? kaal_msg_info(100 + i, 1, 1) | KAAL_MSG_CAP_RECEIVED
		                         : kaal_msg_info(100 + i, 1, 0),
		                 c[i].m.info);
		assert_int_equal(granted ? KAAL_CAP_NOTIFICATION : KAAL_CAP_NULL,
		                 harness_identify(c[i].into).type);
	}
}

/*
 * Calls of each kind: the fast path takes one word to a waiting receiver;
 * five words, or a capability, go the general path.
 */
enum call_kind { CALL_ONE_WORD, CALL_FIVE_WORDS, CALL_WITH_CAP, CALL_KINDS };

#define FIVE_WORDS 5u
#define CALL_LABEL 20u

static struct kaal_msg call_message(enum call_kind kind)
{
	unsigned length = kind == CALL_FIVE_WORDS ? FIVE_WORDS : 1;
	return harness_message(CALL_LABEL + kind, length, kind, 0, 0, 0);
}

/* Caller and receiver with Grant on one side only, each way round. */
#define GRANT_PAIRS 2u
static const unsigned grant_callers[GRANT_PAIRS] = {W | G, W | GR};
static const unsigned grant_receivers[GRANT_PAIRS] = {R, R | G};

/* The reply to a call of kind: cap arrived in into if, and only if, granted. */
static void assert_reply_cap(const struct kaal_msg *m, enum call_kind kind, bool granted,
                             kaal_cptr into, kaal_cptr cap)
{
	kaal_word label = CALL_LABEL + kind + ANSWER_OFFSET;
	assert_int_equal(granted ? kaal_msg_info(label, 1, 1) | KAAL_MSG_CAP_RECEIVED
	                         : kaal_msg_info(label, 1, 0),
	                 m->info);
	assert_int_equal(kind, m->mr[0]);
	struct kaal_cap_info got = harness_identify(into);
	assert_int_equal(granted ? KAAL_CAP_NOTIFICATION : KAAL_CAP_NULL, got.type);
	assert_int_equal(granted ? harness_identify(cap).object : 0, got.object);
}

/*
 * The reply capability's Grant is the receiver's: a reply carries a
 * capability only if the receiver's endpoint cap has Grant, whatever the
 * caller's has. The receiver waits first, so a one-word Call takes the
 * fast path and the others the general one.
 */
static void ipc_reply_grant_is_the_receivers_with_the_receiver_waiting(void **state)
{
	(void)state;
	kaal_cptr ep = harness_endpoint(), reply_cap = harness_notification();
	kaal_cptr call_cap = harness_notification();
	static struct partner p[CALL_KINDS][GRANT_PAIRS];
	memset(p, 0, sizeof(p));
	for (unsigned kind = 0; kind < CALL_KINDS; kind++) {
		for (unsigned i = 0; i < GRANT_PAIRS; i++) {
			struct partner *q = &p[kind][i];
			q->into[0] = harness_slot();
			q->answer[0] = true;
			q->reply_cap[0] = reply_cap;
			kaal_cptr server = harness_derive(ep, grant_receivers[i]);
			harness_wait_blocked(start_partner(q, server, 1));
			kaal_cptr client = harness_derive(ep, grant_callers[i]);
			kaal_cptr into = harness_slot();
			harness_receive_into(into);
			struct kaal_msg m = call_message(kind);
			if (kind == CALL_WITH_CAP)
				assert_status(KAAL_OK, kaal_msg_attach_cap(&m, call_cap));

			uint64_t before = harness_fastpath_count();
			assert_status(KAAL_OK, kaal_call(client, &m));
			assert_int_equal(before + (kind == CALL_ONE_WORD),
			                 harness_fastpath_count());
			assert_reply_cap(&m, kind, grant_receivers[i] & G, into, reply_cap);
			harness_await_bits(q->done, 1);
			assert_status(KAAL_OK, q->st[0]);
		}
	}
}

/* The same with the caller queued first: the receiver's cap still decides. */
static void ipc_reply_grant_is_the_receivers_with_the_caller_queued(void **state)
{
	(void)state;
	kaal_cptr ep = harness_endpoint(), reply_cap = harness_notification();
	kaal_cptr call_cap = harness_notification();
	static struct sender c[CALL_KINDS][GRANT_PAIRS];
	for (unsigned kind = 0; kind < CALL_KINDS; kind++) {
		for (unsigned i = 0; i < GRANT_PAIRS; i++) {
			struct sender *s = &c[kind][i];
			*s = (struct sender){.ep = harness_derive(ep, grant_callers[i]),
			                     .done = harness_notification(),
			                     .into = harness_slot(),
			                     .cap = kind == CALL_WITH_CAP ? call_cap : 0,
			                     .call = true,
			                     .m = call_message(kind)};
			harness_wait_blocked(harness_thread(sender, ARG(s), 0));

			kaal_cptr into = harness_slot();
			harness_receive_into(into);
			struct kaal_msg m;
			assert_status(KAAL_OK,
			              kaal_recv(harness_derive(ep, grant_receivers[i]), &m));
			assert_int_equal(CALL_LABEL + kind, kaal_msg_label(m.info));
			m = harness_message(CALL_LABEL + kind + ANSWER_OFFSET, 1, kind, 0, 0, 0);
			assert_status(KAAL_OK, kaal_msg_attach_cap(&m, reply_cap));
			assert_status(KAAL_OK, kaal_reply(&m));
			harness_await_bits(s->done, 1);
			assert_status(KAAL_OK, s->st);
			assert_reply_cap(&s->m, kind, grant_receivers[i] & G, s->into, reply_cap);
		}
	}
}

/* The badge of a cap does not change what it may do; its rights do. */
static void ipc_badged_caps_keep_their_rights(void **state)
{
	(void)state;
	kaal_cptr ep = harness_create(KAAL_CAP_ENDPOINT, 0);
	kaal_cptr read_only = harness_mint(ep, R, 0x10), write_only = harness_mint(ep, W, 0x20);
	struct kaal_msg m = harness_word_message(1, 1);
	assert_status(KAAL_MISSING_RIGHT, kaal_send(read_only, &m));
	assert_status(KAAL_MISSING_RIGHT, kaal_recv(write_only, &m));

	static struct sender s;
	s.ep = write_only;
	s.done = harness_create(KAAL_CAP_NOTIFICATION, 0);
	s.m = harness_word_message(5, 55);
	harness_thread(sender, ARG(&s), 0);
	assert_status(KAAL_OK, kaal_recv(read_only, &m));
	assert_int_equal(0x20, m.badge); /* the sender's badge, not the receiver's */
	assert_int_equal(55, m.mr[0]);
	harness_await_bits(s.done, 1);
	assert_status(KAAL_OK, s.st);
}

/* IPC on a capability that is not an endpoint: KAAL_WRONG_TYPE before any right is checked. */
static void ipc_wrong_type(void **state)
{
	(void)state;
	kaal_cptr n = harness_create(KAAL_CAP_NOTIFICATION, 0);
	kaal_cptr n_no_rights = harness_derive(n, 0);
	const kaal_cptr not_endpoints[] = {
	    n, n_no_rights, h.root, h.bi->root_thread_cptr, h.untyped, h.bi->ipc_buffer_cptr};
	for (unsigned i = 0; i < sizeof(not_endpoints) / sizeof(not_endpoints[0]); i++) {
		kaal_cptr c = not_endpoints[i];
		struct kaal_msg m = harness_word_message(1, 1);
		assert_status(KAAL_WRONG_TYPE, kaal_send(c, &m));
		assert_status(KAAL_WRONG_TYPE, kaal_nb_send(c, &m));
		m = harness_word_message(1, 1);
		assert_status(KAAL_WRONG_TYPE, kaal_call(c, &m));
		assert_status(KAAL_WRONG_TYPE, kaal_recv(c, &m));
		m = harness_word_message(1, 1);
		assert_status(KAAL_WRONG_TYPE, kaal_reply_recv(c, &m));
	}
	/* Nothing reached the notification's word. */
	kaal_word bits = 1;
	assert_status(KAAL_OK, kaal_peek(n, &bits));
	assert_int_equal(0, bits);

	/* An endpoint with no rights at all fails on the right instead. */
	kaal_cptr ep = harness_create(KAAL_CAP_ENDPOINT, 0);
	struct kaal_msg m = harness_word_message(1, 1);
	assert_status(KAAL_MISSING_RIGHT, kaal_send(harness_derive(ep, 0), &m));
}

/* An empty slot, or a pointer that does not resolve, is reported before anything else. */
static void ipc_empty_slot_and_bad_pointers(void **state)
{
	(void)state;
	kaal_cptr empty = harness_slot();
	const kaal_cptr cptrs[] = {0, empty};
	for (unsigned i = 0; i < 2; i++) {
		struct kaal_msg m = harness_word_message(1, 1);
		assert_status(KAAL_SLOT_EMPTY, kaal_send(cptrs[i], &m));
		assert_status(KAAL_SLOT_EMPTY, kaal_nb_send(cptrs[i], &m));
		assert_status(KAAL_SLOT_EMPTY, kaal_call(cptrs[i], &m));
		assert_status(KAAL_SLOT_EMPTY, kaal_recv(cptrs[i], &m));
		m = harness_word_message(1, 1);
		assert_status(KAAL_SLOT_EMPTY, kaal_reply_recv(cptrs[i], &m));
	}
	assert_int_equal(KAAL_CAP_NULL, harness_identify(empty).type);

	/* Bits above the root CNode's radix must match its (zero) guard. */
	kaal_cptr ep = harness_create(KAAL_CAP_ENDPOINT, 0);
	kaal_cptr beyond = ep | (UINT64_C(1) << 63);
	struct kaal_msg m = harness_word_message(1, 1);
	assert_status(KAAL_GUARD_MISMATCH, kaal_send(beyond, &m));
	assert_status(KAAL_GUARD_MISMATCH, kaal_recv(beyond, &m));
	m = harness_word_message(1, 1);
	assert_status(KAAL_GUARD_MISMATCH, kaal_call(beyond, &m));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    HARNESS_CASE(ipc_send_needs_write),
	    HARNESS_CASE(ipc_recv_needs_read),
	    HARNESS_CASE(ipc_reply_recv_without_read_does_not_reply),
	    HARNESS_CASE(ipc_call_needs_grant_or_grant_reply),
	    HARNESS_CASE(ipc_caps_need_grant),
	    HARNESS_CASE(ipc_reply_caps_need_the_receivers_grant),
	    HARNESS_CASE(ipc_reply_caps_need_the_receivers_grant_caller_first),
	    HARNESS_CASE(ipc_reply_grant_is_the_receivers_with_the_receiver_waiting),
	    HARNESS_CASE(ipc_reply_grant_is_the_receivers_with_the_caller_queued),
	    HARNESS_CASE(ipc_badged_caps_keep_their_rights),
	    HARNESS_CASE(ipc_wrong_type),
	    HARNESS_CASE(ipc_empty_slot_and_bad_pointers),
	};
	return cmocka_run_group_tests_name("ipc_rights", tests, NULL, NULL);
}
