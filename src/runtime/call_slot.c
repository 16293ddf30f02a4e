/*
 * Call slot protocol. The state word holds a phase count above the
 * length of what the payload holds: the client moves an even phase p to
 * p + 1 when it posts a request, the server p + 1 to p + 2 when it
 * replies, each writing the payload first and the state with a release
 * store, so the side whose turn it is owns the payload and the other
 * reads it only after an acquire load shows the phase it waits for. Each
 * side keeps its phase privately and accepts only that phase (not yet) or
 * the next (arrived); any other state, or a length over the payload, is
 * corruption. A waiting side spins a bounded count, then raises its
 * waiting flag, fences, looks once more and sleeps on its notification; a
 * publishing side fences after its state store and signals the peer only
 * if the peer's flag is up: the channel's argument, docs/ipc.md.
 */
#include <string.h>

#include <kaal/call_slot.h>
#include <kaal/sdk.h>

#include "sleep.h"

_Static_assert(KAAL_CALL_SLOT_FOREVER == SLEEP_FOREVER, "one meaning of forever");

#define PHASE_MASK (UINT32_MAX >> KAAL_CALL_SLOT_LEN_BITS)
#define LEN_MASK   ((UINT32_C(1) << KAAL_CALL_SLOT_LEN_BITS) - 1)

static bool misplaced(const void *mem, size_t size)
{
	return !mem || (uintptr_t)mem % KAAL_CALL_SLOT_LINE != 0 ||
	       size < sizeof(struct kaal_call_slot_line);
}

kaal_status kaal_call_slot_create(void *mem, size_t size)
{
	if (misplaced(mem, size))
		return KAAL_INVALID_ARGUMENT;
	struct kaal_call_slot_line *l = mem;
	kaal_atomic_store(&l->state, 0, KAAL_RELAXED);
	kaal_atomic_store(&l->client_waiting, 0, KAAL_RELAXED);
	kaal_atomic_store(&l->server_waiting, 0, KAAL_RELAXED);
	/* The magic goes last: an attach that sees it sees the state above, not what was there. */
	kaal_atomic_store(&l->magic, KAAL_CALL_SLOT_MAGIC, KAAL_RELEASE);
	return KAAL_OK;
}

kaal_status kaal_call_slot_attach(struct kaal_call_slot *h, void *mem, size_t size,
                                  enum kaal_call_slot_role role, kaal_cptr wait_ntfn,
                                  kaal_cptr signal_ntfn)
{
	if (!h || misplaced(mem, size) ||
	    (role != KAAL_CALL_SLOT_CLIENT && role != KAAL_CALL_SLOT_SERVER))
		return KAAL_INVALID_ARGUMENT;
	struct kaal_call_slot_line *l = mem;
	if (kaal_atomic_load(&l->magic, KAAL_ACQUIRE) != KAAL_CALL_SLOT_MAGIC)
		return KAAL_CORRUPT_RING;
	uint32_t state = kaal_atomic_load(&l->state, KAAL_RELAXED);
	if ((state & LEN_MASK) > KAAL_CALL_SLOT_PAYLOAD)
		return KAAL_CORRUPT_RING;
	uint32_t phase = state >> KAAL_CALL_SLOT_LEN_BITS;
	bool posted = (phase & 1) != 0;
	bool client = role == KAAL_CALL_SLOT_CLIENT;
	*h = (struct kaal_call_slot){
	    .line = l,
	    .wait_ntfn = wait_ntfn,
	    .signal_ntfn = signal_ntfn,
	    .role = role,
	    /* A server finding a request posted has yet to take it: its phase is the one before. */
	    .phase = client || !posted ? phase : phase - 1,
	    .busy = client && posted,
	    .spin = KAAL_CALL_SLOT_SPIN,
	};
	return KAAL_OK;
}

static bool usable(const struct kaal_call_slot *h, enum kaal_call_slot_role role)
{
	return h && h->line && h->role == role;
}

static kaal_atomic_u32 *own_flag(struct kaal_call_slot *h)
{
	return h->role == KAAL_CALL_SLOT_CLIENT ? &h->line->client_waiting
	                                        : &h->line->server_waiting;
}

static kaal_atomic_u32 *peer_flag(struct kaal_call_slot *h)
{
	return h->role == KAAL_CALL_SLOT_CLIENT ? &h->line->server_waiting
	                                        : &h->line->client_waiting;
}

/*
 * Write msg and hand the payload to the peer with the next phase; then
 * wake the peer if, and only if, it announced it may sleep.
 */
static kaal_status publish(struct kaal_call_slot *h, const void *msg, size_t len)
{
	struct kaal_call_slot_line *l = h->line;
	if (len) {
		kaal_shared_write(l->payload, len);
		memcpy(l->payload, msg, len);
	}
	h->phase = (h->phase + 1) & PHASE_MASK;
	kaal_atomic_store(&l->state, h->phase << KAAL_CALL_SLOT_LEN_BITS | (uint32_t)len,
	                  KAAL_RELEASE);
	/* Store, fence, load: the peer's re-check sees the state, or this sees its flag. */
	kaal_atomic_fence(KAAL_SEQ_CST);
	kaal_atomic_u32 *flag = peer_flag(h);
	/*
	 * Relaxed: the flag publishes no data, and the signal that follows is
	 * a system call, which orders the two sides. The exchange keeps a
	 * fresh announcement from being cleared unsignalled.
	 */
	if (kaal_atomic_load(flag, KAAL_RELAXED) == 0 ||
	    kaal_atomic_exchange(flag, 0, KAAL_RELAXED) == 0)
		return KAAL_OK;
	h->signals++;
	return kaal_signal(h->signal_ntfn, 1);
}

/* Take the peer's next phase if it is there: its payload into buf, its length in *len. */
static kaal_status try_take(struct kaal_call_slot *h, void *buf, size_t cap, size_t *len)
{
	uint32_t state = kaal_atomic_load(&h->line->state, KAAL_ACQUIRE);
	uint32_t phase = state >> KAAL_CALL_SLOT_LEN_BITS, n = state & LEN_MASK;
	uint32_t next = (h->phase + 1) & PHASE_MASK;
	if (n > KAAL_CALL_SLOT_PAYLOAD || (phase != h->phase && phase != next))
		return KAAL_CORRUPT_RING;
	if (phase == h->phase)
		return KAAL_WOULD_BLOCK;
	*len = n;
	if (n > cap)
		return KAAL_INVALID_ARGUMENT;
	if (n) {
		kaal_shared_read(h->line->payload, n);
		memcpy(buf, h->line->payload, n);
	}
	h->phase = next;
	return KAAL_OK;
}

/* Wait for the peer's next phase: spin, then announce, fence, look again, sleep. */
static kaal_status await(struct kaal_call_slot *h, void *buf, size_t cap, size_t *len,
                         uint64_t timeout_ns)
{
	uint64_t deadline = 0;
	if (timeout_ns != KAAL_CALL_SLOT_FOREVER && timeout_ns != 0)
		deadline = kaal_time_ns() + timeout_ns;
	kaal_atomic_u32 *flag = own_flag(h);
	for (;;) {
		kaal_status st = try_take(h, buf, cap, len);
		for (uint32_t i = 0; st == KAAL_WOULD_BLOCK && i < h->spin; i++)
			st = try_take(h, buf, cap, len);
		if (st != KAAL_WOULD_BLOCK || timeout_ns == 0)
			return st;

		kaal_atomic_store(flag, 1, KAAL_RELAXED);
		kaal_atomic_fence(KAAL_SEQ_CST);
		st = try_take(h, buf, cap, len);
		bool looked = st != KAAL_WOULD_BLOCK;
		if (!looked) {
			h->sleeps++;
			kaal_word bits; /* the shared memory, not the signal, says what changed */
			st = sleep_until(h->wait_ntfn, timeout_ns, deadline, &bits);
		}
		/* Every exit and wakeup lowers the flag: a stale one costs a signal. */
		kaal_atomic_store(flag, 0, KAAL_RELAXED);
		if (looked)
			return st;
		if (st == KAAL_TIMEOUT) {
			st = try_take(h, buf, cap, len);
			return st == KAAL_WOULD_BLOCK ? KAAL_TIMEOUT : st;
		}
		if (st != KAAL_OK)
			return st;
	}
}

kaal_status kaal_call_slot_post(struct kaal_call_slot *h, const void *req, size_t req_len)
{
	if (!usable(h, KAAL_CALL_SLOT_CLIENT) || (!req && req_len) ||
	    req_len > KAAL_CALL_SLOT_PAYLOAD)
		return KAAL_INVALID_ARGUMENT;
	if (h->busy)
		return KAAL_ILLEGAL_OPERATION;
	h->busy = 1;
	return publish(h, req, req_len);
}

kaal_status kaal_call_slot_wait(struct kaal_call_slot *h, void *resp, size_t resp_cap,
                                size_t *resp_len, uint64_t timeout_ns)
{
	if (!usable(h, KAAL_CALL_SLOT_CLIENT) || !resp_len || (!resp && resp_cap))
		return KAAL_INVALID_ARGUMENT;
	if (!h->busy)
		return KAAL_ILLEGAL_OPERATION;
	kaal_status st = await(h, resp, resp_cap, resp_len, timeout_ns);
	if (st == KAAL_OK)
		h->busy = 0;
	return st;
}

kaal_status kaal_call_slot_call(struct kaal_call_slot *h, const void *req, size_t req_len,
                                void *resp, size_t resp_cap, size_t *resp_len, uint64_t timeout_ns)
{
	/* Checked before posting, so that a call refused for its arguments posts nothing. */
	if (!resp_len || (!resp && resp_cap))
		return KAAL_INVALID_ARGUMENT;
	kaal_status st = kaal_call_slot_post(h, req, req_len);
	if (st != KAAL_OK)
		return st;
	return kaal_call_slot_wait(h, resp, resp_cap, resp_len, timeout_ns);
}

kaal_status kaal_call_slot_receive(struct kaal_call_slot *h, void *buf, size_t cap, size_t *len,
                                   uint64_t timeout_ns)
{
	if (!usable(h, KAAL_CALL_SLOT_SERVER) || !len || (!buf && cap))
		return KAAL_INVALID_ARGUMENT;
	if (h->busy)
		return KAAL_ILLEGAL_OPERATION;
	kaal_status st = await(h, buf, cap, len, timeout_ns);
	if (st == KAAL_OK)
		h->busy = 1;
	return st;
}

kaal_status kaal_call_slot_reply(struct kaal_call_slot *h, const void *resp, size_t len)
{
	if (!usable(h, KAAL_CALL_SLOT_SERVER) || (!resp && len) || len > KAAL_CALL_SLOT_PAYLOAD)
		return KAAL_INVALID_ARGUMENT;
	if (!h->busy)
		return KAAL_ILLEGAL_OPERATION;
	h->busy = 0;
	return publish(h, resp, len);
}
