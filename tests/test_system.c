/*
 * The system on the host: the root task of the system image
 * (services/system/root.c) boots the UART, RTC, GPIO and block drivers,
 * the file server, the echo service and the shell as programs of the
 * simulated machine, against the device models (the disk a temporary
 * file). A script typed into the PL011 model runs as on QEMU: each line of
 * the transcript is checked, the exit status is the count of commands that
 * failed, and every process has ended when the root returns. A second boot
 * on the same disk finds the files the first one wrote.
 */
#include <regex.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <kaal/host.h>

#include "harness.h"
#include "pl011_model.h"
#include "pl031_model.h"
#include "pl061_model.h"
#include "programs/programs.h"
#include "system/system.h"
#include "virtio/virtio_regs.h"
#include "virtio_blk_model.h"

#define DISK_BYTES      (UINT64_C(16) << 20)
#define EPOCH_2026      1767225600u /* the RTC model's time: 2026-01-01 00:00:00 UTC */
#define MAX_LINES       128u
#define SHORT_RAM_BYTES (UINT64_C(2) << 20)
/* On the host the other processes run on other CPUs: any state may show. */
#define STATE "(running|wait-notification|wait-receive|wait-reply|wait-send)"

void kaal_program_entry_shell(kaal_word arg);
void kaal_program_entry_hello(kaal_word arg);

static const struct kaal_host_program programs[] = {
    {"uart", kaal_program_entry_uart},       {"rtc", kaal_program_entry_rtc},
    {"gpio", kaal_program_entry_gpio},       {"block", kaal_program_entry_block},
    {"fs", kaal_program_entry_fs},           {"echo", kaal_program_entry_echo},
    {"echo_ep", kaal_program_entry_echo_ep}, {"shell", kaal_program_entry_shell},
    {"hello", kaal_program_entry_hello},
};

static struct pl011_model console;
static struct pl031_model rtc;
static struct pl061_model gpio;
static struct virtio_blk_model block;
static FILE *disk;

static void raise_edge(uint32_t irq)
{
	kaal_host_raise_edge(irq);
}

/* One disk for the whole group: the second case boots on what the first left. */
static int make_disk(void **state)
{
	(void)state;
	disk = harness_disk(DISK_BYTES);
	return 0;
}

static int drop_disk(void **state)
{
	(void)state;
	fclose(disk);
	return 0;
}

/* Boot the machine with every program and ram_size bytes of RAM (0: the build's default). */
static int boot_machine(void **state, uint64_t ram_size)
{
	struct kaal_host_config config = {.ram_size = ram_size,
	                                  .programs = programs,
	                                  .program_count = sizeof(programs) / sizeof(programs[0])};
	return harness_setup_with(state, &config);
}

static int system_setup(void **state)
{
	return boot_machine(state, 0);
}

static int system_teardown(void **state)
{
	kaal_driver_use_model(KAAL_DEVICE_UART0, NULL);
	kaal_driver_use_model(KAAL_DEVICE_RTC, NULL);
	kaal_driver_use_model(KAAL_DEVICE_GPIO, NULL);
	kaal_driver_use_model(KAAL_DEVICE_BLOCK, NULL);
	return harness_teardown(state);
}

#define SYSTEM_CASE(fn) cmocka_unit_test_setup_teardown(fn, system_setup, system_teardown)

/* A machine whose RAM holds the root and the first drivers, not all of them. */
static int short_system_setup(void **state)
{
	return boot_machine(state, SHORT_RAM_BYTES);
}

/* Boot the system with script typed into the console; its exit status. */
static int run_system(const char *script)
{
	pl011_model_init(&console);
	console.raise = raise_edge;
	console.irq = harness_device(KAAL_DEVICE_UART0)->irq;
	pl031_model_init(&rtc, EPOCH_2026);
	pl061_model_init(&gpio);
	virtio_blk_model_init(&block, fileno(disk), DISK_BYTES / VIRTIO_BLK_SECTOR_BYTES,
	                      harness_device(KAAL_DEVICE_BLOCK)->irq);
	kaal_driver_use_model(KAAL_DEVICE_UART0, &console.mmio);
	kaal_driver_use_model(KAAL_DEVICE_RTC, &rtc.mmio);
	kaal_driver_use_model(KAAL_DEVICE_GPIO, &gpio.mmio);
	kaal_driver_use_model(KAAL_DEVICE_BLOCK, &block.mmio);
	pl011_model_type(&console, (const uint8_t *)script, strlen(script));
	return kaal_system_main(h.bi);
}

/* The console's output as lines, without their line ends, from the shell's banner on. */
static unsigned transcript(char *lines[MAX_LINES])
{
	static char text[PL011_MODEL_SENT + 1];
	memcpy(text, console.sent, console.sent_len);
	text[console.sent_len] = '\0';
	char *at = strstr(text, "kaal shell: help lists the commands\r\n");
	assert_non_null(at);
	unsigned n = 0;
	for (char *line = at; *line && n < MAX_LINES;) {
		char *end = strchr(line, '\n');
		if (end)
			*end = '\0';
		size_t len = strlen(line);
		if (len && line[len - 1] == '\r')
			line[len - 1] = '\0';
		lines[n++] = line;
		if (!end)
			break;
		line = end + 1;
	}
	return n;
}

/* Each line matches its extended regular expression, whole. */
static void assert_transcript(const char *const *want, unsigned count)
{
	char *got[MAX_LINES];
	unsigned n = transcript(got);
	for (unsigned i = 0; i < count; i++) {
		regex_t re;
		char anchored[256];
		snprintf(anchored, sizeof(anchored), "^%s$", want[i]);
		assert_int_equal(0, regcomp(&re, anchored, REG_EXTENDED | REG_NOSUB));
		bool match = i < n && regexec(&re, got[i], 0, NULL, 0) == 0;
		regfree(&re);
		if (!match)
			print_message("line %u: want /%s/, got \"%s\"\n", i + 1, want[i],
			              i < n ? got[i] : "<none>");
		assert_true(match);
	}
	assert_int_equal(count, n);
}

static void a_scripted_session(void **state)
{
	(void)state;
	static const char script[] = "echo on the host\n"
	                             "ps\n"
	                             "time\n"
	                             "write kept \"made on the host\"\n"
	                             "mkdir /d\n"
	                             "cat kept\n"
	                             "ls\n"
	                             "fsck\n"
	                             "run hello\n"
	                             "kill 0\n"
	                             "kill 99\n"
	                             "frobnicate\n"
	                             "poweroff\n";
	static const char *const want[] = {
	    "kaal shell: help lists the commands",
	    "kaal> echo on the host",
	    "on the host",
	    "kaal> ps",
	    "pid  name       kind     prio  state",
	    "0    root       service  255   running",
	    "1    uart       driver   210   " STATE,
	    "2    rtc        driver   200   " STATE,
	    "3    gpio       driver   200   " STATE,
	    "4    block      driver   180   " STATE,
	    "5    fs         service  160   " STATE,
	    "6    echo       service  120   " STATE,
	    "7    echo_ep    service  120   " STATE,
	    "8    shell      program  100   " STATE,
	    "kaal> time",
	    "2026-01-01 00:00:00 UTC \\(1767225600 s since 1970\\)",
	    "kaal> write kept \"made on the host\"",
	    "wrote 17 bytes to /kept, synced",
	    "kaal> mkdir /d",
	    "kaal> cat kept",
	    "made on the host",
	    "kaal> ls",
	    "file  17 bytes  kept",
	    "dir   0 entries  d",
	    "kaal> fsck",
	    "fsck: commit [0-9]+, 1 files, 2 directories, 0 problems: clean",
	    "kaal> run hello",
	    "hello, world",
	    "hello: pid 9, ended with status 0",
	    "kaal> kill 0",
	    "kill: the root and the shell itself cannot be killed",
	    "kaal> kill 99",
	    "kill: number too large",
	    "kaal> frobnicate",
	    "unknown command: frobnicate \\(help lists the commands\\)",
	    "kaal> poweroff",
	};
	assert_int_equal(3, run_system(script)); /* kill 0, kill 99, frobnicate */
	assert_transcript(want, sizeof(want) / sizeof(want[0]));
}

/* A machine booted anew on the first case's disk finds what it wrote. */
static void the_next_boot_finds_the_files(void **state)
{
	(void)state;
	static const char again[] = "cat kept\nls /d\npoweroff\n";
	static const char *const want_again[] = {
	    "kaal shell: help lists the commands",
	    "kaal> cat kept",
	    "made on the host",
	    "kaal> ls /d",
	    "kaal> poweroff",
	};
	assert_int_equal(0, run_system(again));
	assert_transcript(want_again, sizeof(want_again) / sizeof(want_again[0]));
}

/* Every command on the host, each refusal with its message; Ctrl-C, and Ctrl-D powers off. */
static void every_command_and_its_refusals(void **state)
{
	(void)state;
	static const char script[] = "help\n"
	                             "mem\n"
	                             "df\n"
	                             "caps 7\n"
	                             "caps 20\n"
	                             "caps 99\n"
	                             "write a one\n"
	                             "mkdir /dir\n"
	                             "cat /dir\n"
	                             "ls a\n"
	                             "ls /missing\n"
	                             "sync\n"
	                             "rm a\n"
	                             "cat a\n"
	                             "rm a\n"
	                             "write /no/such/file x\n"
	                             "run hello\n"
	                             "kill 9\n"
	                             "kill 9\n"
	                             "kill abc\n"
	                             "run nosuch\n"
	                             "echo \"unterminated\n"
	                             "bench\n"
	                             "abc\x03"
	                             "\x04";
	static const char *const want[] = {
	    "kaal shell: help lists the commands",
	    "kaal> help",
	    "help              this list",
	    "ps                processes: pid, name, kind, priority, state",
	    "caps PID          a process's capabilities: slot, type, rights, badge",
	    "mem               the broker's free memory",
	    "time              the real-time clock",
	    "echo \\[WORDS\\]      print the words",
	    "ls \\[DIR\\]          list a directory \\(/ by default\\)",
	    "cat FILE          print a file",
	    "write FILE TEXT   replace a file's text, then sync",
	    "rm PATH           remove a file or an empty directory, then sync",
	    "mkdir DIR         make a directory, then sync",
	    "sync              commit every change to the disk",
	    "df                free space on the disk",
	    "fsck              check the file system on the disk",
	    "run PROGRAM       start a program",
	    "kill PID          end a process",
	    "bench             channel and endpoint round trips to the echo service",
	    "poweroff          sync the file system and power off",
	    "kaal> mem",
	    "[0-9]+ KiB free of [0-9]+ KiB the broker manages",
	    "kaal> df",
	    "[0-9]+ of 4096 blocks of 4 KiB free",
	    "kaal> caps 7",
	    "slot  type           rights badge/address       name",
	    "001   frame          rwg    0x[0-9a-f]+  ",
	    "002   frame          rwg    0x[0-9a-f]+  ",
	    "003   cnode          rwg    0x0  ",
	    "004   notification   -w-    0x0  ",
	    "008   endpoint       r--    0x0  ep",
	    "kaal> caps 20",
	    "caps: no process with that pid \\(ps lists them\\)",
	    "kaal> caps 99",
	    "caps: number too large",
	    "kaal> write a one",
	    "wrote 4 bytes to /a, synced",
	    "kaal> mkdir /dir",
	    "kaal> cat /dir",
	    "/dir: is a directory",
	    "kaal> ls a",
	    "/a: not a directory",
	    "kaal> ls /missing",
	    "/missing: no such file or directory",
	    "kaal> sync",
	    "kaal> rm a",
	    "kaal> cat a",
	    "/a: no such file or directory",
	    "kaal> rm a",
	    "/a: no such file or directory",
	    "kaal> write /no/such/file x",
	    "/no/such/file: no such file or directory",
	    "kaal> run hello",
	    "hello, world",
	    "hello: pid 9, ended with status 0",
	    "kaal> kill 9",
	    "killed 9",
	    "kaal> kill 9",
	    "kill: no process with that pid \\(ps lists them\\)",
	    "kaal> kill abc",
	    "kill: not a number",
	    "kaal> run nosuch",
	    "nosuch: no such program; run takes:",
	    "  hello",
	    "kaal> echo \"unterminated",
	    "unterminated quote",
	    "kaal> bench",
	    "channel \\(rings, 64-byte messages\\): [0-9]+ ns a round trip \\(1000 rounds\\)",
	    "endpoint \\(call and reply, one word\\):  [0-9]+ ns a round trip \\(1000 rounds\\)",
	    "kaal> abc\\^C",
	    "kaal> ",
	};
	/* Failed: caps 20, caps 99, cat /dir, ls a, ls /missing, cat a, rm a, write, kill 9, kill
	 * abc, run nosuch, the quote. */
	assert_int_equal(12, run_system(script));
	assert_transcript(want, sizeof(want) / sizeof(want[0]));
}

/*
 * With too little memory a driver cannot start: the root says which and
 * why, and stops the drivers it did start before it returns (the
 * teardown's shutdown fails, busy, while any of their threads runs on).
 */
static void a_system_short_of_memory_stops_what_it_started(void **state)
{
	(void)state;
	char out[1024];
	harness_stdout_begin();
	int status = run_system("");
	harness_stdout_end(out, sizeof(out));
	assert_int_equal(1, status);
	const char *cannot = strstr(out, "# kaal: cannot start ");
	assert_non_null(cannot);
	assert_non_null(strstr(cannot, ": KAAL_UNTYPED_EXHAUSTED\n"));
	assert_non_null(strstr(out, "# kaal: the system did not start: KAAL_UNTYPED_EXHAUSTED\n"));
	assert_null(strstr(out, "kaal shell"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    SYSTEM_CASE(a_scripted_session), SYSTEM_CASE(the_next_boot_finds_the_files),
	    SYSTEM_CASE(every_command_and_its_refusals),
	    cmocka_unit_test_setup_teardown(a_system_short_of_memory_stops_what_it_started,
	                                    short_system_setup, system_teardown)};
	return cmocka_run_group_tests_name("system", tests, make_disk, drop_disk);
}
