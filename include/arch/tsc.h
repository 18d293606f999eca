/* SPDX-License-Identifier: MIT */
/* Time from the TSC, calibrated at boot against the PIT. */
#ifndef KEEL_ARCH_TSC_H
#define KEEL_ARCH_TSC_H

#include <stdint.h>

extern uint64_t tsc_hz;

/* Measures the TSC frequency over 10 ms of PIT channel 2. */
void tsc_calibrate(void);
uint64_t tsc_to_us(uint64_t ticks);
/* The monotonic clock the scheduler uses: ns since the TSC was 0. */
uint64_t clock_ns(void);
uint64_t ns_to_tsc(uint64_t ns);
void udelay(uint64_t us);

#endif
