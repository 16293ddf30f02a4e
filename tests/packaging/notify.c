/*
 * A program outside kaal, built against an installed kaal (pkg-config) or
 * kaal as a Meson subproject: it boots the simulated machine, signals a
 * notification twice and polls it, and prints the word it read.
 */
#include <stdio.h>
#include <stdlib.h>

#include <kaal/host.h>
#include <kaal/sdk.h>

/* The two signals, and the word a poll must read after both. */
#define FIRST_BITS  UINT64_C(0x5)
#define SECOND_BITS UINT64_C(0x30)
#define WANT_BITS   (FIRST_BITS | SECOND_BITS)

static int failed(const char *what, kaal_status status)
{
	fprintf(stderr, "notify: %s: %s\n", what, kaal_status_name(status));
	return EXIT_FAILURE;
}

int main(void)
{
	const struct kaal_boot_info *bi;
	kaal_status status = kaal_host_boot(NULL, &bi);
	if (status != KAAL_OK)
		return failed("boot", status);
	kaal_cptr ntfn = bi->first_free_slot;
	status = kaal_untyped_retype(bi->untyped[0].cptr, KAAL_CAP_NOTIFICATION, 0, 1,
	                             kaal_root_slot(bi->root_cnode_cptr, bi->root_cnode_cptr), ntfn,
	                             NULL);
	if (status != KAAL_OK)
		return failed("retype", status);
	if ((status = kaal_signal(ntfn, FIRST_BITS)) != KAAL_OK ||
	    (status = kaal_signal(ntfn, SECOND_BITS)) != KAAL_OK)
		return failed("signal", status);
	kaal_word bits = 0;
	if ((status = kaal_poll(ntfn, &bits)) != KAAL_OK)
		return failed("poll", status);
	if ((status = kaal_host_shutdown()) != KAAL_OK)
		return failed("shutdown", status);
	printf("notify: polled 0x%llx\n", (unsigned long long)bits);
	return bits == WANT_BITS ? EXIT_SUCCESS : EXIT_FAILURE;
}
