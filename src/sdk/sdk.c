/* The user SDK: thin wrappers that pack arguments into one system call each. */
#include <kaal/sdk.h>

#include "sdk_trap.h" /* the backend's trap, from src/sdk/arch/<backend>/ */

#define CALL(num, a0, a1, a2, a3, a4, a5)                                                          \
	sdk_trap((num), (kaal_word)(a0), (kaal_word)(a1), (kaal_word)(a2), (kaal_word)(a3),        \
	         (kaal_word)(a4), (kaal_word)(a5))

static kaal_word packed(struct kaal_slot_ref s)
{
	return kaal_slot(s.index, s.depth);
}

static kaal_status out1(struct kaal_result r, kaal_word *out)
{
	if (out)
		*out = r.r[0];
	return (kaal_status)r.status;
}

/* A receive's result: fast words from registers, badge and info from the IPC buffer. */
static kaal_status received(struct kaal_result r, struct kaal_msg *msg)
{
	const struct kaal_ipc_buffer *buf = sdk_ipc_buffer();
	for (unsigned i = 0; i < KAAL_MSG_FAST_WORDS; i++)
		msg->mr[i] = r.r[i];
	msg->badge = buf ? buf->badge : 0;
	msg->info = buf ? buf->info : 0;
	return (kaal_status)r.status;
}

kaal_status kaal_msg_attach_cap(struct kaal_msg *msg, kaal_cptr cap)
{
	struct kaal_ipc_buffer *buf = sdk_ipc_buffer();
	if (!msg)
		return KAAL_INVALID_ARGUMENT;
	if (!buf)
		return KAAL_ILLEGAL_OPERATION;
	buf->send_cap = cap;
	msg->info = kaal_msg_info(kaal_msg_label(msg->info), kaal_msg_length(msg->info), 1);
	return KAAL_OK;
}

kaal_status kaal_set_receive_slot(struct kaal_slot_ref slot)
{
	struct kaal_ipc_buffer *buf = sdk_ipc_buffer();
	if (!kaal_slot_fits(slot.index, slot.depth))
		return KAAL_INVALID_ARGUMENT;
	if (!buf)
		return KAAL_ILLEGAL_OPERATION;
	buf->receive_root = slot.root;
	buf->receive_index = slot.index;
	buf->receive_depth = slot.depth;
	return KAAL_OK;
}

kaal_status kaal_yield(void)
{
	return (kaal_status)CALL(KAAL_SYS_YIELD, 0, 0, 0, 0, 0, 0).status;
}

static struct kaal_result send_like(kaal_word num, kaal_cptr ep, const struct kaal_msg *m)
{
	return CALL(num, ep, m->info, m->mr[0], m->mr[1], m->mr[2], m->mr[3]);
}

kaal_status kaal_send(kaal_cptr ep, const struct kaal_msg *msg)
{
	return (kaal_status)send_like(KAAL_SYS_SEND, ep, msg).status;
}

kaal_status kaal_nb_send(kaal_cptr ep, const struct kaal_msg *msg)
{
	return (kaal_status)send_like(KAAL_SYS_NB_SEND, ep, msg).status;
}

kaal_status kaal_recv(kaal_cptr ep, struct kaal_msg *msg)
{
	return received(CALL(KAAL_SYS_RECV, ep, 0, 0, 0, 0, 0), msg);
}

kaal_status kaal_call(kaal_cptr ep, struct kaal_msg *msg)
{
	return received(send_like(KAAL_SYS_CALL, ep, msg), msg);
}

kaal_status kaal_reply(const struct kaal_msg *msg)
{
	return (kaal_status)CALL(KAAL_SYS_REPLY, msg->info, msg->mr[0], msg->mr[1], msg->mr[2],
	                         msg->mr[3], 0)
	    .status;
}

kaal_status kaal_reply_recv(kaal_cptr ep, struct kaal_msg *msg)
{
	return received(send_like(KAAL_SYS_REPLY_RECV, ep, msg), msg);
}

kaal_status kaal_map(kaal_cptr frame, kaal_word vaddr, unsigned rights, void **mapped)
{
	struct kaal_result r = CALL(KAAL_SYS_MAP, frame, vaddr, rights, 0, 0, 0);
	if (r.status == KAAL_OK)
		*mapped = (void *)(uintptr_t)r.r[0];
	return (kaal_status)r.status;
}

kaal_status kaal_unmap(kaal_cptr frame)
{
	return (kaal_status)CALL(KAAL_SYS_UNMAP, frame, 0, 0, 0, 0, 0).status;
}

kaal_status kaal_notification_create(kaal_cptr untyped, struct kaal_slot_ref dest)
{
	return (kaal_status)CALL(KAAL_SYS_NOTIFICATION_CREATE, untyped, dest.root, packed(dest), 0,
	                         0, 0)
	    .status;
}

kaal_status kaal_endpoint_create(kaal_cptr untyped, struct kaal_slot_ref dest)
{
	return (kaal_status)CALL(KAAL_SYS_ENDPOINT_CREATE, untyped, dest.root, packed(dest), 0, 0,
	                         0)
	    .status;
}

kaal_status kaal_signal(kaal_cptr ntfn, kaal_word bits)
{
	return (kaal_status)CALL(KAAL_SYS_SIGNAL, ntfn, bits, 0, 0, 0, 0).status;
}

kaal_status kaal_wait(kaal_cptr ntfn, kaal_word *bits)
{
	return out1(CALL(KAAL_SYS_WAIT, ntfn, 0, 0, 0, 0, 0), bits);
}

kaal_status kaal_poll(kaal_cptr ntfn, kaal_word *bits)
{
	return out1(CALL(KAAL_SYS_POLL, ntfn, 0, 0, 0, 0, 0), bits);
}

kaal_status kaal_peek(kaal_cptr ntfn, kaal_word *bits)
{
	return out1(CALL(KAAL_SYS_PEEK, ntfn, 0, 0, 0, 0, 0), bits);
}

kaal_status kaal_wait_timeout(kaal_cptr ntfn, uint64_t timeout_ns, kaal_word *bits)
{
	return out1(CALL(KAAL_SYS_WAIT_TIMEOUT, ntfn, timeout_ns, 0, 0, 0, 0), bits);
}

uint64_t kaal_time_ns(void)
{
	return CALL(KAAL_SYS_TIME, 0, 0, 0, 0, 0, 0).r[0];
}

static kaal_status two_slot_call(kaal_word num, struct kaal_slot_ref dst, struct kaal_slot_ref src,
                                 kaal_word a4, kaal_word a5)
{
	return (kaal_status)CALL(num, dst.root, packed(dst), src.root, packed(src), a4, a5).status;
}

kaal_status kaal_cnode_copy(struct kaal_slot_ref dst, struct kaal_slot_ref src)
{
	return two_slot_call(KAAL_SYS_COPY, dst, src, 0, 0);
}

kaal_status kaal_cnode_derive(struct kaal_slot_ref dst, struct kaal_slot_ref src, unsigned rights)
{
	return two_slot_call(KAAL_SYS_DERIVE, dst, src, rights, 0);
}

kaal_status kaal_cnode_mint(struct kaal_slot_ref dst, struct kaal_slot_ref src, unsigned rights,
                            kaal_word badge)
{
	return two_slot_call(KAAL_SYS_MINT, dst, src, rights, badge);
}

kaal_status kaal_cnode_move(struct kaal_slot_ref dst, struct kaal_slot_ref src)
{
	return two_slot_call(KAAL_SYS_MOVE, dst, src, 0, 0);
}

kaal_status kaal_cnode_mutate(struct kaal_slot_ref dst, struct kaal_slot_ref src, unsigned rights)
{
	return two_slot_call(KAAL_SYS_MUTATE, dst, src, rights, 0);
}

kaal_status kaal_cnode_delete(struct kaal_slot_ref slot)
{
	return (kaal_status)CALL(KAAL_SYS_DELETE, slot.root, packed(slot), 0, 0, 0, 0).status;
}

kaal_status kaal_cnode_revoke(struct kaal_slot_ref slot)
{
	return (kaal_status)CALL(KAAL_SYS_REVOKE, slot.root, packed(slot), 0, 0, 0, 0).status;
}

kaal_status kaal_cnode_identify(struct kaal_slot_ref slot, struct kaal_cap_info *info)
{
	struct kaal_result r = CALL(KAAL_SYS_IDENTIFY, slot.root, packed(slot), 0, 0, 0, 0);
	info->type = (unsigned)r.r[0];
	info->rights = (unsigned)(r.r[1] & ((1u << KAAL_IDENTIFY_SIZE_SHIFT) - 1));
	info->size_bits = (unsigned)(r.r[1] >> KAAL_IDENTIFY_SIZE_SHIFT);
	info->badge = r.r[2];
	info->object = r.r[3];
	return (kaal_status)r.status;
}

kaal_status kaal_untyped_info(kaal_cptr untyped, struct kaal_untyped_info *info)
{
	struct kaal_result r = CALL(KAAL_SYS_UNTYPED_INFO, untyped, 0, 0, 0, 0, 0);
	info->base = r.r[0];
	info->size_bits = (unsigned)r.r[1];
	info->bytes_left = r.r[2];
	return (kaal_status)r.status;
}

kaal_status kaal_untyped_retype(kaal_cptr untyped, unsigned type, unsigned size_bits,
                                unsigned count, struct kaal_slot_ref dest_cnode, kaal_word offset,
                                uint64_t *bytes_left)
{
	return out1(CALL(KAAL_SYS_RETYPE, untyped, kaal_retype_spec(type, size_bits, count),
	                 dest_cnode.root, packed(dest_cnode), offset, 0),
	            bytes_left);
}

kaal_status kaal_thread_configure(kaal_cptr thread, kaal_cptr cspace, kaal_cptr ipc_buffer,
                                  unsigned priority)
{
	return (kaal_status)CALL(KAAL_SYS_THREAD_CONFIGURE, thread, cspace, ipc_buffer, priority, 0,
	                         0)
	    .status;
}

kaal_status kaal_thread_set_vspace(kaal_cptr thread, kaal_cptr vspace)
{
	return (kaal_status)CALL(KAAL_SYS_THREAD_SET_VSPACE, thread, vspace, 0, 0, 0, 0).status;
}

kaal_status kaal_vspace_load(kaal_cptr vspace, unsigned program)
{
	return (kaal_status)CALL(KAAL_SYS_VSPACE_LOAD, vspace, program, 0, 0, 0, 0).status;
}

kaal_status kaal_thread_start_program(kaal_cptr thread, kaal_word arg)
{
	return (kaal_status)CALL(KAAL_SYS_THREAD_START, thread, 0, 0, arg, 0, 0).status;
}

kaal_status kaal_thread_start(kaal_cptr thread, void (*entry)(kaal_word), void *stack_top,
                              kaal_word arg, struct kaal_ipc_buffer *ipc_buffer)
{
	return (kaal_status)CALL(KAAL_SYS_THREAD_START, thread, (uintptr_t)entry,
	                         (uintptr_t)stack_top, arg, (uintptr_t)ipc_buffer, 0)
	    .status;
}

kaal_status kaal_thread_set_priority(kaal_cptr thread, unsigned priority)
{
	return (kaal_status)CALL(KAAL_SYS_THREAD_SET_PRIORITY, thread, priority, 0, 0, 0, 0).status;
}

kaal_status kaal_thread_bind_notification(kaal_cptr thread, kaal_cptr ntfn)
{
	return (kaal_status)CALL(KAAL_SYS_THREAD_BIND_NOTIFICATION, thread, ntfn, 0, 0, 0, 0)
	    .status;
}

kaal_status kaal_thread_unbind_notification(kaal_cptr thread)
{
	return (kaal_status)CALL(KAAL_SYS_THREAD_UNBIND_NOTIFICATION, thread, 0, 0, 0, 0, 0).status;
}

kaal_status kaal_irq_set_notification(kaal_cptr irq, kaal_cptr ntfn)
{
	return (kaal_status)CALL(KAAL_SYS_IRQ_SET_NOTIFICATION, irq, ntfn, 0, 0, 0, 0).status;
}

kaal_status kaal_thread_info(kaal_cptr thread, struct kaal_thread_info *info)
{
	if (!info)
		return KAAL_INVALID_ARGUMENT;
	struct kaal_result r = CALL(KAAL_SYS_THREAD_INFO, thread, 0, 0, 0, 0, 0);
	info->state = (unsigned)r.r[0];
	info->priority = (unsigned)r.r[1];
	return (kaal_status)r.status;
}

kaal_status kaal_irq_clear(kaal_cptr irq)
{
	return (kaal_status)CALL(KAAL_SYS_IRQ_CLEAR, irq, 0, 0, 0, 0, 0).status;
}

kaal_status kaal_irq_ack(kaal_cptr irq)
{
	return (kaal_status)CALL(KAAL_SYS_IRQ_ACK, irq, 0, 0, 0, 0, 0).status;
}

kaal_status kaal_debug_putchar(char c)
{
	return (kaal_status)CALL(KAAL_SYS_DEBUG_PUTCHAR, (unsigned char)c, 0, 0, 0, 0, 0).status;
}

kaal_status kaal_shutdown(kaal_word code)
{
	return (kaal_status)CALL(KAAL_SYS_SHUTDOWN, code, 0, 0, 0, 0, 0).status;
}
