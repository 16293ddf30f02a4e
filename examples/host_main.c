/*
 * Runs an example on the host: boot the simulated machine with the
 * example's programs and a PL011 model behind the UART, run the example's
 * root task, then check the model sent what the example prints on QEMU.
 */
#include <stdio.h>
#include <string.h>

#include <kaal/driver.h>
#include <kaal/tap.h>

#include "example.h"
#include "host_example.h"
#include "pl011_model.h"

int main(void)
{
	static struct pl011_model uart;
	pl011_model_init(&uart);
	kaal_driver_use_model(KAAL_DEVICE_UART0, &uart.mmio);
	struct kaal_host_config config = {.programs = kaal_example_programs,
	                                  .program_count = kaal_example_program_count};
	const struct kaal_boot_info *bi;
	kaal_status st = kaal_host_boot(&config, &bi);
	if (st != KAAL_OK) {
		printf("Bail out! boot failed: %s\n", kaal_status_name(st));
		return 2;
	}
	int failures = kaal_example_main(bi);
	fflush(stdout);
	st = kaal_host_shutdown();
	if (st != KAAL_OK) {
		printf("# shutdown failed: %s\n", kaal_status_name(st));
		return 2;
	}
	size_t want = strlen(kaal_example_uart_output);
	if (uart.sent_len != want || memcmp(uart.sent, kaal_example_uart_output, want) != 0) {
		printf("# the UART sent %zu bytes, not the %zu expected: %.*s\n", uart.sent_len,
		       want, (int)uart.sent_len, (const char *)uart.sent);
		return 1;
	}
	if (want)
		printf("# the UART sent: %s", kaal_example_uart_output);
	return failures ? 1 : 0;
}
