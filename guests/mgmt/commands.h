/* SPDX-License-Identifier: MIT */
/*
 * The shell's commands, one handler per verb. Each validates what it can
 * before it calls the hypervisor, and reports anything wrong as exactly
 * one "error:" line, having changed nothing.
 */
#ifndef KEEL_MGMT_COMMANDS_H
#define KEEL_MGMT_COMMANDS_H

#include "shell_parse.h"

void shell_execute(const struct shell_cmd *cmd);

/* cmd_host.c */
void cmd_help(const struct shell_cmd *cmd);
void cmd_version(const struct shell_cmd *cmd);
void cmd_info(const struct shell_cmd *cmd);
void cmd_images(const struct shell_cmd *cmd);
void cmd_log(const struct shell_cmd *cmd);
void cmd_reboot(const struct shell_cmd *cmd);
/* cmd_vm.c */
void cmd_list(const struct shell_cmd *cmd);
void cmd_create(const struct shell_cmd *cmd);
void cmd_start(const struct shell_cmd *cmd);
void cmd_pause(const struct shell_cmd *cmd);
void cmd_resume(const struct shell_cmd *cmd);
void cmd_destroy(const struct shell_cmd *cmd);
void cmd_cycle(const struct shell_cmd *cmd);
/* cmd_resize.c */
void cmd_resize(const struct shell_cmd *cmd);
/* cmd_tune.c */
void cmd_pin(const struct shell_cmd *cmd);
void cmd_sched(const struct shell_cmd *cmd);
/* cmd_stats.c */
void cmd_stats(const struct shell_cmd *cmd);
void cmd_top(const struct shell_cmd *cmd);
/* console.c */
void cmd_console(const struct shell_cmd *cmd);

#endif
