/*
 * Call slots: arguments and geometry, the phases and their wrap, a hostile
 * peer's state words and lengths, timeouts, and a client and a server on
 * two threads making and answering calls, sleeping or spinning.
 */
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#include <kaal/call_slot.h>

#define LEN_MASK   ((UINT32_C(1) << KAAL_CALL_SLOT_LEN_BITS) - 1)
#define PHASE_MASK (UINT32_MAX >> KAAL_CALL_SLOT_LEN_BITS)
/* Cptrs that hold nothing: the sides of a test that never sleeps nor signals. */
#define NO_NTFN 0

static uint32_t pack(uint32_t phase, uint32_t len)
{
	return phase << KAAL_CALL_SLOT_LEN_BITS | len;
}

static struct kaal_call_slot_line *line_of(struct harness_fenced *f)
{
	return f->mem;
}

static void attach_both(struct harness_fenced *f, struct kaal_call_slot *client,
                        struct kaal_call_slot *server)
{
	assert_status(KAAL_OK, kaal_call_slot_attach(client, f->mem, f->size, KAAL_CALL_SLOT_CLIENT,
	                                             NO_NTFN, NO_NTFN));
	assert_status(KAAL_OK, kaal_call_slot_attach(server, f->mem, f->size, KAAL_CALL_SLOT_SERVER,
	                                             NO_NTFN, NO_NTFN));
}

/* A slot between canaries, and a client and a server attached to it. */
static struct harness_fenced fenced_slot(struct kaal_call_slot *client,
                                         struct kaal_call_slot *server)
{
	struct harness_fenced f = harness_fenced(KAAL_CALL_SLOT_LINE);
	assert_status(KAAL_OK, kaal_call_slot_create(f.mem, f.size));
	attach_both(&f, client, server);
	return f;
}

/* Nothing outside the line was written; the slot is done with. */
static void check_and_free(struct harness_fenced *f)
{
	harness_assert_fences_intact(f);
	free(f->block);
}

/* A request of len bytes, each derived from the call number k. */
static void fill(uint8_t *buf, size_t len, uint32_t k)
{
	for (size_t i = 0; i < len; i++)
		buf[i] = (uint8_t)(k * 31u + i);
}

/* One call without blocking: post, receive, check, reply with it reversed, collect. */
static void one_call(struct kaal_call_slot *client, struct kaal_call_slot *server, size_t len,
                     uint32_t k)
{
	uint8_t req[KAAL_CALL_SLOT_PAYLOAD], got[KAAL_CALL_SLOT_PAYLOAD];
	uint8_t resp[KAAL_CALL_SLOT_PAYLOAD];
	size_t n = SIZE_MAX;
	fill(req, len, k);
	assert_status(KAAL_OK, kaal_call_slot_post(client, req, len));
	assert_status(KAAL_WOULD_BLOCK, kaal_call_slot_wait(client, got, sizeof got, &n, 0));
	assert_status(KAAL_OK, kaal_call_slot_receive(server, got, sizeof got, &n, 0));
	assert_int_equal(len, n);
	assert_memory_equal(req, got, len);
	for (size_t i = 0; i < len; i++)
		resp[i] = req[len - 1 - i];
	assert_status(KAAL_ILLEGAL_OPERATION,
	              kaal_call_slot_receive(server, got, sizeof got, &n, 0));
	assert_status(KAAL_OK, kaal_call_slot_reply(server, resp, len));
	n = SIZE_MAX;
	assert_status(KAAL_OK, kaal_call_slot_wait(client, got, sizeof got, &n, 0));
	assert_int_equal(len, n);
	assert_memory_equal(resp, got, len);
}

static void create_and_attach_check_their_arguments(void **state)
{
	(void)state;
	uint8_t *block = aligned_alloc(KAAL_CALL_SLOT_LINE, 2 * KAAL_CALL_SLOT_LINE);
	assert_non_null(block);
	memset(block, 0, 2 * KAAL_CALL_SLOT_LINE);
	struct kaal_call_slot side;
	assert_status(KAAL_INVALID_ARGUMENT, kaal_call_slot_create(NULL, KAAL_CALL_SLOT_LINE));
	assert_status(KAAL_INVALID_ARGUMENT, kaal_call_slot_create(block + 8, KAAL_CALL_SLOT_LINE));
	assert_status(KAAL_INVALID_ARGUMENT, kaal_call_slot_create(block, KAAL_CALL_SLOT_LINE - 1));
	/* Nothing was written by the refused creates, and a line of zeroes is no slot. */
	assert_status(KAAL_CORRUPT_RING,
	              kaal_call_slot_attach(&side, block, KAAL_CALL_SLOT_LINE,
	                                    KAAL_CALL_SLOT_CLIENT, NO_NTFN, NO_NTFN));
	assert_status(KAAL_OK, kaal_call_slot_create(block, KAAL_CALL_SLOT_LINE));
	assert_status(KAAL_INVALID_ARGUMENT,
	              kaal_call_slot_attach(NULL, block, KAAL_CALL_SLOT_LINE, KAAL_CALL_SLOT_CLIENT,
	                                    NO_NTFN, NO_NTFN));
	assert_status(KAAL_INVALID_ARGUMENT,
	              kaal_call_slot_attach(&side, NULL, KAAL_CALL_SLOT_LINE, KAAL_CALL_SLOT_CLIENT,
	                                    NO_NTFN, NO_NTFN));
	assert_status(KAAL_INVALID_ARGUMENT,
	              kaal_call_slot_attach(&side, block + 4, KAAL_CALL_SLOT_LINE,
	                                    KAAL_CALL_SLOT_CLIENT, NO_NTFN, NO_NTFN));
	assert_status(KAAL_INVALID_ARGUMENT,
	              kaal_call_slot_attach(&side, block, KAAL_CALL_SLOT_LINE - 1,
	                                    KAAL_CALL_SLOT_CLIENT, NO_NTFN, NO_NTFN));
	assert_status(KAAL_INVALID_ARGUMENT,
	              kaal_call_slot_attach(&side, block, KAAL_CALL_SLOT_LINE,
	                                    (enum kaal_call_slot_role)3, NO_NTFN, NO_NTFN));
	assert_status(KAAL_OK, kaal_call_slot_attach(&side, block, KAAL_CALL_SLOT_LINE,
	                                             KAAL_CALL_SLOT_SERVER, NO_NTFN, NO_NTFN));
	free(block);
}

/* Each refused operation returns its status and leaves the handle and the line as they were. */
#define REFUSED(expected, h, f, call)                                                              \
	do {                                                                                       \
		struct kaal_call_slot before_ = *(h);                                              \
		struct kaal_call_slot_line line_before_ = *line_of(f);                             \
		assert_status((expected), (call));                                                 \
		assert_memory_equal(&before_, (h), sizeof before_);                                \
		assert_memory_equal(&line_before_, line_of(f), sizeof line_before_);               \
	} while (0)

static void misuse_is_refused_and_changes_nothing(void **state)
{
	(void)state;
	struct kaal_call_slot client, server;
	struct harness_fenced f = fenced_slot(&client, &server);
	uint8_t buf[KAAL_CALL_SLOT_PAYLOAD + 1] = {0};
	size_t n;
	/* Wrong side, no handle, no slot. */
	REFUSED(KAAL_INVALID_ARGUMENT, &server, &f, kaal_call_slot_post(&server, buf, 1));
	REFUSED(KAAL_INVALID_ARGUMENT, &server, &f,
	        kaal_call_slot_call(&server, buf, 1, buf, sizeof buf, &n, 0));
	REFUSED(KAAL_INVALID_ARGUMENT, &client, &f,
	        kaal_call_slot_receive(&client, buf, sizeof buf, &n, 0));
	REFUSED(KAAL_INVALID_ARGUMENT, &client, &f, kaal_call_slot_reply(&client, buf, 1));
	assert_status(KAAL_INVALID_ARGUMENT, kaal_call_slot_post(NULL, buf, 1));
	assert_status(KAAL_INVALID_ARGUMENT, kaal_call_slot_wait(NULL, buf, 1, &n, 0));
	struct kaal_call_slot unattached = {0};
	assert_status(KAAL_INVALID_ARGUMENT, kaal_call_slot_post(&unattached, buf, 1));
	/* Lengths and buffers. */
	REFUSED(KAAL_INVALID_ARGUMENT, &client, &f,
	        kaal_call_slot_post(&client, buf, KAAL_CALL_SLOT_PAYLOAD + 1));
	REFUSED(KAAL_INVALID_ARGUMENT, &client, &f, kaal_call_slot_post(&client, NULL, 1));
	REFUSED(KAAL_INVALID_ARGUMENT, &client, &f,
	        kaal_call_slot_call(&client, buf, 1, buf, sizeof buf, NULL, 0));
	REFUSED(KAAL_INVALID_ARGUMENT, &client, &f,
	        kaal_call_slot_call(&client, buf, 1, NULL, 1, &n, 0));
	REFUSED(KAAL_INVALID_ARGUMENT, &server, &f,
	        kaal_call_slot_receive(&server, buf, sizeof buf, NULL, 0));
	REFUSED(KAAL_INVALID_ARGUMENT, &server, &f,
	        kaal_call_slot_receive(&server, NULL, 1, &n, 0));
	/* Out of turn: nothing posted to wait for, nothing taken to answer. */
	REFUSED(KAAL_ILLEGAL_OPERATION, &client, &f, kaal_call_slot_wait(&client, buf, 1, &n, 0));
	REFUSED(KAAL_ILLEGAL_OPERATION, &server, &f, kaal_call_slot_reply(&server, buf, 1));
	REFUSED(KAAL_WOULD_BLOCK, &server, &f, kaal_call_slot_receive(&server, buf, 1, &n, 0));

	assert_status(KAAL_OK, kaal_call_slot_post(&client, buf, 2));
	REFUSED(KAAL_ILLEGAL_OPERATION, &client, &f, kaal_call_slot_post(&client, buf, 1));
	REFUSED(KAAL_ILLEGAL_OPERATION, &client, &f,
	        kaal_call_slot_call(&client, buf, 1, buf, sizeof buf, &n, 0));
	REFUSED(KAAL_WOULD_BLOCK, &client, &f, kaal_call_slot_wait(&client, buf, 1, &n, 0));
	/* A buffer too small: the length is told, the request stays for a larger one. */
	n = 0;
	REFUSED(KAAL_INVALID_ARGUMENT, &server, &f, kaal_call_slot_receive(&server, buf, 1, &n, 0));
	assert_int_equal(2, n);
	assert_status(KAAL_OK, kaal_call_slot_receive(&server, buf, 2, &n, 0));
	REFUSED(KAAL_ILLEGAL_OPERATION, &server, &f,
	        kaal_call_slot_receive(&server, buf, sizeof buf, &n, 0));
	REFUSED(KAAL_INVALID_ARGUMENT, &server, &f,
	        kaal_call_slot_reply(&server, buf, KAAL_CALL_SLOT_PAYLOAD + 1));
	REFUSED(KAAL_INVALID_ARGUMENT, &server, &f, kaal_call_slot_reply(&server, NULL, 1));
	assert_status(KAAL_OK, kaal_call_slot_reply(&server, buf, KAAL_CALL_SLOT_PAYLOAD));
	n = 0;
	REFUSED(KAAL_INVALID_ARGUMENT, &client, &f,
	        kaal_call_slot_wait(&client, buf, KAAL_CALL_SLOT_PAYLOAD - 1, &n, 0));
	assert_int_equal(KAAL_CALL_SLOT_PAYLOAD, n);
	assert_status(KAAL_OK, kaal_call_slot_wait(&client, buf, KAAL_CALL_SLOT_PAYLOAD, &n, 0));
	check_and_free(&f);
}

/* Every length from empty to a full payload, in both directions. */
static void calls_carry_every_length(void **state)
{
	(void)state;
	struct kaal_call_slot client, server;
	struct harness_fenced f = fenced_slot(&client, &server);
	for (uint32_t len = 0; len <= KAAL_CALL_SLOT_PAYLOAD; len++)
		one_call(&client, &server, len, len);
	assert_int_equal(0, client.sleeps + server.sleeps + client.signals + server.signals);
	check_and_free(&f);
}

/* The phase count wraps within its bits of the state word and calls go on. */
static void phases_wrap(void **state)
{
	(void)state;
	struct harness_fenced f = harness_fenced(KAAL_CALL_SLOT_LINE);
	assert_status(KAAL_OK, kaal_call_slot_create(f.mem, f.size));
	kaal_atomic_store(&line_of(&f)->state, pack(PHASE_MASK - 3, 0), KAAL_RELAXED);
	struct kaal_call_slot client, server;
	attach_both(&f, &client, &server);
	for (uint32_t k = 0; k < 4; k++)
		one_call(&client, &server, 8, k);
	assert_int_equal(pack(4, 8), kaal_atomic_load(&line_of(&f)->state, KAAL_RELAXED));
	check_and_free(&f);
}

/* A side attaching mid-call: a client collects the posted request's response, a server takes it. */
static void attach_mid_call(void **state)
{
	(void)state;
	struct kaal_call_slot client, server;
	struct harness_fenced f = fenced_slot(&client, &server);
	uint64_t req = 0x5EED, resp = 0;
	size_t n;
	assert_status(KAAL_OK, kaal_call_slot_post(&client, &req, sizeof req));
	struct kaal_call_slot new_client, new_server;
	assert_status(KAAL_OK, kaal_call_slot_attach(&new_client, f.mem, f.size,
	                                             KAAL_CALL_SLOT_CLIENT, NO_NTFN, NO_NTFN));
	assert_status(KAAL_OK, kaal_call_slot_attach(&new_server, f.mem, f.size,
	                                             KAAL_CALL_SLOT_SERVER, NO_NTFN, NO_NTFN));
	assert_status(KAAL_ILLEGAL_OPERATION, kaal_call_slot_post(&new_client, &req, sizeof req));
	assert_status(KAAL_OK, kaal_call_slot_receive(&new_server, &resp, sizeof resp, &n, 0));
	assert_int_equal(req, resp);
	resp = ~req;
	assert_status(KAAL_OK, kaal_call_slot_reply(&new_server, &resp, sizeof resp));
	resp = 0;
	assert_status(KAAL_OK, kaal_call_slot_wait(&new_client, &resp, sizeof resp, &n, 0));
	assert_int_equal(~req, resp);
	free(f.block);
}

/*
 * The waiting side (a server receiving, a client waiting) reports each
 * word as KAAL_CORRUPT_RING, without a deadline too (it does not sleep on
 * a corrupt word), and changes nothing.
 */
static void reports_corrupt_words(struct kaal_call_slot *side, struct harness_fenced *f,
                                  const uint32_t *words, size_t count)
{
	static const uint64_t timeouts[] = {0, KAAL_CALL_SLOT_FOREVER};
	uint8_t buf[KAAL_CALL_SLOT_PAYLOAD];
	size_t n = 0;
	bool server = side->role == KAAL_CALL_SLOT_SERVER;
	for (size_t i = 0; i < count; i++) {
		kaal_atomic_store(&line_of(f)->state, words[i], KAAL_RELAXED);
		for (size_t t = 0; t < sizeof timeouts / sizeof timeouts[0]; t++)
			REFUSED(KAAL_CORRUPT_RING, side, f,
			        server
			            ? kaal_call_slot_receive(side, buf, sizeof buf, &n, timeouts[t])
			            : kaal_call_slot_wait(side, buf, sizeof buf, &n, timeouts[t]));
	}
}

/*
 * A hostile peer's state words: lengths over the payload and phases that
 * are neither this side's nor the next. The honest side reports
 * KAAL_CORRUPT_RING, changes nothing, and writes nothing outside the line;
 * once the word is honest again, the call goes on.
 */
static void hostile_state_words_are_reported(void **state)
{
	(void)state;
	struct kaal_call_slot client, server;
	struct harness_fenced f = fenced_slot(&client, &server);
	kaal_atomic_u32 *word = &line_of(&f)->state;
	uint8_t buf[KAAL_CALL_SLOT_PAYLOAD];
	size_t n = 0;
	/* The server waits for phase 1 and holds 0; the client posts 1 and waits for 2. */
	const uint32_t to_server[] = {
	    pack(0, KAAL_CALL_SLOT_PAYLOAD + 1),
	    pack(1, LEN_MASK),
	    pack(2, 0),
	    pack(3, 4),
	    pack(PHASE_MASK, 0),
	    UINT32_MAX,
	};
	reports_corrupt_words(&server, &f, to_server, sizeof to_server / sizeof to_server[0]);
	kaal_atomic_store(word, pack(0, 0), KAAL_RELAXED);
	assert_status(KAAL_OK, kaal_call_slot_post(&client, buf, 4));
	const uint32_t to_client[] = {
	    pack(1, KAAL_CALL_SLOT_PAYLOAD + 1),
	    pack(2, LEN_MASK),
	    pack(0, 0),
	    pack(3, 0),
	    pack(PHASE_MASK, 8),
	    UINT32_MAX,
	};
	reports_corrupt_words(&client, &f, to_client, sizeof to_client / sizeof to_client[0]);
	/* A full payload, whatever its bytes, is read from the line and no further. */
	memset(line_of(&f)->payload, 0xEE, KAAL_CALL_SLOT_PAYLOAD);
	kaal_atomic_store(word, pack(2, KAAL_CALL_SLOT_PAYLOAD), KAAL_RELAXED);
	assert_status(KAAL_OK, kaal_call_slot_wait(&client, buf, sizeof buf, &n, 0));
	assert_int_equal(KAAL_CALL_SLOT_PAYLOAD, n);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(0xEE, buf[i]);
	/* Attach refuses a magic or a length no slot has. */
	struct kaal_call_slot late;
	kaal_atomic_store(word, pack(2, KAAL_CALL_SLOT_PAYLOAD + 1), KAAL_RELAXED);
	assert_status(
	    KAAL_CORRUPT_RING,
	    kaal_call_slot_attach(&late, f.mem, f.size, KAAL_CALL_SLOT_CLIENT, NO_NTFN, NO_NTFN));
	kaal_atomic_store(word, pack(2, 0), KAAL_RELAXED);
	kaal_atomic_store(&line_of(&f)->magic, ~KAAL_CALL_SLOT_MAGIC, KAAL_RELAXED);
	assert_status(
	    KAAL_CORRUPT_RING,
	    kaal_call_slot_attach(&late, f.mem, f.size, KAAL_CALL_SLOT_SERVER, NO_NTFN, NO_NTFN));
	check_and_free(&f);
}

/* A slot in a frame mapped at two addresses, one side per mapping, a notification each. */
struct shared_slot {
	kaal_cptr client_ntfn; /* the client sleeps here */
	kaal_cptr server_ntfn; /* the server sleeps here */
	void *client_view;
	void *server_view;
	size_t size;
};

static struct shared_slot slot_in_frame(void)
{
	struct shared_slot s;
	harness_frame_twice(&s.client_view, &s.server_view);
	s.size = 1u << KAAL_PAGE_BITS;
	assert_status(KAAL_OK, kaal_call_slot_create(s.server_view, s.size));
	s.client_ntfn = harness_notification();
	s.server_ntfn = harness_notification();
	return s;
}

static void attach_sides(struct shared_slot *s, struct kaal_call_slot *client,
                         struct kaal_call_slot *server)
{
	assert_status(KAAL_OK,
	              kaal_call_slot_attach(client, s->client_view, s->size, KAAL_CALL_SLOT_CLIENT,
	                                    s->client_ntfn, s->server_ntfn));
	assert_status(KAAL_OK,
	              kaal_call_slot_attach(server, s->server_view, s->size, KAAL_CALL_SLOT_SERVER,
	                                    s->server_ntfn, s->client_ntfn));
}

#define TIMEOUT_NS UINT64_C(2000000)

/* Timed waits with nobody on the other side end in KAAL_TIMEOUT, flag down, call still posted. */
static void timeouts_leave_the_call_posted(void **state)
{
	(void)state;
	struct shared_slot s = slot_in_frame();
	struct kaal_call_slot client, server;
	attach_sides(&s, &client, &server);
	uint32_t req = 7, got = 0;
	size_t n;
	uint64_t t0 = kaal_time_ns();
	assert_status(KAAL_TIMEOUT,
	              kaal_call_slot_receive(&server, &got, sizeof got, &n, TIMEOUT_NS));
	assert_true(kaal_time_ns() - t0 >= TIMEOUT_NS);
	assert_int_equal(1, server.sleeps);
	assert_int_equal(0, kaal_atomic_load(&server.line->server_waiting, KAAL_RELAXED));

	t0 = kaal_time_ns();
	assert_status(KAAL_TIMEOUT, kaal_call_slot_call(&client, &req, sizeof req, &got, sizeof got,
	                                                &n, TIMEOUT_NS));
	assert_true(kaal_time_ns() - t0 >= TIMEOUT_NS);
	assert_int_equal(1, client.sleeps);
	assert_int_equal(0, kaal_atomic_load(&client.line->client_waiting, KAAL_RELAXED));
	/* Nobody announced a sleep when the request was posted: no signal. */
	assert_int_equal(0, client.signals);
	assert_status(KAAL_OK, kaal_call_slot_receive(&server, &got, sizeof got, &n, 0));
	assert_int_equal(req, got);
	got = 2 * req;
	assert_status(KAAL_OK, kaal_call_slot_reply(&server, &got, sizeof got));
	got = 0;
	assert_status(KAAL_OK, kaal_call_slot_wait(&client, &got, sizeof got, &n, TIMEOUT_NS));
	assert_int_equal(2 * req, got);
}

/* A side that announced it sleeps gets one signal and finds its flag down. */
static void one_signal_per_announcement(void **state)
{
	(void)state;
	struct shared_slot s = slot_in_frame();
	struct kaal_call_slot client, server;
	attach_sides(&s, &client, &server);
	uint32_t v = 1;
	size_t n;
	kaal_atomic_store(&client.line->server_waiting, 1, KAAL_RELAXED);
	assert_status(KAAL_OK, kaal_call_slot_post(&client, &v, sizeof v));
	assert_int_equal(1, client.signals);
	assert_int_equal(0, kaal_atomic_load(&client.line->server_waiting, KAAL_RELAXED));
	kaal_word bits;
	assert_status(KAAL_OK, kaal_poll(s.server_ntfn, &bits));
	assert_int_equal(1, bits);
	assert_status(KAAL_OK, kaal_call_slot_receive(&server, &v, sizeof v, &n, 0));
	assert_status(KAAL_OK, kaal_call_slot_reply(&server, &v, sizeof v));
	assert_int_equal(0, server.signals);
	assert_status(KAAL_OK, kaal_call_slot_wait(&client, &v, sizeof v, &n, 0));
	/* A signal capability that does not work surfaces as the post's status; the post stands. */
	kaal_atomic_store(&client.line->server_waiting, 1, KAAL_RELAXED);
	client.signal_ntfn = harness_slot();
	assert_status(KAAL_SLOT_EMPTY, kaal_call_slot_post(&client, &v, sizeof v));
	assert_status(KAAL_OK, kaal_call_slot_receive(&server, &v, sizeof v, &n, 0));
}

/*
 * A server thread answers STRESS_CALLS calls, each request (k, k * MULT)
 * answered with (k + ANSWER_ADD, the product's bytes reversed). Both
 * sides sleep at once (spin 0) or spin first; the client checks every
 * response, and both count what they did.
 */
#define STRESS_CALLS UINT32_C(20000)
#define MULT         UINT64_C(0x9E3779B97F4A7C15)
#define ANSWER_ADD   UINT32_C(1000003)

struct request {
	uint32_t k;
	uint64_t product;
};

struct response {
	uint32_t k;
	uint64_t reversed;
};

static struct shared_slot stress_slot;
static uint32_t stress_spin;
static uint32_t served;
static kaal_status server_status;
static kaal_cptr server_done;

static void stress_server(kaal_word arg)
{
	(void)arg;
	struct kaal_call_slot side;
	server_status = kaal_call_slot_attach(&side, stress_slot.server_view, stress_slot.size,
	                                      KAAL_CALL_SLOT_SERVER, stress_slot.server_ntfn,
	                                      stress_slot.client_ntfn);
	side.spin = stress_spin;
	for (uint32_t i = 0; i < STRESS_CALLS && server_status == KAAL_OK; i++) {
		struct request req;
		size_t n = 0;
		server_status =
		    kaal_call_slot_receive(&side, &req, sizeof req, &n, KAAL_CALL_SLOT_FOREVER);
		if (server_status != KAAL_OK)
			break;
		if (n != sizeof req || req.k != i || req.product != i * MULT) {
			server_status = KAAL_CORRUPT_RING;
			break;
		}
		struct response resp = {req.k + ANSWER_ADD, __builtin_bswap64(req.product)};
		server_status = kaal_call_slot_reply(&side, &resp, sizeof resp);
		served++;
	}
	kaal_signal(server_done, 1);
}

static void stress(uint32_t spin)
{
	stress_slot = slot_in_frame();
	stress_spin = spin;
	served = 0;
	server_status = KAAL_OK;
	server_done = harness_notification();
	struct kaal_call_slot client;
	assert_status(KAAL_OK,
	              kaal_call_slot_attach(&client, stress_slot.client_view, stress_slot.size,
	                                    KAAL_CALL_SLOT_CLIENT, stress_slot.client_ntfn,
	                                    stress_slot.server_ntfn));
	client.spin = spin;
	harness_thread(stress_server, 0, 0);
	for (uint32_t i = 0; i < STRESS_CALLS; i++) {
		struct request req = {i, i * MULT};
		struct response resp;
		size_t n = 0;
		assert_status(KAAL_OK,
		              kaal_call_slot_call(&client, &req, sizeof req, &resp, sizeof resp, &n,
		                                  KAAL_CALL_SLOT_FOREVER));
		assert_int_equal(sizeof resp, n);
		assert_int_equal(i + ANSWER_ADD, resp.k);
		assert_int_equal(__builtin_bswap64(i * MULT), resp.reversed);
	}
	harness_await_bits(server_done, 1);
	assert_status(KAAL_OK, server_status);
	assert_int_equal(STRESS_CALLS, served);
	assert_int_equal(0, kaal_atomic_load(&client.line->client_waiting, KAAL_RELAXED));
	assert_int_equal(0, kaal_atomic_load(&client.line->server_waiting, KAAL_RELAXED));
	/* No call is left: the client owns the slot, nothing is posted. */
	size_t n;
	uint8_t buf[KAAL_CALL_SLOT_PAYLOAD];
	assert_status(KAAL_ILLEGAL_OPERATION, kaal_call_slot_wait(&client, buf, sizeof buf, &n, 0));
}

static void stress_sleeping_sides(void **state)
{
	(void)state;
	stress(0);
}

static void stress_spinning_sides(void **state)
{
	(void)state;
	stress(KAAL_CALL_SLOT_SPIN);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    HARNESS_CASE(create_and_attach_check_their_arguments),
	    HARNESS_CASE(misuse_is_refused_and_changes_nothing),
	    HARNESS_CASE(calls_carry_every_length),
	    HARNESS_CASE(phases_wrap),
	    HARNESS_CASE(attach_mid_call),
	    HARNESS_CASE(hostile_state_words_are_reported),
	    HARNESS_CASE(timeouts_leave_the_call_posted),
	    HARNESS_CASE(one_signal_per_announcement),
	    HARNESS_CASE(stress_sleeping_sides),
	    HARNESS_CASE(stress_spinning_sides),
	};
	return cmocka_run_group_tests_name("call_slot", tests, NULL, NULL);
}
