/*
 * Message helpers over struct kaal_msg: build a message, read and write its
 * words wherever they live (0-3 in the message, 4-63 in the calling thread's
 * IPC buffer), carry a short byte string, and send or receive one capability.
 * Every call checks its arguments and changes nothing when it refuses:
 * KAAL_INVALID_ARGUMENT for a NULL pointer, a label or length too wide, or a
 * word past the message's length; KAAL_ILLEGAL_OPERATION for a word past the
 * fast ones when the calling thread has no IPC buffer (as sdk.h's
 * kaal_msg_attach_cap).
 */
#ifndef KAAL_MESSAGE_H
#define KAAL_MESSAGE_H

#include <stddef.h>

#include <kaal/sdk.h>

/*
 * msg becomes an empty message of length words with this label: every word
 * zero (those in the IPC buffer too, so no stale word reaches a receiver), no
 * capability, no badge.
 */
kaal_status kaal_msg_init(struct kaal_msg *msg, kaal_word label, unsigned length);

/* Word i of msg (i below its length). */
kaal_status kaal_msg_set_word(struct kaal_msg *msg, unsigned i, kaal_word value);
kaal_status kaal_msg_get_word(const struct kaal_msg *msg, unsigned i, kaal_word *value);

/* What the info word and the badge say, for a message built or received. */
kaal_status kaal_msg_get_label(const struct kaal_msg *msg, kaal_word *label);
kaal_status kaal_msg_get_length(const struct kaal_msg *msg, unsigned *length);
kaal_status kaal_msg_get_badge(const struct kaal_msg *msg, kaal_word *badge);

/*
 * A byte string in words first.. of a message: word first holds the byte
 * count, the words after it the bytes, eight to a word, lowest byte first.
 * KAAL_MSG_BYTES_WORDS(count) is how many words that takes, so the message's
 * length must reach first + KAAL_MSG_BYTES_WORDS(count).
 */
#define KAAL_MSG_BYTES_PER_WORD (KAAL_WORD_BITS / 8)
#define KAAL_MSG_BYTES_WORDS(count)                                                                \
	(1 + ((count) + KAAL_MSG_BYTES_PER_WORD - 1) / KAAL_MSG_BYTES_PER_WORD)
/* The most bytes one message carries: every word but the count. */
#define KAAL_MSG_MAX_BYTES ((KAAL_MSG_MAX_WORDS - 1) * KAAL_MSG_BYTES_PER_WORD)

kaal_status kaal_msg_put_bytes(struct kaal_msg *msg, unsigned first, const void *bytes,
                               size_t count);
/*
 * The byte string at word first into bytes (room for capacity bytes), its
 * length into *count. A count that does not fit the message or capacity is
 * KAAL_INVALID_ARGUMENT, and nothing is copied.
 */
kaal_status kaal_msg_get_bytes(const struct kaal_msg *msg, unsigned first, void *bytes,
                               size_t capacity, size_t *count);

/*
 * msg sent or called on ep carrying the capability cap (ep needs Grant for it
 * to go, docs/syscalls.md). msg itself is not changed by the send; a call's
 * reply replaces it only when the call succeeds. The IPC buffer's send_cap is
 * left as it was.
 */
kaal_status kaal_msg_send_cap(kaal_cptr ep, const struct kaal_msg *msg, kaal_cptr cap);
kaal_status kaal_msg_call_cap(kaal_cptr ep, struct kaal_msg *msg, kaal_cptr cap);

/*
 * Receive on ep with a fresh slot of cs named as where a capability goes. On
 * KAAL_OK with kaal_msg_cap_arrived(msg), *cap is that slot, the caller's to
 * give back (kaal_cspace_delete); when none arrived, or the receive fails,
 * the slot goes back to cs and *cap is not written. The IPC buffer's receive
 * slot is left as it was. Part of the runtime (include/kaal/cspace.h).
 */
struct kaal_cspace;
kaal_status kaal_msg_recv_cap(struct kaal_cspace *cs, kaal_cptr ep, struct kaal_msg *msg,
                              kaal_cptr *cap);

#endif
