/* The checked tests kaal-check knows by name. */
#include <string.h>

#include "catalogue.h"

static const struct kaal_check_test *const tests[] = {
    &checked_channel,          &checked_channel_timeout,     &checked_channel_set,
    &checked_channel_resize,   &checked_call_slot,           &checked_mpmc,
    &checked_notification,     &checked_notification_delete, &checked_ring_attach,
    &checked_ring_attach_wide, &checked_ring_hostile,        &checked_ring_source,
    &checked_channel_arm,
};

const struct kaal_check_test *checked_test_at(unsigned i)
{
	return i < sizeof tests / sizeof tests[0] ? tests[i] : NULL;
}

const struct kaal_check_test *checked_test(const char *name)
{
	const struct kaal_check_test *t;
	for (unsigned i = 0; (t = checked_test_at(i)); i++)
		if (strcmp(t->name, name) == 0)
			return t;
	return NULL;
}
