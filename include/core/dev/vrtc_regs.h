/* SPDX-License-Identifier: MIT */
/*
 * The MC146818 RTC's register arithmetic (core/dev/vrtc_regs.c), pure and
 * unit tested on the host (tests/unit/test_vrtc_regs.c): values in BCD or
 * binary as status B's DM bit says, hours in 12- or 24-hour form, the
 * periodic interrupt's rate, and when the alarm next matches.
 */
#ifndef KEEL_CORE_DEV_VRTC_REGS_H
#define KEEL_CORE_DEV_VRTC_REGS_H

#include <stdbool.h>
#include <stdint.h>

#define RTC_ALARM_ANY   0xc0	/* an alarm byte >= this matches any value */
#define RTC_HOUR_PM     0x80	/* 12-hour form: the PM bit */
#define RTC_NEVER       UINT64_MAX

/* v (0-99) as the register holds it; decoding gives -1 for a bad BCD. */
uint8_t rtc_encode(unsigned int v, bool binary);
int rtc_decode(uint8_t reg, bool binary);

/* Hours 0-23 in the register's form; decoding gives -1 if out of range. */
uint8_t rtc_encode_hour(unsigned int hour, bool binary, bool h24);
int rtc_decode_hour(uint8_t reg, bool binary, bool h24);

/*
 * The periodic interrupt's period in ns for status A's rate bits (RS,
 * 3:0) with the 32.768 kHz time base: 0 for none; rates 1 and 2 are the
 * same as 8 and 9 (256 and 128 Hz), 3 is 8192 Hz ... 15 is 2 Hz.
 * Rounded up.
 */
uint64_t rtc_period_ns(unsigned int rate);

/*
 * The first second after secs (seconds since a midnight-aligned epoch)
 * whose hour, minute and second match the alarm registers, each a value
 * or RTC_ALARM_ANY and up; RTC_NEVER if none ever does (a byte that is
 * no valid value).
 */
uint64_t rtc_next_alarm(uint64_t secs, uint8_t hour, uint8_t minute,
			uint8_t second, bool binary, bool h24);

#endif
