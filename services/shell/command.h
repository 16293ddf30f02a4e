/*
 * The shell's command lines: splitting a line into words, reading numbers,
 * and finding a command in a table. Freestanding and without global state,
 * like line.h. The statuses are the shell's own rather than kaal_status:
 * each names one message the shell prints ("unknown command", "usage: ..."),
 * where kaal_status would fold several of them into KAAL_INVALID_ARGUMENT.
 */
#ifndef KAAL_SHELL_COMMAND_H
#define KAAL_SHELL_COMMAND_H

#include <stddef.h>
#include <stdint.h>

#define KAAL_SHELL_MAX_WORDS 16u /* words in a command line, the command's name included */

enum kaal_shell_status {
	KAAL_SHELL_OK = 0,
	KAAL_SHELL_UNTERMINATED_QUOTE, /* a " with no closing one */
	KAAL_SHELL_TOO_MANY_WORDS,     /* more than KAAL_SHELL_MAX_WORDS */
	KAAL_SHELL_NOT_A_NUMBER,       /* not decimal digits or 0x and hex digits */
	KAAL_SHELL_NUMBER_TOO_LARGE,   /* above the largest value allowed */
	KAAL_SHELL_UNKNOWN_COMMAND,    /* no command of that name (or no words) */
	KAAL_SHELL_WRONG_ARGUMENTS,    /* too few or too many arguments */
	KAAL_SHELL_STATUS_COUNT
};

/* A short message for status ("unterminated quote"); "unknown status" otherwise. */
const char *kaal_shell_status_text(enum kaal_shell_status status);

/*
 * Split line in place into words: runs of spaces and tabs separate them, a
 * double-quoted part may hold spaces ("a b", and "" is an empty word), and a
 * backslash takes the next byte as it is, inside quotes or not (a backslash
 * ending the line stands for itself). words must hold KAAL_SHELL_MAX_WORDS
 * pointers into line; *count says how many words there are. On an error line
 * and words hold no meaning.
 */
enum kaal_shell_status kaal_shell_split(char *line, char *words[KAAL_SHELL_MAX_WORDS],
                                        unsigned *count);

/*
 * Read text as an unsigned number: decimal digits, or 0x (or 0X) and hex
 * digits, nothing else (no sign, no spaces; leading zeros are decimal).
 * KAAL_SHELL_NUMBER_TOO_LARGE above max (UINT64_MAX allows any); *value is
 * set only on success.
 */
enum kaal_shell_status kaal_shell_parse_number(const char *text, uint64_t max, uint64_t *value);

/* One entry of a command table; argument counts leave out the name. */
struct kaal_shell_command {
	const char *name;  /* the first word: "write" */
	const char *usage; /* its arguments: "NAME TEXT" ("" for none) */
	const char *help;  /* one line for a help command */
	unsigned min_args, max_args;
	int (*run)(void *ctx, unsigned argc, char **argv); /* argv[0] is the name */
};

/*
 * The command of words[0] in table (n entries), its argument count checked.
 * KAAL_SHELL_UNKNOWN_COMMAND (*found NULL) when no name matches or count is
 * 0; KAAL_SHELL_WRONG_ARGUMENTS with *found the command, so its usage can be
 * shown.
 */
enum kaal_shell_status kaal_shell_find(const struct kaal_shell_command *table, size_t n,
                                       unsigned count, char **words,
                                       const struct kaal_shell_command **found);

/*
 * Find the command and run it with ctx; *result is what it returned (left
 * alone when it did not run). The statuses of kaal_shell_find().
 */
enum kaal_shell_status kaal_shell_dispatch(const struct kaal_shell_command *table, size_t n,
                                           void *ctx, unsigned count, char **words, int *result);

/*
 * "usage: NAME USAGE" into buf, cut to fit cap and NUL-terminated (cap > 0);
 * returns the length the whole message has, as snprintf does.
 */
size_t kaal_shell_usage(const struct kaal_shell_command *command, char *buf, size_t cap);

#endif
