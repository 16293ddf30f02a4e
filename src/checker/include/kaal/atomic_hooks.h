/*
 * kaal/atomic.h in a checker build: every atomic access and fence becomes a
 * call into the checker (src/checker), which makes it a scheduling point
 * and applies the run's memory model. The atomic types keep the size and
 * alignment of the normal build, so shared structures keep their layout.
 */
#ifndef KAAL_ATOMIC_HOOKS_H
#define KAAL_ATOMIC_HOOKS_H

#include <stdbool.h>
#include <stdint.h>

typedef uint32_t kaal_atomic_u32 __attribute__((aligned(4)));
typedef uint64_t kaal_atomic_u64 __attribute__((aligned(8)));

enum kaal_check_order {
	KAAL_RELAXED,
	KAAL_ACQUIRE,
	KAAL_RELEASE,
	KAAL_ACQ_REL,
	KAAL_SEQ_CST,
};

enum kaal_check_rmw {
	KAAL_CHECK_RMW_EXCHANGE,
	KAAL_CHECK_RMW_ADD,
	KAAL_CHECK_RMW_OR,
};

/* Where an access was written, for the checker's traces. */
struct kaal_check_site {
	const char *file;
	int line;
	const char *function;
};

#define KAAL_CHECK_SITE ((struct kaal_check_site){__FILE__, __LINE__, __func__})

uint64_t kaal_check_load(const volatile void *obj, unsigned size, enum kaal_check_order order,
                         struct kaal_check_site site);
void kaal_check_store(volatile void *obj, unsigned size, uint64_t value,
                      enum kaal_check_order order, struct kaal_check_site site);
uint64_t kaal_check_rmw(volatile void *obj, unsigned size, enum kaal_check_rmw op, uint64_t value,
                        enum kaal_check_order order, struct kaal_check_site site);
bool kaal_check_cas(volatile void *obj, unsigned size, void *expected, uint64_t desired,
                    enum kaal_check_order success, enum kaal_check_order failure,
                    struct kaal_check_site site);
void kaal_check_fence(enum kaal_check_order order, struct kaal_check_site site);
void kaal_check_plain(const volatile void *ptr, unsigned long size, bool write,
                      struct kaal_check_site site);

/*
 * The value is converted to the object's own type on the way out, inside a
 * statement expression so that a result left unused is no warning.
 */
#define KAAL_CHECK_AS(obj, value)    __extension__({ (__typeof__(*(obj)))(value); })
#define kaal_atomic_init(obj, value) ((void)(*(obj) = (value)))
#define kaal_atomic_load(obj, order)                                                               \
	KAAL_CHECK_AS((obj), kaal_check_load((obj), sizeof *(obj), (order), KAAL_CHECK_SITE))
#define kaal_atomic_store(obj, value, order)                                                       \
	kaal_check_store((obj), sizeof *(obj), (uint64_t)(value), (order), KAAL_CHECK_SITE)
#define kaal_atomic_exchange(obj, value, order)                                                    \
	KAAL_CHECK_AS((obj), kaal_check_rmw((obj), sizeof *(obj), KAAL_CHECK_RMW_EXCHANGE,         \
	                                    (uint64_t)(value), (order), KAAL_CHECK_SITE))
#define kaal_atomic_fetch_add(obj, value, order)                                                   \
	KAAL_CHECK_AS((obj), kaal_check_rmw((obj), sizeof *(obj), KAAL_CHECK_RMW_ADD,              \
	                                    (uint64_t)(value), (order), KAAL_CHECK_SITE))
#define kaal_atomic_fetch_or(obj, value, order)                                                    \
	KAAL_CHECK_AS((obj), kaal_check_rmw((obj), sizeof *(obj), KAAL_CHECK_RMW_OR,               \
	                                    (uint64_t)(value), (order), KAAL_CHECK_SITE))
#define kaal_atomic_cas(obj, expected, desired, success, failure)                                  \
	kaal_check_cas((obj), sizeof *(obj), (expected), (uint64_t)(desired), (success),           \
	               (failure), KAAL_CHECK_SITE)
#define kaal_atomic_fence(order)     kaal_check_fence((order), KAAL_CHECK_SITE)
#define kaal_shared_read(ptr, size)  kaal_check_plain((ptr), (size), false, KAAL_CHECK_SITE)
#define kaal_shared_write(ptr, size) kaal_check_plain((ptr), (size), true, KAAL_CHECK_SITE)

#endif
