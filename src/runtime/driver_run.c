/*
 * The driver kit's driver and client sides. A driver maps its registers
 * (or, in a host test, takes its device's model), binds its interrupt to
 * its notification under the interrupt's badge, attaches its clients'
 * rings (requests as members of a channel set on that notification,
 * replies as a producer that never waits), and serves: the interrupt
 * first, then one request at a time from the ready client of highest
 * priority. A client whose ring fails its check is cut off; the others go on.
 */
#include <kaal/driver.h>
#include <kaal/generic_timer.h>

#include "driver_names.h"

#define PAGE_BYTES      ((size_t)1 << KAAL_PAGE_BITS)
#define MMIO_PAGE       0u /* window pages: the registers, then two per client */
#define FIRST_RING_PAGE 1u
#define LARGE_PAGES     ((unsigned)1 << (KAAL_LARGE_PAGE_BITS - KAAL_PAGE_BITS))
#define DMA_PAGE        LARGE_PAGES /* aligned for a large page, past every ring */
/* Client i's shared buffer: a large page's room each, after the DMA buffer's. */
#define SHARE_PAGE(i) (DMA_PAGE + LARGE_PAGES * (1u + (i)))
_Static_assert(SHARE_PAGE(KAAL_DRIVER_MAX_CLIENTS) <= KAAL_DRIVER_FREE_PAGE,
               "every client's shared buffer lies below the pages left to the driver");
_Static_assert(KAAL_DRIVER_FREE_PAGE < KAAL_PROGRAM_WINDOW_PAGES, "pages are left to the driver");
#define CLIENT_PRIORITY 0u /* every client alike: the set's aging keeps them fair */
#define MAX_MODELS      KAAL_BOOT_INFO_MAX_DEVICES

struct device_model {
	uint32_t device;
	const struct kaal_mmio_model *model;
};
static struct device_model models[MAX_MODELS];

void kaal_driver_use_model(uint32_t device, const struct kaal_mmio_model *model)
{
	unsigned free_entry = MAX_MODELS;
	for (unsigned i = 0; i < MAX_MODELS; i++) {
		if (models[i].model && models[i].device == device) {
			models[i].model = model;
			return;
		}
		if (!models[i].model && free_entry == MAX_MODELS)
			free_entry = i;
	}
	if (model && free_entry < MAX_MODELS)
		models[free_entry] = (struct device_model){device, model};
}

static const struct kaal_mmio_model *model_of(uint32_t device)
{
	for (unsigned i = 0; i < MAX_MODELS; i++)
		if (models[i].model && models[i].device == device)
			return models[i].model;
	return NULL;
}

static kaal_status cap_numbered(const struct kaal_start_info *si, const char *prefix, unsigned n,
                                kaal_cptr *cptr)
{
	char name[DRIVER_NUMBERED_NAME];
	driver_numbered(name, prefix, n);
	return kaal_start_cap(si, name, cptr);
}

/*
 * The device's registers: its frame mapped, or in a host test its model;
 * a device without a frame has system registers (kaal/generic_timer.h),
 * or in a host test a model of them.
 */
static kaal_status map_registers(struct kaal_driver_context *ctx, const struct kaal_start_info *si)
{
	const struct kaal_mmio_model *model = model_of(ctx->desc->device);
	kaal_cptr mmio;
	if (kaal_start_cap(si, "mmio", &mmio) != KAAL_OK) {
		if (!model)
			model = kaal_system_registers(ctx->desc->device);
		if (model)
			ctx->regs = kaal_mmio_modelled(model, (uint32_t)PAGE_BYTES);
		return KAAL_OK;
	}
	/* The starter's word says where in the page the registers are (small devices share one). */
	uint32_t in_page = (uint32_t)(si->arg & (PAGE_BYTES - 1));
	uint64_t size = si->arg >> DRIVER_REGS_SIZE_SHIFT;
	if (size == 0 || size > PAGE_BYTES - in_page)
		return KAAL_INVALID_ARGUMENT;
	void *at;
	kaal_status st = kaal_program_map(mmio, MMIO_PAGE, KAAL_RIGHT_READ | KAAL_RIGHT_WRITE, &at);
	if (st != KAAL_OK)
		return st;
	ctx->regs = model ? kaal_mmio_modelled(model, (uint32_t)size)
	                  : kaal_mmio_mapped((uint8_t *)at + in_page, (uint32_t)size);
	return KAAL_OK;
}

/* A buffer the starter made as one frame of bytes: mapped at page, with its physical address. */
static kaal_status map_buffer(const struct kaal_start_info *si, const char *name, uint32_t bytes,
                              unsigned page, struct kaal_driver_dma *out)
{
	kaal_cptr frame;
	kaal_status st = kaal_start_cap(si, name, &frame);
	struct kaal_cap_info info;
	if (st == KAAL_OK)
		st = kaal_cnode_identify(kaal_root_slot(KAAL_PROGRAM_SLOT_CNODE, frame), &info);
	/* Only a frame of RAM is a buffer the starter made. */
	if (st == KAAL_OK && (info.type != KAAL_CAP_FRAME || info.object == 0))
		st = KAAL_WRONG_TYPE;
	void *at;
	if (st == KAAL_OK)
		st = kaal_program_map(frame, page, KAAL_RIGHT_READ | KAAL_RIGHT_WRITE, &at);
	if (st == KAAL_OK)
		*out = (struct kaal_driver_dma){at, info.object, bytes};
	return st;
}

/* Client i's rings: requests into the set, replies out without waiting. */
static kaal_status attach_client(struct kaal_driver_context *ctx, const struct kaal_start_info *si,
                                 kaal_cptr events, unsigned i)
{
	kaal_cptr req, rsp, client;
	void *req_at, *rsp_at;
	kaal_status st = cap_numbered(si, "req", i, &req);
	if (st == KAAL_OK)
		st = cap_numbered(si, "rsp", i, &rsp);
	if (st == KAAL_OK)
		st = cap_numbered(si, "client", i, &client);
	if (st == KAAL_OK)
		st = kaal_program_map(req, FIRST_RING_PAGE + 2 * i,
		                      KAAL_RIGHT_READ | KAAL_RIGHT_WRITE, &req_at);
	if (st == KAAL_OK)
		st = kaal_program_map(rsp, FIRST_RING_PAGE + 2 * i + 1,
		                      KAAL_RIGHT_READ | KAAL_RIGHT_WRITE, &rsp_at);
	/* The request side's peer is the client, who sleeps only for replies: signal nothing. */
	if (st == KAAL_OK)
		st = kaal_channel_attach(&ctx->request[i], req_at, PAGE_BYTES, KAAL_RING_CONSUMER,
		                         events, client);
	if (st == KAAL_OK)
		st = kaal_channel_attach(&ctx->reply[i], rsp_at, PAGE_BYTES, KAAL_RING_PRODUCER,
		                         events, client);
	if (st == KAAL_OK && ctx->desc->share_bytes) {
		char name[DRIVER_NUMBERED_NAME];
		driver_numbered(name, "share", i);
		st = map_buffer(si, name, ctx->desc->share_bytes, SHARE_PAGE(i), &ctx->share[i]);
	}
	uint32_t index;
	if (st == KAAL_OK)
		st = kaal_channel_set_add(&ctx->set, &ctx->request[i], CLIENT_PRIORITY, &index);
	if (st == KAAL_OK)
		ctx->member_client[index] = i;
	return st;
}

static kaal_status map_dma(struct kaal_driver_context *ctx, const struct kaal_start_info *si)
{
	if (ctx->desc->dma_bytes == 0)
		return KAAL_OK;
	return map_buffer(si, "dma", ctx->desc->dma_bytes, DMA_PAGE, &ctx->dma);
}

static kaal_status start(struct kaal_driver_context *ctx, const struct kaal_start_info *si)
{
	kaal_cptr events, irq_badge;
	kaal_status st = kaal_start_cap(si, "events", &events);
	if (st == KAAL_OK)
		st = map_registers(ctx, si);
	if (st == KAAL_OK)
		st = map_dma(ctx, si);
	if (st == KAAL_OK)
		st = kaal_channel_set_init(&ctx->set, events);
	/*
	 * The driver sleeps as soon as nothing is ready: it runs above its
	 * clients, and polling there would only keep them off a single CPU.
	 */
	ctx->set.spin = 0;
	if (st == KAAL_OK)
		st = kaal_channel_set_watch(&ctx->set,
		                            KAAL_DRIVER_IRQ_BADGE | KAAL_DRIVER_STOP_BADGE);
	/* A device without an interrupt has none to bind. */
	if (st == KAAL_OK && kaal_start_cap(si, "irq", &ctx->irq) == KAAL_OK) {
		st = kaal_start_cap(si, "irq_badge", &irq_badge);
		if (st == KAAL_OK)
			st = kaal_irq_set_notification(ctx->irq, irq_badge);
	}
	for (unsigned i = 0; i < ctx->desc->clients && st == KAAL_OK; i++) {
		st = attach_client(ctx, si, events, i);
		/* A client that spoiled its rings before the driver came loses its link, nobody
		 * else. */
		if (st == KAAL_CORRUPT_RING) {
			ctx->cut_off[i] = true;
			ctx->clients_cut_off++;
			st = KAAL_OK;
		}
	}
	return st;
}

kaal_status kaal_driver_reply(struct kaal_driver_context *ctx, unsigned client, const void *reply)
{
	if (!ctx || client >= ctx->desc->clients || !reply)
		return KAAL_INVALID_ARGUMENT;
	if (ctx->cut_off[client])
		return KAAL_CORRUPT_RING;
	/* Never wait for a client: one that does not read loses its replies, nobody else does. */
	kaal_status st = kaal_channel_send(&ctx->reply[client], reply, 0);
	if (st == KAAL_OK)
		ctx->replies++;
	else
		ctx->replies_dropped++;
	return st;
}

static void serve(struct kaal_driver_context *ctx, const struct kaal_driver_ops *ops,
                  uint32_t member)
{
	unsigned client = ctx->member_client[member];
	uint8_t request[KAAL_DRIVER_MAX_ELEMENT], reply[KAAL_DRIVER_MAX_ELEMENT] = {0};
	if (kaal_channel_recv(&ctx->request[client], request, 0) != KAAL_OK)
		return;
	ctx->requests++;
	if (ops->request(ctx, client, request, reply))
		kaal_driver_reply(ctx, client, reply);
}

int kaal_driver_main(const struct kaal_driver_desc *desc, const struct kaal_start_info *si,
                     const struct kaal_driver_ops *ops, void *driver)
{
	/* On the stack: on the host every program shares the process's statics. */
	struct kaal_driver_context ctx;
	if (!desc || !si || !ops || !ops->init || !ops->request ||
	    (desc->device != KAAL_DEVICE_NONE && !ops->interrupt) ||
	    desc->clients > KAAL_DRIVER_MAX_CLIENTS)
		return KAAL_INVALID_ARGUMENT;
	ctx = (struct kaal_driver_context){.desc = desc, .start_info = si, .driver = driver};
	kaal_status st = start(&ctx, si);
	if (st == KAAL_OK)
		st = ops->init(&ctx);
	if (st != KAAL_OK)
		return (int)st;
	for (;;) {
		uint32_t member;
		st = kaal_channel_set_wait(&ctx.set, &member, KAAL_CHANNEL_FOREVER);
		if (st == KAAL_OK && member == KAAL_CHANNEL_SET_EVENTS) {
			kaal_word events = kaal_channel_set_take_events(&ctx.set);
			if (events & KAAL_DRIVER_STOP_BADGE)
				return KAAL_OK;
			/* Only a device's interrupt signals the interrupt's bit. */
			if (ops->interrupt) {
				ctx.interrupts++;
				ops->interrupt(&ctx);
				kaal_irq_ack(ctx.irq);
			}
		} else if (st == KAAL_OK) {
			serve(&ctx, ops, member);
		} else if (st == KAAL_CORRUPT_RING) {
			ctx.cut_off[ctx.member_client[member]] = true;
			ctx.clients_cut_off++;
			kaal_channel_set_remove(&ctx.set, member);
		} else if (st == KAAL_ILLEGAL_OPERATION) {
			return (int)st; /* nothing is left to serve */
		}
	}
}

/* The first page at or after page that a frame of bytes may be mapped at. */
static unsigned share_page(unsigned page, uint32_t bytes)
{
	unsigned align = bytes > PAGE_BYTES ? LARGE_PAGES : 1u;
	return (page + align - 1) & ~(align - 1);
}

/*
 * A client's end from its capabilities, in the order of
 * kaal_driver_client_caps(); the last is 0 for a link without a shared buffer.
 */
static kaal_status open_caps(struct kaal_driver_client *c,
                             const kaal_cptr cap[KAAL_DRIVER_CLIENT_CAPS], uint32_t share_bytes,
                             unsigned first_page)
{
	c->share = NULL;
	c->share_size = 0;
	if (share_bytes) {
		void *at;
		kaal_status st = kaal_program_map(cap[DRIVER_CLIENT_FIXED_CAPS],
		                                  share_page(first_page + 2, share_bytes),
		                                  KAAL_RIGHT_READ | KAAL_RIGHT_WRITE, &at);
		if (st != KAAL_OK)
			return st;
		c->share = at;
		c->share_size = share_bytes;
	}
	void *req_at, *rsp_at;
	kaal_status st =
	    kaal_program_map(cap[0], first_page, KAAL_RIGHT_READ | KAAL_RIGHT_WRITE, &req_at);
	if (st == KAAL_OK)
		st = kaal_program_map(cap[1], first_page + 1, KAAL_RIGHT_READ | KAAL_RIGHT_WRITE,
		                      &rsp_at);
	if (st == KAAL_OK)
		st = kaal_channel_attach(&c->request, req_at, PAGE_BYTES, KAAL_RING_PRODUCER,
		                         cap[3], cap[2]);
	if (st == KAAL_OK)
		st = kaal_channel_attach(&c->reply, rsp_at, PAGE_BYTES, KAAL_RING_CONSUMER, cap[3],
		                         cap[2]);
	return st;
}

kaal_status kaal_driver_open(struct kaal_driver_client *c, const struct kaal_start_info *si,
                             const char *prefix, unsigned first_page)
{
	if (!c || !si || !prefix)
		return KAAL_INVALID_ARGUMENT;
	kaal_cptr cap[KAAL_DRIVER_CLIENT_CAPS] = {0};
	for (unsigned i = 0; i < KAAL_DRIVER_CLIENT_CAPS; i++) {
		char name[KAAL_PROGRAM_NAME_MAX];
		if (!driver_client_name(name, prefix, driver_client_suffix[i]))
			return KAAL_INVALID_ARGUMENT;
		kaal_status st = kaal_start_cap(si, name, &cap[i]);
		/* Every link has the fixed ones; a shared buffer only when the driver has one. */
		if (st != KAAL_OK && (i < DRIVER_CLIENT_FIXED_CAPS || st != KAAL_SLOT_EMPTY))
			return st;
	}
	uint32_t share_bytes = 0;
	if (cap[DRIVER_CLIENT_FIXED_CAPS]) {
		struct kaal_cap_info info;
		kaal_status st = kaal_cnode_identify(
		    kaal_root_slot(KAAL_PROGRAM_SLOT_CNODE, cap[DRIVER_CLIENT_FIXED_CAPS]), &info);
		if (st != KAAL_OK)
			return st;
		if (info.type != KAAL_CAP_FRAME || info.size_bits >= 32 ||
		    !driver_frame_size_valid(1u << info.size_bits))
			return KAAL_WRONG_TYPE;
		share_bytes = 1u << info.size_bits;
	}
	return open_caps(c, cap, share_bytes, first_page);
}

kaal_status kaal_driver_open_link(struct kaal_driver_client *c, const struct kaal_driver *d,
                                  unsigned link, unsigned first_page)
{
	if (!c || !d || !d->desc || link >= d->desc->clients)
		return KAAL_INVALID_ARGUMENT;
	const struct kaal_driver_link *l = &d->link[link];
	const kaal_cptr cap[KAAL_DRIVER_CLIENT_CAPS] = {l->request, l->reply, l->doorbell,
	                                                l->client_ntfn, l->share};
	return open_caps(c, cap, l->share ? d->desc->share_bytes : 0, first_page);
}

kaal_status kaal_driver_call(struct kaal_driver_client *c, const void *request, void *reply,
                             uint64_t timeout_ns)
{
	if (!c || !request || !reply)
		return KAAL_INVALID_ARGUMENT;
	kaal_status st = kaal_channel_send(&c->request, request, timeout_ns);
	return st == KAAL_OK ? kaal_channel_recv(&c->reply, reply, timeout_ns) : st;
}
