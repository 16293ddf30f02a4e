/*
 * VSpaces. The core keeps the live ones in a table so that a frame
 * capability, which records the id of the VSpace it is mapped in, can be
 * unmapped from it, or finds it gone; the backend builds the translation.
 */
#include "vspace.h"

#include "kernel.h"

static struct vspace *live[VSPACE_MAX_LIVE];
static unsigned live_count;
static uint32_t next_id;
static uint32_t program_count;
static uint32_t program_bits[KAAL_BOOT_INFO_MAX_PROGRAMS];

void vspace_reset(const struct kaal_platform *p)
{
	program_count = p->program_count;
	for (unsigned i = 0; i < program_count; i++)
		program_bits[i] = p->program[i].vspace_bits;
	for (unsigned i = 0; i < VSPACE_MAX_LIVE; i++)
		live[i] = NULL;
	live_count = 0;
	next_id = 1;
}

bool vspace_can_create(unsigned count)
{
	return count <= VSPACE_MAX_LIVE - live_count && count <= VSPACE_MAX_ID + 1u - next_id;
}

void vspace_create(struct vspace *v, unsigned size_bits, const struct vspace *parent)
{
	v->id = next_id++;
	v->size_bits = size_bits;
	for (unsigned i = 0; i < VSPACE_MAX_LIVE; i++) {
		if (!live[i]) {
			live[i] = v;
			break;
		}
	}
	live_count++;
	arch_vspace_init(v, parent);
}

void vspace_destroy(struct vspace *v)
{
	arch_vspace_destroy(v);
	for (unsigned i = 0; i < VSPACE_MAX_LIVE; i++) {
		if (live[i] == v) {
			live[i] = NULL;
			live_count--;
			break;
		}
	}
}

kaal_status vspace_load(struct vspace *v, kaal_word program)
{
	if (program == 0 || program > program_count || v->size_bits < program_bits[program - 1])
		return KAAL_INVALID_ARGUMENT;
	if (v->given || v->program != 0)
		return KAAL_ILLEGAL_OPERATION;
	kaal_status st = arch_vspace_load(v, (unsigned)program);
	if (st == KAAL_OK)
		v->program = (uint32_t)program;
	return st;
}

struct vspace *vspace_find(uint32_t id)
{
	for (unsigned i = 0; id != 0 && i < VSPACE_MAX_LIVE; i++)
		if (live[i] && live[i]->id == id)
			return live[i];
	return NULL;
}
