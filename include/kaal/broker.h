/*
 * The capability broker: the root task's bookkeeping of slots, physical
 * memory, devices and kernel objects, built from boot info alone. All its
 * state lives in one caller-provided struct (no heap), so it runs the same
 * in a host process and in an EL0 root task.
 */
#ifndef KAAL_BROKER_H
#define KAAL_BROKER_H

#include <stdbool.h>

#include <kaal/boot_info.h>
#include <kaal/sdk.h>
#include <kaal/status.h>
#include <kaal/types.h>

/* ---- Capability slots of the root CNode. */

#define KAAL_BROKER_MAX_SLOTS 4096u

struct kaal_slot_allocator {
	uint64_t used[KAAL_BROKER_MAX_SLOTS / KAAL_WORD_BITS];
	kaal_cptr first; /* slots first..end-1 are managed */
	kaal_cptr end;
	kaal_cptr hint; /* where the next search starts */
	uint32_t free_count;
};

kaal_status kaal_slots_init(struct kaal_slot_allocator *a, kaal_cptr first, kaal_cptr end);
kaal_status kaal_slots_alloc(struct kaal_slot_allocator *a, kaal_cptr *slot);
/* KAAL_INVALID_ARGUMENT for a slot outside the range or not allocated. */
kaal_status kaal_slots_free(struct kaal_slot_allocator *a, kaal_cptr slot);
/* Whether slot is in the range and allocated. */
bool kaal_slots_held(const struct kaal_slot_allocator *a, kaal_cptr slot);

/* ---- Physical memory: a buddy allocator whose blocks are untyped capabilities. */

#define KAAL_MEMORY_MIN_BITS   12u
#define KAAL_MEMORY_MAX_BITS   47u
#define KAAL_MEMORY_MAX_BLOCKS 2048u
#define KAAL_MEMORY_NONE       UINT32_MAX

struct kaal_memory_block {
	kaal_paddr base;
	kaal_cptr cap; /* an untyped capability covering exactly this block */
	uint32_t parent;
	uint32_t child[2]; /* lower and upper half once split */
	uint32_t next;     /* free list of this size, or the list of unused records */
	uint32_t prev;
	/* Moves on each time a handle to this record dies, so stale handles never match. */
	uint32_t generation;
	uint8_t bits;
	uint8_t state; /* enum in memory.c */
	uint8_t pad[6];
};

_Static_assert(__builtin_offsetof(struct kaal_memory_block, generation) == 36,
               "memory block generation offset");
_Static_assert(sizeof(struct kaal_memory_block) == 48, "memory block record size");

struct kaal_memory_manager {
	struct kaal_slot_allocator *slots;
	kaal_cptr root_cnode;
	struct kaal_memory_block block[KAAL_MEMORY_MAX_BLOCKS];
	uint32_t free_list[KAAL_MEMORY_MAX_BITS + 1];
	uint32_t unused;       /* first unused block record */
	uint32_t unused_count; /* how many there are */
	uint64_t free_bytes;
	uint64_t total_bytes;
};

/*
 * A piece of physical memory and the untyped capability that covers it: a
 * handle that dies when the memory is freed. The record may then serve
 * another block or the same block for a new owner; its generation has moved
 * on, so the dead handle is refused (KAAL_INVALID_ARGUMENT) rather than
 * freeing someone else's memory.
 */
struct kaal_memory {
	kaal_paddr phys;
	uint64_t size; /* a power of two, at least a page; phys is aligned to it */
	kaal_cptr cap;
	uint32_t id;         /* the manager's record, for kaal_memory_free() */
	uint32_t generation; /* the record's generation when the memory was handed out */
};

_Static_assert(__builtin_offsetof(struct kaal_memory, id) == 24, "memory handle id offset");
_Static_assert(__builtin_offsetof(struct kaal_memory, generation) == 28,
               "memory handle generation offset");
_Static_assert(sizeof(struct kaal_memory) == 32, "memory handle size");

/* The manager owns every whole, unused untyped region of boot info. */
kaal_status kaal_memory_init(struct kaal_memory_manager *m, struct kaal_slot_allocator *slots,
                             const struct kaal_boot_info *bi);
/*
 * The manager owns only boot info's untyped[r] for each bit r of untyped,
 * and of those only the whole, unused ones. KAAL_INVALID_ARGUMENT for a bit
 * naming no region; the manager is left as it was.
 */
kaal_status kaal_memory_init_regions(struct kaal_memory_manager *m,
                                     struct kaal_slot_allocator *slots,
                                     const struct kaal_boot_info *bi, uint64_t untyped);
/*
 * At least size bytes, aligned to a page and to align (a power of two, 0
 * for a page). All or nothing: KAAL_UNTYPED_EXHAUSTED, KAAL_OUT_OF_SLOTS or
 * KAAL_INVALID_ARGUMENT leave the manager as it was.
 */
kaal_status kaal_memory_alloc(struct kaal_memory_manager *m, uint64_t size, uint64_t align,
                              struct kaal_memory *out);
/*
 * KAAL_OK when mem is a live handle: memory this manager handed out and
 * nobody has freed since. KAAL_INVALID_ARGUMENT for a freed (stale) or made-up one.
 */
kaal_status kaal_memory_check(const struct kaal_memory_manager *m, const struct kaal_memory *mem);
/*
 * Give memory back; objects made from it are destroyed first (revoke).
 * KAAL_INVALID_ARGUMENT, changing nothing, for a handle kaal_memory_check() refuses.
 */
kaal_status kaal_memory_free(struct kaal_memory_manager *m, const struct kaal_memory *mem);

/* ---- The broker. */

struct kaal_device {
	uint32_t id;  /* enum kaal_device_id */
	uint32_t irq; /* interrupt number, KAAL_NO_IRQ when none */
	kaal_paddr mmio_base;
	uint64_t mmio_size;
	kaal_cptr frame;       /* a copy of the MMIO frame capability, 0 when none */
	kaal_cptr irq_handler; /* a copy of the IRQ handler capability, 0 when none */
};

#define KAAL_BROKER_MAX_OBJECTS 1024u

struct kaal_broker {
	const struct kaal_boot_info *bi;
	kaal_cptr root_cnode;
	struct kaal_slot_allocator slots;
	struct kaal_memory_manager memory;
	struct kaal_device device[KAAL_BOOT_INFO_MAX_DEVICES];
	bool device_taken[KAAL_BOOT_INFO_MAX_DEVICES];
	/* Each endpoint or notification sits in a page of its own, a VSpace in its own block. */
	struct {
		kaal_cptr cap;
		struct kaal_memory memory;
	} object[KAAL_BROKER_MAX_OBJECTS];
};

/*
 * The share of boot info's resources a broker owns: root CNode slots
 * first_slot..end_slot-1 and, for each bit r of untyped, boot info's
 * untyped[r]. The broker allocates from nothing else, so brokers given
 * disjoint ranges of the same boot info never hand out the same slot or memory.
 */
struct kaal_broker_range {
	kaal_cptr first_slot;
	kaal_cptr end_slot;
	uint64_t untyped;
};

/* A bit per region, with none to spare: a mask of all regions is a defined shift. */
_Static_assert(KAAL_BOOT_INFO_MAX_UNTYPED < KAAL_WORD_BITS,
               "a bit of kaal_broker_range.untyped per region");

/* All that boot info (not NULL) offers a broker: the range kaal_broker_init() takes. */
static inline struct kaal_broker_range kaal_broker_whole_range(const struct kaal_boot_info *bi)
{
	uint32_t regions = bi->untyped_count < KAAL_BOOT_INFO_MAX_UNTYPED
	                       ? bi->untyped_count
	                       : KAAL_BOOT_INFO_MAX_UNTYPED;
	struct kaal_broker_range r = {
	    bi->first_free_slot,
	    bi->slot_count < KAAL_BROKER_MAX_SLOTS ? bi->slot_count : KAAL_BROKER_MAX_SLOTS,
	    (UINT64_C(1) << regions) - 1u};
	return r;
}

/*
 * Set up from boot info alone, owning all of it: every free slot of the
 * root CNode (first_free_slot up to slot_count, at most KAAL_BROKER_MAX_SLOTS)
 * and every untyped region. Nothing else in the program may use them; to
 * share boot info, give each user a range (kaal_broker_init_range()).
 * KAAL_INVALID_ARGUMENT for boot info that is not kaal's.
 */
kaal_status kaal_broker_init(struct kaal_broker *b, const struct kaal_boot_info *bi);
/*
 * Set up owning only range. KAAL_INVALID_ARGUMENT, leaving *b as it was, for
 * boot info that is not kaal's, a missing or empty slot range, slots outside
 * boot info's free slots or beyond KAAL_BROKER_MAX_SLOTS, or a bit of untyped
 * naming no region. No untyped regions is allowed: such a broker hands out
 * slots, and its memory calls return KAAL_UNTYPED_EXHAUSTED.
 */
kaal_status kaal_broker_init_range(struct kaal_broker *b, const struct kaal_boot_info *bi,
                                   const struct kaal_broker_range *range);

kaal_status kaal_broker_alloc_slot(struct kaal_broker *b, kaal_cptr *slot);
kaal_status kaal_broker_free_slot(struct kaal_broker *b, kaal_cptr slot);

kaal_status kaal_broker_allocate_memory(struct kaal_broker *b, uint64_t size, uint64_t align,
                                        struct kaal_memory *out);
/* As kaal_memory_free(): a freed (stale) handle is refused with KAAL_INVALID_ARGUMENT. */
kaal_status kaal_broker_free_memory(struct kaal_broker *b, const struct kaal_memory *mem);

/* Exclusive: KAAL_BUSY until the holder releases it; KAAL_INVALID_ARGUMENT for no such device. */
kaal_status kaal_broker_request_device(struct kaal_broker *b, uint32_t id, struct kaal_device *out);
/* Revokes every copy of the device's capabilities, wherever they went. */
kaal_status kaal_broker_release_device(struct kaal_broker *b, uint32_t id);

kaal_status kaal_broker_create_endpoint(struct kaal_broker *b, kaal_cptr *ep);
kaal_status kaal_broker_create_notification(struct kaal_broker *b, kaal_cptr *ntfn);
/* An address space for a new process: a copy of the calling program (kaal_thread_set_vspace). */
kaal_status kaal_broker_create_vspace(struct kaal_broker *b, kaal_cptr *vspace);
/*
 * A thread in the root CSpace, inactive and not configured yet
 * (kaal_thread_configure, kaal_thread_start); destroying it ends it.
 */
kaal_status kaal_broker_create_thread(struct kaal_broker *b, kaal_cptr *thread);
/* Destroy an endpoint, notification, VSpace or thread the broker created; reclaim its memory. */
kaal_status kaal_broker_destroy_object(struct kaal_broker *b, kaal_cptr cap);

/*
 * A process: a thread with a CSpace (a CNode of 2^radix slots) and a VSpace
 * of its own, configured but not started. Its IPC buffer frame is also in
 * its CNode at ipc_slot (0: nowhere). The root task fills the CNode through
 * kaal_process_slot() and starts the thread.
 */
struct kaal_process {
	kaal_cptr cnode;  /* the CNode as retyped: the root names its slots at depth radix */
	kaal_cptr cspace; /* the same CNode minted with a guard: the process's CSpace root */
	kaal_cptr vspace;
	kaal_cptr thread;
	kaal_cptr ipc_buffer;
	unsigned radix;
	struct kaal_memory memory; /* the CNode, thread and IPC buffer */
};

kaal_status kaal_broker_create_process(struct kaal_broker *b, unsigned radix, unsigned priority,
                                       kaal_word ipc_slot, struct kaal_process *out);
/*
 * The same with a VSpace that runs boot program number `program` (boot
 * info's list, from 1; 0: a copy of the calling program, as above); start
 * it with kaal_thread_start_program(). KAAL_INVALID_ARGUMENT for a number
 * past the list.
 */
kaal_status kaal_broker_create_program_process(struct kaal_broker *b, unsigned program,
                                               unsigned radix, unsigned priority,
                                               kaal_word ipc_slot, struct kaal_process *out);
/*
 * Destroy the process's objects (and every copy of their capabilities);
 * reclaim its memory. A process already destroyed (any copy of its struct:
 * its memory handle is stale) is refused with KAAL_INVALID_ARGUMENT.
 */
kaal_status kaal_broker_destroy_process(struct kaal_broker *b, struct kaal_process *p);

/*
 * Give the process, at index of its CNode, a copy of the root's cap with
 * these rights. KAAL_INVALID_ARGUMENT for a destroyed process, as above.
 */
kaal_status kaal_broker_give(struct kaal_broker *b, const struct kaal_process *p, kaal_word index,
                             kaal_cptr cap, unsigned rights);
/*
 * count page frames from one block of memory (physically contiguous), each
 * in a fresh slot; *mem is the block, which kaal_broker_free_memory() takes
 * back with the frames.
 */
kaal_status kaal_broker_create_frames(struct kaal_broker *b, unsigned count, kaal_cptr *frames,
                                      struct kaal_memory *mem);

/* A slot of the process's CNode, as the root task names it. */
static inline struct kaal_slot_ref kaal_process_slot(const struct kaal_process *p, kaal_word index)
{
	struct kaal_slot_ref s = {p->cnode, index, p->radix};
	return s;
}

#endif
