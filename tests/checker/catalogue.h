/*
 * The checked tests that kaal-check runs by name, each defined in a file of
 * its own here; a new one is one file and one line in catalogue.c.
 */
#ifndef KAAL_CHECKED_CATALOGUE_H
#define KAAL_CHECKED_CATALOGUE_H

#include <kaal/checker.h>

extern const struct kaal_check_test checked_channel;
extern const struct kaal_check_test checked_call_slot;
extern const struct kaal_check_test checked_channel_timeout;
extern const struct kaal_check_test checked_channel_arm;
extern const struct kaal_check_test checked_channel_set;
extern const struct kaal_check_test checked_channel_resize;
extern const struct kaal_check_test checked_mpmc;
extern const struct kaal_check_test checked_notification;
extern const struct kaal_check_test checked_notification_delete;
extern const struct kaal_check_test checked_ring_attach;
extern const struct kaal_check_test checked_ring_attach_wide;
extern const struct kaal_check_test checked_ring_hostile;
extern const struct kaal_check_test checked_ring_source;

/* The catalogue, by name; NULL for a name it does not hold. */
const struct kaal_check_test *checked_test(const char *name);
/* The i-th test of the catalogue, or NULL past its end. */
const struct kaal_check_test *checked_test_at(unsigned i);

#endif
