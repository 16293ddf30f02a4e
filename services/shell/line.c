/*
 * The line editor. Every edit keeps the terminal's picture in step with
 * text[]: the part of the line from the first changed byte on is written
 * again, ESC [ K clears what a shorter line left behind, and the cursor is
 * moved back to its place. Echo pieces are written whole or not at all, so a
 * short output buffer never leaves half an escape sequence on the terminal.
 */
#include "line.h"

#include <string.h>

#define KEY_CTRL_A      0x01u
#define KEY_CTRL_C      0x03u
#define KEY_CTRL_D      0x04u
#define KEY_CTRL_E      0x05u
#define KEY_BACKSPACE   0x08u
#define KEY_LF          0x0au
#define KEY_CR          0x0du
#define KEY_CTRL_U      0x15u
#define KEY_ESC         0x1bu
#define KEY_DEL         0x7fu
#define FIRST_PRINTABLE 0x20u
#define LAST_PRINTABLE  0x7eu

/* Where in an escape sequence the editor is (e->escape). */
#define ESCAPE_NONE  0u
#define ESCAPE_START 1u /* after ESC */
#define ESCAPE_CSI   2u /* after ESC [ */
#define ESCAPE_SS3   3u /* after ESC O */

/* CSI bytes (ECMA-48): parameters and intermediates, then one final byte. */
#define CSI_PARAM_FIRST 0x20u
#define CSI_PARAM_LAST  0x3fu
#define CSI_FINAL_FIRST 0x40u
#define CSI_FINAL_LAST  0x7eu
/* Numbers above this mean no key; clamping keeps a long one from wrapping. */
#define ESCAPE_PARAM_CLAMP 1000u

/* The numbers of ESC [ n ~ keys (VT220 and xterm both send Home and End). */
#define TILDE_HOME     1u
#define TILDE_DELETE   3u
#define TILDE_END      4u
#define TILDE_HOME_ALT 7u
#define TILDE_END_ALT  8u

#define DECIMAL_BASE 10u

_Static_assert(KAAL_LINE_MAX <= 999u, "a cursor move fits in KAAL_LINE_MOVE_MAX bytes");
_Static_assert(KAAL_LINE_MAX <= UINT8_MAX, "history lengths fit in a byte");

enum key {
	KEY_NONE,
	KEY_UP,
	KEY_DOWN,
	KEY_RIGHT,
	KEY_LEFT,
	KEY_HOME,
	KEY_END,
	KEY_DELETE,
};

/* The echo of one feed: pieces that do not fit are dropped, and all after them. */
struct echo {
	char *buf;
	size_t cap;
	size_t len;
	bool full;
};

static void put(struct echo *o, const char *bytes, size_t n)
{
	if (n == 0 || o->full)
		return;
	if (n > o->cap - o->len) {
		o->full = true;
		return;
	}
	memcpy(o->buf + o->len, bytes, n);
	o->len += n;
}

#define put_literal(o, s) put(o, s, sizeof(s) - 1)

/* ESC [ n C or D; ESC [ 0 D would move one column, so no move is nothing. */
static void move(struct echo *o, size_t n, char direction)
{
	char seq[KAAL_LINE_MOVE_MAX];
	char digits[KAAL_LINE_MOVE_MAX];
	size_t len = 0;
	size_t ndigits = 0;

	if (n == 0)
		return;
	seq[len++] = (char)KEY_ESC;
	seq[len++] = '[';
	if (n > 1) {
		for (; n > 0; n /= DECIMAL_BASE)
			digits[ndigits++] = (char)('0' + n % DECIMAL_BASE);
		while (ndigits > 0)
			seq[len++] = digits[--ndigits];
	}
	seq[len++] = direction;
	put(o, seq, len);
}

static void move_left(struct echo *o, size_t n)
{
	move(o, n, 'D');
}

static void move_right(struct echo *o, size_t n)
{
	move(o, n, 'C');
}

/*
 * The terminal shows the line up to from and shown bytes in all, with the
 * cursor at from: write the rest, clear what is left over and put the
 * cursor back at e->cursor.
 */
static void redraw(const struct kaal_line_editor *e, struct echo *o, size_t from, size_t shown)
{
	put(o, e->text + from, e->len - from);
	if (shown > e->len)
		put_literal(o, "\x1b[K");
	move_left(o, e->len - e->cursor);
}

static void set_empty(struct kaal_line_editor *e)
{
	e->len = 0;
	e->cursor = 0;
	e->text[0] = '\0';
}

/* Replace the whole line with n bytes of src and put the cursor at its end. */
static void show(struct kaal_line_editor *e, struct echo *o, const char *src, size_t n)
{
	size_t shown = e->len;

	move_left(o, e->cursor);
	memcpy(e->text, src, n);
	e->text[n] = '\0';
	e->len = n;
	e->cursor = n;
	redraw(e, o, 0, shown);
}

static void insert(struct kaal_line_editor *e, struct echo *o, uint8_t byte)
{
	size_t from = e->cursor;

	if (e->len == KAAL_LINE_MAX) {
		put_literal(o, "\a");
		return;
	}
	memmove(e->text + from + 1, e->text + from, e->len - from + 1);
	e->text[from] = (char)byte;
	e->len++;
	e->cursor++;
	redraw(e, o, from, e->len);
}

static void delete_at_cursor(struct kaal_line_editor *e, struct echo *o)
{
	if (e->cursor == e->len)
		return;
	memmove(e->text + e->cursor, e->text + e->cursor + 1, e->len - e->cursor);
	e->len--;
	redraw(e, o, e->cursor, e->len + 1);
}

static void backspace(struct kaal_line_editor *e, struct echo *o)
{
	if (e->cursor == 0)
		return;
	put_literal(o, "\b");
	e->cursor--;
	delete_at_cursor(e, o);
}

static void kill_line(struct kaal_line_editor *e, struct echo *o)
{
	size_t shown = e->len;

	move_left(o, e->cursor);
	set_empty(e);
	redraw(e, o, 0, shown);
}

/* The k-th newest history entry, k from 1 to history_count. */
static unsigned history_slot(const struct kaal_line_editor *e, unsigned k)
{
	return (e->history_next + KAAL_LINE_HISTORY - k) % KAAL_LINE_HISTORY;
}

static void remember(struct kaal_line_editor *e)
{
	if (e->len == 0)
		return;
	if (e->history_count > 0) {
		unsigned newest = history_slot(e, 1);
		if (e->history_len[newest] == e->len &&
		    memcmp(e->history[newest], e->text, e->len) == 0)
			return;
	}
	memcpy(e->history[e->history_next], e->text, e->len + 1);
	e->history_len[e->history_next] = (uint8_t)e->len;
	e->history_next = (e->history_next + 1) % KAAL_LINE_HISTORY;
	if (e->history_count < KAAL_LINE_HISTORY)
		e->history_count++;
}

/* Show history entry pos, or the saved line being typed for 0. */
static void show_history(struct kaal_line_editor *e, struct echo *o)
{
	unsigned slot;

	if (e->history_pos == 0) {
		show(e, o, e->saved, e->saved_len);
		return;
	}
	slot = history_slot(e, e->history_pos);
	show(e, o, e->history[slot], e->history_len[slot]);
}

static void history_up(struct kaal_line_editor *e, struct echo *o)
{
	if (e->history_pos == e->history_count)
		return;
	if (e->history_pos == 0) {
		memcpy(e->saved, e->text, e->len + 1);
		e->saved_len = e->len;
	}
	e->history_pos++;
	show_history(e, o);
}

static void history_down(struct kaal_line_editor *e, struct echo *o)
{
	if (e->history_pos == 0)
		return;
	e->history_pos--;
	show_history(e, o);
}

static void do_key(struct kaal_line_editor *e, struct echo *o, enum key key)
{
	switch (key) {
	case KEY_UP:
		history_up(e, o);
		break;
	case KEY_DOWN:
		history_down(e, o);
		break;
	case KEY_RIGHT:
		if (e->cursor < e->len) {
			move_right(o, 1);
			e->cursor++;
		}
		break;
	case KEY_LEFT:
		if (e->cursor > 0) {
			move_left(o, 1);
			e->cursor--;
		}
		break;
	case KEY_HOME:
		move_left(o, e->cursor);
		e->cursor = 0;
		break;
	case KEY_END:
		move_right(o, e->len - e->cursor);
		e->cursor = e->len;
		break;
	case KEY_DELETE:
		delete_at_cursor(e, o);
		break;
	case KEY_NONE:
		break;
	}
}

/* The key of a final letter, after ESC [ (without a number) or ESC O. */
static enum key letter_key(uint8_t byte)
{
	switch (byte) {
	case 'A':
		return KEY_UP;
	case 'B':
		return KEY_DOWN;
	case 'C':
		return KEY_RIGHT;
	case 'D':
		return KEY_LEFT;
	case 'H':
		return KEY_HOME;
	case 'F':
		return KEY_END;
	default:
		return KEY_NONE;
	}
}

static enum key tilde_key(unsigned param)
{
	switch (param) {
	case TILDE_HOME:
	case TILDE_HOME_ALT:
		return KEY_HOME;
	case TILDE_END:
	case TILDE_END_ALT:
		return KEY_END;
	case TILDE_DELETE:
		return KEY_DELETE;
	default:
		return KEY_NONE;
	}
}

static bool is_printable(uint8_t byte)
{
	return byte >= FIRST_PRINTABLE && byte <= LAST_PRINTABLE;
}

static void start_escape(struct kaal_line_editor *e, uint8_t state)
{
	e->escape = state;
	e->escape_unknown = false;
	e->escape_number = false;
	e->escape_param = 0;
}

static void csi_byte(struct kaal_line_editor *e, struct echo *o, uint8_t byte)
{
	enum key key = KEY_NONE;

	if (byte >= '0' && byte <= '9') {
		e->escape_number = true;
		e->escape_param = e->escape_param * DECIMAL_BASE + (byte - (unsigned)'0');
		if (e->escape_param > ESCAPE_PARAM_CLAMP)
			e->escape_param = ESCAPE_PARAM_CLAMP;
		return;
	}
	if (byte >= CSI_PARAM_FIRST && byte <= CSI_PARAM_LAST) {
		/* Several numbers, private markers, intermediates: no key kaal knows. */
		e->escape_unknown = true;
		return;
	}
	e->escape = ESCAPE_NONE;
	if (e->escape_unknown)
		return;
	if (byte == '~')
		key = e->escape_number ? tilde_key(e->escape_param) : KEY_NONE;
	else if (!e->escape_number)
		key = letter_key(byte);
	do_key(e, o, key);
}

/*
 * One byte of an escape sequence: true when the sequence took it, false
 * when a control byte broke the sequence off and must be taken as itself
 * (ESC then Enter still ends the line).
 */
static bool escape_byte(struct kaal_line_editor *e, struct echo *o, uint8_t byte)
{
	switch (e->escape) {
	case ESCAPE_START:
		if (byte == '[') {
			start_escape(e, ESCAPE_CSI);
			return true;
		}
		if (byte == 'O') {
			start_escape(e, ESCAPE_SS3);
			return true;
		}
		e->escape = ESCAPE_NONE;
		return is_printable(byte); /* ESC x (Alt-x) is swallowed whole */
	case ESCAPE_SS3:
		e->escape = ESCAPE_NONE;
		if (!is_printable(byte))
			return false;
		do_key(e, o, letter_key(byte));
		return true;
	default:
		if (byte < CSI_PARAM_FIRST || byte > CSI_FINAL_LAST) {
			e->escape = ESCAPE_NONE;
			return false;
		}
		csi_byte(e, o, byte);
		return true;
	}
}

static enum kaal_line_event finish(struct kaal_line_editor *e, struct echo *o, uint8_t byte)
{
	put_literal(o, "\r\n");
	remember(e);
	e->history_pos = 0;
	e->line_end = byte;
	e->finished = true;
	return KAAL_LINE_DONE;
}

static enum kaal_line_event cancel(struct kaal_line_editor *e, struct echo *o)
{
	put_literal(o, "^C\r\n");
	set_empty(e);
	e->history_pos = 0;
	return KAAL_LINE_CANCELLED;
}

static enum kaal_line_event control(struct kaal_line_editor *e, struct echo *o, uint8_t byte)
{
	switch (byte) {
	case KEY_CR:
	case KEY_LF:
		return finish(e, o, byte);
	case KEY_CTRL_C:
		return cancel(e, o);
	case KEY_CTRL_D:
		if (e->len == 0)
			return KAAL_LINE_END;
		delete_at_cursor(e, o);
		break;
	case KEY_DEL:
	case KEY_BACKSPACE:
		backspace(e, o);
		break;
	case KEY_CTRL_A:
		do_key(e, o, KEY_HOME);
		break;
	case KEY_CTRL_E:
		do_key(e, o, KEY_END);
		break;
	case KEY_CTRL_U:
		kill_line(e, o);
		break;
	case KEY_ESC:
		start_escape(e, ESCAPE_START);
		break;
	default:
		/* Other control bytes and anything outside ASCII mean nothing here. */
		break;
	}
	return KAAL_LINE_MORE;
}

void kaal_line_init(struct kaal_line_editor *e, bool echo)
{
	memset(e, 0, sizeof(*e));
	e->echo = echo;
}

enum kaal_line_event kaal_line_feed(struct kaal_line_editor *e, uint8_t byte, char *out,
                                    size_t out_cap, size_t *out_len)
{
	struct echo o = {.buf = out, .cap = (e->echo && out) ? out_cap : 0};
	uint8_t line_end = e->line_end;
	enum kaal_line_event event = KAAL_LINE_MORE;

	e->line_end = 0;
	if ((byte == KEY_CR || byte == KEY_LF) && line_end != 0 && byte != line_end) {
		/* The second half of CR LF or LF CR: one Enter, the line left in place. */
		if (out_len)
			*out_len = 0;
		return KAAL_LINE_MORE;
	}
	if (e->finished) {
		set_empty(e);
		e->finished = false;
	}
	if (e->escape != ESCAPE_NONE && escape_byte(e, &o, byte)) {
		/* taken by the escape sequence */
	} else if (is_printable(byte)) {
		insert(e, &o, byte);
	} else {
		event = control(e, &o, byte);
	}
	if (out_len)
		*out_len = o.len;
	return event;
}

const char *kaal_line_text(const struct kaal_line_editor *e)
{
	return e->text;
}
