/*
 * Channel protocol. A side that finds the ring full (producer) or empty
 * (consumer) sets its waiting flag, issues a sequentially consistent
 * fence, and tries the ring once more before it waits on its notification.
 * A side that makes progress issues the same fence and then reads the
 * peer's flag; if it is set it clears it and signals. The two fences make
 * the store-then-load pairs on both sides impossible to both miss, and a
 * notification remembers a signal sent before the wait begins.
 */
#include <kaal/channel.h>
#include <kaal/channel_resize.h>
#include <kaal/sdk.h>

#include "resize.h"
#include "sleep.h"

kaal_status kaal_channel_attach(struct kaal_channel *c, void *mem, size_t size,
                                enum kaal_ring_role role, kaal_cptr wait_ntfn,
                                kaal_cptr signal_ntfn)
{
	if (!c)
		return KAAL_INVALID_ARGUMENT;
	kaal_status st = kaal_ring_attach(&c->ring, mem, size, role);
	if (st != KAAL_OK)
		return st;
	c->wait_ntfn = wait_ntfn;
	c->signal_ntfn = signal_ntfn;
	c->spin = KAAL_CHANNEL_SPIN;
	c->sleeps = 0;
	c->signals = 0;
	c->resizing = NULL;
	return KAAL_OK;
}

static kaal_atomic_u32 *own_flag(struct kaal_channel *c)
{
	struct kaal_ring_header *h = c->ring.hdr;
	return c->ring.role == KAAL_RING_PRODUCER ? &h->producer_waiting : &h->consumer_waiting;
}

/*
 * After progress in the ring at h: wake the peer if, and only if, it
 * announced there that it may sleep. Taking the flag orders nothing: the
 * fence published the progress, and the signal that follows is a system call.
 */
static kaal_status channel_wake(struct kaal_channel *c, struct kaal_ring_header *h)
{
	kaal_atomic_fence(KAAL_SEQ_CST);
	kaal_atomic_u32 *flag =
	    c->ring.role == KAAL_RING_PRODUCER ? &h->consumer_waiting : &h->producer_waiting;
	if (kaal_atomic_load(flag, KAAL_RELAXED) == 0 ||
	    kaal_atomic_exchange(flag, 0, KAAL_RELAXED) == 0)
		return KAAL_OK;
	c->signals++;
	return kaal_signal(c->signal_ntfn, 1);
}

static kaal_status wake_peer(struct kaal_channel *c)
{
	return channel_wake(c, c->ring.hdr);
}

static kaal_status try_move(struct kaal_channel *c, void *elems, size_t n, size_t *done)
{
	if (c->ring.role == KAAL_RING_PRODUCER)
		return kaal_ring_push_burst(&c->ring, elems, n, done);
	kaal_status st = kaal_ring_pop_burst(&c->ring, elems, n, done);
	if (st != KAAL_WOULD_BLOCK || !c->resizing)
		return st;
	/* An empty ring may be one the producer left: follow it to the next generation. */
	st = resize_follow(c);
	return st == KAAL_OK ? kaal_ring_pop_burst(&c->ring, elems, n, done) : st;
}

static uint32_t generation_of(const struct kaal_channel *c)
{
	return c->resizing ? c->resizing->generation : 0;
}

/* The producer moved to a new ring: wake a consumer asleep in the one it left, then let it go. */
static kaal_status left_ring(struct kaal_channel *c, struct kaal_ring_header *left)
{
	kaal_status st = channel_wake(c, left);
	kaal_status released = resize_let_go(c);
	return st != KAAL_OK ? st : released;
}

kaal_status kaal_channel_resize(struct kaal_channel *c, uint32_t capacity)
{
	struct kaal_ring_header *left = NULL;
	kaal_status st = resize_to(c, capacity, &left);
	return st == KAAL_OK ? left_ring(c, left) : st;
}

/*
 * The first try, and the producer's resizing policy, which counts each send
 * once: a send that finds the ring full may grow it and lands in the new
 * one; a send that lands counts toward the window that may shrink it.
 */
static kaal_status first_try(struct kaal_channel *c, void *elems, size_t n, size_t *done)
{
	kaal_status st = try_move(c, elems, n, done);
	if (!c->resizing || c->ring.role != KAAL_RING_PRODUCER)
		return st;
	struct kaal_ring_header *left = NULL;
	if (st == KAAL_WOULD_BLOCK) {
		kaal_status grown = resize_when_full(c, &left);
		if (grown != KAAL_OK)
			return grown;
		if (!left)
			return st;
		kaal_status woke = left_ring(c, left);
		if (woke != KAAL_OK)
			return woke;
		st = try_move(c, elems, n, done);
	}
	if (st != KAAL_OK)
		return st;
	st = resize_after_send(c, &left);
	return st == KAAL_OK && left ? left_ring(c, left) : st;
}

static kaal_status move(struct kaal_channel *c, void *elems, size_t n, size_t *done,
                        uint64_t timeout_ns)
{
	if (!c || !c->ring.hdr || !done || n == 0)
		return KAAL_INVALID_ARGUMENT;
	uint64_t deadline = 0;
	if (timeout_ns != KAAL_CHANNEL_FOREVER && timeout_ns != 0)
		deadline = kaal_time_ns() + timeout_ns;
	kaal_status st = first_try(c, elems, n, done);
	for (;;) {
		for (uint32_t i = 0; st == KAAL_WOULD_BLOCK && i < c->spin; i++)
			st = try_move(c, elems, n, done);
		if (st == KAAL_OK)
			return wake_peer(c);
		if (st != KAAL_WOULD_BLOCK || timeout_ns == 0)
			return st;

		/* Announce, fence, look again: the peer either sees the flag or we see its work. */
		uint32_t announced = generation_of(c);
		kaal_atomic_u32 *flag = own_flag(c);
		kaal_atomic_store(flag, 1, KAAL_RELAXED);
		kaal_atomic_fence(KAAL_SEQ_CST);
		st = try_move(c, elems, n, done);
		/* A consumer that moved to a new ring announced in the old one: announce again. */
		if (generation_of(c) != announced)
			continue;
		if (st != KAAL_WOULD_BLOCK) {
			kaal_atomic_store(flag, 0, KAAL_RELAXED);
			return st == KAAL_OK ? wake_peer(c) : st;
		}
		c->sleeps++;
		kaal_word bits; /* the shared memory, not the signal, says what changed */
		st = sleep_until(c->wait_ntfn, timeout_ns, deadline, &bits);
		if (st == KAAL_TIMEOUT) {
			kaal_atomic_store(flag, 0, KAAL_RELAXED);
			st = try_move(c, elems, n, done);
			if (st == KAAL_OK)
				return wake_peer(c);
			return st == KAAL_WOULD_BLOCK ? KAAL_TIMEOUT : st;
		}
		if (st != KAAL_OK) {
			kaal_atomic_store(flag, 0, KAAL_RELAXED);
			return st;
		}
		st = try_move(c, elems, n, done);
	}
}

kaal_status kaal_channel_arm(struct kaal_channel *c, bool *ready)
{
	if (!c || !c->ring.hdr || !ready)
		return KAAL_INVALID_ARGUMENT;
	/* As the blocking path: announce, fence, look again (docs/ipc.md). */
	kaal_atomic_store(own_flag(c), 1, KAAL_RELAXED);
	kaal_atomic_fence(KAAL_SEQ_CST);
	size_t n = 0;
	kaal_status st = kaal_ring_check(&c->ring, &n);
	*ready = st == KAAL_OK && n > 0;
	return st;
}

kaal_status kaal_channel_send(struct kaal_channel *c, const void *elem, uint64_t timeout_ns)
{
	size_t done;
	if (c && c->ring.role != KAAL_RING_PRODUCER)
		return KAAL_INVALID_ARGUMENT;
	return move(c, (void *)(uintptr_t)elem, 1, &done, timeout_ns);
}

kaal_status kaal_channel_recv(struct kaal_channel *c, void *elem, uint64_t timeout_ns)
{
	size_t done;
	if (c && c->ring.role != KAAL_RING_CONSUMER)
		return KAAL_INVALID_ARGUMENT;
	return move(c, elem, 1, &done, timeout_ns);
}

kaal_status kaal_channel_send_burst(struct kaal_channel *c, const void *elems, size_t n,
                                    size_t *done, uint64_t timeout_ns)
{
	if (c && c->ring.role != KAAL_RING_PRODUCER)
		return KAAL_INVALID_ARGUMENT;
	return move(c, (void *)(uintptr_t)elems, n, done, timeout_ns);
}

kaal_status kaal_channel_recv_burst(struct kaal_channel *c, void *elems, size_t n, size_t *done,
                                    uint64_t timeout_ns)
{
	if (c && c->ring.role != KAAL_RING_CONSUMER)
		return KAAL_INVALID_ARGUMENT;
	return move(c, elems, n, done, timeout_ns);
}
