/*
 * Per-type dispatch, after seL4's objecttype.c: each operation that
 * depends on the object type switches on it here, once, and calls the
 * object's own file. The object files never reach each other through a
 * capability, so they stay below this file and cnode.c stays above it.
 */
#include "objecttype.h"
#include "endpoint.h"
#include "frame.h"
#include "irq.h"
#include "notification.h"
#include "thread.h"
#include "vspace.h"

unsigned objecttype_bits(unsigned type, unsigned size_bits)
{
	switch (type) {
	case KAAL_CAP_UNTYPED:
		return size_bits >= KAAL_MIN_UNTYPED_BITS && size_bits <= KAAL_MAX_UNTYPED_BITS
		           ? size_bits
		           : 0;
	case KAAL_CAP_FRAME:
		return size_bits == KAAL_PAGE_BITS || size_bits == KAAL_LARGE_PAGE_BITS ? size_bits
		                                                                        : 0;
	case KAAL_CAP_CNODE:
		return size_bits >= KAAL_MIN_CNODE_RADIX && size_bits <= KAAL_MAX_CNODE_RADIX
		           ? size_bits + KAAL_SLOT_BITS
		           : 0;
	case KAAL_CAP_ENDPOINT:
		return size_bits == 0 ? KAAL_ENDPOINT_BITS : 0;
	case KAAL_CAP_NOTIFICATION:
		return size_bits == 0 ? KAAL_NOTIFICATION_BITS : 0;
	case KAAL_CAP_THREAD:
		return size_bits == 0 ? KAAL_THREAD_BITS : 0;
	case KAAL_CAP_VSPACE:
		return size_bits >= arch_vspace_min_bits() && size_bits <= KAAL_MAX_VSPACE_BITS
		           ? size_bits
		           : 0;
	default:
		return 0;
	}
}

kaal_status objecttype_check_create(unsigned type, unsigned count)
{
	if (type == KAAL_CAP_VSPACE && !vspace_can_create(count))
		return KAAL_LIMIT_REACHED;
	return KAAL_OK;
}

struct cap objecttype_create(unsigned type, unsigned size_bits, kaal_paddr phys, uint64_t size,
                             const struct vspace *parent)
{
	struct cap c = {0};
	c.type = (uint8_t)type;
	c.rights = KAAL_RIGHTS_ALL;
	c.size_bits = (uint8_t)size_bits;
	/* Memory capabilities name physical memory; the others, the object in kernel memory. */
	if (type == KAAL_CAP_UNTYPED || type == KAAL_CAP_FRAME)
		c.object = phys;
	else
		c.object = (uintptr_t)arch_phys_to_kernel(phys);
	/* Untyped children are zeroed when objects are made from them, not before. */
	if (type != KAAL_CAP_UNTYPED)
		kaal_zero(arch_phys_to_kernel(phys), (size_t)size);
	switch (type) {
	case KAAL_CAP_THREAD:
		thread_init((struct thread *)c.object);
		break;
	case KAAL_CAP_VSPACE:
		vspace_create((struct vspace *)c.object, size_bits, parent);
		break;
	default:
		break;
	}
	return c;
}

/* A thread object goes away: it leaves every queue and binding, and never runs again. */
static void finalise_thread(struct thread *t)
{
	objecttype_cancel_ipc(t);
	endpoint_drop_reply(t);
	if (t->bound)
		notification_unbind(t->bound);
	t->state = THREAD_DEAD;
	arch_thread_destroy(t);
}

static void finalise_notification(struct notification *n)
{
	notification_destroy(n);
	irq_forget_notification(n);
}

void objecttype_release(struct cap *c, bool final)
{
	if ((c->type == KAAL_CAP_FRAME || c->type == KAAL_CAP_DEVICE_FRAME) &&
	    (c->flags & CAP_FLAG_MAPPED))
		frame_unmap_cap(c);
	if (!final)
		return;
	switch (c->type) {
	case KAAL_CAP_NOTIFICATION:
		finalise_notification((struct notification *)c->object);
		break;
	case KAAL_CAP_ENDPOINT:
		endpoint_destroy((struct endpoint *)c->object);
		break;
	case KAAL_CAP_THREAD:
		finalise_thread((struct thread *)c->object);
		break;
	case KAAL_CAP_IRQ_HANDLER:
		irq_destroy_handler((uint32_t)c->word);
		break;
	case KAAL_CAP_VSPACE:
		vspace_destroy((struct vspace *)c->object);
		break;
	default:
		break;
	}
}

struct cte *objecttype_held_slots(const struct cap *c, uint64_t *count)
{
	switch (c->type) {
	case KAAL_CAP_CNODE:
		*count = UINT64_C(1) << c->size_bits;
		return (struct cte *)c->object;
	case KAAL_CAP_THREAD:
		*count = THREAD_SLOT_COUNT;
		return ((struct thread *)c->object)->slots;
	default:
		return NULL;
	}
}

struct thread_queue *objecttype_wait_queue(struct thread *t)
{
	switch (t->state) {
	case THREAD_BLOCKED_NOTIFICATION:
		return &((struct notification *)t->blocked_on)->waiters;
	case THREAD_BLOCKED_SEND:
	case THREAD_BLOCKED_RECV:
		return &((struct endpoint *)t->blocked_on)->queue;
	default:
		return NULL;
	}
}

void objecttype_cancel_ipc(struct thread *t)
{
	switch (t->state) {
	case THREAD_BLOCKED_NOTIFICATION:
		notification_cancel_wait(t);
		break;
	case THREAD_BLOCKED_SEND:
	case THREAD_BLOCKED_RECV:
		endpoint_cancel_ipc(t);
		break;
	case THREAD_BLOCKED_REPLY:
		endpoint_cancel_reply_wait(t);
		break;
	default:
		break;
	}
	t->blocked_on = NULL;
	t->deadline_ns = 0;
}
