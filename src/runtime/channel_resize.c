/*
 * Resizing a channel's ring. The producer creates generation g + 1, then
 * closes g (a release store after its last push) and goes on in g + 1.
 * The consumer moves only when it finds g empty, closed and every element
 * taken, so it reads all of g before any of g + 1: the elements keep one
 * order. Closing is progress like a push: the producer fences and wakes a
 * consumer that announced in g, and a consumer that moved announces again
 * in g + 1 before it sleeps (channel.c).
 */
#include <kaal/channel_resize.h>

#include "resize.h"

static bool is_power_of_two(uint32_t x)
{
	return x != 0 && (x & (x - 1)) == 0;
}

kaal_status kaal_channel_enable_resizing(struct kaal_channel *c, struct kaal_channel_resizing *rs,
                                         const struct kaal_ring_source *source,
                                         const struct kaal_resize_policy *policy)
{
	if (!c || !c->ring.hdr || !rs || !source || !policy || !source->release)
		return KAAL_INVALID_ARGUMENT;
	bool producer = c->ring.role == KAAL_RING_PRODUCER;
	if (producer ? !source->obtain : !source->locate)
		return KAAL_INVALID_ARGUMENT;
	uint32_t capacity = c->ring.capacity;
	if (!is_power_of_two(policy->min_capacity) || !is_power_of_two(policy->max_capacity) ||
	    policy->min_capacity > capacity || capacity > policy->max_capacity ||
	    kaal_ring_bytes(policy->max_capacity, c->ring.elem_size) == 0 ||
	    policy->grow_after == 0 || policy->shrink_after == 0)
		return KAAL_INVALID_ARGUMENT;
	*rs = (struct kaal_channel_resizing){.source = *source, .policy = *policy};
	c->resizing = rs;
	return KAAL_OK;
}

/* Producer: the ring of the next generation, created and attached; the source's refusal otherwise.
 */
static kaal_status next_ring(struct kaal_channel *c, uint32_t capacity, struct kaal_ring *ring)
{
	struct kaal_channel_resizing *rs = c->resizing;
	if (c->ring.reserved != 0)
		return KAAL_BUSY;
	void *mem;
	size_t size;
	kaal_status st =
	    rs->source.obtain(rs->source.ctx, rs->generation + 1,
	                      kaal_ring_bytes(capacity, c->ring.elem_size), &mem, &size);
	if (st == KAAL_OK)
		st = kaal_ring_create(mem, size, capacity, c->ring.elem_size);
	if (st == KAAL_OK)
		st = kaal_ring_attach(ring, mem, size, KAAL_RING_PRODUCER);
	return st;
}

/*
 * Producer: close the old ring and go on in ring; *left is the old ring's
 * header, still mapped, for the caller to wake a consumer asleep there
 * before it lets the old ring go (resize_let_go).
 */
static kaal_status move_to(struct kaal_channel *c, const struct kaal_ring *ring,
                           struct kaal_ring_header **left)
{
	struct kaal_channel_resizing *rs = c->resizing;
	struct kaal_ring_header *old = c->ring.hdr;
	kaal_status st = kaal_ring_close(&c->ring);
	if (st != KAAL_OK)
		return st;
	*left = old;
	c->ring = *ring;
	rs->generation++;
	rs->full_streak = 0;
	rs->window_sends = 0;
	rs->quiet_windows = 0;
	return KAAL_OK;
}

kaal_status resize_let_go(struct kaal_channel *c)
{
	struct kaal_channel_resizing *rs = c->resizing;
	return rs->source.release(rs->source.ctx, rs->generation - 1, KAAL_RING_PRODUCER);
}

kaal_status resize_to(struct kaal_channel *c, uint32_t capacity, struct kaal_ring_header **left)
{
	if (!c || !c->ring.hdr || !c->resizing || c->ring.role != KAAL_RING_PRODUCER ||
	    !is_power_of_two(capacity) || capacity < c->resizing->policy.min_capacity ||
	    capacity > c->resizing->policy.max_capacity)
		return KAAL_INVALID_ARGUMENT;
	struct kaal_ring ring;
	kaal_status st = next_ring(c, capacity, &ring);
	if (st != KAAL_OK) {
		c->resizing->refused++;
		return st;
	}
	uint32_t old = c->ring.capacity;
	st = move_to(c, &ring, left);
	c->resizing->grows += capacity > old;
	c->resizing->shrinks += capacity < old;
	return st;
}

/* Producer: to capacity if the source agrees; a refusal leaves the ring and is counted. */
static kaal_status try_resize(struct kaal_channel *c, uint32_t capacity,
                              struct kaal_ring_header **left)
{
	struct kaal_ring ring;
	if (next_ring(c, capacity, &ring) != KAAL_OK) {
		c->resizing->refused++;
		return KAAL_OK;
	}
	return move_to(c, &ring, left);
}

kaal_status resize_when_full(struct kaal_channel *c, struct kaal_ring_header **left)
{
	struct kaal_channel_resizing *rs = c->resizing;
	uint32_t capacity = c->ring.capacity;
	*left = NULL;
	rs->window_sends = 0;
	rs->quiet_windows = 0;
	if (++rs->full_streak < rs->policy.grow_after || capacity >= rs->policy.max_capacity)
		return KAAL_OK;
	rs->full_streak = 0;
	kaal_status st = try_resize(c, capacity * 2, left);
	rs->grows += *left != NULL;
	return st;
}

kaal_status resize_after_send(struct kaal_channel *c, struct kaal_ring_header **left)
{
	struct kaal_channel_resizing *rs = c->resizing;
	uint32_t capacity = c->ring.capacity;
	*left = NULL;
	rs->full_streak = 0;
	if (++rs->window_sends < capacity)
		return KAAL_OK;
	rs->window_sends = 0;
	/* A hostile tail makes this a large number: not quiet, nothing happens. */
	uint64_t used = c->ring.index - kaal_atomic_load(&c->ring.hdr->tail, KAAL_RELAXED);
	if (used > capacity / KAAL_RESIZE_QUIET_SHARE) {
		rs->quiet_windows = 0;
		return KAAL_OK;
	}
	if (++rs->quiet_windows < rs->policy.shrink_after || capacity <= rs->policy.min_capacity)
		return KAAL_OK;
	rs->quiet_windows = 0;
	kaal_status st = try_resize(c, capacity / 2, left);
	rs->shrinks += *left != NULL;
	return st;
}

kaal_status resize_follow(struct kaal_channel *c)
{
	struct kaal_channel_resizing *rs = c->resizing;
	kaal_status st = kaal_ring_finished(&c->ring);
	if (st != KAAL_OK)
		return st;
	void *mem;
	size_t size;
	/* A ring closed with no next generation, or one of another element size, is the producer's
	 * lie. */
	if (rs->source.locate(rs->source.ctx, rs->generation + 1, &mem, &size) != KAAL_OK)
		return KAAL_CORRUPT_RING;
	struct kaal_ring ring;
	st = kaal_ring_attach(&ring, mem, size, KAAL_RING_CONSUMER);
	if (st != KAAL_OK || ring.elem_size != c->ring.elem_size)
		return KAAL_CORRUPT_RING;
	c->ring = ring;
	rs->generation++;
	rs->follows++;
	return rs->source.release(rs->source.ctx, rs->generation - 1, KAAL_RING_CONSUMER);
}
