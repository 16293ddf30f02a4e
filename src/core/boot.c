/*
 * Boot: carve the root task's CNode, VSpace, thread, IPC buffer and boot info from
 * the start of free RAM, give it capabilities to the devices, and hand it
 * the rest of RAM as untyped regions of aligned power-of-two sizes.
 */
#include "cdt.h"
#include "cspace.h"
#include "fastpath.h"
#include "irq.h"
#include "kernel.h"
#include "thread.h"
#include "vspace.h"

#define PAGE_MASK ((UINT64_C(1) << KAAL_PAGE_BITS) - 1)

struct carver {
	kaal_paddr next;
	kaal_paddr end;
};

static bool carve(struct carver *c, unsigned bits, kaal_paddr *out)
{
	kaal_paddr size = (kaal_paddr)1 << bits;
	kaal_paddr at = (c->next + size - 1) & ~(size - 1);
	if (at < c->next || at > c->end || c->end - at < size)
		return false;
	kaal_zero(arch_phys_to_kernel(at), (size_t)size);
	c->next = at + size;
	*out = at;
	return true;
}

static struct cap make_cap(unsigned type, unsigned rights, unsigned size_bits, uintptr_t object,
                           kaal_word word)
{
	struct cap c = {0};
	c.type = (uint8_t)type;
	c.rights = (uint8_t)rights;
	c.size_bits = (uint8_t)size_bits;
	c.object = object;
	c.word = word;
	return c;
}

/* The largest aligned power-of-two block at base that fits below end. */
static unsigned block_bits(kaal_paddr base, kaal_paddr end)
{
	unsigned bits = KAAL_MAX_UNTYPED_BITS;
	while (bits > 0 && ((base & (((kaal_paddr)1 << bits) - 1)) != 0 ||
	                    end - base < ((kaal_paddr)1 << bits)))
		bits--;
	return bits;
}

static void add_untyped(struct cte *cnode, struct kaal_boot_info *bi, struct carver *c,
                        kaal_cptr *slot)
{
	while (c->end - c->next >= ((kaal_paddr)1 << KAAL_PAGE_BITS) &&
	       bi->untyped_count < KAAL_BOOT_INFO_MAX_UNTYPED) {
		unsigned bits = block_bits(c->next, c->end);
		struct kaal_boot_untyped *u = &bi->untyped[bi->untyped_count++];
		u->base = c->next;
		u->size_bits = bits;
		u->cptr = *slot;
		struct cap cap = make_cap(KAAL_CAP_UNTYPED, KAAL_RIGHTS_ALL, bits, c->next, 0);
		cdt_insert_root(&cnode[(*slot)++], &cap);
		c->next += (kaal_paddr)1 << bits;
	}
}

static void add_devices(const struct kaal_platform *p, struct cte *cnode, struct kaal_boot_info *bi,
                        kaal_cptr *slot)
{
	for (uint32_t i = 0; i < p->device_count; i++) {
		const struct kaal_platform_device *d = &p->device[i];
		struct kaal_boot_device *out = &bi->device[bi->device_count++];
		out->id = d->id;
		out->irq = d->irq;
		out->mmio_base = d->mmio_base;
		out->mmio_size = d->mmio_size;
		if (d->mmio_size != 0) {
			struct cap cap =
			    make_cap(KAAL_CAP_DEVICE_FRAME, KAAL_RIGHT_READ | KAAL_RIGHT_WRITE,
			             KAAL_PAGE_BITS, d->mmio_base & ~(kaal_paddr)PAGE_MASK, 0);
			out->frame_cptr = *slot;
			cdt_insert_root(&cnode[(*slot)++], &cap);
		}
		if (d->irq != KAAL_NO_IRQ && d->irq < KAAL_MAX_IRQS) {
			struct cap cap =
			    make_cap(KAAL_CAP_IRQ_HANDLER, KAAL_RIGHTS_ALL, 0, 0, d->irq);
			out->irq_cptr = *slot;
			cdt_insert_root(&cnode[(*slot)++], &cap);
		}
	}
}

/* A device's registers lie in the one page its frame capability covers. */
static bool devices_valid(const struct kaal_platform *p)
{
	for (uint32_t i = 0; i < p->device_count; i++) {
		const struct kaal_platform_device *d = &p->device[i];
		if (d->mmio_size > PAGE_MASK + 1 ||
		    (d->mmio_base & PAGE_MASK) > PAGE_MASK + 1 - d->mmio_size)
			return false;
	}
	return true;
}

kaal_status kaal_kernel_boot(const struct kaal_platform *p, struct kaal_boot_state *out)
{
	if (p->device_count > KAAL_BOOT_INFO_MAX_DEVICES || !devices_valid(p) ||
	    p->program_count > KAAL_BOOT_INFO_MAX_PROGRAMS || p->free_base < p->ram_base ||
	    p->free_base - p->ram_base > p->ram_size)
		return KAAL_INVALID_ARGUMENT;
	irq_reset();
	vspace_reset(p);
	fastpath_reset();
	struct carver c = {p->free_base, p->ram_base + p->ram_size};
	kaal_paddr larger_phys, smaller_phys, thread_phys, ipc_phys, bi_phys;
	unsigned vspace_bits = arch_vspace_min_bits();
	unsigned cnode_bits = KAAL_ROOT_CNODE_RADIX + KAAL_SLOT_BITS;
	/* The larger of VSpace and CNode first, so no alignment gap is lost between them. */
	bool vspace_larger = vspace_bits > cnode_bits;
	if (!carve(&c, vspace_larger ? vspace_bits : cnode_bits, &larger_phys) ||
	    !carve(&c, vspace_larger ? cnode_bits : vspace_bits, &smaller_phys) ||
	    !carve(&c, KAAL_PAGE_BITS, &ipc_phys) || !carve(&c, KAAL_PAGE_BITS, &bi_phys) ||
	    !carve(&c, KAAL_THREAD_BITS, &thread_phys))
		return KAAL_UNTYPED_EXHAUSTED;
	kaal_paddr vspace_phys = vspace_larger ? larger_phys : smaller_phys;
	kaal_paddr cnode_phys = vspace_larger ? smaller_phys : larger_phys;

	struct cte *cnode = arch_phys_to_kernel(cnode_phys);
	struct thread *root = arch_phys_to_kernel(thread_phys);
	struct kaal_boot_info *bi = arch_phys_to_kernel(bi_phys);

	struct cap cap =
	    make_cap(KAAL_CAP_CNODE, KAAL_RIGHTS_ALL, KAAL_ROOT_CNODE_RADIX, (uintptr_t)cnode, 0);
	cap.guard_bits = KAAL_WORD_BITS - KAAL_ROOT_CNODE_RADIX;
	cdt_insert_root(&cnode[KAAL_ROOT_SLOT_CNODE], &cap);
	cap = make_cap(KAAL_CAP_THREAD, KAAL_RIGHTS_ALL, 0, (uintptr_t)root, 0);
	cdt_insert_root(&cnode[KAAL_ROOT_SLOT_THREAD], &cap);
	cap = make_cap(KAAL_CAP_FRAME, KAAL_RIGHTS_ALL, KAAL_PAGE_BITS, ipc_phys, 0);
	cdt_insert_root(&cnode[KAAL_ROOT_SLOT_IPC_BUFFER], &cap);
	cap = make_cap(KAAL_CAP_FRAME, KAAL_RIGHT_READ, KAAL_PAGE_BITS, bi_phys, 0);
	cdt_insert_root(&cnode[KAAL_ROOT_SLOT_BOOT_INFO], &cap);
	struct vspace *vspace = arch_phys_to_kernel(vspace_phys);
	vspace_create(vspace, vspace_bits, NULL);
	vspace->given = true;
	cap = make_cap(KAAL_CAP_VSPACE, KAAL_RIGHTS_ALL, vspace_bits, (uintptr_t)vspace, 0);
	cdt_insert_root(&cnode[KAAL_ROOT_SLOT_VSPACE], &cap);

	cspace_set_root(cnode);
	thread_init(root);
	cdt_derive(&root->slots[THREAD_SLOT_CSPACE], &cnode[KAAL_ROOT_SLOT_CNODE], KAAL_RIGHTS_ALL,
	           0, false);
	cdt_derive(&root->slots[THREAD_SLOT_IPC_BUFFER], &cnode[KAAL_ROOT_SLOT_IPC_BUFFER],
	           KAAL_RIGHTS_ALL, 0, false);
	cdt_derive(&root->slots[THREAD_SLOT_VSPACE], &cnode[KAAL_ROOT_SLOT_VSPACE], KAAL_RIGHTS_ALL,
	           0, false);
	root->state = THREAD_RUNNING;
	root->priority = KAAL_MAX_PRIORITY;

	bi->magic = KAAL_BOOT_INFO_MAGIC;
	bi->version = KAAL_BOOT_INFO_VERSION;
	bi->total_size = sizeof(*bi);
	bi->root_cnode_radix = KAAL_ROOT_CNODE_RADIX;
	bi->ram_base = p->ram_base;
	bi->ram_size = p->ram_size;
	bi->kernel_base = p->kernel_base;
	bi->user_vaddr_start = p->user_vaddr_start;
	bi->root_cnode_cptr = KAAL_ROOT_SLOT_CNODE;
	bi->root_thread_cptr = KAAL_ROOT_SLOT_THREAD;
	bi->ipc_buffer_cptr = KAAL_ROOT_SLOT_IPC_BUFFER;
	bi->boot_info_frame_cptr = KAAL_ROOT_SLOT_BOOT_INFO;
	bi->root_vspace_cptr = KAAL_ROOT_SLOT_VSPACE;
	bi->vspace_bits = vspace_bits;
	bi->slot_count = (kaal_cptr)1 << KAAL_ROOT_CNODE_RADIX;
	bi->program_count = p->program_count;
	for (unsigned i = 0; i < p->program_count; i++) {
		for (unsigned j = 0; j < KAAL_PROGRAM_NAME_MAX; j++)
			bi->program[i].name[j] = p->program[i].name[j];
		bi->program[i].name[KAAL_PROGRAM_NAME_MAX - 1] = '\0';
		bi->program[i].vspace_bits = p->program[i].vspace_bits;
	}

	kaal_cptr slot = KAAL_ROOT_SLOT_FIRST_DEVICE;
	add_devices(p, cnode, bi, &slot);
	add_untyped(cnode, bi, &c, &slot);
	bi->first_free_slot = slot;

	out->root_thread = root;
	out->boot_info = bi;
	return KAAL_OK;
}
