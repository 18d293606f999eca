// SPDX-License-Identifier: MIT
/*
 * guests/mgmt/lineedit.c and detach.c: the shell's line editor (echo,
 * editing keys, history, Enter in its three spellings) and the console
 * relay's Enter ~ . escape.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "test_util.h"

#include "detach.h"
#include "lineedit.h"
#include "out.h"
#include "out_capture.h"

/* ------------------------------------------------ captured terminal */


static struct lineedit le;
static enum lineedit_event last;
static unsigned int lines, cancels;
static char got[SHELL_LINE_MAX + 1];

static int setup(void **state)
{
	lineedit_init(&le);
	screen_clear();
	lines = cancels = 0;
	got[0] = '\0';
	return 0;
}

/* Types keys (len bytes, NULs allowed); remembers the last line. */
static void type_n(const char *keys, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		last = lineedit_feed(&le, keys[i]);
		if (last == LINEEDIT_LINE) {
			lines++;
			strcpy(got, le.line);
		} else if (last == LINEEDIT_CANCEL) {
			cancels++;
		}
	}
}

static void type(const char *keys)
{
	type_n(keys, strlen(keys));
}

/* The screen as a person sees it: backspaces applied, CRs dropped. */
static void visible(char *out, size_t size)
{
	size_t n = 0;

	for (size_t i = 0; i < screen_len && n + 1 < size; i++) {
		if (screen[i] == '\b') {
			if (n && out[n - 1] != '\n')
				n--;
		} else if (screen[i] != '\r') {
			out[n++] = screen[i];
		}
	}
	out[n] = '\0';
}

static void test_echo_and_enter(void **state)
{
	type("list");
	assert_int_equal(last, LINEEDIT_MORE);
	assert_string_equal(screen, "list");
	type("\r");
	assert_int_equal(last, LINEEDIT_LINE);
	assert_string_equal(got, "list");
	assert_string_equal(screen, "list\r\n");
}

static void test_cr_lf_and_crlf(void **state)
{
	type("a\rb\nc\r\nd\n\n");
	/* a, b, c, d, and the lone LF after d is an empty line */
	assert_int_equal(lines, 5);
	assert_string_equal(got, "");
	type("e\r\r");
	assert_int_equal(lines, 7);
}

static void test_backspace_and_kill(void **state)
{
	char v[256];

	type("lisx\x7f" "t\r");
	assert_string_equal(got, "list");
	type("infx\bo\r");
	assert_string_equal(got, "info");
	type("\x7f\x7f\x7fok\r");		/* backspace on empty: nothing */
	assert_string_equal(got, "ok");
	type("garbage\x15help\r");		/* ^U */
	assert_string_equal(got, "help");
	visible(v, sizeof(v));
	assert_string_equal(v, "list\ninfo\nok\nhelp\n");
}

static void test_ctrl_c(void **state)
{
	type("destroy web\x03");
	assert_int_equal(last, LINEEDIT_CANCEL);
	assert_int_equal(cancels, 1);
	assert_int_equal(lines, 0);
	assert_non_null(strstr(screen, "^C\r\n"));
	type("list\r");
	assert_string_equal(got, "list");
	/* a cancelled line is not history */
	type("\x1b[A\r");
	assert_string_equal(got, "list");
	type("\x1b[A\x1b[A\r");
	assert_string_equal(got, "list");
}

static void test_controls_ignored(void **state)
{
	type("l\x01\x02i\ts\x04\x1at\x80\xff\r");
	assert_string_equal(got, "list");
	/* left/right arrows and other sequences are swallowed whole */
	type("in\x1b[D\x1b[C\x1b[1;5Cfo\x1bOH\x1bx\r");
	assert_string_equal(got, "info");
}

static void test_history(void **state)
{
	char v[512];

	type("one\rtwo\rthree\r");
	type("\x1b[A\r");
	assert_string_equal(got, "three");
	/* repeating the newest line adds nothing */
	type("\x1b[A\x1b[A\r");
	assert_string_equal(got, "two");
	type("\x1b[A\x1b[A\x1b[A\x1b[A\x1b[A\r");	/* past the oldest */
	assert_string_equal(got, "one");
	/* down comes back to what was being typed */
	screen_clear();
	type("dra\x1b[A\x1b[A\x1b[B\x1b[Bft\r");
	assert_string_equal(got, "draft");
	visible(v, sizeof(v));
	assert_string_equal(v, "draft\n");
	/* application-mode arrows, and editing a recalled line */
	type("\x1bOA\x7f\x7f\r");
	assert_string_equal(got, "dra");
	/* blank lines are not remembered */
	type("   \r\x1b[A\r");
	assert_string_equal(got, "dra");
	type("\x1b[B\r");		/* down with nothing browsed */
	assert_string_equal(got, "");
}

static void test_history_ring(void **state)
{
	char line[32];

	for (int i = 0; i < LINEEDIT_HISTORY + 10; i++) {
		snprintf(line, sizeof(line), "cmd%d\r", i);
		type(line);
	}
	for (int i = 0; i < LINEEDIT_HISTORY; i++)
		type("\x1b[A");
	type("\r");
	snprintf(line, sizeof(line), "cmd%d", 10);	/* oldest kept */
	assert_string_equal(got, line);
	/* that recalled line is now the newest: cmd10 fell out */
	for (int i = 0; i < LINEEDIT_HISTORY + 5; i++)
		type("\x1b[A");
	type("\r");
	assert_string_equal(got, "cmd11");
}

static void test_line_limit(void **state)
{
	char keys[SHELL_LINE_MAX + 20];

	memset(keys, 'x', sizeof(keys));
	type_n(keys, sizeof(keys));
	type("\r");
	assert_int_equal(strlen(got), SHELL_LINE_MAX);
}

/* ---------------------------------------------------------- detach */

/* Feeds keys; returns what went to the guest, "|" marks the detach. */
static void relay(struct detach *d, const char *keys, char *fwd_all)
{
	char fwd[DETACH_KEY_MAX];
	size_t n = 0;

	for (; *keys; keys++) {
		int k = detach_feed(d, *keys, fwd);

		if (k < 0) {
			fwd_all[n++] = '|';
			detach_init(d);
			continue;
		}
		assert_true(k <= DETACH_KEY_MAX);
		memcpy(fwd_all + n, fwd, (size_t)k);
		n += (size_t)k;
	}
	fwd_all[n] = '\0';
}

static void test_detach(void **state)
{
	struct detach d;
	char fwd[128];

	detach_init(&d);
	relay(&d, "~.", fwd);			/* at attach: line start */
	assert_string_equal(fwd, "|");
	relay(&d, "ls\r~.", fwd);
	assert_string_equal(fwd, "ls\r|");
	relay(&d, "ls\n~.", fwd);
	assert_string_equal(fwd, "ls\n|");
	relay(&d, "a~.b\r", fwd);		/* not at a line start */
	assert_string_equal(fwd, "a~.b\r");
	relay(&d, "~x~.", fwd);			/* a ~ not followed by . */
	assert_string_equal(fwd, "~x~.");
	relay(&d, "\r~~.", fwd);
	assert_string_equal(fwd, "\r~~.");
	relay(&d, "\r~\r~.", fwd);		/* ~ then Enter, then ~. */
	assert_string_equal(fwd, "\r~\r|");
	relay(&d, "\r~", fwd);			/* held back for now */
	assert_string_equal(fwd, "\r");
	relay(&d, "y", fwd);
	assert_string_equal(fwd, "~y");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_echo_and_enter, setup),
		cmocka_unit_test_setup(test_cr_lf_and_crlf, setup),
		cmocka_unit_test_setup(test_backspace_and_kill, setup),
		cmocka_unit_test_setup(test_ctrl_c, setup),
		cmocka_unit_test_setup(test_controls_ignored, setup),
		cmocka_unit_test_setup(test_history, setup),
		cmocka_unit_test_setup(test_history_ring, setup),
		cmocka_unit_test_setup(test_line_limit, setup),
		cmocka_unit_test(test_detach),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
