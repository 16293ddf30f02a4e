/* The names the driver kit gives capabilities, shared by its starter and its two other sides. */
#ifndef KAAL_RUNTIME_DRIVER_NAMES_H
#define KAAL_RUNTIME_DRIVER_NAMES_H

#include <kaal/driver.h>

#define DRIVER_NUMBERED_NAME 8u /* "client7" and its NUL */

/* A client's capabilities, in the order of kaal_driver_client_caps(): prefix + suffix. */
static const char *const driver_client_suffix[KAAL_DRIVER_CLIENT_CAPS] = {"_req", "_rsp", "_bell",
                                                                          "_wait"};

/* name = prefix + a one-digit number, e.g. "req" 3: "req3" (clients are fewer than 10). */
static inline void driver_numbered(char name[DRIVER_NUMBERED_NAME], const char *prefix, unsigned n)
{
	_Static_assert(KAAL_DRIVER_MAX_CLIENTS <= 10, "one digit per client number");
	unsigned i = 0;
	for (; prefix[i]; i++)
		name[i] = prefix[i];
	name[i++] = (char)('0' + n);
	name[i] = '\0';
}

/* name = prefix (1..KAAL_DRIVER_PREFIX_MAX bytes) + suffix; false for a bad prefix. */
static inline bool driver_client_name(char name[KAAL_PROGRAM_NAME_MAX], const char *prefix,
                                      const char *suffix)
{
	unsigned n = 0;
	while (n < KAAL_DRIVER_PREFIX_MAX && prefix[n])
		n++;
	if (n == 0 || prefix[n])
		return false;
	for (unsigned i = 0; i < n; i++)
		name[i] = prefix[i];
	for (unsigned k = 0; (name[n + k] = suffix[k]) != '\0'; k++)
		;
	return true;
}

#endif
