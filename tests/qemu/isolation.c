/*
 * The isolation test: a root task at EL0 and two processes, each with a
 * CSpace and a VSpace of its own (the broker's), that must not be able to
 * reach each other or the kernel.
 *
 * - B, the victim, maps a frame at VICTIM_VADDR, fills it and a global
 *   array with a pattern, then checks both round after round until the
 *   root tells it to stop (and at least MIN_ROUNDS times), and reports.
 * - A, the attacker, holds two capabilities: a Write-only endpoint to the
 *   root (badged, for its reports) and a Write-only notification the root
 *   reads. Its threads:
 *   - a probe thread, started once per probe, signals "about to try" (a
 *     bit of its own per probe), does one thing EL0 may not (read or write
 *     kernel memory, write B's or the root's memory, write its own text,
 *     execute data, run a privileged or undefined instruction, ...) and
 *     signals "after". The fault must end it between the two: the root
 *     sees the first bit, never the second, and the thread ended;
 *   - a prober calls signal, send, wait, identify, copy, revoke, map,
 *     retype, thread and IRQ calls on capability pointers A was never
 *     given (its empty slots, the root's names for real objects, pointers
 *     outside its CSpace), and calls on its own two capabilities that need
 *     rights or types they lack: each must fail with a defined status;
 *   - a fuzzer makes FUZZ_CALLS system calls with pseudo-random numbers
 *     and arguments (fixed-seed xorshift).
 * - The root checks that every attempt failed, that B finished its work
 *   with its memory intact, that the root's capabilities are unchanged and
 *   that the kernel still serves it.
 *
 * Priorities: the probe thread runs above the root, so a start returns only
 * once it has ended; the root runs above B and A's other threads, which
 * share the CPU at the tick while the root waits for reports. A watchdog
 * thread ends the root's waits at DEADLINE_NS through a notification bound
 * to the root, so a lost report fails the test instead of hanging it.
 */
#include <stddef.h>

#include <kaal/broker.h>
#include <kaal/sdk.h>
#include <kaal/tap.h>

#include "root_task.h"

#define PAGE  4096u
#define RADIX 6 /* each process's CNode: 64 slots, cptr = slot index (a guard of 58 zero bits) */

/* A's CNode: all A holds. */
enum { A_REPORT = 1, A_SIGNAL = 2 };
/* B's CNode. */
enum { B_FRAME = 1, B_REPORT = 2, B_READY = 3, B_STOP = 4 };

#define BADGE_A 0xA
#define BADGE_B 0xB

#define VICTIM_VADDR    UINT64_C(0x10000000) /* B's frame, in B's VSpace */
#define ROOT_VIEW_VADDR UINT64_C(0x30000000) /* the root's look at it at the end */
#define VICTIM_WORDS    (PAGE / 8u)
#define DATA_WORDS      64u
#define FRAME_SALT      UINT64_C(0x5eed0f0000000001)
#define DATA_SALT       UINT64_C(0x5eed0f0000000002)
#define MIN_ROUNDS      2000u

#define ROOT_PRIORITY     100
#define WORK_PRIORITY     99
#define PROBE_PRIORITY    101
#define WATCHDOG_PRIORITY 110

#define FUZZ_CALLS  100000u
#define FUZZ_SEED   UINT64_C(0x2545F4914F6CDD1D)
#define DEADLINE_NS UINT64_C(60000000000) /* the whole test */
#define NAP_NS      UINT64_C(10000000)

/* ---- Reports: 4-word messages (A and B have no IPC buffer) labelled magic, kind, part. */

#define REPORT_MAGIC UINT64_C(0x150AB1E)
enum report_kind { KIND_PROBER = 1, KIND_FUZZER = 2, KIND_VICTIM = 3 };

/* What the prober and the fuzzer count. */
enum report_word {
	W_CALLS,
	W_OK,
	W_UNEXPECTED, /* an OK that must not be, a status outside the set, a wrong one */
	W_OUTSIDE,    /* statuses >= KAAL_STATUS_COUNT */
	W_FIRST_NUM,  /* the first unexpected call: number, a0, a1, status */
	W_FIRST_A0,
	W_FIRST_A1,
	W_FIRST_STATUS,
	W_INVALID_NUMBERS, /* fuzzer: calls with a number the kernel does not define */
	W_OK_SIGNAL,       /* fuzzer: signals on A's notification */
	W_OK_SEND,         /* fuzzer: sends and non-blocking sends on A's endpoint */
	W_OK_OTHER,        /* fuzzer: yield and time */
	W_RIGHTS,          /* prober: calls on A's own capabilities that failed as they must */
	W_RIGHTS_CALLS,
	W_POINTERS, /* prober: capability pointers tried */
	W_HIST,     /* W_HIST + status: how often each status came back */
	W_COUNT = W_HIST + KAAL_STATUS_COUNT
};
#define REPORT_PARTS ((W_COUNT + 3u) / 4u)

/* What B reports. */
enum victim_word { V_STATUS, V_ROUNDS, V_BAD_ROUNDS, V_FIRST_BAD, V_COUNT };

static kaal_word report_label(unsigned kind, unsigned part)
{
	return REPORT_MAGIC << 12 | (kaal_word)kind << 8 | part;
}

static void send_report(kaal_cptr ep, unsigned kind, const kaal_word *w, unsigned words)
{
	for (unsigned part = 0; part * 4u < words; part++) {
		struct kaal_msg m = {kaal_msg_info(report_label(kind, part), 4, 0), {0}, 0};
		for (unsigned i = 0; i < 4 && part * 4u + i < words; i++)
			m.mr[i] = w[part * 4u + i];
		kaal_send(ep, &m);
	}
}

/* ---- What A knows: filled in by the root before A's VSpace (a copy of it) is made. */

#define MAX_NAMES 64u

static struct {
	kaal_word kernel_base;     /* the kernel image: EL1 only */
	kaal_word ram_top;         /* the last word of RAM in the kernel's identity map */
	kaal_word victim_phys;     /* B's frame, physical */
	kaal_cptr name[MAX_NAMES]; /* the root's cptrs for real objects */
	unsigned names;
} attack;

/* B's global data; every VSpace has its own copy at the same address. */
static volatile kaal_word victim_data[DATA_WORDS];

static const uint32_t rodata_word = 0x0badc0deu;
static uint32_t data_code[4] __attribute__((aligned(16))) = {0xd65f03c0u}; /* ret */
static uint64_t exclusive_target[2] __attribute__((aligned(16)));

static uint8_t probe_stack[8192] __attribute__((aligned(16)));
static uint8_t prober_stack[8192] __attribute__((aligned(16)));
static uint8_t fuzzer_stack[8192] __attribute__((aligned(16)));
static uint8_t victim_stack[8192] __attribute__((aligned(16)));
static uint8_t watchdog_stack[4096] __attribute__((aligned(16)));

/* A 64-bit mix (splitmix64's finaliser): B's pattern. */
static kaal_word mix(kaal_word x)
{
	x ^= x >> 30;
	x *= UINT64_C(0xbf58476d1ce4e5b9);
	x ^= x >> 27;
	x *= UINT64_C(0x94d049bb133111eb);
	return x ^ (x >> 31);
}

static kaal_word pattern(unsigned i, kaal_word salt)
{
	return mix(salt + i);
}

/* ---- B, the victim. */

static void victim(kaal_word unused)
{
	(void)unused;
	kaal_word r[V_COUNT] = {0};
	void *at = 0;
	kaal_status st = kaal_map(B_FRAME, VICTIM_VADDR, KAAL_RIGHT_READ | KAAL_RIGHT_WRITE, &at);
	if (st == KAAL_OK && (uintptr_t)at != VICTIM_VADDR)
		st = KAAL_INVALID_ARGUMENT;
	volatile kaal_word *frame = at;
	if (st == KAAL_OK) {
		for (unsigned i = 0; i < VICTIM_WORDS; i++)
			frame[i] = pattern(i, FRAME_SALT);
		for (unsigned i = 0; i < DATA_WORDS; i++)
			victim_data[i] = pattern(i, DATA_SALT);
	}
	kaal_signal(B_READY, st == KAAL_OK ? 1 : 2);
	bool stop = false;
	while (st == KAAL_OK && (!stop || r[V_ROUNDS] < MIN_ROUNDS)) {
		unsigned bad = 0;
		for (unsigned i = 0; i < VICTIM_WORDS; i++)
			bad += frame[i] != pattern(i, FRAME_SALT);
		for (unsigned i = 0; i < DATA_WORDS; i++)
			bad += victim_data[i] != pattern(i, DATA_SALT);
		r[V_ROUNDS]++;
		if (bad && r[V_BAD_ROUNDS]++ == 0)
			r[V_FIRST_BAD] = r[V_ROUNDS];
		kaal_word bits = 0;
		if (!stop) {
			st = kaal_poll(B_STOP, &bits);
			stop = bits != 0;
		}
	}
	r[V_STATUS] = st;
	send_report(B_REPORT, KIND_VICTIM, r, V_COUNT);
}

/* ---- A's probe thread: one forbidden thing per start. */

enum probe_id {
	P_READ_KERNEL,
	P_WRITE_KERNEL_RAM,
	P_READ_VICTIM_PHYS,
	P_WRITE_VICTIM,
	P_READ_VICTIM,
	P_WRITE_ROOT_STACK,
	P_WRITE_TEXT,
	P_WRITE_RODATA,
	P_EXEC_DATA,
	P_EXEC_STACK,
	P_EXEC_KERNEL,
	P_PC_ALIGNMENT,
	P_EXCLUSIVE_ALIGNMENT,
	P_SET_TTBR0,
	P_TLBI,
	P_MASK_IRQS,
	P_STOP_TIMER,
	P_FP,
	P_UDF,
	P_BRK,
	P_HVC,
	P_WRITE_OWN_COPY, /* allowed: A's own copy of B's data address */
	PROBES
};

static const struct {
	const char *what;
	bool faults;
} probes[PROBES] = {
    [P_READ_KERNEL] = {"A reads the kernel image (boot info's kernel_base)", true},
    [P_WRITE_KERNEL_RAM] = {"A writes the top of RAM through the kernel's identity map", true},
    [P_READ_VICTIM_PHYS] = {"A reads B's frame at its physical address", true},
    [P_WRITE_VICTIM] = {"A writes B's frame address (not mapped in A's VSpace)", true},
    [P_READ_VICTIM] = {"A reads B's frame address", true},
    [P_WRITE_ROOT_STACK] = {"A writes the root's stack address", true},
    [P_WRITE_TEXT] = {"A writes its own text", true},
    [P_WRITE_RODATA] = {"A writes its read-only data", true},
    [P_EXEC_DATA] = {"A jumps into a writable global", true},
    [P_EXEC_STACK] = {"A jumps into its stack", true},
    [P_EXEC_KERNEL] = {"A jumps into the kernel's text", true},
    [P_PC_ALIGNMENT] = {"A jumps to a misaligned address", true},
    [P_EXCLUSIVE_ALIGNMENT] = {"A makes a misaligned exclusive load", true},
    [P_SET_TTBR0] = {"A writes TTBR0_EL1", true},
    [P_TLBI] = {"A invalidates the TLB (tlbi vmalle1)", true},
    [P_MASK_IRQS] = {"A masks interrupts (msr daifset)", true},
    [P_STOP_TIMER] = {"A stops the kernel's timer (msr cntv_ctl_el0)", true},
    [P_FP] = {"A uses a floating-point register the kernel does not switch", true},
    [P_UDF] = {"A runs an undefined instruction", true},
    [P_BRK] = {"A runs brk", true},
    [P_HVC] = {"A calls the hypervisor (hvc)", true},
    [P_WRITE_OWN_COPY] = {"A writes its own copy of B's data address: allowed, and only A's",
                          false},
};

static kaal_word before_bit(unsigned which)
{
	return UINT64_C(1) << (2u * which);
}

static kaal_word after_bit(unsigned which)
{
	return UINT64_C(1) << (2u * which + 1u);
}

static void attempt(unsigned which)
{
	switch (which) {
	case P_READ_KERNEL:
		(void)*(volatile const kaal_word *)(uintptr_t)attack.kernel_base;
		break;
	case P_WRITE_KERNEL_RAM:
		*(volatile kaal_word *)(uintptr_t)attack.ram_top = 0;
		break;
	case P_READ_VICTIM_PHYS:
		(void)*(volatile const kaal_word *)(uintptr_t)attack.victim_phys;
		break;
	case P_WRITE_VICTIM:
		*(volatile kaal_word *)(uintptr_t)VICTIM_VADDR = 0;
		break;
	case P_READ_VICTIM:
		(void)*(volatile const kaal_word *)(uintptr_t)VICTIM_VADDR;
		break;
	case P_WRITE_ROOT_STACK:
		*(volatile kaal_word *)(uintptr_t)(ROOT_TASK_STACK_TOP - 64u) = 0;
		break;
	case P_WRITE_TEXT:
		*(volatile uint32_t *)(uintptr_t)attempt = 0;
		break;
	case P_WRITE_RODATA:
		*(volatile uint32_t *)(uintptr_t)&rodata_word = 0;
		break;
	case P_EXEC_DATA:
		((void (*)(void))(uintptr_t)data_code)();
		break;
	case P_EXEC_STACK: {
		volatile uint32_t code[4] __attribute__((aligned(16))) = {0xd65f03c0u};
		((void (*)(void))(uintptr_t)code)();
		break;
	}
	case P_EXEC_KERNEL:
		((void (*)(void))(uintptr_t)attack.kernel_base)();
		break;
	case P_PC_ALIGNMENT:
		((void (*)(void))((uintptr_t)attempt + 2u))();
		break;
	case P_EXCLUSIVE_ALIGNMENT: {
		kaal_word v;
		__asm__ volatile("ldxr %0, [%1]"
		                 : "=r"(v)
		                 : "r"((uintptr_t)exclusive_target + 1u)
		                 : "memory");
		(void)v;
		break;
	}
	case P_SET_TTBR0:
		__asm__ volatile("msr ttbr0_el1, xzr\n\tisb" ::: "memory");
		break;
	case P_TLBI:
		__asm__ volatile("tlbi vmalle1\n\tdsb nsh" ::: "memory");
		break;
	case P_MASK_IRQS:
		__asm__ volatile("msr daifset, #2" ::: "memory");
		break;
	case P_STOP_TIMER:
		__asm__ volatile("msr cntv_ctl_el0, xzr\n\tisb" ::: "memory");
		break;
	case P_FP:
		__asm__ volatile(".inst 0x9e6703e0" ::: "memory"); /* fmov d0, xzr */
		break;
	case P_UDF:
		__asm__ volatile("udf #0" ::: "memory");
		break;
	case P_BRK:
		__asm__ volatile("brk #0" ::: "memory");
		break;
	case P_HVC:
		__asm__ volatile("hvc #0" ::: "memory");
		break;
	default:
		for (unsigned i = 0; i < DATA_WORDS; i++)
			victim_data[i] = ~pattern(i, DATA_SALT);
		break;
	}
}

static void probe(kaal_word which)
{
	kaal_signal(A_SIGNAL, before_bit((unsigned)which));
	attempt((unsigned)which);
	kaal_signal(A_SIGNAL, after_bit((unsigned)which));
}

/* ---- Counting statuses (prober and fuzzer). */

static void record(kaal_word *w, kaal_word num, kaal_word a0, kaal_word a1, kaal_word status,
                   bool unexpected)
{
	w[W_CALLS]++;
	if (status < KAAL_STATUS_COUNT) {
		w[W_HIST + status]++;
	} else {
		w[W_OUTSIDE]++;
		unexpected = true;
	}
	if (status == KAAL_OK)
		w[W_OK]++;
	if (unexpected && w[W_UNEXPECTED]++ == 0) {
		w[W_FIRST_NUM] = num;
		w[W_FIRST_A0] = a0;
		w[W_FIRST_A1] = a1;
		w[W_FIRST_STATUS] = status;
	}
}

/* ---- A's prober: capabilities it was never given, rights it lacks. */

/* A call that must fail, whatever it names. */
static void must_fail(kaal_word *w, kaal_word num, kaal_word a0, kaal_word a1, kaal_word a2,
                      kaal_word a3, kaal_word a4, kaal_word a5)
{
	struct kaal_result r = kaal_syscall(num, a0, a1, a2, a3, a4, a5);
	record(w, num, a0, a1, r.status, r.status == KAAL_OK);
}

static void probe_pointer(kaal_word *w, kaal_cptr c)
{
	const kaal_word info = kaal_msg_info(1, 1, 0), stack = (uintptr_t)probe_stack;
	const kaal_word own = kaal_slot(c, KAAL_WORD_BITS), in_cnode = kaal_slot(3, RADIX);
	w[W_POINTERS]++;
	must_fail(w, KAAL_SYS_SIGNAL, c, 1, 0, 0, 0, 0);
	must_fail(w, KAAL_SYS_SEND, c, info, 1, 2, 3, 4);
	must_fail(w, KAAL_SYS_NB_SEND, c, info, 1, 2, 3, 4);
	must_fail(w, KAAL_SYS_CALL, c, info, 1, 2, 3, 4);
	must_fail(w, KAAL_SYS_RECV, c, 0, 0, 0, 0, 0);
	must_fail(w, KAAL_SYS_REPLY_RECV, c, info, 1, 2, 3, 4);
	must_fail(w, KAAL_SYS_WAIT, c, 0, 0, 0, 0, 0);
	must_fail(w, KAAL_SYS_POLL, c, 0, 0, 0, 0, 0);
	must_fail(w, KAAL_SYS_PEEK, c, 0, 0, 0, 0, 0);
	must_fail(w, KAAL_SYS_WAIT_TIMEOUT, c, NAP_NS, 0, 0, 0, 0);
	must_fail(w, KAAL_SYS_IDENTIFY, c, own, 0, 0, 0, 0);
	must_fail(w, KAAL_SYS_IDENTIFY, c, in_cnode, 0, 0, 0, 0);
	must_fail(w, KAAL_SYS_COPY, c, in_cnode, c, own, 0, 0);
	must_fail(w, KAAL_SYS_COPY, A_REPORT, own, c, own, 0, 0);
	must_fail(w, KAAL_SYS_MINT, c, in_cnode, c, own, KAAL_RIGHTS_ALL, 7);
	must_fail(w, KAAL_SYS_DERIVE, c, in_cnode, c, own, KAAL_RIGHTS_ALL, 0);
	must_fail(w, KAAL_SYS_MOVE, c, in_cnode, c, own, 0, 0);
	must_fail(w, KAAL_SYS_MUTATE, c, in_cnode, c, own, KAAL_RIGHTS_ALL, 0);
	must_fail(w, KAAL_SYS_DELETE, c, own, 0, 0, 0, 0);
	must_fail(w, KAAL_SYS_REVOKE, c, own, 0, 0, 0, 0);
	must_fail(w, KAAL_SYS_MAP, c, 0x20000000u, KAAL_RIGHT_READ | KAAL_RIGHT_WRITE, 0, 0, 0);
	must_fail(w, KAAL_SYS_MAP, c, VICTIM_VADDR, KAAL_RIGHT_READ, 0, 0, 0);
	must_fail(w, KAAL_SYS_UNMAP, c, 0, 0, 0, 0, 0);
	must_fail(w, KAAL_SYS_UNTYPED_INFO, c, 0, 0, 0, 0, 0);
	must_fail(w, KAAL_SYS_RETYPE, c, kaal_retype_spec(KAAL_CAP_FRAME, KAAL_PAGE_BITS, 1), c, 0,
	          3, 0);
	must_fail(w, KAAL_SYS_RETYPE, c, kaal_retype_spec(KAAL_CAP_CNODE, RADIX, 1), c, own, 0, 0);
	must_fail(w, KAAL_SYS_ENDPOINT_CREATE, c, c, in_cnode, 0, 0, 0);
	must_fail(w, KAAL_SYS_NOTIFICATION_CREATE, c, c, in_cnode, 0, 0, 0);
	must_fail(w, KAAL_SYS_THREAD_CONFIGURE, c, c, 0, ROOT_PRIORITY, 0, 0);
	must_fail(w, KAAL_SYS_THREAD_START, c, (uintptr_t)probe, stack + sizeof(probe_stack), 0, 0,
	          0);
	must_fail(w, KAAL_SYS_THREAD_SET_PRIORITY, c, 255, 0, 0, 0, 0);
	must_fail(w, KAAL_SYS_THREAD_SET_VSPACE, c, c, 0, 0, 0, 0);
	must_fail(w, KAAL_SYS_VSPACE_LOAD, c, 1, 0, 0, 0, 0);
	must_fail(w, KAAL_SYS_THREAD_BIND_NOTIFICATION, c, A_SIGNAL, 0, 0, 0, 0);
	must_fail(w, KAAL_SYS_THREAD_UNBIND_NOTIFICATION, c, 0, 0, 0, 0, 0);
	must_fail(w, KAAL_SYS_IRQ_SET_NOTIFICATION, c, A_SIGNAL, 0, 0, 0, 0);
	must_fail(w, KAAL_SYS_IRQ_ACK, c, 0, 0, 0, 0, 0);
	must_fail(w, KAAL_SYS_IRQ_CLEAR, c, 0, 0, 0, 0, 0);
	must_fail(w, KAAL_SYS_THREAD_INFO, c, 0, 0, 0, 0, 0);
}

/* A call on one of A's own capabilities that lacks the right or is of another type. */
static void must_refuse(kaal_word *w, kaal_status expected, kaal_word num, kaal_word a0,
                        kaal_word a1, kaal_word a2, kaal_word a3)
{
	struct kaal_result r = kaal_syscall(num, a0, a1, a2, a3, 0, 0);
	w[W_RIGHTS_CALLS]++;
	if (r.status == expected)
		w[W_RIGHTS]++;
	record(w, num, a0, a1, r.status, r.status != expected);
}

static bool held(kaal_cptr c)
{
	return c == A_REPORT || c == A_SIGNAL;
}

static void prober(kaal_word unused)
{
	(void)unused;
	kaal_word w[W_COUNT] = {0};
	const kaal_word info = kaal_msg_info(1, 1, 0);
	/* Its own capabilities: a Write-only endpoint and a Write-only notification. */
	must_refuse(w, KAAL_MISSING_RIGHT, KAAL_SYS_RECV, A_REPORT, 0, 0, 0);
	must_refuse(w, KAAL_MISSING_RIGHT, KAAL_SYS_CALL, A_REPORT, info, 0, 0);
	must_refuse(w, KAAL_MISSING_RIGHT, KAAL_SYS_REPLY_RECV, A_REPORT, info, 0, 0);
	must_refuse(w, KAAL_MISSING_RIGHT, KAAL_SYS_WAIT, A_SIGNAL, 0, 0, 0);
	must_refuse(w, KAAL_MISSING_RIGHT, KAAL_SYS_POLL, A_SIGNAL, 0, 0, 0);
	must_refuse(w, KAAL_MISSING_RIGHT, KAAL_SYS_PEEK, A_SIGNAL, 0, 0, 0);
	must_refuse(w, KAAL_MISSING_RIGHT, KAAL_SYS_WAIT_TIMEOUT, A_SIGNAL, NAP_NS, 0, 0);
	must_refuse(w, KAAL_WRONG_TYPE, KAAL_SYS_SIGNAL, A_REPORT, 1, 0, 0);
	must_refuse(w, KAAL_WRONG_TYPE, KAAL_SYS_SEND, A_SIGNAL, info, 0, 0);
	must_refuse(w, KAAL_WRONG_TYPE, KAAL_SYS_MAP, A_REPORT, 0x20000000u, KAAL_RIGHT_READ, 0);
	must_refuse(w, KAAL_WRONG_TYPE, KAAL_SYS_UNTYPED_INFO, A_SIGNAL, 0, 0, 0);
	must_refuse(w, KAAL_WRONG_TYPE, KAAL_SYS_THREAD_SET_PRIORITY, A_REPORT, 255, 0, 0);
	must_refuse(w, KAAL_WRONG_TYPE, KAAL_SYS_IRQ_ACK, A_SIGNAL, 0, 0, 0);
	must_refuse(w, KAAL_INVALID_ROOT, KAAL_SYS_IDENTIFY, A_SIGNAL,
	            kaal_slot(A_SIGNAL, KAAL_WORD_BITS), 0, 0);
	must_refuse(w, KAAL_INVALID_ROOT, KAAL_SYS_COPY, A_REPORT, kaal_slot(3, RADIX), A_SIGNAL,
	            kaal_slot(A_SIGNAL, KAAL_WORD_BITS));
	must_refuse(w, KAAL_ILLEGAL_OPERATION, KAAL_SYS_REPLY, 0, 0, 0, 0);

	/* Pointers it was never given: its empty slots, the root's names, beyond its CSpace. */
	for (kaal_cptr c = 0; c < (UINT64_C(1) << RADIX); c++)
		if (!held(c))
			probe_pointer(w, c);
	for (unsigned i = 0; i < attack.names; i++)
		if (attack.name[i] >= (UINT64_C(1) << RADIX))
			probe_pointer(w, attack.name[i]);
	static const kaal_cptr beyond[] = {
	    UINT64_C(1) << RADIX,           UINT64_C(1) << 58, (UINT64_C(1) << 58) | A_REPORT,
	    (UINT64_C(1) << 63) | A_SIGNAL, UINT64_MAX,        UINT64_C(0x00000000FFFFFFFF),
	};
	for (unsigned i = 0; i < sizeof(beyond) / sizeof(beyond[0]); i++)
		probe_pointer(w, beyond[i]);
	send_report(A_REPORT, KIND_PROBER, w, W_COUNT);
}

/* ---- A's fuzzer. */

static kaal_word fuzz_state;

static kaal_word rnd(void)
{
	kaal_word x = fuzz_state; /* xorshift64* */
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	fuzz_state = x;
	return x * UINT64_C(0x2545F4914F6CDD1D);
}

/* Every call number the kernel defines. */
static const kaal_word defined_numbers[] = {KAAL_SYS_YIELD,
                                            KAAL_SYS_SEND,
                                            KAAL_SYS_RECV,
                                            KAAL_SYS_CALL,
                                            KAAL_SYS_REPLY,
                                            KAAL_SYS_REPLY_RECV,
                                            KAAL_SYS_NB_SEND,
                                            KAAL_SYS_ENDPOINT_CREATE,
                                            KAAL_SYS_MAP,
                                            KAAL_SYS_UNMAP,
                                            KAAL_SYS_NOTIFICATION_CREATE,
                                            KAAL_SYS_SIGNAL,
                                            KAAL_SYS_WAIT,
                                            KAAL_SYS_POLL,
                                            KAAL_SYS_PEEK,
                                            KAAL_SYS_WAIT_TIMEOUT,
                                            KAAL_SYS_TIME,
                                            KAAL_SYS_REVOKE,
                                            KAAL_SYS_DERIVE,
                                            KAAL_SYS_MINT,
                                            KAAL_SYS_COPY,
                                            KAAL_SYS_DELETE,
                                            KAAL_SYS_MOVE,
                                            KAAL_SYS_MUTATE,
                                            KAAL_SYS_UNTYPED_INFO,
                                            KAAL_SYS_RETYPE,
                                            KAAL_SYS_IDENTIFY,
                                            KAAL_SYS_THREAD_CONFIGURE,
                                            KAAL_SYS_THREAD_START,
                                            KAAL_SYS_THREAD_SET_PRIORITY,
                                            KAAL_SYS_THREAD_BIND_NOTIFICATION,
                                            KAAL_SYS_THREAD_UNBIND_NOTIFICATION,
                                            KAAL_SYS_THREAD_EXIT,
                                            KAAL_SYS_THREAD_SET_VSPACE,
                                            KAAL_SYS_VSPACE_LOAD,
                                            KAAL_SYS_IRQ_SET_NOTIFICATION,
                                            KAAL_SYS_IRQ_ACK,
                                            KAAL_SYS_IRQ_CLEAR,
                                            KAAL_SYS_THREAD_INFO,
                                            KAAL_SYS_SHUTDOWN,
                                            KAAL_SYS_DEBUG_PUTCHAR};
#define DEFINED_NUMBERS (sizeof(defined_numbers) / sizeof(defined_numbers[0]))

static bool defined(kaal_word num)
{
	for (unsigned i = 0; i < DEFINED_NUMBERS; i++)
		if (defined_numbers[i] == num)
			return true;
	return false;
}

/*
 * Left out: thread exit, which ends the caller without being an error, and
 * the debug console, whose random bytes would garble the TAP stream.
 * Shutdown stays in: a process with a CSpace of its own is refused it.
 */
static bool left_out(kaal_word num)
{
	return num == KAAL_SYS_THREAD_EXIT || num == KAAL_SYS_DEBUG_PUTCHAR;
}

static kaal_word pick_number(void)
{
	for (;;) {
		kaal_word r = rnd(), num;
		switch (r % 8) {
		case 0:
			num = r >> 8 & 0x7F; /* 0x00-0x7F: the table and the holes in it */
			break;
		case 1:
			num = r >> 8; /* anything */
			break;
		default:
			num = defined_numbers[(r >> 8) % DEFINED_NUMBERS];
			break;
		}
		if (!left_out(num))
			return num;
	}
}

/* A capability pointer: A's slots, the root's names, or anything. */
static kaal_word pick_cptr(void)
{
	kaal_word r = rnd();
	switch (r % 8) {
	case 0:
	case 1:
	case 2:
		return (r >> 8) & ((UINT64_C(1) << RADIX) - 1u);
	case 3:
		return attack.names ? attack.name[(r >> 8) % attack.names] : 0;
	case 4:
		return (r >> 8) & 1 ? UINT64_MAX : UINT64_C(1) << (r >> 9) % 64;
	default:
		return rnd();
	}
}

static kaal_word pick_word(void)
{
	kaal_word r = rnd();
	switch (r % 10) {
	case 0:
		return pick_cptr();
	case 1:
		return kaal_slot((r >> 8) & 63, (unsigned)(r >> 16) % 72); /* depth 0-71 */
	case 2: {
		static const kaal_word addresses[] = {0x400000u,   0x7FFF0000u,  0x7FFFE000u,
		                                      0x7FFFF000u, VICTIM_VADDR, 0x40000000u};
		return addresses[(r >> 8) % 6] + ((r >> 16) & 3) * PAGE;
	}
	case 3:
		return attack.kernel_base + ((r >> 8) & 0xFFFFF000u);
	case 4:
		return (r >> 8) & 0xF; /* rights, types, small counts */
	case 5:
		return kaal_retype_spec((unsigned)(r >> 8) % 12, (unsigned)(r >> 16) % 64,
		                        (unsigned)(r >> 24) % 4);
	case 6:
		return kaal_msg_info(r >> 32, (unsigned)(r >> 8) % 8, (unsigned)(r >> 16) % 3);
	case 7:
		return (r >> 8) % 4096;
	default:
		return rnd();
	}
}

/* Whether a call may succeed: only these, and only on what A holds. */
static bool harmless(kaal_word num, kaal_word a0)
{
	/* thread_info only reads a thread A holds: its state and priority. */
	return num == KAAL_SYS_YIELD || num == KAAL_SYS_TIME || num == KAAL_SYS_THREAD_INFO ||
	       (num == KAAL_SYS_SIGNAL && a0 == A_SIGNAL) ||
	       ((num == KAAL_SYS_SEND || num == KAAL_SYS_NB_SEND) && a0 == A_REPORT);
}

static void fuzzer(kaal_word seed)
{
	kaal_word w[W_COUNT] = {0};
	fuzz_state = seed;
	for (unsigned i = 0; i < FUZZ_CALLS; i++) {
		kaal_word num = pick_number();
		kaal_word a[KAAL_SYSCALL_ARGS];
		a[0] = pick_cptr();
		for (unsigned j = 1; j < KAAL_SYSCALL_ARGS; j++)
			a[j] = pick_word();
		struct kaal_result r = kaal_syscall(num, a[0], a[1], a[2], a[3], a[4], a[5]);
		bool unexpected;
		if (!defined(num)) {
			w[W_INVALID_NUMBERS]++;
			unexpected = r.status != KAAL_INVALID_SYSCALL;
		} else {
			unexpected = r.status == KAAL_OK && !harmless(num, a[0]);
		}
		if (r.status == KAAL_OK && !unexpected) {
			if (num == KAAL_SYS_SIGNAL)
				w[W_OK_SIGNAL]++;
			else if (num == KAAL_SYS_SEND || num == KAAL_SYS_NB_SEND)
				w[W_OK_SEND]++;
			else
				w[W_OK_OTHER]++;
		}
		record(w, num, a[0], a[1], r.status, unexpected);
	}
	send_report(A_REPORT, KIND_FUZZER, w, W_COUNT);
}

/* ---- The root task. */

static struct kaal_broker broker;
static kaal_cptr root;
static kaal_cptr alarm_ntfn, watch_ntfn; /* the watchdog's */

static void watchdog(kaal_word unused)
{
	(void)unused;
	kaal_word bits = 0;
	if (kaal_wait_timeout(watch_ntfn, DEADLINE_NS, &bits) == KAAL_TIMEOUT)
		kaal_signal(alarm_ntfn, 1);
}

static struct kaal_slot_ref slot_of(kaal_cptr slot)
{
	return kaal_root_slot(root, slot);
}

/* One object of a type in a fresh slot, from a page of broker memory. */
static kaal_status create(unsigned type, unsigned size_bits, kaal_cptr *slot)
{
	struct kaal_memory mem;
	kaal_status st = kaal_broker_allocate_memory(&broker, PAGE, 0, &mem);
	if (st == KAAL_OK)
		st = kaal_broker_alloc_slot(&broker, slot);
	if (st == KAAL_OK)
		st = kaal_untyped_retype(mem.cap, type, size_bits, 1, slot_of(root), *slot, 0);
	return st;
}

/*
 * A's CSpace, without the broker's process: A's three threads share it,
 * and A's VSpace may copy this program only once the attack is written
 * (below), after A's capabilities exist.
 */
static kaal_status cspace_create(struct kaal_process *p)
{
	p->radix = RADIX;
	kaal_status st = create(KAAL_CAP_CNODE, RADIX, &p->cnode);
	if (st == KAAL_OK)
		st = kaal_broker_alloc_slot(&broker, &p->cspace);
	/* A zero guard over the bits the radix leaves makes every cptr a slot index. */
	if (st == KAAL_OK)
		st = kaal_cnode_mint(slot_of(p->cspace), slot_of(p->cnode), KAAL_RIGHTS_ALL,
		                     kaal_cnode_guard(0, KAAL_WORD_BITS - RADIX));
	return st;
}

static kaal_status thread_create(kaal_cptr cspace, unsigned priority, kaal_cptr *thread)
{
	kaal_status st = create(KAAL_CAP_THREAD, 0, thread);
	if (st == KAAL_OK)
		st = kaal_thread_configure(*thread, cspace, 0, priority);
	return st;
}

/* Everything the root tells the result from. */
struct inbox {
	kaal_word prober[REPORT_PARTS * 4u], fuzzer[REPORT_PARTS * 4u], victim[4];
	uint32_t prober_parts, fuzzer_parts;
	bool victim_done, alarm;
	kaal_status failed; /* a receive that failed */
	uint64_t junk;      /* messages from A that are no report: the fuzzer's sends */
};

#define ALL_PARTS ((UINT32_C(1) << REPORT_PARTS) - 1u)

static void receive(kaal_cptr ep, struct inbox *in)
{
	struct kaal_msg m;
	kaal_status st = kaal_recv(ep, &m);
	if (st != KAAL_OK) {
		in->failed = st;
		return;
	}
	if (m.info & KAAL_MSG_FROM_NOTIFICATION) {
		in->alarm = true;
		return;
	}
	kaal_word label = kaal_msg_label(m.info);
	unsigned kind = (unsigned)(label >> 8) & 0xF, part = (unsigned)label & 0xFF;
	kaal_word *to = NULL;
	uint32_t *parts = NULL;
	if ((label >> 12) != REPORT_MAGIC || kaal_msg_length(m.info) != 4)
		to = NULL;
	else if (m.badge == BADGE_A && kind == KIND_PROBER && part < REPORT_PARTS)
		to = in->prober, parts = &in->prober_parts;
	else if (m.badge == BADGE_A && kind == KIND_FUZZER && part < REPORT_PARTS)
		to = in->fuzzer, parts = &in->fuzzer_parts;
	else if (m.badge == BADGE_B && kind == KIND_VICTIM && part == 0)
		to = in->victim;
	if (!to) {
		in->junk++;
		return;
	}
	for (unsigned i = 0; i < 4; i++)
		to[part * 4u + i] = m.mr[i];
	if (parts)
		*parts |= UINT32_C(1) << part;
	else
		in->victim_done = true;
}

static void describe_statuses(const char *who, const kaal_word *w)
{
	for (unsigned s = 0; s < KAAL_STATUS_COUNT; s++) {
		if (!w[W_HIST + s])
			continue;
		kaal_diag_str("  ");
		kaal_diag_str(who);
		kaal_diag_str(": ");
		kaal_diag_str(kaal_status_name((long)s));
		kaal_diag_str(" x");
		kaal_diag_dec(w[W_HIST + s]);
		kaal_diag_end();
	}
	if (w[W_OUTSIDE]) {
		kaal_diag_str("  ");
		kaal_diag_str(who);
		kaal_diag_str(": outside the defined set x");
		kaal_diag_dec(w[W_OUTSIDE]);
		kaal_diag_end();
	}
	if (w[W_UNEXPECTED]) {
		kaal_diag_str("  ");
		kaal_diag_str(who);
		kaal_diag_str(": first unexpected: call ");
		kaal_diag_hex(w[W_FIRST_NUM]);
		kaal_diag_str(" (");
		kaal_diag_hex(w[W_FIRST_A0]);
		kaal_diag_str(", ");
		kaal_diag_hex(w[W_FIRST_A1]);
		kaal_diag_str(", ...) returned ");
		kaal_diag_str(kaal_status_name((long)w[W_FIRST_STATUS]));
		kaal_diag_end();
	}
}

/* The root's view of a capability, to compare before and after. */
struct cap_view {
	kaal_status st;
	struct kaal_cap_info info;
};

static void take_views(struct cap_view *v)
{
	for (unsigned i = 0; i < attack.names; i++)
		v[i].st = kaal_cnode_identify(slot_of(attack.name[i]), &v[i].info);
}

static void add_name(kaal_cptr c)
{
	if (c != 0 && attack.names < MAX_NAMES)
		attack.name[attack.names++] = c;
}

/* Whether a thread has ended: only then does it take a VSpace (here, the one it has). */
static bool ended(kaal_cptr thread, kaal_cptr vspace, kaal_cptr nap)
{
	uint64_t give_up = kaal_time_ns() + 2u * UINT64_C(1000000000);
	for (;;) {
		kaal_status st = kaal_thread_set_vspace(thread, vspace);
		if (st == KAAL_OK)
			return true;
		if (st != KAAL_ILLEGAL_OPERATION || kaal_time_ns() > give_up)
			return false;
		kaal_word bits;
		kaal_wait_timeout(nap, NAP_NS, &bits);
	}
}

static struct cap_view views_before[MAX_NAMES], views_after[MAX_NAMES];
static struct inbox inbox;

int kaal_root_task_main(const struct kaal_boot_info *bi)
{
	kaal_tap_plan(PROBES + 12u);
	root = bi->root_cnode_cptr;
	if (kaal_thread_set_priority(bi->root_thread_cptr, ROOT_PRIORITY) != KAAL_OK ||
	    kaal_broker_init(&broker, bi) != KAAL_OK) {
		kaal_tap_diag("the broker does not accept this boot info");
		return 1;
	}
	struct inbox *in = &inbox;

	/* 1: the root's objects, B and A, each with a CSpace and a VSpace of its own. */
	kaal_cptr reports = 0, probe_ntfn = 0, ready = 0, stop = 0, nap = 0, b_frame = 0;
	kaal_cptr a_probe = 0, a_prober = 0, a_fuzzer = 0, dog = 0;
	struct kaal_process a = {0}, b = {0};
	struct kaal_memory b_frame_memory;
	kaal_status st = kaal_broker_create_endpoint(&broker, &reports);
	kaal_cptr *ntfns[] = {&probe_ntfn, &ready, &stop, &nap, &alarm_ntfn, &watch_ntfn};
	for (unsigned i = 0; i < sizeof(ntfns) / sizeof(ntfns[0]) && st == KAAL_OK; i++)
		st = kaal_broker_create_notification(&broker, ntfns[i]);
	if (st == KAAL_OK)
		st = kaal_thread_bind_notification(bi->root_thread_cptr, alarm_ntfn);
	if (st == KAAL_OK)
		st = thread_create(root, WATCHDOG_PRIORITY, &dog);
	if (st == KAAL_OK)
		st = kaal_broker_create_process(&broker, RADIX, WORK_PRIORITY, 0, &b);
	if (st == KAAL_OK)
		st = kaal_broker_create_frames(&broker, 1, &b_frame, &b_frame_memory);
	if (st == KAAL_OK)
		st = kaal_cnode_derive(kaal_process_slot(&b, B_FRAME), slot_of(b_frame),
		                       KAAL_RIGHT_READ | KAAL_RIGHT_WRITE);
	if (st == KAAL_OK)
		st = kaal_cnode_mint(kaal_process_slot(&b, B_REPORT), slot_of(reports),
		                     KAAL_RIGHT_WRITE, BADGE_B);
	if (st == KAAL_OK)
		st = kaal_cnode_derive(kaal_process_slot(&b, B_READY), slot_of(ready),
		                       KAAL_RIGHT_WRITE);
	if (st == KAAL_OK)
		st = kaal_cnode_derive(kaal_process_slot(&b, B_STOP), slot_of(stop),
		                       KAAL_RIGHT_READ);
	if (st == KAAL_OK)
		st = cspace_create(&a);
	if (st == KAAL_OK)
		st = thread_create(a.cspace, PROBE_PRIORITY, &a_probe);
	if (st == KAAL_OK)
		st = thread_create(a.cspace, WORK_PRIORITY, &a_prober);
	if (st == KAAL_OK)
		st = thread_create(a.cspace, WORK_PRIORITY, &a_fuzzer);
	if (st == KAAL_OK)
		st = kaal_cnode_mint(kaal_process_slot(&a, A_REPORT), slot_of(reports),
		                     KAAL_RIGHT_WRITE, BADGE_A);
	if (st == KAAL_OK)
		st = kaal_cnode_derive(kaal_process_slot(&a, A_SIGNAL), slot_of(probe_ntfn),
		                       KAAL_RIGHT_WRITE);
	/* What A will know: written before its VSpace copies this program's data. */
	struct kaal_cap_info frame_info = {0};
	if (st == KAAL_OK)
		st = kaal_cnode_identify(slot_of(b_frame), &frame_info);
	attack.kernel_base = bi->kernel_base;
	attack.ram_top = bi->ram_base + bi->ram_size - 8u;
	attack.victim_phys = frame_info.object;
	const kaal_cptr named[] = {bi->root_cnode_cptr,
	                           bi->root_thread_cptr,
	                           bi->ipc_buffer_cptr,
	                           bi->boot_info_frame_cptr,
	                           bi->root_vspace_cptr,
	                           reports,
	                           probe_ntfn,
	                           ready,
	                           stop,
	                           alarm_ntfn,
	                           dog,
	                           b.cnode,
	                           b.cspace,
	                           b.vspace,
	                           b.thread,
	                           b.ipc_buffer,
	                           b_frame,
	                           a.cnode,
	                           a.cspace,
	                           a_probe,
	                           a_prober,
	                           a_fuzzer};
	for (unsigned i = 0; i < sizeof(named) / sizeof(named[0]); i++)
		add_name(named[i]);
	for (unsigned i = 0; i < bi->untyped_count && i < KAAL_BOOT_INFO_MAX_UNTYPED; i++)
		add_name(bi->untyped[i].cptr);
	for (unsigned i = 0; i < bi->device_count && i < KAAL_BOOT_INFO_MAX_DEVICES; i++) {
		add_name(bi->device[i].frame_cptr);
		add_name(bi->device[i].irq_cptr);
	}
	if (st == KAAL_OK)
		st = kaal_broker_create_vspace(&broker, &a.vspace);
	kaal_cptr a_threads[] = {a_probe, a_prober, a_fuzzer};
	for (unsigned i = 0; i < 3 && st == KAAL_OK; i++)
		st = kaal_thread_set_vspace(a_threads[i], a.vspace);
	if (!kaal_tap_ok_status(st, "create B and A, each with its own CSpace and VSpace"))
		return (int)kaal_tap_failures();
	unsigned low = 0;
	for (unsigned i = 0; i < attack.names; i++)
		low += attack.name[i] < (UINT64_C(1) << RADIX);
	kaal_diag_str("A holds a Write-only endpoint (slot 1) and notification (slot 2); of the ");
	kaal_diag_dec(attack.names);
	kaal_diag_str(" root cptrs for real objects ");
	kaal_diag_dec(low);
	kaal_diag_str(" name slots of A's CNode in A's CSpace");
	kaal_diag_end();
	take_views(views_before);

	/* 2: B at work. */
	uint64_t start = kaal_time_ns();
	st = kaal_thread_start(dog, watchdog, watchdog_stack + sizeof(watchdog_stack), 0, NULL);
	if (st == KAAL_OK)
		st = kaal_thread_start(b.thread, victim, victim_stack + sizeof(victim_stack), 0,
		                       NULL);
	kaal_word bits = 0;
	if (st == KAAL_OK)
		st = kaal_wait_timeout(ready, 5u * UINT64_C(1000000000), &bits);
	if (st == KAAL_OK && bits != 1)
		st = KAAL_ILLEGAL_OPERATION; /* B could not map its frame */
	if (!kaal_tap_ok_status(st,
	                        "B mapped a frame at 0x10000000, wrote its pattern and works on"))
		return (int)kaal_tap_failures();

	/*
	 * 3: the probes. The probe thread runs above the root: each start
	 * returns after it has signalled "before", tried, and ended.
	 */
	for (unsigned i = 0; i < PROBES; i++) {
		kaal_poll(probe_ntfn, &bits);
		st = kaal_thread_start(a_probe, probe, probe_stack + sizeof(probe_stack), i, NULL);
		bool done = st == KAAL_OK && ended(a_probe, a.vspace, nap);
		bits = 0;
		kaal_poll(probe_ntfn, &bits);
		bool before = (bits & before_bit(i)) != 0, after = (bits & after_bit(i)) != 0;
		bool ok = done && before && after == !probes[i].faults &&
		          (bits & ~(before_bit(i) | after_bit(i))) == 0;
		if (!kaal_tap_ok(ok, probes[i].what)) {
			kaal_diag_str("  start ");
			kaal_diag_str(kaal_status_name(st));
			kaal_diag_str(done ? ", ended" : ", still running");
			kaal_diag_str(", signals ");
			kaal_diag_hex(bits);
			kaal_diag_end();
		}
	}
	kaal_diag_str("probes done in ");
	kaal_diag_dec((kaal_time_ns() - start) / 1000000u);
	kaal_diag_str(" ms");
	kaal_diag_end();

	/* 4: capabilities A was never given, rights it lacks. */
	st = kaal_thread_start(a_prober, prober, prober_stack + sizeof(prober_stack), 0, NULL);
	while (st == KAAL_OK && in->prober_parts != ALL_PARTS && !in->alarm && !in->failed)
		receive(reports, in);
	const kaal_word *p = in->prober;
	bool prober_done = st == KAAL_OK && in->prober_parts == ALL_PARTS;
	kaal_diag_str("prober: ");
	kaal_diag_dec(p[W_CALLS]);
	kaal_diag_str(" calls on ");
	kaal_diag_dec(p[W_POINTERS]);
	kaal_diag_str(" capability pointers A was never given and on its own 2, ");
	kaal_diag_dec(p[W_OK]);
	kaal_diag_str(" succeeded");
	kaal_diag_end();
	describe_statuses("prober", p);
	kaal_tap_ok(prober_done && p[W_POINTERS] > 0 && p[W_UNEXPECTED] == 0 && p[W_OK] == 0,
	            "A: every call on a capability pointer it was never given failed");
	kaal_tap_ok(
	    prober_done && p[W_RIGHTS_CALLS] > 0 && p[W_RIGHTS] == p[W_RIGHTS_CALLS],
	    "A: calls on its own capabilities lacking the right or type failed as they must");

	/* 5: random system calls. */
	uint64_t fuzz_start = kaal_time_ns();
	if (!in->alarm && !in->failed)
		st = kaal_thread_start(a_fuzzer, fuzzer, fuzzer_stack + sizeof(fuzzer_stack),
		                       FUZZ_SEED, NULL);
	while (st == KAAL_OK && in->fuzzer_parts != ALL_PARTS && !in->alarm && !in->failed)
		receive(reports, in);
	uint64_t fuzz_ms = (kaal_time_ns() - fuzz_start) / 1000000u;
	const kaal_word *f = in->fuzzer;
	bool fuzz_done = st == KAAL_OK && in->fuzzer_parts == ALL_PARTS;
	kaal_diag_str("fuzzer: ");
	kaal_diag_dec(f[W_CALLS]);
	kaal_diag_str(" calls in ");
	kaal_diag_dec(fuzz_ms);
	kaal_diag_str(" ms (seed ");
	kaal_diag_hex(FUZZ_SEED);
	kaal_diag_str("), ");
	kaal_diag_dec(f[W_INVALID_NUMBERS]);
	kaal_diag_str(" with undefined numbers");
	kaal_diag_end();
	kaal_diag_str("fuzzer: succeeded: ");
	kaal_diag_dec(f[W_OK_SIGNAL]);
	kaal_diag_str(" signals on its notification, ");
	kaal_diag_dec(f[W_OK_SEND]);
	kaal_diag_str(" sends on its endpoint (");
	kaal_diag_dec(in->junk);
	kaal_diag_str(" reached the root), ");
	kaal_diag_dec(f[W_OK_OTHER]);
	kaal_diag_str(" yields and time reads");
	kaal_diag_end();
	describe_statuses("fuzzer", f);
	kaal_tap_ok(fuzz_done && f[W_CALLS] == FUZZ_CALLS,
	            "A: 100000 random system calls all returned");
	kaal_tap_ok(fuzz_done && f[W_OUTSIDE] == 0,
	            "A: every status was one of the defined ones (below KAAL_STATUS_COUNT)");
	kaal_tap_ok(fuzz_done && f[W_UNEXPECTED] == 0,
	            "A: only harmless calls on its own capabilities succeeded, undefined numbers "
	            "returned KAAL_INVALID_SYSCALL");

	/* 6: B stops and reports. */
	kaal_status stopped = kaal_signal(stop, 1);
	while (stopped == KAAL_OK && !in->victim_done && !in->alarm && !in->failed)
		receive(reports, in);
	const kaal_word *v = in->victim;
	kaal_diag_str("B: ");
	kaal_diag_dec(v[V_ROUNDS]);
	kaal_diag_str(" rounds over its frame and data, ");
	kaal_diag_dec(v[V_BAD_ROUNDS]);
	kaal_diag_str(" found them changed (first: round ");
	kaal_diag_dec(v[V_FIRST_BAD]);
	kaal_diag_str("), last status ");
	kaal_diag_str(kaal_status_name((long)v[V_STATUS]));
	kaal_diag_end();
	kaal_tap_ok(in->victim_done && v[V_STATUS] == KAAL_OK && v[V_ROUNDS] >= MIN_ROUNDS,
	            "B finished its work");
	kaal_tap_ok(in->victim_done && v[V_BAD_ROUNDS] == 0,
	            "B found its frame and data intact in every round");
	if (in->alarm || in->failed) {
		kaal_diag_str("the root stopped waiting: ");
		kaal_diag_str(in->alarm ? "deadline passed" : kaal_status_name(in->failed));
		kaal_diag_end();
	}

	/* 7: the root's own look, its capabilities, and the kernel at its service. */
	take_views(views_after);
	bool same = true;
	for (unsigned i = 0; i < attack.names; i++) {
		const struct cap_view *x = &views_before[i], *y = &views_after[i];
		if (x->st != y->st || x->info.type != y->info.type ||
		    x->info.rights != y->info.rights || x->info.badge != y->info.badge ||
		    x->info.object != y->info.object) {
			same = false;
			kaal_diag_str("  changed: cptr ");
			kaal_diag_hex(attack.name[i]);
			kaal_diag_end();
		}
	}
	kaal_tap_ok(same, "the root's capabilities are as they were");
	void *view = 0;
	unsigned wrong = VICTIM_WORDS;
	if (kaal_map(b_frame, ROOT_VIEW_VADDR, KAAL_RIGHT_READ, &view) == KAAL_OK) {
		const volatile kaal_word *frame = view;
		wrong = 0;
		for (unsigned i = 0; i < VICTIM_WORDS; i++)
			wrong += frame[i] != pattern(i, FRAME_SALT);
		kaal_unmap(b_frame);
	}
	kaal_tap_ok(wrong == 0, "the root maps B's frame and finds B's pattern in it");
	kaal_cptr n = 0;
	bits = 0;
	st = kaal_broker_create_notification(&broker, &n);
	if (st == KAAL_OK)
		st = kaal_signal(n, 0x5);
	if (st == KAAL_OK)
		st = kaal_poll(n, &bits);
	if (st == KAAL_OK && bits != 0x5)
		st = KAAL_ILLEGAL_OPERATION;
	if (st == KAAL_OK)
		st = kaal_broker_destroy_object(&broker, n);
	kaal_tap_ok_status(
	    st, "the kernel still serves the root: a new notification signals and polls");
	kaal_signal(watch_ntfn, 1);
	kaal_diag_str("all done in ");
	kaal_diag_dec((kaal_time_ns() - start) / 1000000u);
	kaal_diag_str(" ms");
	kaal_diag_end();
	return (int)kaal_tap_failures();
}
