/*
 * The shell's command lines: splitting into words with quotes and escapes,
 * numbers at their limits, and finding commands in a table.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "command.h"

#define LINE_CAP 256u

static char line[LINE_CAP];
static char *words[KAAL_SHELL_MAX_WORDS];
static unsigned count;

static enum kaal_shell_status split(const char *text)
{
	assert_true(strlen(text) < LINE_CAP);
	strcpy(line, text);
	memset(words, 0, sizeof(words));
	count = 99;
	return kaal_shell_split(line, words, &count);
}

/* The words of the last split, as expected: n of them, each inside line. */
static void assert_words(unsigned n, const char *const *expected)
{
	assert_int_equal(n, count);
	for (unsigned i = 0; i < n; i++) {
		assert_true(words[i] >= line && words[i] < line + LINE_CAP);
		assert_string_equal(expected[i], words[i]);
	}
}

#define ASSERT_WORDS(...)                                                                          \
	do {                                                                                       \
		static const char *const expected_[] = {__VA_ARGS__};                              \
		assert_words(sizeof(expected_) / sizeof(expected_[0]), expected_);                 \
	} while (0)

static void split_separates_words_by_spaces_and_tabs(void **state)
{
	(void)state;
	assert_int_equal(KAAL_SHELL_OK, split("ls -l /x"));
	ASSERT_WORDS("ls", "-l", "/x");
	assert_int_equal(KAAL_SHELL_OK, split("  \t a \t\t b   c\t"));
	ASSERT_WORDS("a", "b", "c");
}

static void split_of_an_empty_line_has_no_words(void **state)
{
	(void)state;
	assert_int_equal(KAAL_SHELL_OK, split(""));
	assert_int_equal(0, count);
	assert_int_equal(KAAL_SHELL_OK, split(" \t  "));
	assert_int_equal(0, count);
}

static void quotes_group_words_with_spaces(void **state)
{
	(void)state;
	assert_int_equal(KAAL_SHELL_OK, split("write \"my file\" \"  two  spaces \""));
	ASSERT_WORDS("write", "my file", "  two  spaces ");
	/* Quotes may stand inside a word, and "" is an empty word. */
	assert_int_equal(KAAL_SHELL_OK, split("a\"b c\"d \"\" x\"\""));
	ASSERT_WORDS("ab cd", "", "x");
	assert_int_equal(KAAL_SHELL_OK, split("\"\""));
	ASSERT_WORDS("");
}

static void backslash_takes_the_next_byte_as_it_is(void **state)
{
	(void)state;
	assert_int_equal(KAAL_SHELL_OK, split("a\\ b \\\"q\\\" \\\\ \\x"));
	ASSERT_WORDS("a b", "\"q\"", "\\", "x");
	assert_int_equal(KAAL_SHELL_OK, split("\"say \\\"hi\\\" \\\\\" end"));
	ASSERT_WORDS("say \"hi\" \\", "end");
	/* A backslash ending the line stands for itself. */
	assert_int_equal(KAAL_SHELL_OK, split("a\\"));
	ASSERT_WORDS("a\\");
	assert_int_equal(KAAL_SHELL_OK, split("\\"));
	ASSERT_WORDS("\\");
}

static void an_unterminated_quote_is_an_error(void **state)
{
	(void)state;
	assert_int_equal(KAAL_SHELL_UNTERMINATED_QUOTE, split("echo \"abc"));
	assert_int_equal(KAAL_SHELL_UNTERMINATED_QUOTE, split("\"a\\\""));
	assert_int_equal(KAAL_SHELL_UNTERMINATED_QUOTE, split("\"a\" \"b\" \""));
	assert_int_equal(0, count);
}

static void split_takes_at_most_the_word_limit(void **state)
{
	(void)state;
	char text[LINE_CAP] = "";

	for (unsigned i = 0; i < KAAL_SHELL_MAX_WORDS; i++)
		strcat(text, " w");
	strcat(text, "   ");
	assert_int_equal(KAAL_SHELL_OK, split(text));
	assert_int_equal(KAAL_SHELL_MAX_WORDS, count);
	assert_string_equal("w", words[KAAL_SHELL_MAX_WORDS - 1]);
	strcat(text, "x");
	assert_int_equal(KAAL_SHELL_TOO_MANY_WORDS, split(text));
	assert_int_equal(0, count);
}

static enum kaal_shell_status number(const char *text, uint64_t max, uint64_t *value)
{
	*value = 0x5a5a;
	return kaal_shell_parse_number(text, max, value);
}

static void numbers_in_decimal_and_hex(void **state)
{
	(void)state;
	static const struct {
		const char *text;
		uint64_t value;
	} good[] = {
	    {"0", 0},
	    {"42", 42},
	    {"007", 7},
	    {"0x0", 0},
	    {"0xff", 255},
	    {"0XFF", 255},
	    {"0xDeadBeef", 0xdeadbeefu},
	    {"18446744073709551615", UINT64_MAX},
	    {"0xffffffffffffffff", UINT64_MAX},
	    {"0x00000000000000000001", 1},
	};
	uint64_t v;

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		assert_int_equal(KAAL_SHELL_OK, number(good[i].text, UINT64_MAX, &v));
		assert_true(good[i].value == v);
	}
}

static void numbers_above_the_limit_are_too_large(void **state)
{
	(void)state;
	uint64_t v;

	assert_int_equal(KAAL_SHELL_NUMBER_TOO_LARGE,
	                 number("18446744073709551616", UINT64_MAX, &v));
	assert_int_equal(0x5a5a, v);
	assert_int_equal(KAAL_SHELL_NUMBER_TOO_LARGE,
	                 number("0x10000000000000000", UINT64_MAX, &v));
	assert_int_equal(KAAL_SHELL_NUMBER_TOO_LARGE,
	                 number("99999999999999999999999999", UINT64_MAX, &v));
	assert_int_equal(KAAL_SHELL_OK, number("255", 255, &v));
	assert_int_equal(255, v);
	assert_int_equal(KAAL_SHELL_NUMBER_TOO_LARGE, number("256", 255, &v));
	assert_int_equal(KAAL_SHELL_NUMBER_TOO_LARGE, number("0x100", 0xff, &v));
	assert_int_equal(KAAL_SHELL_OK, number("0", 0, &v));
	assert_int_equal(KAAL_SHELL_NUMBER_TOO_LARGE, number("1", 0, &v));
	assert_int_equal(KAAL_SHELL_OK, number("4294967295", UINT32_MAX, &v));
	assert_int_equal(KAAL_SHELL_NUMBER_TOO_LARGE, number("4294967296", UINT32_MAX, &v));
	/* Past the limit and back is still too large: no wrap. */
	assert_int_equal(KAAL_SHELL_NUMBER_TOO_LARGE, number("1000", 99, &v));
}

static void garbage_is_not_a_number(void **state)
{
	(void)state;
	static const char *const bad[] = {
	    "",   "0x",  "0X",   "x10", "-1",  "+1",   " 1",
	    "1 ", "12a", "0xfg", "0b1", "1.5", "0x-1", "99999999999999999999z",
	};
	uint64_t v;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(KAAL_SHELL_NOT_A_NUMBER, number(bad[i], UINT64_MAX, &v));
		assert_int_equal(0x5a5a, v);
	}
}

static void every_status_has_its_own_text(void **state)
{
	(void)state;
	for (unsigned i = 0; i < KAAL_SHELL_STATUS_COUNT; i++) {
		const char *text = kaal_shell_status_text((enum kaal_shell_status)i);
		assert_non_null(text);
		assert_true(strlen(text) > 0);
		for (unsigned j = 0; j < i; j++)
			assert_string_not_equal(kaal_shell_status_text((enum kaal_shell_status)j),
			                        text);
	}
	assert_string_equal("unterminated quote",
	                    kaal_shell_status_text(KAAL_SHELL_UNTERMINATED_QUOTE));
	assert_string_equal("unknown status", kaal_shell_status_text(KAAL_SHELL_STATUS_COUNT));
	assert_string_equal("unknown status", kaal_shell_status_text((enum kaal_shell_status) - 1));
}

/* What the commands of the test table saw. */
struct calls {
	unsigned runs;
	unsigned argc;
	char **argv;
};

static int run_write(void *ctx, unsigned argc, char **argv)
{
	struct calls *c = ctx;
	c->runs++;
	c->argc = argc;
	c->argv = argv;
	return 7;
}

static int run_help(void *ctx, unsigned argc, char **argv)
{
	(void)argv;
	struct calls *c = ctx;
	c->runs++;
	c->argc = argc;
	return -3;
}

static const struct kaal_shell_command table[] = {
    {"help", "[COMMAND]", "list the commands", 0, 1, run_help},
    {"write", "NAME TEXT", "write TEXT to the file NAME", 2, 2, run_write},
    {"wr", "", "a name that is a prefix of another", 0, 0, run_help},
};
#define TABLE_SIZE (sizeof(table) / sizeof(table[0]))

static void find_checks_the_name_and_the_argument_count(void **state)
{
	(void)state;
	const struct kaal_shell_command *found;

	assert_int_equal(KAAL_SHELL_OK, split("write f hi"));
	assert_int_equal(KAAL_SHELL_OK, kaal_shell_find(table, TABLE_SIZE, count, words, &found));
	assert_ptr_equal(&table[1], found);
	assert_int_equal(KAAL_SHELL_OK, split("wr"));
	assert_int_equal(KAAL_SHELL_OK, kaal_shell_find(table, TABLE_SIZE, count, words, &found));
	assert_ptr_equal(&table[2], found);
	assert_int_equal(KAAL_SHELL_OK, split("help"));
	assert_int_equal(KAAL_SHELL_OK, kaal_shell_find(table, TABLE_SIZE, count, words, &found));
	assert_ptr_equal(&table[0], found);

	static const char *const unknown[] = {"writ", "writer", "Write", "w", "nothing"};
	for (size_t i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++) {
		assert_int_equal(KAAL_SHELL_OK, split(unknown[i]));
		found = &table[0];
		assert_int_equal(KAAL_SHELL_UNKNOWN_COMMAND,
		                 kaal_shell_find(table, TABLE_SIZE, count, words, &found));
		assert_null(found);
	}
	assert_int_equal(KAAL_SHELL_UNKNOWN_COMMAND,
	                 kaal_shell_find(table, TABLE_SIZE, 0, words, &found));
	assert_int_equal(KAAL_SHELL_UNKNOWN_COMMAND, kaal_shell_find(table, 0, 1, words, &found));
}

static void a_wrong_argument_count_names_the_command(void **state)
{
	(void)state;
	static const char *const wrong[] = {"write", "write f", "write f a b", "help a b", "wr x"};
	const struct kaal_shell_command *found;

	for (size_t i = 0; i < sizeof(wrong) / sizeof(wrong[0]); i++) {
		assert_int_equal(KAAL_SHELL_OK, split(wrong[i]));
		assert_int_equal(KAAL_SHELL_WRONG_ARGUMENTS,
		                 kaal_shell_find(table, TABLE_SIZE, count, words, &found));
		assert_non_null(found);
		assert_string_equal(words[0], found->name);
	}
}

static void dispatch_runs_the_command_with_its_words(void **state)
{
	(void)state;
	struct calls calls = {0};
	int result = 0;

	assert_int_equal(KAAL_SHELL_OK, split("write \"my file\" \"hello world\""));
	assert_int_equal(KAAL_SHELL_OK,
	                 kaal_shell_dispatch(table, TABLE_SIZE, &calls, count, words, &result));
	assert_int_equal(7, result);
	assert_int_equal(1, calls.runs);
	assert_int_equal(3, calls.argc);
	assert_string_equal("write", calls.argv[0]);
	assert_string_equal("my file", calls.argv[1]);
	assert_string_equal("hello world", calls.argv[2]);

	assert_int_equal(KAAL_SHELL_OK, split("help write"));
	assert_int_equal(KAAL_SHELL_OK,
	                 kaal_shell_dispatch(table, TABLE_SIZE, &calls, count, words, &result));
	assert_int_equal(-3, result);
	assert_int_equal(2, calls.argc);

	/* Neither an unknown command nor a wrong count runs anything. */
	result = 99;
	assert_int_equal(KAAL_SHELL_OK, split("write x"));
	assert_int_equal(KAAL_SHELL_WRONG_ARGUMENTS,
	                 kaal_shell_dispatch(table, TABLE_SIZE, &calls, count, words, &result));
	assert_int_equal(KAAL_SHELL_OK, split("rm x"));
	assert_int_equal(KAAL_SHELL_UNKNOWN_COMMAND,
	                 kaal_shell_dispatch(table, TABLE_SIZE, &calls, count, words, &result));
	assert_int_equal(99, result);
	assert_int_equal(2, calls.runs);
}

static void usage_names_the_command_and_its_arguments(void **state)
{
	(void)state;
	char buf[64];

	memset(buf, 'X', sizeof(buf));
	assert_int_equal(22, kaal_shell_usage(&table[1], buf, sizeof(buf)));
	assert_string_equal("usage: write NAME TEXT", buf);
	assert_int_equal(9, kaal_shell_usage(&table[2], buf, sizeof(buf)));
	assert_string_equal("usage: wr", buf);
	/* Cut to fit, NUL-terminated, the whole length still told. */
	memset(buf, 'X', sizeof(buf));
	assert_int_equal(22, kaal_shell_usage(&table[1], buf, 10));
	assert_string_equal("usage: wr", buf);
	assert_int_equal('X', buf[10]);
	assert_int_equal(22, kaal_shell_usage(&table[1], buf, 1));
	assert_string_equal("", buf);
	assert_int_equal(22, kaal_shell_usage(&table[1], buf, 23));
	assert_string_equal("usage: write NAME TEXT", buf);
	assert_int_equal(22, kaal_shell_usage(&table[1], buf, 22));
	assert_string_equal("usage: write NAME TEX", buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(split_separates_words_by_spaces_and_tabs),
	    cmocka_unit_test(split_of_an_empty_line_has_no_words),
	    cmocka_unit_test(quotes_group_words_with_spaces),
	    cmocka_unit_test(backslash_takes_the_next_byte_as_it_is),
	    cmocka_unit_test(an_unterminated_quote_is_an_error),
	    cmocka_unit_test(split_takes_at_most_the_word_limit),
	    cmocka_unit_test(numbers_in_decimal_and_hex),
	    cmocka_unit_test(numbers_above_the_limit_are_too_large),
	    cmocka_unit_test(garbage_is_not_a_number),
	    cmocka_unit_test(every_status_has_its_own_text),
	    cmocka_unit_test(find_checks_the_name_and_the_argument_count),
	    cmocka_unit_test(a_wrong_argument_count_names_the_command),
	    cmocka_unit_test(dispatch_runs_the_command_with_its_words),
	    cmocka_unit_test(usage_names_the_command_and_its_arguments),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
