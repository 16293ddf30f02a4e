/* Message helpers: every check comes before the first write, so a refusal changes nothing. */
#include <kaal/message.h>

/*
 * Words first..first+count-1 exist: within a valid length, and past the fast
 * words only with an IPC buffer to hold them.
 */
static kaal_status check_words(const struct kaal_msg *msg, unsigned first, size_t count)
{
	if (!msg)
		return KAAL_INVALID_ARGUMENT;
	unsigned length = kaal_msg_length(msg->info);
	/* A received info word may claim up to 127 words; the IPC buffer holds 64. */
	if (length > KAAL_MSG_MAX_WORDS || first > length || count > length - first)
		return KAAL_INVALID_ARGUMENT;
	if (first + count > KAAL_MSG_FAST_WORDS && !kaal_ipc_buffer())
		return KAAL_ILLEGAL_OPERATION;
	return KAAL_OK;
}

/* Word i, already checked. */
static kaal_word word(const struct kaal_msg *msg, unsigned i)
{
	return i < KAAL_MSG_FAST_WORDS ? msg->mr[i] : kaal_ipc_buffer()->msg[i];
}

static void put(struct kaal_msg *msg, unsigned i, kaal_word value)
{
	if (i < KAAL_MSG_FAST_WORDS)
		msg->mr[i] = value;
	else
		kaal_ipc_buffer()->msg[i] = value;
}

kaal_status kaal_msg_init(struct kaal_msg *msg, kaal_word label, unsigned length)
{
	if (!msg || label > KAAL_MSG_LABEL_MAX || length > KAAL_MSG_MAX_WORDS)
		return KAAL_INVALID_ARGUMENT;
	if (length > KAAL_MSG_FAST_WORDS && !kaal_ipc_buffer())
		return KAAL_ILLEGAL_OPERATION;
	msg->info = kaal_msg_info(label, length, 0);
	msg->badge = 0;
	for (unsigned i = 0; i < KAAL_MSG_FAST_WORDS; i++)
		msg->mr[i] = 0;
	for (unsigned i = KAAL_MSG_FAST_WORDS; i < length; i++)
		put(msg, i, 0);
	return KAAL_OK;
}

kaal_status kaal_msg_set_word(struct kaal_msg *msg, unsigned i, kaal_word value)
{
	kaal_status st = check_words(msg, i, 1);
	if (st == KAAL_OK)
		put(msg, i, value);
	return st;
}

kaal_status kaal_msg_get_word(const struct kaal_msg *msg, unsigned i, kaal_word *value)
{
	if (!value)
		return KAAL_INVALID_ARGUMENT;
	kaal_status st = check_words(msg, i, 1);
	if (st == KAAL_OK)
		*value = word(msg, i);
	return st;
}

kaal_status kaal_msg_get_label(const struct kaal_msg *msg, kaal_word *label)
{
	if (!msg || !label)
		return KAAL_INVALID_ARGUMENT;
	*label = kaal_msg_label(msg->info);
	return KAAL_OK;
}

kaal_status kaal_msg_get_length(const struct kaal_msg *msg, unsigned *length)
{
	if (!msg || !length)
		return KAAL_INVALID_ARGUMENT;
	*length = kaal_msg_length(msg->info);
	return KAAL_OK;
}

kaal_status kaal_msg_get_badge(const struct kaal_msg *msg, kaal_word *badge)
{
	if (!msg || !badge)
		return KAAL_INVALID_ARGUMENT;
	*badge = msg->badge;
	return KAAL_OK;
}

kaal_status kaal_msg_put_bytes(struct kaal_msg *msg, unsigned first, const void *bytes,
                               size_t count)
{
	if ((!bytes && count) || count > KAAL_MSG_MAX_BYTES)
		return KAAL_INVALID_ARGUMENT;
	kaal_status st = check_words(msg, first, KAAL_MSG_BYTES_WORDS(count));
	if (st != KAAL_OK)
		return st;
	const unsigned char *from = bytes;
	put(msg, first, count);
	/* Shifts, not memcpy: the same bytes land in the same words on either endianness. */
	for (size_t w = 0; w * KAAL_MSG_BYTES_PER_WORD < count; w++) {
		kaal_word value = 0;
		for (size_t b = 0; b < KAAL_MSG_BYTES_PER_WORD; b++) {
			size_t j = w * KAAL_MSG_BYTES_PER_WORD + b;
			if (j < count)
				value |= (kaal_word)from[j] << (8 * b);
		}
		put(msg, first + 1 + (unsigned)w, value);
	}
	return KAAL_OK;
}

kaal_status kaal_msg_get_bytes(const struct kaal_msg *msg, unsigned first, void *bytes,
                               size_t capacity, size_t *count)
{
	if ((!bytes && capacity) || !count)
		return KAAL_INVALID_ARGUMENT;
	kaal_status st = check_words(msg, first, 1);
	if (st != KAAL_OK)
		return st;
	/* The count comes from the sender: bound it before it sizes anything. */
	kaal_word n = word(msg, first);
	if (n > KAAL_MSG_MAX_BYTES || n > capacity)
		return KAAL_INVALID_ARGUMENT;
	st = check_words(msg, first, KAAL_MSG_BYTES_WORDS((size_t)n));
	if (st != KAAL_OK)
		return st;
	unsigned char *to = bytes;
	for (size_t j = 0; j < n; j++) {
		kaal_word value = word(msg, first + 1 + (unsigned)(j / KAAL_MSG_BYTES_PER_WORD));
		to[j] = (unsigned char)(value >> (8 * (j % KAAL_MSG_BYTES_PER_WORD)));
	}
	*count = (size_t)n;
	return KAAL_OK;
}

/* m (the caller's copy) sent or called with cap attached; send_cap is put back either way. */
static kaal_status with_cap(kaal_cptr ep, struct kaal_msg *m, kaal_cptr cap, bool call)
{
	struct kaal_ipc_buffer *buf = kaal_ipc_buffer();
	kaal_cptr before = buf ? buf->send_cap : 0;
	kaal_status st = kaal_msg_attach_cap(m, cap);
	if (st != KAAL_OK)
		return st;
	st = call ? kaal_call(ep, m) : kaal_send(ep, m);
	buf->send_cap = before;
	return st;
}

kaal_status kaal_msg_send_cap(kaal_cptr ep, const struct kaal_msg *msg, kaal_cptr cap)
{
	if (!msg)
		return KAAL_INVALID_ARGUMENT;
	struct kaal_msg m = *msg;
	return with_cap(ep, &m, cap, false);
}

kaal_status kaal_msg_call_cap(kaal_cptr ep, struct kaal_msg *msg, kaal_cptr cap)
{
	if (!msg)
		return KAAL_INVALID_ARGUMENT;
	struct kaal_msg m = *msg;
	kaal_status st = with_cap(ep, &m, cap, true);
	if (st == KAAL_OK)
		*msg = m;
	return st;
}
