/*
 * Channel set: a server's consumer sides of up to KAAL_CHANNEL_SET_MAX
 * channels, waited on through one notification. Each member's producer
 * signals that notification through a copy minted with the member's badge
 * bit (kaal_channel_set_badge()), so a producer's kaal_channel is unchanged.
 * kaal_channel_set_wait() hands out the ready member of highest priority,
 * aged so that no ready member waits forever. docs/ipc.md gives the bound
 * and argues why no wakeup is lost.
 */
#ifndef KAAL_CHANNEL_SET_H
#define KAAL_CHANNEL_SET_H

#include <kaal/channel.h>

#define KAAL_CHANNEL_SET_MAX        64u  /* one badge bit of a word per member */
#define KAAL_CHANNEL_SET_PRIORITIES 256u /* priorities are 0 (lowest) to 255 */

_Static_assert(KAAL_CHANNEL_SET_MAX <= KAAL_WORD_BITS, "a badge bit per member");

struct kaal_channel_set_member {
	struct kaal_channel *channel; /* the consumer side, owned by the caller; NULL: removed */
	uint32_t priority;
	uint32_t
	    age; /* picks that passed this member over while it was ready, since it was served */
};

struct kaal_channel_set {
	kaal_cptr ntfn; /* the server sleeps here (Read); every member's producer signals it */
	kaal_word event_mask; /* badge bits of the notification that are events, not members */
	kaal_word events;     /* events the server's waits received and it has not taken */
	uint32_t count;
	uint32_t next;   /* round robin: ties go to the first member from here on */
	uint32_t spin;   /* polls of every member before the server sleeps */
	uint64_t sleeps; /* times the server blocked in the kernel, for tests and benchmarks */
	struct kaal_channel_set_member member[KAAL_CHANNEL_SET_MAX];
};

/* The badge a member's producer signals with: its signal cptr is ntfn minted with this. */
static inline kaal_word kaal_channel_set_badge(uint32_t index)
{
	return (kaal_word)1 << index;
}

/* kaal_channel_set_wait()'s *index when events are pending rather than a member ready. */
#define KAAL_CHANNEL_SET_EVENTS UINT32_MAX

/* An empty set whose server sleeps on ntfn. KAAL_INVALID_ARGUMENT for a NULL set. */
kaal_status kaal_channel_set_init(struct kaal_channel_set *set, kaal_cptr ntfn);

/*
 * Add the consumer side c with a priority below KAAL_CHANNEL_SET_PRIORITIES;
 * *index is its member index and badge bit: the first a removal left free,
 * else the next. c must sleep on the set's
 * notification (c->wait_ntfn == set->ntfn), so that a blocking receive on
 * it is woken by its producer too. KAAL_INVALID_ARGUMENT for anything else,
 * a resizing channel (kaal/channel_resize.h: readiness would have to follow
 * its rings) or a channel already in the set, KAAL_LIMIT_REACHED for a full set.
 */
kaal_status kaal_channel_set_add(struct kaal_channel_set *set, struct kaal_channel *c,
                                 uint32_t priority, uint32_t *index);

/*
 * Watch mask's bits of the notification as events (an interrupt's badge, a
 * timer's): they name no member, and a wait hands them out instead of
 * dropping them. KAAL_INVALID_ARGUMENT for a bit a member's badge has;
 * members added later never get an index whose badge is an event bit.
 */
kaal_status kaal_channel_set_watch(struct kaal_channel_set *set, kaal_word mask);
/* The events received and not taken yet, which are then cleared; 0 for a NULL set. */
kaal_word kaal_channel_set_take_events(struct kaal_channel_set *set);

/*
 * Take member index out of the set (its producer's badge then names no
 * member until an add reuses the index). KAAL_INVALID_ARGUMENT for an index
 * that names no member.
 */
kaal_status kaal_channel_set_remove(struct kaal_channel_set *set, uint32_t index);

/*
 * Wait up to timeout_ns (KAAL_CHANNEL_FOREVER: no limit; 0: do not block)
 * until a member holds an element, and hand out one such member in *index:
 * the highest effective priority (priority plus age), ties in round robin.
 * The element stays in its ring for the caller to receive. Pending events
 * come first: *index is then KAAL_CHANNEL_SET_EVENTS, and
 * kaal_channel_set_take_events() takes them.
 * KAAL_CORRUPT_RING with *index naming a member whose producer wrote an
 * impossible index, for the server to remove (kaal_channel_set_remove()). KAAL_WOULD_BLOCK
 * for timeout 0, KAAL_TIMEOUT when the time ran out, KAAL_ILLEGAL_OPERATION
 * for a set without members or events to watch, or the status of a failed wait.
 */
kaal_status kaal_channel_set_wait(struct kaal_channel_set *set, uint32_t *index,
                                  uint64_t timeout_ns);

#endif
