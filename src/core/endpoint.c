/*
 * Endpoints. The queue holds senders or receivers, never both. A message
 * is copied from the sender's staged registers into the receiver: the
 * first four words as results, the rest into its IPC buffer, with the
 * badge of the sender's capability. A call leaves a reply capability in the
 * receiver; using it (or losing it) ends the caller's wait.
 */
#include "endpoint.h"
#include "cdt.h"
#include "cspace.h"
#include "thread.h"

/* Move one capability named in src's IPC buffer to the slot named in dst's. */
static bool transfer_cap(struct thread *src, struct thread *dst, struct kaal_ipc_buffer *dst_buf)
{
	struct kaal_ipc_buffer *src_buf = thread_ipc_buffer(src);
	struct cte *from, *to;
	if (!src_buf || cspace_lookup_slot(src, src_buf->send_cap, &from) != KAAL_OK)
		return false;
	if (cspace_lookup_op_slot(dst, dst_buf->receive_root, dst_buf->receive_index,
	                          dst_buf->receive_depth, &to) != KAAL_OK)
		return false;
	return cdt_derive(to, from, from->cap.rights, 0, false) == KAAL_OK;
}

static void transfer(struct thread *src, struct thread *dst, kaal_word badge, kaal_word info,
                     bool can_grant)
{
	struct kaal_ipc_buffer *buf = thread_ipc_buffer(dst);
	unsigned len = kaal_msg_length(info);
	if (!buf && len > KAAL_MSG_FAST_WORDS)
		len = KAAL_MSG_FAST_WORDS;
	for (unsigned i = 0; i < KAAL_MSG_FAST_WORDS; i++)
		dst->result[i] = i < len ? src->msg[i] : 0;
	if (!buf)
		return;
	for (unsigned i = KAAL_MSG_FAST_WORDS; i < len; i++)
		buf->msg[i] = src->msg[i];
	kaal_word out = kaal_msg_info(kaal_msg_label(info), len, 0);
	if (kaal_msg_caps(info) != 0 && can_grant && transfer_cap(src, dst, buf))
		out = kaal_msg_info(kaal_msg_label(info), len, 1) | KAAL_MSG_CAP_RECEIVED;
	buf->badge = badge;
	buf->info = out;
}

/* The receiver now owes caller a reply; an unanswered earlier call is dropped. */
static void set_reply(struct thread *receiver, struct thread *caller, bool can_grant)
{
	endpoint_drop_reply(receiver);
	receiver->reply.type = KAAL_CAP_REPLY;
	receiver->reply.object = (uintptr_t)caller;
	receiver->reply.flags = can_grant ? CAP_FLAG_CAN_GRANT : 0;
	caller->replier = receiver;
	thread_block(caller, THREAD_BLOCKED_REPLY, receiver, 0);
}

static struct thread *dequeue(struct endpoint *ep)
{
	struct thread *t = ep->queue.head;
	thread_queue_remove(&ep->queue, t);
	if (!ep->queue.head)
		ep->state = EP_IDLE;
	return t;
}

void endpoint_send(struct endpoint *ep, struct thread *t, kaal_word badge, kaal_word info,
                   bool can_grant, bool is_call, bool block)
{
	if (ep->state == EP_RECEIVING) {
		struct thread *receiver = dequeue(ep);
		transfer(t, receiver, badge, info, can_grant);
		if (is_call)
			set_reply(receiver, t, receiver->ipc_can_grant);
		thread_complete(receiver, KAAL_OK);
		return;
	}
	if (!block)
		return;
	t->ipc_badge = badge;
	t->ipc_info = info;
	t->ipc_can_grant = can_grant;
	t->ipc_is_call = is_call;
	thread_queue_insert(&ep->queue, t);
	ep->state = EP_SENDING;
	thread_block(t, THREAD_BLOCKED_SEND, ep, 0);
}

void endpoint_recv(struct endpoint *ep, struct thread *t, bool can_grant)
{
	if (ep->state == EP_SENDING) {
		struct thread *sender = dequeue(ep);
		transfer(sender, t, sender->ipc_badge, sender->ipc_info, sender->ipc_can_grant);
		if (sender->ipc_is_call)
			set_reply(t, sender, can_grant);
		else
			thread_complete(sender, KAAL_OK);
		return;
	}
	t->ipc_can_grant = can_grant;
	thread_queue_insert(&ep->queue, t);
	ep->state = EP_RECEIVING;
	thread_block(t, THREAD_BLOCKED_RECV, ep, 0);
}

bool endpoint_reply(struct thread *t, kaal_word info)
{
	if (t->reply.type != KAAL_CAP_REPLY)
		return false;
	struct thread *caller = (struct thread *)t->reply.object;
	transfer(t, caller, 0, info, (t->reply.flags & CAP_FLAG_CAN_GRANT) != 0);
	t->reply = (struct cap){0}; /* every reply's path: stores, not a call to kaal_zero() */
	caller->replier = NULL;
	thread_complete(caller, KAAL_OK);
	return true;
}

void endpoint_cancel_ipc(struct thread *t)
{
	struct endpoint *ep = t->blocked_on;
	thread_queue_remove(&ep->queue, t);
	if (!ep->queue.head)
		ep->state = EP_IDLE;
}

void endpoint_cancel_reply_wait(struct thread *t)
{
	kaal_zero(&t->replier->reply, sizeof(t->replier->reply));
	t->replier = NULL;
}

void endpoint_drop_reply(struct thread *t)
{
	if (t->reply.type != KAAL_CAP_REPLY)
		return;
	struct thread *caller = (struct thread *)t->reply.object;
	kaal_zero(&t->reply, sizeof(t->reply));
	caller->replier = NULL;
	kaal_zero(caller->result, sizeof(caller->result));
	thread_complete(caller, KAAL_OBJECT_DELETED);
}

void endpoint_destroy(struct endpoint *ep)
{
	while (ep->queue.head) {
		struct thread *t = dequeue(ep);
		kaal_zero(t->result, sizeof(t->result));
		thread_complete(t, KAAL_OBJECT_DELETED);
	}
}
