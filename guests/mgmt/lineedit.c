// SPDX-License-Identifier: MIT
/* The shell's line editor: see lineedit.h. */
#include <lib/string.h>

#include "lineedit.h"
#include "out.h"

#define KEY_CTRL_C    0x03
#define KEY_BACKSPACE 0x08
#define KEY_CTRL_U    0x15
#define KEY_ESC       0x1b
#define KEY_DEL       0x7f

void lineedit_init(struct lineedit *le)
{
	memset(le, 0, sizeof(*le));
}

static void erase_chars(size_t n)
{
	while (n--)
		out_write("\b \b", 3);
}

/* Shows text instead of the current line. */
static void replace_line(struct lineedit *le, const char *text)
{
	erase_chars(le->len);
	le->len = strlcpy(le->line, text, sizeof(le->line));
	out_write(le->line, le->len);
}

static const char *history_entry(const struct lineedit *le, unsigned int n)
{
	unsigned int slot = (le->newest + LINEEDIT_HISTORY - (n - 1)) %
			    LINEEDIT_HISTORY;

	return le->history[slot];
}

static bool blank(const char *s)
{
	for (; *s; s++) {
		if (*s != ' ' && *s != '\t')
			return false;
	}
	return true;
}

static void remember(struct lineedit *le)
{
	if (blank(le->line) ||
	    (le->history_count && !strcmp(history_entry(le, 1), le->line)))
		return;
	le->newest = (le->newest + 1) % LINEEDIT_HISTORY;
	strlcpy(le->history[le->newest], le->line, sizeof(le->line));
	if (le->history_count < LINEEDIT_HISTORY)
		le->history_count++;
}

static void history_up(struct lineedit *le)
{
	if (le->browse >= le->history_count)
		return;
	if (!le->browse)
		strlcpy(le->draft, le->line, sizeof(le->draft));
	le->browse++;
	replace_line(le, history_entry(le, le->browse));
}

static void history_down(struct lineedit *le)
{
	if (!le->browse)
		return;
	le->browse--;
	replace_line(le, le->browse ? history_entry(le, le->browse) : le->draft);
}

/* A byte inside an escape sequence. */
static void escape_byte(struct lineedit *le, char c)
{
	if (le->escape == ESCAPE_START) {
		le->escape = (c == '[' || c == 'O') ? ESCAPE_SEQUENCE :
			     ESCAPE_NONE;
		return;
	}
	if (c >= 0x20 && c <= 0x3f)
		return;		/* parameter and intermediate bytes */
	le->escape = ESCAPE_NONE;
	if (c == 'A')
		history_up(le);
	else if (c == 'B')
		history_down(le);
}

static enum lineedit_event finish(struct lineedit *le,
				  enum lineedit_event event)
{
	le->line[le->len] = '\0';
	if (event == LINEEDIT_LINE)
		remember(le);
	le->done = true;
	le->browse = 0;
	le->escape = ESCAPE_NONE;
	return event;
}

enum lineedit_event lineedit_feed(struct lineedit *le, char c)
{
	bool after_cr = le->after_cr;

	le->after_cr = c == '\r';
	if (le->done) {
		le->done = false;
		le->len = 0;
		le->line[0] = '\0';
	}
	if (le->escape != ESCAPE_NONE && c != KEY_CTRL_C) {
		escape_byte(le, c);
		return LINEEDIT_MORE;
	}
	switch (c) {
	case '\n':
		if (after_cr)
			return LINEEDIT_MORE;
		/* fall through */
	case '\r':
		out_write("\r\n", 2);
		return finish(le, LINEEDIT_LINE);
	case KEY_CTRL_C:
		out_write("^C\r\n", 4);
		return finish(le, LINEEDIT_CANCEL);
	case KEY_BACKSPACE:
	case KEY_DEL:
		if (le->len) {
			le->len--;
			erase_chars(1);
		}
		break;
	case KEY_CTRL_U:
		erase_chars(le->len);
		le->len = 0;
		break;
	case KEY_ESC:
		le->escape = ESCAPE_START;
		break;
	default:
		if (c >= 0x20 && c < 0x7f && le->len < SHELL_LINE_MAX) {
			le->line[le->len++] = c;
			out_write(&c, 1);
		}
		break;
	}
	le->line[le->len] = '\0';
	return LINEEDIT_MORE;
}
