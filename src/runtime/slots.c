/* The broker's slot allocator: a bitmap over the root CNode's free slots. */
#include <kaal/broker.h>

static bool slot_used(const struct kaal_slot_allocator *a, kaal_cptr s)
{
	return (a->used[s / 64] >> (s % 64)) & 1u;
}

bool kaal_slots_held(const struct kaal_slot_allocator *a, kaal_cptr slot)
{
	return a && slot >= a->first && slot < a->end && slot_used(a, slot);
}

kaal_status kaal_slots_init(struct kaal_slot_allocator *a, kaal_cptr first, kaal_cptr end)
{
	if (!a || first >= end || end > KAAL_BROKER_MAX_SLOTS)
		return KAAL_INVALID_ARGUMENT;
	/* Everything outside first..end-1 reads as used, so a search never returns it. */
	for (uint32_t w = 0; w < KAAL_BROKER_MAX_SLOTS / 64; w++)
		a->used[w] = ~UINT64_C(0);
	for (kaal_cptr s = first; s < end; s++)
		a->used[s / 64] &= ~(UINT64_C(1) << (s % 64));
	a->first = first;
	a->end = end;
	a->hint = first;
	a->free_count = (uint32_t)(end - first);
	return KAAL_OK;
}

kaal_status kaal_slots_alloc(struct kaal_slot_allocator *a, kaal_cptr *slot)
{
	if (!a || !slot)
		return KAAL_INVALID_ARGUMENT;
	if (a->free_count == 0)
		return KAAL_OUT_OF_SLOTS;
	const uint32_t words = KAAL_BROKER_MAX_SLOTS / 64;
	uint32_t w = (uint32_t)(a->hint / 64);
	for (uint32_t i = 0; i <= words; i++, w = (w + 1) % words) {
		if (a->used[w] == ~UINT64_C(0))
			continue;
		kaal_cptr s = (kaal_cptr)w * 64 + (kaal_cptr)__builtin_ctzll(~a->used[w]);
		a->used[w] |= UINT64_C(1) << (s % 64);
		a->free_count--;
		a->hint = s + 1 < a->end ? s + 1 : a->first;
		*slot = s;
		return KAAL_OK;
	}
	return KAAL_OUT_OF_SLOTS;
}

kaal_status kaal_slots_free(struct kaal_slot_allocator *a, kaal_cptr slot)
{
	if (!kaal_slots_held(a, slot))
		return KAAL_INVALID_ARGUMENT;
	a->used[slot / 64] &= ~(UINT64_C(1) << (slot % 64));
	a->free_count++;
	return KAAL_OK;
}
