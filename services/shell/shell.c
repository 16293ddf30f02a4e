/*
 * The shell: a console on the UART driver's link ("con") with line editing,
 * a prompt, and the commands of commands.c. Input may come from a person
 * at a terminal or from a script piped into the console: either way each
 * line is echoed, so a session's output reads as a transcript. Every
 * failed command is counted; power off passes the count on as the
 * machine's exit status.
 */
#include <string.h>

#include "pl011/uart.h"
#include "shell.h"

#define CONSOLE_WAIT_NS UINT64_C(10000000000)
#define PROMPT          "kaal> "
#define DEC_DIGITS      20u

static struct shell shell;

/* Keep the bytes of a read reply for the editor. */
static void take_input(struct shell *s, const struct kaal_uart_reply *a)
{
	for (uint32_t i = 0; i < a->len && i < KAAL_UART_DATA; i++) {
		if (s->input_len == SHELL_INPUT_MAX)
			return; /* typed faster than read: the rest is lost */
		s->input[(s->input_head + s->input_len++) % SHELL_INPUT_MAX] = a->data[i];
	}
}

/* The next reply on the console link: a read's bytes are kept, whatever it was. */
static kaal_status next_reply(struct shell *s, struct kaal_uart_reply *a)
{
	kaal_status st = kaal_channel_recv(&s->con.reply, a, CONSOLE_WAIT_NS);
	if (st == KAAL_OK && a->op == KAAL_UART_READ) {
		s->reading = false;
		if (a->status == KAAL_OK)
			take_input(s, a);
	}
	return st;
}

void shell_write(struct shell *s, const char *bytes, size_t len)
{
	while (len > 0) {
		struct kaal_uart_request q = {KAAL_UART_WRITE, 0, {0}};
		q.len = (uint32_t)(len < KAAL_UART_DATA ? len : KAAL_UART_DATA);
		memcpy(q.data, bytes, q.len);
		if (kaal_channel_send(&s->con.request, &q, CONSOLE_WAIT_NS) != KAAL_OK)
			return;
		struct kaal_uart_reply a;
		do {
			if (next_reply(s, &a) != KAAL_OK)
				return;
		} while (a.op != KAAL_UART_WRITE);
		/* What the driver could not queue goes again. */
		uint32_t queued = a.status == KAAL_OK && a.len <= q.len ? a.len : 0;
		bytes += queued;
		len -= queued;
	}
}

void shell_print(struct shell *s, const char *text)
{
	shell_write(s, text, strlen(text));
}

void shell_print_dec(struct shell *s, uint64_t value)
{
	char digits[DEC_DIGITS];
	size_t n = 0;
	do {
		digits[DEC_DIGITS - 1 - n++] = (char)('0' + value % 10);
		value /= 10;
	} while (value);
	shell_write(s, digits + DEC_DIGITS - n, n);
}

void shell_print_hex(struct shell *s, uint64_t value)
{
	char digits[2 + 16];
	size_t n = 0;
	do {
		digits[sizeof(digits) - 1 - n++] = "0123456789abcdef"[value & 0xF];
		value >>= 4;
	} while (value);
	digits[sizeof(digits) - 1 - n++] = 'x';
	digits[sizeof(digits) - 1 - n++] = '0';
	shell_write(s, digits + sizeof(digits) - n, n);
}

void shell_print_column(struct shell *s, const char *text, size_t width)
{
	size_t n = strlen(text);
	shell_write(s, text, n);
	do
		shell_write(s, " ", 1);
	while (++n < width);
}

/* The next input byte, waiting as long as it takes. */
static bool next_byte(struct shell *s, uint8_t *byte)
{
	while (s->input_len == 0) {
		if (!s->reading) {
			struct kaal_uart_request q = {KAAL_UART_READ, 0, {0}};
			if (kaal_channel_send(&s->con.request, &q, CONSOLE_WAIT_NS) != KAAL_OK)
				return false;
			s->reading = true;
		}
		struct kaal_uart_reply a;
		kaal_status st = next_reply(s, &a);
		if (st != KAAL_OK && st != KAAL_TIMEOUT)
			return false;
	}
	*byte = s->input[s->input_head];
	s->input_head = (s->input_head + 1) % SHELL_INPUT_MAX;
	s->input_len--;
	return true;
}

static void run_line(struct shell *s, char *line)
{
	char *words[KAAL_SHELL_MAX_WORDS];
	unsigned count;
	enum kaal_shell_status st = kaal_shell_split(line, words, &count);
	if (st == KAAL_SHELL_OK && count == 0)
		return;
	const struct kaal_shell_command *found = NULL;
	if (st == KAAL_SHELL_OK)
		st = kaal_shell_find(shell_commands, shell_command_count, count, words, &found);
	if (st == KAAL_SHELL_OK) {
		if (found->run(s, count, words) != SHELL_DONE)
			s->failures++;
		return;
	}
	s->failures++;
	if (st == KAAL_SHELL_WRONG_ARGUMENTS) {
		char usage[KAAL_LINE_MAX + 1];
		kaal_shell_usage(found, usage, sizeof(usage));
		shell_print(s, usage);
	} else if (st == KAAL_SHELL_UNKNOWN_COMMAND) {
		shell_print(s, "unknown command: ");
		shell_print(s, words[0]);
		shell_print(s, " (help lists the commands)");
	} else {
		shell_print(s, kaal_shell_status_text(st));
	}
	shell_print(s, "\r\n");
}

/* Tell the root to power off with the count of failed commands. */
static void power_off(struct shell *s)
{
	struct kaal_msg m = {kaal_msg_info(KAAL_SYSTEM_POWEROFF, 1, 0), {s->failures}, 0};
	kaal_call(s->sys, &m);
	s->powered_off = true;
}

/* Window pages (kaal_program_map): two per link's rings, the file server's buffer after its. */
enum window_page { CON_PAGE = 0, RTC_PAGE = 2, ECHO_PAGE = 4, FS_PAGE = 6, SYS_PAGE = 9 };

static kaal_status open_links(struct shell *s, const struct kaal_start_info *si)
{
	kaal_status st = kaal_driver_open(&s->con, si, "con", CON_PAGE);
	if (st == KAAL_OK)
		st = kaal_driver_open(&s->rtc, si, "rtc", RTC_PAGE);
	if (st == KAAL_OK)
		st = kaal_driver_open(&s->echo, si, "echo", ECHO_PAGE);
	if (st == KAAL_OK)
		st = kaal_driver_open(&s->fs, si, "fs", FS_PAGE);
	if (st == KAAL_OK)
		st = kaal_start_cap(si, "sys", &s->sys);
	if (st == KAAL_OK)
		st = kaal_start_cap(si, "echo_ep", &s->echo_ep);
	kaal_cptr page;
	void *at = NULL;
	if (st == KAAL_OK)
		st = kaal_start_cap(si, "sys_page", &page);
	if (st == KAAL_OK)
		st = kaal_program_map(page, SYS_PAGE, KAAL_RIGHT_READ | KAAL_RIGHT_WRITE, &at);
	s->page = at;
	return st;
}

static int shell_main(const struct kaal_start_info *si)
{
	struct shell *s = &shell;
	memset(s, 0, sizeof(*s)); /* on the host, what an earlier start left stays */
	kaal_status st = open_links(s, si);
	if (st != KAAL_OK)
		return (int)st;
	kaal_line_init(&s->editor, true);
	shell_print(s, "kaal shell: help lists the commands\r\n" PROMPT);
	while (!s->powered_off) {
		uint8_t byte;
		if (!next_byte(s, &byte))
			return 1;
		char echo[KAAL_LINE_ECHO_MAX];
		size_t echo_len = 0;
		enum kaal_line_event e =
		    kaal_line_feed(&s->editor, byte, echo, sizeof(echo), &echo_len);
		shell_write(s, echo, echo_len);
		if (e == KAAL_LINE_DONE) {
			char line[KAAL_LINE_MAX + 1];
			memcpy(line, kaal_line_text(&s->editor), sizeof(line));
			run_line(s, line);
		} else if (e == KAAL_LINE_END) {
			shell_print(s, "\r\n");
			power_off(s);
		}
		if (e != KAAL_LINE_MORE && !s->powered_off)
			shell_print(s, PROMPT);
	}
	return (int)s->failures;
}

/* The poweroff command, from commands.c. */
int shell_power_off(struct shell *s);
int shell_power_off(struct shell *s)
{
	power_off(s);
	return SHELL_DONE;
}

KAAL_PROGRAM(shell, shell_main)
