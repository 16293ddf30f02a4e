/*
 * Channel set. A pick looks at every member's ring and hands out the ready
 * member of highest priority plus age; each ready member passed over ages
 * by one, so a lower priority is served within a bounded number of picks.
 * To sleep, the server runs the channel's protocol over every member at
 * once: raise every consumer_waiting flag, one sequentially consistent
 * fence, pick again, then wait on the one notification all producers signal.
 * Bits of that notification the server watches as events (an interrupt's
 * badge) are kept from what the wait brought and handed out first.
 */
#include <kaal/channel_set.h>
#include <kaal/sdk.h>

#include "sleep.h"

#define NO_MEMBER UINT32_MAX

_Static_assert(KAAL_CHANNEL_FOREVER == SLEEP_FOREVER, "one meaning of forever");

kaal_status kaal_channel_set_init(struct kaal_channel_set *set, kaal_cptr ntfn)
{
	if (!set)
		return KAAL_INVALID_ARGUMENT;
	*set = (struct kaal_channel_set){.ntfn = ntfn, .spin = KAAL_CHANNEL_SPIN};
	return KAAL_OK;
}

static bool is_member(const struct kaal_channel_set *set, const struct kaal_channel *c)
{
	for (uint32_t i = 0; i < set->count; i++)
		if (set->member[i].channel == c)
			return true;
	return false;
}

kaal_status kaal_channel_set_add(struct kaal_channel_set *set, struct kaal_channel *c,
                                 uint32_t priority, uint32_t *index)
{
	if (!set || !c || !index || !c->ring.hdr || c->ring.role != KAAL_RING_CONSUMER ||
	    c->resizing || c->wait_ntfn != set->ntfn || priority >= KAAL_CHANNEL_SET_PRIORITIES ||
	    is_member(set, c))
		return KAAL_INVALID_ARGUMENT;
	/* The first index a removal left free, else the next: a badge names one member at a time.
	 */
	uint32_t i = 0;
	while (i < set->count && set->member[i].channel)
		i++;
	if (i == KAAL_CHANNEL_SET_MAX || (kaal_channel_set_badge(i) & set->event_mask))
		return KAAL_LIMIT_REACHED;
	set->member[i] = (struct kaal_channel_set_member){.channel = c, .priority = priority};
	if (i == set->count)
		set->count++;
	*index = i;
	return KAAL_OK;
}

kaal_status kaal_channel_set_watch(struct kaal_channel_set *set, kaal_word mask)
{
	if (!set)
		return KAAL_INVALID_ARGUMENT;
	for (uint32_t i = 0; i < set->count; i++)
		if (set->member[i].channel && (mask & kaal_channel_set_badge(i)))
			return KAAL_INVALID_ARGUMENT;
	set->event_mask = mask;
	return KAAL_OK;
}

kaal_word kaal_channel_set_take_events(struct kaal_channel_set *set)
{
	if (!set)
		return 0;
	kaal_word events = set->events;
	set->events = 0;
	return events;
}

/* Keep the event bits of what a wait or poll brought. */
static void note_events(struct kaal_channel_set *set, kaal_word bits)
{
	set->events |= bits & set->event_mask;
}

kaal_status kaal_channel_set_remove(struct kaal_channel_set *set, uint32_t index)
{
	if (!set || index >= set->count || !set->member[index].channel)
		return KAAL_INVALID_ARGUMENT;
	set->member[index] = (struct kaal_channel_set_member){0};
	while (set->count > 0 && !set->member[set->count - 1].channel)
		set->count--;
	if (set->next >= set->count)
		set->next = 0;
	return KAAL_OK;
}

/*
 * The ready member of highest priority plus age, the first from set->next
 * on among equals; the others that were ready age by one. KAAL_WOULD_BLOCK,
 * changing nothing, when every ring is empty; KAAL_CORRUPT_RING with
 * *index naming a member whose ring failed its check, for the server to remove.
 */
static kaal_status pick(struct kaal_channel_set *set, uint32_t *index)
{
	uint64_t ready = 0;
	uint32_t best = NO_MEMBER;
	uint64_t best_rank = 0;
	for (uint32_t k = 0; k < set->count; k++) {
		uint32_t i = (set->next + k) % set->count;
		struct kaal_channel_set_member *m = &set->member[i];
		size_t elements;
		if (!m->channel)
			continue;
		if (kaal_ring_check(&m->channel->ring, &elements) != KAAL_OK) {
			*index = i;
			return KAAL_CORRUPT_RING;
		}
		if (elements == 0)
			continue;
		ready |= kaal_channel_set_badge(i);
		uint64_t rank = (uint64_t)m->priority + m->age;
		if (best == NO_MEMBER || rank > best_rank) {
			best = i;
			best_rank = rank;
		}
	}
	if (best == NO_MEMBER)
		return KAAL_WOULD_BLOCK;
	for (uint32_t i = 0; i < set->count; i++)
		if (ready & kaal_channel_set_badge(i))
			set->member[i].age++;
	set->member[best].age = 0;
	set->next = (best + 1) % set->count;
	*index = best;
	return KAAL_OK;
}

/* Raise or lower every member's consumer_waiting flag. */
static void announce(struct kaal_channel_set *set, uint32_t waiting)
{
	for (uint32_t i = 0; i < set->count; i++)
		if (set->member[i].channel)
			kaal_atomic_store(&set->member[i].channel->ring.hdr->consumer_waiting,
			                  waiting, KAAL_RELAXED);
}

kaal_status kaal_channel_set_wait(struct kaal_channel_set *set, uint32_t *index,
                                  uint64_t timeout_ns)
{
	if (!set || !index)
		return KAAL_INVALID_ARGUMENT;
	if (set->count == 0 && set->event_mask == 0)
		return KAAL_ILLEGAL_OPERATION;
	uint64_t deadline = 0;
	if (timeout_ns != KAAL_CHANNEL_FOREVER && timeout_ns != 0)
		deadline = kaal_time_ns() + timeout_ns;
	for (;;) {
		/*
		 * Events wait in the notification's word: one look per wait takes
		 * them, so busy members cannot keep an interrupt waiting.
		 */
		kaal_word bits = 0;
		if (set->event_mask && kaal_poll(set->ntfn, &bits) == KAAL_OK)
			note_events(set, bits);
		if (set->events) {
			*index = KAAL_CHANNEL_SET_EVENTS;
			return KAAL_OK;
		}
		kaal_status found = pick(set, index);
		for (uint32_t i = 0; found == KAAL_WOULD_BLOCK && i < set->spin; i++)
			found = pick(set, index);
		if (found != KAAL_WOULD_BLOCK || timeout_ns == 0)
			return found;

		/* Announce on every member, fence once, look again: each producer either
		   sees its flag or the pick sees its element. */
		announce(set, 1);
		kaal_atomic_fence(KAAL_SEQ_CST);
		found = pick(set, index);
		kaal_status st = KAAL_OK;
		if (found == KAAL_WOULD_BLOCK) {
			set->sleeps++;
			st = sleep_until(set->ntfn, timeout_ns, deadline, &bits);
			note_events(set, bits);
		}
		/* Lowered on every way out: a flag left up only costs a spurious signal. */
		announce(set, 0);
		if (found != KAAL_WOULD_BLOCK)
			return found;
		if (st == KAAL_TIMEOUT) {
			found = pick(set, index);
			return found == KAAL_WOULD_BLOCK ? KAAL_TIMEOUT : found;
		}
		if (st != KAAL_OK)
			return st;
		/* Woken: events go first at the top of the loop, members are picked there too. */
	}
}
