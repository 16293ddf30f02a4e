/*
 * The shell's line editor: fed one byte at a time from a terminal, it
 * assembles a line and says which bytes to echo back (plain VT100: cursor
 * moves with ESC [ n C/D, ESC [ K to clear the rest of a line). Freestanding
 * and without global state: everything lives in the caller's struct, so the
 * same code runs on the host and in an EL0 program. See docs/shell.md.
 */
#ifndef KAAL_SHELL_LINE_H
#define KAAL_SHELL_LINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KAAL_LINE_MAX     127u /* bytes in a line, its NUL not counted */
#define KAAL_LINE_HISTORY 16u  /* earlier lines kept for Up and Down */

/*
 * The most bytes one fed byte can echo: redrawing a whole line is a cursor
 * move to its start (ESC [ 127 D), the line, ESC [ K and a move back. An
 * output buffer this large never loses echo.
 */
#define KAAL_LINE_MOVE_MAX 6u /* ESC [ n D with n up to KAAL_LINE_MAX */
#define KAAL_LINE_ECHO_MAX (KAAL_LINE_MAX + 2u * KAAL_LINE_MOVE_MAX + 3u)

enum kaal_line_event {
	KAAL_LINE_MORE,      /* the line is not complete yet */
	KAAL_LINE_DONE,      /* Enter: kaal_line_text() is the line */
	KAAL_LINE_CANCELLED, /* Ctrl-C: the line was abandoned */
	KAAL_LINE_END,       /* Ctrl-D on an empty line: no more input */
};

/* All state; the caller reads len and cursor at most, and changes nothing. */
struct kaal_line_editor {
	char text[KAAL_LINE_MAX + 1]; /* always NUL-terminated at len */
	size_t len;                   /* bytes in text */
	size_t cursor;                /* where the next byte goes, 0..len */
	bool echo;                    /* false: non-interactive, nothing is echoed */
	bool finished;                /* the last feed ended the line: the next one starts anew */
	uint8_t line_end;             /* CR or LF that ended the last line, 0 when none */
	uint8_t escape;               /* where in an escape sequence the editor is */
	bool escape_unknown;          /* the sequence so far is one the editor ignores */
	bool escape_number;           /* the sequence has a number */
	unsigned escape_param;        /* the sequence's number (ESC [ 3 ~), clamped */
	/* The history: a ring of the last lines, newest at history_next - 1. */
	char history[KAAL_LINE_HISTORY][KAAL_LINE_MAX + 1];
	uint8_t history_len[KAAL_LINE_HISTORY];
	unsigned history_count;        /* entries kept, up to KAAL_LINE_HISTORY */
	unsigned history_next;         /* the slot the next entry goes into */
	unsigned history_pos;          /* 0: the line being typed; k: the k-th newest entry */
	char saved[KAAL_LINE_MAX + 1]; /* the line being typed while history is shown */
	size_t saved_len;
};

/* An empty editor with no history; echo false for input that is not a terminal. */
void kaal_line_init(struct kaal_line_editor *e, bool echo);

/*
 * Feed one input byte. The bytes to write to the terminal are put in out,
 * at most out_cap of them (any beyond are dropped: pass KAAL_LINE_ECHO_MAX
 * to lose none), and *out_len says how many. out may be NULL when out_cap
 * is 0.
 */
enum kaal_line_event kaal_line_feed(struct kaal_line_editor *e, uint8_t byte, char *out,
                                    size_t out_cap, size_t *out_len);

/*
 * The line as typed so far, NUL-terminated; after KAAL_LINE_DONE the
 * completed line (empty after KAAL_LINE_CANCELLED). Valid until the next
 * feed, except one that only ends a CR LF or LF CR pair.
 */
const char *kaal_line_text(const struct kaal_line_editor *e);

#endif
