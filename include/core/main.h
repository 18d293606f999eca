/* SPDX-License-Identifier: MIT */
/* What boot (init/main.c) and core share: version, modules, VM counts. */
#ifndef KEEL_CORE_MAIN_H
#define KEEL_CORE_MAIN_H

#include <stdint.h>

#define KEEL_VERSION "0.2.0"

struct cpu;
struct boot_info;
struct boot_module;

/* Enters VMX root / SVM host mode on the calling CPU and logs the result. */
void cpu_enable_virtualization(struct cpu *cpu);

/* The boot modules the loader brought (core/load/boot_modules.c). */
void boot_modules_init(const struct boot_info *bi);
const struct boot_module *boot_module_find(const char *name);
const struct boot_module *boot_module_at(uint32_t index);

/*
 * Counts of VMs with vCPUs that can run, for "all guests have stopped"
 * (core/vm_control.c).
 */
void vm_started(void);
void vm_finished(void);
uint32_t vm_running_count(void);

/* Entry points from arch/x86/entry.S (init/main.c). */
__attribute__((noreturn)) void kmain(const struct boot_info *bi);
__attribute__((noreturn)) void ap_main(struct cpu *cpu);

#endif
