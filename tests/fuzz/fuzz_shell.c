// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for the admin shell's input path: the bytes are typed
 * into the line editor (guests/mgmt/lineedit.c), every line it returns
 * is parsed (shell_parse.c), and the whole input is also parsed as one
 * line. Besides the sanitizers' checks, it asserts what a parse promises:
 * an error is one non-empty line; a command's fields are in range.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <keel/abi.h>

#include "detach.h"
#include "lineedit.h"
#include "out.h"
#include "shell_parse.h"
#include "show.h"

#define CHECK(cond)                                                         \
	do {                                                                \
		if (!(cond))                                                \
			abort();                                            \
	} while (0)

void out_write(const char *s, size_t len)
{
	CHECK(len == 0 || s != NULL);
}

void out_flush(void)
{
}

static void check_string(const char *s, size_t size)
{
	CHECK(memchr(s, '\0', size) != NULL);
}

static void check_size(uint64_t bytes)
{
	CHECK(bytes >= KEEL_MEM_MIN && bytes <= KEEL_MEM_MAX);
	CHECK(bytes % KEEL_MEM_ALIGN == 0);
}

/* A CPU list printed by the shell reads back as the same mask. */
static void check_cpulist(uint64_t mask)
{
	char text[200];
	uint64_t back;

	show_cpulist(text, sizeof(text), mask);
	CHECK(shell_parse_cpulist(text, strlen(text), &back));
	CHECK(back == mask);
}

static void check_ok(const struct shell_cmd *cmd)
{
	CHECK(cmd->verb < SHELL_VERB_COUNT);
	check_string(cmd->name, sizeof(cmd->name));
	check_string(cmd->image, sizeof(cmd->image));
	check_string(cmd->args, sizeof(cmd->args));
	for (uint32_t i = 0; i < SHELL_MAX_MODULES; i++)
		check_string(cmd->modules[i], sizeof(cmd->modules[i]));
	CHECK(cmd->vcpus >= 1 && cmd->vcpus <= KEEL_MAX_VCPUS);
	CHECK(cmd->prio <= SHELL_PRIO_MAX);
	CHECK(cmd->slice_ms >= SHELL_SLICE_MIN &&
	      cmd->slice_ms <= SHELL_SLICE_MAX);
	check_size(cmd->mem);
	if (cmd->given & SHELL_OPT_MAXMEM) {
		check_size(cmd->maxmem);
		if (cmd->verb == SHELL_CREATE)
			CHECK(cmd->maxmem >= cmd->mem);
	}
	check_cpulist(cmd->cpus);
	check_cpulist(cmd->cpu_mask);
	CHECK(cmd->vcpu < KEEL_MAX_VCPUS);
	switch (cmd->verb) {
	case SHELL_CREATE:
	case SHELL_CYCLE:
		CHECK(shell_valid_name(cmd->name, strlen(cmd->name)));
		CHECK(cmd->image[0] != '\0');
		/* module= in order, each a name; args= and cmdline= not both */
		CHECK(cmd->module_count <= SHELL_MAX_MODULES);
		CHECK(!cmd->module_count == !(cmd->given & SHELL_OPT_MODULE));
		for (uint32_t i = 0; i < cmd->module_count; i++)
			CHECK(shell_valid_name(cmd->modules[i],
					       strlen(cmd->modules[i])));
		CHECK((cmd->given & (SHELL_OPT_ARGS | SHELL_OPT_CMDLINE)) !=
		      (SHELL_OPT_ARGS | SHELL_OPT_CMDLINE));
		break;
	case SHELL_START: case SHELL_PAUSE: case SHELL_RESUME:
	case SHELL_DESTROY: case SHELL_STATS: case SHELL_CONSOLE:
	case SHELL_PIN: case SHELL_SCHED:
		CHECK(cmd->name[0] != '\0');
		break;
	case SHELL_RESIZE:
		CHECK(!(cmd->given & SHELL_OPT_MEM) !=
		      !(cmd->given & SHELL_OPT_VCPUS));
		break;
	default:
		break;
	}
	if (cmd->verb == SHELL_SCHED)
		CHECK(cmd->given & (SHELL_OPT_PRIO | SHELL_OPT_SLICE));
}

static void parse_line(const char *line)
{
	static struct shell_cmd cmd;
	char err[SHELL_ERROR_MAX];
	int rc = shell_parse(line, &cmd, err, sizeof(err));

	check_string(err, sizeof(err));
	if (rc == 0) {
		CHECK(err[0] == '\0');
		check_ok(&cmd);
		return;
	}
	CHECK(rc == -KEEL_EINVAL);
	CHECK(err[0] != '\0');
	CHECK(strchr(err, '\n') == NULL && strchr(err, '\r') == NULL);
}

/* libFuzzer calls it; it declares no prototype of its own. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct lineedit le;
	static char line[SHELL_LINE_MAX + 64];
	struct detach d;
	char fwd[DETACH_KEY_MAX];

	lineedit_init(&le);
	detach_init(&d);
	for (size_t i = 0; i < size; i++) {
		enum lineedit_event ev = lineedit_feed(&le, (char)data[i]);

		CHECK(le.len <= SHELL_LINE_MAX);
		CHECK(le.line[le.len] == '\0');
		if (ev == LINEEDIT_LINE)
			parse_line(le.line);
		CHECK(detach_feed(&d, (char)data[i], fwd) <= DETACH_KEY_MAX);
	}
	/* the raw bytes as one line, cut where a NUL or the buffer ends */
	size = size < sizeof(line) - 1 ? size : sizeof(line) - 1;
	memcpy(line, data, size);
	line[size] = '\0';
	parse_line(line);
	return 0;
}
