/*
 * The capability broker: slots, memory, devices and kernel objects for the
 * root task, from boot info alone.
 */
#include <string.h>

#include <kaal/broker.h>
#include <kaal/sdk.h>

static struct kaal_slot_ref root_ref(const struct kaal_broker *b, kaal_cptr slot)
{
	return kaal_root_slot(b->root_cnode, slot);
}

static bool boot_info_is_kaals(const struct kaal_boot_info *bi)
{
	return bi && bi->magic == KAAL_BOOT_INFO_MAGIC && bi->version == KAAL_BOOT_INFO_VERSION &&
	       bi->total_size == sizeof(*bi) && bi->device_count <= KAAL_BOOT_INFO_MAX_DEVICES;
}

/* A non-empty share of what boot info offers; checked before *b is touched. */
static bool range_fits(const struct kaal_boot_info *bi, const struct kaal_broker_range *range)
{
	struct kaal_broker_range whole = kaal_broker_whole_range(bi);
	return range->first_slot >= whole.first_slot && range->end_slot <= whole.end_slot &&
	       range->first_slot < range->end_slot && (range->untyped & ~whole.untyped) == 0;
}

kaal_status kaal_broker_init(struct kaal_broker *b, const struct kaal_boot_info *bi)
{
	if (!boot_info_is_kaals(bi))
		return KAAL_INVALID_ARGUMENT;
	struct kaal_broker_range whole = kaal_broker_whole_range(bi);
	return kaal_broker_init_range(b, bi, &whole);
}

kaal_status kaal_broker_init_range(struct kaal_broker *b, const struct kaal_boot_info *bi,
                                   const struct kaal_broker_range *range)
{
	if (!b || !boot_info_is_kaals(bi) || !range || !range_fits(bi, range))
		return KAAL_INVALID_ARGUMENT;
	memset(b, 0, sizeof(*b));
	b->bi = bi;
	b->root_cnode = bi->root_cnode_cptr;
	kaal_status st = kaal_slots_init(&b->slots, range->first_slot, range->end_slot);
	if (st == KAAL_OK)
		st = kaal_memory_init_regions(&b->memory, &b->slots, bi, range->untyped);
	return st;
}

kaal_status kaal_broker_alloc_slot(struct kaal_broker *b, kaal_cptr *slot)
{
	return b ? kaal_slots_alloc(&b->slots, slot) : KAAL_INVALID_ARGUMENT;
}

kaal_status kaal_broker_free_slot(struct kaal_broker *b, kaal_cptr slot)
{
	return b ? kaal_slots_free(&b->slots, slot) : KAAL_INVALID_ARGUMENT;
}

kaal_status kaal_broker_allocate_memory(struct kaal_broker *b, uint64_t size, uint64_t align,
                                        struct kaal_memory *out)
{
	return b ? kaal_memory_alloc(&b->memory, size, align, out) : KAAL_INVALID_ARGUMENT;
}

kaal_status kaal_broker_free_memory(struct kaal_broker *b, const struct kaal_memory *mem)
{
	return b ? kaal_memory_free(&b->memory, mem) : KAAL_INVALID_ARGUMENT;
}

static int device_index(const struct kaal_broker *b, uint32_t id)
{
	for (uint32_t i = 0; i < b->bi->device_count; i++)
		if (b->bi->device[i].id == id)
			return (int)i;
	return -1;
}

/* A copy of the boot capability at original in a fresh slot, or 0 when there is none. */
static kaal_status copy_boot_cap(struct kaal_broker *b, kaal_cptr original, kaal_cptr *copy)
{
	*copy = 0;
	if (original == 0)
		return KAAL_OK;
	kaal_status st = kaal_slots_alloc(&b->slots, copy);
	if (st != KAAL_OK)
		return st;
	st = kaal_cnode_copy(root_ref(b, *copy), root_ref(b, original));
	if (st != KAAL_OK) {
		kaal_slots_free(&b->slots, *copy);
		*copy = 0;
	}
	return st;
}

kaal_status kaal_broker_request_device(struct kaal_broker *b, uint32_t id, struct kaal_device *out)
{
	if (!b || !out)
		return KAAL_INVALID_ARGUMENT;
	int i = device_index(b, id);
	if (i < 0)
		return KAAL_INVALID_ARGUMENT;
	if (b->device_taken[i])
		return KAAL_BUSY;
	const struct kaal_boot_device *d = &b->bi->device[i];
	struct kaal_device dev = {d->id, d->irq, d->mmio_base, d->mmio_size, 0, 0};
	kaal_status st = copy_boot_cap(b, d->frame_cptr, &dev.frame);
	if (st == KAAL_OK)
		st = copy_boot_cap(b, d->irq_cptr, &dev.irq_handler);
	if (st != KAAL_OK) {
		if (dev.frame) {
			kaal_cnode_delete(root_ref(b, dev.frame));
			kaal_slots_free(&b->slots, dev.frame);
		}
		return st;
	}
	b->device[i] = dev;
	b->device_taken[i] = true;
	*out = dev;
	return KAAL_OK;
}

kaal_status kaal_broker_release_device(struct kaal_broker *b, uint32_t id)
{
	if (!b)
		return KAAL_INVALID_ARGUMENT;
	int i = device_index(b, id);
	if (i < 0)
		return KAAL_INVALID_ARGUMENT;
	if (!b->device_taken[i])
		return KAAL_ILLEGAL_OPERATION;
	const struct kaal_boot_device *d = &b->bi->device[i];
	/* Revoking the originals removes every copy, wherever it was passed on to. */
	if (d->frame_cptr)
		kaal_cnode_revoke(root_ref(b, d->frame_cptr));
	if (d->irq_cptr)
		kaal_cnode_revoke(root_ref(b, d->irq_cptr));
	if (b->device[i].frame)
		kaal_slots_free(&b->slots, b->device[i].frame);
	if (b->device[i].irq_handler)
		kaal_slots_free(&b->slots, b->device[i].irq_handler);
	memset(&b->device[i], 0, sizeof(b->device[i]));
	b->device_taken[i] = false;
	return KAAL_OK;
}

/* A VSpace, endpoint, notification or thread of the broker's; bits 0: the type's usual size. */
static kaal_status create_sized_object(struct kaal_broker *b, unsigned type, unsigned bits,
                                       kaal_cptr *out)
{
	if (!b || !out)
		return KAAL_INVALID_ARGUMENT;
	uint32_t i = 0;
	while (i < KAAL_BROKER_MAX_OBJECTS && b->object[i].cap != 0)
		i++;
	if (i == KAAL_BROKER_MAX_OBJECTS)
		return KAAL_OUT_OF_SLOTS;
	struct kaal_memory mem;
	kaal_cptr slot;
	if (bits == 0)
		bits = type == KAAL_CAP_VSPACE ? b->bi->vspace_bits : KAAL_PAGE_BITS;
	kaal_status st = kaal_memory_alloc(&b->memory, UINT64_C(1) << bits, 0, &mem);
	if (st != KAAL_OK)
		return st;
	st = kaal_slots_alloc(&b->slots, &slot);
	if (st == KAAL_OK) {
		st = type == KAAL_CAP_ENDPOINT ? kaal_endpoint_create(mem.cap, root_ref(b, slot))
		     : type == KAAL_CAP_NOTIFICATION
		         ? kaal_notification_create(mem.cap, root_ref(b, slot))
		         : kaal_untyped_retype(mem.cap, type, type == KAAL_CAP_THREAD ? 0 : bits, 1,
		                               root_ref(b, b->root_cnode), slot, NULL);
		if (st != KAAL_OK)
			kaal_slots_free(&b->slots, slot);
	}
	if (st != KAAL_OK) {
		kaal_memory_free(&b->memory, &mem);
		return st;
	}
	b->object[i].cap = slot;
	b->object[i].memory = mem;
	*out = slot;
	return KAAL_OK;
}

static kaal_status create_object(struct kaal_broker *b, unsigned type, kaal_cptr *out)
{
	return create_sized_object(b, type, 0, out);
}

kaal_status kaal_broker_create_endpoint(struct kaal_broker *b, kaal_cptr *ep)
{
	return create_object(b, KAAL_CAP_ENDPOINT, ep);
}

kaal_status kaal_broker_create_notification(struct kaal_broker *b, kaal_cptr *ntfn)
{
	return create_object(b, KAAL_CAP_NOTIFICATION, ntfn);
}

kaal_status kaal_broker_create_vspace(struct kaal_broker *b, kaal_cptr *vspace)
{
	return create_object(b, KAAL_CAP_VSPACE, vspace);
}

kaal_status kaal_broker_create_thread(struct kaal_broker *b, kaal_cptr *thread)
{
	return create_object(b, KAAL_CAP_THREAD, thread);
}

kaal_status kaal_broker_destroy_object(struct kaal_broker *b, kaal_cptr cap)
{
	if (!b || cap == 0)
		return KAAL_INVALID_ARGUMENT;
	for (uint32_t i = 0; i < KAAL_BROKER_MAX_OBJECTS; i++) {
		if (b->object[i].cap != cap)
			continue;
		/* Freeing the page revokes it: the object and every copy of its capability go. */
		kaal_status st = kaal_memory_free(&b->memory, &b->object[i].memory);
		if (st != KAAL_OK)
			return st;
		kaal_slots_free(&b->slots, cap);
		memset(&b->object[i], 0, sizeof(b->object[i]));
		return KAAL_OK;
	}
	return KAAL_INVALID_ARGUMENT;
}

/* One object retyped from the process's memory block into a fresh slot. */
static kaal_status process_object(struct kaal_broker *b, const struct kaal_process *p,
                                  unsigned type, unsigned size_bits, kaal_cptr *slot)
{
	kaal_status st = kaal_slots_alloc(&b->slots, slot);
	if (st == KAAL_OK)
		st = kaal_untyped_retype(p->memory.cap, type, size_bits, 1,
		                         root_ref(b, b->root_cnode), *slot, NULL);
	return st;
}

/* A VSpace running boot program `program`, or a copy of the caller's for 0. */
static kaal_status create_program_vspace(struct kaal_broker *b, unsigned program, kaal_cptr *vspace)
{
	if (program == 0)
		return kaal_broker_create_vspace(b, vspace);
	unsigned bits = b->bi->program[program - 1].vspace_bits;
	kaal_status st = create_sized_object(
	    b, KAAL_CAP_VSPACE, bits > b->bi->vspace_bits ? bits : b->bi->vspace_bits, vspace);
	if (st != KAAL_OK)
		return st;
	st = kaal_vspace_load(*vspace, program);
	if (st != KAAL_OK) {
		kaal_broker_destroy_object(b, *vspace);
		*vspace = 0;
	}
	return st;
}

kaal_status kaal_broker_create_program_process(struct kaal_broker *b, unsigned program,
                                               unsigned radix, unsigned priority,
                                               kaal_word ipc_slot, struct kaal_process *out)
{
	if (!b || !out || radix < 1 || radix > KAAL_MAX_CNODE_RADIX || (ipc_slot >> radix) != 0 ||
	    program > b->bi->program_count || program > KAAL_BOOT_INFO_MAX_PROGRAMS)
		return KAAL_INVALID_ARGUMENT;
	struct kaal_process p = {0};
	p.radix = radix;
	/* The CNode first (the largest alignment), then the IPC buffer page, then the thread. */
	uint64_t cnode_bytes = UINT64_C(1) << (radix + KAAL_SLOT_BITS);
	uint64_t bytes = UINT64_C(1) << KAAL_PAGE_BITS;
	while (bytes < cnode_bytes + (UINT64_C(2) << KAAL_PAGE_BITS))
		bytes <<= 1;
	kaal_status st = kaal_memory_alloc(&b->memory, bytes, 0, &p.memory);
	if (st != KAAL_OK)
		return st;
	st = process_object(b, &p, KAAL_CAP_CNODE, radix, &p.cnode);
	if (st == KAAL_OK)
		st = process_object(b, &p, KAAL_CAP_FRAME, KAAL_PAGE_BITS, &p.ipc_buffer);
	if (st == KAAL_OK)
		st = process_object(b, &p, KAAL_CAP_THREAD, 0, &p.thread);
	if (st == KAAL_OK)
		st = kaal_slots_alloc(&b->slots, &p.cspace);
	/* A zero guard over the bits the radix leaves makes every cptr a slot index. */
	if (st == KAAL_OK)
		st = kaal_cnode_mint(root_ref(b, p.cspace), root_ref(b, p.cnode), KAAL_RIGHTS_ALL,
		                     kaal_cnode_guard(0, KAAL_WORD_BITS - radix));
	if (st == KAAL_OK)
		st = kaal_thread_configure(p.thread, p.cspace, p.ipc_buffer, priority);
	if (st == KAAL_OK)
		st = create_program_vspace(b, program, &p.vspace);
	if (st == KAAL_OK)
		st = kaal_thread_set_vspace(p.thread, p.vspace);
	if (st == KAAL_OK && ipc_slot != 0)
		st = kaal_cnode_copy(kaal_process_slot(&p, ipc_slot), root_ref(b, p.ipc_buffer));
	if (st != KAAL_OK) {
		kaal_broker_destroy_process(b, &p);
		return st;
	}
	*out = p;
	return KAAL_OK;
}

kaal_status kaal_broker_create_process(struct kaal_broker *b, unsigned radix, unsigned priority,
                                       kaal_word ipc_slot, struct kaal_process *out)
{
	return kaal_broker_create_program_process(b, 0, radix, priority, ipc_slot, out);
}

kaal_status kaal_broker_destroy_process(struct kaal_broker *b, struct kaal_process *p)
{
	/* A destroyed process's slots may name another's objects now: its memory handle tells. */
	if (!b || !p || kaal_memory_check(&b->memory, &p->memory) != KAAL_OK)
		return KAAL_INVALID_ARGUMENT;
	kaal_status st = p->vspace ? kaal_broker_destroy_object(b, p->vspace) : KAAL_OK;
	/* Freeing the block revokes it: the CNode, thread and frame and their copies go. */
	if (st == KAAL_OK)
		st = kaal_memory_free(&b->memory, &p->memory);
	if (st != KAAL_OK)
		return st;
	const kaal_cptr slots[] = {p->cnode, p->cspace, p->ipc_buffer, p->thread};
	for (unsigned i = 0; i < sizeof(slots) / sizeof(slots[0]); i++)
		if (slots[i])
			kaal_slots_free(&b->slots, slots[i]);
	memset(p, 0, sizeof(*p));
	return KAAL_OK;
}

kaal_status kaal_broker_give(struct kaal_broker *b, const struct kaal_process *p, kaal_word index,
                             kaal_cptr cap, unsigned rights)
{
	/* Never into a CNode that has since gone to another process. */
	if (!b || !p || kaal_memory_check(&b->memory, &p->memory) != KAAL_OK)
		return KAAL_INVALID_ARGUMENT;
	return kaal_cnode_derive(kaal_process_slot(p, index), root_ref(b, cap), rights);
}

kaal_status kaal_broker_create_frames(struct kaal_broker *b, unsigned count, kaal_cptr *frames,
                                      struct kaal_memory *mem)
{
	if (!b || !frames || !mem || count == 0 || count > KAAL_BROKER_MAX_SLOTS)
		return KAAL_INVALID_ARGUMENT;
	kaal_status st = kaal_memory_alloc(&b->memory, (uint64_t)count << KAAL_PAGE_BITS, 0, mem);
	if (st != KAAL_OK)
		return st;
	unsigned taken = 0; /* slots taken so far */
	while (taken < count && st == KAAL_OK) {
		st = kaal_slots_alloc(&b->slots, &frames[taken]);
		if (st != KAAL_OK)
			break;
		st = kaal_untyped_retype(mem->cap, KAAL_CAP_FRAME, KAAL_PAGE_BITS, 1,
		                         root_ref(b, b->root_cnode), frames[taken++], NULL);
	}
	if (st != KAAL_OK) {
		/* All or nothing: freeing the block revokes the frames made. */
		kaal_memory_free(&b->memory, mem);
		for (unsigned i = 0; i < taken; i++)
			kaal_slots_free(&b->slots, frames[i]);
	}
	return st;
}
