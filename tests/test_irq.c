/* IRQ handlers: interrupts delivered as notification signals, masked until acknowledged. */
#include "harness.h"

#define UART0_IRQ 33
#define RTC_IRQ   34

static kaal_cptr uart_irq(void)
{
	const struct kaal_boot_device *d = harness_device(KAAL_DEVICE_UART0);
	assert_int_equal(UART0_IRQ, d->irq);
	return d->irq_cptr;
}

static kaal_cptr mint_of(kaal_cptr src, kaal_word badge)
{
	kaal_cptr dst = harness_slot();
	assert_status(KAAL_OK, kaal_cnode_mint(harness_ref(dst), harness_ref(src),
	                                       KAAL_RIGHT_READ | KAAL_RIGHT_WRITE, badge));
	return dst;
}

static kaal_word poll(kaal_cptr n)
{
	kaal_word bits = ~(kaal_word)0;
	assert_status(KAAL_OK, kaal_poll(n, &bits));
	return bits;
}

static void raise_signals_until_ack(void **state)
{
	(void)state;
	kaal_cptr irq = uart_irq();
	kaal_cptr n = harness_notification();
	/* No notification yet: the interrupt has nowhere to go. */
	assert_status(KAAL_BUSY, kaal_host_raise_irq(UART0_IRQ));
	assert_int_equal(0, poll(n));

	assert_status(KAAL_OK, kaal_irq_set_notification(irq, n));
	assert_int_equal(0, poll(n));
	assert_status(KAAL_OK, kaal_host_raise_irq(UART0_IRQ));
	assert_int_equal(1, poll(n)); /* an unbadged notification sees bit 0 */

	/* Masked until acknowledged: a second interrupt is refused and signals nothing. */
	assert_status(KAAL_BUSY, kaal_host_raise_irq(UART0_IRQ));
	assert_int_equal(0, poll(n));
	assert_status(KAAL_BUSY, kaal_host_raise_irq(UART0_IRQ));
	assert_int_equal(0, poll(n));

	assert_status(KAAL_OK, kaal_irq_ack(irq));
	assert_status(KAAL_OK, kaal_host_raise_irq(UART0_IRQ));
	assert_int_equal(1, poll(n));

	/* Two interrupts before anyone polls coalesce into the word like any signal. */
	assert_status(KAAL_OK, kaal_irq_ack(irq));
	assert_status(KAAL_OK, kaal_signal(n, 0x100));
	assert_status(KAAL_OK, kaal_host_raise_irq(UART0_IRQ));
	assert_int_equal(0x101, poll(n));

	/* Acknowledging twice, or with nothing pending, is harmless. */
	assert_status(KAAL_OK, kaal_irq_ack(irq));
	assert_status(KAAL_OK, kaal_irq_ack(irq));
	assert_status(KAAL_OK, kaal_host_raise_irq(UART0_IRQ));
	assert_status(KAAL_BUSY, kaal_host_raise_irq(UART0_IRQ));
	assert_int_equal(1, poll(n));
}

static void badged_notification(void **state)
{
	(void)state;
	kaal_cptr irq = uart_irq();
	kaal_cptr n = harness_notification();
	kaal_cptr badged = mint_of(n, 0x40);
	assert_status(KAAL_OK, kaal_irq_set_notification(irq, badged));
	assert_status(KAAL_OK, kaal_host_raise_irq(UART0_IRQ));
	assert_int_equal(0x40, poll(n));

	/* Two interrupts, one notification, a badge each. */
	kaal_cptr rtc = harness_device(KAAL_DEVICE_RTC)->irq_cptr;
	assert_status(KAAL_OK, kaal_irq_set_notification(rtc, mint_of(n, 0x2)));
	assert_status(KAAL_OK, kaal_irq_ack(irq));
	assert_status(KAAL_OK, kaal_host_raise_irq(UART0_IRQ));
	assert_status(KAAL_OK, kaal_host_raise_irq(RTC_IRQ));
	assert_int_equal(0x42, poll(n));
	/* Each is masked on its own. */
	assert_status(KAAL_OK, kaal_irq_ack(rtc));
	assert_status(KAAL_BUSY, kaal_host_raise_irq(UART0_IRQ));
	assert_status(KAAL_OK, kaal_host_raise_irq(RTC_IRQ));
	assert_int_equal(0x2, poll(n));
}

static void irq_waiter(kaal_word arg)
{
	kaal_cptr n = arg & 0xFFFF;
	kaal_cptr done = arg >> 16;
	kaal_word bits = 0;
	kaal_status st = kaal_wait(n, &bits);
	/* Report status and bits on the done notification; both fit its word. */
	kaal_signal(done, (st == KAAL_OK ? bits : 0) | (kaal_word)st << 32 | UINT64_C(1) << 63);
}

/* An interrupt wakes a thread waiting on its notification. */
static void wakes_waiting_thread(void **state)
{
	(void)state;
	kaal_cptr irq = uart_irq();
	kaal_cptr n = harness_notification();
	kaal_cptr done = harness_notification();
	assert_status(KAAL_OK, kaal_irq_set_notification(irq, mint_of(n, 0x8)));
	kaal_cptr t = harness_thread(irq_waiter, n | done << 16, 0);
	harness_wait_blocked(t);
	assert_status(KAAL_OK, kaal_host_raise_irq(UART0_IRQ));
	kaal_word report = 0;
	assert_status(KAAL_OK, kaal_wait(done, &report));
	assert_int_equal(UINT64_C(1) << 63 | 0x8, report);
	assert_int_equal(0, poll(n));
}

static void out_of_range_and_unrouted(void **state)
{
	(void)state;
	const uint32_t unrouted[] = {0, 27, UART0_IRQ, RTC_IRQ, 39, 1023};
	for (unsigned i = 0; i < sizeof(unrouted) / sizeof(unrouted[0]); i++)
		assert_status(KAAL_BUSY, kaal_host_raise_irq(unrouted[i]));
	const uint32_t invalid[] = {1024, 1025, 4096, UINT32_MAX};
	for (unsigned i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++)
		assert_status(KAAL_INVALID_ARGUMENT, kaal_host_raise_irq(invalid[i]));

	/* Routing one interrupt routes no other. */
	kaal_cptr n = harness_notification();
	assert_status(KAAL_OK, kaal_irq_set_notification(uart_irq(), n));
	assert_status(KAAL_BUSY, kaal_host_raise_irq(RTC_IRQ));
	assert_int_equal(0, poll(n));
}

/* Setting another notification moves the route. */
static void reroute(void **state)
{
	(void)state;
	kaal_cptr irq = uart_irq();
	kaal_cptr a = harness_notification();
	kaal_cptr b = harness_notification();
	assert_status(KAAL_OK, kaal_irq_set_notification(irq, a));
	/* Bound once: another notification, or the same with another badge, waits for a clear. */
	assert_status(KAAL_BUSY, kaal_irq_set_notification(irq, b));
	assert_status(KAAL_BUSY, kaal_irq_set_notification(irq, mint_of(a, 0x4)));
	assert_status(KAAL_OK, kaal_irq_set_notification(irq, a)); /* the same binding again */
	assert_status(KAAL_OK, kaal_host_raise_irq(UART0_IRQ));
	assert_int_equal(1, poll(a));
	assert_int_equal(0, poll(b));
	assert_status(KAAL_OK, kaal_irq_ack(irq));
	/* Cleared, it signals nobody until bound again. */
	assert_status(KAAL_OK, kaal_irq_clear(irq));
	assert_status(KAAL_BUSY, kaal_host_raise_irq(UART0_IRQ));
	assert_status(KAAL_OK, kaal_irq_clear(irq));
	assert_status(KAAL_OK, kaal_irq_set_notification(irq, b));
	assert_status(KAAL_OK, kaal_host_raise_irq(UART0_IRQ));
	assert_int_equal(0, poll(a));
	assert_int_equal(1, poll(b));
	assert_status(KAAL_WRONG_TYPE, kaal_irq_clear(a));
}

/* The route lives as long as the notification object, not a particular capability. */
static void deleting_notification_forgets_route(void **state)
{
	(void)state;
	kaal_cptr irq = uart_irq();
	kaal_cptr n = harness_notification();
	kaal_cptr copy = harness_derive(n, KAAL_RIGHTS_ALL);
	assert_status(KAAL_OK, kaal_irq_set_notification(irq, n));

	/* Deleting the capability that set the route is not the end of the object. */
	assert_status(KAAL_OK, kaal_cnode_delete(harness_ref(n)));
	assert_status(KAAL_OK, kaal_host_raise_irq(UART0_IRQ));
	assert_int_equal(1, poll(copy));
	assert_status(KAAL_OK, kaal_irq_ack(irq));

	/* Deleting the last one ends the notification and the route with it. */
	assert_status(KAAL_OK, kaal_cnode_delete(harness_ref(copy)));
	assert_status(KAAL_BUSY, kaal_host_raise_irq(UART0_IRQ));

	/* New memory in the old place is a new notification, not routed. */
	kaal_cptr fresh = harness_notification();
	assert_status(KAAL_BUSY, kaal_host_raise_irq(UART0_IRQ));
	assert_int_equal(0, poll(fresh));
	assert_status(KAAL_OK, kaal_irq_set_notification(irq, fresh));
	assert_status(KAAL_OK, kaal_host_raise_irq(UART0_IRQ));
	assert_int_equal(1, poll(fresh));
}

/* An interrupt not yet acknowledged stays masked across a change of notification. */
static void pending_survives_reroute(void **state)
{
	(void)state;
	kaal_cptr irq = uart_irq();
	kaal_cptr a = harness_notification();
	kaal_cptr b = harness_notification();
	assert_status(KAAL_OK, kaal_irq_set_notification(irq, a));
	assert_status(KAAL_OK, kaal_host_raise_irq(UART0_IRQ));
	assert_status(KAAL_OK, kaal_cnode_delete(harness_ref(a)));
	assert_status(KAAL_OK, kaal_irq_set_notification(irq, b));
	assert_status(KAAL_BUSY, kaal_host_raise_irq(UART0_IRQ));
	assert_int_equal(0, poll(b));
	assert_status(KAAL_OK, kaal_irq_ack(irq));
	assert_status(KAAL_OK, kaal_host_raise_irq(UART0_IRQ));
	assert_int_equal(1, poll(b));
}

/* The handler's route ends with its last capability. */
static void deleting_handler_forgets_route(void **state)
{
	(void)state;
	kaal_cptr irq = uart_irq();
	kaal_cptr n = harness_notification();
	kaal_cptr copy = harness_derive(irq, 0);
	/* A handler capability needs no rights. */
	assert_status(KAAL_OK, kaal_irq_set_notification(copy, n));
	assert_status(KAAL_OK, kaal_host_raise_irq(UART0_IRQ));
	assert_int_equal(1, poll(n));
	assert_status(KAAL_OK, kaal_irq_ack(copy));
	struct kaal_cap_info ci = harness_identify(copy);
	assert_int_equal(KAAL_CAP_IRQ_HANDLER, ci.type);
	assert_int_equal(UART0_IRQ, ci.badge);

	assert_status(KAAL_OK, kaal_cnode_delete(harness_ref(copy)));
	assert_status(KAAL_OK, kaal_host_raise_irq(UART0_IRQ));
	assert_int_equal(1, poll(n));
	assert_status(KAAL_OK, kaal_irq_ack(irq));

	assert_status(KAAL_OK, kaal_cnode_delete(harness_ref(irq)));
	assert_status(KAAL_BUSY, kaal_host_raise_irq(UART0_IRQ));
	assert_int_equal(0, poll(n));
	/* Other handlers are untouched. */
	assert_status(KAAL_OK,
	              kaal_irq_set_notification(harness_device(KAAL_DEVICE_RTC)->irq_cptr, n));
	assert_status(KAAL_OK, kaal_host_raise_irq(RTC_IRQ));
	assert_int_equal(1, poll(n));
}

static void wrong_types(void **state)
{
	(void)state;
	kaal_cptr irq = uart_irq();
	kaal_cptr n = harness_notification();
	kaal_cptr ep = harness_create(KAAL_CAP_ENDPOINT, 0);
	kaal_cptr empty = harness_slot();
	kaal_cptr frame = harness_device(KAAL_DEVICE_UART0)->frame_cptr;

	assert_status(KAAL_WRONG_TYPE, kaal_irq_set_notification(n, n));
	assert_status(KAAL_WRONG_TYPE, kaal_irq_set_notification(frame, n));
	assert_status(KAAL_WRONG_TYPE, kaal_irq_set_notification(h.untyped, n));
	assert_status(KAAL_SLOT_EMPTY, kaal_irq_set_notification(empty, n));
	assert_status(KAAL_WRONG_TYPE, kaal_irq_set_notification(irq, ep));
	assert_status(KAAL_WRONG_TYPE, kaal_irq_set_notification(irq, irq));
	assert_status(KAAL_WRONG_TYPE, kaal_irq_set_notification(irq, h.untyped));
	assert_status(KAAL_SLOT_EMPTY, kaal_irq_set_notification(irq, empty));
	assert_status(KAAL_GUARD_MISMATCH, kaal_irq_set_notification(irq, UINT64_C(1) << 50));
	assert_status(KAAL_GUARD_MISMATCH, kaal_irq_set_notification(UINT64_C(1) << 50, n));

	assert_status(KAAL_WRONG_TYPE, kaal_irq_ack(n));
	assert_status(KAAL_WRONG_TYPE, kaal_irq_ack(frame));
	assert_status(KAAL_SLOT_EMPTY, kaal_irq_ack(empty));

	/* Nothing was routed by any of them. */
	assert_status(KAAL_BUSY, kaal_host_raise_irq(UART0_IRQ));
	assert_int_equal(0, poll(n));
	assert_int_equal(KAAL_CAP_IRQ_HANDLER, harness_identify(irq).type);
}

/* Delivery is a signal: the notification capability needs Write. */
static void notification_needs_write(void **state)
{
	(void)state;
	kaal_cptr irq = uart_irq();
	kaal_cptr n = harness_notification();
	kaal_cptr read_only = harness_derive(n, KAAL_RIGHT_READ);
	kaal_cptr no_rights = harness_derive(n, 0);
	assert_status(KAAL_MISSING_RIGHT, kaal_irq_set_notification(irq, read_only));
	assert_status(KAAL_MISSING_RIGHT, kaal_irq_set_notification(irq, no_rights));
	assert_status(KAAL_BUSY, kaal_host_raise_irq(UART0_IRQ));
	assert_int_equal(0, poll(n));

	/* A refused change leaves an existing route in place. */
	kaal_cptr write_only = harness_derive(n, KAAL_RIGHT_WRITE);
	assert_status(KAAL_OK, kaal_irq_set_notification(irq, write_only));
	kaal_cptr other = harness_notification();
	kaal_cptr other_ro = harness_derive(other, KAAL_RIGHT_READ);
	assert_status(KAAL_MISSING_RIGHT, kaal_irq_set_notification(irq, other_ro));
	assert_status(KAAL_OK, kaal_host_raise_irq(UART0_IRQ));
	assert_int_equal(1, poll(n));
	assert_int_equal(0, poll(other));
}

/* A new boot routes nothing; with nothing booted, no interrupt is taken. */
static void routes_end_with_the_system(void **state)
{
	(void)state;
	kaal_cptr n = harness_notification();
	assert_status(KAAL_OK, kaal_irq_set_notification(uart_irq(), n));
	assert_status(KAAL_OK, kaal_host_shutdown());
	assert_status(KAAL_ILLEGAL_OPERATION, kaal_host_raise_irq(UART0_IRQ));
	assert_status(KAAL_ILLEGAL_OPERATION, kaal_host_raise_irq(RTC_IRQ));

	const struct kaal_boot_info *bi;
	assert_status(KAAL_OK, kaal_host_boot(NULL, &bi));
	h.bi = bi;
	h.next_slot = bi->first_free_slot;
	assert_status(KAAL_BUSY, kaal_host_raise_irq(UART0_IRQ));
	n = harness_notification();
	assert_status(KAAL_OK, kaal_irq_set_notification(uart_irq(), n));
	assert_status(KAAL_OK, kaal_host_raise_irq(UART0_IRQ));
	assert_int_equal(1, poll(n));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    HARNESS_CASE(raise_signals_until_ack),
	    HARNESS_CASE(badged_notification),
	    HARNESS_CASE(wakes_waiting_thread),
	    HARNESS_CASE(out_of_range_and_unrouted),
	    HARNESS_CASE(reroute),
	    HARNESS_CASE(deleting_notification_forgets_route),
	    HARNESS_CASE(pending_survives_reroute),
	    HARNESS_CASE(deleting_handler_forgets_route),
	    HARNESS_CASE(wrong_types),
	    HARNESS_CASE(notification_needs_write),
	    HARNESS_CASE(routes_end_with_the_system),
	};
	return cmocka_run_group_tests_name("irq", tests, NULL, NULL);
}
