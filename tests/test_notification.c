/* Notification objects: signal, wait, poll, peek, timeouts, badges and rights. */
#include "harness.h"

static void seed_sequence(void **state)
{
	(void)state;
	kaal_cptr n = harness_create(KAAL_CAP_NOTIFICATION, 0);
	kaal_word bits = 99;
	assert_status(KAAL_OK, kaal_poll(n, &bits));
	assert_int_equal(0, bits);
	assert_status(KAAL_OK, kaal_signal(n, 0x5));
	assert_status(KAAL_OK, kaal_poll(n, &bits));
	assert_int_equal(0x5, bits);
	assert_status(KAAL_OK, kaal_poll(n, &bits));
	assert_int_equal(0, bits);
	assert_status(KAAL_OK, kaal_signal(n, 0x1));
	assert_status(KAAL_OK, kaal_signal(n, 0x2));
	assert_status(KAAL_OK, kaal_signal(n, 0x4));
	assert_status(KAAL_OK, kaal_poll(n, &bits));
	assert_int_equal(0x7, bits);
}

static void peek_does_not_clear(void **state)
{
	(void)state;
	kaal_cptr n = harness_create(KAAL_CAP_NOTIFICATION, 0);
	kaal_word bits = 0;
	assert_status(KAAL_OK, kaal_signal(n, 0x30));
	assert_status(KAAL_OK, kaal_peek(n, &bits));
	assert_int_equal(0x30, bits);
	assert_status(KAAL_OK, kaal_peek(n, &bits));
	assert_int_equal(0x30, bits);
	assert_status(KAAL_OK, kaal_wait(n, &bits));
	assert_int_equal(0x30, bits);
	assert_status(KAAL_OK, kaal_peek(n, &bits));
	assert_int_equal(0, bits);
}

static void wait_timeout_expires(void **state)
{
	(void)state;
	kaal_cptr n = harness_create(KAAL_CAP_NOTIFICATION, 0);
	kaal_word bits = 1;
	assert_status(KAAL_TIMEOUT, kaal_wait_timeout(n, 1000000, &bits));
	assert_int_equal(0, bits);
	assert_status(KAAL_TIMEOUT, kaal_wait_timeout(n, 0, &bits));
	assert_status(KAAL_OK, kaal_signal(n, 8));
	assert_status(KAAL_OK, kaal_wait_timeout(n, 0, &bits));
	assert_int_equal(8, bits);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(seed_sequence, harness_setup, harness_teardown),
		cmocka_unit_test_setup_teardown(peek_does_not_clear, harness_setup,
						harness_teardown),
		cmocka_unit_test_setup_teardown(wait_timeout_expires, harness_setup,
						harness_teardown),
	};
	return cmocka_run_group_tests_name("notification", tests, NULL, NULL);
}
