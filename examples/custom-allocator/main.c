/*
 * The custom-allocator example's root task, the same on both backends:
 * 64 KiB of untyped memory from the broker, given to a program that
 * manages it with an allocator of its own; its exit status says how many
 * pages it carved, twice, from that memory alone.
 */
#include <kaal/spawn.h>
#include <kaal/tap.h>

#include "allocator.h"
#include "example.h"

#define PLAN     3
#define WAIT_NS  (UINT64_C(10) * 1000 * 1000 * 1000)
#define PRIORITY 100u

static struct kaal_broker broker;

int kaal_example_main(const struct kaal_boot_info *bi)
{
	struct example_holdings at_start;
	if (!example_begin(&broker, bi, PLAN, &at_start))
		return 1;
	struct kaal_memory memory;
	struct kaal_spawned p;
	kaal_status st =
	    kaal_broker_allocate_memory(&broker, UINT64_C(1) << ALLOCATOR_MEMORY_BITS, 0, &memory);
	const struct kaal_spawn_cap caps[] = {{"memory", memory.cap, KAAL_RIGHTS_ALL}};
	if (st == KAAL_OK)
		st = kaal_spawn(&broker, "allocator", caps, 1, PRIORITY, 0, &p);
	if (!kaal_tap_ok_status(st, "the allocator starts with 64 KiB of untyped memory"))
		return (int)kaal_tap_failures();
	int pages = 0;
	st = kaal_spawn_wait(&p, WAIT_NS, &pages);
	kaal_diag_str("the allocator carved ");
	kaal_diag_dec((uint64_t)(int64_t)pages);
	kaal_diag_str(" pages, twice");
	kaal_diag_end();
	kaal_tap_ok(st == KAAL_OK && pages == (int)ALLOCATOR_PAGES,
	            "it served 1000 list nodes from its own pages, carved the rest of its memory "
	            "until the kernel said exhausted, gave it all back and carved it again");
	st = kaal_spawn_destroy(&broker, &p);
	if (st == KAAL_OK)
		st = kaal_broker_free_memory(&broker, &memory);
	kaal_tap_ok(st == KAAL_OK && example_all_back(&broker, &at_start),
	            "its memory comes back to the broker with it");
	return (int)kaal_tap_failures();
}
