/*
 * The ring service's root side. Each window holds at most one generation:
 * its frames in the root's slots and a copy in each process's CNode. A
 * window is filled only when both sides let go of what it held, so a side
 * that never lets go pins one window, and the producer cannot resize
 * again until it does (the request is refused, the channel keeps its ring).
 */
#include <kaal/ring_service.h>

#define PAGE_BYTES   (UINT64_C(1) << KAAL_PAGE_BITS)
#define FRAME_RIGHTS (KAAL_RIGHT_READ | KAAL_RIGHT_WRITE)

static kaal_word process_slot(const struct kaal_ring_service *s, unsigned w, uint32_t i)
{
	return s->first_slot + w * s->max_frames + i;
}

/* Delete this side's copies of window w's frames (unmapping them from it). */
static void take_back(struct kaal_ring_service *s, unsigned w, enum kaal_ring_role role)
{
	const struct kaal_process *p = s->side[role - 1];
	for (uint32_t i = 0; i < s->window[w].frames; i++)
		kaal_cnode_delete(kaal_process_slot(p, process_slot(s, w, i)));
	s->window[w].held[role - 1] = 0;
}

/* Give window w's memory back to the broker: every copy of its frames goes with it. */
static kaal_status empty_window(struct kaal_ring_service *s, unsigned w)
{
	struct kaal_ring_window *win = &s->window[w];
	kaal_status st = kaal_broker_free_memory(s->broker, &win->memory);
	for (uint32_t i = 0; i < win->frames; i++)
		kaal_broker_free_slot(s->broker, win->frame[i]);
	win->frames = 0;
	win->held[0] = win->held[1] = 0;
	return st;
}

/* frames fresh frames in window w for generation, copied into both sides; all or nothing. */
static kaal_status fill_window(struct kaal_ring_service *s, unsigned w, uint32_t generation,
                               uint32_t frames)
{
	struct kaal_ring_window *win = &s->window[w];
	kaal_status st = kaal_broker_create_frames(s->broker, frames, win->frame, &win->memory);
	if (st != KAAL_OK)
		return st;
	win->frames = frames;
	win->generation = generation;
	for (uint32_t i = 0; i < frames && st == KAAL_OK; i++)
		for (unsigned side = 0; side < 2 && st == KAAL_OK; side++)
			st = kaal_broker_give(s->broker, s->side[side], process_slot(s, w, i),
			                      win->frame[i], FRAME_RIGHTS);
	if (st != KAAL_OK) {
		empty_window(s, w);
		return st;
	}
	win->held[0] = win->held[1] = 1;
	return KAAL_OK;
}

static uint32_t frames_for(uint64_t bytes)
{
	return (uint32_t)((bytes + PAGE_BYTES - 1) / PAGE_BYTES);
}

/* Generation 0's ring, written through the root's own mapping of its frames at scratch. */
static kaal_status create_first_ring(struct kaal_ring_service *s, uint32_t capacity,
                                     uint32_t elem_size, kaal_word scratch)
{
	struct kaal_ring_window *win = &s->window[0];
	kaal_status st = KAAL_OK;
	uint32_t mapped = 0;
	for (; mapped < win->frames && st == KAAL_OK; mapped++) {
		void *at;
		st = kaal_map(win->frame[mapped], scratch + mapped * PAGE_BYTES, FRAME_RIGHTS, &at);
		if (st == KAAL_OK && (kaal_word)(uintptr_t)at != scratch + mapped * PAGE_BYTES)
			st = KAAL_INVALID_ARGUMENT;
	}
	if (st == KAAL_OK)
		st = kaal_ring_create((void *)(uintptr_t)scratch, win->frames * PAGE_BYTES,
		                      capacity, elem_size);
	for (uint32_t i = 0; i < mapped; i++)
		kaal_unmap(win->frame[i]);
	return st;
}

kaal_status kaal_ring_service_init(struct kaal_ring_service *s, struct kaal_broker *b,
                                   const struct kaal_process *producer,
                                   const struct kaal_process *consumer, kaal_word first_slot,
                                   uint32_t max_frames, uint32_t capacity, uint32_t elem_size,
                                   kaal_word scratch)
{
	if (!s || !b || !producer || !consumer || max_frames == 0 ||
	    max_frames > KAAL_RING_SERVICE_MAX_FRAMES)
		return KAAL_INVALID_ARGUMENT;
	uint64_t bytes = kaal_ring_bytes(capacity, elem_size);
	if (bytes == 0 || bytes > max_frames * PAGE_BYTES || first_slot == 0)
		return KAAL_INVALID_ARGUMENT;
	kaal_word end = first_slot + 2u * max_frames;
	if (producer->radix >= KAAL_WORD_BITS || consumer->radix >= KAAL_WORD_BITS ||
	    end > (UINT64_C(1) << producer->radix) || end > (UINT64_C(1) << consumer->radix))
		return KAAL_INVALID_ARGUMENT;
	*s = (struct kaal_ring_service){.broker = b,
	                                .side = {producer, consumer},
	                                .first_slot = first_slot,
	                                .max_frames = max_frames,
	                                .next_generation = 1};
	kaal_status st = fill_window(s, 0, 0, frames_for(bytes));
	if (st != KAAL_OK)
		return st;
	st = create_first_ring(s, capacity, elem_size, scratch);
	if (st != KAAL_OK)
		empty_window(s, 0);
	return st;
}

static kaal_status obtain(struct kaal_ring_service *s, kaal_word generation, kaal_word bytes,
                          uint32_t *frames)
{
	if (generation != s->next_generation)
		return KAAL_INVALID_ARGUMENT;
	if (bytes == 0 || bytes > s->max_frames * PAGE_BYTES)
		return KAAL_UNTYPED_EXHAUSTED;
	unsigned w = generation & 1u;
	if (s->window[w].frames != 0)
		return KAAL_BUSY;
	kaal_status st = fill_window(s, w, (uint32_t)generation, frames_for(bytes));
	if (st != KAAL_OK)
		return st;
	s->next_generation++;
	*frames = s->window[w].frames;
	return KAAL_OK;
}

/* The window holding generation for this side, or NULL. */
static struct kaal_ring_window *held(struct kaal_ring_service *s, kaal_word generation,
                                     enum kaal_ring_role role)
{
	struct kaal_ring_window *win = &s->window[generation & 1u];
	if (generation > UINT32_MAX || win->frames == 0 || win->generation != generation ||
	    !win->held[role - 1])
		return NULL;
	return win;
}

static kaal_status release(struct kaal_ring_service *s, kaal_word generation,
                           enum kaal_ring_role role)
{
	struct kaal_ring_window *win = held(s, generation, role);
	if (!win)
		return KAAL_INVALID_ARGUMENT;
	unsigned w = generation & 1u;
	take_back(s, w, role);
	return win->held[0] || win->held[1] ? KAAL_OK : empty_window(s, w);
}

void kaal_ring_service_handle(struct kaal_ring_service *s, enum kaal_ring_role role,
                              const struct kaal_msg *request, struct kaal_msg *reply)
{
	kaal_status st = KAAL_INVALID_ARGUMENT;
	uint32_t frames = 0;
	struct kaal_ring_window *win;
	if (s && request && (role == KAAL_RING_PRODUCER || role == KAAL_RING_CONSUMER)) {
		kaal_word generation = request->mr[0];
		switch (kaal_msg_label(request->info)) {
		case KAAL_RING_SERVICE_OBTAIN:
			if (role == KAAL_RING_PRODUCER)
				st = obtain(s, generation, request->mr[1], &frames);
			break;
		case KAAL_RING_SERVICE_LOCATE:
			win = held(s, generation, role);
			st = win ? KAAL_OK : KAAL_INVALID_ARGUMENT;
			frames = win ? win->frames : 0;
			break;
		case KAAL_RING_SERVICE_RELEASE:
			st = release(s, generation, role);
			break;
		default:
			break;
		}
	}
	if (!reply)
		return;
	*reply = (struct kaal_msg){.info = kaal_msg_info((kaal_word)st, 1, 0)};
	reply->mr[KAAL_RING_SERVICE_FRAMES] = frames;
}

kaal_status kaal_ring_service_destroy(struct kaal_ring_service *s)
{
	if (!s || !s->broker)
		return KAAL_INVALID_ARGUMENT;
	kaal_status st = KAAL_OK;
	for (unsigned w = 0; w < 2; w++)
		if (s->window[w].frames != 0) {
			kaal_status freed = empty_window(s, w);
			st = st != KAAL_OK ? st : freed;
		}
	s->broker = NULL;
	return st;
}
