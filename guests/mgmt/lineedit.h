/* SPDX-License-Identifier: MIT */
/*
 * The shell's line editor, fed one typed byte at a time; it echoes
 * through out_write. Keys: printable ASCII inserts at the end; Backspace
 * (DEL or ^H) deletes; ^U deletes the line; ^C cancels it; Up and Down
 * (ESC [ A / ESC [ B, or ESC O A / B) walk the history; CR, LF or CR LF
 * ends the line. Other control keys and escape sequences are ignored.
 */
#ifndef KEEL_MGMT_LINEEDIT_H
#define KEEL_MGMT_LINEEDIT_H

#include <stdbool.h>
#include <stddef.h>

#include "shell_parse.h"

#define LINEEDIT_HISTORY 32

enum lineedit_event {
	LINEEDIT_MORE,		/* keep typing */
	LINEEDIT_LINE,		/* le->line holds a finished line */
	LINEEDIT_CANCEL,	/* ^C: the line was dropped */
};

enum lineedit_escape {
	ESCAPE_NONE,
	ESCAPE_START,		/* after ESC */
	ESCAPE_SEQUENCE,	/* after ESC [ or ESC O, until a final byte */
};

struct lineedit {
	char line[SHELL_LINE_MAX + 1];
	size_t len;
	bool done;		/* line was returned: the next key starts anew */
	bool after_cr;		/* an LF right after a CR is the same Enter */
	enum lineedit_escape escape;
	/* history: a ring of the latest lines, newest at newest */
	char history[LINEEDIT_HISTORY][SHELL_LINE_MAX + 1];
	unsigned int history_count;
	unsigned int newest;
	unsigned int browse;	/* 0: the new line; n: n-th newest entry */
	char draft[SHELL_LINE_MAX + 1];	/* the new line while browsing */
};

void lineedit_init(struct lineedit *le);
enum lineedit_event lineedit_feed(struct lineedit *le, char c);

#endif
