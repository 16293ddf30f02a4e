/*
 * Scenario: wait queues ordered by priority. Four waiter threads of
 * priorities 150, 160, 160 and 170 queue on one shared notification and on
 * one shared endpoint in an order that is not their priority order; each
 * signal or send wakes the highest-priority waiter, and of two waiters of
 * one priority the one that queued first.
 *
 * The root drives each waiter through a control endpoint of its own: a call
 * carries a command, and the waiter answers before it blocks on the shared
 * object. A woken waiter reports its identity on a report notification and
 * goes back to its control endpoint. The waiters run above the root task's
 * priority, so on a single CPU each one runs until it blocks.
 */
#include <stddef.h>

#include <kaal/broker.h>
#include <kaal/sdk.h>
#include <kaal/tap.h>

#define PLAN 14

enum waiter_id { LOW, MID, MID2, HIGH, WAITERS };

static const unsigned priority[WAITERS] = {150, 160, 160, 170};
static const char *const waiter_name[WAITERS] = {"LOW", "MID", "MID2", "HIGH"};

/* Commands, the first word of a call on a waiter's control endpoint. */
enum command {
	CMD_WAIT = 1, /* answer, then wait on the shared notification */
	CMD_RECV,     /* answer and receive on the shared endpoint in one call */
	CMD_STOP      /* answer, report and return */
};

/* Report bits: what waiter k signals on the report notification. */
#define WOKE(k) (UINT64_C(1) << (k))
#define DONE(k) (UINT64_C(1) << (8 + (k)))
#define FAIL(k) (UINT64_C(1) << (16 + (k)))

/*
 * On the host the waiters run beside the root task, so a waiter that
 * answered may not have queued yet when the root signals, and user code
 * cannot see that it has. The first waiter of a round is seen to queue;
 * a round whose order differs is run again, up to ROUNDS times. On aarch64
 * the waiters outrank the root, so the first round is decisive.
 */
#define ROUNDS 100

static struct kaal_broker broker;
static kaal_cptr root;

/* The waiters share the root CSpace and use these cptrs as they are. */
static kaal_cptr shared_ntfn, shared_ep, report, control[WAITERS];
/* A thread that never runs: binding it tells whether anyone waits on a notification. */
static kaal_cptr probe_thread;

/* The first message word each waiter last received on the shared endpoint. */
static kaal_word received[WAITERS];
static bool alive[WAITERS];

static uint8_t waiter_stack[WAITERS][16384] __attribute__((aligned(16)));

/* Serves commands until told to stop or a call fails. */
static void waiter(kaal_word k)
{
	struct kaal_msg m;
	kaal_status st = kaal_recv(control[k], &m);
	while (st == KAAL_OK && m.mr[0] != CMD_STOP) {
		struct kaal_msg r = {kaal_msg_info(0, 0, 0), {0, 0, 0, 0}, 0};
		kaal_word bits = 0;
		if (m.mr[0] == CMD_WAIT) {
			st = kaal_reply(&r);
			if (st == KAAL_OK)
				st = kaal_wait(shared_ntfn, &bits);
		} else {
			/* Answering and receiving in one call: queued once the root's call returns.
			 */
			st = kaal_reply_recv(shared_ep, &r);
			received[k] = r.mr[0];
		}
		if (st == KAAL_OK)
			st = kaal_signal(report, WOKE(k));
		if (st == KAAL_OK)
			st = kaal_recv(control[k], &m);
	}
	if (st == KAAL_OK) {
		struct kaal_msg r = {kaal_msg_info(0, 0, 0), {0, 0, 0, 0}, 0};
		st = kaal_reply(&r);
	}
	kaal_signal(report, st == KAAL_OK ? DONE(k) : FAIL(k));
}

static kaal_status command(unsigned k, kaal_word cmd)
{
	struct kaal_msg m = {kaal_msg_info(0, 1, 0), {cmd, 0, 0, 0}, 0};
	return alive[k] ? kaal_call(control[k], &m) : KAAL_ILLEGAL_OPERATION;
}

/* Which waiter reported next; WAITERS when a waiter failed instead (it has returned). */
static kaal_status next_report(kaal_word want_mask, unsigned *who)
{
	kaal_word bits = 0;
	kaal_status st = kaal_wait(report, &bits);
	*who = WAITERS;
	for (unsigned k = 0; k < WAITERS; k++) {
		if (bits & FAIL(k))
			alive[k] = false;
		if (bits & want_mask & (WOKE(k) | DONE(k)))
			*who = k;
	}
	if (st == KAAL_OK && *who == WAITERS)
		st = KAAL_ILLEGAL_OPERATION;
	return st;
}

/*
 * Whether a thread waits on the notification: binding is refused while one
 * does, and changes nothing that a waiter or a signal sees.
 */
static kaal_status anyone_waits(kaal_cptr ntfn, bool *waits)
{
	kaal_status st = kaal_thread_bind_notification(probe_thread, ntfn);
	*waits = st == KAAL_ILLEGAL_OPERATION;
	if (st == KAAL_OK)
		return kaal_thread_unbind_notification(probe_thread);
	return *waits ? KAAL_OK : st;
}

/* Waiters queue[0..n-1] wait on the shared notification in this order; n signals wake them. */
static kaal_status notification_round(const unsigned *queue, unsigned n, unsigned *woke)
{
	kaal_status st = KAAL_OK;
	for (unsigned i = 0; i < n && st == KAAL_OK; i++) {
		st = command(queue[i], CMD_WAIT);
		/* The first is certainly queued before the others are sent: none precede it. */
		bool waits = i > 0;
		while (st == KAAL_OK && !waits)
			st = anyone_waits(shared_ntfn, &waits);
	}
	/* One signal at a time: the next goes out once the last one's waiter has reported. */
	for (unsigned i = 0; i < n && st == KAAL_OK; i++) {
		st = kaal_signal(shared_ntfn, UINT64_C(1) << i);
		if (st == KAAL_OK)
			st = next_report(WOKE(0) | WOKE(1) | WOKE(2) | WOKE(3), &woke[i]);
	}
	return st;
}

/* Waiters queue[0..n-1] receive on the shared endpoint in this order; n sends wake them. */
static kaal_status endpoint_round(const unsigned *queue, unsigned n, unsigned *woke)
{
	kaal_status st = KAAL_OK;
	for (unsigned i = 0; i < n && st == KAAL_OK; i++)
		st = command(queue[i], CMD_RECV);
	for (unsigned i = 0; i < n && st == KAAL_OK; i++) {
		struct kaal_msg m = {kaal_msg_info(0, 1, 0), {0x100 + i, 0, 0, 0}, 0};
		st = kaal_send(shared_ep, &m);
		if (st == KAAL_OK)
			st = next_report(WOKE(0) | WOKE(1) | WOKE(2) | WOKE(3), &woke[i]);
		if (st == KAAL_OK && received[woke[i]] != 0x100 + i)
			st = KAAL_INVALID_ARGUMENT;
	}
	return st;
}

static void describe_order(const char *what, const unsigned *woke, unsigned n)
{
	kaal_diag_str(what);
	for (unsigned i = 0; i < n; i++) {
		kaal_diag_str(i ? ", " : ": ");
		kaal_diag_str(woke[i] < WAITERS ? waiter_name[woke[i]] : "?");
	}
	kaal_diag_end();
}

static bool same_order(const unsigned *woke, const unsigned *want, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (woke[i] != want[i])
			return false;
	return true;
}

typedef kaal_status (*round_fn)(const unsigned *queue, unsigned n, unsigned *woke);

/* Rounds until the wake order is want, at most rounds of them; one check for the last. */
static void observe(round_fn round, const unsigned *queue, const unsigned *want, unsigned n,
                    unsigned rounds, unsigned *woke, const char *check, const char *order)
{
	kaal_status st = KAAL_OK;
	unsigned ran = 0;
	do {
		for (unsigned i = 0; i < WAITERS; i++)
			woke[i] = WAITERS;
		ran++;
		st = round(queue, n, woke);
	} while (st == KAAL_OK && !same_order(woke, want, n) && ran < rounds);
	kaal_tap_ok_status(st, check);
	describe_order(order, woke, n);
	kaal_diag_str("rounds: ");
	kaal_diag_dec(ran);
	kaal_diag_end();
}

/* One check per wake-up: the i-th went to want[i]. */
static void check_order(const unsigned *woke, const unsigned *want, const char *const *what,
                        unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		kaal_tap_ok(woke[i] == want[i], what[i]);
}

static kaal_status start_waiters(const struct kaal_boot_info *bi)
{
	root = bi->root_cnode_cptr;
	kaal_status st = kaal_broker_init(&broker, bi);
	if (st == KAAL_OK)
		st = kaal_broker_create_notification(&broker, &shared_ntfn);
	if (st == KAAL_OK)
		st = kaal_broker_create_endpoint(&broker, &shared_ep);
	if (st == KAAL_OK)
		st = kaal_broker_create_notification(&broker, &report);
	if (st == KAAL_OK)
		st = kaal_broker_create_thread(&broker, &probe_thread);
	for (unsigned k = 0; k < WAITERS && st == KAAL_OK; k++) {
		kaal_cptr thread = 0;
		st = kaal_broker_create_endpoint(&broker, &control[k]);
		if (st == KAAL_OK)
			st = kaal_broker_create_thread(&broker, &thread);
		if (st == KAAL_OK)
			st = kaal_thread_configure(thread, root, 0, priority[k]);
		if (st == KAAL_OK)
			st = kaal_thread_start(thread, waiter,
			                       waiter_stack[k] + sizeof(waiter_stack[k]), k, NULL);
		alive[k] = st == KAAL_OK;
	}
	return st;
}

int kaal_scenario_main(const struct kaal_boot_info *bi)
{
	kaal_tap_plan(PLAN);
	/* 1 */
	if (!kaal_tap_ok_status(start_waiters(bi),
	                        "the broker starts waiters at priorities 150, 160, 160, 170"))
		return (int)kaal_tap_failures();

	/* 2-5: queued LOW, HIGH, MID; signals go to HIGH, MID, LOW. */
	static const unsigned ntfn_queue[] = {LOW, HIGH, MID};
	static const unsigned ntfn_want[] = {HIGH, MID, LOW};
	unsigned woke[WAITERS];
	observe(
	    notification_round, ntfn_queue, ntfn_want, 3, ROUNDS, woke,
	    "notification: three waiters queue (LOW, HIGH, MID) and three signals wake one each",
	    "notification wake order");
	static const char *const ntfn_checks[] = {
	    "notification: the first signal wakes HIGH (170), which queued after LOW",
	    "notification: the second signal wakes MID (160), which queued last",
	    "notification: the last signal wakes LOW (150), which queued first"};
	check_order(woke, ntfn_want, ntfn_checks, 3);

	/*
	 * 6-8: one priority. MID2 is seen to queue before MID is sent, so the
	 * first signal finds it at the head whether or not MID has queued yet.
	 */
	static const unsigned fifo_queue[] = {MID2, MID};
	observe(notification_round, fifo_queue, fifo_queue, 2, 1, woke,
	        "notification: two waiters of priority 160 queue (MID2, MID) and two signals "
	        "wake one each",
	        "notification wake order, one priority");
	kaal_tap_ok(woke[0] == MID2 && woke[1] == MID,
	            "notification: within one priority the waiter that queued first wakes first");
	kaal_word left = 1;
	bool waits = true;
	kaal_status st = kaal_peek(shared_ntfn, &left);
	if (st == KAAL_OK)
		st = anyone_waits(shared_ntfn, &waits);
	kaal_tap_ok(st == KAAL_OK && left == 0 && !waits,
	            "notification: no signal is left in the word and nobody waits");

	/* 9-13: queued LOW, MID2, HIGH, MID; sends go to HIGH, MID2, MID, LOW. */
	static const unsigned ep_queue[] = {LOW, MID2, HIGH, MID};
	static const unsigned ep_want[] = {HIGH, MID2, MID, LOW};
	observe(endpoint_round, ep_queue, ep_want, 4, 1, woke,
	        "endpoint: four receivers queue (LOW, MID2, HIGH, MID) and four sends each reach "
	        "one, message intact",
	        "endpoint wake order");
	static const char *const ep_checks[] = {
	    "endpoint: the first send goes to HIGH (170), which queued third",
	    "endpoint: the second send goes to MID2 (160), the first of its priority to queue",
	    "endpoint: the third send goes to MID (160), which queued last",
	    "endpoint: the last send goes to LOW (150), which queued first"};
	check_order(woke, ep_want, ep_checks, 4);

	/* 14: stop every waiter and see it return. */
	unsigned stopped = 0;
	for (unsigned k = 0; k < WAITERS; k++) {
		unsigned who = WAITERS;
		st = command(k, CMD_STOP);
		if (st == KAAL_OK)
			st = next_report(DONE(k), &who);
		if (st == KAAL_OK && who == k)
			stopped++;
	}
	kaal_tap_ok(stopped == WAITERS, "every waiter stops and returns");
	kaal_diag_str(kaal_tap_failures() == 0 ? "priority: all checks passed"
	                                       : "priority: failures");
	kaal_diag_end();
	return (int)kaal_tap_failures();
}
