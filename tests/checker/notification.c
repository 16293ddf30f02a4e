/*
 * Notifications against a reference model: three processes share one
 * notification and each makes random signals, polls and timed waits (drawn
 * from the run's seed). A model of seL4's semantics follows every system
 * call in the step the kernel runs it: a signal goes to the first waiter
 * (the word is left alone) or into the word; a wait or poll takes and
 * clears a non-zero word, else the wait queues. Each result must be the
 * model's: a poll's bits, a wait's bits (at once, or the signal that woke
 * it), a timeout only for a wait no signal reached.
 */
#include <stdint.h>

#include <kaal/broker.h>
#include <kaal/sdk.h>

#include "catalogue.h"

#define SIDES       3
#define OPERATIONS  6
#define WAIT_NS     1000
#define SIGNAL_BITS 4 /* signals carry one of the four lowest bits */
#define NTFN_CPTR   1 /* where each process is given the notification */
#define NOT_WOKEN   0

struct model {
	uint64_t word;
	unsigned queue[SIDES]; /* waiting threads, first first */
	unsigned queued;
	uint64_t delivered[SIDES]; /* what the thread's pending call must return */
	bool answered[SIDES];      /* its pending wait was answered, not queued */
	unsigned calls;            /* system calls checked against the model */
};

static void enqueue(struct model *m, unsigned t)
{
	kaal_check_assert(m->queued < SIDES);
	m->queue[m->queued++] = t;
}

static void dequeue(struct model *m, unsigned t)
{
	unsigned i = 0;
	while (i < m->queued && m->queue[i] != t)
		i++;
	for (; i + 1 < m->queued; i++)
		m->queue[i] = m->queue[i + 1];
	if (m->queued && i < m->queued)
		m->queued--;
}

/* The kernel is about to run the call: the model does what it should do. */
static void before(struct model *m, const struct kaal_check_syscall *c)
{
	unsigned t = c->thread;
	switch (c->num) {
	case KAAL_SYS_SIGNAL:
		if (m->queued) {
			unsigned w = m->queue[0];
			dequeue(m, w);
			m->delivered[w] = c->args[1];
			m->answered[w] = true;
		} else {
			m->word |= c->args[1];
		}
		break;
	case KAAL_SYS_POLL:
	case KAAL_SYS_WAIT_TIMEOUT:
		m->delivered[t] = m->word;
		m->answered[t] = m->word != 0 || c->num == KAAL_SYS_POLL;
		m->word = 0;
		if (!m->answered[t])
			enqueue(m, t);
		break;
	default:
		break;
	}
}

/* The call returned: its result must be the model's. */
static void after(struct model *m, const struct kaal_check_syscall *c)
{
	unsigned t = c->thread;
	const struct kaal_result *r = c->result;
	switch (c->num) {
	case KAAL_SYS_SIGNAL:
		kaal_check_assert(r->status == KAAL_OK);
		break;
	case KAAL_SYS_POLL:
		kaal_check_assert(r->status == KAAL_OK && r->r[0] == m->delivered[t]);
		break;
	case KAAL_SYS_WAIT_TIMEOUT:
		if (r->status == KAAL_TIMEOUT) {
			kaal_check_assert(!m->answered[t]);
			dequeue(m, t);
		} else {
			kaal_check_assert(r->status == KAAL_OK && m->answered[t]);
			kaal_check_assert(r->r[0] == m->delivered[t]);
		}
		break;
	default:
		return;
	}
	m->calls++;
}

static void observe(void *p, const struct kaal_check_syscall *c)
{
	struct model *m = p;
	if (c->result)
		after(m, c);
	else
		before(m, c);
}

static uint64_t next_random(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

static void side(kaal_word id)
{
	uint64_t x = (kaal_check_seed() + 1) * UINT64_C(0x9E3779B97F4A7C15) + id + 1;
	for (unsigned i = 0; i < OPERATIONS; i++) {
		kaal_word bits;
		switch (next_random(&x) % 3) {
		case 0:
			kaal_signal(NTFN_CPTR, UINT64_C(1) << (next_random(&x) % SIGNAL_BITS));
			break;
		case 1:
			kaal_poll(NTFN_CPTR, &bits);
			break;
		default:
			kaal_wait_timeout(NTFN_CPTR, WAIT_NS, &bits);
			break;
		}
	}
}

static void setup(void *p)
{
	(void)p;
	kaal_cptr ntfn;
	kaal_check_assert(kaal_broker_create_notification(kaal_check_broker(), &ntfn) == KAAL_OK);
	const unsigned rights = KAAL_RIGHT_READ | KAAL_RIGHT_WRITE;
	for (kaal_word id = 0; id < SIDES; id++)
		kaal_check_assert(kaal_check_spawn(side, id, &ntfn, &rights, 1) == KAAL_OK);
}

static void finish(void *p)
{
	const struct model *m = p;
	kaal_check_assert(m->calls == SIDES * OPERATIONS);
	kaal_check_assert(m->queued == 0);
}

const struct kaal_check_test checked_notification = {
    .name = "notification",
    .state_size = sizeof(struct model),
    .boots = true,
    .setup = setup,
    .finish = finish,
    .observe = observe,
};
