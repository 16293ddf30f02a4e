/*
 * Concurrency: real threads signalling, waiting, timing out, calling and
 * destroying objects at the same time. The kernel serialises every call, so
 * each signalled bit must reach exactly one party exactly once, each call
 * must get exactly its own reply, and destroying an object must wake every
 * thread blocked on it.
 *
 * Threads never call cmocka: they count what they saw and note the first
 * surprise, and the test thread asserts once every thread has finished.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "harness.h"

/* Failures seen by started threads, reported by the test thread. */
static pthread_mutex_t failure_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned failure_count;
static char failure_text[256];

static void failure_reset(void)
{
	pthread_mutex_lock(&failure_lock);
	failure_count = 0;
	failure_text[0] = '\0';
	pthread_mutex_unlock(&failure_lock);
}

__attribute__((format(printf, 1, 2))) static void failure(const char *fmt, ...)
{
	pthread_mutex_lock(&failure_lock);
	if (failure_count++ == 0) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(failure_text, sizeof(failure_text), fmt, ap);
		va_end(ap);
	}
	pthread_mutex_unlock(&failure_lock);
}

static void assert_no_failures(void)
{
	pthread_mutex_lock(&failure_lock);
	unsigned count = failure_count;
	char text[sizeof(failure_text)];
	memcpy(text, failure_text, sizeof(text));
	pthread_mutex_unlock(&failure_lock);
	if (count != 0)
		fail_msg("%u failures in started threads, the first: %s", count, text);
}

/*
 * Reports from started threads to the test thread, by bit. They do not go
 * through the kernel under test: a kernel that loses a wake-up makes the
 * test fail at a deadline instead of hanging it.
 */
static pthread_mutex_t report_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t report_cond = PTHREAD_COND_INITIALIZER;
static kaal_word report_bits;

static void report(unsigned bit)
{
	pthread_mutex_lock(&report_lock);
	report_bits |= UINT64_C(1) << bit;
	pthread_cond_broadcast(&report_cond);
	pthread_mutex_unlock(&report_lock);
}

/* Take the reports in `want`, waiting up to timeout_ns for all; returns those missing. */
static kaal_word report_wait(kaal_word want, uint64_t timeout_ns)
{
	struct timespec deadline;
	clock_gettime(CLOCK_REALTIME, &deadline);
	uint64_t ns = (uint64_t)deadline.tv_nsec + timeout_ns;
	deadline.tv_sec += (time_t)(ns / 1000000000u);
	deadline.tv_nsec = (long)(ns % 1000000000u);
	pthread_mutex_lock(&report_lock);
	while ((report_bits & want) != want &&
	       pthread_cond_timedwait(&report_cond, &report_lock, &deadline) != ETIMEDOUT)
		;
	kaal_word missing = want & ~report_bits;
	report_bits &= ~want;
	pthread_mutex_unlock(&report_lock);
	return missing;
}

/* Generous deadlines: a correct run takes far less even under a sanitizer. */
#define REPORT_NS UINT64_C(5000000000)
#define DONE_NS   UINT64_C(60000000000)

/* Barriers of the test's own, beside the harness's one. */
static struct harness_barrier barriers[3];
static unsigned barrier_count;

static struct harness_barrier *barrier_new(unsigned count)
{
	assert_true(barrier_count < sizeof(barriers) / sizeof(barriers[0]));
	struct harness_barrier *b = &barriers[barrier_count++];
	harness_barrier_create(b, count);
	return b;
}

static int concurrency_setup(void **state)
{
	failure_reset();
	report_bits = 0;
	barrier_count = 0;
	return harness_setup(state);
}

static int concurrency_teardown(void **state)
{
	int r = harness_teardown(state);
	while (barrier_count > 0)
		harness_barrier_destroy(&barriers[--barrier_count]);
	return r;
}

#define CONCURRENCY_CASE(fn) HARNESS_CASE_WITH(fn, concurrency_setup, concurrency_teardown)

/*
 * Exactly-once delivery of notification bits. Per round, signallers own
 * disjoint subsets of bits 0-62 and signal each one once. Waiters OR what
 * they receive into their own record. Once the signallers are done, the test
 * thread polls whatever coalesced in the word, then signals STOP (bit 63): a
 * waiter that receives STOP passes it on by signalling it again and leaves
 * the round, so the last waiter leaves STOP alone in the word. The records,
 * the drained word and nothing else must partition the 63 data bits.
 *
 * Leaving waiters report; the test thread waits for them with a deadline:
 * a lost STOP fails the test instead of hanging it, and STOP is signalled
 * again so that the waiters can still finish.
 */
#define STOP_BIT       (UINT64_C(1) << 63)
#define DATA_BITS      (STOP_BIT - 1)
#define DATA_BIT_COUNT 63
#define MAX_WAITERS    3
#define LEAVE_RESENDS  10

struct exact_once {
	kaal_cptr ntfn;
	unsigned signallers, waiters;
	bool timeouts;                     /* waiters use kaal_wait_timeout with varying timeouts */
	bool finished;                     /* set before the last `start`: threads return */
	struct harness_barrier *start;     /* everyone: a round begins, or the run ends */
	struct harness_barrier *signalled; /* signallers and the test thread: all bits sent */
	/* Written by waiter w during a round, read by the test thread once w left. */
	kaal_word got[MAX_WAITERS];
	kaal_word duplicated[MAX_WAITERS];
	unsigned stops[MAX_WAITERS];
	/* Totals over the whole run, per waiter. */
	unsigned long deliveries[MAX_WAITERS];
	unsigned long timed_out[MAX_WAITERS];
};

static struct exact_once eo;

/* Timeouts a waiter cycles through: immediate, short, and long enough to be signalled. */
static const uint64_t wait_timeouts_ns[] = {0, 1000, 20000, 0, 200000, 5000, 2000000};

static void exact_once_signaller(kaal_word s)
{
	for (unsigned r = 0;; r++) {
		harness_barrier_pass(eo.start);
		if (eo.finished)
			return;
		/* Start at a different bit each round so signallers interleave differently. */
		unsigned owned = (DATA_BIT_COUNT - (unsigned)s + eo.signallers - 1) / eo.signallers;
		for (unsigned k = 0; k < owned; k++) {
			unsigned bit = (unsigned)s + ((k + r) % owned) * eo.signallers;
			kaal_status st = kaal_signal(eo.ntfn, UINT64_C(1) << bit);
			if (st != KAAL_OK)
				failure("round %u: signal of bit %u: %s", r, bit,
				        kaal_status_name(st));
		}
		harness_barrier_pass(eo.signalled);
	}
}

static void exact_once_waiter(kaal_word w)
{
	unsigned turn = (unsigned)w;
	for (unsigned r = 0;; r++) {
		harness_barrier_pass(eo.start);
		if (eo.finished)
			return;
		kaal_word record = 0, duplicated = 0;
		unsigned stops = 0;
		for (;;) {
			kaal_word bits = 0xDEAD;
			kaal_status st;
			if (eo.timeouts) {
				uint64_t timeout =
				    wait_timeouts_ns[turn++ % (sizeof(wait_timeouts_ns) /
				                               sizeof(wait_timeouts_ns[0]))];
				st = kaal_wait_timeout(eo.ntfn, timeout, &bits);
				if (st == KAAL_TIMEOUT) {
					eo.timed_out[w]++;
					if (bits != 0)
						failure("round %u: timeout returned bits %#llx", r,
						        (unsigned long long)bits);
					continue;
				}
			} else {
				st = kaal_wait(eo.ntfn, &bits);
			}
			if (st != KAAL_OK) {
				failure("round %u: waiter %u: %s", r, (unsigned)w,
				        kaal_status_name(st));
				break;
			}
			if (bits == 0)
				failure("round %u: a wait returned no bits", r);
			eo.deliveries[w]++;
			duplicated |= record & bits & DATA_BITS;
			record |= bits & DATA_BITS;
			if (bits & STOP_BIT) {
				stops++;
				st = kaal_signal(eo.ntfn, STOP_BIT);
				if (st != KAAL_OK)
					failure("round %u: passing STOP on: %s", r,
					        kaal_status_name(st));
				break;
			}
		}
		eo.got[w] = record;
		eo.duplicated[w] = duplicated;
		eo.stops[w] = stops;
		report((unsigned)w);
	}
}

/* Wait until every waiter left the round; false (and a note) if STOP had to be resent. */
static bool exact_once_collect(unsigned r)
{
	kaal_word missing = (UINT64_C(1) << eo.waiters) - 1;
	unsigned resent = 0;
	while ((missing = report_wait(missing, REPORT_NS)) != 0) {
		failure("round %u: waiters %#llx never left", r, (unsigned long long)missing);
		if (++resent > LEAVE_RESENDS)
			fail_msg("round %u: waiters %#llx are stuck", r,
			         (unsigned long long)missing);
		kaal_signal(eo.ntfn, STOP_BIT);
	}
	return resent == 0;
}

/* One round's outcome, checked by the test thread; false (and a note) on any mistake. */
static bool exact_once_round_ok(unsigned r, kaal_word drained, kaal_word rest)
{
	kaal_word seen = drained & DATA_BITS, overlap = 0;
	bool ok = true;
	if (drained & STOP_BIT) {
		failure("round %u: STOP was in the word before it was signalled", r);
		ok = false;
	}
	if (rest != STOP_BIT) {
		failure("round %u: the word after the round is %#llx, not STOP alone", r,
		        (unsigned long long)rest);
		ok = false;
	}
	for (unsigned w = 0; w < eo.waiters; w++) {
		if (eo.stops[w] != 1 || eo.duplicated[w] != 0) {
			failure("round %u: waiter %u saw STOP %u times, bits %#llx twice", r, w,
			        eo.stops[w], (unsigned long long)eo.duplicated[w]);
			ok = false;
		}
		overlap |= seen & eo.got[w];
		seen |= eo.got[w];
	}
	if (overlap != 0 || seen != DATA_BITS) {
		failure("round %u: bits %#llx reached two parties, bits %#llx none", r,
		        (unsigned long long)overlap, (unsigned long long)(DATA_BITS & ~seen));
		ok = false;
	}
	return ok;
}

static void exact_once_run(unsigned signallers, unsigned waiters, unsigned rounds, bool timeouts)
{
	assert_true(waiters <= MAX_WAITERS && signallers > 0 && signallers <= DATA_BIT_COUNT);
	memset(&eo, 0, sizeof(eo));
	eo.ntfn = harness_create(KAAL_CAP_NOTIFICATION, 0);
	eo.signallers = signallers;
	eo.waiters = waiters;
	eo.timeouts = timeouts;
	eo.start = barrier_new(signallers + waiters + 1);
	eo.signalled = barrier_new(signallers + 1);
	for (unsigned s = 0; s < signallers; s++)
		harness_thread(exact_once_signaller, s, 0);
	for (unsigned w = 0; w < waiters; w++)
		harness_thread(exact_once_waiter, w, 0);

	unsigned bad_rounds = 0;
	unsigned long waiter_bits = 0;
	for (unsigned r = 0; r < rounds; r++) {
		harness_barrier_pass(eo.start);
		harness_barrier_pass(eo.signalled);
		kaal_word drained = 0, rest = 0;
		kaal_status st = kaal_poll(eo.ntfn, &drained);
		if (st == KAAL_OK)
			st = kaal_signal(eo.ntfn, STOP_BIT);
		if (st != KAAL_OK)
			failure("round %u: draining or stopping: %s", r, kaal_status_name(st));
		if (!exact_once_collect(r)) {
			bad_rounds++;
			break;
		}
		st = kaal_poll(eo.ntfn, &rest);
		if (st != KAAL_OK)
			failure("round %u: the final poll: %s", r, kaal_status_name(st));
		for (unsigned w = 0; w < waiters; w++)
			waiter_bits += (unsigned long)__builtin_popcountll(eo.got[w]);
		if (!exact_once_round_ok(r, drained, rest))
			bad_rounds++;
	}
	eo.finished = true;
	harness_barrier_pass(eo.start);
	assert_no_failures();
	assert_int_equal(0, bad_rounds);

	/* Waits returned data bits too, not only the STOP passed around each round. */
	unsigned long received = 0;
	for (unsigned w = 0; w < waiters; w++)
		received += eo.deliveries[w];
	assert_true(received > (unsigned long)rounds * waiters);
	assert_true(waiter_bits > 0);
	kaal_word word = 1;
	assert_status(KAAL_OK, kaal_peek(eo.ntfn, &word));
	assert_int_equal(0, word);
}

static void signals_reach_one_waiter_exactly_once(void **state)
{
	(void)state;
	exact_once_run(4, 3, 2000, false);
}

/*
 * Waits that time out while bits are being signalled: a bit goes to a
 * waiter whose wait has not yet ended, or stays in the word; a wait that
 * ends with KAAL_TIMEOUT took nothing. Waiters cycle through immediate,
 * short and long timeouts, so some of their waits do time out.
 */
static void timeouts_never_lose_or_duplicate_signals(void **state)
{
	(void)state;
	exact_once_run(3, 3, 1500, true);
	unsigned long timed_out = 0;
	for (unsigned w = 0; w < eo.waiters; w++)
		timed_out += eo.timed_out[w];
	assert_true(timed_out > 0);
}

/*
 * Endpoint ping-pong. Each client calls through its own badged capability
 * with a running sequence number, part of the message in its IPC buffer; the
 * server checks the badge and the sequence of every message and replies with
 * values derived from both, which the client checks.
 */
#define LABEL_PING  0x51
#define LABEL_PONG  0x52
#define LABEL_QUIT  0x53
#define MAX_CLIENTS 4
#define MAX_SERVERS 2

struct ping_pong {
	kaal_cptr ep;                     /* unbadged, for the servers */
	kaal_cptr client_ep[MAX_CLIENTS]; /* badged 1.., one per client */
	unsigned clients, servers, trips;
	/* Next sequence number per badge, advanced by whichever server got the call. */
	kaal_word next_seq[MAX_CLIENTS + 1];
	unsigned long served[MAX_SERVERS + 1];
	unsigned long completed[MAX_CLIENTS];
};

static struct ping_pong pp;

static kaal_word pong_word(kaal_word badge, kaal_word seq)
{
	return (seq * UINT64_C(0x9E3779B97F4A7C15)) ^ (badge << 56);
}

static void ping_client(kaal_word c)
{
	kaal_word badge = c + 1;
	struct kaal_ipc_buffer *buf = kaal_ipc_buffer();
	for (kaal_word seq = 0; seq < pp.trips; seq++) {
		struct kaal_msg m = {
		    kaal_msg_info(LABEL_PING, 6, 0), {badge, seq, ~seq, 3 * seq}, 0};
		buf->msg[4] = seq ^ UINT64_C(0x5555555555555555);
		buf->msg[5] = badge * 1000 + seq;
		kaal_status st = kaal_call(pp.client_ep[c], &m);
		if (st != KAAL_OK) {
			failure("client %u call %llu: %s", (unsigned)c, (unsigned long long)seq,
			        kaal_status_name(st));
			break;
		}
		if (kaal_msg_label(m.info) != LABEL_PONG || kaal_msg_length(m.info) != 5 ||
		    m.badge != 0 || m.mr[0] != badge || m.mr[1] != seq || m.mr[2] != seq + badge ||
		    m.mr[3] != ~badge || buf->msg[4] != pong_word(badge, seq))
			failure("client %u call %llu: wrong reply info %#llx mr %llu %llu",
			        (unsigned)c, (unsigned long long)seq, (unsigned long long)m.info,
			        (unsigned long long)m.mr[0], (unsigned long long)m.mr[1]);
		else
			pp.completed[c]++;
	}
	report((unsigned)c);
}

/*
 * Check one received ping and turn m into its pong. Returns false for a quit
 * request (m becomes its answer) and notes any mistake.
 */
static bool serve_one(unsigned server, struct kaal_msg *m)
{
	struct kaal_ipc_buffer *buf = kaal_ipc_buffer();
	kaal_word badge = m->badge, seq = m->mr[1];
	if (kaal_msg_label(m->info) == LABEL_QUIT && badge == 0) {
		*m = (struct kaal_msg){kaal_msg_info(LABEL_QUIT, 1, 0), {server}, 0};
		return false;
	}
	if (badge == 0 || badge > pp.clients) {
		failure("server %u: a message with badge %#llx", server, (unsigned long long)badge);
	} else if (kaal_msg_label(m->info) != LABEL_PING || kaal_msg_length(m->info) != 6 ||
	           m->mr[0] != badge || seq != pp.next_seq[badge] || m->mr[2] != ~seq ||
	           m->mr[3] != 3 * seq || buf->msg[4] != (seq ^ UINT64_C(0x5555555555555555)) ||
	           buf->msg[5] != badge * 1000 + seq) {
		failure("server %u: badge %llu sent seq %llu (expected %llu), info %#llx", server,
		        (unsigned long long)badge, (unsigned long long)seq,
		        (unsigned long long)pp.next_seq[badge], (unsigned long long)m->info);
	} else {
		pp.next_seq[badge]++;
		pp.served[server]++;
	}
	buf->msg[4] = pong_word(badge, seq);
	*m = (struct kaal_msg){
	    kaal_msg_info(LABEL_PONG, 5, 0), {badge, seq, seq + badge, ~badge}, 0};
	return true;
}

/* Receive, then answer each call while receiving the next, until a quit request. */
static void serve(unsigned server)
{
	struct kaal_msg m;
	kaal_status st = kaal_recv(pp.ep, &m);
	while (st == KAAL_OK && serve_one(server, &m))
		st = kaal_reply_recv(pp.ep, &m);
	if (st == KAAL_OK)
		st = kaal_reply(&m);
	if (st != KAAL_OK)
		failure("server %u: %s", server, kaal_status_name(st));
}

static void ping_server(kaal_word s)
{
	serve((unsigned)s);
}

static void ping_pong_setup(unsigned clients, unsigned servers, unsigned trips)
{
	memset(&pp, 0, sizeof(pp));
	pp.clients = clients;
	pp.servers = servers;
	pp.trips = trips;
	pp.ep = harness_create(KAAL_CAP_ENDPOINT, 0);
	for (unsigned c = 0; c < clients; c++) {
		pp.client_ep[c] = harness_slot();
		assert_status(KAAL_OK,
		              kaal_cnode_mint(harness_ref(pp.client_ep[c]), harness_ref(pp.ep),
		                              KAAL_RIGHT_WRITE | KAAL_RIGHT_GRANT_REPLY, c + 1));
		assert_int_equal(c + 1, harness_identify(pp.client_ep[c]).badge);
	}
}

/* Wait until every client finished its calls. */
static void wait_clients_done(void)
{
	kaal_word missing = report_wait((UINT64_C(1) << pp.clients) - 1, DONE_NS);
	if (missing != 0)
		fail_msg("clients %#llx did not finish", (unsigned long long)missing);
}

static void ping_pong_checks(void)
{
	assert_no_failures();
	unsigned long served = 0;
	for (unsigned s = 0; s <= pp.servers; s++)
		served += pp.served[s];
	assert_int_equal((unsigned long)pp.clients * pp.trips, served);
	for (unsigned c = 0; c < pp.clients; c++) {
		assert_int_equal(pp.trips, pp.completed[c]);
		assert_int_equal(pp.trips, pp.next_seq[c + 1]);
	}
}

/* The test thread serves three clients; it stops after the last expected call. */
static void calls_from_badged_clients_in_order(void **state)
{
	(void)state;
	ping_pong_setup(3, 0, 2000);
	for (unsigned c = 0; c < pp.clients; c++)
		harness_thread(ping_client, c, 0);
	unsigned long total = (unsigned long)pp.clients * pp.trips;
	struct kaal_msg m;
	assert_status(KAAL_OK, kaal_recv(pp.ep, &m));
	for (unsigned long i = 0;; i++) {
		assert_true(serve_one(0, &m));
		if (i + 1 == total)
			break;
		assert_status(KAAL_OK, kaal_reply_recv(pp.ep, &m));
	}
	assert_status(KAAL_OK, kaal_reply(&m));
	wait_clients_done();
	ping_pong_checks();
}

/*
 * Two server threads share one endpoint: consecutive calls of one client
 * may reach different servers, and each still sees the sequence continue
 * where the other left it. Each server leaves after one quit call.
 */
static void calls_spread_over_two_servers(void **state)
{
	(void)state;
	ping_pong_setup(4, 2, 2000);
	for (unsigned s = 1; s <= pp.servers; s++)
		harness_thread(ping_server, s, 0);
	for (unsigned c = 0; c < pp.clients; c++)
		harness_thread(ping_client, c, 0);
	wait_clients_done();
	kaal_word quit_seen = 0;
	for (unsigned s = 0; s < pp.servers; s++) {
		struct kaal_msg m = {kaal_msg_info(LABEL_QUIT, 0, 0), {0}, 0};
		assert_status(KAAL_OK, kaal_call(pp.ep, &m));
		assert_int_equal(LABEL_QUIT, kaal_msg_label(m.info));
		assert_true(m.mr[0] >= 1 && m.mr[0] <= pp.servers);
		assert_int_equal(0, quit_seen & (UINT64_C(1) << m.mr[0]));
		quit_seen |= UINT64_C(1) << m.mr[0];
	}
	ping_pong_checks();
}

/*
 * Deleting the last capability to a notification wakes every thread blocked
 * on it with KAAL_OBJECT_DELETED, whether it waits with or without a
 * deadline. Each waiter announces on a second notification that it is
 * about to wait; the test thread deletes as soon as all have, so a waiter
 * may yet arrive after the deletion and find the slot empty. That round does
 * not count; the test repeats until enough rounds had every waiter blocked.
 */
#define DESTROY_WAITERS 3
#define DESTROY_ROUNDS  20
#define DESTROY_TRIES   200

struct destroy_race {
	kaal_cptr ntfn;  /* a fresh slot each round, never reused */
	kaal_cptr ready; /* waiter w signals bit w just before it waits */
	bool last;
	struct harness_barrier *start;
	kaal_status outcome[DESTROY_WAITERS];
	kaal_word bits[DESTROY_WAITERS];
};

static struct destroy_race dr;

static void destroy_waiter(kaal_word w)
{
	for (;;) {
		harness_barrier_pass(dr.start);
		if (dr.last)
			return;
		kaal_word bits = 0xDEAD;
		kaal_status st = kaal_signal(dr.ready, UINT64_C(1) << w);
		if (st != KAAL_OK)
			failure("waiter %u: announcing: %s", (unsigned)w, kaal_status_name(st));
		if (w == 0)
			st = kaal_wait_timeout(dr.ntfn, UINT64_C(30000000000), &bits);
		else
			st = kaal_wait(dr.ntfn, &bits);
		dr.outcome[w] = st;
		dr.bits[w] = bits;
		report((unsigned)w);
	}
}

static void deleting_a_notification_wakes_its_waiters(void **state)
{
	(void)state;
	dr = (struct destroy_race){0};
	dr.ready = harness_create(KAAL_CAP_NOTIFICATION, 0);
	dr.start = barrier_new(DESTROY_WAITERS + 1);
	for (unsigned w = 0; w < DESTROY_WAITERS; w++)
		harness_thread(destroy_waiter, w, 0);

	unsigned all_deleted = 0, tries = 0;
	while (all_deleted < DESTROY_ROUNDS && tries < DESTROY_TRIES) {
		tries++;
		dr.ntfn = harness_create(KAAL_CAP_NOTIFICATION, 0);
		harness_barrier_pass(dr.start);
		kaal_word ready = 0, all = (UINT64_C(1) << DESTROY_WAITERS) - 1;
		while (ready != all) {
			kaal_word bits = 0;
			assert_status(KAAL_OK, kaal_wait(dr.ready, &bits));
			ready |= bits;
		}
		assert_status(KAAL_OK, kaal_cnode_delete(harness_ref(dr.ntfn)));
		/* A waiter the deletion failed to wake would never report: fail, do not hang. */
		kaal_word missing = report_wait(all, REPORT_NS);
		if (missing != 0)
			fail_msg("try %u: waiters %#llx did not wake", tries,
			         (unsigned long long)missing);

		assert_int_equal(KAAL_CAP_NULL, harness_identify(dr.ntfn).type);
		unsigned deleted = 0;
		for (unsigned w = 0; w < DESTROY_WAITERS; w++) {
			if (dr.outcome[w] == KAAL_OBJECT_DELETED) {
				assert_int_equal(0, dr.bits[w]);
				deleted++;
			} else {
				/* Too late: the slot was already empty when it asked. */
				assert_status(KAAL_SLOT_EMPTY, dr.outcome[w]);
			}
		}
		if (deleted == DESTROY_WAITERS)
			all_deleted++;
	}
	dr.last = true;
	harness_barrier_pass(dr.start);
	assert_no_failures();
	assert_int_equal(DESTROY_ROUNDS, all_deleted);

	/* Every announcement was taken in its own round. */
	kaal_word word = 1;
	assert_status(KAAL_OK, kaal_poll(dr.ready, &word));
	assert_int_equal(0, word);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    CONCURRENCY_CASE(signals_reach_one_waiter_exactly_once),
	    CONCURRENCY_CASE(timeouts_never_lose_or_duplicate_signals),
	    CONCURRENCY_CASE(calls_from_badged_clients_in_order),
	    CONCURRENCY_CASE(calls_spread_over_two_servers),
	    CONCURRENCY_CASE(deleting_a_notification_wakes_its_waiters),
	};
	return cmocka_run_group_tests_name("concurrency", tests, NULL, NULL);
}
