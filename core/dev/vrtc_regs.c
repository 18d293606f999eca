// SPDX-License-Identifier: MIT
/* The RTC's register arithmetic; see core/dev/vrtc_regs.h. */
#include <core/dev/vrtc_regs.h>
#include <lib/bcd.h>
#include <lib/muldiv.h>

#define NS_PER_S      1000000000u
#define RTC_BASE_HZ   32768u
#define SECS_PER_HOUR 3600u
#define SECS_PER_MIN  60u
#define SECS_PER_DAY  86400u
#define ALARM_STEPS   8	/* hour, minute, second, each at most twice */

uint8_t rtc_encode(unsigned int v, bool binary)
{
	return binary ? (uint8_t)(v % 100) : bin_to_bcd(v);
}

int rtc_decode(uint8_t reg, bool binary)
{
	if (binary)
		return reg;
	return bcd_valid(reg) ? (int)bcd_to_bin(reg) : -1;
}

uint8_t rtc_encode_hour(unsigned int hour, bool binary, bool h24)
{
	unsigned int h12;

	if (h24)
		return rtc_encode(hour, binary);
	h12 = hour % 12 ? hour % 12 : 12;
	return (uint8_t)(rtc_encode(h12, binary) | (hour >= 12 ? RTC_HOUR_PM : 0));
}

int rtc_decode_hour(uint8_t reg, bool binary, bool h24)
{
	int h;

	if (h24) {
		h = rtc_decode(reg, binary);
		return h >= 0 && h < 24 ? h : -1;
	}
	h = rtc_decode(reg & ~RTC_HOUR_PM, binary);
	if (h < 1 || h > 12)
		return -1;
	return h % 12 + (reg & RTC_HOUR_PM ? 12 : 0);
}

uint64_t rtc_period_ns(unsigned int rate)
{
	rate &= 0xf;
	if (!rate)
		return 0;
	if (rate < 3)
		rate += 7;
	/* 2^(rate - 1) cycles of the 32.768 kHz base */
	return mul_div_u64(1ull << (rate - 1), NS_PER_S, RTC_BASE_HZ, true);
}

/* An alarm byte: -2 for "any", -1 for no valid value, else the value. */
static int alarm_field(uint8_t reg, int limit, bool binary)
{
	int v;

	if (reg >= RTC_ALARM_ANY)
		return -2;
	v = rtc_decode(reg, binary);
	return v >= 0 && v < limit ? v : -1;
}

uint64_t rtc_next_alarm(uint64_t secs, uint8_t hour, uint8_t minute,
			uint8_t second, bool binary, bool h24)
{
	int ah = hour >= RTC_ALARM_ANY ? -2 : rtc_decode_hour(hour, binary, h24);
	int am = alarm_field(minute, 60, binary);
	int as = alarm_field(second, 60, binary);
	uint64_t t = secs + 1;

	if (ah == -1 || am == -1 || as == -1)
		return RTC_NEVER;
	/*
	 * Move t to the first candidate of the field that does not match,
	 * coarsest first; each step either matches a field or carries into
	 * the next coarser one, so a few steps settle it.
	 */
	for (unsigned int step = 0; step < ALARM_STEPS; step++) {
		uint64_t day = t - t % SECS_PER_DAY, sod = t % SECS_PER_DAY;
		unsigned int h = (unsigned int)(sod / SECS_PER_HOUR);
		unsigned int m = (unsigned int)(sod / SECS_PER_MIN % 60);
		unsigned int s = (unsigned int)(sod % 60);
		uint64_t hour_start = day + h * SECS_PER_HOUR;
		uint64_t min_start = hour_start + m * SECS_PER_MIN;

		if (ah >= 0 && h != (unsigned int)ah)
			t = (h < (unsigned int)ah ? day : day + SECS_PER_DAY) +
			    (unsigned int)ah * SECS_PER_HOUR;
		else if (am >= 0 && m != (unsigned int)am)
			t = m < (unsigned int)am ?
			    hour_start + (unsigned int)am * SECS_PER_MIN :
			    hour_start + SECS_PER_HOUR;
		else if (as >= 0 && s != (unsigned int)as)
			t = s < (unsigned int)as ? min_start + (unsigned int)as :
			    min_start + SECS_PER_MIN;
		else
			return t;
	}
	return RTC_NEVER;	/* not reached: the steps above settle */
}
