/*
 * Scenario: a channel between two processes whose ring grows and shrinks
 * while both run. The root task serves the rings (kaal/ring_service.h):
 * every generation is fresh broker memory, copied into both processes,
 * and goes back to the broker once both let go of it.
 *
 * The load is made so that the policy must act the same way on every
 * backend: in each cycle the producer sends a burst of three rings' worth
 * of the smallest ring while the consumer waits (the ring fills, the
 * producer grows it once and fills the double ring), waits until the
 * consumer took it all, and then the two move in lockstep, one element and
 * one acknowledgement at a time, until the double ring has stayed almost
 * empty for a window and the producer halves it again. Every element carries its sequence number.
 */
#include <kaal/broker.h>
#include <kaal/channel_resize.h>
#include <kaal/ring_service.h>
#include <kaal/sdk.h>
#include <kaal/server.h>
#include <kaal/tap.h>

#define PLAN 10

#define MIN_CAP    16u
#define MAX_CAP    256u
#define ELEM       sizeof(uint64_t)
#define MAX_FRAMES 2u /* the largest ring: 384 + 256 slots of 16 bytes */
#define CYCLES     20u
#define BURST      (3u * MIN_CAP)           /* the small ring, then the double one, filled */
#define QUIET      (2u * MIN_CAP + MIN_CAP) /* a window of the double ring, one of the small */
#define ELEMENTS   (CYCLES * (BURST + QUIET))
#define PAGE       4096u

/* The process CNodes: 2^RADIX slots, found in one level by a guard of 64 - RADIX zero bits. */
#define RADIX 6

/* Slots of each process's CNode, the same layout for both. */
enum process_slot {
	SLOT_SERVICE = 1,    /* endpoint to the root: Write and GrantReply, badged with the role */
	SLOT_SLEEP = 2,      /* its own doorbell in the channel: Read */
	SLOT_WAKE = 3,       /* the peer's doorbell: Write */
	SLOT_PHASE_WAIT = 4, /* producer: acks; consumer: "burst sent". Read */
	SLOT_PHASE_SIGNAL = 5,
	SLOT_FRAMES = 8 /* the ring windows' frames, 2 * MAX_FRAMES slots */
};

_Static_assert(SLOT_FRAMES + 2u * MAX_FRAMES <= (1u << RADIX), "the frames fit the CNode");

#define PRODUCER_BASE 0x10000000u
#define CONSUMER_BASE 0x20000000u
#define ROOT_SCRATCH  0x30000000u
#define WINDOW_STRIDE 0x10000u

#define LABEL_REPORT 16u /* a process's last message; the service's labels are below */

/* The report: the four words of one message. */
enum report_word {
	R_STATUS, /* the first call that failed, KAAL_OK if none */
	R_COUNT,  /* producer: grows; consumer: elements received in order */
	R_OTHER,  /* producer: shrinks; consumer: rings followed */
	R_GENERATION
};

static struct kaal_broker broker;
static kaal_cptr root;

static uint8_t producer_stack[16384] __attribute__((aligned(16)));
static uint8_t consumer_stack[16384] __attribute__((aligned(16)));

static const struct kaal_resize_policy policy = {MIN_CAP, MAX_CAP, 1, 1};

/* ---- The processes. */

static kaal_status open_side(struct kaal_channel *c, struct kaal_channel_resizing *rs,
                             struct kaal_ring_service_client *client, kaal_word base,
                             enum kaal_ring_role role)
{
	*client = (struct kaal_ring_service_client){
	    .endpoint = SLOT_SERVICE,
	    .first_slot = SLOT_FRAMES,
	    .max_frames = MAX_FRAMES,
	    .window = {base, base + WINDOW_STRIDE},
	    .role = role,
	};
	void *mem;
	size_t size;
	kaal_status st = kaal_ring_service_first(client, &mem, &size);
	if (st == KAAL_OK)
		st = kaal_channel_attach(c, mem, size, role, SLOT_SLEEP, SLOT_WAKE);
	struct kaal_ring_source source = kaal_ring_service_source(client);
	if (st == KAAL_OK)
		st = kaal_channel_enable_resizing(c, rs, &source, &policy);
	return st;
}

static void report(const kaal_word *r)
{
	struct kaal_msg m = {kaal_msg_info(LABEL_REPORT, 4, 0), {r[0], r[1], r[2], r[3]}, 0};
	kaal_send(SLOT_SERVICE, &m);
}

static void producer(kaal_word base)
{
	struct kaal_channel c;
	struct kaal_channel_resizing rs = {0};
	struct kaal_ring_service_client client;
	kaal_word r[4] = {0};
	kaal_status st = open_side(&c, &rs, &client, base, KAAL_RING_PRODUCER);
	uint64_t next = 0;
	for (uint32_t cycle = 0; cycle < CYCLES && st == KAAL_OK; cycle++) {
		for (uint32_t i = 0; i < BURST && st == KAAL_OK; i++, next++)
			st = kaal_channel_send(&c, &next, KAAL_CHANNEL_FOREVER);
		kaal_word bits;
		if (st == KAAL_OK)
			st = kaal_signal(SLOT_PHASE_SIGNAL, 1);
		if (st == KAAL_OK)
			st = kaal_wait(SLOT_PHASE_WAIT, &bits);
		for (uint32_t i = 0; i < QUIET && st == KAAL_OK; i++, next++) {
			st = kaal_channel_send(&c, &next, KAAL_CHANNEL_FOREVER);
			if (st == KAAL_OK)
				st = kaal_wait(SLOT_PHASE_WAIT, &bits);
		}
	}
	r[R_STATUS] = st;
	r[R_COUNT] = rs.grows;
	r[R_OTHER] = rs.shrinks;
	r[R_GENERATION] = rs.generation;
	report(r);
}

static void consumer(kaal_word base)
{
	struct kaal_channel c;
	struct kaal_channel_resizing rs = {0};
	struct kaal_ring_service_client client;
	kaal_word r[4] = {0};
	kaal_status st = open_side(&c, &rs, &client, base, KAAL_RING_CONSUMER);
	uint64_t expect = 0, in_order = 0;
	for (uint32_t cycle = 0; cycle < CYCLES && st == KAAL_OK; cycle++) {
		kaal_word bits;
		st = kaal_wait(SLOT_PHASE_WAIT, &bits);
		for (uint32_t i = 0; i < BURST + QUIET && st == KAAL_OK; i++, expect++) {
			uint64_t v = ~expect;
			st = kaal_channel_recv(&c, &v, KAAL_CHANNEL_FOREVER);
			in_order += st == KAAL_OK && v == expect;
			/* The burst is all taken, or a quiet element is: the producer goes on. */
			if (st == KAAL_OK && i >= BURST - 1)
				st = kaal_signal(SLOT_PHASE_SIGNAL, 1);
		}
	}
	uint64_t extra;
	if (st == KAAL_OK && kaal_channel_recv(&c, &extra, 0) != KAAL_WOULD_BLOCK)
		in_order = 0;
	r[R_STATUS] = st;
	r[R_COUNT] = in_order;
	r[R_OTHER] = rs.follows;
	r[R_GENERATION] = rs.generation;
	report(r);
}

/* ---- The root task. */

static struct kaal_slot_ref slot_of(kaal_cptr slot)
{
	return kaal_root_slot(root, slot);
}

/* The service endpoint badged with role, Write and GrantReply, into the process. */
static kaal_status give_endpoint(const struct kaal_process *p, kaal_cptr ep,
                                 enum kaal_ring_role role)
{
	kaal_cptr badged;
	kaal_status st = kaal_broker_alloc_slot(&broker, &badged);
	if (st == KAAL_OK)
		st = kaal_cnode_mint(slot_of(badged), slot_of(ep),
		                     KAAL_RIGHT_WRITE | KAAL_RIGHT_GRANT_REPLY, role);
	if (st == KAAL_OK)
		st = kaal_cnode_move(kaal_process_slot(p, SLOT_SERVICE), slot_of(badged));
	return st;
}

static kaal_status hand_over(const struct kaal_process *p, kaal_cptr ep, enum kaal_ring_role role,
                             kaal_cptr own_bell, kaal_cptr peer_bell, kaal_cptr phase_wait,
                             kaal_cptr phase_signal)
{
	kaal_status st = give_endpoint(p, ep, role);
	if (st == KAAL_OK)
		st = kaal_broker_give(&broker, p, SLOT_SLEEP, own_bell, KAAL_RIGHT_READ);
	if (st == KAAL_OK)
		st = kaal_broker_give(&broker, p, SLOT_WAKE, peer_bell, KAAL_RIGHT_WRITE);
	if (st == KAAL_OK)
		st = kaal_broker_give(&broker, p, SLOT_PHASE_WAIT, phase_wait, KAAL_RIGHT_READ);
	if (st == KAAL_OK)
		st =
		    kaal_broker_give(&broker, p, SLOT_PHASE_SIGNAL, phase_signal, KAAL_RIGHT_WRITE);
	return st;
}

/* The root while the processes run: the ring service, and their reports. */
struct root_loop {
	struct kaal_ring_service *service;
	kaal_word report[2][4]; /* [role - 1] */
	bool reported[2];
	uint64_t requests, refused;
};

static enum kaal_server_action serve(void *ctx, const struct kaal_msg *request,
                                     struct kaal_msg *reply)
{
	struct root_loop *loop = ctx;
	enum kaal_ring_role role = (enum kaal_ring_role)request->badge;
	if (kaal_msg_label(request->info) != LABEL_REPORT) {
		kaal_ring_service_handle(loop->service, role, request, reply);
		loop->requests++;
		loop->refused += kaal_msg_label(reply->info) != KAAL_OK;
		return KAAL_SERVER_REPLY;
	}
	if (role != KAAL_RING_PRODUCER && role != KAAL_RING_CONSUMER)
		return KAAL_SERVER_NO_REPLY;
	for (unsigned i = 0; i < 4; i++)
		loop->report[role - 1][i] = request->mr[i];
	loop->reported[role - 1] = true;
	return loop->reported[0] && loop->reported[1] ? KAAL_SERVER_STOP : KAAL_SERVER_NO_REPLY;
}

static void describe(const char *who, const kaal_word *r, const char *count, const char *other)
{
	kaal_diag_str(who);
	kaal_diag_str(": ");
	kaal_diag_str(kaal_status_name((long)r[R_STATUS]));
	kaal_diag_str(", ");
	kaal_diag_dec(r[R_COUNT]);
	kaal_diag_str(count);
	kaal_diag_dec(r[R_OTHER]);
	kaal_diag_str(other);
	kaal_diag_dec(r[R_GENERATION]);
	kaal_diag_end();
}

int kaal_scenario_main(const struct kaal_boot_info *bi)
{
	kaal_tap_plan(PLAN);
	root = bi->root_cnode_cptr;
	if (kaal_broker_init(&broker, bi) != KAAL_OK) {
		kaal_tap_diag("the broker does not accept this boot info");
		return 1;
	}

	/* 1: the two processes. */
	struct kaal_process prod, cons;
	kaal_status st = kaal_broker_create_process(&broker, RADIX, 100, 0, &prod);
	if (st == KAAL_OK)
		st = kaal_broker_create_process(&broker, RADIX, 100, 0, &cons);
	if (!kaal_tap_ok_status(st, "create a producer and a consumer process"))
		return (int)kaal_tap_failures();

	/* 2: endpoint, doorbells and phase notifications. */
	kaal_cptr ep = 0, prod_bell = 0, cons_bell = 0, acks = 0, sent = 0;
	st = kaal_broker_create_endpoint(&broker, &ep);
	if (st == KAAL_OK)
		st = kaal_broker_create_notification(&broker, &prod_bell);
	if (st == KAAL_OK)
		st = kaal_broker_create_notification(&broker, &cons_bell);
	if (st == KAAL_OK)
		st = kaal_broker_create_notification(&broker, &acks);
	if (st == KAAL_OK)
		st = kaal_broker_create_notification(&broker, &sent);
	if (!kaal_tap_ok_status(st, "create the service endpoint and four notifications"))
		return (int)kaal_tap_failures();

	/* 3: the first ring, from the service; from here on only rings take memory. */
	uint64_t free_before = broker.memory.free_bytes;
	static struct kaal_ring_service service;
	st = kaal_ring_service_init(&service, &broker, &prod, &cons, SLOT_FRAMES, MAX_FRAMES,
	                            MIN_CAP, ELEM, ROOT_SCRATCH);
	if (!kaal_tap_ok_status(st, "the ring service creates a ring of 16 x 8 bytes in both"))
		return (int)kaal_tap_failures();

	/* 4: the hand-over. */
	st = hand_over(&prod, ep, KAAL_RING_PRODUCER, prod_bell, cons_bell, acks, sent);
	if (st == KAAL_OK)
		st = hand_over(&cons, ep, KAAL_RING_CONSUMER, cons_bell, prod_bell, sent, acks);
	if (!kaal_tap_ok_status(st, "hand each process its endpoint and notifications"))
		return (int)kaal_tap_failures();

	/* 5: run, serving the rings until both report. */
	st = kaal_thread_start(prod.thread, producer, producer_stack + sizeof(producer_stack),
	                       PRODUCER_BASE, NULL);
	if (st == KAAL_OK)
		st =
		    kaal_thread_start(cons.thread, consumer,
		                      consumer_stack + sizeof(consumer_stack), CONSUMER_BASE, NULL);
	if (!kaal_tap_ok_status(st, "start both processes"))
		return (int)kaal_tap_failures();
	static struct root_loop loop;
	loop.service = &service;
	kaal_status served = kaal_server_run(ep, serve, &loop);
	const kaal_word *prod_r = loop.report[KAAL_RING_PRODUCER - 1];
	const kaal_word *cons_r = loop.report[KAAL_RING_CONSUMER - 1];
	uint64_t requests = loop.requests, refused = loop.refused;
	if (served != KAAL_OK) {
		kaal_diag_str("the root's server loop ended with ");
		kaal_diag_str(kaal_status_name(served));
		kaal_diag_end();
	}
	describe("producer", prod_r, " grows, ", " shrinks, generation ");
	describe("consumer", cons_r, " in order, ", " rings followed, generation ");
	kaal_diag_str("the service answered ");
	kaal_diag_dec(requests);
	kaal_diag_str(" requests, refused ");
	kaal_diag_dec(refused);
	kaal_diag_end();

	/* 6-10: what the reports and the broker say. */
	kaal_tap_ok(served == KAAL_OK && prod_r[R_STATUS] == KAAL_OK &&
	                cons_r[R_STATUS] == KAAL_OK && refused == 0,
	            "no call failed and the service refused no request");
	kaal_tap_ok(cons_r[R_COUNT] == ELEMENTS,
	            "1920 elements arrived once each, in order, across every ring");
	kaal_tap_ok(prod_r[R_COUNT] == CYCLES && prod_r[R_OTHER] == CYCLES,
	            "the ring grew under each burst and shrank in each quiet spell: 20 and 20");
	kaal_tap_ok(cons_r[R_OTHER] == 2 * CYCLES && cons_r[R_GENERATION] == prod_r[R_GENERATION],
	            "the consumer followed the producer to every ring");
	unsigned w = (unsigned)(prod_r[R_GENERATION] & 1u);
	bool one_left = service.window[w ^ 1u].frames == 0 &&
	                free_before - broker.memory.free_bytes == service.window[w].memory.size;
	st = kaal_ring_service_destroy(&service);
	kaal_tap_ok(one_left && st == KAAL_OK && broker.memory.free_bytes == free_before,
	            "only the last ring was still held, and its memory went back at the end");
	return (int)kaal_tap_failures();
}
