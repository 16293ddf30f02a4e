/*
 * The system call ABI: a number and up to six argument words in, a status
 * word and up to four result words out. docs/syscalls.md is the table in prose.
 */
#ifndef KAAL_SYSCALL_H
#define KAAL_SYSCALL_H

#include <stdbool.h>

#include <kaal/types.h>

#define KAAL_SYSCALL_ARGS    6
#define KAAL_SYSCALL_RESULTS 4

/* identify's second result word: the rights below this bit, the object's size bits above. */
#define KAAL_IDENTIFY_SIZE_SHIFT 8u

/* What a thread is doing (thread_info): running or ready, waiting in what, or never started. */
enum kaal_thread_state {
	KAAL_THREAD_INACTIVE = 0, /* not started, or exited */
	KAAL_THREAD_RUNNING = 1,  /* running or ready to */
	KAAL_THREAD_WAIT_NOTIFICATION = 2,
	KAAL_THREAD_WAIT_SEND = 3, /* to send or call on an endpoint */
	KAAL_THREAD_WAIT_RECEIVE = 4,
	KAAL_THREAD_WAIT_REPLY = 5, /* called, for the reply */
	KAAL_THREAD_STATE_COUNT = 6
};

/* Thread priorities run from 0 to this; the root thread starts at it. */
#define KAAL_MAX_PRIORITY 255

/* The bits an interrupt signals through an unbadged notification capability. */
#define KAAL_IRQ_UNBADGED_BITS 1u

/*
 * Call numbers. Arguments are listed as a0, a1, ...; "slot" is a pair of
 * words (CNode cptr, index | depth << 56). docs/syscalls.md has the details.
 */
enum kaal_syscall {
	KAAL_SYS_YIELD = 0x01,
	KAAL_SYS_SEND = 0x02,       /* ep, info, mr0..mr3 */
	KAAL_SYS_RECV = 0x03,       /* ep; badge and info land in the IPC buffer */
	KAAL_SYS_CALL = 0x04,       /* ep, info, mr0..mr3; the reply as RECV */
	KAAL_SYS_REPLY = 0x05,      /* info, mr0..mr3 */
	KAAL_SYS_REPLY_RECV = 0x06, /* ep, info, mr0..mr3 */
	KAAL_SYS_NB_SEND = 0x07,    /* as SEND; dropped when no receiver waits */
	/* 0x10-0x12 and 0x14 are the broker's calls (slots, memory, devices,
	   processes), served at user level. */
	KAAL_SYS_ENDPOINT_CREATE = 0x13,     /* untyped, slot */
	KAAL_SYS_MAP = 0x15,                 /* frame, vaddr (0: any, host), rights */
	KAAL_SYS_UNMAP = 0x16,               /* frame */
	KAAL_SYS_NOTIFICATION_CREATE = 0x17, /* untyped, slot */
	KAAL_SYS_SIGNAL = 0x18,              /* ntfn, bits */
	KAAL_SYS_WAIT = 0x19,                /* ntfn */
	KAAL_SYS_POLL = 0x1A,                /* ntfn; 0 when nothing is pending */
	KAAL_SYS_PEEK = 0x1B,                /* ntfn; the word is not cleared */
	KAAL_SYS_WAIT_TIMEOUT = 0x1C,        /* ntfn, timeout in ns */
	KAAL_SYS_TIME = 0x1D,                /* monotonic time in ns */
	KAAL_SYS_REVOKE = 0x1E,              /* slot */
	KAAL_SYS_DERIVE = 0x1F,              /* dst slot, src slot, rights */
	KAAL_SYS_MINT = 0x20,                /* dst slot, src slot, rights, badge */
	KAAL_SYS_COPY = 0x21,                /* dst slot, src slot */
	KAAL_SYS_DELETE = 0x22,              /* slot */
	KAAL_SYS_MOVE = 0x23,                /* dst slot, src slot */
	KAAL_SYS_MUTATE = 0x24,              /* dst slot, src slot, rights */
	KAAL_SYS_UNTYPED_INFO = 0x25,        /* untyped */
	/* untyped, kaal_retype_spec(), CNode slot (depth 0: the root itself), offset */
	KAAL_SYS_RETYPE = 0x26,
	KAAL_SYS_IDENTIFY = 0x27,         /* slot */
	KAAL_SYS_THREAD_CONFIGURE = 0x30, /* thread, cspace, ipc frame (0: none), prio */
	KAAL_SYS_THREAD_START = 0x31,     /* thread, entry, stack top (both 0: the program's start),
	                                     argument, IPC buffer (0: none) */
	KAAL_SYS_THREAD_SET_PRIORITY = 0x32,        /* thread, priority */
	KAAL_SYS_THREAD_BIND_NOTIFICATION = 0x33,   /* thread, ntfn */
	KAAL_SYS_THREAD_UNBIND_NOTIFICATION = 0x34, /* thread */
	KAAL_SYS_THREAD_EXIT = 0x35,
	KAAL_SYS_THREAD_SET_VSPACE = 0x36,    /* thread, vspace */
	KAAL_SYS_VSPACE_LOAD = 0x37,          /* vspace, program number (boot info) */
	KAAL_SYS_IRQ_SET_NOTIFICATION = 0x38, /* irq handler, ntfn */
	KAAL_SYS_IRQ_ACK = 0x39,              /* irq handler */
	KAAL_SYS_IRQ_CLEAR = 0x3A,            /* irq handler */
	KAAL_SYS_THREAD_INFO = 0x3B,          /* thread; state, priority */
	KAAL_SYS_SHUTDOWN = 0x50,             /* exit code */
	KAAL_SYS_DEBUG_PUTCHAR = 0x1000       /* character */
};

/*
 * Slot operands of CNode calls pack the depth into the top byte of the index
 * word. An index names a slot only when it fits in both the 56 index bits and
 * its depth: kaal_slot() turns anything else into KAAL_SLOT_INVALID, whose
 * depth no lookup accepts, so the call fails with KAAL_INVALID_ARGUMENT
 * instead of naming some other slot.
 */
#define KAAL_SLOT_DEPTH_SHIFT 56
#define KAAL_SLOT_INDEX_MASK  ((UINT64_C(1) << KAAL_SLOT_DEPTH_SHIFT) - 1)
#define KAAL_SLOT_INVALID     UINT64_MAX

static inline bool kaal_slot_fits(kaal_word index, kaal_word depth)
{
	if (depth > KAAL_WORD_BITS || index > KAAL_SLOT_INDEX_MASK)
		return false;
	return depth >= KAAL_SLOT_DEPTH_SHIFT || (index >> depth) == 0;
}

static inline kaal_word kaal_slot(kaal_word index, unsigned depth)
{
	if (!kaal_slot_fits(index, depth))
		return KAAL_SLOT_INVALID;
	return index | ((kaal_word)depth << KAAL_SLOT_DEPTH_SHIFT);
}

/*
 * A CNode capability's guard, given as the badge of a mint: bits 0-5 the
 * guard's size in bits, the guard's value above. A guard that does not fit
 * becomes KAAL_GUARD_INVALID (a value of 1 in zero bits), which every mint
 * refuses with KAAL_INVALID_ARGUMENT.
 */
#define KAAL_GUARD_SIZE_FIELD_BITS 6
#define KAAL_GUARD_SIZE_MASK       ((UINT64_C(1) << KAAL_GUARD_SIZE_FIELD_BITS) - 1)
#define KAAL_GUARD_VALUE_MAX       (UINT64_MAX >> KAAL_GUARD_SIZE_FIELD_BITS)
#define KAAL_GUARD_INVALID         (UINT64_C(1) << KAAL_GUARD_SIZE_FIELD_BITS)

static inline kaal_word kaal_cnode_guard(kaal_word guard, unsigned guard_bits)
{
	if (guard_bits > KAAL_GUARD_SIZE_MASK || guard > KAAL_GUARD_VALUE_MAX ||
	    (guard >> guard_bits) != 0)
		return KAAL_GUARD_INVALID;
	return (guard << KAAL_GUARD_SIZE_FIELD_BITS) | guard_bits;
}
static inline unsigned kaal_guard_size(kaal_word badge)
{
	return (unsigned)(badge & KAAL_GUARD_SIZE_MASK);
}
static inline kaal_word kaal_guard_value(kaal_word badge)
{
	return badge >> KAAL_GUARD_SIZE_FIELD_BITS;
}

/*
 * Message info word: bits 0-6 length in message registers (0..64), bits 7-8
 * capabilities sent (0..1), bit 9 set by the kernel when a capability arrived,
 * bit 10 set when a receive returned a bound notification's bits (the IPC
 * buffer's badge holds them), bits 12-63 a label the kernel does not interpret.
 * kaal_msg_info() turns a label, length or count too wide for its field into
 * KAAL_MSG_INFO_INVALID, whose length every call refuses (KAAL_INVALID_ARGUMENT).
 */
#define KAAL_MSG_LENGTH_MASK       UINT64_C(0x7F)
#define KAAL_MSG_CAPS_SHIFT        7
#define KAAL_MSG_CAPS_MASK         UINT64_C(3)
#define KAAL_MSG_CAP_RECEIVED      (UINT64_C(1) << 9)
#define KAAL_MSG_FROM_NOTIFICATION (UINT64_C(1) << 10)
#define KAAL_MSG_LABEL_SHIFT       12
#define KAAL_MSG_LABEL_MAX         (UINT64_MAX >> KAAL_MSG_LABEL_SHIFT)
#define KAAL_MSG_INFO_INVALID      KAAL_MSG_LENGTH_MASK
#define KAAL_MSG_MAX_WORDS         64
#define KAAL_MSG_FAST_WORDS        4
#define KAAL_MSG_MAX_CAPS          1

static inline kaal_word kaal_msg_info(kaal_word label, unsigned length, unsigned caps)
{
	if (label > KAAL_MSG_LABEL_MAX || length > KAAL_MSG_LENGTH_MASK ||
	    caps > KAAL_MSG_CAPS_MASK)
		return KAAL_MSG_INFO_INVALID;
	return (label << KAAL_MSG_LABEL_SHIFT) | ((kaal_word)caps << KAAL_MSG_CAPS_SHIFT) | length;
}
static inline unsigned kaal_msg_length(kaal_word info)
{
	return (unsigned)(info & KAAL_MSG_LENGTH_MASK);
}
static inline unsigned kaal_msg_caps(kaal_word info)
{
	return (unsigned)((info >> KAAL_MSG_CAPS_SHIFT) & KAAL_MSG_CAPS_MASK);
}
static inline kaal_word kaal_msg_label(kaal_word info)
{
	return info >> KAAL_MSG_LABEL_SHIFT;
}

/*
 * Retype's second argument: bits 0-7 the object type, 8-15 its size in bits,
 * 16-63 the count. A type or size too wide for its field becomes
 * KAAL_RETYPE_SPEC_INVALID, a count no CNode has room for.
 */
#define KAAL_RETYPE_FIELD_MASK   UINT64_C(0xFF)
#define KAAL_RETYPE_SIZE_SHIFT   8
#define KAAL_RETYPE_COUNT_SHIFT  16
#define KAAL_RETYPE_SPEC_INVALID UINT64_MAX

static inline kaal_word kaal_retype_spec(unsigned type, unsigned size_bits, unsigned count)
{
	if (type > KAAL_RETYPE_FIELD_MASK || size_bits > KAAL_RETYPE_FIELD_MASK)
		return KAAL_RETYPE_SPEC_INVALID;
	return (kaal_word)type | ((kaal_word)size_bits << KAAL_RETYPE_SIZE_SHIFT) |
	       ((kaal_word)count << KAAL_RETYPE_COUNT_SHIFT);
}
static inline unsigned kaal_retype_type(kaal_word spec)
{
	return (unsigned)(spec & KAAL_RETYPE_FIELD_MASK);
}
static inline unsigned kaal_retype_size_bits(kaal_word spec)
{
	return (unsigned)((spec >> KAAL_RETYPE_SIZE_SHIFT) & KAAL_RETYPE_FIELD_MASK);
}
static inline kaal_word kaal_retype_count(kaal_word spec)
{
	return spec >> KAAL_RETYPE_COUNT_SHIFT;
}

/* What a system call hands back. */
struct kaal_result {
	kaal_word status;
	kaal_word r[KAAL_SYSCALL_RESULTS];
};

#endif
