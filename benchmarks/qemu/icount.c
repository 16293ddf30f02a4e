/*
 * Instruction counts of kaal's hot paths on QEMU (docs/benchmarks.md,
 * "Instruction counts on QEMU"): a root task at EL0 that times system calls,
 * wake-ups, IPC and channel messages between processes, each with a CSpace
 * and a VSpace of its own, and prints one table beside seL4's published
 * cycle counts (Cortex-A53). Not a test: it prints and exits 0, or 1 when a
 * process could not be set up.
 *
 * Run it under `-icount shift=0` (ci/bench-icount.sh): QEMU's virtual time
 * then advances 1 ns per guest instruction, and CNTVCT_EL0, at 62.5 MHz,
 * ticks once every 16 instructions. Counter ticks x 16 are instructions.
 *
 * A tick is 16 instructions wide, so every figure is an average that a
 * random start cancels the tick out of:
 *
 * - Batched rows (one thread times itself): OPS operations between two
 *   counter reads, started after 0-15 nops (a random number), so the batch
 *   starts anywhere within a tick; ticks x 16 / OPS.
 * - One-way rows (a sender and a receiver, usually in two processes): the
 *   sender reads the counter into shared memory just before the operation,
 *   the receiver reads it as soon as its own call returns. A sample's tick
 *   difference is floor((phase + X) / 16) for an operation of X
 *   instructions that starts phase instructions into a tick; with 0-15
 *   random nops before each sample the phase is uniform, and the mean over
 *   the 16 phases is exactly X / 16. A batch is the mean of OPS samples.
 *
 * Each figure is the median of BATCHES batches (after one warm-up batch)
 * less the median of the same measurement around nothing: an empty loop
 * for batched rows, a counter read stored and read back for one-way rows.
 * A timer tick (every 10 ms: 10 million instructions) lands in a few
 * batches; the median leaves them out.
 */
#include <stddef.h>

#include <kaal/broker.h>
#include <kaal/channel.h>
#include <kaal/sdk.h>
#include <kaal/tap.h>

#include "root_task.h"

#define BATCHES        101u
#define OPS            64u /* operations or samples per batch */
#define INSTR_PER_TICK 16u /* -icount shift=0: 1 ns per instruction; CNTFRQ 62.5 MHz */
#define HUNDREDTHS     100u

#define PAGE          4096u
#define RADIX         4 /* process CNodes: 16 slots */
#define RING_CAPACITY 128u
#define RINGS         2u

/* Priorities: the root task, and its peers above, at or below it. */
#define PRIO_ROOT       100u
#define PRIO_SERVER     100u
#define PRIO_WAITER     200u
#define PRIO_CHAIN_HIGH 150u
#define PRIO_CHAIN_LOW  120u
#define PRIO_CONSUMER   200u

/* Slots of every process's CNode. */
enum process_slot {
	SLOT_IPC = 1,    /* its IPC buffer frame */
	SLOT_SHARED = 2, /* the shared page: stamps and results */
	SLOT_RING = 3,   /* its ring's frame */
	SLOT_WAIT = 4,   /* the notification it waits on: Read */
	SLOT_SIGNAL = 5, /* the notification it signals: Write */
	SLOT_EP = 6,     /* the endpoint it serves: Read */
	SLOT_CMD = 7     /* the notification the root starts its batches with: Read */
};

/* Every process maps its pages at the same addresses in its own VSpace; the root elsewhere. */
#define CHILD_BASE    0x10000000u
#define ROOT_BASE     0x30000000u
#define IPC_OFFSET    0x0u
#define SHARED_OFFSET 0x1000u
#define RING_OFFSET   0x2000u

/* A one-way measurement: the sender's counter before the operation, the receiver's sum. */
struct stamp {
	volatile uint64_t t0;
	volatile uint64_t sum; /* tick differences of this batch's samples */
};

struct shared {
	struct stamp wake_high; /* root signals a higher-priority waiter */
	struct stamp wake_low;  /* the chain's high thread signals a lower-priority waiter */
	struct stamp call;      /* root calls the stamping server */
	struct stamp reply;     /* the stamping server's ReplyRecv back to the root */
	struct stamp channel;   /* root sends to the sleeping consumer */
	struct stamp nothing;   /* calibration: a stamp and its end, nothing between */
	volatile uint64_t drain_ticks;
	volatile uint64_t failed;  /* 1 + the role of a process that saw a wrong message */
	volatile uint8_t ready[8]; /* by role: the process is set up */
};

enum role {
	WAITER,            /* waits; the root signals it from below */
	CHAIN_HIGH,        /* signals CHAIN_LOW, a waiter below it, and times that */
	CHAIN_LOW,         /* waits */
	ECHO_SERVER,       /* replies with what it received */
	STAMP_SERVER,      /* the same, stamping the call's arrival and its reply's start */
	SLEEPING_CONSUMER, /* receives from ring 0, sleeping whenever it is empty */
	DRAINING_CONSUMER, /* on a command, receives a batch from ring 1 and times it */
	ROLES
};
_Static_assert(ROLES <= sizeof(((struct shared *)0)->ready), "a ready flag per role");

static const unsigned role_priority[ROLES] = {
    PRIO_WAITER, PRIO_CHAIN_HIGH, PRIO_CHAIN_LOW, PRIO_SERVER,
    PRIO_SERVER, PRIO_CONSUMER,   PRIO_CONSUMER,
};

static struct kaal_broker broker;
static kaal_cptr root;
static volatile uint32_t ops_per_batch = OPS; /* read at run time: no loop is unrolled */

/* Every process runs on this stack: the same address, a copy of its own in each VSpace. */
static uint8_t child_stack[8192] __attribute__((aligned(16)));

/* ---- Timing. */

static inline uint64_t counter(void)
{
	uint64_t v;
	/* The isb keeps the read from being taken before the instructions ahead of it. */
	__asm__ volatile("isb\n\tmrs %0, cntvct_el0" : "=r"(v) : : "memory");
	return v;
}

/* 0-15 nops, at random: whatever follows starts anywhere within a counter tick. */
static inline void dither(uint64_t *rng)
{
	uint64_t x = *rng;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*rng = x;
	__asm__ volatile("adr x9, 1f\n\t"
	                 "sub x9, x9, %0, lsl #2\n\t"
	                 "br x9\n\t"
	                 ".rept 15\n\t"
	                 "nop\n\t"
	                 ".endr\n"
	                 "1:"
	                 :
	                 : "r"(x & 15)
	                 : "x9", "memory");
}

static inline void stamp(struct stamp *s)
{
	s->t0 = counter();
}

static inline void stamp_end(struct stamp *s)
{
	uint64_t t1 = counter();
	s->sum += t1 - s->t0;
}

/* A batch's ticks as hundredths of an instruction per operation. */
static uint64_t per_op(uint64_t ticks, uint64_t ops)
{
	return ticks * INSTR_PER_TICK * HUNDREDTHS / ops;
}

/* ---- The processes. Each uses only its own CSpace and its own mappings. */

static kaal_status map_at(kaal_cptr frame, kaal_word vaddr, void **out)
{
	kaal_status st = kaal_map(frame, vaddr, KAAL_RIGHT_READ | KAAL_RIGHT_WRITE, out);
	if (st == KAAL_OK && (uintptr_t)*out != vaddr)
		st = KAAL_INVALID_ARGUMENT;
	return st;
}

static _Noreturn void wait_forever(kaal_cptr ntfn)
{
	for (;;) {
		kaal_word bits;
		kaal_wait(ntfn, &bits);
	}
}

static void waiter(struct shared *sh)
{
	for (;;) {
		kaal_word bits;
		kaal_wait(SLOT_WAIT, &bits);
		stamp_end(&sh->wake_high);
	}
}

static void chain_high(struct shared *sh)
{
	uint64_t rng = 0x9E3779B97F4A7C15u;
	for (;;) {
		kaal_word bits;
		kaal_wait(SLOT_WAIT, &bits);
		dither(&rng);
		stamp(&sh->wake_low);
		kaal_signal(SLOT_SIGNAL, 1);
		stamp_end(&sh->wake_low);
	}
}

static void echo_server(void)
{
	struct kaal_msg m = {0, {0}, 0};
	kaal_recv(SLOT_EP, &m);
	for (;;)
		kaal_reply_recv(SLOT_EP, &m); /* m.info: the length received */
}

static void stamp_server(struct shared *sh)
{
	uint64_t rng = 0xD1B54A32D192ED03u;
	struct kaal_msg m = {0, {0}, 0};
	kaal_recv(SLOT_EP, &m);
	for (;;) {
		stamp_end(&sh->call);
		m.info = kaal_msg_info(0, 0, 0);
		dither(&rng);
		stamp(&sh->reply);
		kaal_reply_recv(SLOT_EP, &m);
	}
}

static kaal_status attach_ring(struct kaal_channel *ch)
{
	void *ring;
	kaal_status st = map_at(SLOT_RING, CHILD_BASE + RING_OFFSET, &ring);
	if (st == KAAL_OK)
		st =
		    kaal_channel_attach(ch, ring, PAGE, KAAL_RING_CONSUMER, SLOT_WAIT, SLOT_SIGNAL);
	return st;
}

static void sleeping_consumer(struct shared *sh, struct kaal_channel *ch)
{
	for (uint64_t expect = 0;; expect++) {
		uint64_t v = 0;
		kaal_status st = kaal_channel_recv(ch, &v, KAAL_CHANNEL_FOREVER);
		stamp_end(&sh->channel);
		if (st != KAAL_OK || v != expect)
			sh->failed = SLEEPING_CONSUMER + 1;
	}
}

static __attribute__((noinline)) uint64_t batch_recv(struct kaal_channel *ch, uint64_t *rng,
                                                     uint64_t *last)
{
	uint64_t n = ops_per_batch, v = 0;
	dither(rng);
	uint64_t t0 = counter();
	for (uint64_t i = 0; i < n; i++)
		kaal_channel_recv(ch, &v, KAAL_CHANNEL_FOREVER);
	uint64_t t1 = counter();
	*last = v;
	return t1 - t0;
}

static void draining_consumer(struct shared *sh, struct kaal_channel *ch)
{
	uint64_t rng = 0x94D049BB133111EBu, expect = 0;
	for (;;) {
		kaal_word bits;
		kaal_wait(SLOT_CMD, &bits);
		uint64_t last;
		sh->drain_ticks = batch_recv(ch, &rng, &last);
		expect += ops_per_batch;
		if (last != expect - 1)
			sh->failed = DRAINING_CONSUMER + 1;
	}
}

static void process_main(kaal_word role)
{
	void *ipc, *page;
	kaal_status st = map_at(SLOT_IPC, CHILD_BASE + IPC_OFFSET, &ipc);
	if (st == KAAL_OK) {
		kaal_set_ipc_buffer(ipc);
		st = map_at(SLOT_SHARED, CHILD_BASE + SHARED_OFFSET, &page);
	}
	struct shared *sh = st == KAAL_OK ? page : NULL;
	struct kaal_channel ch;
	if (sh && (role == SLEEPING_CONSUMER || role == DRAINING_CONSUMER))
		st = attach_ring(&ch);
	if (st != KAAL_OK || role >= ROLES)
		return; /* the root finds it not ready */
	sh->ready[role] = 1;
	switch (role) {
	case WAITER:
		waiter(sh);
		break;
	case CHAIN_HIGH:
		chain_high(sh);
		break;
	case CHAIN_LOW:
		wait_forever(SLOT_WAIT);
		break;
	case ECHO_SERVER:
		echo_server();
		break;
	case STAMP_SERVER:
		stamp_server(sh);
		break;
	case SLEEPING_CONSUMER:
		sleeping_consumer(sh, &ch);
		break;
	default:
		draining_consumer(sh, &ch);
	}
}

/* ---- The root task: set-up. */

/* The root's capabilities to what it shares with the processes. */
struct objects {
	kaal_cptr shared, ring[RINGS];
	kaal_cptr waiter, chain_high, chain_low, idle; /* notifications */
	kaal_cptr consumer_bell[RINGS], producer_bell[RINGS], drain_cmd;
	kaal_cptr echo_ep, stamp_ep;
};

static kaal_status create_objects(struct objects *o)
{
	struct kaal_memory shared_mem, ring_mem;
	kaal_status st = kaal_broker_create_frames(&broker, 1, &o->shared, &shared_mem);
	if (st == KAAL_OK)
		st = kaal_broker_create_frames(&broker, RINGS, o->ring, &ring_mem);
	kaal_cptr *ntfn[] = {
	    &o->waiter,           &o->chain_high,       &o->chain_low,        &o->idle,
	    &o->consumer_bell[0], &o->consumer_bell[1], &o->producer_bell[0], &o->producer_bell[1],
	    &o->drain_cmd};
	for (unsigned i = 0; i < sizeof(ntfn) / sizeof(ntfn[0]) && st == KAAL_OK; i++)
		st = kaal_broker_create_notification(&broker, ntfn[i]);
	if (st == KAAL_OK)
		st = kaal_broker_create_endpoint(&broker, &o->echo_ep);
	if (st == KAAL_OK)
		st = kaal_broker_create_endpoint(&broker, &o->stamp_ep);
	return st;
}

/* Everything a process of this role needs, and nothing else, into its CNode. */
static kaal_status hand_over(const struct kaal_process *p, enum role role, const struct objects *o)
{
	const unsigned R = KAAL_RIGHT_READ, W = KAAL_RIGHT_WRITE;
	kaal_status st = kaal_broker_give(&broker, p, SLOT_SHARED, o->shared, R | W);
	if (st != KAAL_OK)
		return st;
	unsigned ring = role == SLEEPING_CONSUMER ? 0 : 1;
	switch (role) {
	case WAITER:
		return kaal_broker_give(&broker, p, SLOT_WAIT, o->waiter, R);
	case CHAIN_HIGH:
		st = kaal_broker_give(&broker, p, SLOT_WAIT, o->chain_high, R);
		return st == KAAL_OK ? kaal_broker_give(&broker, p, SLOT_SIGNAL, o->chain_low, W)
		                     : st;
	case CHAIN_LOW:
		return kaal_broker_give(&broker, p, SLOT_WAIT, o->chain_low, R);
	case ECHO_SERVER:
		return kaal_broker_give(&broker, p, SLOT_EP, o->echo_ep, R);
	case STAMP_SERVER:
		return kaal_broker_give(&broker, p, SLOT_EP, o->stamp_ep, R);
	case SLEEPING_CONSUMER:
	case DRAINING_CONSUMER:
		st = kaal_broker_give(&broker, p, SLOT_RING, o->ring[ring], R | W);
		if (st == KAAL_OK)
			st = kaal_broker_give(&broker, p, SLOT_WAIT, o->consumer_bell[ring], R);
		if (st == KAAL_OK)
			st = kaal_broker_give(&broker, p, SLOT_SIGNAL, o->producer_bell[ring], W);
		if (st == KAAL_OK && role == DRAINING_CONSUMER)
			st = kaal_broker_give(&broker, p, SLOT_CMD, o->drain_cmd, R);
		return st;
	default:
		return KAAL_INVALID_ARGUMENT;
	}
}

/* The rings, created by the root, which stays their producer. */
static kaal_status map_rings(const struct objects *o, struct kaal_channel *ch)
{
	kaal_status st = KAAL_OK;
	for (unsigned i = 0; i < RINGS && st == KAAL_OK; i++) {
		void *view;
		st = map_at(o->ring[i], ROOT_BASE + RING_OFFSET + i * PAGE, &view);
		if (st == KAAL_OK)
			st = kaal_ring_create(view, PAGE, RING_CAPACITY, sizeof(uint64_t));
		if (st == KAAL_OK)
			st = kaal_channel_attach(&ch[i], view, PAGE, KAAL_RING_PRODUCER,
			                         o->producer_bell[i], o->consumer_bell[i]);
	}
	return st;
}

/* ---- The root task: measurements. Each returns a batch's ticks. */

static __attribute__((noinline)) uint64_t batch_empty(uint64_t *rng)
{
	uint64_t n = ops_per_batch;
	dither(rng);
	uint64_t t0 = counter();
	for (uint64_t i = 0; i < n; i++)
		__asm__ volatile("" ::: "memory");
	return counter() - t0;
}

static __attribute__((noinline)) uint64_t batch_yield(uint64_t *rng)
{
	uint64_t n = ops_per_batch;
	dither(rng);
	uint64_t t0 = counter();
	for (uint64_t i = 0; i < n; i++)
		kaal_yield();
	return counter() - t0;
}

static __attribute__((noinline)) uint64_t batch_signal(uint64_t *rng, kaal_cptr ntfn)
{
	uint64_t n = ops_per_batch;
	dither(rng);
	uint64_t t0 = counter();
	for (uint64_t i = 0; i < n; i++)
		kaal_signal(ntfn, 1);
	return counter() - t0;
}

static __attribute__((noinline)) uint64_t batch_call(uint64_t *rng, kaal_cptr ep, unsigned words)
{
	struct kaal_msg m = {kaal_msg_info(0, words, 0), {1, 2, 3, 4}, 0};
	uint64_t n = ops_per_batch;
	dither(rng);
	uint64_t t0 = counter();
	for (uint64_t i = 0; i < n; i++)
		kaal_call(ep, &m); /* the reply, as long as the call, comes back in m */
	return counter() - t0;
}

static __attribute__((noinline)) uint64_t batch_send(uint64_t *rng, struct kaal_channel *ch,
                                                     uint64_t *seq)
{
	uint64_t n = ops_per_batch, v = *seq;
	dither(rng);
	uint64_t t0 = counter();
	for (uint64_t i = 0; i < n; i++, v++)
		kaal_channel_send(ch, &v, KAAL_CHANNEL_FOREVER);
	uint64_t t1 = counter();
	*seq = v;
	return t1 - t0;
}

/* One-way samples: the root stamps, a receiver ends the stamp. Returns the batch's ticks. */
static __attribute__((noinline)) uint64_t samples_nothing(uint64_t *rng, struct shared *sh)
{
	sh->nothing.sum = 0;
	for (uint32_t i = 0; i < ops_per_batch; i++) {
		dither(rng);
		stamp(&sh->nothing);
		stamp_end(&sh->nothing);
	}
	return sh->nothing.sum;
}

static __attribute__((noinline)) uint64_t samples_wake(uint64_t *rng, struct shared *sh,
                                                       kaal_cptr ntfn)
{
	sh->wake_high.sum = 0;
	for (uint32_t i = 0; i < ops_per_batch; i++) {
		dither(rng);
		stamp(&sh->wake_high);
		kaal_signal(ntfn, 1);
	}
	return sh->wake_high.sum;
}

static __attribute__((noinline)) uint64_t samples_chain(struct shared *sh, kaal_cptr ntfn)
{
	sh->wake_low.sum = 0;
	for (uint32_t i = 0; i < ops_per_batch; i++)
		kaal_signal(ntfn, 1); /* the chain's high thread times its own signal */
	return sh->wake_low.sum;
}

static __attribute__((noinline)) uint64_t samples_call(uint64_t *rng, struct shared *sh,
                                                       kaal_cptr ep, uint64_t *reply_ticks)
{
	struct kaal_msg m = {0, {0}, 0};
	sh->call.sum = 0;
	sh->reply.sum = 0;
	for (uint32_t i = 0; i < ops_per_batch; i++) {
		m.info = kaal_msg_info(0, 0, 0);
		dither(rng);
		stamp(&sh->call);
		kaal_call(ep, &m);
		stamp_end(&sh->reply);
	}
	*reply_ticks = sh->reply.sum;
	return sh->call.sum;
}

static __attribute__((noinline)) uint64_t samples_channel(uint64_t *rng, struct shared *sh,
                                                          struct kaal_channel *ch, uint64_t *seq)
{
	sh->channel.sum = 0;
	for (uint32_t i = 0; i < ops_per_batch; i++) {
		uint64_t v = (*seq)++;
		dither(rng);
		stamp(&sh->channel);
		kaal_channel_send(ch, &v, KAAL_CHANNEL_FOREVER);
	}
	return sh->channel.sum;
}

/* ---- The table. */

enum row {
	NULL_SYSCALL,
	WAKE_HIGH,
	WAKE_LOW,
	SIGNAL_IDLE,
	CALL_RT_0,
	CALL_RT_4,
	CALL_ONE_WAY,
	REPLY_ONE_WAY,
	CHANNEL_ASLEEP,
	CHANNEL_SPINNING,
	CHANNEL_SEND,
	CHANNEL_RECV,
	EMPTY_BATCH, /* overheads, subtracted above */
	EMPTY_SAMPLE,
	ROWS
};

static const struct {
	const char *name;
	const char *sel4; /* sel4bench median, cycles on Cortex-A53 (docs/benchmarks.md) */
	uint32_t target;  /* instructions at most; 0: none */
	bool one_way;     /* overhead: EMPTY_SAMPLE, else EMPTY_BATCH */
	bool shown;
} rows[ROWS] = {
    [NULL_SYSCALL] = {"null syscall (yield)", "131", 150, false, true},
    [WAKE_HIGH] = {"signal, higher-prio waiter, other process (wake+switch)", "893", 500, true,
                   true},
    [WAKE_LOW] = {"signal, lower-prio waiter, other process (wake, no switch)", "372", 0, true,
                  true},
    [SIGNAL_IDLE] = {"signal, no waiter", "-", 0, false, true},
    [CALL_RT_0] = {"Call + ReplyRecv round trip, 0 words, other process", "538*", 600, false, true},
    [CALL_RT_4] = {"Call + ReplyRecv round trip, 4 words, other process", "-", 600, false, true},
    [CALL_ONE_WAY] = {"  Call, client to server, 0 words", "260", 0, true, true},
    [REPLY_ONE_WAY] = {"  ReplyRecv, server to client, 0 words", "278", 0, true, true},
    [CHANNEL_ASLEEP] = {"channel message, consumer asleep, other process", "-", 0, true, true},
    [CHANNEL_SPINNING] = {"channel message, consumer spinning (send + recv)", "-", 0, false, true},
    [CHANNEL_SEND] = {"  kaal_channel_send, no wake-up", "-", 0, false, true},
    [CHANNEL_RECV] = {"  kaal_channel_recv, element there", "-", 0, false, true},
    [EMPTY_BATCH] = {"(empty loop, per iteration)", "-", 0, false, false},
    [EMPTY_SAMPLE] = {"(stamp overhead, per sample)", "-", 0, false, false},
};

static uint64_t batch[ROWS][BATCHES]; /* hundredths of an instruction per operation */
static uint64_t median[ROWS];

static uint64_t median_of(uint64_t *v, unsigned n)
{
	for (unsigned i = 1; i < n; i++) {
		uint64_t x = v[i];
		unsigned j = i;
		for (; j > 0 && v[j - 1] > x; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
	return v[n / 2];
}

static void pad(unsigned used, unsigned width)
{
	for (; used < width; used++)
		kaal_print(" ");
}

static unsigned length(const char *s)
{
	unsigned n = 0;
	while (s[n])
		n++;
	return n;
}

/* v hundredths, rounded to a whole instruction, right-aligned in width. */
static void print_instructions(uint64_t v, unsigned width)
{
	uint64_t whole = (v + HUNDREDTHS / 2) / HUNDREDTHS;
	unsigned digits = 1;
	for (uint64_t x = whole; x >= 10; x /= 10)
		digits++;
	pad(digits, width);
	kaal_print_dec(whole);
}

static void cell(const char *s, unsigned width, bool right)
{
	if (right)
		pad(length(s), width);
	kaal_print(s);
	if (!right)
		pad(length(s), width);
}

#define NAME_WIDTH 60u
#ifdef __clang__
#define COMPILER __VERSION__
#else
#define COMPILER "gcc " __VERSION__
#endif

static void print_table(void)
{
	kaal_print("\nkaal instruction counts on QEMU (-icount shift=0), EL0 root task, " COMPILER
	           "\n");
#ifndef __OPTIMIZE__
	kaal_print(
	    "warning: an unoptimised build: these counts say little (use a release build)\n");
#endif
	kaal_print("median of ");
	kaal_print_dec(BATCHES);
	kaal_print(" batches of ");
	kaal_print_dec(OPS);
	kaal_print("; seL4: sel4bench medians in cycles on Cortex-A53 (i.MX8MM)\n\n");
	cell("operation", NAME_WIDTH, false);
	cell("kaal instr", 11, true);
	cell("seL4 cycles", 13, true);
	cell("target", 9, true);
	kaal_print("\n");
	for (unsigned r = 0; r < ROWS; r++) {
		if (!rows[r].shown)
			continue;
		cell(rows[r].name, NAME_WIDTH, false);
		print_instructions(median[r], 11);
		cell(rows[r].sel4, 13, true);
		if (rows[r].target) {
			pad(3, 6);
			kaal_print("<= ");
			kaal_print_dec(rows[r].target);
			bool met = median[r] <= (uint64_t)rows[r].target * HUNDREDTHS;
			kaal_print(met ? "  met" : "  MISS");
		}
		kaal_print("\n");
	}
	kaal_print("\nsubtracted: ");
	print_instructions(median[EMPTY_BATCH], 0);
	kaal_print(" per operation of a batch (empty loop), ");
	print_instructions(median[EMPTY_SAMPLE], 0);
	kaal_print(" per one-way sample (counter stored and read back)\n");
	kaal_print("* seL4's Call (260) plus its ReplyRecv (278), each measured one way\n");
	kaal_print("instructions are not cycles: QEMU counts every instruction as one\n");
}

static void record(enum row r, unsigned b, uint64_t hundredths)
{
	if (b > 0)
		batch[r][b - 1] = hundredths;
}

static bool setup(const struct kaal_boot_info *bi, struct objects *o, struct shared **sh,
                  struct kaal_channel *ch)
{
	root = bi->root_cnode_cptr;
	kaal_status st = kaal_broker_init(&broker, bi);
	if (st == KAAL_OK)
		st = create_objects(o);
	void *page = NULL;
	if (st == KAAL_OK)
		st = map_at(o->shared, ROOT_BASE + SHARED_OFFSET, &page);
	if (st == KAAL_OK)
		st = map_rings(o, ch);
	struct kaal_process p[ROLES];
	for (unsigned r = 0; r < ROLES && st == KAAL_OK; r++) {
		st = kaal_broker_create_process(&broker, RADIX, role_priority[r], SLOT_IPC, &p[r]);
		if (st == KAAL_OK)
			st = hand_over(&p[r], (enum role)r, o);
	}
	if (st != KAAL_OK) {
		kaal_print("bench: set-up failed: ");
		kaal_print(kaal_status_name(st));
		kaal_print("\n");
		return false;
	}
	*sh = page;
	for (unsigned r = 0; r < ROLES && st == KAAL_OK; r++)
		st = kaal_thread_start(p[r].thread, process_main, child_stack + sizeof(child_stack),
		                       r, NULL);
	/* A millisecond's sleep lets the servers, at the root's priority, set up too. */
	kaal_word bits;
	if (st == KAAL_OK)
		st = kaal_wait_timeout(o->idle, 1000000u, &bits);
	if (st == KAAL_TIMEOUT)
		st = KAAL_OK;
	for (unsigned r = 0; r < ROLES && st == KAAL_OK; r++) {
		if (!(*sh)->ready[r]) {
			kaal_print("bench: process ");
			kaal_print_dec(r);
			kaal_print(" could not map its pages\n");
			return false;
		}
	}
	if (st != KAAL_OK) {
		kaal_print("bench: the processes did not start: ");
		kaal_print(kaal_status_name(st));
		kaal_print("\n");
		return false;
	}
	return true;
}

int kaal_root_task_main(const struct kaal_boot_info *bi)
{
	if (kaal_thread_set_priority(bi->root_thread_cptr, PRIO_ROOT) != KAAL_OK) {
		kaal_print("bench: the root thread cannot take its priority\n");
		return 1;
	}
	struct objects o;
	struct shared *sh;
	struct kaal_channel ch[RINGS];
	if (!setup(bi, &o, &sh, ch))
		return 1;

	uint64_t rng = 0x2545F4914F6CDD1Du, seq[RINGS] = {0, 0};
	/* Batch 0 of each measurement warms up and is not recorded. */
	for (unsigned b = 0; b <= BATCHES; b++) {
		record(EMPTY_BATCH, b, per_op(batch_empty(&rng), ops_per_batch));
		record(EMPTY_SAMPLE, b, per_op(samples_nothing(&rng, sh), ops_per_batch));
		record(NULL_SYSCALL, b, per_op(batch_yield(&rng), ops_per_batch));
		record(SIGNAL_IDLE, b, per_op(batch_signal(&rng, o.idle), ops_per_batch));
		record(WAKE_HIGH, b, per_op(samples_wake(&rng, sh, o.waiter), ops_per_batch));
		record(WAKE_LOW, b, per_op(samples_chain(sh, o.chain_high), ops_per_batch));
		record(CALL_RT_0, b, per_op(batch_call(&rng, o.echo_ep, 0), ops_per_batch));
		record(CALL_RT_4, b, per_op(batch_call(&rng, o.echo_ep, 4), ops_per_batch));
		uint64_t reply;
		record(CALL_ONE_WAY, b,
		       per_op(samples_call(&rng, sh, o.stamp_ep, &reply), ops_per_batch));
		record(REPLY_ONE_WAY, b, per_op(reply, ops_per_batch));
		record(CHANNEL_ASLEEP, b,
		       per_op(samples_channel(&rng, sh, &ch[0], &seq[0]), ops_per_batch));
		uint64_t send = per_op(batch_send(&rng, &ch[1], &seq[1]), ops_per_batch);
		kaal_signal(o.drain_cmd, 1); /* the consumer drains the batch and waits again */
		uint64_t recv = per_op(sh->drain_ticks, ops_per_batch);
		record(CHANNEL_SEND, b, send);
		record(CHANNEL_RECV, b, recv);
		record(CHANNEL_SPINNING, b, send + recv);
	}
	for (unsigned r = 0; r < ROWS; r++)
		median[r] = median_of(batch[r], BATCHES);
	for (unsigned r = 0; r < EMPTY_BATCH; r++) {
		uint64_t overhead = median[rows[r].one_way ? EMPTY_SAMPLE : EMPTY_BATCH];
		if (r == CHANNEL_SPINNING)
			overhead *= 2; /* two batches: the send's and the receive's */
		median[r] = median[r] > overhead ? median[r] - overhead : 0;
	}
	print_table();
	if (sh->failed) {
		kaal_print("bench: a wrong message reached process ");
		kaal_print_dec(sh->failed - 1);
		kaal_print("\n");
		return 1;
	}
	return 0;
}
