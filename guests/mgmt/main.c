// SPDX-License-Identifier: MIT
/*
 * mgmt: the management VM (role=mgmt in keel.cfg). It owns the serial
 * console (docs/hypercalls.md §4.9) and runs the admin shell on it: read
 * a line (lineedit.c), parse it (shell_parse.c), run it (commands.c).
 * The shell waits for keys in a console sleep (KEEL_SLEEP_CONSOLE): its
 * vCPU is off the CPU until a key arrives, so an idle shell costs the
 * host nothing.
 */
#include "commands.h"
#include "guest.h"
#include "hv.h"
#include "lineedit.h"
#include "out.h"

#define PROMPT    "keel> "
#define NS_PER_MS 1000000ull

static struct lineedit editor;

static void check_hypervisor(void)
{
	long abi = hv_version();
	struct keel_host_info hi;

	if ((abi >> 16) != KEEL_ABI_MAJOR || (abi & 0xffff) < KEEL_ABI_MINOR)
		out_printf("warning: the hypervisor speaks ABI %ld.%ld; this "
			   "shell needs %d.%d\n", abi >> 16, abi & 0xffff,
			   KEEL_ABI_MAJOR, KEEL_ABI_MINOR);
	else if (hv_host_info(&hi) == -KEEL_EPERM)
		out_puts("warning: this VM is not the management VM (role=mgmt "
			 "in keel.cfg); every command will fail\n");
}

static void run_line(const char *line)
{
	static struct shell_cmd cmd;
	char err[SHELL_ERROR_MAX];

	if (shell_parse(line, &cmd, err, sizeof(err)))
		out_error("%s", err);
	else
		shell_execute(&cmd);
}

#define IDLE_POLL_MAX_MS 8

/* Until a key may be there: a console sleep, else (ABI < 1.5) a poll. */
static void wait_for_key(uint64_t *idle_ms)
{
	if (!sleep_console_ns(KEEL_SLEEP_MAX_NS))
		return;
	/* the hypervisor keeps what arrives meanwhile (1 KiB) */
	sleep_ns(*idle_ms * NS_PER_MS);
	*idle_ms = *idle_ms < IDLE_POLL_MAX_MS ? *idle_ms * 2 : *idle_ms;
}

void guest_main(void)
{
	uint64_t idle_ms = 1;
	char c;

	lineedit_init(&editor);
	out_puts("\nKeel management shell; type help\n");
	check_hypervisor();
	out_puts(PROMPT);
	for (;;) {
		if (!console_getc(&c)) {
			out_flush();
			wait_for_key(&idle_ms);
			continue;
		}
		idle_ms = 1;
		switch (lineedit_feed(&editor, c)) {
		case LINEEDIT_LINE:
			run_line(editor.line);
			out_puts(PROMPT);
			break;
		case LINEEDIT_CANCEL:
			out_puts(PROMPT);
			break;
		default:
			break;
		}
	}
}
