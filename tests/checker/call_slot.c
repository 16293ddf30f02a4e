/*
 * The call slot as a checked test: a server process creates the slot in a
 * frame both processes map and answers calls; a client process attaches
 * as soon as it sees the slot (polling the magic) and makes numbered
 * calls. Both block in the kernel as soon as they must (no spinning). The
 * frame held a stale state word before the slot was made, as reused memory
 * does, so an attach that saw the magic without the state behind it would
 * go wrong. The oracle: every response answers its own request, every
 * call is answered once, and nobody is left asleep (a lost wakeup ends
 * the run as a deadlock).
 */
#include <stdint.h>

#include <kaal/broker.h>
#include <kaal/call_slot.h>
#include <kaal/sdk.h>

#include "catalogue.h"

#define CALLS 4
/* The cptrs each side is given (kaal_check_spawn()): its own notification, then its peer's. */
#define WAIT_CPTR   1
#define SIGNAL_CPTR 2
/* A state word a slot used before might have left: phase 4, attachable but not this slot's. */
#define STALE_STATE (UINT32_C(4) << KAAL_CALL_SLOT_LEN_BITS)
#define ANSWER_MUL  7u

struct call_slot_test {
	void *line;
	size_t size;
	uint32_t served;
	uint32_t answered;
};

struct request {
	uint32_t k;
	uint32_t salt;
};

static struct kaal_call_slot attach(struct call_slot_test *s, enum kaal_call_slot_role role)
{
	struct kaal_call_slot h;
	kaal_status st;
	while ((st = kaal_call_slot_attach(&h, s->line, s->size, role, WAIT_CPTR, SIGNAL_CPTR)) ==
	       KAAL_CORRUPT_RING)
		kaal_check_yield();
	kaal_check_assert(st == KAAL_OK);
	h.spin = 0; /* go to sleep at once: the interesting interleavings are around sleeping */
	return h;
}

static void server(kaal_word arg)
{
	struct call_slot_test *s = (struct call_slot_test *)(uintptr_t)arg;
	kaal_check_assert(kaal_call_slot_create(s->line, s->size) == KAAL_OK);
	struct kaal_call_slot h = attach(s, KAAL_CALL_SLOT_SERVER);
	for (uint32_t i = 0; i < CALLS; i++) {
		struct request req;
		size_t n = 0;
		kaal_check_assert(kaal_call_slot_receive(&h, &req, sizeof req, &n,
		                                         KAAL_CALL_SLOT_FOREVER) == KAAL_OK);
		kaal_check_assert(n == sizeof req && req.k == i);
		uint32_t answer = req.k * ANSWER_MUL + req.salt;
		s->served++;
		kaal_check_assert(kaal_call_slot_reply(&h, &answer, sizeof answer) == KAAL_OK);
	}
}

static void client(kaal_word arg)
{
	struct call_slot_test *s = (struct call_slot_test *)(uintptr_t)arg;
	struct kaal_call_slot h = attach(s, KAAL_CALL_SLOT_CLIENT);
	for (uint32_t i = 0; i < CALLS; i++) {
		struct request req = {i, CALLS - i};
		uint32_t answer = UINT32_MAX;
		size_t n = 0;
		kaal_check_assert(kaal_call_slot_call(&h, &req, sizeof req, &answer, sizeof answer,
		                                      &n, KAAL_CALL_SLOT_FOREVER) == KAAL_OK);
		kaal_check_assert(n == sizeof answer && answer == i * ANSWER_MUL + req.salt);
		s->answered++;
	}
}

static void setup(void *p)
{
	struct call_slot_test *s = p;
	struct kaal_broker *b = kaal_check_broker();
	kaal_cptr frame, ntfn[2];
	struct kaal_memory mem;
	kaal_check_assert(kaal_broker_create_frames(b, 1, &frame, &mem) == KAAL_OK);
	kaal_check_assert(kaal_map(frame, 0, KAAL_RIGHT_READ | KAAL_RIGHT_WRITE, &s->line) ==
	                  KAAL_OK);
	s->size = KAAL_CALL_SLOT_LINE;
	struct kaal_call_slot_line *l = s->line;
	kaal_atomic_store(&l->state, STALE_STATE, KAAL_RELAXED);
	kaal_atomic_store(&l->magic, 0, KAAL_RELAXED);
	for (unsigned i = 0; i < 2; i++)
		kaal_check_assert(kaal_broker_create_notification(b, &ntfn[i]) == KAAL_OK);
	const unsigned rights[] = {KAAL_RIGHT_READ, KAAL_RIGHT_WRITE};
	const kaal_cptr client_caps[] = {ntfn[0], ntfn[1]};
	const kaal_cptr server_caps[] = {ntfn[1], ntfn[0]};
	kaal_word arg = (kaal_word)(uintptr_t)s;
	kaal_check_assert(kaal_check_spawn(server, arg, server_caps, rights, 2) == KAAL_OK);
	kaal_check_assert(kaal_check_spawn(client, arg, client_caps, rights, 2) == KAAL_OK);
}

static void finish(void *p)
{
	const struct call_slot_test *s = p;
	kaal_check_assert(s->served == CALLS && s->answered == CALLS);
}

const struct kaal_check_test checked_call_slot = {
    .name = "call_slot",
    .state_size = sizeof(struct call_slot_test),
    .boots = true,
    .setup = setup,
    .finish = finish,
};
