/*
 * The shell's line editor: every key and escape sequence with the exact
 * bytes it echoes, history, limits, non-interactive mode, and random input
 * checked against a model terminal that must always show the line as the
 * editor holds it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "line.h"

/* Echo of one type() call; room for many feeds at their largest. */
#define ECHO_CAP   (64u * KAAL_LINE_ECHO_MAX)
#define MAX_EVENTS 64u

#define LEFT   "\x1b[D"
#define RIGHT  "\x1b[C"
#define UP     "\x1b[A"
#define DOWN   "\x1b[B"
#define HOME   "\x1b[H"
#define END    "\x1b[F"
#define DELETE "\x1b[3~"
#define CLEAR  "\x1b[K"

static struct kaal_line_editor ed;
static char echo[ECHO_CAP + 1];
static size_t echo_len;
static enum kaal_line_event events[MAX_EVENTS];
static size_t event_count;

static int interactive(void **state)
{
	(void)state;
	kaal_line_init(&ed, true);
	return 0;
}

static int scripted(void **state)
{
	(void)state;
	kaal_line_init(&ed, false);
	return 0;
}

#define LINE_CASE(fn)     cmocka_unit_test_setup(fn, interactive)
#define SCRIPTED_CASE(fn) cmocka_unit_test_setup(fn, scripted)

/* Feed n bytes; echo holds all they echoed, events every event but MORE. */
static enum kaal_line_event type_bytes(const char *bytes, size_t n)
{
	enum kaal_line_event last = KAAL_LINE_MORE;

	echo_len = 0;
	event_count = 0;
	for (size_t i = 0; i < n; i++) {
		size_t got = 0;
		assert_true(echo_len + KAAL_LINE_ECHO_MAX <= ECHO_CAP);
		last = kaal_line_feed(&ed, (uint8_t)bytes[i], echo + echo_len, KAAL_LINE_ECHO_MAX,
		                      &got);
		assert_true(got <= KAAL_LINE_ECHO_MAX);
		echo_len += got;
		if (last != KAAL_LINE_MORE) {
			assert_true(event_count < MAX_EVENTS);
			events[event_count++] = last;
		}
	}
	echo[echo_len] = '\0';
	return last;
}

static enum kaal_line_event type(const char *s)
{
	return type_bytes(s, strlen(s));
}

static void assert_line(const char *text, size_t cursor)
{
	assert_string_equal(text, kaal_line_text(&ed));
	assert_int_equal(strlen(text), ed.len);
	assert_int_equal(cursor, ed.cursor);
}

static void assert_echo(const char *expected)
{
	assert_int_equal(strlen(expected), echo_len);
	assert_memory_equal(expected, echo, echo_len);
}

static void printable_bytes_are_inserted_and_echoed(void **state)
{
	(void)state;
	assert_int_equal(KAAL_LINE_MORE, type("ls -l ~/x"));
	assert_echo("ls -l ~/x");
	assert_line("ls -l ~/x", 9);
}

static void enter_completes_the_line(void **state)
{
	(void)state;
	assert_int_equal(KAAL_LINE_DONE, type("abc\r"));
	assert_echo("abc\r\n");
	assert_line("abc", 3);
	/* The next byte starts a new line. */
	assert_int_equal(KAAL_LINE_MORE, type("x"));
	assert_line("x", 1);
	assert_int_equal(KAAL_LINE_DONE, type("\n"));
	assert_echo("\r\n");
	assert_line("x", 1);
}

static void cr_lf_and_lf_cr_pairs_count_once(void **state)
{
	(void)state;
	type("a\r\nb\n\rc\r\n");
	assert_int_equal(3, event_count);
	assert_echo("a\r\nb\r\nc\r\n");
	/* The LF that ends the pair leaves the completed line in place. */
	assert_line("c", 1);
	/* Two CRs, or two LFs, are two (empty) lines. */
	type("\r\r\n\n");
	assert_int_equal(3, event_count);
	assert_line("", 0);
	/* Only the very next byte pairs: CR x LF is a line "x". */
	assert_int_equal(KAAL_LINE_DONE, type("y\r"));
	assert_int_equal(KAAL_LINE_DONE, type("x\n"));
	assert_line("x", 1);
}

static void backspace_and_delete_byte_erase_before_the_cursor(void **state)
{
	(void)state;
	type("abc\x7f");
	assert_echo("abc\b" CLEAR);
	assert_line("ab", 2);
	type("\x08");
	assert_echo("\b" CLEAR);
	assert_line("a", 1);
	type("\x7f\x7f\x08");
	assert_echo("\b" CLEAR);
	assert_line("", 0);
}

static void ctrl_u_clears_the_line(void **state)
{
	(void)state;
	type("hello" LEFT LEFT);
	type("\x15");
	assert_echo("\x1b[3D" CLEAR);
	assert_line("", 0);
	type("\x15");
	assert_echo("");
	type("x\x15");
	assert_echo("x" LEFT CLEAR);
}

static void ctrl_c_abandons_the_line(void **state)
{
	(void)state;
	assert_int_equal(KAAL_LINE_CANCELLED, type("abc\x03"));
	assert_echo("abc^C\r\n");
	assert_line("", 0);
	/* The abandoned line is not in the history. */
	type(UP);
	assert_echo("");
	assert_int_equal(0, ed.history_count);
	assert_int_equal(KAAL_LINE_DONE, type("x\r"));
	assert_line("x", 1);
}

static void ctrl_d_ends_input_only_on_an_empty_line(void **state)
{
	(void)state;
	assert_int_equal(KAAL_LINE_END, type("\x04"));
	assert_echo("");
	/* On a line it deletes the byte under the cursor, like Delete. */
	assert_int_equal(KAAL_LINE_MORE, type("ab\x04"));
	assert_echo("ab");
	type(LEFT "\x04");
	assert_echo(LEFT CLEAR);
	assert_line("a", 1);
	assert_int_equal(KAAL_LINE_MORE, type(LEFT "\x04"));
	assert_line("", 0);
	assert_int_equal(KAAL_LINE_END, type("\x04"));
}

static void arrows_move_the_cursor(void **state)
{
	(void)state;
	type("abc");
	type(LEFT "\x1bOD");
	assert_echo(LEFT LEFT);
	assert_line("abc", 1);
	type(LEFT LEFT);
	assert_echo(LEFT);
	assert_int_equal(0, ed.cursor);
	type(RIGHT "\x1bOC" RIGHT RIGHT);
	assert_echo(RIGHT RIGHT RIGHT);
	assert_line("abc", 3);
}

static void home_and_end_in_every_form(void **state)
{
	(void)state;
	static const char *const homes[] = {HOME, "\x1bOH", "\x1b[1~", "\x1b[7~", "\x01"};
	static const char *const ends[] = {END, "\x1bOF", "\x1b[4~", "\x1b[8~", "\x05"};

	type("abcd");
	for (size_t i = 0; i < sizeof(homes) / sizeof(homes[0]); i++) {
		type(homes[i]);
		assert_echo("\x1b[4D");
		assert_int_equal(0, ed.cursor);
		/* Already there: no ESC [ 0 D, which would move a column. */
		type(homes[i]);
		assert_echo("");
		type(ends[i]);
		assert_echo("\x1b[4C");
		assert_int_equal(4, ed.cursor);
		type(ends[i]);
		assert_echo("");
	}
	type(LEFT "\x01");
	assert_echo(LEFT "\x1b[3D");
}

static void insert_in_the_middle_redraws_the_tail(void **state)
{
	(void)state;
	type("abd" LEFT);
	type("c");
	assert_echo("cd" LEFT);
	assert_line("abcd", 3);
	type(HOME "_");
	assert_echo("\x1b[3D_abcd\x1b[4D");
	assert_line("_abcd", 1);
}

static void long_moves_use_all_their_digits(void **state)
{
	(void)state;
	char line[121];

	memset(line, 'q', 120);
	line[120] = '\0';
	type(line);
	type(HOME);
	assert_echo("\x1b[120D");
	type("x");
	char expected[160] = "x";
	strcat(expected, line);
	strcat(expected, "\x1b[120D");
	assert_echo(expected);
	assert_int_equal(1, ed.cursor);
}

static void backspace_in_the_middle_closes_the_gap(void **state)
{
	(void)state;
	type("abcd" LEFT LEFT);
	type("\x7f");
	assert_echo("\bcd" CLEAR "\x1b[2D");
	assert_line("acd", 1);
	type("\x08\x08");
	assert_echo("\bcd" CLEAR "\x1b[2D");
	assert_line("cd", 0);
}

static void delete_removes_the_byte_under_the_cursor(void **state)
{
	(void)state;
	type("abcd" HOME DELETE);
	assert_line("bcd", 0);
	type(DELETE);
	assert_echo("cd" CLEAR "\x1b[2D");
	type(RIGHT DELETE);
	assert_echo(RIGHT CLEAR);
	assert_line("c", 1);
	type(DELETE);
	assert_echo("");
	assert_line("c", 1);
}

static void history_walks_back_and_restores_the_typed_line(void **state)
{
	(void)state;
	type("one\rtwo\rthree\r");
	type("cur" LEFT);
	type(UP);
	assert_echo("\x1b[2Dthree");
	assert_line("three", 5);
	type(UP);
	assert_echo("\x1b[5Dtwo" CLEAR);
	assert_line("two", 3);
	type(UP);
	assert_line("one", 3);
	/* The oldest entry: Up does nothing more. */
	type(UP);
	assert_echo("");
	assert_line("one", 3);
	type(DOWN DOWN);
	assert_line("three", 5);
	type(DOWN);
	assert_echo("\x1b[5Dcur" CLEAR);
	assert_line("cur", 3);
	type(DOWN);
	assert_echo("");
	assert_line("cur", 3);
}

static void history_skips_empty_lines_and_repeats(void **state)
{
	(void)state;
	type("a\r\r \rb\rb\ra\r");
	assert_int_equal(4, ed.history_count);
	type(UP);
	assert_line("a", 1);
	type(UP);
	assert_line("b", 1);
	type(UP);
	assert_line(" ", 1);
	type(UP);
	assert_line("a", 1);
	type(UP);
	assert_line("a", 1);
}

static void a_recalled_line_can_be_edited_and_entered(void **state)
{
	(void)state;
	type("echo hi\r");
	assert_int_equal(KAAL_LINE_DONE, type(UP "\x7f\x7fyo\r"));
	assert_line("echo yo", 7);
	type(UP);
	assert_line("echo yo", 7);
	type(UP);
	assert_line("echo hi", 7);
	/* The walk starts again from the newest after each line. */
	assert_int_equal(KAAL_LINE_CANCELLED, type("\x03"));
	type(UP);
	assert_line("echo yo", 7);
}

static void history_keeps_the_newest_lines(void **state)
{
	(void)state;
	char line[8];

	for (unsigned i = 0; i < KAAL_LINE_HISTORY + 4; i++) {
		line[0] = 'l';
		line[1] = (char)('a' + i);
		line[2] = '\r';
		line[3] = '\0';
		assert_int_equal(KAAL_LINE_DONE, type(line));
	}
	assert_int_equal(KAAL_LINE_HISTORY, ed.history_count);
	for (unsigned i = 0; i < KAAL_LINE_HISTORY + 2; i++)
		type(UP);
	/* The oldest kept is the fifth line typed. */
	assert_line("le", 2);
	type(DOWN);
	assert_line("lf", 2);
}

static void a_full_line_refuses_more_with_the_bell(void **state)
{
	(void)state;
	char line[KAAL_LINE_MAX + 1];

	memset(line, 'z', KAAL_LINE_MAX);
	line[KAAL_LINE_MAX] = '\0';
	type(line);
	assert_int_equal(KAAL_LINE_MAX, ed.len);
	type("y");
	assert_echo("\a");
	type(HOME "y");
	assert_echo("\x1b[127D\a");
	assert_line(line, 0);
	/* Making room lets one byte in again. */
	type(DELETE "y");
	assert_int_equal(KAAL_LINE_MAX, ed.len);
	assert_int_equal('y', kaal_line_text(&ed)[0]);
	assert_int_equal(KAAL_LINE_DONE, type("\r"));
	assert_int_equal(KAAL_LINE_MAX, strlen(kaal_line_text(&ed)));
	/* A full line comes back from the history whole. */
	type(UP);
	assert_int_equal(KAAL_LINE_MAX, echo_len);
	assert_int_equal(KAAL_LINE_MAX, ed.len);
}

static void unknown_sequences_and_controls_are_swallowed(void **state)
{
	(void)state;
	static const char *const garbage[] = {
	    "\x1b[99~", "\x1b[1;5C", "\x1b[?25h",
	    "\x1bx",    "\x1bOz",    "\x1b[5C",
	    "\x1b[~",   "\x1b[2~",   "\x1b[123456789012345~",
	    "\t",       "\x07",      "\x1a",
	    "\x80",     "\xc3\xa9",  "\xff",
	    "\x1b[ q",
	};

	type("ab" LEFT);
	for (size_t i = 0; i < sizeof(garbage) / sizeof(garbage[0]); i++) {
		assert_int_equal(KAAL_LINE_MORE, type(garbage[i]));
		assert_echo("");
		assert_line("ab", 1);
		assert_int_equal(0, ed.escape);
	}
	/* A second ESC starts over; the sequence after it still works. */
	type("\x1b\x1b[D");
	assert_echo(LEFT);
	assert_int_equal(0, ed.cursor);
	type("\x1bO\x1b[C");
	assert_echo(RIGHT);
	type("z");
	assert_line("azb", 2);
}

static void a_control_byte_breaks_a_sequence_off_and_counts(void **state)
{
	(void)state;
	assert_int_equal(KAAL_LINE_DONE, type("ab\x1b\r"));
	assert_line("ab", 2);
	assert_int_equal(KAAL_LINE_DONE, type("cd\x1b[1\r"));
	assert_line("cd", 2);
	assert_int_equal(KAAL_LINE_CANCELLED, type("ef\x1bO\x03"));
	type("gh\x1b[\x7f");
	assert_echo("gh\b" CLEAR);
	assert_line("g", 1);
	/* A byte above ASCII ends the sequence and is dropped. */
	type("\x1b[\xc3"
	     "A");
	assert_line("gA", 2);
}

static void non_interactive_mode_echoes_nothing(void **state)
{
	(void)state;
	type("ab\x7f"
	     "c\x08"
	     "d\r\n");
	assert_echo("");
	assert_int_equal(1, event_count);
	assert_int_equal(KAAL_LINE_DONE, events[0]);
	assert_line("ad", 2);
	type("xy" LEFT "\x15z" HOME "\x7f" UP);
	assert_echo("");
	assert_line("ad", 2);
	assert_int_equal(KAAL_LINE_CANCELLED, type("q\x03"));
	assert_echo("");
	char line[KAAL_LINE_MAX + 2];
	memset(line, 'm', sizeof(line) - 1);
	line[sizeof(line) - 1] = '\0';
	assert_int_equal(KAAL_LINE_MORE, type(line));
	assert_echo("");
	assert_int_equal(KAAL_LINE_MAX, ed.len);
}

static void a_short_output_buffer_drops_whole_pieces(void **state)
{
	(void)state;
	char out[8];
	size_t got = 99;

	type("abd" LEFT);
	/* "cd" fits in three bytes, the cursor move after it does not. */
	assert_int_equal(KAAL_LINE_MORE, kaal_line_feed(&ed, 'c', out, 3, &got));
	assert_int_equal(2, got);
	assert_memory_equal("cd", out, 2);
	assert_line("abcd", 3);
	got = 99;
	assert_int_equal(KAAL_LINE_MORE, kaal_line_feed(&ed, 'x', NULL, 0, &got));
	assert_int_equal(0, got);
	assert_line("abcxd", 4);
	/* No buffer and no count at all. */
	assert_int_equal(KAAL_LINE_DONE, kaal_line_feed(&ed, '\r', NULL, 0, NULL));
	assert_line("abcxd", 4);
}

/* A terminal as far as the editor's echo needs: one row, VT100 moves. */
#define TERM_WIDTH 256u

struct term {
	char cell[TERM_WIDTH]; /* '\0' where nothing is shown */
	size_t col;
};

static size_t term_number(const char *s, size_t n, size_t *i)
{
	size_t value = 0;
	bool any = false;

	while (*i < n && s[*i] >= '0' && s[*i] <= '9') {
		value = value * 10 + (size_t)(s[(*i)++] - '0');
		any = true;
	}
	/* As a VT100 does: no number, or 0, is one column. */
	return any && value > 0 ? value : 1;
}

static void term_escape(struct term *t, const char *s, size_t n, size_t *i)
{
	size_t count;

	assert_true(*i + 1 < n);
	assert_int_equal('[', s[++*i]);
	++*i;
	count = term_number(s, n, i);
	assert_true(*i < n);
	switch (s[*i]) {
	case 'C':
		t->col += count;
		break;
	case 'D':
		assert_true(count <= t->col);
		t->col -= count;
		break;
	case 'K':
		memset(t->cell + t->col, 0, TERM_WIDTH - t->col);
		break;
	default:
		fail_msg("unexpected sequence final %c", s[*i]);
	}
}

static void term_apply(struct term *t, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		switch (s[i]) {
		case '\x1b':
			term_escape(t, s, n, &i);
			break;
		case '\b':
			assert_true(t->col > 0);
			t->col--;
			break;
		case '\a':
			break;
		case '\r':
		case '\n':
			/* Only a line's end moves to a new row: start that row blank. */
			memset(t, 0, sizeof(*t));
			break;
		default:
			assert_true(s[i] >= 0x20 && s[i] < 0x7f);
			assert_true(t->col < TERM_WIDTH);
			t->cell[t->col++] = s[i];
		}
		assert_true(t->col < TERM_WIDTH);
	}
}

/* The editor's state is sound and the terminal shows exactly its line. */
static void assert_sound(const struct term *t, bool echoing)
{
	const char *text = kaal_line_text(&ed);

	assert_true(ed.len <= KAAL_LINE_MAX);
	assert_true(ed.cursor <= ed.len);
	assert_int_equal('\0', text[ed.len]);
	assert_int_equal(ed.len, strlen(text));
	for (size_t i = 0; i < ed.len; i++)
		assert_true(text[i] >= 0x20 && text[i] < 0x7f);
	assert_true(ed.history_count <= KAAL_LINE_HISTORY);
	assert_true(ed.history_pos <= ed.history_count);
	if (!echoing)
		return;
	assert_memory_equal(text, t->cell, ed.len);
	for (size_t i = ed.len; i < TERM_WIDTH; i++)
		assert_int_equal('\0', t->cell[i]);
	assert_int_equal(ed.cursor, t->col);
}

static uint64_t next_random(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Bytes that mean something, often; anything, sometimes. */
static uint8_t random_byte(uint64_t *seed, bool lines_may_end)
{
	static const uint8_t special[] = {
	    0x1b, '[', 'O', '~',  '1',  '3',  '4',  '7',  '8',  ';',  '?',  'A',  'B',  'C',
	    'D',  'H', 'F', 0x7f, 0x08, 0x01, 0x05, 0x15, 0x04, 0x09, 0x80, '\r', '\n', 0x03,
	};
	uint64_t r = next_random(seed);
	uint8_t byte;

	if (r % 8 < 4)
		byte = (uint8_t)(0x20 + (r >> 8) % (0x7f - 0x20));
	else if (r % 8 < 7)
		byte = special[(r >> 8) % sizeof(special)];
	else
		byte = (uint8_t)(r >> 8);
	/* Long stretches without an end let lines fill up. */
	if (!lines_may_end && (byte == '\r' || byte == '\n' || byte == 0x03 || byte == 0x15))
		byte = 'x';
	return byte;
}

static void fuzz(bool echoing, unsigned rounds)
{
	uint64_t seed = 0x9e3779b97f4a7c15u;
	struct term t = {0};
	char out[KAAL_LINE_ECHO_MAX];
	unsigned full = 0, done = 0;

	for (unsigned i = 0; i < rounds; i++) {
		size_t got = SIZE_MAX;
		uint8_t byte = random_byte(&seed, (i / 1000) % 2 == 0);
		enum kaal_line_event ev = kaal_line_feed(&ed, byte, out, sizeof(out), &got);

		assert_true(got <= KAAL_LINE_ECHO_MAX);
		if (!echoing)
			assert_int_equal(0, got);
		term_apply(&t, out, got);
		if (ev == KAAL_LINE_DONE || ev == KAAL_LINE_CANCELLED) {
			assert_true(echoing == (t.col == 0 && got > 0));
			done++;
		}
		if (ed.len == KAAL_LINE_MAX)
			full++;
		/* After Enter the terminal is on a new row while text holds the line. */
		assert_sound(&t, echoing && !ed.finished);
	}
	/* The input reached full lines, many line ends and a full history. */
	assert_true(full > 0);
	assert_true(done > 100);
	assert_int_equal(KAAL_LINE_HISTORY, ed.history_count);
}

static void random_input_keeps_the_terminal_in_step(void **state)
{
	(void)state;
	fuzz(true, 200000);
}

static void random_input_without_echo_stays_sound(void **state)
{
	(void)state;
	fuzz(false, 50000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    LINE_CASE(printable_bytes_are_inserted_and_echoed),
	    LINE_CASE(enter_completes_the_line),
	    LINE_CASE(cr_lf_and_lf_cr_pairs_count_once),
	    LINE_CASE(backspace_and_delete_byte_erase_before_the_cursor),
	    LINE_CASE(ctrl_u_clears_the_line),
	    LINE_CASE(ctrl_c_abandons_the_line),
	    LINE_CASE(ctrl_d_ends_input_only_on_an_empty_line),
	    LINE_CASE(arrows_move_the_cursor),
	    LINE_CASE(home_and_end_in_every_form),
	    LINE_CASE(insert_in_the_middle_redraws_the_tail),
	    LINE_CASE(long_moves_use_all_their_digits),
	    LINE_CASE(backspace_in_the_middle_closes_the_gap),
	    LINE_CASE(delete_removes_the_byte_under_the_cursor),
	    LINE_CASE(history_walks_back_and_restores_the_typed_line),
	    LINE_CASE(history_skips_empty_lines_and_repeats),
	    LINE_CASE(a_recalled_line_can_be_edited_and_entered),
	    LINE_CASE(history_keeps_the_newest_lines),
	    LINE_CASE(a_full_line_refuses_more_with_the_bell),
	    LINE_CASE(unknown_sequences_and_controls_are_swallowed),
	    LINE_CASE(a_control_byte_breaks_a_sequence_off_and_counts),
	    SCRIPTED_CASE(non_interactive_mode_echoes_nothing),
	    LINE_CASE(a_short_output_buffer_drops_whole_pieces),
	    LINE_CASE(random_input_keeps_the_terminal_in_step),
	    SCRIPTED_CASE(random_input_without_echo_stays_sound),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
