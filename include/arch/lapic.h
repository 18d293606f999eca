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
/*
 * The scheduler's one-shot timer (SDM 10.5.4): TSC-deadline mode where
 * the CPU has it, else one-shot mode with the count calibrated against
 * the TSC. lapic_timer_init calibrates on the boot CPU; every CPU then
 * calls lapic_timer_cpu_init.
 */
#define LAPIC_TIMER_VECTOR 0xec
void lapic_timer_init(void);
void lapic_timer_cpu_init(void);
/* Fires LAPIC_TIMER_VECTOR at TSC value deadline (at once if past). */
void lapic_timer_arm(uint64_t deadline_tsc);
void lapic_timer_stop(void);

/* A fixed-delivery interrupt with vector to the CPU with apic_id. */
#define LAPIC_RESCHED_VECTOR 0xed
void lapic_send_fixed(uint32_t apic_id, uint8_t vector);

/* INIT-SIPI-SIPI to one CPU (SDM 8.4.4.1); start_page is below 1 MiB. */
void lapic_start_ap(uint32_t apic_id, uint64_t start_page);

#endif
