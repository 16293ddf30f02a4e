/*
 * The one system call dispatch table every backend enters through. Each
 * handler validates all of its operands before it changes anything, so a
 * failed call leaves the system as it found it.
 */
#include "cnode.h"
#include "cspace.h"
#include "endpoint.h"
#include "fastpath.h"
#include "frame.h"
#include "irq.h"
#include "kernel.h"
#include "notification.h"
#include "thread.h"
#include "untyped.h"
#include "vspace.h"

#define MAX_PRIORITY 255

typedef void (*syscall_handler)(struct thread *t, const kaal_word *a);

static kaal_status op_slot(struct thread *t, kaal_cptr root, kaal_word packed, struct cte **slot)
{
	return cspace_lookup_op_slot(t, root, packed & KAAL_SLOT_INDEX_MASK,
	                             packed >> KAAL_SLOT_DEPTH_SHIFT, slot);
}

static kaal_status slot_nonempty(struct thread *t, kaal_cptr root, kaal_word packed,
                                 struct cte **slot)
{
	kaal_status st = op_slot(t, root, packed, slot);
	if (st == KAAL_OK && (*slot)->cap.type == KAAL_CAP_NULL)
		st = KAAL_SLOT_EMPTY;
	return st;
}

/* Copy the message into t->msg: words 0-3 from the call, the rest from the IPC buffer. */
static kaal_status stage_message(struct thread *t, kaal_word info, const kaal_word *fast)
{
	unsigned len = kaal_msg_length(info);
	struct kaal_ipc_buffer *buf = thread_ipc_buffer(t);
	if (len > KAAL_MSG_MAX_WORDS || kaal_msg_caps(info) > KAAL_MSG_MAX_CAPS ||
	    (len > KAAL_MSG_FAST_WORDS && !buf))
		return KAAL_INVALID_ARGUMENT;
	for (unsigned i = 0; i < KAAL_MSG_FAST_WORDS; i++)
		t->msg[i] = fast[i];
	for (unsigned i = KAAL_MSG_FAST_WORDS; i < len; i++)
		t->msg[i] = buf->msg[i];
	return KAAL_OK;
}

static void sys_yield(struct thread *t, const kaal_word *a)
{
	(void)a;
	t->status = KAAL_OK;
}

static void send_common(struct thread *t, const kaal_word *a, bool is_call, bool block)
{
	struct cte *ep;
	kaal_status st = cspace_lookup_cap(t, a[0], KAAL_CAP_ENDPOINT, KAAL_RIGHT_WRITE, &ep);
	if (st == KAAL_OK && is_call &&
	    !(ep->cap.rights & (KAAL_RIGHT_GRANT | KAAL_RIGHT_GRANT_REPLY)))
		st = KAAL_MISSING_RIGHT;
	if (st == KAAL_OK)
		st = stage_message(t, a[1], &a[2]);
	if (st != KAAL_OK) {
		t->status = st;
		return;
	}
	endpoint_send((struct endpoint *)ep->cap.object, t, ep->cap.word, a[1],
	              (ep->cap.rights & KAAL_RIGHT_GRANT) != 0, is_call, block);
}

static void sys_send(struct thread *t, const kaal_word *a)
{
	send_common(t, a, false, true);
}

static void sys_nb_send(struct thread *t, const kaal_word *a)
{
	send_common(t, a, false, false);
}

static void sys_call(struct thread *t, const kaal_word *a)
{
	send_common(t, a, true, true);
}

static void sys_recv(struct thread *t, const kaal_word *a)
{
	struct cte *ep;
	kaal_status st = cspace_lookup_cap(t, a[0], KAAL_CAP_ENDPOINT, KAAL_RIGHT_READ, &ep);
	if (st != KAAL_OK) {
		t->status = st;
		return;
	}
	endpoint_recv((struct endpoint *)ep->cap.object, t,
	              (ep->cap.rights & KAAL_RIGHT_GRANT) != 0);
}

static void sys_reply(struct thread *t, const kaal_word *a)
{
	kaal_status st = stage_message(t, a[0], &a[1]);
	if (st == KAAL_OK && t->reply.type != KAAL_CAP_REPLY)
		st = KAAL_ILLEGAL_OPERATION;
	if (st == KAAL_OK)
		endpoint_reply(t, a[0]);
	t->status = st;
}

static void sys_reply_recv(struct thread *t, const kaal_word *a)
{
	struct cte *ep;
	kaal_status st = cspace_lookup_cap(t, a[0], KAAL_CAP_ENDPOINT, KAAL_RIGHT_READ, &ep);
	if (st == KAAL_OK)
		st = stage_message(t, a[1], &a[2]);
	if (st != KAAL_OK) {
		t->status = st;
		return;
	}
	endpoint_reply(t, a[1]);
	endpoint_recv((struct endpoint *)ep->cap.object, t,
	              (ep->cap.rights & KAAL_RIGHT_GRANT) != 0);
}

/* A rights word: bits beyond 32 are unknown rights, refused like the others, never truncated. */
static unsigned rights_operand(kaal_word w)
{
	return w > UINT32_MAX ? ~0u : (unsigned)w;
}

static kaal_status lookup_frame(struct thread *t, kaal_cptr cptr, struct cte **slot)
{
	kaal_status st = cspace_lookup_slot(t, cptr, slot);
	if (st != KAAL_OK)
		return st;
	unsigned type = (*slot)->cap.type;
	if (type == KAAL_CAP_NULL)
		return KAAL_SLOT_EMPTY;
	if (type != KAAL_CAP_FRAME && type != KAAL_CAP_DEVICE_FRAME)
		return KAAL_WRONG_TYPE;
	return KAAL_OK;
}

static void sys_map(struct thread *t, const kaal_word *a)
{
	struct cte *frame;
	kaal_status st = lookup_frame(t, a[0], &frame);
	if (st == KAAL_OK)
		st = frame_map(&frame->cap, thread_vspace(t), a[1], rights_operand(a[2]),
		               &t->result[0]);
	t->status = st;
}

static void sys_unmap(struct thread *t, const kaal_word *a)
{
	struct cte *frame;
	kaal_status st = lookup_frame(t, a[0], &frame);
	if (st == KAAL_OK && !(frame->cap.flags & CAP_FLAG_MAPPED))
		st = KAAL_ILLEGAL_OPERATION;
	if (st == KAAL_OK)
		frame_unmap_cap(&frame->cap);
	t->status = st;
}

static void create_object(struct thread *t, const kaal_word *a, unsigned type)
{
	struct cte *ut, *dest;
	kaal_status st = cspace_lookup_cap(t, a[0], KAAL_CAP_UNTYPED, 0, &ut);
	if (st == KAAL_OK)
		st = op_slot(t, a[1], a[2], &dest);
	if (st == KAAL_OK)
		st = untyped_retype(ut, type, 0, 1, dest, thread_vspace(t), &t->result[0]);
	t->status = st;
}

static void sys_endpoint_create(struct thread *t, const kaal_word *a)
{
	create_object(t, a, KAAL_CAP_ENDPOINT);
}

static void sys_notification_create(struct thread *t, const kaal_word *a)
{
	create_object(t, a, KAAL_CAP_NOTIFICATION);
}

static void sys_signal(struct thread *t, const kaal_word *a)
{
	struct cte *n;
	kaal_status st = cspace_lookup_cap(t, a[0], KAAL_CAP_NOTIFICATION, KAAL_RIGHT_WRITE, &n);
	if (st == KAAL_OK)
		notification_signal((struct notification *)n->cap.object,
		                    n->cap.word ? n->cap.word : a[1]);
	t->status = st;
}

static void wait_common(struct thread *t, const kaal_word *a, bool block, uint64_t deadline)
{
	struct cte *n;
	kaal_status st = cspace_lookup_cap(t, a[0], KAAL_CAP_NOTIFICATION, KAAL_RIGHT_READ, &n);
	if (st != KAAL_OK) {
		t->status = st;
		return;
	}
	notification_wait((struct notification *)n->cap.object, t, block, deadline);
}

static void sys_wait(struct thread *t, const kaal_word *a)
{
	wait_common(t, a, true, 0);
}

static void sys_poll(struct thread *t, const kaal_word *a)
{
	wait_common(t, a, false, 0);
}

static void sys_wait_timeout(struct thread *t, const kaal_word *a)
{
	uint64_t now = arch_time_now_ns();
	uint64_t deadline = a[1] > UINT64_MAX - now ? UINT64_MAX : now + a[1];
	wait_common(t, a, a[1] != 0, deadline);
	if (t->status == KAAL_OK && t->state == THREAD_RUNNING && t->result[0] == 0)
		t->status = KAAL_TIMEOUT;
}

static void sys_time(struct thread *t, const kaal_word *a)
{
	(void)a;
	t->result[0] = arch_time_now_ns();
	t->status = KAAL_OK;
}

static void sys_peek(struct thread *t, const kaal_word *a)
{
	struct cte *n;
	kaal_status st = cspace_lookup_cap(t, a[0], KAAL_CAP_NOTIFICATION, KAAL_RIGHT_READ, &n);
	if (st == KAAL_OK)
		t->result[0] = ((struct notification *)n->cap.object)->word;
	t->status = st;
}

static void sys_revoke(struct thread *t, const kaal_word *a)
{
	struct cte *slot;
	kaal_status st = slot_nonempty(t, a[0], a[1], &slot);
	if (st == KAAL_OK && !cte_revoke(slot))
		st = KAAL_KERNEL_RESTART;
	t->status = st;
}

static void sys_delete(struct thread *t, const kaal_word *a)
{
	struct cte *slot;
	kaal_status st = slot_nonempty(t, a[0], a[1], &slot);
	if (st == KAAL_OK)
		cte_delete(slot);
	t->status = st;
}

static void sys_identify(struct thread *t, const kaal_word *a)
{
	struct cte *slot;
	kaal_status st = op_slot(t, a[0], a[1], &slot);
	if (st == KAAL_OK) {
		const struct cap *c = &slot->cap;
		t->result[0] = c->type;
		t->result[1] = c->rights;
		t->result[2] = c->type == KAAL_CAP_UNTYPED ? 0 : c->word;
		t->result[3] = c->type == KAAL_CAP_UNTYPED || c->type == KAAL_CAP_FRAME ||
		                       c->type == KAAL_CAP_DEVICE_FRAME
		                   ? c->object
		               : c->type == KAAL_CAP_NULL || c->type == KAAL_CAP_IRQ_HANDLER
		                   ? 0
		                   : arch_kernel_to_phys((const void *)c->object);
	}
	t->status = st;
}

/* Source then destination of a two-slot CNode call: a[0..1] destination, a[2..3] source. */
static kaal_status two_slots(struct thread *t, const kaal_word *a, struct cte **dst,
                             struct cte **src)
{
	kaal_status st = slot_nonempty(t, a[2], a[3], src);
	if (st == KAAL_OK)
		st = op_slot(t, a[0], a[1], dst);
	return st;
}

static void sys_copy(struct thread *t, const kaal_word *a)
{
	struct cte *dst, *src;
	kaal_status st = two_slots(t, a, &dst, &src);
	if (st == KAAL_OK)
		st = cnode_derive(dst, src, src->cap.rights, 0, false);
	t->status = st;
}

static void sys_derive(struct thread *t, const kaal_word *a)
{
	struct cte *dst, *src;
	kaal_status st = two_slots(t, a, &dst, &src);
	if (st == KAAL_OK)
		st = cnode_derive(dst, src, rights_operand(a[4]), 0, false);
	t->status = st;
}

static void sys_mint(struct thread *t, const kaal_word *a)
{
	struct cte *dst, *src;
	kaal_status st = two_slots(t, a, &dst, &src);
	if (st == KAAL_OK)
		st = cnode_derive(dst, src, rights_operand(a[4]), a[5], a[5] != 0);
	t->status = st;
}

static void sys_move(struct thread *t, const kaal_word *a)
{
	struct cte *dst, *src;
	kaal_status st = two_slots(t, a, &dst, &src);
	if (st == KAAL_OK)
		st = cnode_move(dst, src, src->cap.rights);
	t->status = st;
}

static void sys_mutate(struct thread *t, const kaal_word *a)
{
	struct cte *dst, *src;
	kaal_status st = two_slots(t, a, &dst, &src);
	if (st == KAAL_OK)
		st = cnode_move(dst, src, rights_operand(a[4]));
	t->status = st;
}

static void sys_untyped_info(struct thread *t, const kaal_word *a)
{
	struct cte *ut;
	kaal_status st = cspace_lookup_cap(t, a[0], KAAL_CAP_UNTYPED, 0, &ut);
	if (st == KAAL_OK) {
		t->result[0] = ut->cap.object;
		t->result[1] = ut->cap.size_bits;
		t->result[2] = untyped_bytes_left(ut);
	}
	t->status = st;
}

static void sys_retype(struct thread *t, const kaal_word *a)
{
	struct cte *ut, *node;
	unsigned type = kaal_retype_type(a[1]);
	unsigned size_bits = kaal_retype_size_bits(a[1]);
	kaal_word count = kaal_retype_count(a[1]);
	kaal_status st = cspace_lookup_cap(t, a[0], KAAL_CAP_UNTYPED, 0, &ut);
	/* A slot word of 0 (index 0, depth 0) names the CSpace root itself. */
	if (st == KAAL_OK)
		st = a[3] == 0 ? cspace_lookup_slot(t, a[2], &node) : op_slot(t, a[2], a[3], &node);
	if (st == KAAL_OK && node->cap.type != KAAL_CAP_CNODE)
		st = node->cap.type == KAAL_CAP_NULL ? KAAL_SLOT_EMPTY : KAAL_WRONG_TYPE;
	if (st == KAAL_OK) {
		uint64_t slots = UINT64_C(1) << node->cap.size_bits;
		if (a[4] >= slots || count == 0 || count > slots - a[4])
			st = KAAL_INVALID_ARGUMENT;
	}
	if (st == KAAL_OK)
		st = untyped_retype(ut, type, size_bits, (unsigned)count,
		                    (struct cte *)node->cap.object + a[4], thread_vspace(t),
		                    &t->result[0]);
	t->status = st;
}

static kaal_status lookup_thread(struct thread *t, kaal_cptr cptr, struct thread **target)
{
	struct cte *slot;
	kaal_status st = cspace_lookup_cap(t, cptr, KAAL_CAP_THREAD, 0, &slot);
	if (st == KAAL_OK)
		*target = (struct thread *)slot->cap.object;
	return st;
}

static void replace_slot(struct cte *dst, struct cte *src)
{
	cte_delete(dst);
	if (src)
		cnode_derive(dst, src, src->cap.rights, 0, false);
}

static void sys_thread_configure(struct thread *t, const kaal_word *a)
{
	struct thread *target;
	struct cte *cspace, *ipc = NULL;
	kaal_status st = lookup_thread(t, a[0], &target);
	if (st == KAAL_OK)
		st = cspace_lookup_cap(t, a[1], KAAL_CAP_CNODE, 0, &cspace);
	if (st == KAAL_OK && a[2] != 0)
		st = cspace_lookup_cap(t, a[2], KAAL_CAP_FRAME, KAAL_RIGHT_READ | KAAL_RIGHT_WRITE,
		                       &ipc);
	if (st == KAAL_OK && (a[3] > MAX_PRIORITY || target->state == THREAD_DEAD))
		st = KAAL_INVALID_ARGUMENT;
	if (st == KAAL_OK) {
		replace_slot(&target->slots[THREAD_SLOT_CSPACE], cspace);
		replace_slot(&target->slots[THREAD_SLOT_IPC_BUFFER], ipc);
		target->priority = a[3];
	}
	t->status = st;
}

static void sys_thread_start(struct thread *t, const kaal_word *a)
{
	struct thread *target;
	kaal_status st = lookup_thread(t, a[0], &target);
	if (st == KAAL_OK && (target->state != THREAD_INACTIVE ||
	                      target->slots[THREAD_SLOT_CSPACE].cap.type != KAAL_CAP_CNODE))
		st = KAAL_ILLEGAL_OPERATION;
	/* Every backend wants a stack, so a program that starts here starts on all of them. */
	if (st == KAAL_OK && (a[1] == 0 || a[2] == 0))
		st = KAAL_INVALID_ARGUMENT;
	if (st == KAAL_OK)
		st = arch_thread_start(target, a[1], a[2], a[3], a[4]);
	/* A thread given no VSpace of its own runs in its starter's. */
	struct cte *own = st == KAAL_OK ? &target->slots[THREAD_SLOT_VSPACE] : NULL;
	if (own && own->cap.type == KAAL_CAP_NULL && thread_vspace(t))
		replace_slot(own, &t->slots[THREAD_SLOT_VSPACE]);
	if (st == KAAL_OK)
		target->state = THREAD_RUNNING;
	t->status = st;
}

static void sys_thread_set_vspace(struct thread *t, const kaal_word *a)
{
	struct thread *target;
	struct cte *vs;
	kaal_status st = lookup_thread(t, a[0], &target);
	if (st == KAAL_OK)
		st = cspace_lookup_cap(t, a[1], KAAL_CAP_VSPACE, 0, &vs);
	/* A thread changes address space only while it does not run. */
	if (st == KAAL_OK && target->state != THREAD_INACTIVE)
		st = KAAL_ILLEGAL_OPERATION;
	if (st == KAAL_OK)
		replace_slot(&target->slots[THREAD_SLOT_VSPACE], vs);
	t->status = st;
}

static void sys_thread_set_priority(struct thread *t, const kaal_word *a)
{
	struct thread *target;
	kaal_status st = lookup_thread(t, a[0], &target);
	if (st == KAAL_OK && a[1] > MAX_PRIORITY)
		st = KAAL_INVALID_ARGUMENT;
	if (st == KAAL_OK)
		target->priority = a[1];
	t->status = st;
}

static void sys_thread_bind_notification(struct thread *t, const kaal_word *a)
{
	struct thread *target;
	struct cte *n;
	kaal_status st = lookup_thread(t, a[0], &target);
	if (st == KAAL_OK)
		st = cspace_lookup_cap(t, a[1], KAAL_CAP_NOTIFICATION, KAAL_RIGHT_READ, &n);
	/* As in seL4: one binding each way, and never to a notification others wait on. */
	struct notification *ntfn = st == KAAL_OK ? (struct notification *)n->cap.object : NULL;
	if (st == KAAL_OK && (target->bound || ntfn->bound || ntfn->waiters.head))
		st = KAAL_ILLEGAL_OPERATION;
	if (st == KAAL_OK)
		notification_bind(ntfn, target);
	t->status = st;
}

static void sys_thread_unbind_notification(struct thread *t, const kaal_word *a)
{
	struct thread *target;
	kaal_status st = lookup_thread(t, a[0], &target);
	if (st == KAAL_OK && !target->bound)
		st = KAAL_ILLEGAL_OPERATION;
	if (st == KAAL_OK)
		notification_unbind(target->bound);
	t->status = st;
}

static void sys_thread_exit(struct thread *t, const kaal_word *a)
{
	(void)a;
	endpoint_drop_reply(t);
	t->state = THREAD_INACTIVE;
	t->status = KAAL_OK;
}

static kaal_status lookup_irq(struct thread *t, kaal_cptr cptr, uint32_t *irq)
{
	struct cte *slot;
	kaal_status st = cspace_lookup_cap(t, cptr, KAAL_CAP_IRQ_HANDLER, 0, &slot);
	if (st == KAAL_OK)
		*irq = (uint32_t)slot->cap.word;
	return st;
}

static void sys_irq_set_notification(struct thread *t, const kaal_word *a)
{
	uint32_t irq;
	struct cte *n;
	kaal_status st = lookup_irq(t, a[0], &irq);
	if (st == KAAL_OK)
		st = cspace_lookup_cap(t, a[1], KAAL_CAP_NOTIFICATION, KAAL_RIGHT_WRITE, &n);
	if (st == KAAL_OK)
		st = irq_set_notification(irq, (struct notification *)n->cap.object, n->cap.word);
	t->status = st;
}

static void sys_irq_ack(struct thread *t, const kaal_word *a)
{
	uint32_t irq;
	kaal_status st = lookup_irq(t, a[0], &irq);
	if (st == KAAL_OK)
		irq_ack(irq);
	t->status = st;
}

/* Only the root task's CSpace may end the system: a process of its own may not. */
static void sys_shutdown(struct thread *t, const kaal_word *a)
{
	if (!cspace_is_root(t)) {
		t->status = KAAL_ILLEGAL_OPERATION;
		return;
	}
	t->status = KAAL_OK;
	arch_shutdown(a[0]);
}

static void sys_debug_putchar(struct thread *t, const kaal_word *a)
{
	arch_debug_putchar((char)a[0]);
	t->status = KAAL_OK;
}

/* The seed's debug call sits far from the rest; it takes the table's last row. */
#define DEBUG_PUTCHAR_ROW (KAAL_SYS_SHUTDOWN + 1)

static const syscall_handler dispatch[DEBUG_PUTCHAR_ROW + 1] = {
    [KAAL_SYS_YIELD] = sys_yield,
    [KAAL_SYS_SEND] = sys_send,
    [KAAL_SYS_RECV] = sys_recv,
    [KAAL_SYS_CALL] = sys_call,
    [KAAL_SYS_REPLY] = sys_reply,
    [KAAL_SYS_REPLY_RECV] = sys_reply_recv,
    [KAAL_SYS_NB_SEND] = sys_nb_send,
    [KAAL_SYS_ENDPOINT_CREATE] = sys_endpoint_create,
    [KAAL_SYS_MAP] = sys_map,
    [KAAL_SYS_UNMAP] = sys_unmap,
    [KAAL_SYS_NOTIFICATION_CREATE] = sys_notification_create,
    [KAAL_SYS_SIGNAL] = sys_signal,
    [KAAL_SYS_WAIT] = sys_wait,
    [KAAL_SYS_POLL] = sys_poll,
    [KAAL_SYS_PEEK] = sys_peek,
    [KAAL_SYS_WAIT_TIMEOUT] = sys_wait_timeout,
    [KAAL_SYS_TIME] = sys_time,
    [KAAL_SYS_REVOKE] = sys_revoke,
    [KAAL_SYS_DERIVE] = sys_derive,
    [KAAL_SYS_MINT] = sys_mint,
    [KAAL_SYS_COPY] = sys_copy,
    [KAAL_SYS_DELETE] = sys_delete,
    [KAAL_SYS_MOVE] = sys_move,
    [KAAL_SYS_MUTATE] = sys_mutate,
    [KAAL_SYS_UNTYPED_INFO] = sys_untyped_info,
    [KAAL_SYS_RETYPE] = sys_retype,
    [KAAL_SYS_IDENTIFY] = sys_identify,
    [KAAL_SYS_THREAD_CONFIGURE] = sys_thread_configure,
    [KAAL_SYS_THREAD_START] = sys_thread_start,
    [KAAL_SYS_THREAD_SET_PRIORITY] = sys_thread_set_priority,
    [KAAL_SYS_THREAD_BIND_NOTIFICATION] = sys_thread_bind_notification,
    [KAAL_SYS_THREAD_UNBIND_NOTIFICATION] = sys_thread_unbind_notification,
    [KAAL_SYS_THREAD_EXIT] = sys_thread_exit,
    [KAAL_SYS_THREAD_SET_VSPACE] = sys_thread_set_vspace,
    [KAAL_SYS_IRQ_SET_NOTIFICATION] = sys_irq_set_notification,
    [KAAL_SYS_IRQ_ACK] = sys_irq_ack,
    [KAAL_SYS_SHUTDOWN] = sys_shutdown,
    [DEBUG_PUTCHAR_ROW] = sys_debug_putchar,
};

void slowpath(struct thread *t, kaal_word num, const kaal_word *args)
{
	/* Every call's path: four stores, not a call to kaal_zero(). */
	for (unsigned i = 0; i < KAAL_SYSCALL_RESULTS; i++)
		t->result[i] = 0;
	t->status = KAAL_INVALID_SYSCALL;
	kaal_word row = num == KAAL_SYS_DEBUG_PUTCHAR ? DEBUG_PUTCHAR_ROW : num;
	if (row < DEBUG_PUTCHAR_ROW + 1 && dispatch[row] && num != DEBUG_PUTCHAR_ROW)
		dispatch[row](t, args);
}

/* Call and ReplyRecv try the fast path first (fastpath.c); it hands back what it cannot take. */
void kaal_kernel_syscall(struct thread *t, kaal_word num, const kaal_word args[KAAL_SYSCALL_ARGS])
{
	if (num == KAAL_SYS_CALL)
		fastpath_call(t, args);
	else if (num == KAAL_SYS_REPLY_RECV)
		fastpath_reply_recv(t, args);
	else
		slowpath(t, num, args);
}

void kaal_kernel_timeout(struct thread *t)
{
	if (!kaal_thread_is_blocked(t) || t->deadline_ns == 0)
		return;
	thread_cancel_ipc(t);
	kaal_zero(t->result, sizeof(t->result));
	thread_complete(t, KAAL_TIMEOUT);
}
