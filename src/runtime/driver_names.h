/* The names the driver kit gives capabilities, shared by its starter and its two other sides. */
#ifndef KAAL_RUNTIME_DRIVER_NAMES_H
#define KAAL_RUNTIME_DRIVER_NAMES_H

#include <kaal/driver.h>

#define DRIVER_NUMBERED_NAME 8u /* "client7" and its NUL */

/* A client's capabilities, in the order of kaal_driver_client_caps(): prefix + suffix. */
static const char *const driver_client_suffix[KAAL_DRIVER_CLIENT_CAPS] = {"_req", "_rsp", "_bell",
                                                                          "_wait", "_data"};
#define DRIVER_CLIENT_FIXED_CAPS 4u /* every link's; "_data" only with a shared buffer */

/* The word a driver starts with: where in their page its registers start, and their bytes. */
#define DRIVER_REGS_SIZE_SHIFT 32u
static inline kaal_word driver_regs_word(const struct kaal_device *d)
{
	kaal_word in_page = d->mmio_base & (((kaal_word)1 << KAAL_PAGE_BITS) - 1);
	return in_page | ((kaal_word)d->mmio_size << DRIVER_REGS_SIZE_SHIFT);
}

/* A buffer's size is a page or a large page: either way one frame. */
static inline bool driver_frame_size_valid(uint32_t bytes)
{
	return bytes == ((uint32_t)1 << KAAL_PAGE_BITS) ||
	       bytes == ((uint32_t)1 << KAAL_LARGE_PAGE_BITS);
}

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
