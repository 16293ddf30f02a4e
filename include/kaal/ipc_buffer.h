/*
 * The IPC buffer: one frame per thread shared between the thread and the
 * kernel. Message registers past the fast ones, the receiver's badge and
 * message info, and the capability transfer slots live here.
 */
#ifndef KAAL_IPC_BUFFER_H
#define KAAL_IPC_BUFFER_H

#include <kaal/syscall.h>

struct kaal_ipc_buffer {
	kaal_word msg[KAAL_MSG_MAX_WORDS]; /* msg[0..3] also travel in registers */
	kaal_word badge;                   /* written by the kernel on receive */
	kaal_word info;                    /* written by the kernel on receive */
	kaal_cptr send_cap;                /* cptr of the capability to send */
	/* Where a received capability goes: a slot addressed as in CNode calls. */
	kaal_cptr receive_root;
	kaal_word receive_index;
	kaal_word receive_depth;
	kaal_word user_data; /* free for the thread's own use */
};

_Static_assert(__builtin_offsetof(struct kaal_ipc_buffer, badge) == 512, "ipc badge offset");
_Static_assert(__builtin_offsetof(struct kaal_ipc_buffer, send_cap) == 528, "ipc send_cap offset");
_Static_assert(__builtin_offsetof(struct kaal_ipc_buffer, receive_root) == 536,
               "ipc receive_root offset");
_Static_assert(sizeof(struct kaal_ipc_buffer) == 568, "ipc buffer size");
_Static_assert(sizeof(struct kaal_ipc_buffer) <= (1u << KAAL_PAGE_BITS), "ipc buffer fits a page");

#endif
