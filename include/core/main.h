/* SPDX-License-Identifier: MIT */
/* Boot sequencing shared by the boot CPU (core/main.c) and the APs. */
#ifndef KEEL_CORE_MAIN_H
#define KEEL_CORE_MAIN_H

struct cpu;

/* Enters VMX root / SVM host mode on the calling CPU and logs the result. */
void cpu_enable_virtualization(struct cpu *cpu);

#endif
