/*
 * A ring source over two windows both sides of a channel reach: generation
 * g in window g % 2, handed out again only once both sides let go of it.
 */
#include <kaal/channel_resize.h>

kaal_status kaal_local_ring_source_init(struct kaal_local_ring_source *s, void *window0,
                                        void *window1, size_t window_size)
{
	if (!s || !window0 || !window1 || ((uintptr_t)window0 % KAAL_RING_LINE) != 0 ||
	    ((uintptr_t)window1 % KAAL_RING_LINE) != 0 || window_size < KAAL_RING_DATA_OFFSET)
		return KAAL_INVALID_ARGUMENT;
	s->window[0] = window0;
	s->window[1] = window1;
	s->window_size = window_size;
	for (unsigned w = 0; w < 2; w++) {
		kaal_atomic_store(&s->generation[w], w == 0 ? 0 : UINT32_MAX, KAAL_RELAXED);
		for (unsigned side = 0; side < 2; side++)
			kaal_atomic_store(&s->held[w][side], w == 0, KAAL_RELAXED);
	}
	return KAAL_OK;
}

#define PRODUCER_SIDE (KAAL_RING_PRODUCER - 1)
#define CONSUMER_SIDE (KAAL_RING_CONSUMER - 1)

static kaal_status local_obtain(void *ctx, uint32_t generation, size_t bytes, void **mem,
                                size_t *size)
{
	struct kaal_local_ring_source *s = ctx;
	unsigned w = generation & 1u;
	if (bytes == 0 || bytes > s->window_size)
		return KAAL_UNTYPED_EXHAUSTED;
	/*
	 * Acquire: the consumer's last use of generation - 2 comes before the
	 * producer writes the new ring there. The producer's own flag is its own.
	 */
	if (kaal_atomic_load(&s->held[w][PRODUCER_SIDE], KAAL_RELAXED) != 0 ||
	    kaal_atomic_load(&s->held[w][CONSUMER_SIDE], KAAL_ACQUIRE) != 0)
		return KAAL_BUSY;
	/*
	 * Relaxed: the consumer locates this generation only after it saw the
	 * one before closed, which the producer does after it returns.
	 */
	kaal_atomic_store(&s->generation[w], generation, KAAL_RELAXED);
	kaal_atomic_store(&s->held[w][PRODUCER_SIDE], 1, KAAL_RELAXED);
	kaal_atomic_store(&s->held[w][CONSUMER_SIDE], 1, KAAL_RELAXED);
	*mem = s->window[w];
	*size = s->window_size;
	return KAAL_OK;
}

static kaal_status local_locate(void *ctx, uint32_t generation, void **mem, size_t *size)
{
	struct kaal_local_ring_source *s = ctx;
	unsigned w = generation & 1u;
	if (kaal_atomic_load(&s->held[w][CONSUMER_SIDE], KAAL_RELAXED) == 0 ||
	    kaal_atomic_load(&s->generation[w], KAAL_RELAXED) != generation)
		return KAAL_INVALID_ARGUMENT;
	*mem = s->window[w];
	*size = s->window_size;
	return KAAL_OK;
}

static kaal_status local_release(void *ctx, uint32_t generation, enum kaal_ring_role role)
{
	struct kaal_local_ring_source *s = ctx;
	unsigned w = generation & 1u;
	if ((role != KAAL_RING_PRODUCER && role != KAAL_RING_CONSUMER) ||
	    kaal_atomic_load(&s->generation[w], KAAL_RELAXED) != generation ||
	    kaal_atomic_load(&s->held[w][role - 1], KAAL_RELAXED) == 0)
		return KAAL_INVALID_ARGUMENT;
	/* Release: this side's last use of the ring comes before the window is handed out again. */
	kaal_atomic_store(&s->held[w][role - 1], 0, KAAL_RELEASE);
	return KAAL_OK;
}

struct kaal_ring_source kaal_local_ring_source(struct kaal_local_ring_source *s)
{
	struct kaal_ring_source source = {local_obtain, local_locate, local_release, s};
	return source;
}
