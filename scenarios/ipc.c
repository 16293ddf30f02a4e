/*
 * Scenario: two processes, a producer and a consumer, each with a CSpace of
 * its own, move one million sequence numbers through shared memory.
 *
 * The root task sets everything up with the broker and then only waits:
 *
 * - data: a SharedRing of 256 64-bit sequence numbers spanning two frames,
 *   producer -> consumer, driven as a kaal_channel.
 * - acks: a SharedRing of 64 words in one frame, consumer -> producer. The
 *   consumer acknowledges every ACK_EVERY messages (and the last one) with
 *   the count it has received. The producer keeps at most WINDOW messages
 *   unacknowledged and checks every ack it gets. At most WINDOW / ACK_EVERY
 *   + 1 = 17 acks are ever in flight, so the ack ring never fills and the
 *   consumer never waits for the producer while the producer waits for it.
 * - Each process has one doorbell notification. It sleeps there (a Read
 *   capability) whichever of its two channels it waits in; the peer holds
 *   a Write capability to it. A wake-up meant for the other channel is a
 *   spurious one, which the channel protocol tolerates.
 * - The ring frames are mapped at different addresses in each process (and
 *   at a third in the root task, which creates the rings and unmaps them).
 *   Only offsets live in shared memory; capabilities stay in the CSpaces.
 * - A warm-up makes both kinds of blocking certain (see peer_slept()): the
 *   producer sends nothing until the consumer has gone to sleep on the
 *   empty ring, and the consumer takes nothing after its first burst until
 *   the producer has gone to sleep on the full ring.
 * - Each process runs in a VSpace of its own: where the kernel isolates
 *   address spaces, neither can reach the other's memory but the rings.
 * - Each process ends by sending the root a report on its badged endpoint
 *   and returning; the root checks the reports.
 */
#include <stddef.h>

#include <kaal/broker.h>
#include <kaal/channel.h>
#include <kaal/sdk.h>
#include <kaal/tap.h>

#define PLAN 11

#define MESSAGES      1000000u
#define DATA_CAPACITY 256u /* 384 + 256 slots of 16 bytes (sequence word, element): two frames */
#define DATA_FRAMES   2u
#define ACK_CAPACITY  64u
#define ACK_EVERY     64u
#define WINDOW        1024u /* messages the producer may have unacknowledged */
#define BURST         64u
#define PAGE          4096u

/* The process CNodes: 2^RADIX slots, found in one level by a guard of 64 - RADIX zero bits. */
#define RADIX 6

/* Slots of each process's CNode, the same layout for both. */
enum process_slot {
	SLOT_IPC = 1,    /* its IPC buffer frame */
	SLOT_REPORT = 2, /* endpoint to the root: Write, badged */
	SLOT_DATA = 3,   /* data ring frames, DATA_FRAMES slots from here */
	SLOT_ACK = 5,    /* ack ring frame */
	SLOT_SLEEP = 6,  /* its own doorbell: Read */
	SLOT_WAKE = 7    /* the peer's doorbell: Write */
};

/* Virtual addresses: one region per process, and one for the root task. */
#define PRODUCER_BASE 0x10000000u
#define CONSUMER_BASE 0x20000000u
#define ROOT_BASE     0x30000000u
#define IPC_OFFSET    0x0u
#define DATA_OFFSET   0x10000u
#define ACK_OFFSET    0x20000u

/* Badges of the report endpoint capabilities. */
#define BADGE_PRODUCER 1u
#define BADGE_CONSUMER 2u

/* A report: words sent to the root at the end. */
enum report_word {
	R_STATUS,      /* the first call that failed, KAAL_OK if none */
	R_BAD,         /* wrong sequence numbers (consumer) or acks (producer) */
	R_FIRST_BAD,   /* where the first wrong one was */
	R_DATA_SLEEPS, /* times the process slept in the data channel */
	R_ACK_SLEEPS,  /* times the process slept in the ack channel */
	R_SIGNALS,     /* times it rang the peer's doorbell */
	R_MESSAGES,    /* messages sent (producer) or received (consumer) */
	R_ACKS,        /* acks received (producer) or sent (consumer) */
	R_WORDS
};

/* How long a process waits for its peer's flag before it calls the peer dead. */
#define PATIENCE_NS UINT64_C(30000000000)

static struct kaal_broker broker;
static kaal_cptr root;

static uint8_t producer_stack[16384] __attribute__((aligned(16)));
static uint8_t consumer_stack[16384] __attribute__((aligned(16)));

/* ---- The processes. Each uses only its own CSpace and its own mappings. */

/* Map one of this process's frames exactly at vaddr. */
static kaal_status map_at(kaal_cptr frame, kaal_word vaddr, void **out)
{
	kaal_status st = kaal_map(frame, vaddr, KAAL_RIGHT_READ | KAAL_RIGHT_WRITE, out);
	if (st == KAAL_OK && (uintptr_t)*out != vaddr)
		st = KAAL_INVALID_ARGUMENT;
	return st;
}

/* Map the IPC buffer and both rings at base; return the two ring views. */
static kaal_status map_process(kaal_word base, void **data, void **ack)
{
	void *ipc;
	kaal_status st = map_at(SLOT_IPC, base + IPC_OFFSET, &ipc);
	if (st != KAAL_OK)
		return st;
	kaal_set_ipc_buffer(ipc);
	for (unsigned i = 0; i < DATA_FRAMES && st == KAAL_OK; i++) {
		void *page;
		st = map_at(SLOT_DATA + i, base + DATA_OFFSET + i * PAGE, &page);
		if (i == 0)
			*data = page;
	}
	if (st == KAAL_OK)
		st = map_at(SLOT_ACK, base + ACK_OFFSET, ack);
	return st;
}

static void fail(kaal_word *r, kaal_status st)
{
	if (r[R_STATUS] == KAAL_OK)
		r[R_STATUS] = st;
}

/* The last thing a process does: words 0-3 in registers, the rest in its IPC buffer. */
static void send_report(const kaal_word *r)
{
	struct kaal_ipc_buffer *ipc = kaal_ipc_buffer();
	unsigned len = ipc ? R_WORDS : KAAL_MSG_FAST_WORDS;
	struct kaal_msg m = {kaal_msg_info(0, len, 0), {r[0], r[1], r[2], r[3]}, 0};
	for (unsigned i = KAAL_MSG_FAST_WORDS; i < len; i++)
		ipc->msg[i] = r[i];
	kaal_send(SLOT_REPORT, &m);
}

/* Spin until the flag is up; false if the peer never raises it. */
static bool flag_up(kaal_atomic_u32 *flag)
{
	uint64_t give_up = 0;
	for (uint32_t i = 1;; i++) {
		if (kaal_atomic_load(flag, KAAL_ACQUIRE) != 0)
			return true;
		if ((i & 0xFFF) == 0) {
			uint64_t now = kaal_time_ns();
			if (give_up == 0)
				give_up = now + PATIENCE_NS;
			else if (now > give_up)
				return false;
		}
	}
}

/*
 * Return once the peer, blocked in a channel with flag as its waiting flag,
 * has certainly gone to sleep, without making progress for it. A raised
 * flag only says the peer is about to look at the ring once more; it sleeps
 * if that look fails. So: see the flag up, take it down and ring the
 * doorbell as a wake-up would, and wait for the flag to come up again. The
 * peer raises it only at the start of a new attempt, which it makes only
 * after its last look failed and it waited (the doorbell ended the wait),
 * so by then its channel has counted a sleep.
 */
static bool peer_slept(kaal_atomic_u32 *flag, uint64_t *signals, kaal_word *r)
{
	if (!flag_up(flag)) {
		fail(r, KAAL_TIMEOUT);
		return false;
	}
	if (kaal_atomic_exchange(flag, 0, KAAL_ACQ_REL) == 1) {
		kaal_status st = kaal_signal(SLOT_WAKE, 1);
		(*signals)++;
		if (st != KAAL_OK) {
			fail(r, st);
			return false;
		}
	}
	if (!flag_up(flag)) {
		fail(r, KAAL_TIMEOUT);
		return false;
	}
	return true;
}

/* Take every ack there is, or wait for one if must_wait; check each. */
static kaal_status take_acks(struct kaal_channel *ack, bool must_wait, uint64_t sent,
                             uint64_t *acked, kaal_word *r)
{
	if (!must_wait && kaal_ring_ready(&ack->ring) == 0)
		return KAAL_OK;
	uint64_t got[16];
	size_t n;
	kaal_status st = kaal_channel_recv_burst(ack, got, 16, &n, KAAL_CHANNEL_FOREVER);
	if (st != KAAL_OK)
		return st;
	for (size_t i = 0; i < n; i++) {
		/* An ack counts messages received: more than before, at most what was sent. */
		bool good = got[i] > *acked && got[i] <= sent &&
		            (got[i] % ACK_EVERY == 0 || got[i] == MESSAGES);
		if (!good && r[R_BAD]++ == 0)
			r[R_FIRST_BAD] = r[R_ACKS];
		r[R_ACKS]++;
		if (got[i] > *acked)
			*acked = got[i];
	}
	return KAAL_OK;
}

static void producer(kaal_word base)
{
	kaal_word r[R_WORDS] = {0};
	struct kaal_channel data, ack;
	void *data_view = 0, *ack_view = 0;
	uint64_t nudges = 0;
	kaal_status st = map_process(base, &data_view, &ack_view);
	if (st == KAAL_OK)
		st = kaal_channel_attach(&data, data_view, DATA_FRAMES * PAGE, KAAL_RING_PRODUCER,
		                         SLOT_SLEEP, SLOT_WAKE);
	if (st == KAAL_OK)
		st = kaal_channel_attach(&ack, ack_view, PAGE, KAAL_RING_CONSUMER, SLOT_SLEEP,
		                         SLOT_WAKE);
	if (st != KAAL_OK) {
		fail(r, st);
		send_report(r);
		return;
	}

	/* Warm-up: nothing is sent before the consumer has slept on the empty ring. */
	bool ok = peer_slept(&data.ring.hdr->consumer_waiting, &nudges, r);
	uint64_t sent = 0, acked = 0;
	uint64_t batch[BURST];
	while (ok && sent < MESSAGES) {
		st = take_acks(&ack, sent - acked >= WINDOW, sent, &acked, r);
		if (st != KAAL_OK)
			break;
		uint64_t n = BURST;
		if (n > MESSAGES - sent)
			n = MESSAGES - sent;
		if (n > WINDOW - (sent - acked))
			n = WINDOW - (sent - acked);
		if (n == 0)
			continue;
		for (uint64_t i = 0; i < n; i++)
			batch[i] = sent + i;
		size_t done;
		st = kaal_channel_send_burst(&data, batch, (size_t)n, &done, KAAL_CHANNEL_FOREVER);
		if (st != KAAL_OK)
			break;
		sent += done;
	}
	while (ok && st == KAAL_OK && acked < MESSAGES)
		st = take_acks(&ack, true, sent, &acked, r);
	if (st != KAAL_OK)
		fail(r, st);
	r[R_DATA_SLEEPS] = data.sleeps;
	r[R_ACK_SLEEPS] = ack.sleeps;
	r[R_SIGNALS] = data.signals + ack.signals + nudges;
	r[R_MESSAGES] = sent;
	send_report(r);
}

static void consumer(kaal_word base)
{
	kaal_word r[R_WORDS] = {0};
	struct kaal_channel data, ack;
	void *data_view = 0, *ack_view = 0;
	uint64_t nudges = 0;
	kaal_status st = map_process(base, &data_view, &ack_view);
	if (st == KAAL_OK)
		st = kaal_channel_attach(&data, data_view, DATA_FRAMES * PAGE, KAAL_RING_CONSUMER,
		                         SLOT_SLEEP, SLOT_WAKE);
	if (st == KAAL_OK)
		st = kaal_channel_attach(&ack, ack_view, PAGE, KAAL_RING_PRODUCER, SLOT_SLEEP,
		                         SLOT_WAKE);
	if (st != KAAL_OK) {
		fail(r, st);
		send_report(r);
		return;
	}

	uint64_t received = 0;
	uint64_t batch[BURST];
	bool ok = true, first = true;
	while (ok && received < MESSAGES) {
		size_t n;
		st = kaal_channel_recv_burst(&data, batch, BURST, &n, KAAL_CHANNEL_FOREVER);
		if (st != KAAL_OK)
			break;
		for (size_t i = 0; i < n && st == KAAL_OK; i++) {
			if (batch[i] != received && r[R_BAD]++ == 0)
				r[R_FIRST_BAD] = received;
			received++;
			if (received % ACK_EVERY == 0 || received == MESSAGES) {
				st = kaal_channel_send(&ack, &received, KAAL_CHANNEL_FOREVER);
				r[R_ACKS]++;
			}
		}
		/* Warm-up: after the first burst, wait for the producer to sleep on a full ring. */
		if (st == KAAL_OK && first)
			ok = peer_slept(&data.ring.hdr->producer_waiting, &nudges, r);
		first = false;
	}
	/* Nothing beyond the last sequence number. */
	uint64_t extra;
	if (st == KAAL_OK && ok) {
		kaal_status more = kaal_channel_recv(&data, &extra, 0);
		if (more != KAAL_WOULD_BLOCK && r[R_BAD]++ == 0)
			r[R_FIRST_BAD] = received;
	}
	if (st != KAAL_OK)
		fail(r, st);
	r[R_DATA_SLEEPS] = data.sleeps;
	r[R_ACK_SLEEPS] = ack.sleeps;
	r[R_SIGNALS] = data.signals + ack.signals + nudges;
	r[R_MESSAGES] = received;
	send_report(r);
}

/* ---- The root task. */

static struct kaal_slot_ref slot_of(kaal_cptr slot)
{
	return kaal_root_slot(root, slot);
}

/* The rings' frames, mapped by the root task only long enough to create the rings. */
static kaal_status create_rings(kaal_cptr *data, kaal_cptr *ack)
{
	struct kaal_memory data_mem, ack_mem;
	kaal_status st = kaal_broker_create_frames(&broker, DATA_FRAMES, data, &data_mem);
	if (st == KAAL_OK)
		st = kaal_broker_create_frames(&broker, 1, ack, &ack_mem);
	void *view = 0, *ack_view = 0;
	for (unsigned i = 0; i < DATA_FRAMES && st == KAAL_OK; i++) {
		void *page;
		st = map_at(data[i], ROOT_BASE + DATA_OFFSET + i * PAGE, &page);
		if (i == 0)
			view = page;
	}
	if (st == KAAL_OK)
		st = map_at(*ack, ROOT_BASE + ACK_OFFSET, &ack_view);
	if (st == KAAL_OK)
		st = kaal_ring_create(view, DATA_FRAMES * PAGE, DATA_CAPACITY, sizeof(uint64_t));
	if (st == KAAL_OK)
		st = kaal_ring_create(ack_view, PAGE, ACK_CAPACITY, sizeof(uint64_t));
	for (unsigned i = 0; i < DATA_FRAMES && st == KAAL_OK; i++)
		st = kaal_unmap(data[i]);
	if (st == KAAL_OK)
		st = kaal_unmap(*ack);
	return st;
}

/* Everything a process needs, and nothing else, into its CNode. */
static kaal_status hand_over(const struct kaal_process *p, kaal_cptr report, const kaal_cptr *data,
                             kaal_cptr ack, kaal_cptr own_doorbell, kaal_cptr peer_doorbell)
{
	kaal_status st = KAAL_OK;
	for (unsigned i = 0; i < DATA_FRAMES && st == KAAL_OK; i++)
		st = kaal_broker_give(&broker, p, SLOT_DATA + i, data[i],
		                      KAAL_RIGHT_READ | KAAL_RIGHT_WRITE);
	if (st == KAAL_OK)
		st =
		    kaal_broker_give(&broker, p, SLOT_ACK, ack, KAAL_RIGHT_READ | KAAL_RIGHT_WRITE);
	if (st == KAAL_OK)
		st = kaal_cnode_move(kaal_process_slot(p, SLOT_REPORT), slot_of(report));
	if (st == KAAL_OK)
		st = kaal_broker_give(&broker, p, SLOT_SLEEP, own_doorbell, KAAL_RIGHT_READ);
	if (st == KAAL_OK)
		st = kaal_broker_give(&broker, p, SLOT_WAKE, peer_doorbell, KAAL_RIGHT_WRITE);
	return st;
}

static void describe(const char *who, const kaal_word *r)
{
	kaal_diag_str(who);
	kaal_diag_str(": ");
	kaal_diag_dec(r[R_MESSAGES]);
	kaal_diag_str(" messages, ");
	kaal_diag_dec(r[R_ACKS]);
	kaal_diag_str(" acks, slept ");
	kaal_diag_dec(r[R_DATA_SLEEPS]);
	kaal_diag_str("x in the data channel and ");
	kaal_diag_dec(r[R_ACK_SLEEPS]);
	kaal_diag_str("x in the ack channel, rang the peer ");
	kaal_diag_dec(r[R_SIGNALS]);
	kaal_diag_str("x");
	kaal_diag_end();
	if (r[R_STATUS] != KAAL_OK || r[R_BAD] != 0) {
		kaal_diag_str(who);
		kaal_diag_str(": first failed call ");
		kaal_diag_str(kaal_status_name((long)r[R_STATUS]));
		kaal_diag_str(", ");
		kaal_diag_dec(r[R_BAD]);
		kaal_diag_str(" wrong, the first at ");
		kaal_diag_dec(r[R_FIRST_BAD]);
		kaal_diag_end();
	}
}

int kaal_scenario_main(const struct kaal_boot_info *bi)
{
	kaal_tap_plan(PLAN);
	root = bi->root_cnode_cptr;
	if (kaal_broker_init(&broker, bi) != KAAL_OK) {
		kaal_tap_diag("the broker does not accept this boot info");
		return 1;
	}

	/* 1: two processes, each with a CNode of its own as its CSpace. */
	struct kaal_process prod, cons;
	kaal_status st = kaal_broker_create_process(&broker, RADIX, 100, SLOT_IPC, &prod);
	if (st == KAAL_OK)
		st = kaal_broker_create_process(&broker, RADIX, 100, SLOT_IPC, &cons);
	if (!kaal_tap_ok_status(
	        st, "create a producer and a consumer process, each with its own CSpace"))
		return (int)kaal_tap_failures();

	/* 2: the rings, in frames of broker memory. */
	kaal_cptr data[DATA_FRAMES], ack;
	if (!kaal_tap_ok_status(create_rings(data, &ack),
	                        "create the data and ack rings in shared frames"))
		return (int)kaal_tap_failures();

	/* 3: doorbells, report endpoints, and the hand-over. */
	kaal_cptr prod_bell = 0, cons_bell = 0, ep = 0, prod_report = 0, cons_report = 0;
	st = kaal_broker_create_notification(&broker, &prod_bell);
	if (st == KAAL_OK)
		st = kaal_broker_create_notification(&broker, &cons_bell);
	if (st == KAAL_OK)
		st = kaal_broker_create_endpoint(&broker, &ep);
	if (st == KAAL_OK)
		st = kaal_broker_alloc_slot(&broker, &prod_report);
	if (st == KAAL_OK)
		st = kaal_cnode_mint(slot_of(prod_report), slot_of(ep), KAAL_RIGHT_WRITE,
		                     BADGE_PRODUCER);
	if (st == KAAL_OK)
		st = kaal_broker_alloc_slot(&broker, &cons_report);
	if (st == KAAL_OK)
		st = kaal_cnode_mint(slot_of(cons_report), slot_of(ep), KAAL_RIGHT_WRITE,
		                     BADGE_CONSUMER);
	if (st == KAAL_OK)
		st = hand_over(&prod, prod_report, data, ack, prod_bell, cons_bell);
	if (st == KAAL_OK)
		st = hand_over(&cons, cons_report, data, ack, cons_bell, prod_bell);
	if (!kaal_tap_ok_status(st, "hand each process its frames, doorbells and report endpoint"))
		return (int)kaal_tap_failures();
	kaal_diag_str("data ring (");
	kaal_diag_dec(DATA_CAPACITY);
	kaal_diag_str(" x 8 bytes, ");
	kaal_diag_dec(DATA_FRAMES);
	kaal_diag_str(" frames) at ");
	kaal_diag_hex(PRODUCER_BASE + DATA_OFFSET);
	kaal_diag_str(" in the producer, ");
	kaal_diag_hex(CONSUMER_BASE + DATA_OFFSET);
	kaal_diag_str(" in the consumer");
	kaal_diag_end();

	/* 4: run. */
	uint64_t start = kaal_time_ns();
	st = kaal_thread_start(prod.thread, producer, producer_stack + sizeof(producer_stack),
	                       PRODUCER_BASE, NULL);
	bool prod_running = st == KAAL_OK;
	if (st == KAAL_OK)
		st =
		    kaal_thread_start(cons.thread, consumer,
		                      consumer_stack + sizeof(consumer_stack), CONSUMER_BASE, NULL);
	bool cons_running = st == KAAL_OK;
	kaal_tap_ok_status(st, "start both processes");

	/*
	 * 5: wait for both reports. If one process fails, its peer may wait for it
	 * for ever: destroying the doorbells ends every such wait with an error.
	 */
	kaal_word prod_r[R_WORDS] = {0}, cons_r[R_WORDS] = {0};
	bool prod_done = !prod_running, cons_done = !cons_running, doorbells = true;
	while (!prod_done || !cons_done) {
		struct kaal_msg m;
		if (kaal_recv(ep, &m) != KAAL_OK)
			break;
		kaal_word *r = m.badge == BADGE_PRODUCER ? prod_r : cons_r;
		const struct kaal_ipc_buffer *ipc = kaal_ipc_buffer();
		for (unsigned i = 0; i < R_WORDS; i++)
			r[i] = i < KAAL_MSG_FAST_WORDS ? m.mr[i] : ipc ? ipc->msg[i] : 0;
		if (m.badge == BADGE_PRODUCER)
			prod_done = true;
		else
			cons_done = true;
		if (doorbells && (r[R_STATUS] != KAAL_OK || !prod_running || !cons_running)) {
			kaal_broker_destroy_object(&broker, prod_bell);
			kaal_broker_destroy_object(&broker, cons_bell);
			doorbells = false;
		}
	}
	uint64_t elapsed = kaal_time_ns() - start;
	kaal_tap_ok(prod_done && cons_done && prod_running && cons_running,
	            "both processes reported and finished");
	describe("producer", prod_r);
	describe("consumer", cons_r);
	kaal_diag_str("one million messages in ");
	kaal_diag_dec(elapsed / 1000000u);
	kaal_diag_str(" ms");
	kaal_diag_end();

	/* 6-11: what the reports say. */
	kaal_tap_ok(prod_r[R_STATUS] == KAAL_OK && cons_r[R_STATUS] == KAAL_OK,
	            "no call failed in either process");
	kaal_tap_ok(prod_r[R_MESSAGES] == MESSAGES && cons_r[R_MESSAGES] == MESSAGES,
	            "1000000 messages sent and received");
	kaal_tap_ok(cons_r[R_BAD] == 0 && cons_r[R_MESSAGES] == MESSAGES,
	            "the consumer saw every sequence number, in order, and nothing more");
	kaal_tap_ok(prod_r[R_BAD] == 0 && prod_r[R_ACKS] == MESSAGES / ACK_EVERY &&
	                cons_r[R_ACKS] == MESSAGES / ACK_EVERY,
	            "every ack arrived and counted the messages received so far");
	kaal_tap_ok(prod_r[R_DATA_SLEEPS] > 0, "the producer slept on the full data ring");
	kaal_tap_ok(cons_r[R_DATA_SLEEPS] > 0, "the consumer slept on the empty data ring");
	return (int)kaal_tap_failures();
}
