// SPDX-License-Identifier: MIT
/* Calendar arithmetic; see include/lib/civil_time.h. */
#include <lib/civil_time.h>

#define DAYS_PER_YEAR 365u
#define SECS_PER_HOUR 3600u
#define SECS_PER_MIN  60u
#define DAYS_PER_400_YEARS 146097u
#define WEEKDAY_OF_DAY0 6	/* 0000-01-01 was a Saturday (proleptic) */

bool civil_leap_year(uint32_t year)
{
	return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

unsigned int civil_days_in_month(uint32_t year, unsigned int month)
{
	static const uint8_t days[12] = { 31, 28, 31, 30, 31, 30,
					  31, 31, 30, 31, 30, 31 };

	if (month < 1 || month > 12)
		return 0;
	return days[month - 1] + (month == 2 && civil_leap_year(year));
}

/* Days from 0000-01-01 to January 1st of year: leap years in [0, year). */
static uint64_t days_before_year(uint64_t year)
{
	return DAYS_PER_YEAR * year + (year + 3) / 4 - (year + 99) / 100 +
	       (year + 399) / 400;
}

static uint64_t days_before_month(uint32_t year, unsigned int month)
{
	uint64_t days = 0;

	for (unsigned int m = 1; m < month; m++)	/* at most 11 */
		days += civil_days_in_month(year, m);
	return days;
}

static unsigned int clamp(unsigned int v, unsigned int lo, unsigned int hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

uint64_t civil_to_secs(const struct civil_time *t)
{
	uint32_t year = clamp(t->year, 0, CIVIL_YEAR_MAX);
	unsigned int month = clamp(t->month, 1, 12);
	unsigned int day = clamp(t->day, 1, civil_days_in_month(year, month));
	uint64_t days = days_before_year(year) + days_before_month(year, month) +
			day - 1;

	return days * SECS_PER_DAY + clamp(t->hour, 0, 23) * SECS_PER_HOUR +
	       clamp(t->minute, 0, 59) * SECS_PER_MIN + clamp(t->second, 0, 59);
}

void civil_from_secs(uint64_t secs, struct civil_time *t)
{
	uint64_t days = secs / SECS_PER_DAY, rest = secs % SECS_PER_DAY;
	/* 146097 days in 400 years: the estimate is off by at most one */
	uint64_t year = days * 400 / DAYS_PER_400_YEARS;
	unsigned int month = 1, len;

	while (year && days_before_year(year) > days)
		year--;
	while (days_before_year(year + 1) <= days)
		year++;
	days -= days_before_year(year);
	while (days >= (len = civil_days_in_month((uint32_t)year, month))) {
		days -= len;
		month++;
	}
	t->year = (uint32_t)year;
	t->month = (uint8_t)month;
	t->day = (uint8_t)(days + 1);
	t->hour = (uint8_t)(rest / SECS_PER_HOUR);
	t->minute = (uint8_t)(rest / SECS_PER_MIN % 60);
	t->second = (uint8_t)(rest % 60);
	t->weekday = (uint8_t)((secs / SECS_PER_DAY + WEEKDAY_OF_DAY0) % 7);
}
