/*
 * The system: the root task that boots kaal's services (root.c) and what it
 * answers the shell over an endpoint ("sys"). A call's label is the
 * operation and its first words the arguments; the reply's label is a
 * kaal_status and its words the results. Tables and names go through a
 * page both map ("sys_page"), laid out as struct kaal_system_page.
 */
#ifndef KAAL_SERVICE_SYSTEM_H
#define KAAL_SERVICE_SYSTEM_H

#include <kaal/boot_info.h>
#include <kaal/driver.h>

enum kaal_system_op {
	KAAL_SYSTEM_PS = 1,       /* the page: every process; reply words: count */
	KAAL_SYSTEM_CAPS = 2,     /* word 0: a pid; the page: its capabilities; reply: count */
	KAAL_SYSTEM_MEM = 3,      /* reply words: free bytes, bytes the broker manages */
	KAAL_SYSTEM_RUN = 4,      /* the page's name: start that program; reply: pid, and whether
	                             it ended within KAAL_SYSTEM_RUN_WAIT_NS, with its status */
	KAAL_SYSTEM_KILL = 5,     /* word 0: a pid: destroy the process */
	KAAL_SYSTEM_POWEROFF = 6, /* word 0: the exit status: sync the file system, power off */
	KAAL_SYSTEM_PROGRAMS = 7  /* the page: the names `run` takes; reply: count */
};

#define KAAL_SYSTEM_MAX_PROCESSES 24u
#define KAAL_SYSTEM_MAX_CAPS      64u
#define KAAL_SYSTEM_RUN_WAIT_NS   UINT64_C(2000000000)

/* A process as ps shows it. */
struct kaal_system_process {
	uint32_t pid;
	uint32_t priority;
	uint32_t state; /* enum kaal_thread_state */
	uint32_t kind;  /* enum kaal_system_kind */
	char name[KAAL_PROGRAM_NAME_MAX];
	int32_t exit_status; /* when it ended */
	uint32_t ended;
};

enum kaal_system_kind { KAAL_SYSTEM_DRIVER = 1, KAAL_SYSTEM_SERVICE = 2, KAAL_SYSTEM_PROGRAM = 3 };

/* A capability of a process, as caps shows it. */
struct kaal_system_cap {
	uint32_t slot;
	uint32_t type; /* enum kaal_cap_type */
	uint32_t rights;
	uint32_t size_bits;
	uint64_t badge; /* or a CNode's guard, or a mapped frame's address */
	uint64_t object;
	char name[KAAL_PROGRAM_NAME_MAX]; /* the name it was given under, "" for the fixed slots */
};

struct kaal_system_page {
	uint32_t count;
	uint32_t pad;
	union {
		struct kaal_system_process process[KAAL_SYSTEM_MAX_PROCESSES];
		struct kaal_system_cap cap[KAAL_SYSTEM_MAX_CAPS];
		char name[KAAL_SYSTEM_MAX_PROCESSES][KAAL_PROGRAM_NAME_MAX];
	} u;
};

_Static_assert(sizeof(struct kaal_system_process) == 48, "system process size");
_Static_assert(sizeof(struct kaal_system_cap) == 56, "system cap size");
_Static_assert(sizeof(struct kaal_system_page) <= (1u << KAAL_PAGE_BITS), "the page holds it");

/* The shell's priority: below the drivers and services it waits for. */
#define KAAL_SYSTEM_SHELL_PRIORITY 100u

/*
 * Boot the drivers, the services and the shell, then serve the shell until
 * it or the power button powers the machine off: the exit status it gave,
 * 1 when the system could not start or the file system not be synced.
 */
int kaal_system_main(const struct kaal_boot_info *bi);

#endif
