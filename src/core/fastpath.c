/*
 * The system call entry and the fast path of Call and ReplyRecv, the round
 * trip of every client and server. The fast path handles the common case only: a message of at most
 * four words and no capability, an endpoint capability in a one-level CSpace, and a peer that is
 * already waiting. It then does what the general path would do, with fewer checks and no staging of
 * the message; in any other case it changes nothing and hands the call to the general path
 * (syscall.c).
 */
#include "fastpath.h"
#include "kernel.h"
#include "syscall.h"
#include "thread.h"

static uint64_t fast_calls;

/*
 * The endpoint capability cptr names when t's CSpace root is a single
 * CNode whose guard and radix take all 64 bits, as cspace_resolve() would
 * find it; NULL when the CSpace has another shape or the capability is
 * not an endpoint with all of rights.
 */
static struct cte *endpoint_one_level(const struct thread *t, kaal_cptr cptr, unsigned rights)
{
	_Static_assert(KAAL_MAX_CNODE_RADIX < KAAL_WORD_BITS, "a CNode's radix is a valid shift");
	const struct cap *root = &t->slots[THREAD_SLOT_CSPACE].cap;
	unsigned radix = root->size_bits;
	if (root->type != KAAL_CAP_CNODE || radix + root->guard_bits != KAAL_WORD_BITS ||
	    (cptr >> radix) != root->word)
		return NULL;
	struct cte *slot = (struct cte *)root->object + (cptr & bits_mask(radix));
	if (slot->cap.type != KAAL_CAP_ENDPOINT || (slot->cap.rights & rights) != rights)
		return NULL;
	return slot;
}

/* A message the fast path carries: words in registers only, no capability. */
static bool register_message(kaal_word info)
{
	return kaal_msg_length(info) <= KAAL_MSG_FAST_WORDS && kaal_msg_caps(info) == 0;
}

/* t blocks as the general path leaves it: results cleared; its status is written when it wakes. */
static void clear_results(struct thread *t)
{
	for (unsigned i = 0; i < KAAL_SYSCALL_RESULTS; i++)
		t->result[i] = 0;
}

/* The message words as results of dst, badge and info in its IPC buffer; dst runs again. */
static void deliver(struct thread *dst, const kaal_word *words, kaal_word info, kaal_word badge)
{
	unsigned len = kaal_msg_length(info);
	/* All four words are there to read (registers of the call); those past len arrive as 0. */
	for (unsigned i = 0; i < KAAL_MSG_FAST_WORDS; i++) {
		kaal_word w = words[i];
		dst->result[i] = i < len ? w : 0;
	}
	struct kaal_ipc_buffer *buf = thread_ipc_buffer(dst);
	if (buf) {
		buf->badge = badge;
		buf->info = kaal_msg_info(kaal_msg_label(info), len, 0);
	}
	thread_complete(dst, KAAL_OK);
}

void fastpath_call(struct thread *t, const kaal_word *a)
{
	struct cte *slot =
	    register_message(a[1]) ? endpoint_one_level(t, a[0], KAAL_RIGHT_WRITE) : NULL;
	if (!slot || !(slot->cap.rights & (KAAL_RIGHT_GRANT | KAAL_RIGHT_GRANT_REPLY))) {
		syscall_slowpath(t, KAAL_SYS_CALL, a);
		return;
	}
	struct endpoint *ep = (struct endpoint *)slot->cap.object;
	struct thread *receiver = ep->queue.head;
	/* A receiver still owing an earlier caller a reply drops it: the general path does that. */
	if (ep->state != EP_RECEIVING || receiver->reply.type == KAAL_CAP_REPLY) {
		syscall_slowpath(t, KAAL_SYS_CALL, a);
		return;
	}

	thread_queue_remove(&ep->queue, receiver);
	if (!ep->queue.head)
		ep->state = EP_IDLE;
	receiver->reply.type = KAAL_CAP_REPLY;
	receiver->reply.object = (uintptr_t)t;
	receiver->reply.flags = receiver->ipc_can_grant ? CAP_FLAG_CAN_GRANT : 0;
	t->replier = receiver;
	clear_results(t);
	thread_block(t, THREAD_BLOCKED_REPLY, receiver, 0);
	deliver(receiver, &a[2], a[1], slot->cap.word);
	fast_calls++;
}

void fastpath_reply_recv(struct thread *t, const kaal_word *a)
{
	struct cte *slot = register_message(a[1]) && t->reply.type == KAAL_CAP_REPLY &&
	                           (!t->bound || t->bound->word == 0)
	                       ? endpoint_one_level(t, a[0], KAAL_RIGHT_READ)
	                       : NULL;
	struct endpoint *ep = slot ? (struct endpoint *)slot->cap.object : NULL;
	if (!ep || ep->state == EP_SENDING) {
		syscall_slowpath(t, KAAL_SYS_REPLY_RECV, a);
		return;
	}

	struct thread *caller = (struct thread *)t->reply.object;
	t->reply = (struct cap){0};
	caller->replier = NULL;
	deliver(caller, &a[2], a[1], 0);
	clear_results(t);
	t->ipc_can_grant = (slot->cap.rights & KAAL_RIGHT_GRANT) != 0;
	thread_queue_insert(&ep->queue, t);
	ep->state = EP_RECEIVING;
	thread_block(t, THREAD_BLOCKED_RECV, ep, 0);
	fast_calls++;
}

/* Call and ReplyRecv try the fast path first; it hands back what it cannot take. */
void kaal_kernel_syscall(struct thread *t, kaal_word num, const kaal_word args[KAAL_SYSCALL_ARGS])
{
	if (num == KAAL_SYS_CALL)
		fastpath_call(t, args);
	else if (num == KAAL_SYS_REPLY_RECV)
		fastpath_reply_recv(t, args);
	else
		syscall_slowpath(t, num, args);
}

void fastpath_reset(void)
{
	fast_calls = 0;
}

uint64_t kaal_kernel_fastpath_count(void)
{
	return fast_calls;
}
