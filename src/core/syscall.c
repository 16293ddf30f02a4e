/*
 * The general path of every system call: one dispatch table, one handler
 * per call. A handler validates all of its operands before it changes
 * anything, so a failed call leaves the system as it found it; it returns
 * at the first failure, and the dispatcher alone writes the caller's status.
 */
#include "syscall.h"
#include "cdt.h"
#include "cnode.h"
#include "cspace.h"
#include "endpoint.h"
#include "frame.h"
#include "irq.h"
#include "kernel.h"
#include "notification.h"
#include "objecttype.h"
#include "thread.h"
#include "untyped.h"
#include "vspace.h"

/*
 * A handler's outcome that is no status: the call blocked the caller, and
 * whoever ends the wait (a peer, a signal, a deletion, a timeout) gives it
 * its status through thread_complete(). Until then the caller's status word
 * holds no outcome, and the dispatcher leaves it alone.
 */
#define SYSCALL_BLOCKED ((kaal_status)(KAAL_KERNEL_RESTART + 1))

/* The outcome of an IPC operation, which either finished t's call or blocked t. */
static kaal_status ipc_outcome(const struct thread *t)
{
	return kaal_thread_is_blocked(t) ? SYSCALL_BLOCKED : KAAL_OK;
}

static kaal_status op_slot(struct thread *t, kaal_cptr root, kaal_word packed, struct cte **slot)
{
	return cspace_lookup_op_slot(t, root, packed & KAAL_SLOT_INDEX_MASK,
	                             packed >> KAAL_SLOT_DEPTH_SHIFT, slot);
}

static kaal_status slot_nonempty(struct thread *t, kaal_cptr root, kaal_word packed,
                                 struct cte **slot)
{
	kaal_status st = op_slot(t, root, packed, slot);
	if (st != KAAL_OK)
		return st;
	if ((*slot)->cap.type == KAAL_CAP_NULL)
		return KAAL_SLOT_EMPTY;
	return KAAL_OK;
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

static kaal_status sys_yield(struct thread *t, const kaal_word *a)
{
	(void)t;
	(void)a;
	return KAAL_OK;
}

static kaal_status send_common(struct thread *t, const kaal_word *a, bool is_call, bool block)
{
	struct cte *ep;
	kaal_status st = cspace_lookup_cap(t, a[0], KAAL_CAP_ENDPOINT, KAAL_RIGHT_WRITE, &ep);
	if (st != KAAL_OK)
		return st;
	if (is_call && !(ep->cap.rights & (KAAL_RIGHT_GRANT | KAAL_RIGHT_GRANT_REPLY)))
		return KAAL_MISSING_RIGHT;
	st = stage_message(t, a[1], &a[2]);
	if (st != KAAL_OK)
		return st;
	endpoint_send((struct endpoint *)ep->cap.object, t, ep->cap.word, a[1],
	              (ep->cap.rights & KAAL_RIGHT_GRANT) != 0, is_call, block);
	return ipc_outcome(t);
}

static kaal_status sys_send(struct thread *t, const kaal_word *a)
{
	return send_common(t, a, false, true);
}

static kaal_status sys_nb_send(struct thread *t, const kaal_word *a)
{
	return send_common(t, a, false, false);
}

static kaal_status sys_call(struct thread *t, const kaal_word *a)
{
	return send_common(t, a, true, true);
}

/* Receive on the endpoint in ep, which the caller checked for Read. */
static kaal_status receive(struct thread *t, const struct cte *ep)
{
	/* As in seL4, pending bits of a bound notification come before queued senders. */
	if (notification_take_bound(t))
		return KAAL_OK;
	endpoint_recv((struct endpoint *)ep->cap.object, t,
	              (ep->cap.rights & KAAL_RIGHT_GRANT) != 0);
	return ipc_outcome(t);
}

static kaal_status sys_recv(struct thread *t, const kaal_word *a)
{
	struct cte *ep;
	kaal_status st = cspace_lookup_cap(t, a[0], KAAL_CAP_ENDPOINT, KAAL_RIGHT_READ, &ep);
	if (st != KAAL_OK)
		return st;
	return receive(t, ep);
}

static kaal_status sys_reply(struct thread *t, const kaal_word *a)
{
	kaal_status st = stage_message(t, a[0], &a[1]);
	if (st != KAAL_OK)
		return st;
	if (t->reply.type != KAAL_CAP_REPLY)
		return KAAL_ILLEGAL_OPERATION;
	endpoint_reply(t, a[0]);
	return KAAL_OK;
}

static kaal_status sys_reply_recv(struct thread *t, const kaal_word *a)
{
	struct cte *ep;
	kaal_status st = cspace_lookup_cap(t, a[0], KAAL_CAP_ENDPOINT, KAAL_RIGHT_READ, &ep);
	if (st != KAAL_OK)
		return st;
	st = stage_message(t, a[1], &a[2]);
	if (st != KAAL_OK)
		return st;
	endpoint_reply(t, a[1]);
	return receive(t, ep);
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

static kaal_status sys_map(struct thread *t, const kaal_word *a)
{
	struct cte *frame;
	kaal_status st = lookup_frame(t, a[0], &frame);
	if (st != KAAL_OK)
		return st;
	return frame_map(&frame->cap, thread_vspace(t), a[1], rights_operand(a[2]), &t->result[0]);
}

static kaal_status sys_unmap(struct thread *t, const kaal_word *a)
{
	struct cte *frame;
	kaal_status st = lookup_frame(t, a[0], &frame);
	if (st != KAAL_OK)
		return st;
	if (!(frame->cap.flags & CAP_FLAG_MAPPED))
		return KAAL_ILLEGAL_OPERATION;
	frame_unmap_cap(&frame->cap);
	return KAAL_OK;
}

static kaal_status create_object(struct thread *t, const kaal_word *a, unsigned type)
{
	struct cte *ut, *dest;
	kaal_status st = cspace_lookup_cap(t, a[0], KAAL_CAP_UNTYPED, 0, &ut);
	if (st != KAAL_OK)
		return st;
	st = op_slot(t, a[1], a[2], &dest);
	if (st != KAAL_OK)
		return st;
	return untyped_retype(ut, type, 0, 1, dest, thread_vspace(t), &t->result[0]);
}

static kaal_status sys_endpoint_create(struct thread *t, const kaal_word *a)
{
	return create_object(t, a, KAAL_CAP_ENDPOINT);
}

static kaal_status sys_notification_create(struct thread *t, const kaal_word *a)
{
	return create_object(t, a, KAAL_CAP_NOTIFICATION);
}

static kaal_status sys_signal(struct thread *t, const kaal_word *a)
{
	struct cte *n;
	kaal_status st = cspace_lookup_cap(t, a[0], KAAL_CAP_NOTIFICATION, KAAL_RIGHT_WRITE, &n);
	if (st != KAAL_OK)
		return st;
	notification_signal((struct notification *)n->cap.object, n->cap.word ? n->cap.word : a[1]);
	return KAAL_OK;
}

static kaal_status wait_common(struct thread *t, const kaal_word *a, bool block, uint64_t deadline)
{
	struct cte *n;
	kaal_status st = cspace_lookup_cap(t, a[0], KAAL_CAP_NOTIFICATION, KAAL_RIGHT_READ, &n);
	if (st != KAAL_OK)
		return st;
	notification_wait((struct notification *)n->cap.object, t, block, deadline);
	return ipc_outcome(t);
}

static kaal_status sys_wait(struct thread *t, const kaal_word *a)
{
	return wait_common(t, a, true, 0);
}

static kaal_status sys_poll(struct thread *t, const kaal_word *a)
{
	return wait_common(t, a, false, 0);
}

static kaal_status sys_wait_timeout(struct thread *t, const kaal_word *a)
{
	uint64_t now = arch_time_now_ns();
	uint64_t deadline = a[1] > UINT64_MAX - now ? UINT64_MAX : now + a[1];
	kaal_status st = wait_common(t, a, a[1] != 0, deadline);
	/* Finished at once with nothing pending: a timeout of 0 expired. */
	if (st == KAAL_OK && t->result[0] == 0)
		return KAAL_TIMEOUT;
	return st;
}

static kaal_status sys_time(struct thread *t, const kaal_word *a)
{
	(void)a;
	t->result[0] = arch_time_now_ns();
	return KAAL_OK;
}

static kaal_status sys_peek(struct thread *t, const kaal_word *a)
{
	struct cte *n;
	kaal_status st = cspace_lookup_cap(t, a[0], KAAL_CAP_NOTIFICATION, KAAL_RIGHT_READ, &n);
	if (st != KAAL_OK)
		return st;
	t->result[0] = ((struct notification *)n->cap.object)->word;
	return KAAL_OK;
}

static kaal_status sys_revoke(struct thread *t, const kaal_word *a)
{
	struct cte *slot;
	kaal_status st = slot_nonempty(t, a[0], a[1], &slot);
	if (st != KAAL_OK)
		return st;
	if (!cte_revoke(slot))
		return (kaal_status)KAAL_KERNEL_RESTART;
	return KAAL_OK;
}

static kaal_status sys_delete(struct thread *t, const kaal_word *a)
{
	struct cte *slot;
	kaal_status st = slot_nonempty(t, a[0], a[1], &slot);
	if (st != KAAL_OK)
		return st;
	cte_delete(slot);
	return KAAL_OK;
}

static kaal_status sys_identify(struct thread *t, const kaal_word *a)
{
	struct cte *slot;
	kaal_status st = op_slot(t, a[0], a[1], &slot);
	if (st != KAAL_OK)
		return st;
	const struct cap *c = &slot->cap;
	t->result[0] = c->type;
	/* Rights in the low byte, the object's size (or a CNode's radix) above them. */
	t->result[1] = c->rights | (kaal_word)c->size_bits << KAAL_IDENTIFY_SIZE_SHIFT;
	t->result[2] = c->type == KAAL_CAP_UNTYPED ? 0 : c->word;
	t->result[3] = c->type == KAAL_CAP_UNTYPED || c->type == KAAL_CAP_FRAME ||
	                       c->type == KAAL_CAP_DEVICE_FRAME
	                   ? c->object
	               : c->type == KAAL_CAP_NULL || c->type == KAAL_CAP_IRQ_HANDLER
	                   ? 0
	                   : arch_kernel_to_phys((const void *)c->object);
	return KAAL_OK;
}

/* Source then destination of a two-slot CNode call: a[0..1] destination, a[2..3] source. */
static kaal_status two_slots(struct thread *t, const kaal_word *a, struct cte **dst,
                             struct cte **src)
{
	kaal_status st = slot_nonempty(t, a[2], a[3], src);
	if (st != KAAL_OK)
		return st;
	return op_slot(t, a[0], a[1], dst);
}

static kaal_status sys_copy(struct thread *t, const kaal_word *a)
{
	struct cte *dst, *src;
	kaal_status st = two_slots(t, a, &dst, &src);
	if (st != KAAL_OK)
		return st;
	return cdt_derive(dst, src, src->cap.rights, 0, false);
}

static kaal_status sys_derive(struct thread *t, const kaal_word *a)
{
	struct cte *dst, *src;
	kaal_status st = two_slots(t, a, &dst, &src);
	if (st != KAAL_OK)
		return st;
	return cdt_derive(dst, src, rights_operand(a[4]), 0, false);
}

static kaal_status sys_mint(struct thread *t, const kaal_word *a)
{
	struct cte *dst, *src;
	kaal_status st = two_slots(t, a, &dst, &src);
	if (st != KAAL_OK)
		return st;
	return cdt_derive(dst, src, rights_operand(a[4]), a[5], a[5] != 0);
}

static kaal_status sys_move(struct thread *t, const kaal_word *a)
{
	struct cte *dst, *src;
	kaal_status st = two_slots(t, a, &dst, &src);
	if (st != KAAL_OK)
		return st;
	return cdt_move(dst, src, src->cap.rights);
}

static kaal_status sys_mutate(struct thread *t, const kaal_word *a)
{
	struct cte *dst, *src;
	kaal_status st = two_slots(t, a, &dst, &src);
	if (st != KAAL_OK)
		return st;
	return cdt_move(dst, src, rights_operand(a[4]));
}

static kaal_status sys_untyped_info(struct thread *t, const kaal_word *a)
{
	struct cte *ut;
	kaal_status st = cspace_lookup_cap(t, a[0], KAAL_CAP_UNTYPED, 0, &ut);
	if (st != KAAL_OK)
		return st;
	t->result[0] = ut->cap.object;
	t->result[1] = ut->cap.size_bits;
	t->result[2] = untyped_bytes_left(ut);
	return KAAL_OK;
}

static kaal_status sys_retype(struct thread *t, const kaal_word *a)
{
	struct cte *ut, *node;
	kaal_word count = kaal_retype_count(a[1]);
	kaal_status st = cspace_lookup_cap(t, a[0], KAAL_CAP_UNTYPED, 0, &ut);
	if (st != KAAL_OK)
		return st;
	/* A slot word of 0 (index 0, depth 0) names the CSpace root itself. */
	st = a[3] == 0 ? cspace_lookup_slot(t, a[2], &node) : op_slot(t, a[2], a[3], &node);
	if (st != KAAL_OK)
		return st;
	if (node->cap.type != KAAL_CAP_CNODE)
		return node->cap.type == KAAL_CAP_NULL ? KAAL_SLOT_EMPTY : KAAL_WRONG_TYPE;
	uint64_t slots = UINT64_C(1) << node->cap.size_bits;
	if (a[4] >= slots || count == 0 || count > slots - a[4])
		return KAAL_INVALID_ARGUMENT;
	return untyped_retype(ut, kaal_retype_type(a[1]), kaal_retype_size_bits(a[1]),
	                      (unsigned)count, (struct cte *)node->cap.object + a[4],
	                      thread_vspace(t), &t->result[0]);
}

static kaal_status lookup_thread(struct thread *t, kaal_cptr cptr, struct thread **target)
{
	struct cte *slot;
	kaal_status st = cspace_lookup_cap(t, cptr, KAAL_CAP_THREAD, 0, &slot);
	if (st != KAAL_OK)
		return st;
	*target = (struct thread *)slot->cap.object;
	return KAAL_OK;
}

static void replace_slot(struct cte *dst, struct cte *src)
{
	cte_delete(dst);
	if (src)
		cdt_derive(dst, src, src->cap.rights, 0, false);
}

/* A waiting thread takes its new place in the queue it waits in. */
static void set_priority(struct thread *target, kaal_word priority)
{
	struct thread_queue *q = objecttype_wait_queue(target);
	if (q)
		thread_queue_remove(q, target);
	target->priority = priority;
	if (q)
		thread_queue_insert(q, target);
}

static kaal_status sys_thread_configure(struct thread *t, const kaal_word *a)
{
	struct thread *target;
	struct cte *cspace, *ipc = NULL;
	kaal_status st = lookup_thread(t, a[0], &target);
	if (st != KAAL_OK)
		return st;
	st = cspace_lookup_cap(t, a[1], KAAL_CAP_CNODE, 0, &cspace);
	if (st != KAAL_OK)
		return st;
	if (a[2] != 0) {
		st = cspace_lookup_cap(t, a[2], KAAL_CAP_FRAME, KAAL_RIGHT_READ | KAAL_RIGHT_WRITE,
		                       &ipc);
		if (st != KAAL_OK)
			return st;
	}
	if (a[3] > KAAL_MAX_PRIORITY || target->state == THREAD_DEAD)
		return KAAL_INVALID_ARGUMENT;
	replace_slot(&target->slots[THREAD_SLOT_CSPACE], cspace);
	replace_slot(&target->slots[THREAD_SLOT_IPC_BUFFER], ipc);
	set_priority(target, a[3]);
	return KAAL_OK;
}

static kaal_status sys_thread_start(struct thread *t, const kaal_word *a)
{
	struct thread *target;
	kaal_status st = lookup_thread(t, a[0], &target);
	if (st != KAAL_OK)
		return st;
	if (target->state != THREAD_INACTIVE ||
	    target->slots[THREAD_SLOT_CSPACE].cap.type != KAAL_CAP_CNODE)
		return KAAL_ILLEGAL_OPERATION;
	/*
	 * Every backend wants a stack, so a program that starts here starts on
	 * all of them; entry and stack both 0 start a loaded program at its own.
	 */
	const struct vspace *own_vspace = thread_vspace(target);
	bool program_start = a[1] == 0 && a[2] == 0 && own_vspace && own_vspace->program != 0;
	if ((a[1] == 0 || a[2] == 0) && !program_start)
		return KAAL_INVALID_ARGUMENT;
	st = arch_thread_start(target, a[1], a[2], a[3], a[4]);
	if (st != KAAL_OK)
		return st;
	/* A thread given no VSpace of its own runs in its starter's. */
	struct cte *own = &target->slots[THREAD_SLOT_VSPACE];
	if (own->cap.type == KAAL_CAP_NULL && thread_vspace(t))
		replace_slot(own, &t->slots[THREAD_SLOT_VSPACE]);
	target->state = THREAD_RUNNING;
	return KAAL_OK;
}

static kaal_status sys_thread_set_vspace(struct thread *t, const kaal_word *a)
{
	struct thread *target;
	struct cte *vs;
	kaal_status st = lookup_thread(t, a[0], &target);
	if (st != KAAL_OK)
		return st;
	st = cspace_lookup_cap(t, a[1], KAAL_CAP_VSPACE, 0, &vs);
	if (st != KAAL_OK)
		return st;
	/* A thread changes address space only while it does not run. */
	if (target->state != THREAD_INACTIVE)
		return KAAL_ILLEGAL_OPERATION;
	replace_slot(&target->slots[THREAD_SLOT_VSPACE], vs);
	((struct vspace *)vs->cap.object)->given = true;
	return KAAL_OK;
}

static kaal_status sys_vspace_load(struct thread *t, const kaal_word *a)
{
	struct cte *vs;
	kaal_status st = cspace_lookup_cap(t, a[0], KAAL_CAP_VSPACE, KAAL_RIGHT_WRITE, &vs);
	if (st != KAAL_OK)
		return st;
	return vspace_load((struct vspace *)vs->cap.object, a[1]);
}

static kaal_status sys_thread_set_priority(struct thread *t, const kaal_word *a)
{
	struct thread *target;
	kaal_status st = lookup_thread(t, a[0], &target);
	if (st != KAAL_OK)
		return st;
	if (a[1] > KAAL_MAX_PRIORITY)
		return KAAL_INVALID_ARGUMENT;
	set_priority(target, a[1]);
	return KAAL_OK;
}

static kaal_status sys_thread_info(struct thread *t, const kaal_word *a)
{
	struct thread *target;
	kaal_status st = lookup_thread(t, a[0], &target);
	if (st != KAAL_OK)
		return st;
	static const uint8_t public_state[] = {
	    [THREAD_INACTIVE] = KAAL_THREAD_INACTIVE,
	    [THREAD_RUNNING] = KAAL_THREAD_RUNNING,
	    [THREAD_BLOCKED_NOTIFICATION] = KAAL_THREAD_WAIT_NOTIFICATION,
	    [THREAD_BLOCKED_SEND] = KAAL_THREAD_WAIT_SEND,
	    [THREAD_BLOCKED_RECV] = KAAL_THREAD_WAIT_RECEIVE,
	    [THREAD_BLOCKED_REPLY] = KAAL_THREAD_WAIT_REPLY,
	    [THREAD_DEAD] = KAAL_THREAD_INACTIVE,
	};
	t->result[0] = public_state[target->state];
	t->result[1] = target->priority;
	return KAAL_OK;
}

static kaal_status sys_thread_bind_notification(struct thread *t, const kaal_word *a)
{
	struct thread *target;
	struct cte *n;
	kaal_status st = lookup_thread(t, a[0], &target);
	if (st != KAAL_OK)
		return st;
	st = cspace_lookup_cap(t, a[1], KAAL_CAP_NOTIFICATION, KAAL_RIGHT_READ, &n);
	if (st != KAAL_OK)
		return st;
	/* As in seL4: one binding each way, and never to a notification others wait on. */
	struct notification *ntfn = (struct notification *)n->cap.object;
	if (target->bound || ntfn->bound || ntfn->waiters.head)
		return KAAL_ILLEGAL_OPERATION;
	notification_bind(ntfn, target);
	return KAAL_OK;
}

static kaal_status sys_thread_unbind_notification(struct thread *t, const kaal_word *a)
{
	struct thread *target;
	kaal_status st = lookup_thread(t, a[0], &target);
	if (st != KAAL_OK)
		return st;
	if (!target->bound)
		return KAAL_ILLEGAL_OPERATION;
	notification_unbind(target->bound);
	return KAAL_OK;
}

static kaal_status sys_thread_exit(struct thread *t, const kaal_word *a)
{
	(void)a;
	endpoint_drop_reply(t);
	t->state = THREAD_INACTIVE;
	return KAAL_OK;
}

static kaal_status lookup_irq(struct thread *t, kaal_cptr cptr, uint32_t *irq)
{
	struct cte *slot;
	kaal_status st = cspace_lookup_cap(t, cptr, KAAL_CAP_IRQ_HANDLER, 0, &slot);
	if (st != KAAL_OK)
		return st;
	*irq = (uint32_t)slot->cap.word;
	return KAAL_OK;
}

static kaal_status sys_irq_set_notification(struct thread *t, const kaal_word *a)
{
	uint32_t irq;
	struct cte *n;
	kaal_status st = lookup_irq(t, a[0], &irq);
	if (st != KAAL_OK)
		return st;
	st = cspace_lookup_cap(t, a[1], KAAL_CAP_NOTIFICATION, KAAL_RIGHT_WRITE, &n);
	if (st != KAAL_OK)
		return st;
	return irq_set_notification(irq, (struct notification *)n->cap.object, n->cap.word);
}

static kaal_status sys_irq_clear(struct thread *t, const kaal_word *a)
{
	uint32_t irq;
	kaal_status st = lookup_irq(t, a[0], &irq);
	if (st != KAAL_OK)
		return st;
	irq_clear(irq);
	return KAAL_OK;
}

static kaal_status sys_irq_ack(struct thread *t, const kaal_word *a)
{
	uint32_t irq;
	kaal_status st = lookup_irq(t, a[0], &irq);
	if (st != KAAL_OK)
		return st;
	irq_ack(irq);
	return KAAL_OK;
}

/* Only the root task's CSpace may end the system: a process of its own may not. */
static kaal_status sys_shutdown(struct thread *t, const kaal_word *a)
{
	if (!cspace_is_root(t))
		return KAAL_ILLEGAL_OPERATION;
	arch_shutdown(a[0]);
	return KAAL_OK;
}

static kaal_status sys_debug_putchar(struct thread *t, const kaal_word *a)
{
	(void)t;
	arch_debug_putchar((char)a[0]);
	return KAAL_OK;
}

static kaal_status sys_invalid(struct thread *t, const kaal_word *a)
{
	(void)t;
	(void)a;
	return KAAL_INVALID_SYSCALL;
}

/* Every call but the debug one, which sits far from the rest: number, handler. */
#define SYSCALL_TABLE(X)                                                                           \
	X(KAAL_SYS_YIELD, sys_yield)                                                               \
	X(KAAL_SYS_SEND, sys_send)                                                                 \
	X(KAAL_SYS_RECV, sys_recv)                                                                 \
	X(KAAL_SYS_CALL, sys_call)                                                                 \
	X(KAAL_SYS_REPLY, sys_reply)                                                               \
	X(KAAL_SYS_REPLY_RECV, sys_reply_recv)                                                     \
	X(KAAL_SYS_NB_SEND, sys_nb_send)                                                           \
	X(KAAL_SYS_ENDPOINT_CREATE, sys_endpoint_create)                                           \
	X(KAAL_SYS_MAP, sys_map)                                                                   \
	X(KAAL_SYS_UNMAP, sys_unmap)                                                               \
	X(KAAL_SYS_NOTIFICATION_CREATE, sys_notification_create)                                   \
	X(KAAL_SYS_SIGNAL, sys_signal)                                                             \
	X(KAAL_SYS_WAIT, sys_wait)                                                                 \
	X(KAAL_SYS_POLL, sys_poll)                                                                 \
	X(KAAL_SYS_PEEK, sys_peek)                                                                 \
	X(KAAL_SYS_WAIT_TIMEOUT, sys_wait_timeout)                                                 \
	X(KAAL_SYS_TIME, sys_time)                                                                 \
	X(KAAL_SYS_REVOKE, sys_revoke)                                                             \
	X(KAAL_SYS_DERIVE, sys_derive)                                                             \
	X(KAAL_SYS_MINT, sys_mint)                                                                 \
	X(KAAL_SYS_COPY, sys_copy)                                                                 \
	X(KAAL_SYS_DELETE, sys_delete)                                                             \
	X(KAAL_SYS_MOVE, sys_move)                                                                 \
	X(KAAL_SYS_MUTATE, sys_mutate)                                                             \
	X(KAAL_SYS_UNTYPED_INFO, sys_untyped_info)                                                 \
	X(KAAL_SYS_RETYPE, sys_retype)                                                             \
	X(KAAL_SYS_IDENTIFY, sys_identify)                                                         \
	X(KAAL_SYS_THREAD_CONFIGURE, sys_thread_configure)                                         \
	X(KAAL_SYS_THREAD_START, sys_thread_start)                                                 \
	X(KAAL_SYS_THREAD_SET_PRIORITY, sys_thread_set_priority)                                   \
	X(KAAL_SYS_THREAD_BIND_NOTIFICATION, sys_thread_bind_notification)                         \
	X(KAAL_SYS_THREAD_UNBIND_NOTIFICATION, sys_thread_unbind_notification)                     \
	X(KAAL_SYS_THREAD_EXIT, sys_thread_exit)                                                   \
	X(KAAL_SYS_THREAD_SET_VSPACE, sys_thread_set_vspace)                                       \
	X(KAAL_SYS_VSPACE_LOAD, sys_vspace_load)                                                   \
	X(KAAL_SYS_IRQ_SET_NOTIFICATION, sys_irq_set_notification)                                 \
	X(KAAL_SYS_IRQ_ACK, sys_irq_ack)                                                           \
	X(KAAL_SYS_IRQ_CLEAR, sys_irq_clear)                                                       \
	X(KAAL_SYS_THREAD_INFO, sys_thread_info)                                                   \
	X(KAAL_SYS_SHUTDOWN, sys_shutdown)

/* The one write of a call's status: none when the call blocked its caller. */
static inline void finish(struct thread *t, kaal_status st)
{
	if (st != SYSCALL_BLOCKED)
		t->status = st;
}

/*
 * A row of the table: its handler, inlined, then finish(). The dispatcher
 * tail-calls the row and needs no frame of its own, which every system
 * call would pay for if it wrote the status after the handler returned.
 */
typedef void (*syscall_row)(struct thread *t, const kaal_word *a);
#define DEFINE_ROW(num, handler)                                                                   \
	static void row_##handler(struct thread *t, const kaal_word *a)                            \
	{                                                                                          \
		finish(t, handler(t, a));                                                          \
	}
#define ROW_ENTRY(num, handler) [num] = row_##handler,

SYSCALL_TABLE(DEFINE_ROW)
DEFINE_ROW(KAAL_SYS_DEBUG_PUTCHAR, sys_debug_putchar)
DEFINE_ROW(0, sys_invalid)

static const syscall_row dispatch[KAAL_SYS_SHUTDOWN + 1] = {SYSCALL_TABLE(ROW_ENTRY)};

void syscall_slowpath(struct thread *t, kaal_word num, const kaal_word *args)
{
	/* Every call's path: four stores, not a call to kaal_zero(). */
	for (unsigned i = 0; i < KAAL_SYSCALL_RESULTS; i++)
		t->result[i] = 0;
	syscall_row row = NULL;
	if (num < sizeof(dispatch) / sizeof(dispatch[0]))
		row = dispatch[num];
	else if (num == KAAL_SYS_DEBUG_PUTCHAR)
		row = row_sys_debug_putchar;
	if (!row)
		row = row_sys_invalid;
	row(t, args);
}

void kaal_kernel_timeout(struct thread *t)
{
	if (!kaal_thread_is_blocked(t) || t->deadline_ns == 0)
		return;
	objecttype_cancel_ipc(t);
	kaal_zero(t->result, sizeof(t->result));
	thread_complete(t, KAAL_TIMEOUT);
}
