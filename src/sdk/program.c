/* A started program's side of kaal_spawn() and a starter's look at its start info. */
#include <kaal/program.h>

#include "sdk_layout.h" /* the backend's addresses, from src/sdk/arch/<backend>/ */

bool kaal_program_name_fits(const char *name)
{
	if (!name)
		return false;
	unsigned length = 0;
	while (length < KAAL_PROGRAM_NAME_MAX && name[length] != '\0')
		length++;
	return length > 0 && length < KAAL_PROGRAM_NAME_MAX;
}

bool kaal_program_name_is(const char field[KAAL_PROGRAM_NAME_MAX], const char *name)
{
	unsigned i = 0;
	while (i < KAAL_PROGRAM_NAME_MAX && field[i] == name[i] && name[i] != '\0')
		i++;
	return i < KAAL_PROGRAM_NAME_MAX && field[i] == name[i];
}

unsigned kaal_boot_program_find(const struct kaal_boot_info *bi, const char *name)
{
	if (!bi || !name)
		return 0;
	for (unsigned i = 0; i < bi->program_count && i < KAAL_BOOT_INFO_MAX_PROGRAMS; i++)
		if (kaal_program_name_is(bi->program[i].name, name))
			return i + 1;
	return 0;
}

kaal_status kaal_start_cap(const struct kaal_start_info *si, const char *name, kaal_cptr *cptr)
{
	if (!si || !name || !cptr)
		return KAAL_INVALID_ARGUMENT;
	for (unsigned i = 0; i < si->cap_count && i < KAAL_START_MAX_CAPS; i++) {
		if (kaal_program_name_is(si->cap[i].name, name)) {
			*cptr = si->cap[i].cptr;
			return KAAL_OK;
		}
	}
	return KAAL_SLOT_EMPTY;
}

_Noreturn void kaal_program_run(kaal_word arg, kaal_program_main main_fn)
{
	(void)arg; /* the starter's word travels in the start info */
	void *start, *ipc;
	kaal_status st = kaal_map(KAAL_PROGRAM_SLOT_START_INFO, SDK_PROGRAM_START_INFO_VADDR,
	                          KAAL_RIGHT_READ | KAAL_RIGHT_WRITE, &start);
	if (st == KAAL_OK)
		st = kaal_map(KAAL_PROGRAM_SLOT_IPC_BUFFER, SDK_PROGRAM_IPC_BUFFER_VADDR,
		              KAAL_RIGHT_READ | KAAL_RIGHT_WRITE, &ipc);
	struct kaal_start_info *si = start;
	if (st != KAAL_OK || si->magic != KAAL_START_INFO_MAGIC) {
		kaal_signal(KAAL_PROGRAM_SLOT_END, KAAL_PROGRAM_NOT_STARTED);
		kaal_thread_exit();
	}
	kaal_set_ipc_buffer(ipc);
	si->exit_status = main_fn(si);
	/* The signal is a system call: the starter that wakes from it reads the status after. */
	kaal_signal(KAAL_PROGRAM_SLOT_END, KAAL_PROGRAM_ENDED);
	kaal_thread_exit();
}

kaal_status kaal_program_map(kaal_cptr frame, unsigned page, unsigned rights, void **at)
{
	if (page >= KAAL_PROGRAM_WINDOW_PAGES || !at)
		return KAAL_INVALID_ARGUMENT;
	kaal_word vaddr = SDK_PROGRAM_WINDOW_VADDR == 0
	                      ? 0
	                      : SDK_PROGRAM_WINDOW_VADDR + ((kaal_word)page << KAAL_PAGE_BITS);
	return kaal_map(frame, vaddr, rights, at);
}

kaal_status kaal_frame_fill(kaal_cptr frame, kaal_status (*fill)(void *page, void *ctx), void *ctx)
{
	if (!fill)
		return KAAL_INVALID_ARGUMENT;
	void *at;
	kaal_status st =
	    kaal_map(frame, SDK_STARTER_SCRATCH_VADDR, KAAL_RIGHT_READ | KAAL_RIGHT_WRITE, &at);
	if (st != KAAL_OK)
		return st;
	kaal_status filled = fill(at, ctx);
	st = kaal_unmap(frame);
	return filled != KAAL_OK ? filled : st;
}

static kaal_status put_start_info(void *page, void *ctx)
{
	*(struct kaal_start_info *)page = *(const struct kaal_start_info *)ctx;
	return KAAL_OK;
}

static kaal_status get_start_info(void *page, void *ctx)
{
	*(struct kaal_start_info *)ctx = *(const struct kaal_start_info *)page;
	return KAAL_OK;
}

kaal_status kaal_start_info_write(kaal_cptr frame, const struct kaal_start_info *si)
{
	if (!si)
		return KAAL_INVALID_ARGUMENT;
	return kaal_frame_fill(frame, put_start_info, (void *)(uintptr_t)si);
}

kaal_status kaal_start_info_read(kaal_cptr frame, struct kaal_start_info *si)
{
	if (!si)
		return KAAL_INVALID_ARGUMENT;
	return kaal_frame_fill(frame, get_start_info, si);
}
