/* Between the channel's blocking loop (channel.c) and its resizing (channel_resize.c). */
#ifndef KAAL_RUNTIME_RESIZE_H
#define KAAL_RUNTIME_RESIZE_H

#include <stdbool.h>

#include <kaal/channel_resize.h>

/* Fence, then signal the peer if it announced in the ring at h that it may sleep. */
kaal_status channel_wake(struct kaal_channel *c, struct kaal_ring_header *h);

/*
 * Producer, for a send that found the ring full: grow it when the policy
 * says so (*moved). Not KAAL_OK only when waking the consumer on the old
 * ring failed; a source that refuses leaves the ring as it is.
 */
kaal_status resize_when_full(struct kaal_channel *c, bool *moved);

/* Producer, for a send that landed: count it, and halve a ring that stayed quiet. As above. */
kaal_status resize_after_send(struct kaal_channel *c);

/*
 * Consumer with an empty ring: KAAL_OK after moving to the next generation
 * because the producer closed this one and all of it was taken;
 * KAAL_WOULD_BLOCK while it is open; otherwise why the next one is refused.
 */
kaal_status resize_follow(struct kaal_channel *c);

#endif
