/* SPDX-License-Identifier: MIT */
/*
 * Calendar arithmetic (lib/civil_time.c): dates of the proleptic
 * Gregorian calendar as days since 0000-01-01, so that every year an RTC
 * can hold (0-9999) is a non-negative count. Closed forms, no loop over
 * years: the input may be a guest's.
 */
#ifndef KEEL_LIB_CIVIL_TIME_H
#define KEEL_LIB_CIVIL_TIME_H

#include <stdbool.h>
#include <stdint.h>

#define SECS_PER_DAY  86400u
#define CIVIL_YEAR_MAX 9999u

struct civil_time {
	uint32_t year;		/* 0-9999 */
	uint8_t month;		/* 1-12 */
	uint8_t day;		/* 1-31 */
	uint8_t hour, minute, second;
	uint8_t weekday;	/* 0 = Sunday */
};

bool civil_leap_year(uint32_t year);
unsigned int civil_days_in_month(uint32_t year, unsigned int month);

/*
 * Seconds since 0000-01-01 00:00:00 of t (weekday ignored). Fields out
 * of range are clamped to it first (year to 9999, month to 1-12, day to
 * the month's days, hour 23, minute and second 59).
 */
uint64_t civil_to_secs(const struct civil_time *t);
/* The date and time secs after 0000-01-01 00:00:00, weekday included. */
void civil_from_secs(uint64_t secs, struct civil_time *t);

#endif
