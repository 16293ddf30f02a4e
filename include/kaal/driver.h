/*
 * The driver kit: a user-level driver is a boot program with one static
 * description of what it needs (its device by broker id, its client
 * channels and their element sizes, its priority). Its starter hands out
 * exactly that (kaal_driver_start): the device's register frame and
 * interrupt, one notification the driver sleeps on, and per client a
 * request and a reply ring in frames of their own with their doorbells.
 * The driver's side (kaal_driver_main) maps the registers, binds the
 * interrupt, and runs the event loop: the interrupt first, then clients'
 * requests by priority through one channel set, each reply sent without
 * ever blocking. A client opens its end with kaal_driver_open() and asks
 * with kaal_driver_call(). The same driver source runs on aarch64 against
 * the device and on the host against a register-level model.
 */
#ifndef KAAL_DRIVER_H
#define KAAL_DRIVER_H

#include <kaal/channel.h>
#include <kaal/channel_set.h>
#include <kaal/mmio.h>
#include <kaal/spawn.h>

#define KAAL_DRIVER_MAX_CLIENTS 8u
/* Bits of the driver's notification that are events, not clients: its interrupt, and stop. */
#define KAAL_DRIVER_IRQ_BADGE  ((kaal_word)1 << 63)
#define KAAL_DRIVER_STOP_BADGE ((kaal_word)1 << 62)
/* How long kaal_driver_stop() gives a driver to end by itself before it is destroyed where it is.
 */
#define KAAL_DRIVER_STOP_NS     UINT64_C(1000000000)
#define KAAL_DRIVER_MAX_ELEMENT 64u /* bytes of a request or reply at most */
/*
 * The first page of the program window (kaal_program_map) the kit leaves
 * to the driver: a driver that is also another driver's client opens that
 * link there (kaal_driver_open).
 */
#define KAAL_DRIVER_FREE_PAGE 5120u

struct kaal_driver_desc {
	const char *program;    /* the boot program that is the driver */
	uint32_t device;        /* the broker's device id (enum kaal_device_id); KAAL_DEVICE_NONE
	                           for a service: links only, no registers, no interrupt */
	uint32_t clients;       /* client channels, 1..KAAL_DRIVER_MAX_CLIENTS */
	uint32_t request_size;  /* bytes of a request, 1..KAAL_DRIVER_MAX_ELEMENT */
	uint32_t reply_size;    /* bytes of a reply, 1..KAAL_DRIVER_MAX_ELEMENT */
	uint32_t ring_capacity; /* elements of each ring, a power of two that fits a page */
	unsigned priority;      /* the driver's thread, which also serves its interrupt */
	uint32_t dma_bytes;     /* a DMA buffer, physically contiguous: 0 (none), a page or a
	                           large page (KAAL_LARGE_PAGE_BITS), one frame either way */
	uint32_t share_bytes;   /* per client a buffer both map, for data too big for a ring
	                           element: 0 (none), a page or a large page, one frame */
};

/* ---- The starter's side. */

struct kaal_driver_link {
	kaal_cptr request, reply; /* the rings' frames */
	struct kaal_memory memory;
	kaal_cptr share; /* the shared buffer's frame, 0 when the description has none */
	struct kaal_memory share_memory;
	kaal_cptr client_ntfn; /* the client sleeps here for replies */
	kaal_cptr doorbell;    /* the driver's notification minted with the client's bit */
};

struct kaal_driver {
	const struct kaal_driver_desc *desc;
	struct kaal_spawned program;
	struct kaal_device device;
	kaal_cptr events;    /* the driver sleeps here */
	kaal_cptr irq_badge; /* events minted with KAAL_DRIVER_IRQ_BADGE, for the interrupt */
	kaal_cptr stop;      /* events minted with KAAL_DRIVER_STOP_BADGE, the starter's */
	kaal_cptr dma;       /* the DMA buffer's frame, 0 when none */
	struct kaal_memory dma_memory;
	struct kaal_driver_link link[KAAL_DRIVER_MAX_CLIENTS];
};

/*
 * Take the device from the broker and start the driver with what desc
 * names. KAAL_INVALID_ARGUMENT for a description out of its bounds (a DMA
 * buffer of a size it cannot have among them) or no such device, KAAL_BUSY when another holds the
 * device (a second driver), else the broker's, the kernel's and kaal_spawn()'s statuses; nothing is
 * left behind on failure.
 */
kaal_status kaal_driver_start(struct kaal_broker *b, const struct kaal_driver_desc *desc,
                              struct kaal_driver *out);
/*
 * The same, giving the driver extra[0..extra_count) too (kaal_spawn()'s
 * rules: a driver that is also another driver's client gets that link's
 * capabilities so). The names must not be the kit's own.
 */
kaal_status kaal_driver_start_with(struct kaal_broker *b, const struct kaal_driver_desc *desc,
                                   const struct kaal_spawn_cap *extra, unsigned extra_count,
                                   struct kaal_driver *out);
/*
 * Stop the driver: ask it to end (KAAL_DRIVER_STOP_BADGE), give it
 * KAAL_DRIVER_STOP_NS to do so, destroy it wherever it is, and give back
 * its device and everything started with it.
 */
kaal_status kaal_driver_stop(struct kaal_broker *b, struct kaal_driver *d);

/*
 * A client program's capabilities for link `client` of d, named
 * "<prefix>_req", "<prefix>_rsp", "<prefix>_bell", "<prefix>_wait" and,
 * when the description has a shared buffer, "<prefix>_data" (names keeps
 * the strings; prefix 1..KAAL_DRIVER_PREFIX_MAX bytes), for kaal_spawn():
 * *count of them. KAAL_INVALID_ARGUMENT for no such client or a bad prefix.
 */
#define KAAL_DRIVER_CLIENT_CAPS 5u /* at most */
#define KAAL_DRIVER_PREFIX_MAX  15u
struct kaal_driver_client_names {
	char name[KAAL_DRIVER_CLIENT_CAPS][KAAL_PROGRAM_NAME_MAX];
};
kaal_status kaal_driver_client_caps(const struct kaal_driver *d, unsigned client,
                                    const char *prefix, struct kaal_driver_client_names *names,
                                    struct kaal_spawn_cap caps[KAAL_DRIVER_CLIENT_CAPS],
                                    unsigned *count);

/* ---- The driver's side. */

/* A DMA buffer as the driver sees it: where it is mapped and where the device finds it. */
struct kaal_driver_dma {
	uint8_t *bytes;
	kaal_paddr phys;
	uint32_t size;
};

struct kaal_driver_context {
	const struct kaal_driver_desc *desc;
	const struct kaal_start_info *start_info; /* for capabilities beyond the kit's own */
	struct kaal_mmio regs;
	struct kaal_driver_dma dma; /* size 0 when the description asks for none */
	/* Each client's shared buffer (size 0 when none): the device may reach it directly. */
	struct kaal_driver_dma share[KAAL_DRIVER_MAX_CLIENTS];
	kaal_cptr irq;
	struct kaal_channel request[KAAL_DRIVER_MAX_CLIENTS];
	struct kaal_channel reply[KAAL_DRIVER_MAX_CLIENTS];
	struct kaal_channel_set set;
	uint32_t member_client[KAAL_DRIVER_MAX_CLIENTS]; /* the client of each set member */
	bool cut_off[KAAL_DRIVER_MAX_CLIENTS];           /* a client whose ring failed its check */
	/* Counters: what the kit did, for tests and for a driver's reports. */
	uint64_t interrupts, requests, replies, replies_dropped, clients_cut_off;
	void *driver; /* the driver's own state */
};

struct kaal_driver_ops {
	/* The registers are mapped: check the device and set it up; not KAAL_OK ends the driver. */
	kaal_status (*init)(struct kaal_driver_context *ctx);
	/* The interrupt fired; the kit acknowledges it after. NULL for a service (no device). */
	void (*interrupt)(struct kaal_driver_context *ctx);
	/* A request from client: fill reply and return true to send it now. */
	bool (*request)(struct kaal_driver_context *ctx, unsigned client, const void *request,
	                void *reply);
};

/*
 * The driver program's main: map, bind, serve until its starter asks it to
 * stop (then KAAL_OK). Returns earlier only when it cannot start (its
 * capabilities are not as the kit hands them out, or init failed), with
 * that status.
 */
int kaal_driver_main(const struct kaal_driver_desc *desc, const struct kaal_start_info *si,
                     const struct kaal_driver_ops *ops, void *driver);
/* A reply the driver sends later (a deadline that came): dropped, not waited for, when full. */
kaal_status kaal_driver_reply(struct kaal_driver_context *ctx, unsigned client, const void *reply);

/*
 * Host tests: registers of device `device` are this model rather than the
 * mapped frame (NULL: the frame again). The driver's source does not change.
 */
void kaal_driver_use_model(uint32_t device, const struct kaal_mmio_model *model);

/* ---- A client's side. */

struct kaal_driver_client {
	struct kaal_channel request; /* this side produces */
	struct kaal_channel reply;   /* this side consumes */
	uint8_t *share;              /* the shared buffer, NULL when the link has none */
	uint32_t share_size;
};

/*
 * Open the end kaal_driver_client_caps() named with prefix, mapping its
 * rings at window pages first_page and first_page + 1 (kaal_program_map)
 * and its shared buffer, if it has one, at the next page (a large page: at
 * the next page a large page may start at).
 */
kaal_status kaal_driver_open(struct kaal_driver_client *c, const struct kaal_start_info *si,
                             const char *prefix, unsigned first_page);
/* The starter's own end of link `link` of d, for a starter that is the client itself. */
kaal_status kaal_driver_open_link(struct kaal_driver_client *c, const struct kaal_driver *d,
                                  unsigned link, unsigned first_page);
/* Send a request and wait at most timeout_ns for the next reply. */
kaal_status kaal_driver_call(struct kaal_driver_client *c, const void *request, void *reply,
                             uint64_t timeout_ns);

#endif
