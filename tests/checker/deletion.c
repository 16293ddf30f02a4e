/*
 * Deleting a notification that threads wait on: three processes wait on it,
 * and a fourth, which holds the root task's CNode, signals it once and then
 * revokes and deletes the root's capability, so the object ends. Every
 * waiter must return: the one the signal reached with its bit, the others
 * with KAAL_OBJECT_DELETED (or, arriving after the end, with a failed
 * lookup). A waiter left asleep ends the run as a deadlock.
 */
#include <stdint.h>

#include <kaal/broker.h>
#include <kaal/sdk.h>

#include "catalogue.h"

#define WAITERS    3
#define SIGNAL_BIT 1
#define NTFN_CPTR  1 /* each process's notification */
#define ROOT_CPTR  2 /* the deleter's copy of the root CNode */

struct deletion_test {
	kaal_cptr ntfn; /* in the root's CSpace */
	unsigned signalled, deleted, missed;
};

static void waiter(kaal_word arg)
{
	struct deletion_test *s = (struct deletion_test *)(uintptr_t)arg;
	kaal_word bits = 0;
	kaal_status st = kaal_wait(NTFN_CPTR, &bits);
	if (st == KAAL_OK) {
		kaal_check_assert(bits == SIGNAL_BIT);
		s->signalled++;
	} else if (st == KAAL_OBJECT_DELETED) {
		s->deleted++;
	} else {
		kaal_check_assert(st == KAAL_SLOT_EMPTY);
		s->missed++;
	}
}

static void deleter(kaal_word arg)
{
	struct deletion_test *s = (struct deletion_test *)(uintptr_t)arg;
	kaal_check_assert(kaal_signal(NTFN_CPTR, SIGNAL_BIT) == KAAL_OK);
	struct kaal_slot_ref original = kaal_root_slot(ROOT_CPTR, s->ntfn);
	kaal_check_assert(kaal_cnode_revoke(original) == KAAL_OK);
	kaal_check_assert(kaal_cnode_delete(original) == KAAL_OK);
}

static void setup(void *p)
{
	struct deletion_test *s = p;
	struct kaal_broker *b = kaal_check_broker();
	kaal_check_assert(kaal_broker_create_notification(b, &s->ntfn) == KAAL_OK);
	kaal_word arg = (kaal_word)(uintptr_t)s;
	const unsigned wait_rights[] = {KAAL_RIGHT_READ};
	for (unsigned i = 0; i < WAITERS; i++)
		kaal_check_assert(kaal_check_spawn(waiter, arg, &s->ntfn, wait_rights, 1) ==
		                  KAAL_OK);
	const kaal_cptr caps[] = {s->ntfn, b->root_cnode};
	const unsigned rights[] = {KAAL_RIGHT_WRITE, KAAL_RIGHT_READ | KAAL_RIGHT_WRITE};
	kaal_check_assert(kaal_check_spawn(deleter, arg, caps, rights, 2) == KAAL_OK);
}

static void finish(void *p)
{
	const struct deletion_test *s = p;
	kaal_check_assert(s->signalled + s->deleted + s->missed == WAITERS);
	kaal_check_assert(s->signalled <= 1);
}

const struct kaal_check_test checked_notification_delete = {
    .name = "notification_delete",
    .state_size = sizeof(struct deletion_test),
    .boots = true,
    .setup = setup,
    .finish = finish,
};
