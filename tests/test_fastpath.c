/*
 * The fast path of Call and ReplyRecv: when it is taken (the kernel's count
 * of fast calls moves by exactly the expected amount), that every case it
 * does not handle goes to the general path (the count does not move for
 * that call) with the general path's result, and that both paths give the
 * same words, zeroed words past the length, label, length, cleared kernel
 * bits 9-11, badges and statuses.
 *
 * Started threads never call cmocka: they note what they saw in a context
 * and signal a notification; the test thread asserts after waiting for it.
 * A peer whose state decides the path is made to block first
 * (harness_wait_blocked) before the call whose path is checked.
 */
#include "harness.h"

#define ROUNDS      100
#define ECHO_MAX    (ROUNDS + 2)
#define STOP_LABEL  7
#define LABEL_MAX   (UINT64_MAX >> 12)
#define KERNEL_BITS (UINT64_C(7) << 9)    /* info bits only the kernel may set */
#define JUNK        UINT64_C(0xBADBADBAD) /* in words past a message's length */

static void assert_words(const struct kaal_msg *m, kaal_word w0, kaal_word w1, kaal_word w2,
                         kaal_word w3)
{
	assert_int_equal(w0, m->mr[0]);
	assert_int_equal(w1, m->mr[1]);
	assert_int_equal(w2, m->mr[2]);
	assert_int_equal(w3, m->mr[3]);
}

/* A message as received: badge, label and length (no capability), the four register words. */
static void assert_message(const struct kaal_msg *m, kaal_word badge, kaal_word label,
                           unsigned length, kaal_word w0, kaal_word w1, kaal_word w2, kaal_word w3)
{
	assert_int_equal(badge, m->badge);
	assert_int_equal(kaal_msg_info(label, length, 0), m->info);
	assert_words(m, w0, w1, w2, w3);
}

/*
 * The echo server: receives on ep and answers each call with ReplyRecv:
 * the same label, as many words (or reply_words), each word + 1 (words past
 * the call's length count as 0), with kernel bits 9-11 set, which must not
 * arrive. A call labelled STOP_LABEL is answered with Reply (never the fast
 * path), then done_bit is signalled on done.
 */
struct echo {
	kaal_cptr ep, done; /* as the server's CSpace names them */
	kaal_word done_bit;
	bool first_by_reply_recv; /* the first receive is a ReplyRecv with nothing to answer */
	bool hold_first;          /* the first call stays unanswered: the server receives again */
	unsigned reply_words;     /* 0: as many as the call */
	kaal_cptr into;           /* root slot a received capability goes to, 0: none */
	kaal_cptr reply_cap;      /* sent with the replies to calls 0, 2, 4, ... (0: none) */
	unsigned n;               /* receives so far */
	kaal_status st[ECHO_MAX];
	struct kaal_msg got[ECHO_MAX];
	kaal_word word4[ECHO_MAX]; /* IPC buffer word 4 after each receive */
	kaal_status stop_st;
};

static struct kaal_msg echoed(const struct echo *e, const struct kaal_msg *got, unsigned i)
{
	unsigned len = kaal_msg_length(got->info);
	unsigned out = e->reply_words ? e->reply_words : len;
	struct kaal_ipc_buffer *buf = kaal_ipc_buffer();
	struct kaal_msg r = harness_message(kaal_msg_label(got->info), out, got->mr[0] + 1,
	                                    got->mr[1] + 1, got->mr[2] + 1, got->mr[3] + 1);
	r.info |= KERNEL_BITS;
	for (unsigned j = KAAL_MSG_FAST_WORDS; j < out; j++)
		buf->msg[j] = (j < len ? buf->msg[j] : 0) + 1;
	if (e->reply_cap && i % 2 == 0) {
		buf->send_cap = e->reply_cap;
		r.info |= kaal_msg_info(0, 0, 1);
	}
	return r;
}

static void echo_server(kaal_word arg)
{
	struct echo *e = PTR(arg);
	struct kaal_ipc_buffer *buf = kaal_ipc_buffer();
	if (e->into)
		harness_receive_into(e->into);
	struct kaal_msg m = harness_message(0, 0, 0, 0, 0, 0);
	kaal_status st = e->first_by_reply_recv ? kaal_reply_recv(e->ep, &m) : kaal_recv(e->ep, &m);
	for (;;) {
		unsigned i = e->n++;
		e->st[i] = st;
		e->got[i] = m;
		e->word4[i] = buf->msg[KAAL_MSG_FAST_WORDS];
		if (st != KAAL_OK || kaal_msg_label(m.info) == STOP_LABEL || e->n == ECHO_MAX)
			break;
		if (i == 0 && e->hold_first) {
			st = kaal_recv(e->ep, &m);
			continue;
		}
		m = echoed(e, &m, i);
		st = kaal_reply_recv(e->ep, &m);
	}
	if (st == KAAL_OK) {
		m = echoed(e, &m, e->n - 1);
		e->stop_st = kaal_reply(&m);
	}
	kaal_signal(e->done, e->done_bit);
}

/* Start the echo server in cspace (0: the root CNode) and wait until it is blocked receiving. */
static kaal_cptr start_echo(struct echo *e, kaal_cptr cspace)
{
	kaal_cptr t = harness_thread(echo_server, ARG(e), cspace);
	harness_wait_blocked(t);
	return t;
}

/* End the echo server, waiting to receive: the Call is fast, the Reply answering it is not. */
static void stop_echo(kaal_cptr ep, kaal_cptr done, const struct echo *e)
{
	uint64_t before = harness_fastpath_count();
	struct kaal_msg m = harness_message(STOP_LABEL, 0, 0, 0, 0, 0);
	assert_status(KAAL_OK, kaal_call(ep, &m));
	assert_int_equal(before + 1, harness_fastpath_count());
	harness_await_bits(done, e->done_bit);
	assert_status(KAAL_OK, e->stop_st);
}

/* A client thread: one call of m on ep, then done_bit on done. */
struct client {
	kaal_cptr ep, done;
	kaal_word done_bit;
	struct kaal_msg m; /* the call, then the reply */
	kaal_status st;
};

static void client(kaal_word arg)
{
	struct client *c = PTR(arg);
	kaal_ipc_buffer()->badge = JUNK; /* a stale badge the reply must overwrite */
	c->st = kaal_call(c->ep, &c->m);
	kaal_signal(c->done, c->done_bit);
}

/* The client's call came back with this reply: label, length and words (the rest 0), badge 0. */
static void assert_replied(const struct client *c, kaal_word label, unsigned length, kaal_word w0,
                           kaal_word w1)
{
	assert_status(KAAL_OK, c->st);
	assert_message(&c->m, 0, label, length, w0, w1, 0, 0);
}

static kaal_cptr start_client(struct client *c, kaal_cptr ep, kaal_cptr done, kaal_word done_bit,
                              struct kaal_msg m, kaal_cptr cspace)
{
	*c = (struct client){ep, done, done_bit, m, KAAL_INVALID_SYSCALL};
	return harness_thread(client, ARG(c), cspace);
}

/*
 * ROUNDS calls of 0..4 words with varying labels, words past the length
 * that must not arrive, and on some the kernel's bits 9-11 set.
 */
struct rounds {
	kaal_cptr ep, done; /* as the client's CSpace names them */
	kaal_word done_bit;
	kaal_status st[ROUNDS];
	struct kaal_msg reply[ROUNDS];
	kaal_status stop_st;
};

static kaal_word round_label(unsigned i)
{
	return i == ROUNDS - 1 ? LABEL_MAX : (kaal_word)i * UINT64_C(0x10000000001);
}

static struct kaal_msg round_message(unsigned i)
{
	unsigned len = i % 5;
	struct kaal_msg m = harness_message(round_label(i), len, 0, 0, 0, 0);
	for (unsigned j = 0; j < KAAL_MSG_FAST_WORDS; j++)
		m.mr[j] = j < len ? UINT64_C(0xC0DE000000000000) | (kaal_word)i << 8 | j : JUNK;
	if (i % 3 == 1)
		m.info |= KERNEL_BITS;
	return m;
}

static void make_rounds(struct rounds *r)
{
	for (unsigned i = 0; i < ROUNDS; i++) {
		kaal_ipc_buffer()->badge = JUNK;
		r->reply[i] = round_message(i);
		r->st[i] = kaal_call(r->ep, &r->reply[i]);
	}
}

static void rounds_client(kaal_word arg)
{
	struct rounds *r = PTR(arg);
	make_rounds(r);
	struct kaal_msg m = harness_message(STOP_LABEL, 0, 0, 0, 0, 0);
	r->stop_st = kaal_call(r->ep, &m);
	kaal_signal(r->done, r->done_bit);
}

/* What the general path gives for every round: the server saw the call, the client the echo. */
static void assert_rounds(const struct echo *e, const struct rounds *r, kaal_word badge)
{
	assert_int_equal(ROUNDS + 1, e->n);
	for (unsigned i = 0; i < ROUNDS; i++) {
		struct kaal_msg sent = round_message(i);
		unsigned len = kaal_msg_length(sent.info);
		kaal_word info = kaal_msg_info(round_label(i), len, 0);
		assert_status(KAAL_OK, e->st[i]);
		assert_int_equal(info, e->got[i].info);
		assert_int_equal(badge, e->got[i].badge);
		assert_status(KAAL_OK, r->st[i]);
		assert_int_equal(info, r->reply[i].info);
		assert_int_equal(0, r->reply[i].badge);
		for (unsigned j = 0; j < KAAL_MSG_FAST_WORDS; j++) {
			assert_int_equal(j < len ? sent.mr[j] : 0, e->got[i].mr[j]);
			assert_int_equal(j < len ? sent.mr[j] + 1 : 0, r->reply[i].mr[j]);
		}
	}
}

/* A new CNode of the radix holding copies of caps in its slots 0, 1, ... (cptr 0: none). */
static kaal_cptr cnode_of(unsigned radix, const kaal_cptr *caps, unsigned count)
{
	kaal_cptr cnode = harness_create(KAAL_CAP_CNODE, radix);
	for (unsigned i = 0; i < count; i++) {
		struct kaal_slot_ref slot = {cnode, i, radix};
		if (caps[i])
			assert_status(KAAL_OK, kaal_cnode_copy(slot, harness_ref(caps[i])));
	}
	return cnode;
}

/* One level: radix 8 under a 56-bit guard GUARD, so cptrs are (GUARD << 8) | slot. */
#define GUARD        UINT64_C(0x5A)
#define ONE_LEVEL(s) ((GUARD << 8) | (s))

static kaal_cptr one_level_cspace(const kaal_cptr *caps, unsigned count)
{
	return harness_guarded(cnode_of(8, caps, count), 56, GUARD);
}

/*
 * Two levels: radix 4 under a 52-bit zero guard (56 bits, not 64) whose
 * slot 0 holds a CNode of radix 8 with caps, so a cptr is a slot of the
 * second level. The first level's slots 1-3 hold decoy: what a lookup that
 * took this CSpace for a one-level one would find.
 */
static kaal_cptr two_level_cspace(const kaal_cptr *caps, unsigned count, kaal_cptr decoy)
{
	const kaal_cptr top[] = {cnode_of(8, caps, count), decoy, decoy, decoy};
	return harness_guarded(cnode_of(4, top, 4), 52, 0);
}

/* Every Call and ReplyRecv of a client/server round trip is fast, with the general results. */
static void round_trips_take_the_fast_path(void **state)
{
	(void)state;
	kaal_cptr ep = harness_endpoint(), done = harness_notification();
	static struct echo e;
	/* The server's own capability has a badge, which its replies must not carry. */
	e = (struct echo){
	    .ep = harness_mint(ep, KAAL_RIGHT_READ, 0x5E), .done = done, .done_bit = 1};
	kaal_cptr server = start_echo(&e, 0);
	/* A bound notification with no bits pending does not stop the fast path. */
	assert_status(KAAL_OK, kaal_thread_bind_notification(server, harness_notification()));
	static struct rounds r;
	r = (struct rounds){.ep = harness_mint(ep, KAAL_RIGHTS_ALL, 0xB0B)};

	uint64_t before = harness_fastpath_count();
	make_rounds(&r);
	/* The ReplyRecv answering each call counts before the call returns. */
	assert_int_equal(before + 2 * ROUNDS, harness_fastpath_count());
	stop_echo(ep, done, &e);
	assert_rounds(&e, &r, 0xB0B);
}

/* The same round trip between two-level CSpaces: all general, with the same results. */
static void two_level_cspaces_take_the_general_path(void **state)
{
	(void)state;
	kaal_cptr ep = harness_endpoint(), done = harness_notification();
	const kaal_cptr caps[] = {0, harness_mint(ep, KAAL_RIGHTS_ALL, 0xB0B),
	                          harness_mint(ep, KAAL_RIGHT_READ, 0x5E), done};
	kaal_cptr cspace = two_level_cspace(caps, 4, harness_mint(ep, KAAL_RIGHTS_ALL, 0xDEC0));
	static struct echo e;
	e = (struct echo){.ep = 2, .done = 3, .done_bit = 1};
	static struct rounds r;
	r = (struct rounds){.ep = 1, .done = 3, .done_bit = 2};

	uint64_t before = harness_fastpath_count();
	start_echo(&e, cspace);
	harness_thread(rounds_client, ARG(&r), cspace);
	harness_await_bits(done, 3);
	assert_int_equal(before, harness_fastpath_count());
	assert_status(KAAL_OK, r.stop_st);
	assert_status(KAAL_OK, e.stop_st);
	assert_rounds(&e, &r, 0xB0B);
}

/* A one-level CSpace other than the root CNode, with a guard other than 0, is fast too. */
static void one_level_cspace_with_a_guard(void **state)
{
	(void)state;
	kaal_cptr ep = harness_endpoint(), done = harness_notification();
	const kaal_cptr caps[] = {harness_mint(ep, KAAL_RIGHTS_ALL, 0x5A5A), done};
	kaal_cptr cspace = one_level_cspace(caps, 2);
	static struct echo e;
	e = (struct echo){.ep = ep, .done = done, .done_bit = 1};
	start_echo(&e, 0);

	uint64_t before = harness_fastpath_count();
	static struct client c;
	start_client(&c, ONE_LEVEL(0), ONE_LEVEL(1), 2, harness_message(21, 2, 5, 6, JUNK, JUNK),
	             cspace);
	harness_await_bits(done, 2);
	assert_int_equal(before + 2, harness_fastpath_count());
	assert_replied(&c, 21, 2, 6, 7);
	stop_echo(ep, done, &e);
	assert_int_equal(2, e.n);
	assert_int_equal(0x5A5A, e.got[0].badge);
	assert_words(&e.got[0], 5, 6, 0, 0);
}

/*
 * Messages of five words go through the IPC buffers on the general path:
 * a five-word Call, and the five-word ReplyRecv answering a fast Call.
 */
static void five_words_take_the_general_path(void **state)
{
	(void)state;
	kaal_cptr ep = harness_endpoint(), done = harness_notification();
	static struct echo e;
	e = (struct echo){.ep = ep, .done = done, .done_bit = 1, .reply_words = 5};
	start_echo(&e, 0);
	struct kaal_ipc_buffer *buf = kaal_ipc_buffer();
	buf->msg[4] = 0x4444;
	buf->msg[5] = 0x5555;

	uint64_t before = harness_fastpath_count();
	struct kaal_msg m = harness_message(9, 5, 1, 2, 3, 4);
	assert_status(KAAL_OK, kaal_call(ep, &m));
	/* The Call and the ReplyRecv answering it both went general. */
	assert_int_equal(before, harness_fastpath_count());
	assert_int_equal(kaal_msg_info(9, 5, 0), m.info);
	assert_words(&m, 2, 3, 4, 5);
	assert_int_equal(0x4445, buf->msg[4]);
	assert_int_equal(0x5555, buf->msg[5]); /* past the reply's length: untouched */

	/* The server was left receiving: a one-word Call is fast, the five-word ReplyRecv not. */
	buf->msg[4] = JUNK;
	m = harness_message(10, 1, 7, JUNK, JUNK, JUNK);
	assert_status(KAAL_OK, kaal_call(ep, &m));
	assert_int_equal(before + 1, harness_fastpath_count());
	assert_int_equal(kaal_msg_info(10, 5, 0), m.info);
	assert_words(&m, 8, 1, 1, 1); /* words past the call's length count as 0 in the echo */
	assert_int_equal(1, buf->msg[4]);
	stop_echo(ep, done, &e);
	assert_int_equal(kaal_msg_info(9, 5, 0), e.got[0].info);
	assert_int_equal(0x4444, e.word4[0]);
	assert_int_equal(kaal_msg_info(10, 1, 0), e.got[1].info);
}

/* A call carrying a capability goes general and the capability arrives; the ReplyRecv is fast. */
static void call_carrying_a_capability(void **state)
{
	(void)state;
	kaal_cptr ep = harness_endpoint(), done = harness_notification();
	kaal_cptr n = harness_notification(), into = harness_slot();
	static struct echo e;
	e = (struct echo){.ep = ep, .done = done, .done_bit = 1, .into = into};
	start_echo(&e, 0);

	uint64_t before = harness_fastpath_count();
	kaal_ipc_buffer()->send_cap = n;
	struct kaal_msg m = {kaal_msg_info(12, 2, 1), {1, 2, JUNK, JUNK}, 0};
	assert_status(KAAL_OK, kaal_call(ep, &m));
	assert_int_equal(before + 1, harness_fastpath_count());
	assert_int_equal(kaal_msg_info(12, 2, 0), m.info);
	assert_words(&m, 2, 3, 0, 0);
	stop_echo(ep, done, &e);

	assert_int_equal(kaal_msg_info(12, 2, 1) | KAAL_MSG_CAP_RECEIVED, e.got[0].info);
	assert_words(&e.got[0], 1, 2, 0, 0);
	struct kaal_cap_info got = harness_identify(into);
	assert_int_equal(KAAL_CAP_NOTIFICATION, got.type);
	assert_int_equal(harness_identify(n).object, got.object);
}

/* A call with no receiver waiting queues (general path); a later receive gets it. */
static void call_without_a_waiting_receiver(void **state)
{
	(void)state;
	kaal_cptr ep = harness_endpoint(), done = harness_notification();
	uint64_t before = harness_fastpath_count();
	static struct client c;
	harness_wait_blocked(start_client(&c, harness_mint(ep, KAAL_RIGHTS_ALL, 0x77), done, 1,
	                                  harness_message(6, 3, 60, 61, 62, JUNK), 0));
	assert_int_equal(before, harness_fastpath_count());

	struct kaal_msg m;
	assert_status(KAAL_OK, kaal_recv(ep, &m));
	assert_message(&m, 0x77, 6, 3, 60, 61, 62, 0);
	m = harness_message(7, 1, 70, JUNK, JUNK, JUNK);
	assert_status(KAAL_OK, kaal_reply(&m));
	harness_await_bits(done, 1);
	assert_replied(&c, 7, 1, 70, 0);
	assert_int_equal(before, harness_fastpath_count());
}

/*
 * Calls the general path refuses (lookup, type, rights) change nothing and
 * are not counted; the receiver still waits. Either Grant right is enough.
 */
static void refused_calls_change_nothing(void **state)
{
	(void)state;
	kaal_cptr ep = harness_endpoint(), done = harness_notification();
	const struct {
		kaal_cptr cptr;
		kaal_status st;
	} refused[] = {
	    {harness_slot(), KAAL_SLOT_EMPTY},
	    {harness_notification(), KAAL_WRONG_TYPE},
	    {h.root, KAAL_WRONG_TYPE},
	    {ep | UINT64_C(1) << 63, KAAL_GUARD_MISMATCH},
	    {harness_derive(ep, KAAL_RIGHT_READ | KAAL_RIGHT_GRANT | KAAL_RIGHT_GRANT_REPLY),
	     KAAL_MISSING_RIGHT}, /* no Write */
	    {harness_derive(ep, KAAL_RIGHT_READ | KAAL_RIGHT_WRITE), KAAL_MISSING_RIGHT},
	};
	const kaal_cptr grant_reply = harness_derive(ep, KAAL_RIGHT_WRITE | KAAL_RIGHT_GRANT_REPLY);
	const kaal_cptr grant = harness_derive(ep, KAAL_RIGHT_WRITE | KAAL_RIGHT_GRANT);
	static struct echo e;
	e = (struct echo){.ep = ep, .done = done, .done_bit = 1};
	start_echo(&e, 0);

	uint64_t before = harness_fastpath_count();
	for (unsigned i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		struct kaal_msg m = harness_message(30 + i, 4, 1, 2, 3, 4);
		assert_status(refused[i].st, kaal_call(refused[i].cptr, &m));
		assert_words(&m, 0, 0, 0, 0);
	}
	assert_int_equal(before, harness_fastpath_count());

	struct kaal_msg m = harness_message(40, 1, 400, 0, 0, 0);
	assert_status(KAAL_OK, kaal_call(grant_reply, &m));
	assert_int_equal(before + 2, harness_fastpath_count());
	assert_words(&m, 401, 0, 0, 0);
	m = harness_message(41, 1, 410, 0, 0, 0);
	assert_status(KAAL_OK, kaal_call(grant, &m));
	assert_int_equal(before + 4, harness_fastpath_count());
	assert_words(&m, 411, 0, 0, 0);
	stop_echo(ep, done, &e);
	/* None of the refused calls reached the server. */
	assert_int_equal(3, e.n);
	assert_int_equal(kaal_msg_info(40, 1, 0), e.got[0].info);
}

/* A receiver still owing a caller a reply: the next call goes general and drops that caller. */
static void call_to_a_receiver_owing_a_reply(void **state)
{
	(void)state;
	kaal_cptr ep = harness_endpoint(), done = harness_notification();
	static struct echo e;
	e = (struct echo){.ep = ep, .done = done, .done_bit = 1, .hold_first = true};
	kaal_cptr server = start_echo(&e, 0);

	uint64_t before = harness_fastpath_count();
	static struct client first;
	harness_wait_blocked(
	    start_client(&first, ep, done, 2, harness_message(1, 1, 10, 0, 0, 0), 0));
	harness_wait_blocked(server); /* received the first call and receives again */
	assert_int_equal(before + 1, harness_fastpath_count());

	struct kaal_msg m = harness_message(2, 1, 20, 0, 0, 0);
	assert_status(KAAL_OK, kaal_call(ep, &m));
	/* Only the ReplyRecv answering this call was fast. */
	assert_int_equal(before + 2, harness_fastpath_count());
	assert_int_equal(kaal_msg_info(2, 1, 0), m.info);
	assert_words(&m, 21, 0, 0, 0);
	harness_await_bits(done, 2);
	assert_status(KAAL_OBJECT_DELETED, first.st);
	assert_words(&first.m, 0, 0, 0, 0);
	stop_echo(ep, done, &e);
	assert_int_equal(10, e.got[0].mr[0]);
	assert_int_equal(20, e.got[1].mr[0]);
}

/* A ReplyRecv with no reply capability only receives, on the general path. */
static void reply_recv_without_a_reply_capability(void **state)
{
	(void)state;
	kaal_cptr ep = harness_endpoint(), done = harness_notification();
	static struct echo e;
	e = (struct echo){.ep = ep, .done = done, .done_bit = 1, .first_by_reply_recv = true};
	uint64_t before = harness_fastpath_count();
	start_echo(&e, 0);
	assert_int_equal(before, harness_fastpath_count());

	struct kaal_msg m = harness_message(5, 2, 50, 51, JUNK, JUNK);
	assert_status(KAAL_OK, kaal_call(ep, &m));
	assert_int_equal(before + 2, harness_fastpath_count());
	assert_int_equal(kaal_msg_info(5, 2, 0), m.info);
	assert_words(&m, 51, 52, 0, 0);
	stop_echo(ep, done, &e);
	assert_status(KAAL_OK, e.st[0]);
	assert_int_equal(kaal_msg_info(5, 2, 0), e.got[0].info);
	assert_words(&e.got[0], 50, 51, 0, 0);
}

/* A ReplyRecv with a sender queued goes general: it replies, then receives at once. */
static void reply_recv_with_a_sender_queued(void **state)
{
	(void)state;
	kaal_cptr ep = harness_endpoint(), done = harness_notification();
	static struct client a, b;
	start_client(&a, harness_mint(ep, KAAL_RIGHTS_ALL, 0xA), done, 1,
	             harness_message(1, 1, 10, 0, 0, 0), 0);
	struct kaal_msg m;
	assert_status(KAAL_OK, kaal_recv(ep, &m));
	assert_int_equal(0xA, m.badge);
	harness_wait_blocked(start_client(&b, harness_mint(ep, KAAL_RIGHTS_ALL, 0xB), done, 2,
	                                  harness_message(2, 2, 20, 21, JUNK, JUNK), 0));

	uint64_t before = harness_fastpath_count();
	m = harness_message(3, 1, 30, JUNK, JUNK, JUNK);
	m.info |= KERNEL_BITS;
	assert_status(KAAL_OK, kaal_reply_recv(ep, &m));
	assert_int_equal(before, harness_fastpath_count());
	assert_message(&m, 0xB, 2, 2, 20, 21, 0, 0);
	harness_await_bits(done, 1);
	assert_replied(&a, 3, 1, 30, 0);

	m = harness_message(4, 0, JUNK, JUNK, JUNK, JUNK);
	assert_status(KAAL_OK, kaal_reply(&m));
	harness_await_bits(done, 2);
	assert_replied(&b, 4, 0, 0, 0);
	assert_int_equal(before, harness_fastpath_count());
}

/* A ReplyRecv with bits pending on the bound notification goes general: reply, then the bits. */
static void reply_recv_with_pending_notification_bits(void **state)
{
	(void)state;
	kaal_cptr ep = harness_endpoint(), done = harness_notification();
	kaal_cptr n = harness_notification();
	assert_status(KAAL_OK, kaal_thread_bind_notification(h.bi->root_thread_cptr, n));
	static struct client a;
	start_client(&a, ep, done, 1, harness_message(1, 1, 10, 0, 0, 0), 0);
	struct kaal_msg m;
	assert_status(KAAL_OK, kaal_recv(ep, &m));
	assert_status(KAAL_OK, kaal_signal(n, 0x30));

	uint64_t before = harness_fastpath_count();
	m = harness_message(2, 1, 20, JUNK, JUNK, JUNK);
	assert_status(KAAL_OK, kaal_reply_recv(ep, &m));
	assert_int_equal(before, harness_fastpath_count());
	assert_int_equal(KAAL_MSG_FROM_NOTIFICATION, m.info);
	assert_int_equal(0x30, m.badge);
	assert_words(&m, 0, 0, 0, 0);
	assert_int_equal(0, harness_peek(n));
	harness_await_bits(done, 1);
	assert_replied(&a, 2, 1, 20, 0);
}

/* ReplyRecvs the general path refuses (rights, type, lookup) neither reply nor receive. */
static void refused_reply_recvs_change_nothing(void **state)
{
	(void)state;
	kaal_cptr ep = harness_endpoint(), done = harness_notification();
	const struct {
		kaal_cptr cptr;
		kaal_status st;
	} refused[] = {
	    {harness_derive(ep, KAAL_RIGHT_WRITE | KAAL_RIGHT_GRANT | KAAL_RIGHT_GRANT_REPLY),
	     KAAL_MISSING_RIGHT}, /* no Read */
	    {harness_notification(), KAAL_WRONG_TYPE},
	    {harness_slot(), KAAL_SLOT_EMPTY},
	    {ep | UINT64_C(1) << 63, KAAL_GUARD_MISMATCH},
	};
	static struct client a;
	start_client(&a, ep, done, 1, harness_message(1, 1, 10, 0, 0, 0), 0);
	struct kaal_msg m;
	assert_status(KAAL_OK, kaal_recv(ep, &m));

	uint64_t before = harness_fastpath_count();
	for (unsigned i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		m = harness_message(20 + i, 1, 20 + i, 0, 0, 0);
		assert_status(refused[i].st, kaal_reply_recv(refused[i].cptr, &m));
		assert_words(&m, 0, 0, 0, 0);
	}
	assert_int_equal(before, harness_fastpath_count());
	/* The reply capability is still held: a valid reply is the one that arrives. */
	m = harness_message(3, 2, 30, 31, JUNK, JUNK);
	assert_status(KAAL_OK, kaal_reply(&m));
	harness_await_bits(done, 1);
	assert_replied(&a, 3, 2, 30, 31);
	assert_int_equal(before, harness_fastpath_count());
}

/*
 * A reply's capability arrives only if the server received through a cap
 * with Grant, whether it was waiting after a general receive (call 0) or
 * after a fast ReplyRecv (call 2) when the fast path gave it the call.
 */
static void reply_capability_needs_the_servers_grant(void **state)
{
	(void)state;
	static struct echo e[2];
	for (unsigned grant = 0; grant < 2; grant++) {
		kaal_cptr ep = harness_endpoint(), done = harness_notification();
		kaal_cptr n = harness_notification();
		unsigned rights = KAAL_RIGHT_READ | (grant ? KAAL_RIGHT_GRANT : 0);
		e[grant] = (struct echo){
		    .ep = harness_derive(ep, rights), .done = done, .done_bit = 1, .reply_cap = n};
		start_echo(&e[grant], 0);

		uint64_t before = harness_fastpath_count();
		/* Every Call is fast; the ReplyRecvs carrying a capability are not. */
		static const unsigned fast[] = {1, 3, 4};
		for (unsigned i = 0; i < 3; i++) {
			kaal_cptr into = harness_slot();
			harness_receive_into(into);
			struct kaal_msg m = harness_message(60 + i, 1, i, 0, 0, 0);
			assert_status(KAAL_OK, kaal_call(ep, &m));
			assert_int_equal(before + fast[i], harness_fastpath_count());
			bool arrived = grant && i % 2 == 0;
			assert_int_equal(arrived
			                     ? kaal_msg_info(60 + i, 1, 1) | KAAL_MSG_CAP_RECEIVED
			                     : kaal_msg_info(60 + i, 1, 0),
			                 m.info);
			assert_int_equal(arrived ? harness_identify(n).object : 0,
			                 harness_identify(into).object);
		}
		stop_echo(ep, done, &e[grant]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    HARNESS_CASE(round_trips_take_the_fast_path),
	    HARNESS_CASE(two_level_cspaces_take_the_general_path),
	    HARNESS_CASE(one_level_cspace_with_a_guard),
	    HARNESS_CASE(five_words_take_the_general_path),
	    HARNESS_CASE(call_carrying_a_capability),
	    HARNESS_CASE(call_without_a_waiting_receiver),
	    HARNESS_CASE(refused_calls_change_nothing),
	    HARNESS_CASE(call_to_a_receiver_owing_a_reply),
	    HARNESS_CASE(reply_recv_without_a_reply_capability),
	    HARNESS_CASE(reply_recv_with_a_sender_queued),
	    HARNESS_CASE(reply_recv_with_pending_notification_bits),
	    HARNESS_CASE(refused_reply_recvs_change_nothing),
	    HARNESS_CASE(reply_capability_needs_the_servers_grant),
	};
	return cmocka_run_group_tests_name("fastpath", tests, NULL, NULL);
}
