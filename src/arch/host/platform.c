/*
 * The simulated machine: QEMU virt's memory map and device set, booted
 * inside the calling process.
 */
#include <stdio.h>
#include <string.h>

#include <kaal/host.h>
#include <kaal/program.h>
#include <kaal/sdk.h>

#include "host.h"
#include "kernel.h"

#define HOST_RAM_BASE        0x40000000u
#define HOST_USER_VADDR_BASE 0x10000u

static const struct kaal_platform_device virt_devices[] = {
    {KAAL_DEVICE_UART0, 33, 0x09000000u, 0x1000u},
    {KAAL_DEVICE_RTC, 34, 0x09010000u, 0x1000u},
    {KAAL_DEVICE_GPIO, 39, 0x09030000u, 0x1000u},
    {KAAL_DEVICE_TIMER, 30, 0, 0}, /* the physical timer's PPI, as on aarch64 */
    /* virtio-mmio's last transport, where QEMU puts a device given no bus. */
    {KAAL_DEVICE_BLOCK, 79, 0x0A003E00u, 0x200u},
};

static bool booted;
/* Edges that came while their interrupt was unacknowledged or unrouted, as a GIC holds them. */
static bool edge_held[KAAL_MAX_IRQS];
static uint32_t edges_held;
static void (*program_entry[KAAL_BOOT_INFO_MAX_PROGRAMS])(kaal_word);

/* The config's programs into p, or false when boot info cannot list them. */
static bool add_programs(const struct kaal_host_config *config, struct kaal_platform *p)
{
	if (!config || config->program_count == 0)
		return true;
	if (!config->programs || config->program_count > KAAL_BOOT_INFO_MAX_PROGRAMS)
		return false;
	for (unsigned i = 0; i < config->program_count; i++) {
		const struct kaal_host_program *hp = &config->programs[i];
		if (!kaal_program_name_fits(hp->name) || !hp->entry)
			return false;
		for (unsigned j = 0; j < i; j++)
			if (kaal_program_name_is(p->program[j].name, hp->name))
				return false;
		memcpy(p->program[i].name, hp->name, strlen(hp->name) + 1);
		p->program[i].vspace_bits = arch_vspace_min_bits();
		p->program_count = i + 1;
	}
	return true;
}

void (*host_program_entry(unsigned program))(kaal_word)
{
	return program_entry[program - 1];
}
/* Preemption points still to find an interrupt waiting (kaal_host_preempt_next()). */
static unsigned preemptions_left;
static bool shutdown_requested;
static kaal_word shutdown_code;

kaal_status kaal_host_boot(const struct kaal_host_config *config,
                           const struct kaal_boot_info **boot_info)
{
	if (booted)
		return KAAL_BUSY;
	uint64_t ram_size =
	    config && config->ram_size ? config->ram_size : (uint64_t)KAAL_HOST_RAM_MIB << 20;
	struct kaal_platform p = {0};
	if (ram_size < (UINT64_C(1) << 20) || (ram_size & ((UINT64_C(1) << KAAL_PAGE_BITS) - 1)) ||
	    !add_programs(config, &p))
		return KAAL_INVALID_ARGUMENT;
	for (unsigned i = 0; i < p.program_count; i++)
		program_entry[i] = config->programs[i].entry;
	if (!host_ram_create(HOST_RAM_BASE, ram_size))
		return KAAL_UNTYPED_EXHAUSTED;

	p.ram_base = HOST_RAM_BASE;
	p.ram_size = ram_size;
	p.free_base = HOST_RAM_BASE;
	p.kernel_base = (uintptr_t)kaal_host_ram;
	p.user_vaddr_start = HOST_USER_VADDR_BASE;
	p.device_count = sizeof(virt_devices) / sizeof(virt_devices[0]);
	for (uint32_t i = 0; i < p.device_count; i++)
		p.device[i] = virt_devices[i];

	struct kaal_boot_state state;
	host_kernel_lock();
	kaal_status st = kaal_kernel_boot(&p, &state);
	bool adopted = st == KAAL_OK && host_adopt_current(state.root_thread);
	host_kernel_unlock();
	if (!adopted) {
		host_threads_release();
		host_ram_destroy();
		return st == KAAL_OK ? KAAL_UNTYPED_EXHAUSTED : st;
	}
	booted = true;
	shutdown_requested = false;
	preemptions_left = 0;
	memset(edge_held, 0, sizeof(edge_held));
	edges_held = 0;

	void *ipc, *bi;
	st =
	    kaal_map(state.boot_info->ipc_buffer_cptr, 0, KAAL_RIGHT_READ | KAAL_RIGHT_WRITE, &ipc);
	if (st == KAAL_OK)
		st = kaal_map(state.boot_info->boot_info_frame_cptr, 0, KAAL_RIGHT_READ, &bi);
	if (st != KAAL_OK) {
		kaal_host_shutdown();
		return st;
	}
	kaal_set_ipc_buffer(ipc);
	*boot_info = bi;
	return KAAL_OK;
}

kaal_status kaal_host_shutdown(void)
{
	if (!booted)
		return KAAL_ILLEGAL_OPERATION;
	if (!host_threads_release())
		return KAAL_BUSY;
	host_ram_destroy();
	booted = false;
	return KAAL_OK;
}

kaal_status kaal_host_raise_irq(uint32_t irq)
{
	host_kernel_lock();
	/* With nothing booted the routes name notifications in memory that is gone. */
	kaal_status st = booted ? kaal_kernel_irq(irq) : KAAL_ILLEGAL_OPERATION;
	host_kernel_unlock();
	return st;
}

kaal_status kaal_host_raise_edge(uint32_t irq)
{
	if (irq >= KAAL_MAX_IRQS)
		return KAAL_INVALID_ARGUMENT;
	host_kernel_lock();
	kaal_status st = booted ? kaal_kernel_irq(irq) : KAAL_ILLEGAL_OPERATION;
	if (st == KAAL_BUSY) {
		edges_held += !edge_held[irq];
		edge_held[irq] = true;
		st = KAAL_OK;
	}
	host_kernel_unlock();
	return st;
}

void host_deliver_held_edges(void)
{
	for (uint32_t irq = 0; edges_held && irq < KAAL_MAX_IRQS; irq++) {
		if (edge_held[irq] && kaal_kernel_irq(irq) == KAAL_OK) {
			edge_held[irq] = false;
			edges_held--;
		}
	}
}

bool kaal_host_shutdown_requested(kaal_word *code)
{
	host_kernel_lock();
	bool requested = shutdown_requested;
	if (requested && code)
		*code = shutdown_code;
	host_kernel_unlock();
	return requested;
}

void arch_shutdown(kaal_word code)
{
	shutdown_requested = true;
	shutdown_code = code;
}

void arch_irq_ack(uint32_t irq)
{
	(void)irq; /* the fake interrupt controller has nothing to unmask */
}

kaal_status kaal_host_thread_blocked(kaal_cptr thread, bool *blocked)
{
	if (!blocked)
		return KAAL_INVALID_ARGUMENT;
	host_kernel_lock();
	struct thread *caller = host_current_thread();
	kaal_status st =
	    caller ? kaal_kernel_thread_blocked(caller, thread, blocked) : KAAL_ILLEGAL_OPERATION;
	host_kernel_unlock();
	return st;
}

unsigned kaal_host_preempt_next(unsigned count)
{
	host_kernel_lock();
	unsigned left = preemptions_left;
	preemptions_left = count;
	host_kernel_unlock();
	return left;
}

bool arch_preemption_pending(void)
{
	if (preemptions_left == 0)
		return false;
	preemptions_left--;
	return true;
}

void host_syscall_issue(struct thread *t, struct thread *const *binding, kaal_word num,
                        const kaal_word *args)
{
	do
		kaal_kernel_syscall(t, num, args);
	while (*binding && t->status == KAAL_KERNEL_RESTART);
}

struct kaal_result host_syscall_result(const struct thread *t)
{
	struct kaal_result r = {KAAL_OBJECT_DELETED, {0}};
	if (!t)
		return r;
	r.status = t->status;
	for (unsigned i = 0; i < KAAL_SYSCALL_RESULTS; i++)
		r.r[i] = t->result[i];
	return r;
}

void arch_debug_putchar(char c)
{
	putchar(c);
	if (c == '\n')
		fflush(stdout);
}
