/*
 * The driver kit's starter side: the device from the broker, the driver's
 * notification and its interrupt's badged copy, a request and a reply ring
 * per client created in frames of their own, and the driver program
 * spawned with those capabilities under the names driver_run.c looks for.
 */
#include <string.h>

#include <kaal/driver.h>

#include "driver_names.h"

#define PAGE_BYTES ((size_t)1 << KAAL_PAGE_BITS)

static struct kaal_slot_ref own(const struct kaal_broker *b, kaal_cptr slot)
{
	return kaal_root_slot(b->root_cnode, slot);
}

static bool buffer_valid(uint32_t bytes)
{
	return bytes == 0 || driver_frame_size_valid(bytes);
}

static bool desc_valid(const struct kaal_driver_desc *d)
{
	return d && d->program && d->clients >= 1 && d->clients <= KAAL_DRIVER_MAX_CLIENTS &&
	       d->request_size >= 1 && d->request_size <= KAAL_DRIVER_MAX_ELEMENT &&
	       d->reply_size >= 1 && d->reply_size <= KAAL_DRIVER_MAX_ELEMENT &&
	       d->priority <= KAAL_MAX_PRIORITY && buffer_valid(d->dma_bytes) &&
	       buffer_valid(d->share_bytes);
}

/*
 * A buffer of bytes (a page or a large page) as one frame: physically
 * contiguous, one capability. Nothing is left behind on failure.
 */
static kaal_status make_buffer(struct kaal_broker *b, uint32_t bytes, kaal_cptr *frame,
                               struct kaal_memory *memory)
{
	kaal_status st = kaal_broker_allocate_memory(b, bytes, 0, memory);
	if (st != KAAL_OK)
		return st;
	st = kaal_broker_alloc_slot(b, frame);
	if (st == KAAL_OK)
		st =
		    kaal_untyped_retype(memory->cap, KAAL_CAP_FRAME,
		                        bytes == PAGE_BYTES ? KAAL_PAGE_BITS : KAAL_LARGE_PAGE_BITS,
		                        1, own(b, b->root_cnode), *frame, NULL);
	if (st != KAAL_OK) {
		if (*frame)
			kaal_broker_free_slot(b, *frame);
		kaal_broker_free_memory(b, memory);
		*frame = 0;
	}
	return st;
}

static void free_buffer(struct kaal_broker *b, kaal_cptr frame, struct kaal_memory *memory)
{
	if (!frame)
		return;
	kaal_broker_free_memory(b, memory);
	kaal_broker_free_slot(b, frame);
}

struct ring_geometry {
	uint32_t capacity, elem_size;
};

static kaal_status create_ring(void *page, void *ctx)
{
	const struct ring_geometry *g = ctx;
	return kaal_ring_create(page, PAGE_BYTES, g->capacity, g->elem_size);
}

/* The frames, rings and notifications of one client's link. */
static kaal_status make_link(struct kaal_broker *b, struct kaal_driver *d, unsigned i)
{
	struct kaal_driver_link *l = &d->link[i];
	kaal_cptr frames[2];
	kaal_status st = kaal_broker_create_frames(b, 2, frames, &l->memory);
	if (st != KAAL_OK)
		return st;
	l->request = frames[0];
	l->reply = frames[1];
	struct ring_geometry request = {d->desc->ring_capacity, d->desc->request_size};
	struct ring_geometry reply = {d->desc->ring_capacity, d->desc->reply_size};
	st = kaal_frame_fill(l->request, create_ring, &request);
	if (st == KAAL_OK)
		st = kaal_frame_fill(l->reply, create_ring, &reply);
	if (st == KAAL_OK && d->desc->share_bytes)
		st = make_buffer(b, d->desc->share_bytes, &l->share, &l->share_memory);
	if (st == KAAL_OK)
		st = kaal_broker_create_notification(b, &l->client_ntfn);
	if (st == KAAL_OK)
		st = kaal_broker_alloc_slot(b, &l->doorbell);
	if (st == KAAL_OK)
		st = kaal_cnode_mint(own(b, l->doorbell), own(b, d->events), KAAL_RIGHT_WRITE,
		                     kaal_channel_set_badge(i));
	else
		l->doorbell = 0;
	return st;
}

static void free_link(struct kaal_broker *b, struct kaal_driver_link *l)
{
	if (l->doorbell) {
		kaal_cnode_delete(own(b, l->doorbell));
		kaal_broker_free_slot(b, l->doorbell);
	}
	if (l->client_ntfn)
		kaal_broker_destroy_object(b, l->client_ntfn);
	free_buffer(b, l->share, &l->share_memory);
	if (l->request) {
		kaal_broker_free_memory(b, &l->memory);
		kaal_broker_free_slot(b, l->request);
		kaal_broker_free_slot(b, l->reply);
	}
	memset(l, 0, sizeof(*l));
}

/* A Write copy of events minted with badge in a fresh slot (*slot 0 when none was made). */
static kaal_status mint_event(struct kaal_broker *b, kaal_cptr events, kaal_word badge,
                              kaal_cptr *slot)
{
	kaal_status st = kaal_broker_alloc_slot(b, slot);
	if (st != KAAL_OK) {
		*slot = 0;
		return st;
	}
	st = kaal_cnode_mint(own(b, *slot), own(b, events), KAAL_RIGHT_WRITE, badge);
	if (st != KAAL_OK) {
		kaal_broker_free_slot(b, *slot);
		*slot = 0;
	}
	return st;
}

static kaal_status spawn_driver(struct kaal_broker *b, struct kaal_driver *d,
                                const struct kaal_spawn_cap *extra, unsigned extra_count)
{
	enum { FIXED = 5, PER_CLIENT = 4 };
	struct kaal_spawn_cap
	    caps[FIXED + PER_CLIENT * KAAL_DRIVER_MAX_CLIENTS + KAAL_START_MAX_CAPS];
	char names[PER_CLIENT * KAAL_DRIVER_MAX_CLIENTS][DRIVER_NUMBERED_NAME];
	unsigned n = 0;
	caps[n++] = (struct kaal_spawn_cap){"mmio", d->device.frame, KAAL_RIGHTS_ALL};
	caps[n++] = (struct kaal_spawn_cap){"irq", d->device.irq_handler, KAAL_RIGHTS_ALL};
	caps[n++] = (struct kaal_spawn_cap){"events", d->events, KAAL_RIGHT_READ};
	caps[n++] = (struct kaal_spawn_cap){"irq_badge", d->irq_badge, KAAL_RIGHT_WRITE};
	caps[n++] = (struct kaal_spawn_cap){"dma", d->dma, KAAL_RIGHT_READ | KAAL_RIGHT_WRITE};
	for (unsigned i = 0; i < d->desc->clients; i++) {
		const struct kaal_driver_link *l = &d->link[i];
		char *req = names[PER_CLIENT * i], *rsp = req + DRIVER_NUMBERED_NAME,
		     *cli = rsp + DRIVER_NUMBERED_NAME, *share = cli + DRIVER_NUMBERED_NAME;
		driver_numbered(req, "req", i);
		driver_numbered(rsp, "rsp", i);
		driver_numbered(cli, "client", i);
		driver_numbered(share, "share", i);
		caps[n++] = (struct kaal_spawn_cap){req, l->request, KAAL_RIGHTS_ALL};
		caps[n++] = (struct kaal_spawn_cap){rsp, l->reply, KAAL_RIGHTS_ALL};
		caps[n++] = (struct kaal_spawn_cap){cli, l->client_ntfn, KAAL_RIGHT_WRITE};
		caps[n++] =
		    (struct kaal_spawn_cap){share, l->share, KAAL_RIGHT_READ | KAAL_RIGHT_WRITE};
	}
	/*
	 * A device without a frame (its registers are system registers) or an
	 * interrupt gives none, a link without a shared buffer none.
	 */
	unsigned given = 0;
	for (unsigned i = 0; i < n; i++)
		if (caps[i].cap)
			caps[given++] = caps[i];
	for (unsigned i = 0; i < extra_count; i++)
		caps[given++] = extra[i];
	return kaal_spawn(b, d->desc->program, caps, given, d->desc->priority,
	                  driver_regs_word(&d->device), &d->program);
}

kaal_status kaal_driver_start(struct kaal_broker *b, const struct kaal_driver_desc *desc,
                              struct kaal_driver *out)
{
	return kaal_driver_start_with(b, desc, NULL, 0, out);
}

kaal_status kaal_driver_start_with(struct kaal_broker *b, const struct kaal_driver_desc *desc,
                                   const struct kaal_spawn_cap *extra, unsigned extra_count,
                                   struct kaal_driver *out)
{
	if (!b || !out || !desc_valid(desc) || !kaal_program_name_fits(desc->program) ||
	    (extra_count && !extra) || extra_count > KAAL_START_MAX_CAPS)
		return KAAL_INVALID_ARGUMENT;
	struct kaal_driver d;
	memset(&d, 0, sizeof(d));
	d.desc = desc;
	kaal_status st = KAAL_OK;
	/* A service has no device: only its links. */
	if (desc->device != KAAL_DEVICE_NONE)
		st = kaal_broker_request_device(b, desc->device, &d.device);
	if (st != KAAL_OK)
		return st;
	st = kaal_broker_create_notification(b, &d.events);
	if (st == KAAL_OK)
		st = mint_event(b, d.events, KAAL_DRIVER_IRQ_BADGE, &d.irq_badge);
	if (st == KAAL_OK)
		st = mint_event(b, d.events, KAAL_DRIVER_STOP_BADGE, &d.stop);
	if (st == KAAL_OK && desc->dma_bytes)
		st = make_buffer(b, desc->dma_bytes, &d.dma, &d.dma_memory);
	for (unsigned i = 0; i < desc->clients && st == KAAL_OK; i++)
		st = make_link(b, &d, i);
	if (st == KAAL_OK)
		st = spawn_driver(b, &d, extra, extra_count);
	if (st != KAAL_OK) {
		kaal_driver_stop(b, &d);
		return st;
	}
	*out = d;
	return KAAL_OK;
}

kaal_status kaal_driver_stop(struct kaal_broker *b, struct kaal_driver *d)
{
	if (!b || !d || !d->desc)
		return KAAL_INVALID_ARGUMENT;
	/*
	 * The driver first, ended by itself if it will (a thread destroyed where
	 * it runs, not where it waits, is the host's hardest case): nothing
	 * runs that could use what goes next.
	 */
	if (d->stop && d->program.end && kaal_signal(d->stop, 0) == KAAL_OK) {
		int status;
		kaal_spawn_wait(&d->program, KAAL_DRIVER_STOP_NS, &status);
	}
	kaal_status st = kaal_spawn_destroy(b, &d->program);
	if (st != KAAL_OK)
		return st;
	for (unsigned i = 0; i < KAAL_DRIVER_MAX_CLIENTS; i++)
		free_link(b, &d->link[i]);
	const kaal_cptr badged[] = {d->irq_badge, d->stop};
	for (unsigned i = 0; i < 2; i++) {
		if (badged[i]) {
			kaal_cnode_delete(own(b, badged[i]));
			kaal_broker_free_slot(b, badged[i]);
		}
	}
	free_buffer(b, d->dma, &d->dma_memory);
	if (d->events)
		kaal_broker_destroy_object(b, d->events);
	if (d->device.id)
		kaal_broker_release_device(b, d->device.id);
	memset(d, 0, sizeof(*d));
	return KAAL_OK;
}

kaal_status kaal_driver_client_caps(const struct kaal_driver *d, unsigned client,
                                    const char *prefix, struct kaal_driver_client_names *names,
                                    struct kaal_spawn_cap caps[KAAL_DRIVER_CLIENT_CAPS],
                                    unsigned *count)
{
	if (!d || !d->desc || client >= d->desc->clients || !prefix || !names || !caps || !count)
		return KAAL_INVALID_ARGUMENT;
	const struct kaal_driver_link *l = &d->link[client];
	const kaal_cptr cap[KAAL_DRIVER_CLIENT_CAPS] = {l->request, l->reply, l->doorbell,
	                                                l->client_ntfn, l->share};
	const unsigned rights[KAAL_DRIVER_CLIENT_CAPS] = {KAAL_RIGHTS_ALL, KAAL_RIGHTS_ALL,
	                                                  KAAL_RIGHT_WRITE, KAAL_RIGHT_READ,
	                                                  KAAL_RIGHT_READ | KAAL_RIGHT_WRITE};
	unsigned n = l->share ? KAAL_DRIVER_CLIENT_CAPS : DRIVER_CLIENT_FIXED_CAPS;
	for (unsigned i = 0; i < n; i++) {
		if (!driver_client_name(names->name[i], prefix, driver_client_suffix[i]))
			return KAAL_INVALID_ARGUMENT;
		caps[i] = (struct kaal_spawn_cap){names->name[i], cap[i], rights[i]};
	}
	*count = n;
	return KAAL_OK;
}
