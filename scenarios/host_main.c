/*
 * Runs one scenario on the host: boot the simulated machine, hand the
 * scenario the boot info as a root task, shut down. The exit status is the
 * scenario's: 0 when every check passed.
 */
#include <stdio.h>

#include <kaal/host.h>
#include <kaal/tap.h>

int main(void)
{
	const struct kaal_boot_info *bi;
	kaal_status st = kaal_host_boot(NULL, &bi);
	if (st != KAAL_OK) {
		printf("Bail out! boot failed: %s\n", kaal_status_name(st));
		return 2;
	}
	int failures = kaal_scenario_main(bi);
	fflush(stdout);
	st = kaal_host_shutdown();
	if (st != KAAL_OK) {
		printf("# shutdown failed: %s\n", kaal_status_name(st));
		return 2;
	}
	return failures ? 1 : 0;
}
