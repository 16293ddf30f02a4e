/* Host backend only: start and stop the simulated machine inside a process. */
#ifndef KAAL_HOST_H
#define KAAL_HOST_H

#include <stdbool.h>

#include <kaal/boot_info.h>
#include <kaal/status.h>

/*
 * A program the simulated machine carries besides the root task, as a
 * kernel image carries boot programs on aarch64: a VSpace loaded with it
 * (kaal_vspace_load) starts threads at entry (kaal_thread_start_program).
 */
struct kaal_host_program {
	const char *name; /* shorter than KAAL_PROGRAM_NAME_MAX */
	void (*entry)(kaal_word arg);
};

struct kaal_host_config {
	uint64_t ram_size; /* bytes of fake physical RAM; 0: the build's default */
	const struct kaal_host_program *programs;
	unsigned program_count; /* at most KAAL_BOOT_INFO_MAX_PROGRAMS */
};

/*
 * Boot the simulated system and make the calling pthread its root thread,
 * with its IPC buffer mapped and registered with the SDK. *boot_info points
 * at a read-only mapping of the boot info page. KAAL_INVALID_ARGUMENT for a
 * program list that does not fit boot info (too many, a name empty or too
 * long, twice or NULL, an entry NULL).
 */
kaal_status kaal_host_boot(const struct kaal_host_config *config,
                           const struct kaal_boot_info **boot_info);

/*
 * Tear the system down and release its memory. KAAL_BUSY (and nothing torn
 * down) while a thread started with kaal_thread_start() has not finished.
 */
kaal_status kaal_host_shutdown(void);

/*
 * Raise interrupt irq as a device would: KAAL_BUSY while it has no
 * notification or is unacknowledged, KAAL_ILLEGAL_OPERATION when not booted.
 */
kaal_status kaal_host_raise_irq(uint32_t irq);

/*
 * Raise edge-triggered interrupt irq: as kaal_host_raise_irq(), except
 * that an edge arriving while the interrupt is unacknowledged (or has no
 * notification) is held and delivered once it can be, as an interrupt
 * controller holds it; KAAL_ILLEGAL_OPERATION when not booted.
 */
kaal_status kaal_host_raise_edge(uint32_t irq);

/*
 * A device model's DMA: copy size bytes from or to fake physical memory at
 * phys, wherever the frames holding them are kept now. False, copying
 * nothing, when the range is not all RAM or nothing is booted.
 */
bool kaal_host_dma_read(kaal_paddr phys, void *to, uint64_t size);
bool kaal_host_dma_write(kaal_paddr phys, const void *from, uint64_t size);

/*
 * Have the next count preemption points find an interrupt waiting, as one
 * arriving in the middle of a long system call would on a real kernel: the
 * call stops there and is issued again. Returns how many of an earlier
 * count were not reached (0 once they all were).
 */
unsigned kaal_host_preempt_next(unsigned count);

/*
 * Whether the thread named by cptr (in the calling thread's CSpace) is
 * blocked in a system call: a test hook, so a test that must wait until a
 * peer sleeps asks instead of guessing. The usual lookup statuses for cptr;
 * KAAL_INVALID_ARGUMENT for a NULL blocked; KAAL_ILLEGAL_OPERATION from a
 * pthread kaal does not know or before boot.
 */
kaal_status kaal_host_thread_blocked(kaal_cptr thread, bool *blocked);

/* The longest block poll kaal_host_set_block_poll() takes: a millisecond. */
#define KAAL_HOST_BLOCK_POLL_MAX_NS UINT64_C(1000000)

/*
 * The block poll: how long a thread blocked in a system call watches for its
 * wake before it sleeps in the OS, as a hypervisor polls a halted vCPU. A
 * wake within it costs no OS sleep and wakeup (tens of microseconds on a
 * VM); waiting longer costs this much cpu per block. Starts at the build's
 * -Dhost_block_poll_ns; 0 sleeps at once. KAAL_INVALID_ARGUMENT above
 * KAAL_HOST_BLOCK_POLL_MAX_NS. It holds for the process, across boots.
 */
kaal_status kaal_host_set_block_poll(uint64_t ns);
uint64_t kaal_host_block_poll(void);

/* How many times a blocked thread has slept in the OS since the process started. */
uint64_t kaal_host_os_sleeps(void);

/* Whether the root task asked for shutdown, and the code it gave. */
bool kaal_host_shutdown_requested(kaal_word *code);

#endif
