/* The capability broker: slots, the buddy memory manager, devices, objects. */
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#include <kaal/broker.h>

static struct kaal_broker broker;

static int broker_setup(void **state)
{
	harness_setup(state);
	assert_status(KAAL_OK, kaal_broker_init(&broker, h.bi));
	return 0;
}

static void init_checks_boot_info(void **state)
{
	(void)state;
	struct kaal_boot_info bad = *h.bi;
	bad.magic = 0;
	struct kaal_broker other;
	assert_status(KAAL_INVALID_ARGUMENT, kaal_broker_init(&other, &bad));
	bad = *h.bi;
	bad.version = 99;
	assert_status(KAAL_INVALID_ARGUMENT, kaal_broker_init(&other, &bad));
	assert_status(KAAL_INVALID_ARGUMENT, kaal_broker_init(&other, NULL));
	assert_int_equal(h.bi->slot_count - h.bi->first_free_slot, broker.slots.free_count);
	assert_true(broker.memory.total_bytes > 100u << 20);
	assert_int_equal(broker.memory.total_bytes, broker.memory.free_bytes);
}

static void slots_are_reused(void **state)
{
	(void)state;
	uint32_t total = broker.slots.free_count;
	kaal_cptr *taken = calloc(total, sizeof(*taken));
	assert_non_null(taken);
	for (uint32_t i = 0; i < total; i++) {
		assert_status(KAAL_OK, kaal_broker_alloc_slot(&broker, &taken[i]));
		assert_true(taken[i] >= h.bi->first_free_slot && taken[i] < h.bi->slot_count);
		assert_int_equal(KAAL_CAP_NULL, harness_identify(taken[i]).type);
	}
	kaal_cptr extra;
	assert_status(KAAL_OUT_OF_SLOTS, kaal_broker_alloc_slot(&broker, &extra));
	assert_status(KAAL_OK, kaal_broker_free_slot(&broker, taken[17]));
	assert_status(KAAL_INVALID_ARGUMENT, kaal_broker_free_slot(&broker, taken[17]));
	assert_status(KAAL_OK, kaal_broker_alloc_slot(&broker, &extra));
	assert_int_equal(taken[17], extra);
	assert_status(KAAL_INVALID_ARGUMENT, kaal_broker_free_slot(&broker, 1));
	assert_status(KAAL_INVALID_ARGUMENT, kaal_broker_free_slot(&broker, h.bi->slot_count));
	for (uint32_t i = 0; i < total; i++)
		assert_status(KAAL_OK, kaal_broker_free_slot(&broker, taken[i]));
	assert_int_equal(total, broker.slots.free_count);
	free(taken);
}

static void allocations_are_aligned_untyped(void **state)
{
	(void)state;
	struct kaal_memory page, odd, big;
	assert_status(KAAL_OK, kaal_broker_allocate_memory(&broker, 4096, 0, &page));
	assert_int_equal(4096, page.size);
	assert_int_equal(0, page.phys % 4096);
	struct kaal_untyped_info info;
	assert_status(KAAL_OK, kaal_untyped_info(page.cap, &info));
	assert_int_equal(page.phys, info.base);
	assert_int_equal(12, info.size_bits);
	assert_int_equal(4096, info.bytes_left);
	assert_status(KAAL_OK, kaal_broker_allocate_memory(&broker, 5000, 0, &odd));
	assert_int_equal(8192, odd.size);
	assert_status(KAAL_OK, kaal_broker_allocate_memory(&broker, 4096, 1u << 20, &big));
	assert_int_equal(0, big.phys % (1u << 20));
	/* The blocks do not overlap. */
	assert_true(page.phys + page.size <= odd.phys || odd.phys + odd.size <= page.phys);
	assert_true(big.phys + big.size <= page.phys || page.phys + page.size <= big.phys);
	struct kaal_memory none;
	assert_status(KAAL_INVALID_ARGUMENT, kaal_broker_allocate_memory(&broker, 0, 0, &none));
	assert_status(KAAL_INVALID_ARGUMENT, kaal_broker_allocate_memory(&broker, 4096, 3, &none));
	assert_status(KAAL_OK, kaal_broker_free_memory(&broker, &page));
	assert_status(KAAL_OK, kaal_broker_free_memory(&broker, &odd));
	assert_status(KAAL_OK, kaal_broker_free_memory(&broker, &big));
	assert_int_equal(broker.memory.total_bytes, broker.memory.free_bytes);
}

#define HELD_MAX 64 /* more than the blocks taking all memory leaves */

/* Take every free block, largest first, into held[HELD_MAX]; returns how many. */
static unsigned take_all_memory(struct kaal_memory *held)
{
	unsigned n = 0;
	for (unsigned bits = KAAL_MEMORY_MAX_BITS + 1;
	     bits-- > KAAL_MEMORY_MIN_BITS && n < HELD_MAX;)
		while (n < HELD_MAX && kaal_broker_allocate_memory(&broker, UINT64_C(1) << bits, 0,
		                                                   &held[n]) == KAAL_OK)
			n++;
	return n;
}

static void exhaustion_is_all_or_nothing(void **state)
{
	(void)state;
	uint64_t free_before = broker.memory.free_bytes;
	uint32_t slots_before = broker.slots.free_count;
	struct kaal_memory m;
	assert_status(KAAL_UNTYPED_EXHAUSTED,
	              kaal_broker_allocate_memory(&broker, broker.memory.total_bytes * 2, 0, &m));
	assert_int_equal(free_before, broker.memory.free_bytes);
	assert_int_equal(slots_before, broker.slots.free_count);
	/* Take every block, then one more page fails and nothing changes. */
	struct kaal_memory held[HELD_MAX];
	unsigned n = take_all_memory(held);
	assert_int_equal(0, broker.memory.free_bytes);
	uint32_t slots_now = broker.slots.free_count;
	assert_status(KAAL_UNTYPED_EXHAUSTED, kaal_broker_allocate_memory(&broker, 4096, 0, &m));
	assert_int_equal(slots_now, broker.slots.free_count);
	while (n > 0)
		assert_status(KAAL_OK, kaal_broker_free_memory(&broker, &held[--n]));
	assert_int_equal(free_before, broker.memory.free_bytes);
	assert_int_equal(slots_before, broker.slots.free_count);
}

static void free_checks_and_revokes(void **state)
{
	(void)state;
	struct kaal_memory m;
	assert_status(KAAL_OK, kaal_broker_allocate_memory(&broker, 4096, 0, &m));
	kaal_cptr n;
	assert_status(KAAL_OK, kaal_broker_alloc_slot(&broker, &n));
	assert_status(KAAL_OK, kaal_notification_create(m.cap, harness_ref(n)));
	assert_int_equal(KAAL_CAP_NOTIFICATION, harness_identify(n).type);
	struct kaal_memory wrong = m;
	wrong.id = KAAL_MEMORY_MAX_BLOCKS;
	assert_status(KAAL_INVALID_ARGUMENT, kaal_broker_free_memory(&broker, &wrong));
	wrong = m;
	wrong.cap++;
	assert_status(KAAL_INVALID_ARGUMENT, kaal_broker_free_memory(&broker, &wrong));
	assert_int_equal(KAAL_CAP_NOTIFICATION, harness_identify(n).type);
	assert_status(KAAL_OK, kaal_broker_free_memory(&broker, &m));
	/* Objects made from freed memory are gone. */
	assert_int_equal(KAAL_CAP_NULL, harness_identify(n).type);
	assert_status(KAAL_INVALID_ARGUMENT, kaal_broker_free_memory(&broker, &m));
	assert_status(KAAL_OK, kaal_broker_free_slot(&broker, n));
}

/* The set of free blocks, as (base, bits) pairs sorted, for comparing states. */
static size_t free_blocks(const struct kaal_memory_manager *m, uint64_t *out, size_t max)
{
	size_t n = 0;
	for (unsigned o = 0; o <= KAAL_MEMORY_MAX_BITS; o++)
		for (uint32_t i = m->free_list[o]; i != KAAL_MEMORY_NONE; i = m->block[i].next) {
			assert_true(n < max);
			out[n++] = m->block[i].base | m->block[i].bits;
		}
	return n;
}

static int compare_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

/* The manager's free state: what a refused call must leave as it was. */
struct memory_state {
	uint64_t block[KAAL_MEMORY_MAX_BLOCKS]; /* free blocks, sorted */
	size_t blocks;
	uint64_t free_bytes;
	uint32_t free_slots;
	uint32_t unused_records;
};

static void memory_state(const struct kaal_broker *b, struct memory_state *s)
{
	s->blocks = free_blocks(&b->memory, s->block, KAAL_MEMORY_MAX_BLOCKS);
	qsort(s->block, s->blocks, sizeof(s->block[0]), compare_u64);
	s->free_bytes = b->memory.free_bytes;
	s->free_slots = b->slots.free_count;
	s->unused_records = b->memory.unused_count;
}

static void assert_memory_state(const struct memory_state *expected, const struct kaal_broker *b)
{
	static struct memory_state now;
	memory_state(b, &now);
	assert_int_equal(expected->blocks, now.blocks);
	assert_memory_equal(expected->block, now.block, now.blocks * sizeof(now.block[0]));
	assert_int_equal(expected->free_bytes, now.free_bytes);
	assert_int_equal(expected->free_slots, now.free_slots);
	assert_int_equal(expected->unused_records, now.unused_records);
}

/* Both handles name the same block through the same record: all but the generation agree. */
static bool same_block(const struct kaal_memory *a, const struct kaal_memory *b)
{
	return a->id == b->id && a->cap == b->cap && a->phys == b->phys && a->size == b->size;
}

/* Freeing a freed handle is refused and changes nothing. */
static void assert_stale_refused(const struct kaal_memory *stale)
{
	static struct memory_state before;
	memory_state(&broker, &before);
	assert_status(KAAL_INVALID_ARGUMENT, kaal_broker_free_memory(&broker, stale));
	assert_memory_state(&before, &broker);
}

static void stale_free_leaves_the_new_owner_alone(void **state)
{
	(void)state;
	static struct memory_state home;
	memory_state(&broker, &home);
	/* A whole free block: taking it splits nothing, so the next allocation takes it again. */
	unsigned bits = KAAL_MEMORY_MIN_BITS;
	while (broker.memory.free_list[bits] == KAAL_MEMORY_NONE)
		bits++;
	struct kaal_memory stale, owner;
	assert_status(KAAL_OK,
	              kaal_broker_allocate_memory(&broker, UINT64_C(1) << bits, 0, &stale));
	assert_status(KAAL_OK, kaal_broker_free_memory(&broker, &stale));
	assert_status(KAAL_OK,
	              kaal_broker_allocate_memory(&broker, UINT64_C(1) << bits, 0, &owner));
	assert_true(same_block(&stale, &owner));
	assert_int_not_equal(stale.generation, owner.generation);
	kaal_cptr n;
	assert_status(KAAL_OK, kaal_broker_alloc_slot(&broker, &n));
	assert_status(KAAL_OK, kaal_notification_create(owner.cap, harness_ref(n)));

	assert_stale_refused(&stale);
	/* The owner's block was not revoked: its notification works, and its free succeeds. */
	kaal_word bits_seen;
	assert_status(KAAL_OK, kaal_signal(n, 5));
	assert_status(KAAL_OK, kaal_poll(n, &bits_seen));
	assert_int_equal(5, bits_seen);
	assert_status(KAAL_OK, kaal_broker_free_memory(&broker, &owner));
	assert_int_equal(KAAL_CAP_NULL, harness_identify(n).type);
	assert_status(KAAL_OK, kaal_broker_free_slot(&broker, n));
	assert_stale_refused(&owner);
	assert_stale_refused(&stale);
	assert_memory_state(&home, &broker);
}

/* Index of the largest untyped region of boot info. */
static uint32_t largest_region(const struct kaal_boot_info *bi)
{
	uint32_t largest = 0;
	for (uint32_t r = 1; r < bi->untyped_count; r++)
		if (bi->untyped[r].size_bits > bi->untyped[largest].size_bits)
			largest = r;
	return largest;
}

#define ALIAS_ROUNDS_MAX 8 /* records and slots come round again within a few rounds */

static void stale_handle_of_a_merged_or_split_block_is_refused(void **state)
{
	(void)state;
	/* One region, so every allocation below splits or merges the same block. */
	struct kaal_broker_range range = kaal_broker_whole_range(h.bi);
	range.untyped = UINT64_C(1) << largest_region(h.bi);
	assert_status(KAAL_OK, kaal_broker_init_range(&broker, h.bi, &range));
	static struct memory_state home;
	memory_state(&broker, &home);
	assert_int_equal(1, home.blocks);
	struct kaal_memory page, whole, pair, again;
	assert_status(KAAL_OK, kaal_broker_allocate_memory(&broker, 4096, 0, &page));
	assert_status(KAAL_OK, kaal_broker_free_memory(&broker, &page));
	/* The page merged back into the region, which is now allocated whole. */
	assert_status(KAAL_OK,
	              kaal_broker_allocate_memory(&broker, broker.memory.total_bytes, 0, &whole));
	assert_true(page.phys >= whole.phys && page.phys < whole.phys + whole.size);
	assert_stale_refused(&page);
	assert_status(KAAL_OK, kaal_broker_free_memory(&broker, &whole));
	/* Split again: the page's bytes are part of a two-page block. */
	assert_status(KAAL_OK, kaal_broker_allocate_memory(&broker, 8192, 0, &pair));
	assert_int_equal(page.phys, pair.phys);
	assert_stale_refused(&page);
	assert_stale_refused(&whole);
	assert_status(KAAL_OK, kaal_broker_free_memory(&broker, &pair));
	/* Merge and split until a live page has the stale page's record, capability and bytes. */
	bool alias = false;
	for (unsigned round = 0; round < ALIAS_ROUNDS_MAX && !alias; round++) {
		assert_status(KAAL_OK, kaal_broker_allocate_memory(&broker, 4096, 0, &again));
		alias = same_block(&again, &page);
		if (!alias)
			assert_status(KAAL_OK, kaal_broker_free_memory(&broker, &again));
	}
	assert_true(alias);
	assert_stale_refused(&page);
	assert_stale_refused(&whole);
	assert_stale_refused(&pair);
	assert_status(KAAL_OK, kaal_broker_free_memory(&broker, &again));
	assert_memory_state(&home, &broker);
}

#define RANDOM_OPS   1000000u
#define LIVE_MAX     48
#define STALE_MAX    16 /* the most recently freed handles, kept to free again */
#define STALE_ONE_IN 16 /* about one operation in this many frees a stale handle */

static void million_random_operations_return_home(void **state)
{
	(void)state;
	static struct memory_state home;
	memory_state(&broker, &home);
	struct kaal_memory live[LIVE_MAX], stale[STALE_MAX];
	unsigned live_count = 0, stale_count = 0, stale_next = 0;
	unsigned stale_frees = 0, aliased = 0;
	uint64_t seed = 0x9E3779B97F4A7C15u;
	for (uint32_t op = 0; op < RANDOM_OPS; op++) {
		seed ^= seed << 13;
		seed ^= seed >> 7;
		seed ^= seed << 17;
		if (stale_count > 0 && (seed >> 24) % STALE_ONE_IN == 0) {
			const struct kaal_memory *s = &stale[(seed >> 32) % stale_count];
			/* Count stale handles that are, but for the generation, a live block's. */
			for (unsigned k = 0; k < live_count; k++)
				aliased += same_block(s, &live[k]);
			assert_stale_refused(s);
			stale_frees++;
			continue;
		}
		bool do_alloc = live_count == 0 || (live_count < LIVE_MAX && (seed & 1));
		if (do_alloc) {
			uint64_t size =
			    1 + ((seed >> 8) % (UINT64_C(1) << (12 + (seed >> 40) % 9)));
			kaal_status st =
			    kaal_broker_allocate_memory(&broker, size, 0, &live[live_count]);
			assert_status(KAAL_OK, st);
			assert_true(live[live_count].size >= size);
			live_count++;
		} else {
			unsigned k = (unsigned)((seed >> 16) % live_count);
			assert_status(KAAL_OK, kaal_broker_free_memory(&broker, &live[k]));
			stale[stale_next] = live[k];
			stale_next = (stale_next + 1) % STALE_MAX;
			stale_count += stale_count < STALE_MAX;
			live[k] = live[--live_count];
		}
	}
	while (live_count > 0)
		assert_status(KAAL_OK, kaal_broker_free_memory(&broker, &live[--live_count]));
	/* The stale frees did meet blocks their handles still matched but for the generation. */
	assert_true(stale_frees > RANDOM_OPS / STALE_ONE_IN / 2);
	assert_true(aliased > 0);
	assert_memory_state(&home, &broker);
	assert_int_equal(KAAL_MEMORY_MAX_BLOCKS - home.blocks, broker.memory.unused_count);
	for (uint32_t r = 0; r < h.bi->untyped_count; r++) {
		struct kaal_untyped_info info;
		assert_status(KAAL_OK, kaal_untyped_info(h.bi->untyped[r].cptr, &info));
		assert_int_equal(UINT64_C(1) << info.size_bits, info.bytes_left);
	}
}

static void destroyed_process_is_refused(void **state)
{
	(void)state;
	struct kaal_process p, copy, next;
	assert_status(KAAL_OK, kaal_broker_create_process(&broker, 4, 100, 0, &p));
	copy = p;
	assert_status(KAAL_OK, kaal_broker_destroy_process(&broker, &p));
	/* The next process gets the same block and slots; the old copy must not reach it. */
	assert_status(KAAL_OK, kaal_broker_create_process(&broker, 4, 100, 0, &next));
	assert_true(same_block(&copy.memory, &next.memory));
	assert_int_equal(copy.cnode, next.cnode);
	kaal_cptr ep;
	assert_status(KAAL_OK, kaal_broker_create_endpoint(&broker, &ep));
	static struct memory_state before;
	memory_state(&broker, &before);
	assert_status(KAAL_INVALID_ARGUMENT,
	              kaal_broker_give(&broker, &copy, 1, ep, KAAL_RIGHT_READ));
	harness_assert_empty(kaal_process_slot(&next, 1));
	assert_status(KAAL_INVALID_ARGUMENT, kaal_broker_destroy_process(&broker, &copy));
	assert_memory_state(&before, &broker);
	assert_int_equal(KAAL_CAP_THREAD, harness_identify(next.thread).type);
	assert_int_equal(KAAL_CAP_VSPACE, harness_identify(next.vspace).type);
	assert_status(KAAL_OK, kaal_broker_give(&broker, &next, 1, ep, KAAL_RIGHT_READ));
	assert_status(KAAL_OK, kaal_broker_destroy_process(&broker, &next));
	assert_status(KAAL_OK, kaal_broker_destroy_object(&broker, ep));
}

#define POISON 0xA5 /* fills a struct a refused call must leave as it was */

/* Every way a range can be wrong is refused, and the broker is left as it was. */
static void init_range_refuses_bad_ranges(void **state)
{
	(void)state;
	static struct kaal_broker target, untouched;
	memset(&target, POISON, sizeof(target));
	untouched = target;
	const struct kaal_broker_range whole = kaal_broker_whole_range(h.bi);
	struct kaal_broker_range bad[] = {
	    {whole.first_slot - 1, whole.end_slot, whole.untyped},       /* below the free slots */
	    {whole.first_slot, whole.end_slot + 1, whole.untyped},       /* past the end */
	    {whole.end_slot, whole.end_slot + 8, whole.untyped},         /* all past the end */
	    {whole.first_slot, whole.first_slot, whole.untyped},         /* empty */
	    {whole.first_slot + 8, whole.first_slot + 4, whole.untyped}, /* backwards */
	    {whole.first_slot, whole.end_slot, UINT64_C(1) << h.bi->untyped_count}, /* no region */
	    {whole.first_slot, whole.end_slot, UINT64_C(1) << KAAL_BOOT_INFO_MAX_UNTYPED},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_status(KAAL_INVALID_ARGUMENT,
		              kaal_broker_init_range(&target, h.bi, &bad[i]));
		assert_memory_equal(&untouched, &target, sizeof(target));
	}
	assert_status(KAAL_INVALID_ARGUMENT, kaal_broker_init_range(&target, h.bi, NULL));
	assert_status(KAAL_INVALID_ARGUMENT, kaal_broker_init_range(NULL, h.bi, &whole));
	assert_status(KAAL_INVALID_ARGUMENT, kaal_broker_init_range(&target, NULL, &whole));
	struct kaal_boot_info other = *h.bi;
	other.magic = 0;
	assert_status(KAAL_INVALID_ARGUMENT, kaal_broker_init_range(&target, &other, &whole));
	/* A root CNode larger than a broker can manage: slots beyond the broker's limit. */
	other = *h.bi;
	other.slot_count = 2 * KAAL_BROKER_MAX_SLOTS;
	struct kaal_broker_range beyond = {KAAL_BROKER_MAX_SLOTS - 8, KAAL_BROKER_MAX_SLOTS + 8, 0};
	assert_status(KAAL_INVALID_ARGUMENT, kaal_broker_init_range(&target, &other, &beyond));
	assert_memory_equal(&untouched, &target, sizeof(target));

	/* The memory manager refuses a region boot info does not have, and stays as it was. */
	static struct kaal_memory_manager manager, manager_untouched;
	memset(&manager, POISON, sizeof(manager));
	manager_untouched = manager;
	assert_status(KAAL_INVALID_ARGUMENT,
	              kaal_memory_init_regions(&manager, &broker.slots, h.bi,
	                                       UINT64_C(1) << h.bi->untyped_count));
	assert_status(KAAL_INVALID_ARGUMENT,
	              kaal_memory_init_regions(&manager, NULL, h.bi, whole.untyped));
	assert_memory_equal(&manager_untouched, &manager, sizeof(manager));

	/* kaal_broker_init() is the whole range. */
	assert_status(KAAL_OK, kaal_broker_init_range(&target, h.bi, &whole));
	/* Each manager points at its own broker's slots; all else is the same. */
	assert_ptr_equal(&target.slots, target.memory.slots);
	target.memory.slots = &broker.slots;
	assert_memory_equal(&broker, &target, sizeof(target));
	/* No regions at all is a broker of slots only. */
	struct kaal_broker_range slots_only = {whole.first_slot, whole.end_slot, 0};
	assert_status(KAAL_OK, kaal_broker_init_range(&target, h.bi, &slots_only));
	struct kaal_memory m;
	assert_status(KAAL_UNTYPED_EXHAUSTED, kaal_broker_allocate_memory(&target, 4096, 0, &m));
}

#define RANGE_OFFSET 64  /* the range starts this many slots into the free ones */
#define RANGE_SLOTS  128 /* enough for the splits and objects below */

static bool in_slot_range(const struct kaal_broker_range *r, kaal_cptr slot)
{
	return slot >= r->first_slot && slot < r->end_slot;
}

/* mem's capability is a slot of the range or a named region's own, and its bytes are in one. */
static void assert_memory_in_range(const struct kaal_broker_range *r, const struct kaal_memory *mem)
{
	bool cap_ok = in_slot_range(r, mem->cap), bytes_ok = false;
	for (uint32_t k = 0; k < h.bi->untyped_count; k++) {
		const struct kaal_boot_untyped *u = &h.bi->untyped[k];
		if (!((r->untyped >> k) & 1u))
			continue;
		cap_ok = cap_ok || mem->cap == u->cptr;
		bytes_ok =
		    bytes_ok || (mem->phys >= u->base &&
		                 mem->phys + mem->size <= u->base + (UINT64_C(1) << u->size_bits));
	}
	assert_true(cap_ok);
	assert_true(bytes_ok);
}

static void ranged_broker_stays_inside_its_range(void **state)
{
	(void)state;
	struct kaal_broker_range whole = kaal_broker_whole_range(h.bi), r = whole;
	r.first_slot = whole.first_slot + RANGE_OFFSET;
	r.end_slot = r.first_slot + RANGE_SLOTS;
	assert_true(r.end_slot < whole.end_slot);
	/* Every other region: a region left out lies between two given ones. */
	uint64_t bytes = 0;
	r.untyped = 0;
	for (uint32_t k = 1; k < h.bi->untyped_count; k += 2) {
		r.untyped |= UINT64_C(1) << k;
		if (h.bi->untyped[k].size_bits >= KAAL_MEMORY_MIN_BITS)
			bytes += UINT64_C(1) << h.bi->untyped[k].size_bits;
	}
	assert_status(KAAL_OK, kaal_broker_init_range(&broker, h.bi, &r));
	assert_int_equal(RANGE_SLOTS, broker.slots.free_count);
	assert_int_equal(bytes, broker.memory.total_bytes);
	static struct memory_state home;
	memory_state(&broker, &home);

	/* Objects, a process and frames: slots of the range, memory of the given regions. */
	kaal_cptr ep, frames[2];
	struct kaal_process p;
	struct kaal_memory frame_mem;
	assert_status(KAAL_OK, kaal_broker_create_endpoint(&broker, &ep));
	assert_status(KAAL_OK, kaal_broker_create_process(&broker, 4, 100, 1, &p));
	assert_status(KAAL_OK, kaal_broker_create_frames(&broker, 2, frames, &frame_mem));
	const kaal_cptr made[] = {ep,       p.cnode,      p.cspace,  p.vspace,
	                          p.thread, p.ipc_buffer, frames[0], frames[1]};
	for (size_t i = 0; i < sizeof(made) / sizeof(made[0]); i++)
		assert_true(in_slot_range(&r, made[i]));
	assert_memory_in_range(&r, &p.memory);
	assert_memory_in_range(&r, &frame_mem);
	/* Then all the rest of the memory, then all the rest of the slots. */
	struct kaal_memory held[HELD_MAX];
	unsigned n = take_all_memory(held);
	assert_int_equal(0, broker.memory.free_bytes);
	for (unsigned i = 0; i < n; i++)
		assert_memory_in_range(&r, &held[i]);
	kaal_cptr taken[RANGE_SLOTS];
	unsigned slots = 0;
	while (kaal_broker_alloc_slot(&broker, &taken[slots]) == KAAL_OK)
		assert_true(in_slot_range(&r, taken[slots++]));
	assert_int_equal(0, broker.slots.free_count);

	/* Nothing outside the range was touched: those slots are empty, those regions whole. */
	for (kaal_cptr s = whole.first_slot; s < whole.end_slot; s++)
		if (!in_slot_range(&r, s))
			harness_assert_slot_empty(s);
	for (uint32_t k = 0; k < h.bi->untyped_count; k++) {
		struct kaal_untyped_info info;
		if ((r.untyped >> k) & 1u)
			continue;
		assert_status(KAAL_OK, kaal_untyped_info(h.bi->untyped[k].cptr, &info));
		assert_int_equal(UINT64_C(1) << info.size_bits, info.bytes_left);
	}

	while (slots > 0)
		assert_status(KAAL_OK, kaal_broker_free_slot(&broker, taken[--slots]));
	while (n > 0)
		assert_status(KAAL_OK, kaal_broker_free_memory(&broker, &held[--n]));
	assert_status(KAAL_OK, kaal_broker_free_memory(&broker, &frame_mem));
	for (unsigned i = 0; i < 2; i++)
		assert_status(KAAL_OK, kaal_broker_free_slot(&broker, frames[i]));
	assert_status(KAAL_OK, kaal_broker_destroy_process(&broker, &p));
	assert_status(KAAL_OK, kaal_broker_destroy_object(&broker, ep));
	assert_memory_state(&home, &broker);
}

static void devices_are_exclusive(void **state)
{
	(void)state;
	struct kaal_device uart, again, timer;
	assert_status(KAAL_OK, kaal_broker_request_device(&broker, KAAL_DEVICE_UART0, &uart));
	assert_int_equal(0x09000000, uart.mmio_base);
	assert_int_equal(4096, uart.mmio_size);
	assert_int_equal(33, uart.irq);
	assert_int_equal(KAAL_CAP_DEVICE_FRAME, harness_identify(uart.frame).type);
	assert_int_equal(KAAL_CAP_IRQ_HANDLER, harness_identify(uart.irq_handler).type);
	assert_status(KAAL_BUSY, kaal_broker_request_device(&broker, KAAL_DEVICE_UART0, &again));
	assert_status(KAAL_INVALID_ARGUMENT, kaal_broker_request_device(&broker, 77, &again));
	assert_status(KAAL_ILLEGAL_OPERATION, kaal_broker_release_device(&broker, KAAL_DEVICE_RTC));
	/* A copy passed on further is revoked with the device. */
	kaal_cptr passed;
	assert_status(KAAL_OK, kaal_broker_alloc_slot(&broker, &passed));
	assert_status(KAAL_OK, kaal_cnode_copy(harness_ref(passed), harness_ref(uart.frame)));
	assert_status(KAAL_OK, kaal_broker_release_device(&broker, KAAL_DEVICE_UART0));
	assert_int_equal(KAAL_CAP_NULL, harness_identify(uart.frame).type);
	assert_int_equal(KAAL_CAP_NULL, harness_identify(uart.irq_handler).type);
	assert_int_equal(KAAL_CAP_NULL, harness_identify(passed).type);
	assert_status(KAAL_OK, kaal_broker_request_device(&broker, KAAL_DEVICE_UART0, &again));
	assert_int_equal(KAAL_CAP_DEVICE_FRAME, harness_identify(again.frame).type);
	assert_status(KAAL_OK, kaal_broker_request_device(&broker, KAAL_DEVICE_TIMER, &timer));
	assert_int_equal(0, timer.frame);
	assert_int_equal(KAAL_CAP_IRQ_HANDLER, harness_identify(timer.irq_handler).type);
	struct kaal_device rtc, gpio;
	assert_status(KAAL_OK, kaal_broker_request_device(&broker, KAAL_DEVICE_RTC, &rtc));
	assert_int_equal(0x09010000, rtc.mmio_base);
	assert_status(KAAL_OK, kaal_broker_request_device(&broker, KAAL_DEVICE_GPIO, &gpio));
	assert_int_equal(0x09030000, gpio.mmio_base);
}

static void objects_are_created_and_reclaimed(void **state)
{
	(void)state;
	uint64_t free_before = broker.memory.free_bytes;
	kaal_cptr ep, n, t;
	assert_status(KAAL_OK, kaal_broker_create_endpoint(&broker, &ep));
	assert_status(KAAL_OK, kaal_broker_create_notification(&broker, &n));
	assert_status(KAAL_OK, kaal_broker_create_thread(&broker, &t));
	assert_int_equal(KAAL_CAP_ENDPOINT, harness_identify(ep).type);
	assert_int_equal(KAAL_CAP_THREAD, harness_identify(t).type);
	assert_status(KAAL_OK, kaal_thread_configure(t, harness_root_node().root, 0, 100));
	kaal_word bits;
	assert_status(KAAL_OK, kaal_signal(n, 3));
	assert_status(KAAL_OK, kaal_poll(n, &bits));
	assert_int_equal(3, bits);
	assert_true(broker.memory.free_bytes < free_before);
	assert_status(KAAL_OK, kaal_broker_destroy_object(&broker, ep));
	assert_status(KAAL_OK, kaal_broker_destroy_object(&broker, n));
	assert_status(KAAL_OK, kaal_broker_destroy_object(&broker, t));
	assert_int_equal(KAAL_CAP_NULL, harness_identify(ep).type);
	assert_int_equal(KAAL_CAP_NULL, harness_identify(t).type);
	assert_status(KAAL_INVALID_ARGUMENT, kaal_broker_destroy_object(&broker, ep));
	assert_int_equal(free_before, broker.memory.free_bytes);
}

static kaal_status process_status;

static void process_reports(kaal_word word)
{
	/* Its IPC buffer frame is in the slot asked for, and it has a VSpace to map it in. */
	void *ipc = NULL;
	process_status = kaal_map(word, 0, KAAL_RIGHT_READ | KAAL_RIGHT_WRITE, &ipc);
	if (process_status == KAAL_OK)
		process_status = kaal_unmap(word);
	harness_barrier_wait();
}

static void processes_are_created_and_reclaimed(void **state)
{
	(void)state;
	uint64_t free_before = broker.memory.free_bytes;
	uint32_t slots_before = broker.slots.free_count;
	struct kaal_process p;
	assert_status(KAAL_INVALID_ARGUMENT, kaal_broker_create_process(&broker, 0, 100, 1, &p));
	assert_status(KAAL_INVALID_ARGUMENT,
	              kaal_broker_create_process(&broker, KAAL_MAX_CNODE_RADIX + 1, 100, 1, &p));
	assert_status(KAAL_INVALID_ARGUMENT, kaal_broker_create_process(&broker, 4, 100, 16, &p));
	assert_status(KAAL_INVALID_ARGUMENT, kaal_broker_create_process(&broker, 4, 256, 1, &p));
	assert_int_equal(free_before, broker.memory.free_bytes);
	assert_int_equal(slots_before, broker.slots.free_count);

	assert_status(KAAL_OK, kaal_broker_create_process(&broker, 4, 100, 1, &p));
	assert_int_equal(KAAL_CAP_THREAD, harness_identify(p.thread).type);
	assert_int_equal(KAAL_CAP_VSPACE, harness_identify(p.vspace).type);
	assert_int_equal(KAAL_CAP_FRAME, harness_identify_ref(kaal_process_slot(&p, 1)).type);
	harness_barrier_init(2);
	process_status = KAAL_INVALID_SYSCALL;
	static uint8_t stack[16384] __attribute__((aligned(16)));
	assert_status(KAAL_OK,
	              kaal_thread_start(p.thread, process_reports, stack + sizeof(stack), 1, NULL));
	harness_barrier_wait();
	assert_status(KAAL_OK, process_status);

	assert_status(KAAL_OK, kaal_broker_destroy_process(&broker, &p));
	assert_status(KAAL_INVALID_ARGUMENT, kaal_broker_destroy_process(&broker, &p));
	assert_int_equal(free_before, broker.memory.free_bytes);
	assert_int_equal(slots_before, broker.slots.free_count);
}

static void frames_come_from_one_block(void **state)
{
	(void)state;
	uint64_t free_before = broker.memory.free_bytes;
	uint32_t slots_before = broker.slots.free_count;
	kaal_cptr f[3];
	struct kaal_memory mem;
	assert_status(KAAL_INVALID_ARGUMENT, kaal_broker_create_frames(&broker, 0, f, &mem));
	/* More frames than the broker has slots. */
	assert_status(KAAL_INVALID_ARGUMENT,
	              kaal_broker_create_frames(&broker, KAAL_BROKER_MAX_SLOTS + 1, f, &mem));
	assert_int_equal(free_before, broker.memory.free_bytes);
	assert_int_equal(slots_before, broker.slots.free_count);

	assert_status(KAAL_OK, kaal_broker_create_frames(&broker, 3, f, &mem));
	for (unsigned i = 0; i < 3; i++) {
		struct kaal_cap_info info = harness_identify(f[i]);
		assert_int_equal(KAAL_CAP_FRAME, info.type);
		assert_int_equal(mem.phys + i * 4096u, info.object);
	}
	/* Handed to a process with fewer rights. */
	struct kaal_process p;
	assert_status(KAAL_OK, kaal_broker_create_process(&broker, 4, 100, 0, &p));
	assert_status(KAAL_OK, kaal_broker_give(&broker, &p, 2, f[1], KAAL_RIGHT_READ));
	struct kaal_cap_info given = harness_identify_ref(kaal_process_slot(&p, 2));
	assert_int_equal(KAAL_CAP_FRAME, given.type);
	assert_int_equal(KAAL_RIGHT_READ, given.rights);
	assert_int_equal(mem.phys + 4096u, given.object);
	assert_status(KAAL_SLOT_OCCUPIED, kaal_broker_give(&broker, &p, 2, f[0], KAAL_RIGHT_READ));

	assert_status(KAAL_OK, kaal_broker_free_memory(&broker, &mem));
	harness_assert_empty(kaal_process_slot(&p, 2));
	assert_int_equal(KAAL_CAP_NULL, harness_identify(f[0]).type);
	assert_status(KAAL_OK, kaal_broker_destroy_process(&broker, &p));
	for (unsigned i = 0; i < 3; i++)
		assert_status(KAAL_OK, kaal_broker_free_slot(&broker, f[i]));
	assert_int_equal(free_before, broker.memory.free_bytes);
	assert_int_equal(slots_before, broker.slots.free_count);
}

#define BROKER_TEST(fn) HARNESS_CASE_WITH(fn, broker_setup, harness_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    BROKER_TEST(init_checks_boot_info),
	    BROKER_TEST(slots_are_reused),
	    BROKER_TEST(allocations_are_aligned_untyped),
	    BROKER_TEST(exhaustion_is_all_or_nothing),
	    BROKER_TEST(free_checks_and_revokes),
	    BROKER_TEST(stale_free_leaves_the_new_owner_alone),
	    BROKER_TEST(stale_handle_of_a_merged_or_split_block_is_refused),
	    BROKER_TEST(million_random_operations_return_home),
	    BROKER_TEST(destroyed_process_is_refused),
	    BROKER_TEST(init_range_refuses_bad_ranges),
	    BROKER_TEST(ranged_broker_stays_inside_its_range),
	    BROKER_TEST(devices_are_exclusive),
	    BROKER_TEST(objects_are_created_and_reclaimed),
	    BROKER_TEST(processes_are_created_and_reclaimed),
	    BROKER_TEST(frames_come_from_one_block),
	};
	return cmocka_run_group_tests_name("broker", tests, NULL, NULL);
}
