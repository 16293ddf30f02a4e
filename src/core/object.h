/* Kernel object layouts and the helpers every object file shares. */
#ifndef KAAL_CORE_OBJECT_H
#define KAAL_CORE_OBJECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kaal/status.h>
#include <kaal/syscall.h>
#include <kaal/types.h>

#include "arch.h"

/*
 * A capability. `object` is the kernel address of the object (untyped,
 * frames: of the memory); `word` is the badge (endpoint, notification), the
 * guard (CNode), the watermark in bytes (untyped), the mapped address
 * (frames), the interrupt (IRQ handler) or the scan position (zombie).
 */
struct cap {
	uint8_t type;
	uint8_t rights;
	uint8_t size_bits; /* untyped, frame, VSpace: log2 size; CNode: radix */
	uint8_t guard_bits;
	uint8_t flags;
	uint8_t pad;
	uint16_t mapped_in; /* a mapped frame: the id of the VSpace it is mapped in */
	uint64_t word;
	uintptr_t object;
};

/* cap.flags */
#define CAP_FLAG_DEVICE    0x01 /* untyped holding device memory */
#define CAP_FLAG_MAPPED    0x02 /* frame mapped at word */
#define CAP_FLAG_CAN_GRANT 0x04 /* reply: the caller allowed capability transfer */
#define CAP_FLAG_ZOMBIE    0x80 /* a slot cte_delete() is emptying the object of */

/* A CNode slot: the capability and its place in the derivation tree. */
struct cte {
	struct cap cap;
	struct cte *prev;
	struct cte *next;
	uint8_t revocable;
	uint8_t first_badged;
	uint8_t pad[6];
};
_Static_assert(sizeof(struct cte) <= (1u << KAAL_SLOT_BITS), "a slot fits its size");

struct thread;

/*
 * An address space. Its id names it in mapped frame capabilities and is the
 * ASID where the hardware has them; ids are never reused within a boot, so a
 * capability mapped in a destroyed VSpace can never reach a new one.
 */
struct vspace {
	uint32_t id;
	uint32_t size_bits;
	uint32_t program; /* the boot program it runs (1..), 0: a copy of its maker's */
	bool given;       /* a thread has been given it: its program is fixed */
	struct arch_vspace arch;
};

/* A FIFO of threads linked through thread.queue_next/queue_prev. */
struct thread_queue {
	struct thread *head;
	struct thread *tail;
};

struct notification {
	uint64_t word;
	struct thread_queue waiters;
	struct thread *bound;
};
_Static_assert(sizeof(struct notification) <= (1u << KAAL_NOTIFICATION_BITS), "notification size");

enum endpoint_state { EP_IDLE, EP_SENDING, EP_RECEIVING };

struct endpoint {
	struct thread_queue queue; /* senders or receivers, as state says */
	uint64_t state;
};
_Static_assert(sizeof(struct endpoint) <= (1u << KAAL_ENDPOINT_BITS), "endpoint size");

enum thread_state {
	THREAD_INACTIVE,
	THREAD_RUNNING,
	THREAD_BLOCKED_NOTIFICATION,
	THREAD_BLOCKED_SEND,
	THREAD_BLOCKED_RECV,
	THREAD_BLOCKED_REPLY,
	THREAD_DEAD
};

/* Slots embedded in a thread object; deleting the thread deletes them. */
enum thread_slot {
	THREAD_SLOT_CSPACE,
	THREAD_SLOT_IPC_BUFFER,
	THREAD_SLOT_VSPACE,
	THREAD_SLOT_COUNT
};

/*
 * A thread. A blocked thread finds the outcome of its call in status and
 * result when it runs again, whichever backend switched it back.
 */
struct thread {
	struct cte slots[THREAD_SLOT_COUNT];
	struct thread *queue_next;
	struct thread *queue_prev;
	void *blocked_on; /* the endpoint or notification queue it waits in */
	struct notification *bound;
	struct cap reply;       /* single-use reply capability to the thread that called */
	struct thread *replier; /* the thread holding this thread's reply capability */
	uint64_t state;
	uint64_t priority;
	uint64_t deadline_ns; /* 0: no timeout */
	/* IPC in flight while blocked on send: */
	uint64_t ipc_badge;
	uint64_t ipc_info;
	uint8_t ipc_is_call;
	uint8_t ipc_can_grant;
	uint8_t ipc_can_grant_reply;
	uint8_t pad[5];
	/* The outcome of the last call. */
	uint64_t status;
	uint64_t result[KAAL_SYSCALL_RESULTS];
	uint64_t msg[KAAL_MSG_MAX_WORDS]; /* message registers as sent */
	struct arch_thread arch;
};
_Static_assert(sizeof(struct thread) <= (1u << KAAL_THREAD_BITS), "thread fits its object");

/* Fill a block of kernel memory with zeros (the core has no libc). */
void kaal_zero(void *p, size_t n);

static inline uint64_t bits_mask(unsigned bits)
{
	return bits >= KAAL_WORD_BITS ? ~UINT64_C(0) : (UINT64_C(1) << bits) - 1;
}

#endif
