/* SPDX-License-Identifier: MIT */
/*
 * The host's wall-clock time (drivers/cmos_rtc.c), read once at boot from
 * the PC's CMOS RTC (ports 0x70/0x71) and carried on by the TSC clock
 * (clock_ns): what each VM's virtual RTC starts from. Nothing writes the
 * host's RTC.
 */
#ifndef KEEL_DRIVERS_CMOS_RTC_H
#define KEEL_DRIVERS_CMOS_RTC_H

#include <stdint.h>

/* Reads the host RTC (after tsc_calibrate) and logs the time it found. */
void host_rtc_read(void);

/*
 * The host's time at clock_ns now: *secs, seconds since 0000-01-01
 * 00:00:00 (lib/civil_time.h), began at clock_ns *edge_ns (<= now).
 */
void host_wall_time(uint64_t now, uint64_t *secs, uint64_t *edge_ns);

#endif
