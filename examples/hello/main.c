/*
 * The hello example's root task, the same on both backends: start the UART
 * driver, start hello with a link to it, wait for hello to end, and ask
 * the driver (through the root's own link) how many bytes it sent.
 */
#include <kaal/driver.h>
#include <kaal/tap.h>

#include "example.h"
#include "pl011/uart.h"

#define PLAN       4
#define HELLO_LEN  13u /* "hello, world\n" */
#define WAIT_NS    (UINT64_C(10) * 1000 * 1000 * 1000)
#define HELLO_PRIO 100u
#define ROOT_LINK  0u
#define HELLO_LINK 1u

static struct kaal_broker broker;

static bool run_hello(const struct kaal_driver *uart)
{
	struct kaal_driver_client_names names;
	struct kaal_spawn_cap caps[KAAL_DRIVER_CLIENT_CAPS];
	struct kaal_spawned hello;
	int status = -1;
	unsigned count;
	kaal_status st = kaal_driver_client_caps(uart, HELLO_LINK, "uart", &names, caps, &count);
	if (st == KAAL_OK)
		st = kaal_spawn(&broker, "hello", caps, count, HELLO_PRIO, 0, &hello);
	if (st == KAAL_OK)
		st = kaal_spawn_wait(&hello, WAIT_NS, &status);
	if (st == KAAL_OK)
		st = kaal_spawn_destroy(&broker, &hello);
	return st == KAAL_OK && status == 0;
}

static bool bytes_sent(const struct kaal_driver *uart)
{
	struct kaal_driver_client own;
	struct kaal_uart_request q = {KAAL_UART_COUNTERS, 0, {0}};
	struct kaal_uart_reply a = {0};
	kaal_status st = kaal_driver_open_link(&own, uart, ROOT_LINK, 0);
	if (st == KAAL_OK)
		st = kaal_driver_call(&own, &q, &a, WAIT_NS);
	struct kaal_uart_counters n = {0};
	if (st == KAAL_OK && a.len == sizeof(n))
		__builtin_memcpy(&n, a.data, sizeof(n));
	return st == KAAL_OK && a.status == KAAL_OK && n.tx >= HELLO_LEN && n.overruns == 0;
}

int kaal_example_main(const struct kaal_boot_info *bi)
{
	struct example_holdings at_start;
	if (!example_begin(&broker, bi, PLAN, &at_start))
		return 1;
	struct kaal_driver uart;
	if (!kaal_tap_ok_status(kaal_driver_start(&broker, &kaal_uart_driver, &uart),
	                        "the UART driver starts"))
		return (int)kaal_tap_failures();
	kaal_tap_ok(run_hello(&uart), "hello prints its line through the UART driver and ends");
	kaal_tap_ok(bytes_sent(&uart), "the driver counts the line's bytes sent, no overrun");
	kaal_status st = kaal_driver_stop(&broker, &uart);
	kaal_tap_ok(st == KAAL_OK && example_all_back(&broker, &at_start),
	            "the driver stops and everything it had is back");
	return (int)kaal_tap_failures();
}
