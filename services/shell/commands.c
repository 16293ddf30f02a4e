/*
 * The shell's commands: each asks a driver or a service and prints what it
 * says. A command prints its own message on failure and returns
 * SHELL_FAILED, so a script's failures are counted.
 */
#include <string.h>

#include "echo/echo.h"
#include "fs/file_service.h"
#include "pl031/rtc.h"
#include "shell.h"

#define CALL_NS         UINT64_C(30000000000)
#define BENCH_ROUNDS    1000u
#define SECONDS_PER_DAY 86400u
#define PID_MAX         (KAAL_SYSTEM_MAX_PROCESSES - 1u)

int shell_power_off(struct shell *s);

static void line_end(struct shell *s)
{
	shell_print(s, "\r\n");
}

static int failed(struct shell *s, const char *what, const char *why)
{
	shell_print(s, what);
	shell_print(s, ": ");
	shell_print(s, why);
	line_end(s);
	return SHELL_FAILED;
}

/* ---- The file server. */

/* What a file system status means, for a person. */
static const char *fs_text(int32_t status)
{
	switch (status) {
	case KAAL_FS_NOT_FOUND:
		return "no such file or directory";
	case KAAL_FS_EXISTS:
		return "already exists";
	case KAAL_FS_BAD_NAME:
		return "not a path of valid names (/dir/name; no '.', '..' or empty names)";
	case KAAL_FS_NO_SPACE:
		return "no space left";
	case KAAL_FS_TOO_LARGE:
		return "too large";
	case KAAL_FS_NOT_EMPTY:
		return "directory not empty";
	case KAAL_FS_IS_DIRECTORY:
		return "is a directory";
	case KAAL_FS_NOT_DIRECTORY:
		return "not a directory";
	case KAAL_FS_IO_ERROR:
		return "the disk failed";
	case KAAL_FS_NOT_MOUNTED:
		return "no file system is mounted";
	default:
		return kaal_fs_status_name((enum kaal_fs_status)status);
	}
}

/* A file server request; false (after saying so) when the call itself failed. */
static bool fs_call(struct shell *s, struct kaal_file_request *q, struct kaal_file_reply *a)
{
	q->tag = ++s->tag;
	kaal_status st = kaal_driver_call(&s->fs, q, a, CALL_NS);
	if (st == KAAL_OK && a->tag == q->tag)
		return true;
	failed(s, "file server", st == KAAL_OK ? "answered another request" : kaal_status_name(st));
	return false;
}

/* A request naming path (put at the start of the shared buffer). */
static bool fs_path(struct shell *s, uint32_t op, const char *path, struct kaal_file_reply *a)
{
	size_t n = strlen(path);
	if (n >= s->fs.share_size) {
		a->status = KAAL_FS_TOO_LARGE;
		return true;
	}
	memcpy(s->fs.share, path, n);
	struct kaal_file_request q = {op, 0, 0, (uint32_t)n, 0, 0};
	return fs_call(s, &q, a);
}

/* A name as typed: absolute as it is, otherwise under the root. */
static const char *absolute(const char *name, char out[KAAL_LINE_MAX + 2])
{
	if (name[0] == '/')
		return name;
	out[0] = '/';
	size_t n = strlen(name);
	memcpy(out + 1, name, n + 1);
	return out;
}

static int fs_failed(struct shell *s, const char *path, int32_t status)
{
	return failed(s, path, fs_text(status));
}

static bool fs_sync(struct shell *s, struct kaal_file_reply *a)
{
	struct kaal_file_request q = {KAAL_FILE_SYNC, 0, 0, 0, 0, 0};
	return fs_call(s, &q, a);
}

static int cmd_ls(void *ctx, unsigned argc, char **argv)
{
	struct shell *s = ctx;
	char buf[KAAL_LINE_MAX + 2];
	const char *path = argc > 1 ? absolute(argv[1], buf) : "/";
	struct kaal_file_reply dir;
	if (!fs_path(s, KAAL_FILE_LOOKUP, path, &dir))
		return SHELL_FAILED;
	if (dir.status != KAAL_FS_OK)
		return fs_failed(s, path, dir.status);
	if (dir.type != KAAL_FS_TYPE_DIRECTORY)
		return fs_failed(s, path, KAAL_FS_NOT_DIRECTORY);
	uint64_t cursor = 0;
	for (;;) {
		struct kaal_file_request q = {KAAL_FILE_LIST, dir.handle, cursor, 0, 0, 0};
		struct kaal_file_reply e;
		if (!fs_call(s, &q, &e))
			return SHELL_FAILED;
		if (e.status == KAAL_FS_END)
			return SHELL_DONE;
		if (e.status != KAAL_FS_OK)
			return fs_failed(s, path, e.status);
		char name[KAAL_FS_NAME_BYTES];
		memcpy(name, s->fs.share, sizeof(name));
		name[KAAL_FS_NAME_MAX] = '\0';
		shell_print_column(s, e.type == KAAL_FS_TYPE_DIRECTORY ? "dir" : "file", 6);
		shell_print_dec(s, e.size);
		shell_print(s, e.type == KAAL_FS_TYPE_DIRECTORY ? " entries  " : " bytes  ");
		shell_print(s, name);
		line_end(s);
		cursor = e.cursor;
	}
}

static int cmd_cat(void *ctx, unsigned argc, char **argv)
{
	struct shell *s = ctx;
	(void)argc;
	char buf[KAAL_LINE_MAX + 2];
	const char *path = absolute(argv[1], buf);
	struct kaal_file_reply f;
	if (!fs_path(s, KAAL_FILE_LOOKUP, path, &f))
		return SHELL_FAILED;
	if (f.status != KAAL_FS_OK)
		return fs_failed(s, path, f.status);
	if (f.type == KAAL_FS_TYPE_DIRECTORY)
		return fs_failed(s, path, KAAL_FS_IS_DIRECTORY);
	bool ends_in_newline = true;
	for (uint64_t offset = 0;;) {
		struct kaal_file_request q = {KAAL_FILE_READ,   f.handle, offset,
		                              s->fs.share_size, 0,        0};
		struct kaal_file_reply r;
		if (!fs_call(s, &q, &r))
			return SHELL_FAILED;
		if (r.status != KAAL_FS_OK)
			return fs_failed(s, path, r.status);
		if (r.size == 0)
			break;
		/* The console wants CR LF: each LF goes out with its CR. */
		const char *text = (const char *)s->fs.share;
		size_t from = 0;
		for (size_t i = 0; i < r.size; i++) {
			if (text[i] != '\n')
				continue;
			shell_write(s, text + from, i - from);
			line_end(s);
			from = i + 1;
		}
		shell_write(s, text + from, r.size - from);
		ends_in_newline = text[r.size - 1] == '\n';
		offset += r.size;
	}
	if (!ends_in_newline)
		line_end(s);
	return SHELL_DONE;
}

/* write NAME TEXT...: the file holds the words, a space apart, and a newline; synced. */
static int cmd_write(void *ctx, unsigned argc, char **argv)
{
	struct shell *s = ctx;
	char buf[KAAL_LINE_MAX + 2];
	const char *path = absolute(argv[1], buf);
	struct kaal_file_reply f;
	if (!fs_path(s, KAAL_FILE_LOOKUP, path, &f))
		return SHELL_FAILED;
	if (f.status == KAAL_FS_NOT_FOUND && !fs_path(s, KAAL_FILE_CREATE, path, &f))
		return SHELL_FAILED;
	if (f.status != KAAL_FS_OK)
		return fs_failed(s, path, f.status);
	size_t n = 0;
	for (unsigned i = 2; i < argc; i++) {
		size_t len = strlen(argv[i]);
		memcpy(s->fs.share + n, argv[i], len);
		n += len;
		s->fs.share[n++] = i + 1 < argc ? ' ' : '\n';
	}
	struct kaal_file_request trunc = {KAAL_FILE_TRUNCATE, f.handle, 0, 0, 0, 0};
	struct kaal_file_request write = {KAAL_FILE_WRITE, f.handle, 0, (uint32_t)n, 0, 0};
	struct kaal_file_reply a;
	if (!fs_call(s, &trunc, &a))
		return SHELL_FAILED;
	if (a.status == KAAL_FS_OK && !fs_call(s, &write, &a))
		return SHELL_FAILED;
	if (a.status == KAAL_FS_OK && !fs_sync(s, &a))
		return SHELL_FAILED;
	if (a.status != KAAL_FS_OK)
		return fs_failed(s, path, a.status);
	shell_print(s, "wrote ");
	shell_print_dec(s, n);
	shell_print(s, " bytes to ");
	shell_print(s, path);
	shell_print(s, ", synced");
	line_end(s);
	return SHELL_DONE;
}

/* rm and mkdir: one path operation, then a sync. */
static int path_then_sync(struct shell *s, uint32_t op, const char *name)
{
	char buf[KAAL_LINE_MAX + 2];
	const char *path = absolute(name, buf);
	struct kaal_file_reply a;
	if (!fs_path(s, op, path, &a))
		return SHELL_FAILED;
	if (a.status == KAAL_FS_OK && !fs_sync(s, &a))
		return SHELL_FAILED;
	return a.status == KAAL_FS_OK ? SHELL_DONE : fs_failed(s, path, a.status);
}

static int cmd_rm(void *ctx, unsigned argc, char **argv)
{
	(void)argc;
	return path_then_sync(ctx, KAAL_FILE_REMOVE, argv[1]);
}

static int cmd_mkdir(void *ctx, unsigned argc, char **argv)
{
	(void)argc;
	return path_then_sync(ctx, KAAL_FILE_MKDIR, argv[1]);
}

static int cmd_sync(void *ctx, unsigned argc, char **argv)
{
	(void)argc, (void)argv;
	struct shell *s = ctx;
	struct kaal_file_reply a;
	if (!fs_sync(s, &a))
		return SHELL_FAILED;
	return a.status == KAAL_FS_OK ? SHELL_DONE : fs_failed(s, "sync", a.status);
}

static int cmd_fsck(void *ctx, unsigned argc, char **argv)
{
	(void)argc, (void)argv;
	struct shell *s = ctx;
	struct kaal_file_request q = {KAAL_FILE_CHECK, 0, 0, 0, 0, 0};
	struct kaal_file_reply a;
	if (!fs_call(s, &q, &a))
		return SHELL_FAILED;
	if (a.status != KAAL_FS_OK)
		return fs_failed(s, "fsck", a.status);
	shell_print(s, "fsck: commit ");
	shell_print_dec(s, a.cursor);
	shell_print(s, ", ");
	shell_print_dec(s, a.handle);
	shell_print(s, " files, ");
	shell_print_dec(s, a.type);
	shell_print(s, " directories, ");
	shell_print_dec(s, a.size);
	shell_print(s, a.size == 0 ? " problems: clean" : " problems");
	line_end(s);
	return a.size == 0 ? SHELL_DONE : SHELL_FAILED;
}

static int cmd_df(void *ctx, unsigned argc, char **argv)
{
	(void)argc, (void)argv;
	struct shell *s = ctx;
	struct kaal_file_request q = {KAAL_FILE_SPACE, 0, 0, 0, 0, 0};
	struct kaal_file_reply a;
	if (!fs_call(s, &q, &a))
		return SHELL_FAILED;
	if (a.status != KAAL_FS_OK)
		return fs_failed(s, "df", a.status);
	shell_print_dec(s, a.size);
	shell_print(s, " of ");
	shell_print_dec(s, a.cursor);
	shell_print(s, " blocks of 4 KiB free");
	line_end(s);
	return SHELL_DONE;
}

/* ---- The system's root. */

/* A call to the root: its status (the reply's label) and words. */
static kaal_status sys_call(struct shell *s, kaal_word op, kaal_word arg, struct kaal_msg *m)
{
	*m = (struct kaal_msg){kaal_msg_info(op, 1, 0), {arg}, 0};
	kaal_status st = kaal_call(s->sys, m);
	return st == KAAL_OK ? (kaal_status)kaal_msg_label(m->info) : st;
}

static const char *kind_name(uint32_t kind)
{
	return kind == KAAL_SYSTEM_DRIVER    ? "driver"
	       : kind == KAAL_SYSTEM_SERVICE ? "service"
	                                     : "program";
}

static int cmd_ps(void *ctx, unsigned argc, char **argv)
{
	(void)argc, (void)argv;
	struct shell *s = ctx;
	struct kaal_msg m;
	kaal_status st = sys_call(s, KAAL_SYSTEM_PS, 0, &m);
	if (st != KAAL_OK)
		return failed(s, "ps", kaal_status_name(st));
	shell_print(s, "pid  name       kind     prio  state");
	line_end(s);
	for (uint32_t i = 0; i < m.mr[0] && i < KAAL_SYSTEM_MAX_PROCESSES; i++) {
		const struct kaal_system_process *p = &s->page->u.process[i];
		char pid[4] = {(char)('0' + p->pid / 10), (char)('0' + p->pid % 10), 0, 0};
		shell_print_column(s, p->pid < 10 ? pid + 1 : pid, 5);
		shell_print_column(s, p->name, 11);
		shell_print_column(s, kind_name(p->kind), 9);
		char prio[4] = {(char)('0' + p->priority / 100),
		                (char)('0' + p->priority / 10 % 10), (char)('0' + p->priority % 10),
		                0};
		shell_print_column(s, prio, 6);
		if (p->ended) {
			shell_print(s, "ended, status ");
			shell_print_dec(s, (uint64_t)(int64_t)p->exit_status);
		} else {
			shell_print(s, kaal_thread_state_name(p->state));
		}
		line_end(s);
	}
	return SHELL_DONE;
}

/* Rights as r, w, g letters, - for each missing. */
static void print_rights(struct shell *s, uint32_t rights)
{
	char r[4] = {rights & KAAL_RIGHT_READ ? 'r' : '-', rights & KAAL_RIGHT_WRITE ? 'w' : '-',
	             rights & KAAL_RIGHT_GRANT ? 'g' : '-', 0};
	shell_print_column(s, r, 7);
}

static int cmd_caps(void *ctx, unsigned argc, char **argv)
{
	(void)argc;
	struct shell *s = ctx;
	uint64_t pid;
	enum kaal_shell_status parsed = kaal_shell_parse_number(argv[1], PID_MAX, &pid);
	if (parsed != KAAL_SHELL_OK)
		return failed(s, "caps", kaal_shell_status_text(parsed));
	struct kaal_msg m;
	kaal_status st = sys_call(s, KAAL_SYSTEM_CAPS, pid, &m);
	if (st == KAAL_INVALID_ARGUMENT)
		return failed(s, "caps", "no process with that pid (ps lists them)");
	if (st != KAAL_OK)
		return failed(s, "caps", kaal_status_name(st));
	shell_print(s, "slot  type           rights badge/address       name");
	line_end(s);
	for (uint32_t i = 0; i < m.mr[0] && i < KAAL_SYSTEM_MAX_CAPS; i++) {
		const struct kaal_system_cap *c = &s->page->u.cap[i];
		char slot[4] = {(char)('0' + c->slot / 100), (char)('0' + c->slot / 10 % 10),
		                (char)('0' + c->slot % 10), 0};
		shell_print_column(s, slot, 6);
		shell_print_column(s, kaal_cap_type_name(c->type), 15);
		print_rights(s, c->rights);
		shell_print_hex(s, c->badge);
		shell_print(s, "  ");
		shell_print(s, c->name);
		line_end(s);
	}
	return SHELL_DONE;
}

static int cmd_mem(void *ctx, unsigned argc, char **argv)
{
	(void)argc, (void)argv;
	struct shell *s = ctx;
	struct kaal_msg m;
	kaal_status st = sys_call(s, KAAL_SYSTEM_MEM, 0, &m);
	if (st != KAAL_OK)
		return failed(s, "mem", kaal_status_name(st));
	shell_print_dec(s, m.mr[0] >> 10);
	shell_print(s, " KiB free of ");
	shell_print_dec(s, m.mr[1] >> 10);
	shell_print(s, " KiB the broker manages");
	line_end(s);
	return SHELL_DONE;
}

static int cmd_run(void *ctx, unsigned argc, char **argv)
{
	(void)argc;
	struct shell *s = ctx;
	size_t n = strlen(argv[1]);
	if (n >= KAAL_PROGRAM_NAME_MAX)
		return failed(s, argv[1], "no such program");
	memcpy(s->page->u.name[0], argv[1], n + 1);
	struct kaal_msg m;
	kaal_status st = sys_call(s, KAAL_SYSTEM_RUN, 0, &m);
	if (st == KAAL_INVALID_ARGUMENT) {
		failed(s, argv[1], "no such program; run takes:");
		if (sys_call(s, KAAL_SYSTEM_PROGRAMS, 0, &m) == KAAL_OK)
			for (uint32_t i = 0; i < m.mr[0] && i < KAAL_SYSTEM_MAX_PROCESSES; i++) {
				shell_print(s, "  ");
				shell_print(s, s->page->u.name[i]);
				line_end(s);
			}
		return SHELL_FAILED;
	}
	if (st != KAAL_OK)
		return failed(s, argv[1], kaal_status_name(st));
	shell_print(s, argv[1]);
	shell_print(s, ": pid ");
	shell_print_dec(s, m.mr[0]);
	if (m.mr[1]) {
		shell_print(s, ", ended with status ");
		shell_print_dec(s, m.mr[2]);
	} else {
		shell_print(s, ", running");
	}
	line_end(s);
	return m.mr[1] && m.mr[2] != 0 ? SHELL_FAILED : SHELL_DONE;
}

static int cmd_kill(void *ctx, unsigned argc, char **argv)
{
	(void)argc;
	struct shell *s = ctx;
	uint64_t pid;
	enum kaal_shell_status parsed = kaal_shell_parse_number(argv[1], PID_MAX, &pid);
	if (parsed != KAAL_SHELL_OK)
		return failed(s, "kill", kaal_shell_status_text(parsed));
	struct kaal_msg m;
	kaal_status st = sys_call(s, KAAL_SYSTEM_KILL, pid, &m);
	if (st == KAAL_ILLEGAL_OPERATION)
		return failed(s, "kill", "the root and the shell itself cannot be killed");
	if (st == KAAL_INVALID_ARGUMENT)
		return failed(s, "kill", "no process with that pid (ps lists them)");
	if (st != KAAL_OK)
		return failed(s, "kill", kaal_status_name(st));
	shell_print(s, "killed ");
	shell_print_dec(s, pid);
	line_end(s);
	return SHELL_DONE;
}

/* ---- Time, echo, the benchmark, help. */

static void print_two(struct shell *s, uint32_t v, const char *after)
{
	char d[3] = {(char)('0' + v / 10 % 10), (char)('0' + v % 10), 0};
	shell_print(s, d);
	shell_print(s, after);
}

/* Days since 1970-01-01 as a date of the proleptic Gregorian calendar. */
static void civil_date(uint32_t days, uint32_t *year, uint32_t *month, uint32_t *day)
{
	const uint32_t days_per_era = 146097, shift = 719468; /* 0000-03-01 to 1970-01-01 */
	uint32_t z = days + shift, era = z / days_per_era, doe = z - era * days_per_era;
	uint32_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	uint32_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
	*day = doy - (153 * mp + 2) / 5 + 1;
	*month = mp < 10 ? mp + 3 : mp - 9;
	*year = yoe + era * 400 + (*month <= 2);
}

static int cmd_time(void *ctx, unsigned argc, char **argv)
{
	(void)argc, (void)argv;
	struct shell *s = ctx;
	struct kaal_rtc_request q = {KAAL_RTC_TIME, 0};
	struct kaal_rtc_reply a;
	kaal_status st = kaal_driver_call(&s->rtc, &q, &a, CALL_NS);
	if (st == KAAL_OK)
		st = (kaal_status)a.status;
	if (st != KAAL_OK)
		return failed(s, "time", kaal_status_name(st));
	uint32_t year, month, day, secs = a.seconds % SECONDS_PER_DAY;
	civil_date(a.seconds / SECONDS_PER_DAY, &year, &month, &day);
	shell_print_dec(s, year);
	shell_print(s, "-");
	print_two(s, month, "-");
	print_two(s, day, " ");
	print_two(s, secs / 3600, ":");
	print_two(s, secs / 60 % 60, ":");
	print_two(s, secs % 60, " UTC (");
	shell_print_dec(s, a.seconds);
	shell_print(s, " s since 1970)");
	line_end(s);
	return SHELL_DONE;
}

static int cmd_echo(void *ctx, unsigned argc, char **argv)
{
	struct shell *s = ctx;
	for (unsigned i = 1; i < argc; i++) {
		shell_print(s, argv[i]);
		if (i + 1 < argc)
			shell_print(s, " ");
	}
	line_end(s);
	return SHELL_DONE;
}

static void print_per_round(struct shell *s, const char *what, uint64_t ns)
{
	shell_print(s, what);
	shell_print_dec(s, ns / BENCH_ROUNDS);
	shell_print(s, " ns a round trip (");
	shell_print_dec(s, BENCH_ROUNDS);
	shell_print(s, " rounds)");
	line_end(s);
}

/* Round trips to the echo service: through a channel pair, then through its endpoint. */
static int cmd_bench(void *ctx, unsigned argc, char **argv)
{
	(void)argc, (void)argv;
	struct shell *s = ctx;
	struct kaal_echo_request q = {KAAL_ECHO, 8, 0, "kaalbnch"};
	struct kaal_echo_reply a;
	uint64_t start = kaal_time_ns();
	for (uint32_t i = 0; i < BENCH_ROUNDS; i++) {
		q.tag = i;
		kaal_status st = kaal_driver_call(&s->echo, &q, &a, CALL_NS);
		if (st != KAAL_OK || a.tag != i || a.status != KAAL_OK)
			return failed(s, "bench", "the echo service's channel failed");
	}
	print_per_round(s, "channel (rings, 64-byte messages): ", kaal_time_ns() - start);
	start = kaal_time_ns();
	for (uint32_t i = 0; i < BENCH_ROUNDS; i++) {
		struct kaal_msg m = {kaal_msg_info(KAAL_ECHO_LABEL, 1, 0), {i}, 0};
		if (kaal_call(s->echo_ep, &m) != KAAL_OK || m.mr[0] != i)
			return failed(s, "bench", "the echo service's endpoint failed");
	}
	print_per_round(s, "endpoint (call and reply, one word):  ", kaal_time_ns() - start);
	return SHELL_DONE;
}

static int cmd_help(void *ctx, unsigned argc, char **argv)
{
	(void)argc, (void)argv;
	struct shell *s = ctx;
	for (size_t i = 0; i < shell_command_count; i++) {
		const struct kaal_shell_command *c = &shell_commands[i];
		char usage[KAAL_LINE_MAX + 1] = {0};
		size_t n = strlen(c->name), u = strlen(c->usage);
		memcpy(usage, c->name, n);
		if (u) {
			usage[n] = ' ';
			memcpy(usage + n + 1, c->usage, u);
		}
		shell_print_column(s, usage, 18);
		shell_print(s, c->help);
		line_end(s);
	}
	return SHELL_DONE;
}

static int cmd_poweroff(void *ctx, unsigned argc, char **argv)
{
	(void)argc, (void)argv;
	return shell_power_off(ctx);
}

const struct kaal_shell_command shell_commands[] = {
    {"help", "", "this list", 0, 0, cmd_help},
    {"ps", "", "processes: pid, name, kind, priority, state", 0, 0, cmd_ps},
    {"caps", "PID", "a process's capabilities: slot, type, rights, badge", 1, 1, cmd_caps},
    {"mem", "", "the broker's free memory", 0, 0, cmd_mem},
    {"time", "", "the real-time clock", 0, 0, cmd_time},
    {"echo", "[WORDS]", "print the words", 0, KAAL_SHELL_MAX_WORDS - 1, cmd_echo},
    {"ls", "[DIR]", "list a directory (/ by default)", 0, 1, cmd_ls},
    {"cat", "FILE", "print a file", 1, 1, cmd_cat},
    {"write", "FILE TEXT", "replace a file's text, then sync", 2, KAAL_SHELL_MAX_WORDS - 1,
     cmd_write},
    {"rm", "PATH", "remove a file or an empty directory, then sync", 1, 1, cmd_rm},
    {"mkdir", "DIR", "make a directory, then sync", 1, 1, cmd_mkdir},
    {"sync", "", "commit every change to the disk", 0, 0, cmd_sync},
    {"df", "", "free space on the disk", 0, 0, cmd_df},
    {"fsck", "", "check the file system on the disk", 0, 0, cmd_fsck},
    {"run", "PROGRAM", "start a program", 1, 1, cmd_run},
    {"kill", "PID", "end a process", 1, 1, cmd_kill},
    {"bench", "", "channel and endpoint round trips to the echo service", 0, 0, cmd_bench},
    {"poweroff", "", "sync the file system and power off", 0, 0, cmd_poweroff},
};
const size_t shell_command_count = sizeof(shell_commands) / sizeof(shell_commands[0]);
