/*
 * The system's root task (system.h): it starts the drivers (UART, RTC,
 * GPIO, block), the services (file server, echo) and the shell, then
 * serves the shell's questions about processes, capabilities and memory,
 * starts and kills programs, and powers off, the file system synced first,
 * when the shell asks or QEMU's power button is pressed.
 */
#include <string.h>

#include <kaal/driver.h>
#include <kaal/tap.h>

#include "echo/echo.h"
#include "fs/file_service.h"
#include "pl011/uart.h"
#include "pl031/rtc.h"
#include "pl061/gpio.h"
#include "system.h"
#include "virtio/block.h"

#define WAIT_NS      UINT64_C(10000000000)
#define SYNC_WAIT_NS UINT64_C(30000000000)
#define SHELL_LINK   0u /* of the UART, the file server, the RTC and echo */
#define RUN_LINK     1u /* the UART link `run hello` gets */
#define POWER_LINK   0u /* the GPIO link the root waits for the button on */
#define ROOT_FS_LINK 1u /* the file server link the root syncs through */
#define GPIO_PAGE    0u /* window pages of the root's own ends, then the system page */
#define FS_PAGE      2u
#define SYS_PAGE     6u
#define ROOT_PID     0u
#define NO_PID       UINT32_MAX

enum driver_index { UART, RTC, GPIO, BLOCK, FILES, ECHO, DRIVERS };

static const struct kaal_driver_desc *const descs[DRIVERS] = {
    &kaal_uart_driver,  &kaal_rtc_driver,   &kaal_gpio_driver,
    &kaal_block_driver, &kaal_file_service, &kaal_echo_service,
};

struct process {
	bool used;
	uint32_t kind; /* enum kaal_system_kind */
	char name[KAAL_PROGRAM_NAME_MAX];
	struct kaal_driver *driver; /* a driver or kit service, else NULL */
	struct kaal_spawned spawned;
};

static struct system {
	struct kaal_broker broker;
	struct kaal_driver driver[DRIVERS];
	struct process process[KAAL_SYSTEM_MAX_PROCESSES];
	kaal_cptr sys_ep, sys_page_frame, echo_ep;
	struct kaal_memory page_memory;
	struct kaal_system_page *page;
	struct kaal_driver_client power, files;
	uint32_t shell_pid;
	uint64_t managed_bytes;
} sys;

static const struct kaal_spawned *spawned_of(const struct process *p)
{
	return p->driver ? &p->driver->program : &p->spawned;
}

static uint32_t add_process(uint32_t kind, const char *name, struct kaal_driver *driver)
{
	for (uint32_t pid = ROOT_PID + 1; pid < KAAL_SYSTEM_MAX_PROCESSES; pid++) {
		struct process *p = &sys.process[pid];
		if (p->used)
			continue;
		memset(p, 0, sizeof(*p));
		p->used = true;
		p->kind = kind;
		p->driver = driver;
		size_t n = strlen(name);
		memcpy(p->name, name, n < KAAL_PROGRAM_NAME_MAX ? n : KAAL_PROGRAM_NAME_MAX - 1);
		return pid;
	}
	return NO_PID;
}

/* A link's capabilities for a program, under prefix, appended to caps. */
static kaal_status give_link(const struct kaal_driver *d, unsigned link, const char *prefix,
                             struct kaal_driver_client_names *names, struct kaal_spawn_cap *caps,
                             unsigned *count)
{
	unsigned n;
	kaal_status st = kaal_driver_client_caps(d, link, prefix, names, caps + *count, &n);
	if (st == KAAL_OK)
		*count += n;
	return st;
}

static kaal_status start_drivers(void)
{
	for (unsigned i = 0; i < DRIVERS; i++) {
		kaal_status st;
		if (i == FILES) {
			struct kaal_driver_client_names names;
			struct kaal_spawn_cap caps[KAAL_DRIVER_CLIENT_CAPS];
			unsigned count = 0;
			st = give_link(&sys.driver[BLOCK], 0, KAAL_FILE_BLOCK_PREFIX, &names, caps,
			               &count);
			if (st == KAAL_OK)
				st = kaal_driver_start_with(&sys.broker, descs[i], caps, count,
				                            &sys.driver[i]);
		} else {
			st = kaal_driver_start(&sys.broker, descs[i], &sys.driver[i]);
		}
		if (st != KAAL_OK) {
			kaal_diag_str("kaal: cannot start ");
			kaal_diag_str(descs[i]->program);
			kaal_diag_str(": ");
			kaal_diag_str(kaal_status_name(st));
			kaal_diag_end();
			return st;
		}
		bool service = descs[i]->device == KAAL_DEVICE_NONE;
		add_process(service ? KAAL_SYSTEM_SERVICE : KAAL_SYSTEM_DRIVER, descs[i]->program,
		            &sys.driver[i]);
	}
	return KAAL_OK;
}

static kaal_status start_echo_endpoint(void)
{
	uint32_t pid = add_process(KAAL_SYSTEM_SERVICE, "echo_ep", NULL);
	const struct kaal_spawn_cap cap = {"ep", sys.echo_ep, KAAL_RIGHT_READ};
	return kaal_spawn(&sys.broker, "echo_ep", &cap, 1, KAAL_ECHO_PRIORITY, 0,
	                  &sys.process[pid].spawned);
}

static kaal_status start_shell(void)
{
	enum { MAX = 24 };
	struct kaal_driver_client_names names[4];
	struct kaal_spawn_cap caps[MAX];
	unsigned count = 0;
	kaal_status st = give_link(&sys.driver[UART], SHELL_LINK, "con", &names[0], caps, &count);
	if (st == KAAL_OK)
		st = give_link(&sys.driver[FILES], SHELL_LINK, "fs", &names[1], caps, &count);
	if (st == KAAL_OK)
		st = give_link(&sys.driver[RTC], SHELL_LINK, "rtc", &names[2], caps, &count);
	if (st == KAAL_OK)
		st = give_link(&sys.driver[ECHO], SHELL_LINK, "echo", &names[3], caps, &count);
	if (st != KAAL_OK)
		return st;
	caps[count++] =
	    (struct kaal_spawn_cap){"echo_ep", sys.echo_ep, KAAL_RIGHT_WRITE | KAAL_RIGHT_GRANT};
	caps[count++] =
	    (struct kaal_spawn_cap){"sys", sys.sys_ep, KAAL_RIGHT_WRITE | KAAL_RIGHT_GRANT};
	caps[count++] = (struct kaal_spawn_cap){"sys_page", sys.sys_page_frame,
	                                        KAAL_RIGHT_READ | KAAL_RIGHT_WRITE};
	sys.shell_pid = add_process(KAAL_SYSTEM_PROGRAM, "shell", NULL);
	return kaal_spawn(&sys.broker, "shell", caps, count, KAAL_SYSTEM_SHELL_PRIORITY, 0,
	                  &sys.process[sys.shell_pid].spawned);
}

/* ---- What the shell asks. */

static uint32_t list_processes(void)
{
	struct kaal_system_process *out = sys.page->u.process;
	uint32_t n = 0;
	struct kaal_thread_info root;
	kaal_thread_info(sys.broker.bi->root_thread_cptr, &root);
	out[n++] = (struct kaal_system_process){
	    ROOT_PID, root.priority, root.state, KAAL_SYSTEM_SERVICE, "root", 0, 0};
	for (uint32_t pid = ROOT_PID + 1; pid < KAAL_SYSTEM_MAX_PROCESSES; pid++) {
		struct process *p = &sys.process[pid];
		if (!p->used)
			continue;
		struct kaal_spawned *s = (struct kaal_spawned *)spawned_of(p);
		struct kaal_thread_info info = {KAAL_THREAD_INACTIVE, 0};
		kaal_thread_info(s->process.thread, &info);
		int status = 0;
		bool ended = kaal_spawn_wait(s, 0, &status) == KAAL_OK;
		out[n] = (struct kaal_system_process){pid, info.priority, info.state, p->kind,
		                                      {0}, status,        ended};
		memcpy(out[n].name, p->name, sizeof(p->name));
		n++;
	}
	return n;
}

/* Which name the process was given the capability in slot under, from its start info. */
static void cap_name(const struct kaal_start_info *si, kaal_cptr slot,
                     char name[KAAL_PROGRAM_NAME_MAX])
{
	memset(name, 0, KAAL_PROGRAM_NAME_MAX);
	for (uint32_t i = 0; i < si->cap_count && i < KAAL_START_MAX_CAPS; i++)
		if (si->cap[i].cptr == slot)
			memcpy(name, si->cap[i].name, KAAL_PROGRAM_NAME_MAX - 1);
}

static kaal_status list_caps(uint32_t pid, uint32_t *count)
{
	if (pid >= KAAL_SYSTEM_MAX_PROCESSES || !sys.process[pid].used)
		return KAAL_INVALID_ARGUMENT;
	const struct kaal_spawned *s = spawned_of(&sys.process[pid]);
	struct kaal_start_info si;
	if (kaal_start_info_read(s->start_info, &si) != KAAL_OK)
		memset(&si, 0, sizeof(si));
	uint32_t n = 0;
	for (kaal_word slot = 0; slot < ((kaal_word)1 << s->process.radix); slot++) {
		struct kaal_cap_info info;
		struct kaal_slot_ref ref = {s->process.cnode, slot, s->process.radix};
		if (kaal_cnode_identify(ref, &info) != KAAL_OK || info.type == KAAL_CAP_NULL)
			continue;
		if (n == KAAL_SYSTEM_MAX_CAPS)
			break;
		struct kaal_system_cap *c = &sys.page->u.cap[n++];
		*c = (struct kaal_system_cap){
		    (uint32_t)slot, info.type,   info.rights, info.size_bits,
		    info.badge,     info.object, {0}};
		cap_name(&si, slot, c->name);
	}
	*count = n;
	return KAAL_OK;
}

/* The programs `run` starts, and the capabilities each gets. */
static const char *const runnable[] = {"hello"};
#define RUNNABLE (sizeof(runnable) / sizeof(runnable[0]))

static kaal_status run(uint32_t *pid_out, int *status, bool *ended)
{
	char name[KAAL_PROGRAM_NAME_MAX];
	memcpy(name, sys.page->u.name[0], sizeof(name));
	name[KAAL_PROGRAM_NAME_MAX - 1] = '\0';
	bool known = false;
	for (unsigned i = 0; i < RUNNABLE; i++)
		known = known || strcmp(name, runnable[i]) == 0;
	if (!known)
		return KAAL_INVALID_ARGUMENT;
	uint32_t pid = add_process(KAAL_SYSTEM_PROGRAM, name, NULL);
	if (pid == NO_PID)
		return KAAL_LIMIT_REACHED;
	struct kaal_driver_client_names names;
	struct kaal_spawn_cap caps[KAAL_DRIVER_CLIENT_CAPS];
	unsigned count = 0;
	kaal_status st = give_link(&sys.driver[UART], RUN_LINK, "uart", &names, caps, &count);
	struct kaal_spawned *s = &sys.process[pid].spawned;
	if (st == KAAL_OK)
		st = kaal_spawn(&sys.broker, name, caps, count, KAAL_SYSTEM_SHELL_PRIORITY, 0, s);
	if (st != KAAL_OK) {
		sys.process[pid].used = false;
		return st;
	}
	*pid_out = pid;
	*ended = kaal_spawn_wait(s, KAAL_SYSTEM_RUN_WAIT_NS, status) == KAAL_OK;
	return KAAL_OK;
}

static kaal_status kill_process(uint32_t pid)
{
	if (pid == ROOT_PID || pid == sys.shell_pid)
		return KAAL_ILLEGAL_OPERATION;
	if (pid >= KAAL_SYSTEM_MAX_PROCESSES || !sys.process[pid].used)
		return KAAL_INVALID_ARGUMENT;
	struct process *p = &sys.process[pid];
	kaal_status st = p->driver ? kaal_driver_stop(&sys.broker, p->driver)
	                           : kaal_spawn_destroy(&sys.broker, &p->spawned);
	if (st == KAAL_OK)
		p->used = false;
	return st;
}

/* Sync the file system through the root's own link; its status, or the call's. */
static kaal_status sync_files(void)
{
	struct kaal_file_request q = {KAAL_FILE_SYNC, 0, 0, 0, 0, 1};
	struct kaal_file_reply a;
	kaal_status st = kaal_driver_call(&sys.files, &q, &a, SYNC_WAIT_NS);
	if (st != KAAL_OK)
		return st;
	return a.status == KAAL_FS_OK ? KAAL_OK : KAAL_DEVICE_FAULT;
}

/*
 * Every process ends before the power goes: programs and the shell first,
 * then the services and drivers in the reverse of their start, so nothing
 * runs on after what it talks to is gone (on the host, the process goes on).
 */
static void stop_all(void)
{
	for (uint32_t pid = KAAL_SYSTEM_MAX_PROCESSES - 1; pid > ROOT_PID; pid--) {
		struct process *p = &sys.process[pid];
		if (p->used && !p->driver)
			kaal_spawn_destroy(&sys.broker, &p->spawned);
	}
	for (unsigned i = DRIVERS; i-- > 0;)
		if (sys.driver[i].desc)
			kaal_driver_stop(&sys.broker, &sys.driver[i]);
}

static int power_off(int code)
{
	kaal_status st = sync_files();
	stop_all();
	kaal_diag_str("kaal: file system ");
	kaal_diag_str(st == KAAL_OK ? "synced" : "not synced: ");
	if (st != KAAL_OK)
		kaal_diag_str(kaal_status_name(st));
	kaal_diag_str(", powering off");
	kaal_diag_end();
	int exit_code = st == KAAL_OK ? code : 1;
	kaal_shutdown((kaal_word)exit_code);
	return exit_code;
}

/* One call of the shell: fill the reply; true to power off with *code. */
static bool serve(const struct kaal_msg *m, struct kaal_msg *reply, int *code)
{
	kaal_status st = KAAL_OK;
	kaal_word r[KAAL_MSG_FAST_WORDS] = {0};
	uint32_t count = 0;
	switch (kaal_msg_label(m->info)) {
	case KAAL_SYSTEM_PS:
		r[0] = list_processes();
		break;
	case KAAL_SYSTEM_CAPS:
		st = list_caps((uint32_t)m->mr[0], &count);
		r[0] = count;
		break;
	case KAAL_SYSTEM_MEM:
		r[0] = sys.broker.memory.free_bytes;
		r[1] = sys.managed_bytes;
		break;
	case KAAL_SYSTEM_RUN: {
		uint32_t pid = NO_PID;
		int status = 0;
		bool ended = false;
		st = run(&pid, &status, &ended);
		r[0] = pid;
		r[1] = ended;
		r[2] = (kaal_word)(int64_t)status;
		break;
	}
	case KAAL_SYSTEM_KILL:
		st = kill_process((uint32_t)m->mr[0]);
		break;
	case KAAL_SYSTEM_PROGRAMS:
		for (unsigned i = 0; i < RUNNABLE; i++)
			memcpy(sys.page->u.name[i], runnable[i], strlen(runnable[i]) + 1);
		r[0] = RUNNABLE;
		break;
	case KAAL_SYSTEM_POWEROFF:
		*code = (int)m->mr[0];
		break;
	default:
		st = KAAL_INVALID_ARGUMENT;
		break;
	}
	*reply = (struct kaal_msg){kaal_msg_info(st, KAAL_MSG_FAST_WORDS, 0), {0}, 0};
	memcpy(reply->mr, r, sizeof(r));
	return kaal_msg_label(m->info) == KAAL_SYSTEM_POWEROFF;
}

/* Whether the power button's edge came (the GPIO link's reply), without waiting. */
static bool button_pressed(void)
{
	struct kaal_gpio_reply a;
	return kaal_channel_recv(&sys.power.reply, &a, 0) == KAAL_OK &&
	       a.op == KAAL_GPIO_WAIT_EDGE && a.status == KAAL_OK;
}

static kaal_status setup(const struct kaal_boot_info *bi)
{
	memset(&sys, 0, sizeof(sys)); /* on the host, what an earlier boot left stays */
	kaal_status st = kaal_broker_init(&sys.broker, bi);
	if (st != KAAL_OK)
		return st;
	sys.managed_bytes = sys.broker.memory.free_bytes;
	st = kaal_broker_create_endpoint(&sys.broker, &sys.sys_ep);
	if (st == KAAL_OK)
		st = kaal_broker_create_endpoint(&sys.broker, &sys.echo_ep);
	kaal_cptr frames[1];
	if (st == KAAL_OK)
		st = kaal_broker_create_frames(&sys.broker, 1, frames, &sys.page_memory);
	void *at = NULL;
	if (st == KAAL_OK) {
		sys.sys_page_frame = frames[0];
		st = kaal_program_map(sys.sys_page_frame, SYS_PAGE,
		                      KAAL_RIGHT_READ | KAAL_RIGHT_WRITE, &at);
	}
	sys.page = at;
	if (st == KAAL_OK)
		st = start_drivers();
	if (st == KAAL_OK)
		st = start_echo_endpoint();
	/* The root's own ends: the power button, and the file server to sync before power off. */
	if (st == KAAL_OK)
		st = kaal_driver_open_link(&sys.power, &sys.driver[GPIO], POWER_LINK, GPIO_PAGE);
	if (st == KAAL_OK)
		st = kaal_driver_open_link(&sys.files, &sys.driver[FILES], ROOT_FS_LINK, FS_PAGE);
	if (st == KAAL_OK)
		st = kaal_thread_bind_notification(bi->root_thread_cptr,
		                                   sys.driver[GPIO].link[POWER_LINK].client_ntfn);
	struct kaal_gpio_request watch = {KAAL_GPIO_WAIT_EDGE, KAAL_GPIO_POWER_BUTTON, 1, 0};
	if (st == KAAL_OK)
		st = kaal_channel_send(&sys.power.request, &watch, WAIT_NS);
	if (st == KAAL_OK)
		st = start_shell();
	return st;
}

/*
 * The next call of the shell, or KAAL_MSG_FROM_NOTIFICATION when the GPIO
 * driver answered (the button's edge). The power link is armed first, so
 * its reply signals the notification bound to this thread.
 */
static kaal_status wait_for_work(struct kaal_msg *m)
{
	bool ready = false;
	kaal_status st = kaal_channel_arm(&sys.power.reply, &ready);
	if (st != KAAL_OK)
		return st;
	if (ready) {
		*m = (struct kaal_msg){KAAL_MSG_FROM_NOTIFICATION, {0}, 0};
		return KAAL_OK;
	}
	return kaal_recv(sys.sys_ep, m);
}

int kaal_system_main(const struct kaal_boot_info *bi)
{
	kaal_status st = setup(bi);
	if (st != KAAL_OK) {
		stop_all(); /* what did start ends with the root, not on without its peers */
		kaal_diag_str("kaal: the system did not start: ");
		kaal_diag_str(kaal_status_name(st));
		kaal_diag_end();
		return 1;
	}
	struct kaal_msg m;
	st = wait_for_work(&m);
	while (st == KAAL_OK) {
		if (m.info == KAAL_MSG_FROM_NOTIFICATION) {
			if (button_pressed()) {
				/* The shell's prompt may be waiting on its line. */
				kaal_print("\n");
				kaal_diag_str("kaal: the power button was pressed");
				kaal_diag_end();
				return power_off(0);
			}
		} else {
			struct kaal_msg reply;
			int code = 0;
			if (serve(&m, &reply, &code))
				return power_off(
				    code); /* the shell that asked is stopped: no reply */
			/* Reply, then arm the power link before waiting again. */
			kaal_reply(&reply);
		}
		st = wait_for_work(&m);
	}
	stop_all();
	kaal_diag_str("kaal: the system's endpoint failed: ");
	kaal_diag_str(kaal_status_name(st));
	kaal_diag_end();
	return 1;
}
