/*
 * Channel: a SharedRing plus two notifications, with blocking send and
 * receive. Each side spins a little, then announces that it is going to
 * sleep and waits on its notification; the other side signals only when
 * the announcement is up, so a busy channel makes no system calls.
 * docs/ipc.md argues why no wakeup is lost.
 */
#ifndef KAAL_CHANNEL_H
#define KAAL_CHANNEL_H

#include <kaal/ring.h>
#include <kaal/types.h>

#define KAAL_CHANNEL_FOREVER UINT64_MAX
#define KAAL_CHANNEL_SPIN    256u /* polls before a side goes to sleep */

struct kaal_channel {
	struct kaal_ring ring;
	/* Notification capabilities of this side's own CSpace: they never enter shared memory. */
	kaal_cptr wait_ntfn;   /* this side sleeps here (Read) */
	kaal_cptr signal_ntfn; /* the peer sleeps there (Write) */
	uint32_t spin;
	/* Counters for tests and benchmarks. */
	uint64_t sleeps;  /* times this side blocked in the kernel */
	uint64_t signals; /* times this side woke the peer */
	/* Set by kaal_channel_enable_resizing() (kaal/channel_resize.h); NULL: the ring stays. */
	struct kaal_channel_resizing *resizing;
};

/* Attach to the ring in mem as role (the ring must exist: kaal_ring_create()). */
kaal_status kaal_channel_attach(struct kaal_channel *c, void *mem, size_t size,
                                enum kaal_ring_role role, kaal_cptr wait_ntfn,
                                kaal_cptr signal_ntfn);

/*
 * Move one element, blocking while the ring is full (send) or empty (recv)
 * for at most timeout_ns (KAAL_CHANNEL_FOREVER: no limit; 0: do not block).
 * KAAL_TIMEOUT when the time ran out; KAAL_WOULD_BLOCK for timeout 0. If
 * the element moved but signalling the peer failed (a bad signal_ntfn), the
 * signal's status is returned: the element is not taken back.
 */
kaal_status kaal_channel_send(struct kaal_channel *c, const void *elem, uint64_t timeout_ns);
kaal_status kaal_channel_recv(struct kaal_channel *c, void *elem, uint64_t timeout_ns);

/*
 * For a side that sleeps somewhere else (a notification bound to its
 * thread while it waits on an endpoint): announce the wait without
 * blocking, so that the peer's next move signals wait_ntfn, then look
 * again. *ready: whether this side can move an element now (then it need
 * not sleep). The ring's check statuses (KAAL_CORRUPT_RING). The signal
 * comes once; arm again before each sleep.
 */
kaal_status kaal_channel_arm(struct kaal_channel *c, bool *ready);

/* As above for up to n elements: returns once at least one moved; *done says how many. */
kaal_status kaal_channel_send_burst(struct kaal_channel *c, const void *elems, size_t n,
                                    size_t *done, uint64_t timeout_ns);
kaal_status kaal_channel_recv_burst(struct kaal_channel *c, void *elems, size_t n, size_t *done,
                                    uint64_t timeout_ns);

#endif
