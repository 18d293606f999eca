/* SPDX-License-Identifier: MIT */
/* Boot sequencing shared by the boot CPU (core/main.c) and the APs. */
#ifndef KEEL_CORE_MAIN_H
#define KEEL_CORE_MAIN_H

#include <stdint.h>

#define KEEL_VERSION "0.2.0"

struct cpu;
struct boot_module;

/* Enters VMX root / SVM host mode on the calling CPU and logs the result. */
void cpu_enable_virtualization(struct cpu *cpu);

/* The boot modules the loader brought (names from keel.cfg). */
const struct boot_module *boot_module_find(const char *name);
const struct boot_module *boot_module_at(uint32_t index);

/* Counts of VMs with vCPUs that can run (for "all guests have stopped"). */
void vm_started(void);
void vm_finished(void);

#endif
