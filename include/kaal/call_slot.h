/*
 * Call slot: a synchronous request and response through one cache line
 * two processes share, for a client that wants an RPC rather than a
 * stream. The client posts a request into the line and waits; the server
 * receives it and writes its response over it. Each side spins a little,
 * then sleeps on a notification with the channel's announce, fence and
 * re-check protocol. The line holds no pointers; each side keeps what it
 * validated at attach time in its private handle, so whatever the peer
 * writes, this side never reads or writes outside the line.
 * docs/ipc.md describes the layout, the states and the protocol.
 */
#ifndef KAAL_CALL_SLOT_H
#define KAAL_CALL_SLOT_H

#include <stddef.h>
#include <stdint.h>

#include <kaal/atomic.h>
#include <kaal/status.h>
#include <kaal/types.h>

#define KAAL_CALL_SLOT_MAGIC   0x4C4C4143u /* "CALL" */
#define KAAL_CALL_SLOT_LINE    64u         /* the slot is one line, aligned to it */
#define KAAL_CALL_SLOT_PAYLOAD 48u         /* bytes of a request or a response */
/* The state word: a phase count above the length of what the payload holds. */
#define KAAL_CALL_SLOT_LEN_BITS 6u
#define KAAL_CALL_SLOT_FOREVER  UINT64_MAX
#define KAAL_CALL_SLOT_SPIN     256u /* polls before a side goes to sleep */

/* The shared line. Written by kaal_call_slot_create(), then by both sides. */
struct kaal_call_slot_line {
	kaal_atomic_u32 magic; /* KAAL_CALL_SLOT_MAGIC, stored last by create */
	/*
	 * phase << KAAL_CALL_SLOT_LEN_BITS | length. Even phases: the client
	 * owns the payload (a response, or nothing yet); odd: a request the
	 * server owns until it replies.
	 */
	kaal_atomic_u32 state;
	kaal_atomic_u32 client_waiting; /* the client may sleep until a response */
	kaal_atomic_u32 server_waiting; /* the server may sleep until a request */
	uint8_t payload[KAAL_CALL_SLOT_PAYLOAD];
};

_Static_assert(sizeof(struct kaal_call_slot_line) == KAAL_CALL_SLOT_LINE, "call slot size");
_Static_assert(__builtin_offsetof(struct kaal_call_slot_line, magic) == 0, "call slot magic");
_Static_assert(__builtin_offsetof(struct kaal_call_slot_line, state) == 4, "call slot state");
_Static_assert(__builtin_offsetof(struct kaal_call_slot_line, client_waiting) == 8,
               "call slot client_waiting");
_Static_assert(__builtin_offsetof(struct kaal_call_slot_line, server_waiting) == 12,
               "call slot server_waiting");
_Static_assert(__builtin_offsetof(struct kaal_call_slot_line, payload) == 16, "call slot payload");
_Static_assert(KAAL_CALL_SLOT_PAYLOAD < (1u << KAAL_CALL_SLOT_LEN_BITS),
               "a payload length fits its bits of the state word");

enum kaal_call_slot_role { KAAL_CALL_SLOT_CLIENT = 1, KAAL_CALL_SLOT_SERVER = 2 };

/* One side's private view of a call slot. */
struct kaal_call_slot {
	struct kaal_call_slot_line *line;
	/* Notification capabilities of this side's own CSpace: they never enter shared memory. */
	kaal_cptr wait_ntfn;   /* this side sleeps here (Read) */
	kaal_cptr signal_ntfn; /* the peer sleeps there (Write) */
	uint32_t role;
	uint32_t phase; /* the last phase this side wrote or took, never read back */
	/* Client: request posted, response not taken; server: request taken, not replied. */
	uint32_t busy;
	uint32_t spin;
	/* Counters for tests and benchmarks. */
	uint64_t sleeps;  /* times this side blocked in the kernel */
	uint64_t signals; /* times this side woke the peer */
};

/* Initialise a slot in mem (KAAL_CALL_SLOT_LINE aligned, at least that long). */
kaal_status kaal_call_slot_create(void *mem, size_t size);

/*
 * Validate the slot in mem and take one side of it. KAAL_CORRUPT_RING when
 * the magic or the state word is not a slot's. A client attaching to a
 * posted request (a previous client's) collects its response with
 * kaal_call_slot_wait(); a server receives it.
 */
kaal_status kaal_call_slot_attach(struct kaal_call_slot *h, void *mem, size_t size,
                                  enum kaal_call_slot_role role, kaal_cptr wait_ntfn,
                                  kaal_cptr signal_ntfn);

/*
 * Timeouts: KAAL_CALL_SLOT_FOREVER waits without limit; 0 does not sleep
 * (after the spin) and returns KAAL_WOULD_BLOCK; otherwise KAAL_TIMEOUT
 * when the time ran out. A buffer too small for what arrived:
 * KAAL_INVALID_ARGUMENT with its length in *len, the message left in the
 * slot for a call with a larger buffer. A state word the peer could not
 * have written honestly: KAAL_CORRUPT_RING. Errors leave the handle as it
 * was. If a message was posted but signalling the peer failed (a bad
 * signal_ntfn), the signal's status is returned: the message stays posted.
 */

/*
 * Client: post req, then wait for the response (kaal_call_slot_post(), then
 * _wait()). Once posted, the request stays posted whatever the wait returns.
 */
kaal_status kaal_call_slot_call(struct kaal_call_slot *h, const void *req, size_t req_len,
                                void *resp, size_t resp_cap, size_t *resp_len, uint64_t timeout_ns);
/* Client: post a request of up to KAAL_CALL_SLOT_PAYLOAD bytes; never blocks. */
kaal_status kaal_call_slot_post(struct kaal_call_slot *h, const void *req, size_t req_len);
/*
 * Client: take the response to the posted request. After KAAL_TIMEOUT or
 * KAAL_WOULD_BLOCK the request stays posted; wait again to collect it.
 * KAAL_ILLEGAL_OPERATION when no request is posted.
 */
kaal_status kaal_call_slot_wait(struct kaal_call_slot *h, void *resp, size_t resp_cap,
                                size_t *resp_len, uint64_t timeout_ns);

/* Server: take the next request. KAAL_ILLEGAL_OPERATION while the last one is unanswered. */
kaal_status kaal_call_slot_receive(struct kaal_call_slot *h, void *buf, size_t cap, size_t *len,
                                   uint64_t timeout_ns);
/* Server: answer the request taken. KAAL_ILLEGAL_OPERATION when none is taken. */
kaal_status kaal_call_slot_reply(struct kaal_call_slot *h, const void *resp, size_t len);

#endif
