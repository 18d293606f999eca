/* SPDX-License-Identifier: MIT */
/* Time from the TSC, calibrated at boot from CPUID and the PIT. */
#ifndef KEEL_ARCH_TSC_H
#define KEEL_ARCH_TSC_H

#include <stdint.h>

extern uint64_t tsc_hz;
/* The core crystal clock (the LAPIC timer's) if CPUID stated it, else 0. */
extern uint64_t tsc_crystal_hz;
/* Where tsc_hz came from: "CPUID 0x15", ..., "PIT" or "assumed". */
extern const char *tsc_source;

/*
 * Sets tsc_hz: the CPUID rate if it agrees with 10 ms of PIT channel 2
 * (or there is no PIT), else the PIT's measurement (arch/x86/tsc.c).
 */
void tsc_calibrate(void);
uint64_t tsc_to_us(uint64_t ticks);
/* The monotonic clock the scheduler uses: ns since the TSC was 0. */
uint64_t clock_ns(void);
uint64_t ns_to_tsc(uint64_t ns);
void udelay(uint64_t us);

#endif
