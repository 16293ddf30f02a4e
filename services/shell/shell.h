/*
 * The shell program (shell.c, commands.c): a console on the UART driver,
 * the line editor (line.h), and commands (command.h) that ask the file
 * server, the RTC driver, the echo service and the system's root.
 */
#ifndef KAAL_SERVICE_SHELL_H
#define KAAL_SERVICE_SHELL_H

#include <kaal/driver.h>

#include "command.h"
#include "line.h"
#include "system/system.h"

#define SHELL_INPUT_MAX 64u /* bytes read but not yet fed to the editor */

struct shell {
	struct kaal_driver_client con, fs, rtc, echo;
	kaal_cptr sys, echo_ep;
	struct kaal_system_page *page;
	struct kaal_line_editor editor;
	uint8_t input[SHELL_INPUT_MAX];
	uint32_t input_head, input_len;
	bool reading; /* a read request is with the UART driver */
	uint64_t tag;
	unsigned failures; /* commands that failed: the exit status at power off */
	bool powered_off;
};

/* Console output. */
void shell_write(struct shell *s, const char *bytes, size_t len);
void shell_print(struct shell *s, const char *text);
void shell_print_dec(struct shell *s, uint64_t value);
void shell_print_hex(struct shell *s, uint64_t value);
/* text, then spaces up to width (at least one). */
void shell_print_column(struct shell *s, const char *text, size_t width);

/* The commands' table. */
extern const struct kaal_shell_command shell_commands[];
extern const size_t shell_command_count;

/* A command's result: 0 done, else it failed (and said why). */
enum { SHELL_DONE = 0, SHELL_FAILED = 1 };

#endif
