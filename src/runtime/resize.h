/* Between the channel's blocking loop (channel.c) and its resizing (channel_resize.c). */
#ifndef KAAL_RUNTIME_RESIZE_H
#define KAAL_RUNTIME_RESIZE_H

#include <stdbool.h>

#include <kaal/channel_resize.h>

/*
 * The producer's side. Each call that moves the channel to a new ring
 * leaves *left pointing at the old ring's header, still mapped: the
 * caller wakes a consumer asleep there (closing is progress, like a push)
 * and then lets the old ring go with resize_let_go(). *left is NULL when
 * the ring stayed; a source that refuses leaves it as it is.
 */
/* A send found the ring full: grow it when the policy says so. */
kaal_status resize_when_full(struct kaal_channel *c, struct kaal_ring_header **left);
/* A send landed: count it, and halve a ring that stayed quiet. */
kaal_status resize_after_send(struct kaal_channel *c, struct kaal_ring_header **left);
/* kaal_channel_resize() without the wake: the source's refusal, or KAAL_OK and *left. */
kaal_status resize_to(struct kaal_channel *c, uint32_t capacity, struct kaal_ring_header **left);
/* Give the source back the ring the producer left. */
kaal_status resize_let_go(struct kaal_channel *c);

/*
 * Consumer with an empty ring: KAAL_OK after moving to the next generation
 * because the producer closed this one and all of it was taken;
 * KAAL_WOULD_BLOCK while it is open; otherwise why the next one is refused.
 */
kaal_status resize_follow(struct kaal_channel *c);

#endif
