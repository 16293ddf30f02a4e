/* Receiving a capability into a slot of the program's CSpace, all or nothing. */
#include <kaal/cspace.h>
#include <kaal/message.h>

kaal_status kaal_msg_recv_cap(struct kaal_cspace *cs, kaal_cptr ep, struct kaal_msg *msg,
                              kaal_cptr *cap)
{
	if (!cs || !msg || !cap)
		return KAAL_INVALID_ARGUMENT;
	struct kaal_ipc_buffer *buf = kaal_ipc_buffer();
	if (!buf)
		return KAAL_ILLEGAL_OPERATION;
	kaal_cptr slot;
	kaal_status st = kaal_cspace_alloc(cs, &slot);
	if (st != KAAL_OK)
		return st;
	/*
	 * The old receive slot comes back afterwards: left naming ours, a later
	 * receive could fill a slot the allocator has given back.
	 */
	const kaal_cptr root = buf->receive_root;
	const kaal_word index = buf->receive_index, depth = buf->receive_depth;
	struct kaal_msg got;
	st = kaal_set_receive_slot(kaal_root_slot(cs->root, slot));
	if (st == KAAL_OK)
		st = kaal_recv(ep, &got);
	buf->receive_root = root;
	buf->receive_index = index;
	buf->receive_depth = depth;
	if (st == KAAL_OK) {
		*msg = got;
		if (kaal_msg_cap_arrived(&got)) {
			*cap = slot;
			return KAAL_OK;
		}
	}
	kaal_cspace_free(cs, slot);
	return st;
}
