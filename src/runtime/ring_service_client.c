/*
 * The ring service's process side: each call to the service is one
 * kaal_call on the side's badged endpoint; the frames it names are this
 * process's own copies, which it maps at its window's address. The
 * service decides how many frames a generation has, so a peer cannot make
 * this side map or read more than it was given.
 */
#include <kaal/ring_service.h>

#define PAGE_BYTES   (UINT64_C(1) << KAAL_PAGE_BITS)
#define FRAME_RIGHTS (KAAL_RIGHT_READ | KAAL_RIGHT_WRITE)

static kaal_status ask(struct kaal_ring_service_client *c, enum kaal_ring_service_request label,
                       uint32_t generation, uint64_t bytes, uint32_t *frames)
{
	struct kaal_msg m = {.info = kaal_msg_info(label, 2, 0), .mr = {generation, bytes}};
	kaal_status st = kaal_call(c->endpoint, &m);
	if (st != KAAL_OK)
		return st;
	st = (kaal_status)kaal_msg_label(m.info);
	if (st == KAAL_OK && frames) {
		*frames = (uint32_t)m.mr[KAAL_RING_SERVICE_FRAMES];
		if (*frames == 0 || *frames > c->max_frames)
			return KAAL_CORRUPT_RING;
	}
	return st;
}

static void unmap_window(struct kaal_ring_service_client *c, unsigned w)
{
	for (uint32_t i = 0; i < c->mapped[w]; i++)
		kaal_unmap(c->first_slot + w * c->max_frames + i);
	c->mapped[w] = 0;
}

/* Map frames of window w at its address; all or nothing. */
static kaal_status map_window(struct kaal_ring_service_client *c, unsigned w, uint32_t frames,
                              void **mem, size_t *size)
{
	if (c->mapped[w] != 0)
		unmap_window(c, w);
	kaal_status st = KAAL_OK;
	for (uint32_t i = 0; i < frames && st == KAAL_OK; i++) {
		void *at;
		kaal_word want = c->window[w] + i * PAGE_BYTES;
		st = kaal_map(c->first_slot + w * c->max_frames + i, want, FRAME_RIGHTS, &at);
		if (st == KAAL_OK) {
			c->mapped[w]++;
			if ((kaal_word)(uintptr_t)at != want)
				st = KAAL_INVALID_ARGUMENT;
		}
	}
	if (st != KAAL_OK) {
		unmap_window(c, w);
		return st;
	}
	*mem = (void *)(uintptr_t)c->window[w];
	*size = (size_t)(frames * PAGE_BYTES);
	return KAAL_OK;
}

static kaal_status service_obtain(void *ctx, uint32_t generation, size_t bytes, void **mem,
                                  size_t *size)
{
	struct kaal_ring_service_client *c = ctx;
	uint32_t frames;
	kaal_status st = ask(c, KAAL_RING_SERVICE_OBTAIN, generation, bytes, &frames);
	return st == KAAL_OK ? map_window(c, generation & 1u, frames, mem, size) : st;
}

static kaal_status service_locate(void *ctx, uint32_t generation, void **mem, size_t *size)
{
	struct kaal_ring_service_client *c = ctx;
	uint32_t frames;
	kaal_status st = ask(c, KAAL_RING_SERVICE_LOCATE, generation, 0, &frames);
	return st == KAAL_OK ? map_window(c, generation & 1u, frames, mem, size) : st;
}

static kaal_status service_release(void *ctx, uint32_t generation, enum kaal_ring_role role)
{
	struct kaal_ring_service_client *c = ctx;
	if (role != c->role)
		return KAAL_INVALID_ARGUMENT;
	unmap_window(c, generation & 1u);
	return ask(c, KAAL_RING_SERVICE_RELEASE, generation, 0, NULL);
}

struct kaal_ring_source kaal_ring_service_source(struct kaal_ring_service_client *c)
{
	struct kaal_ring_source source = {service_obtain, service_locate, service_release, c};
	return source;
}

kaal_status kaal_ring_service_first(struct kaal_ring_service_client *c, void **mem, size_t *size)
{
	if (!c || !mem || !size || c->max_frames == 0 ||
	    c->max_frames > KAAL_RING_SERVICE_MAX_FRAMES)
		return KAAL_INVALID_ARGUMENT;
	return service_locate(c, 0, mem, size);
}
