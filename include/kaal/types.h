/* Basic ABI types shared by the kernel and user programs. */
#ifndef KAAL_TYPES_H
#define KAAL_TYPES_H

#include <stdint.h>

typedef uint64_t kaal_word;  /* one register-sized ABI word */
typedef uint64_t kaal_cptr;  /* capability pointer: bits resolved through a CSpace */
typedef uint64_t kaal_paddr; /* physical address */

/* Capability types. */
enum kaal_cap_type {
	KAAL_CAP_NULL = 0,
	KAAL_CAP_UNTYPED = 1,
	KAAL_CAP_FRAME = 2,
	KAAL_CAP_DEVICE_FRAME = 3,
	KAAL_CAP_IRQ_HANDLER = 4,
	KAAL_CAP_ENDPOINT = 5,
	KAAL_CAP_NOTIFICATION = 6,
	KAAL_CAP_CNODE = 7,
	KAAL_CAP_THREAD = 8,
	KAAL_CAP_REPLY = 9,
	KAAL_CAP_VSPACE = 10,
	KAAL_CAP_TYPE_COUNT = 11
};

/* Rights carried by a capability; a derived capability never has more. */
enum kaal_rights {
	KAAL_RIGHT_READ = 1u << 0,
	KAAL_RIGHT_WRITE = 1u << 1,
	KAAL_RIGHT_GRANT = 1u << 2,
	KAAL_RIGHT_GRANT_REPLY = 1u << 3,
	KAAL_RIGHTS_ALL = 0xFu
};

/* Object sizes (log2 bytes) for the fixed-size objects retype creates. */
#define KAAL_ENDPOINT_BITS     5
#define KAAL_NOTIFICATION_BITS 5
#define KAAL_THREAD_BITS       11
#define KAAL_PAGE_BITS         12
#define KAAL_LARGE_PAGE_BITS   21
#define KAAL_SLOT_BITS         6 /* one CNode slot */
#define KAAL_MIN_UNTYPED_BITS  4
#define KAAL_MAX_UNTYPED_BITS  47
#define KAAL_MIN_CNODE_RADIX   1
#define KAAL_MAX_CNODE_RADIX   20
/* A VSpace's size is chosen at retype: at least boot info's vspace_bits. */
#define KAAL_MAX_VSPACE_BITS 28

#define KAAL_WORD_BITS 64

#endif
