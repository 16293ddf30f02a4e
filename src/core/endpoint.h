/* Endpoints: synchronous message passing, calls and single-use replies. */
#ifndef KAAL_CORE_ENDPOINT_H
#define KAAL_CORE_ENDPOINT_H

#include "object.h"

/*
 * The message is staged in t->msg. badge and can_grant come from the
 * sender's capability; a call also blocks t until the reply.
 */
void endpoint_send(struct endpoint *ep, struct thread *t, kaal_word badge, kaal_word info,
                   bool can_grant, bool is_call, bool block);
/* can_grant: whether the receiver's capability lets its replies carry capabilities. */
void endpoint_recv(struct endpoint *ep, struct thread *t, bool can_grant);
/* Answer the thread t last received a call from; false if there is none. */
bool endpoint_reply(struct thread *t, kaal_word info);

void endpoint_cancel_ipc(struct thread *t);
void endpoint_cancel_reply_wait(struct thread *t);
/* t is going away: whoever waits for t's reply gets KAAL_OBJECT_DELETED. */
void endpoint_drop_reply(struct thread *t);
void endpoint_destroy(struct endpoint *ep);

#endif
