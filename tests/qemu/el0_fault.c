/*
 * A root task at EL0 whose threads each do one thing EL0 may not: read
 * the kernel image (EL1-only pages), write the program's own text,
 * execute its data, run an undefined instruction, make an unaligned
 * exclusive access (an alignment fault even with alignment checks off). The kernel must end
 * each of them with one line on the console and let the root go on.
 */
#include <stddef.h>

#include <kaal/sdk.h>
#include <kaal/tap.h>

#include "root_task.h"

enum fault { READ_KERNEL, WRITE_TEXT, EXECUTE_DATA, UNDEFINED, UNALIGNED, FAULTS };

static const char *const fault_names[FAULTS] = {
    "a read of the kernel image", "a write to the program's text", "a jump into the program's data",
    "an undefined instruction",   "an unaligned exclusive load",
};

static uint8_t stacks[FAULTS][4096] __attribute__((aligned(16)));
static volatile kaal_word started[FAULTS], survived[FAULTS];
static kaal_word kernel_base;
static uint32_t data_code[4] __attribute__((aligned(16))) = {0xd65f03c0}; /* ret */

static void faulter(kaal_word which)
{
	started[which] = 1;
	switch (which) {
	case READ_KERNEL:
		(void)*(volatile const kaal_word *)(uintptr_t)kernel_base;
		break;
	case WRITE_TEXT:
		*(volatile uint32_t *)(uintptr_t)faulter = 0;
		break;
	case EXECUTE_DATA:
		((void (*)(void))(uintptr_t)data_code)();
		break;
	case UNDEFINED:
		__asm__ volatile("udf #0");
		break;
	default: {
		kaal_word v;
		__asm__ volatile("ldxr %0, [%1]"
		                 : "=r"(v)
		                 : "r"((uintptr_t)&stacks[which][1])
		                 : "memory");
		break;
	}
	}
	survived[which] = 1;
}

int kaal_root_task_main(const struct kaal_boot_info *bi)
{
	kaal_tap_plan(2 + 2 * FAULTS);
	kaal_tap_ok(bi->magic == KAAL_BOOT_INFO_MAGIC, "the boot info page is readable at EL0");
	kernel_base = bi->kernel_base;
	kaal_cptr root = bi->root_cnode_cptr;
	kaal_cptr first = bi->first_free_slot;
	unsigned largest = 0;
	for (unsigned i = 1; i < bi->untyped_count; i++)
		if (bi->untyped[i].size_bits > bi->untyped[largest].size_bits)
			largest = i;
	kaal_status st = kaal_untyped_retype(bi->untyped[largest].cptr, KAAL_CAP_THREAD, 0, FAULTS,
	                                     kaal_root_slot(root, root), first, 0);
	for (kaal_word i = 0; i < FAULTS && st == KAAL_OK; i++) {
		st = kaal_thread_configure(first + i, root, 0, 200);
		if (st == KAAL_OK)
			st = kaal_thread_start(first + i, faulter, stacks[i] + sizeof(stacks[i]), i,
			                       NULL);
	}
	if (!kaal_tap_ok(st == KAAL_OK, "start a thread per fault"))
		kaal_tap_diag(kaal_status_name(st));
	/* Below their priority: they all run (and fault) before this returns. */
	st = kaal_thread_set_priority(bi->root_thread_cptr, 100);
	for (unsigned i = 0; i < FAULTS; i++) {
		kaal_tap_ok(st == KAAL_OK && started[i] == 1, fault_names[i]);
		kaal_tap_ok(survived[i] == 0, "and ended only that thread");
	}
	return (int)kaal_tap_failures();
}
