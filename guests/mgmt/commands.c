// SPDX-License-Identifier: MIT
/* From a parsed line to its handler. */
#include "commands.h"

typedef void (*command_fn)(const struct shell_cmd *cmd);

static const command_fn handlers[SHELL_VERB_COUNT] = {
	[SHELL_HELP] = cmd_help,
	[SHELL_VERSION] = cmd_version,
	[SHELL_INFO] = cmd_info,
	[SHELL_LIST] = cmd_list,
	[SHELL_IMAGES] = cmd_images,
	[SHELL_CREATE] = cmd_create,
	[SHELL_START] = cmd_start,
	[SHELL_PAUSE] = cmd_pause,
	[SHELL_RESUME] = cmd_resume,
	[SHELL_DESTROY] = cmd_destroy,
	[SHELL_RESIZE] = cmd_resize,
	[SHELL_PIN] = cmd_pin,
	[SHELL_SCHED] = cmd_sched,
	[SHELL_STATS] = cmd_stats,
	[SHELL_TOP] = cmd_top,
	[SHELL_CONSOLE] = cmd_console,
	[SHELL_LOG] = cmd_log,
	[SHELL_REBOOT] = cmd_reboot,
	[SHELL_CYCLE] = cmd_cycle,
};

void shell_execute(const struct shell_cmd *cmd)
{
	if (cmd->verb < SHELL_VERB_COUNT && handlers[cmd->verb])
		handlers[cmd->verb](cmd);
}
