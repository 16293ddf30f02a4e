/*
 * Starting programs by name: the root task (or any holder of a broker)
 * makes a process that runs a boot program in a VSpace of its own, with a
 * CSpace holding the capabilities it is given under names (program.h), at
 * a priority; starts it; waits for its end; and destroys it. One call for
 * both backends: a boot program of the kernel image on aarch64, a program
 * of the host's program list on the host.
 */
#ifndef KAAL_SPAWN_H
#define KAAL_SPAWN_H

#include <kaal/broker.h>
#include <kaal/program.h>

#define KAAL_SPAWN_RADIX 8u /* a started program's CNode: 256 slots */

/*
 * A capability to give: a copy of cap (in the starter's CSpace) with these
 * rights, as far as the starter holds them (KAAL_RIGHTS_ALL: all it has).
 */
struct kaal_spawn_cap {
	const char *name; /* shorter than KAAL_PROGRAM_NAME_MAX, each name once */
	kaal_cptr cap;
	unsigned rights;
};

struct kaal_spawned {
	struct kaal_process process;
	kaal_cptr start_info;            /* the starter's copy of the start info frame */
	struct kaal_memory start_memory; /* its page */
	kaal_cptr end;                   /* the notification the program's end signals */
	bool ended;
	int exit_status;
};

/*
 * Start program `name` at priority with the capabilities caps[0..count)
 * and the word arg (its start info's arg). KAAL_INVALID_ARGUMENT for a
 * NULL argument, no boot program of that name, more than
 * KAAL_START_MAX_CAPS capabilities, or a capability's name empty, too long
 * or given twice; otherwise the broker's and the kernel's statuses (a
 * capability the starter does not hold, no memory). On failure nothing is
 * left behind.
 */
kaal_status kaal_spawn(struct kaal_broker *b, const char *name, const struct kaal_spawn_cap *caps,
                       unsigned count, unsigned priority, kaal_word arg, struct kaal_spawned *out);

/*
 * Wait at most timeout_ns for the program's main to return: KAAL_OK with
 * *exit_status its result (also once it had ended before), KAAL_TIMEOUT
 * while it runs, KAAL_ILLEGAL_OPERATION when it could not start (its start
 * info or IPC buffer did not map).
 */
kaal_status kaal_spawn_wait(struct kaal_spawned *p, uint64_t timeout_ns, int *exit_status);

/* End the program wherever it is and take back everything kaal_spawn() made. */
kaal_status kaal_spawn_destroy(struct kaal_broker *b, struct kaal_spawned *p);

#endif
