/*
 * Scenario: notifications. The six steps every KaaL user knows (create,
 * poll an empty one, signal, poll, poll again, three signals coalescing into
 * one word), then a waiter in another thread that a signal wakes.
 */
#include <stddef.h>

#include <kaal/broker.h>
#include <kaal/sdk.h>
#include <kaal/tap.h>

#define PLAN 12

/* What the waiter is sent, and what it reports back. */
#define BIT_WAKE  0x08u  /* the signal that must reach the blocked waiter */
#define BIT_STOP  0x10u  /* the waiter reports it and returns */
#define BIT_READY 0x100u /* reported once, just before the first wait */
#define BIT_ERROR 0x200u /* reported when a wait failed; the waiter returns */

static struct kaal_broker broker;
static kaal_cptr root;

/* The waiter shares the root CSpace: it uses these cptrs as they are. */
static kaal_cptr ntfn;   /* the waiter waits here */
static kaal_cptr report; /* the waiter reports the bits it got here */

static uint8_t waiter_stack[16384] __attribute__((aligned(16)));

/* Set once the waiter reported that it returns: nothing more will be reported. */
static bool waiter_gone;

/* A check that a call succeeded and a notification word is what it must be. */
static bool check_word(kaal_status st, kaal_word got, kaal_word want, const char *what)
{
	bool ok = kaal_tap_ok(st == KAAL_OK && got == want, what);
	if (!ok) {
		kaal_diag_str("  got ");
		kaal_diag_str(kaal_status_name(st));
		kaal_diag_str(" and word ");
		kaal_diag_hex(got);
		kaal_diag_str(", expected KAAL_OK and ");
		kaal_diag_hex(want);
		kaal_diag_end();
	}
	return ok;
}

/* The waiter's next report; KAAL_ILLEGAL_OPERATION once it has returned. */
static kaal_status wait_report(kaal_word *bits)
{
	*bits = 0;
	if (waiter_gone)
		return KAAL_ILLEGAL_OPERATION;
	kaal_status st = kaal_wait(report, bits);
	if (st != KAAL_OK || (*bits & (BIT_STOP | BIT_ERROR)))
		waiter_gone = true;
	return st;
}

/* Waits until a signal arrives and reports its bits, until told to stop. */
static void waiter(kaal_word arg)
{
	(void)arg;
	kaal_signal(report, BIT_READY);
	for (;;) {
		kaal_word bits = 0;
		if (kaal_wait(ntfn, &bits) != KAAL_OK)
			bits = BIT_ERROR;
		kaal_signal(report, bits);
		if (bits & (BIT_STOP | BIT_ERROR))
			return;
	}
}

int kaal_scenario_main(const struct kaal_boot_info *bi)
{
	kaal_tap_plan(PLAN);
	root = bi->root_cnode_cptr;
	if (kaal_broker_init(&broker, bi) != KAAL_OK) {
		kaal_tap_diag("the broker does not accept this boot info");
		return 1;
	}

	/* 1-6: the seed's sequence. */
	kaal_word bits = 0;
	struct kaal_cap_info info = {0};
	kaal_status st = kaal_broker_create_notification(&broker, &ntfn);
	if (st == KAAL_OK)
		st = kaal_cnode_identify(kaal_root_slot(root, ntfn), &info);
	if (!kaal_tap_ok(st == KAAL_OK && info.type == KAAL_CAP_NOTIFICATION &&
	                     info.rights == KAAL_RIGHTS_ALL,
	                 "create a notification"))
		return (int)kaal_tap_failures();
	kaal_diag_str("notification in slot ");
	kaal_diag_dec(ntfn);
	kaal_diag_str(", object at ");
	kaal_diag_hex(info.object);
	kaal_diag_end();
	st = kaal_poll(ntfn, &bits);
	check_word(st, bits, 0, "poll an empty notification -> 0");
	check_word(kaal_signal(ntfn, 0x5), 0, 0, "signal 0x5");
	st = kaal_poll(ntfn, &bits);
	check_word(st, bits, 0x5, "poll -> 0x5");
	st = kaal_poll(ntfn, &bits);
	check_word(st, bits, 0, "poll again -> 0 (the poll cleared the word)");
	st = kaal_signal(ntfn, 0x1);
	if (st == KAAL_OK)
		st = kaal_signal(ntfn, 0x2);
	if (st == KAAL_OK)
		st = kaal_signal(ntfn, 0x4);
	kaal_word coalesced = 0;
	kaal_status st2 = kaal_poll(ntfn, &coalesced);
	check_word(st != KAAL_OK ? st : st2, coalesced, 0x7,
	           "signal 0x1, 0x2, 0x4, then poll -> 0x7 (signals coalesce)");

	/* 7-8: a second thread, sharing the root CSpace. */
	kaal_cptr thread = 0;
	st = kaal_broker_create_notification(&broker, &report);
	if (st == KAAL_OK)
		st = kaal_broker_create_thread(&broker, &thread);
	if (st == KAAL_OK)
		st = kaal_thread_configure(thread, root, 0, 100);
	if (st == KAAL_OK)
		st =
		    kaal_thread_start(thread, waiter, waiter_stack + sizeof(waiter_stack), 0, NULL);
	if (!kaal_tap_ok(st == KAAL_OK, "start a waiter thread")) {
		kaal_diag_str("  ");
		kaal_diag_str(kaal_status_name(st));
		kaal_diag_end();
		return (int)kaal_tap_failures();
	}
	st = wait_report(&bits);
	check_word(st, bits, BIT_READY, "the waiter is about to wait");

	/*
	 * 9-10: wake it. Whether a thread is blocked is not visible to user code,
	 * so the root probes: it signals and polls straight away. A signal the
	 * poll takes back found nobody waiting (the word kept it): the root tries
	 * again. A signal that is gone went to the waiter, which reports it.
	 */
	uint64_t probes = 0;
	kaal_word left = 0;
	do {
		probes++;
		st = kaal_signal(ntfn, BIT_WAKE);
		if (st == KAAL_OK)
			st = kaal_poll(ntfn, &left);
	} while (st == KAAL_OK && left == BIT_WAKE);
	check_word(st, left, 0, "a signal to the waiting thread does not stay in the word");
	kaal_diag_str("the waiter took the signal on probe ");
	kaal_diag_dec(probes);
	kaal_diag_end();
	st = wait_report(&bits);
	check_word(st, bits, BIT_WAKE, "the waiter woke with the signalled bits (0x8)");

	/* 11-12: stop it, and see that it has finished. */
	st = kaal_signal(ntfn, BIT_STOP);
	kaal_word stopped = 0;
	kaal_status st3 = wait_report(&stopped);
	check_word(st != KAAL_OK ? st : st3, stopped, BIT_STOP,
	           "signal 0x10: the waiter reports it and returns");
	st = kaal_peek(ntfn, &bits);
	check_word(st, bits, 0, "nothing is left pending in the notification");
	kaal_diag_str(kaal_tap_failures() == 0 ? "notification: all checks passed"
	                                       : "notification: failures");
	kaal_diag_end();
	return (int)kaal_tap_failures();
}
