/* What every example's root task does first and last (example.h). */
#include <kaal/tap.h>

#include "example.h"

bool example_begin(struct kaal_broker *b, const struct kaal_boot_info *bi, unsigned plan,
                   struct example_holdings *at_start)
{
	kaal_tap_plan(plan);
	if (kaal_broker_init(b, bi) != KAAL_OK) {
		kaal_tap_diag("the broker does not accept this boot info");
		return false;
	}
	*at_start = (struct example_holdings){b->memory.free_bytes, b->slots.free_count};
	return true;
}

bool example_all_back(const struct kaal_broker *b, const struct example_holdings *at_start)
{
	return b->memory.free_bytes == at_start->free_bytes &&
	       b->slots.free_count == at_start->free_slots;
}
