/*
 * The user SDK: one C API for programs that run on every backend. Each call
 * is one system call; see docs/syscalls.md for what each one checks.
 */
#ifndef KAAL_SDK_H
#define KAAL_SDK_H

#include <stdbool.h>

#include <kaal/boot_info.h>
#include <kaal/ipc_buffer.h>
#include <kaal/status.h>
#include <kaal/syscall.h>

/* The raw trap, provided by the backend. */
struct kaal_result kaal_syscall(kaal_word num, kaal_word a0, kaal_word a1, kaal_word a2,
                                kaal_word a3, kaal_word a4, kaal_word a5);

/* The calling thread's IPC buffer as mapped in its address space. */
void kaal_set_ipc_buffer(struct kaal_ipc_buffer *buf);
struct kaal_ipc_buffer *kaal_ipc_buffer(void);

/* A slot named the way CNode calls name slots: a CNode, an index, a depth. */
struct kaal_slot_ref {
	kaal_cptr root;
	kaal_word index;
	unsigned depth;
};

/* The slot index in the root CNode (whose guard makes every cptr a slot index). */
static inline struct kaal_slot_ref kaal_root_slot(kaal_cptr root, kaal_word index)
{
	struct kaal_slot_ref s = {root, index, KAAL_WORD_BITS};
	return s;
}

/* A message: info plus the four fast words; longer messages use the IPC buffer. */
struct kaal_msg {
	kaal_word info;
	kaal_word mr[KAAL_MSG_FAST_WORDS];
	kaal_word badge; /* filled on receive */
};

/*
 * Capability transfer. kaal_msg_attach_cap() makes msg carry the capability
 * cap (a cptr in the caller's CSpace) on whichever call sends it next: send,
 * call, reply or reply_recv. kaal_set_receive_slot() names the empty slot a
 * capability that arrives goes to; kaal_msg_cap_arrived() tells whether one
 * did. Both need the caller's IPC buffer (KAAL_ILLEGAL_OPERATION without
 * one); a slot that does not fit is KAAL_INVALID_ARGUMENT. A capability goes
 * only through an endpoint capability with Grant (docs/syscalls.md).
 */
kaal_status kaal_msg_attach_cap(struct kaal_msg *msg, kaal_cptr cap);
kaal_status kaal_set_receive_slot(struct kaal_slot_ref slot);
static inline bool kaal_msg_cap_arrived(const struct kaal_msg *msg)
{
	return (msg->info & KAAL_MSG_CAP_RECEIVED) != 0;
}

kaal_status kaal_yield(void);
kaal_status kaal_send(kaal_cptr ep, const struct kaal_msg *msg);
kaal_status kaal_nb_send(kaal_cptr ep, const struct kaal_msg *msg);
kaal_status kaal_recv(kaal_cptr ep, struct kaal_msg *msg);
kaal_status kaal_call(kaal_cptr ep, struct kaal_msg *msg); /* msg in, reply out */
kaal_status kaal_reply(const struct kaal_msg *msg);
kaal_status kaal_reply_recv(kaal_cptr ep, struct kaal_msg *msg); /* reply in, next message out */

kaal_status kaal_map(kaal_cptr frame, kaal_word vaddr, unsigned rights, void **mapped);
kaal_status kaal_unmap(kaal_cptr frame);

kaal_status kaal_notification_create(kaal_cptr untyped, struct kaal_slot_ref dest);
kaal_status kaal_endpoint_create(kaal_cptr untyped, struct kaal_slot_ref dest);
/*
 * Through an unbadged capability, signal ORs bits into the notification.
 * Through a badged one it signals the badge and ignores bits, as seL4's
 * signal does: the badge names the signaller, so its holder cannot send bits
 * that belong to another.
 */
kaal_status kaal_signal(kaal_cptr ntfn, kaal_word bits);
kaal_status kaal_wait(kaal_cptr ntfn, kaal_word *bits);
kaal_status kaal_poll(kaal_cptr ntfn, kaal_word *bits);
kaal_status kaal_peek(kaal_cptr ntfn, kaal_word *bits);
kaal_status kaal_wait_timeout(kaal_cptr ntfn, uint64_t timeout_ns, kaal_word *bits);
/* The kernel's monotonic clock, the one timeouts are measured against. */
uint64_t kaal_time_ns(void);

kaal_status kaal_cnode_copy(struct kaal_slot_ref dst, struct kaal_slot_ref src);
kaal_status kaal_cnode_derive(struct kaal_slot_ref dst, struct kaal_slot_ref src, unsigned rights);
kaal_status kaal_cnode_mint(struct kaal_slot_ref dst, struct kaal_slot_ref src, unsigned rights,
                            kaal_word badge);
kaal_status kaal_cnode_move(struct kaal_slot_ref dst, struct kaal_slot_ref src);
kaal_status kaal_cnode_mutate(struct kaal_slot_ref dst, struct kaal_slot_ref src, unsigned rights);
kaal_status kaal_cnode_delete(struct kaal_slot_ref slot);
kaal_status kaal_cnode_revoke(struct kaal_slot_ref slot);

/* What a slot holds. */
struct kaal_cap_info {
	unsigned type;
	unsigned rights;
	unsigned size_bits; /* log2 bytes of an untyped, a frame or a VSpace; a CNode's radix */
	kaal_word badge;    /* or a CNode's guard, or a mapped frame's address */
	kaal_word object;   /* physical address of the object, or 0 */
};
kaal_status kaal_cnode_identify(struct kaal_slot_ref slot, struct kaal_cap_info *info);

struct kaal_untyped_info {
	kaal_paddr base;
	unsigned size_bits;
	uint64_t bytes_left;
};
kaal_status kaal_untyped_info(kaal_cptr untyped, struct kaal_untyped_info *info);
/* dest_cnode names a CNode (index 0 at depth 0: the CSpace root itself); objects go at offset.. */
kaal_status kaal_untyped_retype(kaal_cptr untyped, unsigned type, unsigned size_bits,
                                unsigned count, struct kaal_slot_ref dest_cnode, kaal_word offset,
                                uint64_t *bytes_left);

kaal_status kaal_thread_configure(kaal_cptr thread, kaal_cptr cspace, kaal_cptr ipc_buffer,
                                  unsigned priority);
/*
 * Run an inactive thread in another address space: a VSpace made by retype
 * (size_bits at least boot info's vspace_bits) starts as a copy of the
 * program of the thread that made it. A thread never given one runs in the
 * VSpace of the thread that starts it.
 */
kaal_status kaal_thread_set_vspace(kaal_cptr thread, kaal_cptr vspace);
/*
 * Start an inactive thread: entry(arg) on the stack below stack_top, with
 * ipc_buffer (its IPC buffer as mapped in the thread's address space; NULL:
 * none, then messages are at most four words and carry no badge) already set
 * for the SDK. The same call on every backend: entry and stack_top must not
 * be NULL (KAAL_INVALID_ARGUMENT). On the host a pthread brings its own
 * stack and stack_top is only checked.
 */
kaal_status kaal_thread_start(kaal_cptr thread, void (*entry)(kaal_word), void *stack_top,
                              kaal_word arg, struct kaal_ipc_buffer *ipc_buffer);
/*
 * Boot programs: the kernel image carries programs besides the root task,
 * listed in boot info (kaal_boot_program_find(), program.h, gives a
 * program's number). kaal_vspace_load() puts program number `program`
 * into a VSpace no thread was given yet, in place of the copy it was made
 * with (KAAL_INVALID_ARGUMENT: no such program, or a VSpace smaller than its
 * boot info vspace_bits; KAAL_ILLEGAL_OPERATION: too late, or loaded
 * already). kaal_thread_start_program() starts an inactive thread of such a
 * VSpace at the program's own start, with arg (KAAL_INVALID_ARGUMENT when
 * the thread's VSpace has no program loaded).
 */
kaal_status kaal_vspace_load(kaal_cptr vspace, unsigned program);
kaal_status kaal_thread_start_program(kaal_cptr thread, kaal_word arg);
kaal_status kaal_thread_set_priority(kaal_cptr thread, unsigned priority);
/* What thread is doing (enum kaal_thread_state) and its priority. */
struct kaal_thread_info {
	unsigned state;
	unsigned priority;
};
kaal_status kaal_thread_info(kaal_cptr thread, struct kaal_thread_info *info);
/* "running", "wait-notification", ...: a state's name, "?" for none. */
const char *kaal_thread_state_name(unsigned state);
/* "frame", "endpoint", ...: a capability type's name (enum kaal_cap_type), "?" for none. */
const char *kaal_cap_type_name(unsigned type);
kaal_status kaal_thread_bind_notification(kaal_cptr thread, kaal_cptr ntfn);
kaal_status kaal_thread_unbind_notification(kaal_cptr thread);
/* End the calling thread; it can be started again. */
_Noreturn void kaal_thread_exit(void);

/*
 * Bind an interrupt to a notification (its signals carry the capability's
 * badge). Bound once: binding it to another notification or badge is
 * KAAL_BUSY until kaal_irq_clear() unbinds it; the same binding again is KAAL_OK.
 */
kaal_status kaal_irq_set_notification(kaal_cptr irq, kaal_cptr ntfn);
kaal_status kaal_irq_clear(kaal_cptr irq);
kaal_status kaal_irq_ack(kaal_cptr irq);

kaal_status kaal_debug_putchar(char c);
kaal_status kaal_shutdown(kaal_word code);

#endif
