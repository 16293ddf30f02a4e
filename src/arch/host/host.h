/* Host backend internals shared by its source files. */
#ifndef KAAL_HOST_INTERNAL_H
#define KAAL_HOST_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

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

/* Fake physical memory and MMIO. */
bool host_ram_create(kaal_paddr base, uint64_t size);
void host_ram_destroy(void);

#endif
