/*
 * Programs started by name (kaal_spawn(), spawn.h): what a started program
 * finds and how it ends. Its CSpace holds its start info frame, its IPC
 * buffer, its own CNode and its end notification at fixed slots, and the
 * capabilities its starter gave it, each under a name, from
 * KAAL_PROGRAM_SLOT_FIRST_CAP on. The same source runs on every backend: on
 * aarch64 as a boot program of the kernel image, on the host as a program
 * listed in kaal_host_config.
 */
#ifndef KAAL_PROGRAM_H
#define KAAL_PROGRAM_H

#include <kaal/sdk.h>

enum kaal_program_slot {
	KAAL_PROGRAM_SLOT_START_INFO = 1, /* its start info frame, read-write */
	KAAL_PROGRAM_SLOT_IPC_BUFFER = 2, /* its thread's IPC buffer frame */
	KAAL_PROGRAM_SLOT_CNODE = 3,      /* its CSpace root */
	KAAL_PROGRAM_SLOT_END = 4,        /* the notification its end signals */
	KAAL_PROGRAM_SLOT_FIRST_CAP = 8   /* the named capabilities, in the order given */
};

#define KAAL_START_INFO_MAGIC 0x4B535452u /* "KSTR" */
#define KAAL_START_MAX_CAPS   32u

/* Bits a program's end signals. */
#define KAAL_PROGRAM_ENDED       UINT64_C(1) /* main returned: exit_status holds its result */
#define KAAL_PROGRAM_NOT_STARTED UINT64_C(2) /* its start info or IPC buffer did not map */

struct kaal_start_cap {
	char name[KAAL_PROGRAM_NAME_MAX]; /* NUL-terminated */
	kaal_cptr cptr;
};

struct kaal_start_info {
	uint32_t magic;
	uint32_t cap_count;
	kaal_cptr first_free_slot; /* slots from here to slot_count - 1 are empty */
	kaal_cptr slot_count;
	kaal_word arg;       /* the starter's word for the program */
	int64_t exit_status; /* main's result, written when it returns */
	struct kaal_start_cap cap[KAAL_START_MAX_CAPS];
};

_Static_assert(sizeof(struct kaal_start_cap) == 32, "start cap size");
_Static_assert(__builtin_offsetof(struct kaal_start_info, exit_status) == 32, "exit_status offset");
_Static_assert(sizeof(struct kaal_start_info) == 40 + 32 * KAAL_START_MAX_CAPS, "start info size");
_Static_assert(sizeof(struct kaal_start_info) <= (1u << KAAL_PAGE_BITS), "start info fits a page");

/*
 * Names of programs and of given capabilities: a field of
 * KAAL_PROGRAM_NAME_MAX bytes holding a NUL-terminated name.
 * kaal_program_name_fits(): a name is non-empty and fits one;
 * kaal_program_name_is(): field holds exactly name.
 */
bool kaal_program_name_fits(const char *name);
bool kaal_program_name_is(const char field[KAAL_PROGRAM_NAME_MAX], const char *name);

/* The number of the boot program called name in boot info's list, 0 when there is none. */
unsigned kaal_boot_program_find(const struct kaal_boot_info *bi, const char *name);

/* A program's main: its result is its exit status. */
typedef int (*kaal_program_main)(const struct kaal_start_info *si);

/*
 * The capability its starter gave the program under name: KAAL_OK and
 * *cptr, or KAAL_SLOT_EMPTY when none was given under that name
 * (KAAL_INVALID_ARGUMENT for a NULL argument).
 */
kaal_status kaal_start_cap(const struct kaal_start_info *si, const char *name, kaal_cptr *cptr);

/*
 * Run a started program: map its start info and IPC buffer, call main,
 * keep its result in the start info, signal its end and end the thread.
 */
_Noreturn void kaal_program_run(kaal_word arg, kaal_program_main main_fn);

/*
 * KAAL_PROGRAM(name, main_fn) defines kaal_program_entry_<name>, the
 * program's entry: what a host program list names, and what a boot
 * program's start code calls on aarch64.
 */
#define KAAL_PROGRAM(name, main_fn)                                                                \
	void kaal_program_entry_##name(kaal_word arg);                                             \
	void kaal_program_entry_##name(kaal_word arg)                                              \
	{                                                                                          \
		kaal_program_run(arg, main_fn);                                                    \
	}

/*
 * Map a frame it was given into the program's window at page `page` (below
 * KAAL_PROGRAM_WINDOW_PAGES; on the host the backend picks the address):
 * where a program puts shared rings and device registers. The map call's
 * statuses; KAAL_INVALID_ARGUMENT for a page past the window or a NULL at.
 */
#define KAAL_PROGRAM_WINDOW_PAGES 8192u
kaal_status kaal_program_map(kaal_cptr frame, unsigned page, unsigned rights, void **at);

/*
 * For a starter: fill a frame it holds (fill's status), through a mapping
 * made for the call alone, e.g. to create a ring before handing it out.
 */
kaal_status kaal_frame_fill(kaal_cptr frame, kaal_status (*fill)(void *page, void *ctx), void *ctx);

/*
 * For a starter: write or read a start info frame (a capability in the
 * caller's CSpace) through a mapping made for the call alone. The map and
 * unmap statuses; KAAL_INVALID_ARGUMENT for a NULL si.
 */
kaal_status kaal_start_info_write(kaal_cptr frame, const struct kaal_start_info *si);
kaal_status kaal_start_info_read(kaal_cptr frame, struct kaal_start_info *si);

#endif
