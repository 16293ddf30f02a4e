/*
 * The host demo: boot the simulated system, run the notification sequence
 * every KaaL user knows, then a call and reply between two threads.
 */
#include <stdio.h>
#include <stdlib.h>

#include <kaal/host.h>
#include <kaal/sdk.h>

static int failures;
static kaal_cptr next_slot;
static const struct kaal_boot_info *bi;

static void check(const char *what, bool ok)
{
	printf("  [%s] %s\n", ok ? "ok" : "FAIL", what);
	if (!ok)
		failures++;
}

static kaal_cptr untyped(void)
{
	uint32_t best = 0;
	for (uint32_t i = 1; i < bi->untyped_count; i++)
		if (bi->untyped[i].size_bits > bi->untyped[best].size_bits)
			best = i;
	return bi->untyped[best].cptr;
}

static kaal_cptr create(unsigned type)
{
	kaal_cptr slot = next_slot++;
	unsigned size_bits = type == KAAL_CAP_FRAME ? KAAL_PAGE_BITS : 0;
	kaal_status st = kaal_untyped_retype(
	    untyped(), type, size_bits, 1, kaal_root_slot(bi->root_cnode_cptr, bi->root_cnode_cptr),
	    slot, NULL);
	if (st != KAAL_OK) {
		printf("retype failed: %s\n", kaal_status_name(st));
		exit(1);
	}
	return slot;
}

static void notification_sequence(void)
{
	kaal_word bits = 0;
	puts("notification:");
	kaal_cptr n = create(KAAL_CAP_NOTIFICATION);
	check("create", n != 0);
	check("poll empty -> 0", kaal_poll(n, &bits) == KAAL_OK && bits == 0);
	check("signal 0x5", kaal_signal(n, 0x5) == KAAL_OK);
	check("poll -> 0x5", kaal_poll(n, &bits) == KAAL_OK && bits == 0x5);
	check("poll again -> 0", kaal_poll(n, &bits) == KAAL_OK && bits == 0);
	check("signal 0x1, 0x2, 0x4", kaal_signal(n, 0x1) == KAAL_OK &&
	                                  kaal_signal(n, 0x2) == KAAL_OK &&
	                                  kaal_signal(n, 0x4) == KAAL_OK);
	check("poll -> 0x7 (signals coalesce)", kaal_poll(n, &bits) == KAAL_OK && bits == 0x7);
}

/* The server doubles each word it is sent and answers with the caller's badge. */
static kaal_cptr server_ep;
/* On the host the server runs on a pthread's stack; this one is checked, as on aarch64. */
static _Alignas(16) uint8_t server_stack[4096];

static void server(kaal_word arg)
{
	(void)arg;
	struct kaal_msg m;
	if (kaal_recv(server_ep, &m) != KAAL_OK)
		return;
	struct kaal_msg reply = {kaal_msg_info(0, 2, 0), {m.mr[0] * 2, m.badge, 0, 0}, 0};
	kaal_reply(&reply);
}

static void endpoint_call(void)
{
	puts("endpoint:");
	server_ep = create(KAAL_CAP_ENDPOINT);
	kaal_cptr badged = next_slot++;
	kaal_cptr root = bi->root_cnode_cptr;
	check("mint a badged endpoint capability (badge 0x42)",
	      kaal_cnode_mint(kaal_root_slot(root, badged), kaal_root_slot(root, server_ep),
	                      KAAL_RIGHTS_ALL, 0x42) == KAAL_OK);
	kaal_cptr frame = create(KAAL_CAP_FRAME);
	void *ipc = NULL;
	kaal_cptr thread = create(KAAL_CAP_THREAD);
	check("server thread configured",
	      kaal_map(frame, 0, KAAL_RIGHT_READ | KAAL_RIGHT_WRITE, &ipc) == KAAL_OK &&
	          kaal_thread_configure(thread, root, frame, 100) == KAAL_OK);
	check("server thread started",
	      kaal_thread_start(thread, server, server_stack + sizeof(server_stack), 0, ipc) ==
	          KAAL_OK);
	struct kaal_msg m = {kaal_msg_info(0, 1, 0), {21, 0, 0, 0}, 0};
	kaal_status st = kaal_call(badged, &m);
	check("call 21 -> reply 42", st == KAAL_OK && m.mr[0] == 42);
	check("server saw badge 0x42", m.mr[1] == 0x42);
}

int main(void)
{
	puts("kaal host demo: booting the simulated machine");
	if (kaal_host_boot(NULL, &bi) != KAAL_OK) {
		puts("boot failed");
		return 1;
	}
	printf("booted: %llu MiB RAM at 0x%llx, %u untyped regions, %u devices\n",
	       (unsigned long long)(bi->ram_size >> 20), (unsigned long long)bi->ram_base,
	       bi->untyped_count, bi->device_count);
	next_slot = bi->first_free_slot;
	notification_sequence();
	endpoint_call();
	kaal_status st = kaal_host_shutdown();
	check("shutdown", st == KAAL_OK);
	printf("%s: %d failure%s\n", failures ? "FAILED" : "PASSED", failures,
	       failures == 1 ? "" : "s");
	return failures ? 1 : 0;
}
