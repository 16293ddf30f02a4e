/*
 * Starting boot programs by name: a process from the broker whose VSpace
 * runs the program, its CSpace filled as program.h lays it out, its start
 * info written through a passing mapping, and its end read from the
 * notification it signals.
 */
#include <string.h>

#include <kaal/spawn.h>

/* A name that kaal_program_name_fits() into its field. */
static void copy_name(char field[KAAL_PROGRAM_NAME_MAX], const char *name)
{
	for (unsigned i = 0; (field[i] = name[i]) != '\0'; i++)
		;
}

static bool caps_valid(const struct kaal_spawn_cap *caps, unsigned count)
{
	if (count > KAAL_START_MAX_CAPS || (count > 0 && !caps))
		return false;
	for (unsigned i = 0; i < count; i++) {
		if (!kaal_program_name_fits(caps[i].name))
			return false;
		char field[KAAL_PROGRAM_NAME_MAX] = {0};
		copy_name(field, caps[i].name);
		for (unsigned j = 0; j < i; j++)
			if (kaal_program_name_is(field, caps[j].name))
				return false;
	}
	return true;
}

static struct kaal_slot_ref own_slot(const struct kaal_broker *b, kaal_cptr slot)
{
	return kaal_root_slot(b->root_cnode, slot);
}

/* The program's CSpace as program.h lays it out, and its start info. */
static kaal_status fill(struct kaal_broker *b, struct kaal_spawned *p,
                        const struct kaal_spawn_cap *caps, unsigned count, kaal_word arg)
{
	const struct kaal_process *proc = &p->process;
	kaal_status st = kaal_cnode_copy(kaal_process_slot(proc, KAAL_PROGRAM_SLOT_START_INFO),
	                                 own_slot(b, p->start_info));
	if (st == KAAL_OK)
		st = kaal_cnode_copy(kaal_process_slot(proc, KAAL_PROGRAM_SLOT_CNODE),
		                     own_slot(b, proc->cspace));
	/* Its end may only signal: it cannot wait away a signal meant for the starter. */
	if (st == KAAL_OK)
		st = kaal_broker_give(b, proc, KAAL_PROGRAM_SLOT_END, p->end, KAAL_RIGHT_WRITE);
	struct kaal_start_info si = {0};
	si.magic = KAAL_START_INFO_MAGIC;
	si.cap_count = count;
	si.first_free_slot = KAAL_PROGRAM_SLOT_FIRST_CAP + count;
	si.slot_count = (kaal_cptr)1 << proc->radix;
	si.arg = arg;
	for (unsigned i = 0; i < count && st == KAAL_OK; i++) {
		si.cap[i].cptr = KAAL_PROGRAM_SLOT_FIRST_CAP + i;
		copy_name(si.cap[i].name, caps[i].name);
		/* At most the rights the starter holds: KAAL_RIGHTS_ALL gives a plain copy. */
		struct kaal_cap_info held;
		st = kaal_cnode_identify(own_slot(b, caps[i].cap), &held);
		if (st == KAAL_OK)
			st = kaal_broker_give(b, proc, si.cap[i].cptr, caps[i].cap,
			                      caps[i].rights & held.rights);
	}
	if (st == KAAL_OK)
		st = kaal_start_info_write(p->start_info, &si);
	return st;
}

kaal_status kaal_spawn(struct kaal_broker *b, const char *name, const struct kaal_spawn_cap *caps,
                       unsigned count, unsigned priority, kaal_word arg, struct kaal_spawned *out)
{
	if (!b || !out || !caps_valid(caps, count))
		return KAAL_INVALID_ARGUMENT;
	unsigned program = kaal_boot_program_find(b->bi, name);
	if (program == 0)
		return KAAL_INVALID_ARGUMENT;
	struct kaal_spawned p = {0};
	kaal_status st = kaal_broker_create_program_process(
	    b, program, KAAL_SPAWN_RADIX, priority, KAAL_PROGRAM_SLOT_IPC_BUFFER, &p.process);
	if (st != KAAL_OK)
		return st;
	st = kaal_broker_create_frames(b, 1, &p.start_info, &p.start_memory);
	if (st == KAAL_OK)
		st = kaal_broker_create_notification(b, &p.end);
	else
		p.start_info = 0;
	if (st == KAAL_OK)
		st = fill(b, &p, caps, count, arg);
	if (st == KAAL_OK)
		st = kaal_thread_start_program(p.process.thread, arg);
	if (st != KAAL_OK) {
		kaal_spawn_destroy(b, &p);
		return st;
	}
	*out = p;
	return KAAL_OK;
}

kaal_status kaal_spawn_wait(struct kaal_spawned *p, uint64_t timeout_ns, int *exit_status)
{
	if (!p || !exit_status || p->end == 0)
		return KAAL_INVALID_ARGUMENT;
	if (!p->ended) {
		kaal_word bits = 0;
		kaal_status st = kaal_wait_timeout(p->end, timeout_ns, &bits);
		if (st != KAAL_OK)
			return st;
		if (!(bits & KAAL_PROGRAM_ENDED))
			return (bits & KAAL_PROGRAM_NOT_STARTED) ? KAAL_ILLEGAL_OPERATION
			                                         : KAAL_TIMEOUT;
		struct kaal_start_info si;
		st = kaal_start_info_read(p->start_info, &si);
		if (st != KAAL_OK)
			return st;
		p->ended = true;
		p->exit_status = (int)si.exit_status;
	}
	*exit_status = p->exit_status;
	return KAAL_OK;
}

kaal_status kaal_spawn_destroy(struct kaal_broker *b, struct kaal_spawned *p)
{
	if (!b || !p)
		return KAAL_INVALID_ARGUMENT;
	/* The process first: its thread stops before its start info and end go. */
	kaal_status st = KAAL_OK;
	if (p->process.thread)
		st = kaal_broker_destroy_process(b, &p->process);
	if (st == KAAL_OK && p->end) {
		st = kaal_broker_destroy_object(b, p->end);
		if (st == KAAL_OK)
			p->end = 0;
	}
	if (st == KAAL_OK && p->start_info) {
		st = kaal_broker_free_memory(b, &p->start_memory);
		if (st == KAAL_OK) {
			kaal_broker_free_slot(b, p->start_info);
			p->start_info = 0;
		}
	}
	if (st == KAAL_OK)
		memset(p, 0, sizeof(*p));
	return st;
}
