/* Host backend internals shared by its source files. */
#ifndef KAAL_HOST_INTERNAL_H
#define KAAL_HOST_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kaal/sdk.h>
#include <kaal/types.h>

struct thread;

/* Serialises every entry into the core. */
void host_kernel_lock(void);
void host_kernel_unlock(void);

/* The thread object the calling pthread runs, or NULL for a pthread kaal does not know. */
struct thread *host_current_thread(void);
/* Bind the calling pthread to a thread object that no pthread runs yet. */
bool host_adopt_current(struct thread *t);
/* Forget every pthread record; false if a started thread has not finished. */
bool host_threads_release(void);

/*
 * Run system call num for t, issuing it again while it stops at a
 * preemption point (as on return from an interrupt) and *binding still
 * names t (a thread may destroy itself).
 */
void host_syscall_issue(struct thread *t, struct thread *const *binding, kaal_word num,
                        const kaal_word *args);
/* What the SDK returns for t's finished call: KAAL_OBJECT_DELETED when t is NULL (destroyed). */
struct kaal_result host_syscall_result(const struct thread *t);

/* Give interrupts kaal_host_raise_edge() held to their notifications now if they can take them. */
void host_deliver_held_edges(void);
/* The entry of boot program `program` (1..the booted count). */
void (*host_program_entry(unsigned program))(kaal_word);
/* Fake physical memory and MMIO. */
bool host_ram_create(kaal_paddr base, uint64_t size);
void host_ram_destroy(void);
/*
 * Boots from now on map in host pages of at least this many bytes (0: the
 * system's page), as on a host whose page that is; for tests.
 */
void host_ram_force_page_size(size_t bytes);
/*
 * A thread enters the kernel, which may use its IPC buffer: returns what
 * host_ipc_buffer_leave() takes when the thread leaves (both under the kernel lock).
 */
kaal_paddr host_ipc_buffer_enter(const struct thread *t);
void host_ipc_buffer_leave(kaal_paddr ipc_buffer);

#endif
