/* aarch64 backend internals shared by its source files. */
#ifndef KAAL_AARCH64_INTERNAL_H
#define KAAL_AARCH64_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include <kaal/boot_info.h>
#include <kaal/types.h>

#include "frame.h"

/*
 * QEMU virt's fixed memory map, used when the device tree cannot be read.
 * QEMU only promises flash at 0 and RAM at 0x4000_0000; the rest is what
 * QEMU 7.2 builds and what the device tree normally says.
 */
#define VIRT_RAM_BASE         0x40000000u
#define VIRT_RAM_SIZE_DEFAULT (128u << 20) /* ci/qemu-aarch64.sh runs with -m 128M */
#define VIRT_DTB_ADDR         0x40000000u  /* the kernel links above it: see kernel.ld */
#define VIRT_DTB_MAX_SIZE     (1u << 20)
#define VIRT_GIC_DIST         0x08000000u
#define VIRT_GIC_CPU          0x08010000u /* GICv2 CPU interface */
#define VIRT_GIC_REDIST       0x080A0000u /* GICv3 redistributors */
#define VIRT_UART_BASE        0x09000000u
#define VIRT_UART_IRQ         33u
#define VIRT_RTC_BASE         0x09010000u
#define VIRT_RTC_IRQ          34u
#define VIRT_GPIO_BASE        0x09030000u
#define VIRT_GPIO_IRQ         39u
#define VIRT_MMIO_SIZE        0x1000u
/* virtio-mmio transports: 32 slots of 0x200 bytes, SPIs 16 to 47 (ids 48 to 79). */
#define VIRT_VIRTIO_BASE   0x0A000000u
#define VIRT_VIRTIO_STRIDE 0x200u
#define VIRT_VIRTIO_IRQ    48u
#define VIRT_VIRTIO_SLOTS  32u
/* Generic timer PPIs as interrupt ids. */
#define VIRT_TIMER_VIRT_IRQ 27u
#define VIRT_TIMER_PHYS_IRQ 30u /* non-secure EL1 physical timer */
#define VIRT_TIMER_HYP_IRQ  26u

/* Semihosting exit statuses of the kernel, as QEMU's exit status. */
enum kaal_exit {
	KAAL_EXIT_PASSED = 0,
	KAAL_EXIT_FAILED = 1,    /* a self-test check failed */
	KAAL_EXIT_BOOT = 2,      /* kaal_kernel_boot() refused the platform */
	KAAL_EXIT_EXCEPTION = 3, /* an exception reached the vector table */
	KAAL_EXIT_STUCK = 4,     /* the root thread exited, or no thread can ever run again */
	KAAL_EXIT_EL3 = 5        /* entered at EL3, which start.S does not leave (start.S) */
};

struct virt_device {
	bool found; /* named by the device tree (false: the fixed map's value) */
	kaal_paddr base;
	uint64_t size;
	uint32_t irq; /* interrupt id (SPI n is 32 + n), KAAL_NO_IRQ when none */
};

/* The machine: what the device tree says, or QEMU virt's fixed map. */
struct virt_machine {
	bool fdt_valid;          /* a device tree was found and read to its end */
	const char *fdt_problem; /* why not, when !fdt_valid */
	bool ram_found;
	kaal_paddr ram_base;
	uint64_t ram_size;
	struct virt_device uart, rtc, gpio;
	struct virt_device virtio[VIRT_VIRTIO_SLOTS]; /* virtio-mmio transports, in tree order */
	uint32_t virtio_count;
	bool gic_found;
	unsigned gic_version; /* 2 or 3; 0 when unknown */
	kaal_paddr gic_dist;
	kaal_paddr gic_cpu_or_redist; /* GICv2 CPU interface or GICv3 redistributors */
	bool timer_found;
	uint32_t timer_phys_irq, timer_virt_irq, timer_hyp_irq;
	const char *bootargs; /* /chosen/bootargs (QEMU -append), "" when none */
};

/* Fill m with the fixed map, then override what the device tree at dtb names. */
void virt_machine_fixed(struct virt_machine *m);
bool fdt_read(const void *dtb, struct virt_machine *m);

/*
 * Build the kernel's identity map of RAM and m's devices and turn the MMU
 * and caches on (mmu.c). The console is not up yet: a failure exits QEMU.
 */
void mmu_init(const struct virt_machine *m);

struct vspace;
/* Map one page of a user program at va in v (mmu.c); false when va is taken or no table is left. */
enum user_page { USER_PAGE_TEXT, USER_PAGE_RO, USER_PAGE_RW };
bool aarch64_map_user_page(struct vspace *v, uint64_t va, kaal_paddr pa, enum user_page kind);
/* TTBR0_EL1 as mmu.c set it up; every thread switch reads it (aarch64_set_ttbr0). */
struct aarch64_ttbr0 {
	uint64_t current; /* what TTBR0_EL1 holds */
	uint64_t kernel;  /* the kernel's map alone, for threads without a VSpace */
	bool asid16;      /* 16-bit ASIDs: VSpace ids tag the TLB */
};
extern struct aarch64_ttbr0 aarch64_ttbr0;

/* Translate through ttbr (a VSpace's arch.ttbr, or the kernel's) from now on. */
static inline void aarch64_set_ttbr0(uint64_t ttbr)
{
	if (ttbr == aarch64_ttbr0.current)
		return;
	aarch64_ttbr0.current = ttbr;
	__asm__ volatile("msr ttbr0_el1, %0\n\tisb" : : "r"(ttbr) : "memory");
	/* Without ASIDs, one VSpace's user entries must not outlive the switch. */
	if (!aarch64_ttbr0.asid16)
		__asm__ volatile("tlbi vmalle1\n\tdsb nsh\n\tisb" ::: "memory");
}
/*
 * The most writable pages of any user program the image carries, the root
 * task or a boot program (a VSpace made as a copy of either gets copies of
 * them), 0 when the image has none (root_task_loader.c, tests/qemu/selftest.c).
 */
unsigned aarch64_program_writable_pages(void);

/* A boot program as the loader left it: segments in frames of its pool, shared by its VSpaces. */
#define AARCH64_PROGRAM_SEGMENTS 4u
struct aarch64_segment {
	uint64_t va;
	uint64_t pages;
	enum user_page kind;
	const uint8_t *frames; /* pages consecutive frames */
};
struct aarch64_boot_program {
	uint64_t lo, hi, entry;
	uint64_t stack_top;
	unsigned stack_pages;
	unsigned writable_pages;
	unsigned segment_count;
	struct aarch64_segment segment[AARCH64_PROGRAM_SEGMENTS];
};
/* log2 bytes of a VSpace object whose end holds copied_pages pages (mmu.c). */
unsigned aarch64_vspace_bits(unsigned copied_pages);
struct kaal_platform;
/* Load the image's boot programs and list them in p (before the kernel boots). */
void aarch64_load_boot_programs(struct kaal_platform *p);
/* Boot program number n (1..), or NULL. */
const struct aarch64_boot_program *aarch64_boot_program(unsigned n);

/* Polled PL011 console. */
void pl011_init(kaal_paddr base);
void pl011_putc(char c);
void console_puts(const char *s);
void console_hex(uint64_t v);
void console_dec(uint64_t v);

/* Leave QEMU with this exit status (semihosting SYS_EXIT). */
_Noreturn void semihosting_exit(uint64_t status);

/* The timer's counter and its frequency in Hz. */
uint64_t timer_counter(void);
uint64_t timer_frequency(void);
/* Counter value at time ns (rounded up), and the EL1 virtual timer's next expiry. */
uint64_t timer_ns_to_counter(uint64_t ns);
void timer_arm(uint64_t counter_value);

/* The GIC (gic.c): version 2 or 3 as the machine says. */
#define GIC_NONE 0xffffffffu
bool gic_init(const struct virt_machine *m);
unsigned gic_version(void);
void gic_enable(uint32_t irq);
void gic_disable(uint32_t irq);
void gic_set_pending(uint32_t irq);
uint32_t gic_acknowledge(void);
void gic_end(uint32_t irq);

struct thread;
/*
 * The kernel now runs as t, the root thread: kaal_syscall() enters the core
 * for it; the timer's PPI timer_irq drives the tick and timeouts.
 */
void aarch64_adopt_thread(struct thread *t, uint32_t timer_irq);
/* How often the CPU has idled (waited for an interrupt) so far. */
uint64_t aarch64_idle_count(void);
/* How many timer ticks (each a round-robin turn) have been taken so far. */
uint64_t aarch64_tick_count(void);
/* How many system calls stopped at a preemption point and were issued again so far. */
uint64_t aarch64_restart_count(void);
/* How many system calls have entered through svc #0 so far. */
uint64_t aarch64_svc_count(void);

/*
 * The root task, run by the root thread, one per image: the self-test
 * (tests/qemu/selftest.c), which returns the number of failed checks, or the loader
 * of the embedded user program (root_task_loader.c), which enters it at EL0 and does
 * not return.
 */
unsigned aarch64_root_task(const struct kaal_boot_info *bi, const struct virt_machine *m,
                           unsigned entry_el, kaal_paddr free_base);

/* Boot entry from start.S; the exception entry from vectors.S. */
_Noreturn void kaal_aarch64_main(uint64_t dtb, uint64_t entry_el);
_Noreturn void kaal_aarch64_exception(const struct aarch64_frame *f, uint64_t vector);
void kaal_aarch64_irq(void);
/* A system call from svc #0: f is the caller's saved frame; results go back in it. */
void kaal_aarch64_svc(struct aarch64_frame *f);
/* Save the callee-saved registers on this stack into *save_sp, resume next_sp (vectors.S). */
void aarch64_switch(uint64_t *save_sp, uint64_t next_sp);
/*
 * Leave a thread blocked in a system call whose frame is at frame for one
 * whose results are in next_frame: *save_sp is set so that switching back
 * (aarch64_switch) returns the first thread from its call through
 * aarch64_svc_return(); the second returns from its call now (vectors.S).
 */
_Noreturn void aarch64_resume_frame(uint64_t *save_sp, struct aarch64_frame *frame,
                                    struct aarch64_frame *next_frame);
/* Put the running thread's status and results in its system call frame. */
void aarch64_svc_return(struct aarch64_frame *f);
/* Where a new thread's first switch returns to: calls aarch64_thread_begin(x19, x20). */
void aarch64_thread_trampoline(void);
_Noreturn void aarch64_thread_begin(uint64_t entry, uint64_t arg);

/*
 * EL0. Once the root task is loaded (root_task_loader.c) at [lo, hi) with its ELF
 * entry at entry, kaal_thread_start() entries inside it run at EL0,
 * entered at the program's entry with x0 = the argument and x1 = the
 * function; entries outside it are refused (thread.c). A VSpace runs the
 * program of the VSpace it copies, or the boot program loaded into it.
 */
void aarch64_set_user_program(uint64_t lo, uint64_t hi, uint64_t entry);
/* The running thread. */
struct thread *aarch64_current(void);
/* Enter EL0 from the frame at f (vectors.S); never returns. */
_Noreturn void aarch64_enter_user(struct aarch64_frame *f);
/* The exception return path (vectors.S): restores the frame at sp and erets. */
void aarch64_restore_frame(void);
/* A synchronous exception from EL0 other than svc #0: one line on the console, then the thread
 * ends. */
void kaal_aarch64_user_fault(const struct aarch64_frame *f);
/* End the current thread as kaal_thread_exit() would, and run another (thread.c). */
void aarch64_end_current(void);
/* The kernel stack an EL0 thread t enters the kernel on (thread.c); 0 when none is left. */
uint64_t aarch64_kernel_stack_top(struct thread *t);

/* Linker script symbols. */
extern char __kernel_start[], __kernel_end[];

#endif
