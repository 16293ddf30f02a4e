/*
 * Boot info: what the kernel tells the root task about the machine and the
 * capabilities it starts with. One page, mapped read-only at
 * KAAL_BOOT_INFO_VADDR on aarch64; the host hands the root task a pointer.
 */
#ifndef KAAL_BOOT_INFO_H
#define KAAL_BOOT_INFO_H

#include <kaal/types.h>

#define KAAL_BOOT_INFO_MAGIC        0x4B41414Cu /* "KAAL" */
#define KAAL_BOOT_INFO_VERSION      4u
#define KAAL_BOOT_INFO_VADDR        0x7FFFF000u
#define KAAL_BOOT_INFO_PAGES        1u
#define KAAL_BOOT_INFO_MAX_UNTYPED  48u
#define KAAL_BOOT_INFO_MAX_DEVICES  16u
#define KAAL_BOOT_INFO_MAX_PROGRAMS 16u
#define KAAL_PROGRAM_NAME_MAX       24u /* bytes of a program name with its terminating NUL */

enum kaal_device_id {
	KAAL_DEVICE_NONE = 0,
	KAAL_DEVICE_UART0 = 1,
	KAAL_DEVICE_UART1 = 2,
	KAAL_DEVICE_RTC = 3,
	KAAL_DEVICE_TIMER = 4,
	KAAL_DEVICE_GPIO = 5,
	KAAL_DEVICE_BLOCK = 6 /* the first virtio block device (virtio-mmio transport) */
};

#define KAAL_NO_IRQ UINT32_MAX

struct kaal_boot_untyped {
	kaal_paddr base;
	kaal_cptr cptr;
	uint32_t size_bits;
	uint32_t pad;
};

/*
 * A device the root task may hand out: its MMIO frame and IRQ handler
 * capabilities. Its registers lie within one page (small ones, such as
 * virtio-mmio transports, may share it); the frame is that page.
 */
struct kaal_boot_device {
	uint32_t id;          /* enum kaal_device_id */
	uint32_t irq;         /* interrupt id, KAAL_NO_IRQ when none */
	kaal_paddr mmio_base; /* the registers' first byte */
	uint64_t mmio_size;   /* bytes of registers, 0 for none (the generic timer) */
	kaal_cptr frame_cptr; /* device frame of the page holding the registers, 0 when none */
	kaal_cptr irq_cptr;   /* IRQ handler, 0 when none */
};

/*
 * A program the kernel image carries besides the root task: a VSpace of at
 * least vspace_bits takes it by number (kaal_vspace_load(), numbers from 1
 * in the order of this list).
 */
struct kaal_boot_program {
	char name[KAAL_PROGRAM_NAME_MAX]; /* NUL-terminated */
	uint32_t vspace_bits;             /* log2 bytes its VSpace needs at least */
	uint32_t pad;
};

struct kaal_boot_info {
	uint32_t magic;
	uint32_t version;
	uint32_t total_size; /* sizeof(struct kaal_boot_info) as the kernel built it */
	uint32_t root_cnode_radix;
	kaal_paddr ram_base;
	uint64_t ram_size;
	uint64_t kernel_base; /* kernel image base (host: address of the kernel's RAM mapping) */
	uint64_t user_vaddr_start; /* lowest address user programs may map */
	/* Initial capabilities, as slots of the root CNode (cptr = slot index). */
	kaal_cptr root_cnode_cptr;
	kaal_cptr root_thread_cptr;
	kaal_cptr ipc_buffer_cptr; /* frame of the root thread's IPC buffer */
	kaal_cptr boot_info_frame_cptr;
	kaal_cptr first_free_slot; /* slots from here to the end of the root CNode are empty */
	kaal_cptr slot_count;      /* 2^root_cnode_radix */
	uint32_t untyped_count;
	uint32_t device_count;
	struct kaal_boot_untyped untyped[KAAL_BOOT_INFO_MAX_UNTYPED];
	struct kaal_boot_device device[KAAL_BOOT_INFO_MAX_DEVICES];
	kaal_cptr root_vspace_cptr; /* the root task's address space */
	uint32_t vspace_bits;       /* log2 bytes a new VSpace needs at least (retype size_bits) */
	uint32_t program_count;
	struct kaal_boot_program program[KAAL_BOOT_INFO_MAX_PROGRAMS];
};

/* The ABI fixes these: a change here is a new version. */
_Static_assert(sizeof(struct kaal_boot_untyped) == 24, "boot untyped entry size");
_Static_assert(sizeof(struct kaal_boot_device) == 40, "boot device entry size");
_Static_assert(__builtin_offsetof(struct kaal_boot_info, ram_base) == 16, "ram_base offset");
_Static_assert(__builtin_offsetof(struct kaal_boot_info, root_cnode_cptr) == 48,
               "root_cnode_cptr offset");
_Static_assert(__builtin_offsetof(struct kaal_boot_info, untyped_count) == 96,
               "untyped_count offset");
_Static_assert(__builtin_offsetof(struct kaal_boot_info, untyped) == 104, "untyped offset");
_Static_assert(__builtin_offsetof(struct kaal_boot_info, device) == 104 + 24 * 48, "device offset");
_Static_assert(__builtin_offsetof(struct kaal_boot_info, root_vspace_cptr) ==
                   104 + 24 * 48 + 40 * 16,
               "root_vspace_cptr offset");
_Static_assert(sizeof(struct kaal_boot_program) == 32, "boot program entry size");
_Static_assert(__builtin_offsetof(struct kaal_boot_info, program) == 104 + 24 * 48 + 40 * 16 + 16,
               "program offset");
_Static_assert(sizeof(struct kaal_boot_info) == 104 + 24 * 48 + 40 * 16 + 16 + 32 * 16,
               "boot info size");
_Static_assert(sizeof(struct kaal_boot_info) <= (KAAL_BOOT_INFO_PAGES << KAAL_PAGE_BITS),
               "boot info fits the pages mapped for it");

#endif
