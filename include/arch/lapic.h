/* SPDX-License-Identifier: MIT */
/* Local APIC in xAPIC (MMIO) or x2APIC (MSR) mode, whichever is active. */
#ifndef KEEL_ARCH_LAPIC_H
#define KEEL_ARCH_LAPIC_H

#include <stdbool.h>
#include <stdint.h>

/* Finds the LAPIC mode and maps the xAPIC page; boot CPU, once. */
void lapic_global_init(void);
/* Software-enables this CPU's LAPIC with all local interrupts masked. */
void lapic_cpu_init(void);
uint32_t lapic_id(void);
bool lapic_x2apic_mode(void);
void lapic_eoi(void);
/* INIT-SIPI-SIPI to one CPU (SDM 8.4.4.1); start_page is below 1 MiB. */
void lapic_start_ap(uint32_t apic_id, uint64_t start_page);

#endif
