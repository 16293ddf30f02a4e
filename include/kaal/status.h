/* Status codes returned by every kaal system call and runtime function. */
#ifndef KAAL_STATUS_H
#define KAAL_STATUS_H

typedef enum kaal_status {
	KAAL_OK = 0,
	/* Capability pointer lookup failures, one per way a walk can fail. */
	KAAL_INVALID_ROOT = 1,       /* the root is not a CNode capability */
	KAAL_MISSING_CAPABILITY = 2, /* an empty slot was met with bits left */
	KAAL_DEPTH_MISMATCH = 3,     /* the bits left do not fit the next level */
	KAAL_GUARD_MISMATCH = 4,     /* the pointer's bits differ from a guard */
	/* Capability and slot failures. */
	KAAL_SLOT_EMPTY = 5,     /* the operation needs a capability here */
	KAAL_SLOT_OCCUPIED = 6,  /* the destination slot already holds one */
	KAAL_WRONG_TYPE = 7,     /* the capability is of another type */
	KAAL_MISSING_RIGHT = 8,  /* the capability lacks a needed right */
	KAAL_ALREADY_BADGED = 9, /* a badged capability cannot be rebadged */
	KAAL_REVOKE_FIRST = 10,  /* the capability still has children */
	/* Memory failures. */
	KAAL_UNTYPED_EXHAUSTED = 11, /* result word 0 holds the bytes left */
	/* Argument and call failures. */
	KAAL_INVALID_ARGUMENT = 12,
	KAAL_INVALID_SYSCALL = 13,
	KAAL_ILLEGAL_OPERATION = 14, /* valid arguments, wrong object state */
	/* Blocking outcomes. */
	KAAL_TIMEOUT = 15,
	KAAL_OBJECT_DELETED = 16, /* the object was destroyed while waiting */
	KAAL_BUSY = 17,           /* held by someone else */
	KAAL_CORRUPT_RING = 18,   /* a shared ring or call slot failed validation */
	KAAL_WOULD_BLOCK = 19,    /* a ring is full (to its producer) or empty (to its consumer) */
	KAAL_OUT_OF_SLOTS = 20,   /* no free capability slot is left to allocate */
	KAAL_LIMIT_REACHED = 21,  /* a fixed kernel limit (live address spaces) is reached */
	KAAL_DEVICE_FAULT = 22,   /* a device's registers said something it cannot mean */
	KAAL_STATUS_COUNT = 23
} kaal_status;

/* A stable name for every status ("KAAL_OK", ...); "KAAL_UNKNOWN" otherwise. */
const char *kaal_status_name(long status);

#endif
