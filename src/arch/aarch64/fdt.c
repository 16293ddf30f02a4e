/*
 * A small flattened device tree reader: just what the kernel needs from
 * QEMU virt's tree. It finds the memory node, the PL011, PL031 and PL061
 * (reg and interrupts), the virtio-mmio transports, the GIC (v2 or v3: which, and its reg), the
 * timer's interrupts and /chosen/bootargs. Every read is bounds-checked against the header's sizes;
 * a tree that fails any check is not used at all.
 */
#include <stddef.h>

#include "aarch64.h"

#define FDT_MAGIC      0xd00dfeedu
#define FDT_BEGIN_NODE 1u
#define FDT_END_NODE   2u
#define FDT_PROP       3u
#define FDT_NOP        4u
#define FDT_END        9u

#define FDT_MAX_DEPTH 16

/* GIC interrupt specifier: type (0 SPI, 1 PPI), number, flags. */
#define GIC_SPEC_CELLS 3
#define GIC_SPI        0
#define GIC_PPI        1

enum node_kind {
	NODE_OTHER,
	NODE_MEMORY,
	NODE_UART,
	NODE_RTC,
	NODE_GPIO,
	NODE_GICV2,
	NODE_GICV3,
	NODE_TIMER,
	NODE_VIRTIO,
	NODE_CHOSEN
};

/* A node being read: the properties that matter, pointing into the tree. */
struct node {
	enum node_kind kind;
	bool disabled;
	uint32_t address_cells, size_cells; /* for its children */
	const uint8_t *reg;
	uint32_t reg_len;
	const uint8_t *interrupts;
	uint32_t interrupts_len;
};

struct reader {
	const uint8_t *base;
	uint32_t pos, end; /* in the structure block */
	const char *strings;
	uint32_t strings_size;
	const char *problem;
};

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static bool str_eq(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

/* Whether a NUL-separated string list of len bytes contains s. */
static bool list_has(const uint8_t *list, uint32_t len, const char *s)
{
	uint32_t i = 0;
	while (i < len) {
		const char *item = (const char *)&list[i];
		uint32_t n = 0;
		while (i + n < len && list[i + n] != 0)
			n++;
		if (i + n == len)
			return false; /* not terminated */
		if (str_eq(item, s))
			return true;
		i += n + 1;
	}
	return false;
}

static bool fail(struct reader *r, const char *problem)
{
	if (!r->problem)
		r->problem = problem;
	return false;
}

static bool read_u32(struct reader *r, uint32_t *v)
{
	if (r->end - r->pos < 4)
		return fail(r, "structure block ends inside a token");
	*v = be32(r->base + r->pos);
	r->pos += 4;
	return true;
}

/* Skip a node name: a NUL-terminated string padded to 4 bytes. */
static bool skip_name(struct reader *r, const char **name)
{
	uint32_t n = 0;
	while (r->pos + n < r->end && r->base[r->pos + n] != 0)
		n++;
	if (r->pos + n >= r->end)
		return fail(r, "unterminated node name");
	*name = (const char *)(r->base + r->pos);
	r->pos += (n + 1 + 3) & ~3u;
	if (r->pos > r->end)
		return fail(r, "node name runs past the structure block");
	return true;
}

static bool prop_name(struct reader *r, uint32_t off, const char **name)
{
	if (off >= r->strings_size)
		return fail(r, "property name outside the strings block");
	for (uint32_t i = off; i < r->strings_size; i++) {
		if (r->strings[i] == 0) {
			*name = &r->strings[off];
			return true;
		}
	}
	return fail(r, "unterminated property name");
}

/* One number from 0 to 2 big-endian cells. */
static uint64_t cells_value(const uint8_t *p, uint32_t cells)
{
	uint64_t v = 0;
	for (uint32_t i = 0; i < cells; i++)
		v = v << 32 | be32(p + 4 * i);
	return v;
}

/* The index-th (address, size) pair of a node's reg, as its parent's cells say. */
static bool first_reg(const struct node *n, const struct node *parent, uint32_t index,
                      kaal_paddr *base, uint64_t *size)
{
	uint32_t ac = parent->address_cells, sc = parent->size_cells;
	if (ac < 1 || ac > 2 || sc > 2)
		return false;
	uint32_t entry = 4 * (ac + sc);
	if (!n->reg || n->reg_len < entry * (index + 1))
		return false;
	const uint8_t *p = n->reg + entry * index;
	*base = cells_value(p, ac);
	*size = cells_value(p + 4 * ac, sc);
	return true;
}

/* The index-th GIC interrupt specifier of a node as an interrupt id. */
static bool interrupt_id(const struct node *n, uint32_t index, uint32_t *id)
{
	const uint32_t spec = 4 * GIC_SPEC_CELLS;
	if (!n->interrupts || n->interrupts_len % spec || n->interrupts_len < spec * (index + 1))
		return false;
	const uint8_t *p = n->interrupts + spec * index;
	uint32_t type = be32(p), number = be32(p + 4);
	if (type == GIC_SPI && number < 988)
		*id = 32 + number;
	else if (type == GIC_PPI && number < 16)
		*id = 16 + number;
	else
		return false;
	return true;
}

static void take_device(const struct node *n, const struct node *parent, struct virt_device *d)
{
	kaal_paddr base;
	uint64_t size;
	uint32_t irq;
	if (d->found || !first_reg(n, parent, 0, &base, &size))
		return;
	d->found = true;
	d->base = base;
	d->size = size;
	d->irq = interrupt_id(n, 0, &irq) ? irq : KAAL_NO_IRQ;
}

/* A node is complete: take what it describes. */
static void finish_node(const struct node *n, const struct node *parent, struct virt_machine *m)
{
	kaal_paddr base, second;
	uint64_t size, unused;
	if (n->disabled)
		return;
	switch (n->kind) {
	case NODE_MEMORY:
		if (!m->ram_found && first_reg(n, parent, 0, &base, &size) && size != 0) {
			m->ram_found = true;
			m->ram_base = base;
			m->ram_size = size;
		}
		break;
	case NODE_UART:
		take_device(n, parent, &m->uart);
		break;
	case NODE_RTC:
		take_device(n, parent, &m->rtc);
		break;
	case NODE_GPIO:
		take_device(n, parent, &m->gpio);
		break;
	case NODE_VIRTIO:
		if (m->virtio_count < VIRT_VIRTIO_SLOTS) {
			struct virt_device *d = &m->virtio[m->virtio_count];
			*d = (struct virt_device){0};
			take_device(n, parent, d);
			if (d->found)
				m->virtio_count++;
		}
		break;
	case NODE_GICV2:
	case NODE_GICV3:
		if (!m->gic_found && first_reg(n, parent, 0, &base, &size) &&
		    first_reg(n, parent, 1, &second, &unused)) {
			m->gic_found = true;
			m->gic_version = n->kind == NODE_GICV2 ? 2 : 3;
			m->gic_dist = base;
			m->gic_cpu_or_redist = second;
		}
		break;
	case NODE_TIMER:
		/* Secure physical, non-secure physical, virtual, hypervisor. */
		if (!m->timer_found && interrupt_id(n, 1, &m->timer_phys_irq) &&
		    interrupt_id(n, 2, &m->timer_virt_irq) && interrupt_id(n, 3, &m->timer_hyp_irq))
			m->timer_found = true;
		break;
	default:
		break;
	}
}

static enum node_kind compatible_kind(const uint8_t *v, uint32_t len)
{
	if (list_has(v, len, "arm,pl011"))
		return NODE_UART;
	if (list_has(v, len, "arm,pl031"))
		return NODE_RTC;
	if (list_has(v, len, "arm,pl061"))
		return NODE_GPIO;
	if (list_has(v, len, "virtio,mmio"))
		return NODE_VIRTIO;
	if (list_has(v, len, "arm,cortex-a15-gic"))
		return NODE_GICV2;
	if (list_has(v, len, "arm,gic-v3"))
		return NODE_GICV3;
	if (list_has(v, len, "arm,armv8-timer") || list_has(v, len, "arm,armv7-timer"))
		return NODE_TIMER;
	return NODE_OTHER;
}

static void take_property(struct node *n, const char *name, const uint8_t *v, uint32_t len,
                          struct virt_machine *m)
{
	if (str_eq(name, "compatible")) {
		enum node_kind kind = compatible_kind(v, len);
		if (kind != NODE_OTHER)
			n->kind = kind;
	} else if (str_eq(name, "device_type")) {
		if (list_has(v, len, "memory"))
			n->kind = NODE_MEMORY;
	} else if (str_eq(name, "status")) {
		n->disabled = !list_has(v, len, "okay") && !list_has(v, len, "ok");
	} else if (str_eq(name, "reg")) {
		n->reg = v;
		n->reg_len = len;
	} else if (str_eq(name, "interrupts")) {
		n->interrupts = v;
		n->interrupts_len = len;
	} else if (str_eq(name, "#address-cells") && len == 4) {
		n->address_cells = be32(v);
	} else if (str_eq(name, "#size-cells") && len == 4) {
		n->size_cells = be32(v);
	} else if (str_eq(name, "bootargs") && n->kind == NODE_CHOSEN && len > 0 &&
	           v[len - 1] == 0) {
		m->bootargs = (const char *)v;
	}
}

static bool walk(struct reader *r, struct virt_machine *m)
{
	struct node stack[FDT_MAX_DEPTH + 1];
	/* Above the root: the defaults the specification gives the root's reg. */
	stack[0] = (struct node){.address_cells = 2, .size_cells = 1};
	unsigned depth = 0;
	for (;;) {
		uint32_t token, len, nameoff;
		const char *name;
		if (!read_u32(r, &token))
			return false;
		switch (token) {
		case FDT_BEGIN_NODE:
			if (depth == FDT_MAX_DEPTH)
				return fail(r, "nodes nest too deeply");
			if (!skip_name(r, &name))
				return false;
			depth++;
			/* Without #address-cells and #size-cells a node's children use 2 and 1. */
			stack[depth] = (struct node){.address_cells = 2, .size_cells = 1};
			if (depth == 2 && str_eq(name, "chosen"))
				stack[depth].kind = NODE_CHOSEN;
			break;
		case FDT_END_NODE:
			if (depth == 0)
				return fail(r, "unbalanced end of node");
			finish_node(&stack[depth], &stack[depth - 1], m);
			depth--;
			break;
		case FDT_PROP:
			if (depth == 0)
				return fail(r, "property outside a node");
			if (!read_u32(r, &len) || !read_u32(r, &nameoff) ||
			    !prop_name(r, nameoff, &name))
				return false;
			if (len > r->end - r->pos)
				return fail(r, "property value runs past the structure block");
			take_property(&stack[depth], name, r->base + r->pos, len, m);
			r->pos += (len + 3) & ~3u;
			if (r->pos > r->end)
				return fail(r, "property padding runs past the structure block");
			break;
		case FDT_NOP:
			break;
		case FDT_END:
			if (depth != 0)
				return fail(r, "tree ends inside a node");
			return true;
		default:
			return fail(r, "unknown token");
		}
	}
}

void virt_machine_fixed(struct virt_machine *m)
{
	*m = (struct virt_machine){0};
	m->ram_base = VIRT_RAM_BASE;
	m->ram_size = VIRT_RAM_SIZE_DEFAULT;
	m->uart = (struct virt_device){false, VIRT_UART_BASE, VIRT_MMIO_SIZE, VIRT_UART_IRQ};
	m->rtc = (struct virt_device){false, VIRT_RTC_BASE, VIRT_MMIO_SIZE, VIRT_RTC_IRQ};
	m->gpio = (struct virt_device){false, VIRT_GPIO_BASE, VIRT_MMIO_SIZE, VIRT_GPIO_IRQ};
	for (uint32_t i = 0; i < VIRT_VIRTIO_SLOTS; i++)
		m->virtio[i] =
		    (struct virt_device){false, VIRT_VIRTIO_BASE + i * VIRT_VIRTIO_STRIDE,
		                         VIRT_VIRTIO_STRIDE, VIRT_VIRTIO_IRQ + i};
	m->virtio_count = VIRT_VIRTIO_SLOTS;
	m->gic_dist = VIRT_GIC_DIST;
	m->gic_cpu_or_redist = VIRT_GIC_CPU;
	m->timer_phys_irq = VIRT_TIMER_PHYS_IRQ;
	m->timer_virt_irq = VIRT_TIMER_VIRT_IRQ;
	m->timer_hyp_irq = VIRT_TIMER_HYP_IRQ;
	m->bootargs = "";
}

bool fdt_read(const void *dtb, struct virt_machine *m)
{
	const uint8_t *h = dtb;
	struct reader r = {0};
	if (be32(h) != FDT_MAGIC) {
		m->fdt_problem = "no device tree (bad magic)";
		return false;
	}
	uint32_t total = be32(h + 4), off_struct = be32(h + 8), off_strings = be32(h + 12);
	uint32_t version = be32(h + 20), last_compatible = be32(h + 24);
	uint32_t size_strings = be32(h + 32), size_struct = be32(h + 36);
	if (version < 17 || last_compatible > 17)
		r.problem = "unsupported device tree version";
	else if (total > VIRT_DTB_MAX_SIZE || total < 40)
		r.problem = "implausible device tree size";
	else if (off_struct > total || size_struct > total - off_struct || off_strings > total ||
	         size_strings > total - off_strings || (off_struct & 3) || (size_struct & 3))
		r.problem = "device tree blocks outside the tree";
	if (r.problem) {
		m->fdt_problem = r.problem;
		return false;
	}
	r.base = h + off_struct;
	r.end = size_struct;
	r.strings = (const char *)(h + off_strings);
	r.strings_size = size_strings;

	/* Read into a copy: a tree that turns out broken changes nothing. */
	struct virt_machine found = *m;
	found.ram_found = false;
	found.uart.found = found.rtc.found = found.gpio.found = false;
	/* The tree's transports replace the fixed map's, all of them. */
	found.virtio_count = 0;
	found.gic_found = found.timer_found = false;
	if (!walk(&r, &found)) {
		m->fdt_problem = r.problem;
		return false;
	}
	found.fdt_valid = true;
	found.fdt_problem = NULL;
	*m = found;
	return true;
}
