/*
 * Command line parsing. Splitting writes each word over the line it reads:
 * quotes and backslashes are dropped, so the write position never passes
 * the read position and no second buffer is needed.
 */
#include "command.h"

#include <stdbool.h>

#define DECIMAL_BASE 10u
#define HEX_BASE     16u
#define HEX_LETTER   10u /* the value of hex digit a */

static const char *const status_texts[KAAL_SHELL_STATUS_COUNT] = {
    [KAAL_SHELL_OK] = "ok",
    [KAAL_SHELL_UNTERMINATED_QUOTE] = "unterminated quote",
    [KAAL_SHELL_TOO_MANY_WORDS] = "too many words",
    [KAAL_SHELL_NOT_A_NUMBER] = "not a number",
    [KAAL_SHELL_NUMBER_TOO_LARGE] = "number too large",
    [KAAL_SHELL_UNKNOWN_COMMAND] = "unknown command",
    [KAAL_SHELL_WRONG_ARGUMENTS] = "wrong number of arguments",
};

const char *kaal_shell_status_text(enum kaal_shell_status status)
{
	if ((unsigned)status >= KAAL_SHELL_STATUS_COUNT)
		return "unknown status";
	return status_texts[status];
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t';
}

/* Copy one word from *in to *out, ending at a space outside quotes or the end. */
static enum kaal_shell_status copy_word(char **in, char **out)
{
	char *r = *in;
	char *w = *out;
	bool quoted = false;

	while (*r != '\0' && (quoted || !is_space(*r))) {
		if (*r == '"') {
			quoted = !quoted;
			r++;
			continue;
		}
		if (*r == '\\' && r[1] != '\0')
			r++;
		*w++ = *r++;
	}
	if (quoted)
		return KAAL_SHELL_UNTERMINATED_QUOTE;
	*in = r;
	*out = w;
	return KAAL_SHELL_OK;
}

enum kaal_shell_status kaal_shell_split(char *line, char *words[KAAL_SHELL_MAX_WORDS],
                                        unsigned *count)
{
	char *in = line;
	char *out = line;
	unsigned n = 0;

	*count = 0;
	for (;;) {
		enum kaal_shell_status status;
		bool last;

		while (is_space(*in))
			in++;
		if (*in == '\0')
			break;
		if (n == KAAL_SHELL_MAX_WORDS)
			return KAAL_SHELL_TOO_MANY_WORDS;
		words[n++] = out;
		status = copy_word(&in, &out);
		if (status != KAAL_SHELL_OK)
			return status;
		/* Read the byte the terminator may overwrite before writing it. */
		last = *in == '\0';
		*out++ = '\0';
		if (last)
			break;
		in++;
	}
	*count = n;
	return KAAL_SHELL_OK;
}

/* The value of digit c in base, or base itself when c is no such digit. */
static unsigned digit_value(char c, unsigned base)
{
	unsigned d = base;

	if (c >= '0' && c <= '9')
		d = (unsigned)(c - '0');
	else if (c >= 'a' && c <= 'f')
		d = (unsigned)(c - 'a') + HEX_LETTER;
	else if (c >= 'A' && c <= 'F')
		d = (unsigned)(c - 'A') + HEX_LETTER;
	return d < base ? d : base;
}

enum kaal_shell_status kaal_shell_parse_number(const char *text, uint64_t max, uint64_t *value)
{
	unsigned base = DECIMAL_BASE;
	uint64_t v = 0;
	bool too_large = false;

	if (text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
		base = HEX_BASE;
		text += 2;
	}
	if (*text == '\0')
		return KAAL_SHELL_NOT_A_NUMBER;
	/* Every byte is checked, so "99999999999999999999z" is garbage, not too large. */
	for (; *text != '\0'; text++) {
		unsigned d = digit_value(*text, base);
		if (d == base)
			return KAAL_SHELL_NOT_A_NUMBER;
		if (d > max || v > (max - d) / base)
			too_large = true;
		else
			v = v * base + d;
	}
	if (too_large)
		return KAAL_SHELL_NUMBER_TOO_LARGE;
	*value = v;
	return KAAL_SHELL_OK;
}

static bool same_name(const char *a, const char *b)
{
	while (*a != '\0' && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

enum kaal_shell_status kaal_shell_find(const struct kaal_shell_command *table, size_t n,
                                       unsigned count, char **words,
                                       const struct kaal_shell_command **found)
{
	unsigned args;

	*found = NULL;
	if (count == 0)
		return KAAL_SHELL_UNKNOWN_COMMAND;
	for (size_t i = 0; i < n; i++) {
		if (!same_name(table[i].name, words[0]))
			continue;
		*found = &table[i];
		args = count - 1;
		if (args < table[i].min_args || args > table[i].max_args)
			return KAAL_SHELL_WRONG_ARGUMENTS;
		return KAAL_SHELL_OK;
	}
	return KAAL_SHELL_UNKNOWN_COMMAND;
}

enum kaal_shell_status kaal_shell_dispatch(const struct kaal_shell_command *table, size_t n,
                                           void *ctx, unsigned count, char **words, int *result)
{
	const struct kaal_shell_command *command;
	enum kaal_shell_status status = kaal_shell_find(table, n, count, words, &command);

	if (status != KAAL_SHELL_OK)
		return status;
	*result = command->run(ctx, count, words);
	return KAAL_SHELL_OK;
}

/* Append s to buf as far as it fits (one byte kept for the NUL); *len counts all of s. */
static void append(char *buf, size_t cap, size_t *len, const char *s)
{
	for (; *s != '\0'; s++, (*len)++) {
		if (*len + 1 < cap)
			buf[*len] = *s;
	}
}

size_t kaal_shell_usage(const struct kaal_shell_command *command, char *buf, size_t cap)
{
	size_t len = 0;

	append(buf, cap, &len, "usage: ");
	append(buf, cap, &len, command->name);
	if (command->usage[0] != '\0') {
		append(buf, cap, &len, " ");
		append(buf, cap, &len, command->usage);
	}
	buf[len < cap ? len : cap - 1] = '\0';
	return len;
}
