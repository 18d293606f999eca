// SPDX-License-Identifier: MIT
/*
 * core/dev/vrtc_regs.c and lib/civil_time.c: the RTC's BCD and binary
 * forms, 12- and 24-hour hours, periodic rates, the alarm's next match
 * with "don't care" bytes, and the calendar (leap years, the days of the
 * months, weekdays, every year an RTC can hold, a round trip through
 * every day of 400 years).
 */
#include "test_util.h"

#include <core/dev/vrtc_regs.h>
#include <lib/civil_time.h>

#define DAY 86400ull

static void test_bcd_and_binary(void **state)
{
	assert_int_equal(rtc_encode(59, false), 0x59);
	assert_int_equal(rtc_encode(59, true), 59);
	assert_int_equal(rtc_encode(0, false), 0x00);
	assert_int_equal(rtc_encode(123, false), 0x23);	/* modulo 100 */
	assert_int_equal(rtc_decode(0x59, false), 59);
	assert_int_equal(rtc_decode(0x5a, false), -1);
	assert_int_equal(rtc_decode(0xa0, false), -1);
	assert_int_equal(rtc_decode(0xff, true), 255);
}

static void test_hours(void **state)
{
	/* 12-hour form: 12 AM is midnight, 12 PM noon, bit 7 PM */
	assert_int_equal(rtc_encode_hour(0, false, false), 0x12);
	assert_int_equal(rtc_encode_hour(11, false, false), 0x11);
	assert_int_equal(rtc_encode_hour(12, false, false), 0x92);
	assert_int_equal(rtc_encode_hour(23, false, false), 0x91);
	assert_int_equal(rtc_encode_hour(23, true, false), 0x80 | 11);
	assert_int_equal(rtc_encode_hour(23, false, true), 0x23);
	for (unsigned int h = 0; h < 24; h++) {
		assert_int_equal(rtc_decode_hour(rtc_encode_hour(h, false, false),
						 false, false), h);
		assert_int_equal(rtc_decode_hour(rtc_encode_hour(h, true, false),
						 true, false), h);
		assert_int_equal(rtc_decode_hour(rtc_encode_hour(h, true, true),
						 true, true), h);
	}
	assert_int_equal(rtc_decode_hour(0x24, false, true), -1);
	assert_int_equal(rtc_decode_hour(0x00, false, false), -1);
	assert_int_equal(rtc_decode_hour(0x13, false, false), -1);
}

static void test_periodic_rates(void **state)
{
	assert_int_equal(rtc_period_ns(0), 0);
	/* rate 6: 1024 Hz, 976562.5 ns, rounded up */
	assert_int_equal(rtc_period_ns(6), 976563);
	/* 3: 8192 Hz; 15: 2 Hz */
	assert_int_equal(rtc_period_ns(3), 122071);
	assert_int_equal(rtc_period_ns(15), 500000000);
	/* 1 and 2 are 8 and 9 (256 and 128 Hz) */
	assert_int_equal(rtc_period_ns(1), rtc_period_ns(8));
	assert_int_equal(rtc_period_ns(2), 7812500);
	/* only the rate bits count */
	assert_int_equal(rtc_period_ns(0x26), rtc_period_ns(6));
}

static void test_alarm(void **state)
{
	uint64_t midnight = 1000 * DAY;

	/* every second */
	assert_int_equal(rtc_next_alarm(midnight, 0xff, 0xff, 0xff, false, true),
			 midnight + 1);
	/* 00:00:30 every day: later today, else tomorrow */
	assert_int_equal(rtc_next_alarm(midnight, 0x00, 0x00, 0x30, false, true),
			 midnight + 30);
	assert_int_equal(rtc_next_alarm(midnight + 30, 0x00, 0x00, 0x30, false,
					true), midnight + DAY + 30);
	/* 23:59:59 seen from 23:59:59: tomorrow's */
	assert_int_equal(rtc_next_alarm(midnight + DAY - 1, 0x23, 0x59, 0x59,
					false, true), midnight + 2 * DAY - 1);
	/* second 0 of every minute */
	assert_int_equal(rtc_next_alarm(midnight + 61, 0xc0, 0xc0, 0x00, false,
					true), midnight + 120);
	/* minute 30 of any hour, from 10:45: 11:30:00 */
	assert_int_equal(rtc_next_alarm(midnight + 10 * 3600 + 45 * 60, 0xff,
					0x30, 0x00, false, true),
			 midnight + 11 * 3600 + 30 * 60);
	/* 3 PM in the 12-hour binary form */
	assert_int_equal(rtc_next_alarm(midnight, 0x83, 0, 0, true, false),
			 midnight + 15 * 3600);
	/* a byte that is no value never matches */
	assert_int_equal(rtc_next_alarm(midnight, 0x25, 0, 0, false, true),
			 RTC_NEVER);
	assert_int_equal(rtc_next_alarm(midnight, 0, 0x60, 0, false, true),
			 RTC_NEVER);
	assert_int_equal(rtc_next_alarm(midnight, 0, 0, 0x5a, false, true),
			 RTC_NEVER);
}

static void test_calendar(void **state)
{
	struct civil_time t = { .year = 1970, .month = 1, .day = 1 };
	uint64_t epoch = civil_to_secs(&t), secs;

	assert_true(civil_leap_year(2000));
	assert_false(civil_leap_year(1900));
	assert_true(civil_leap_year(2024));
	assert_false(civil_leap_year(2026));
	assert_int_equal(civil_days_in_month(2024, 2), 29);
	assert_int_equal(civil_days_in_month(2100, 2), 28);
	assert_int_equal(civil_days_in_month(2026, 13), 0);
	/* 1970-01-01 was a Thursday; 2000-03-01 a Wednesday */
	civil_from_secs(epoch, &t);
	assert_int_equal(t.weekday, 4);
	t = (struct civil_time){ .year = 2000, .month = 3, .day = 1 };
	civil_from_secs(civil_to_secs(&t), &t);
	assert_int_equal(t.weekday, 3);
	/* 2026-12-05 12:34:56 is 1796474096 s after 1970 (Unix time) */
	t = (struct civil_time){ .year = 2026, .month = 12, .day = 5, .hour = 12,
				 .minute = 34, .second = 56 };
	assert_int_equal(civil_to_secs(&t) - epoch, 1796474096ull);
	/* out-of-range fields are clamped, never wrap */
	t = (struct civil_time){ .year = 2025, .month = 2, .day = 31,
				 .hour = 99, .minute = 99, .second = 99 };
	secs = civil_to_secs(&t);
	civil_from_secs(secs, &t);
	assert_int_equal(t.month, 2);
	assert_int_equal(t.day, 28);
	assert_int_equal(t.hour, 23);
	assert_int_equal(t.second, 59);
	t = (struct civil_time){ .year = 60000, .month = 0, .day = 0 };
	civil_from_secs(civil_to_secs(&t), &t);
	assert_int_equal(t.year, 9999);
	assert_int_equal(t.month, 1);
	assert_int_equal(t.day, 1);
}

static void test_every_day_round_trips(void **state)
{
	struct civil_time t = { .year = 1900, .month = 1, .day = 1 };
	uint64_t first = civil_to_secs(&t);

	/* 400 years (a whole Gregorian cycle) and the years 0 and 9999 */
	for (uint64_t d = 0; d < 146097; d++) {
		struct civil_time u;

		civil_from_secs(first + d * DAY + 3661, &t);
		assert_int_equal(civil_to_secs(&t), first + d * DAY + 3661);
		civil_from_secs(first + d * DAY, &u);
		assert_int_equal(u.weekday, (t.weekday + 0) % 7);
	}
	t = (struct civil_time){ .year = 0, .month = 1, .day = 1 };
	assert_int_equal(civil_to_secs(&t), 0);
	civil_from_secs(0, &t);
	assert_int_equal(t.year, 0);
	assert_int_equal(t.weekday, 6);
	t = (struct civil_time){ .year = 9999, .month = 12, .day = 31, .hour = 23,
				 .minute = 59, .second = 59 };
	civil_from_secs(civil_to_secs(&t), &t);
	assert_int_equal(t.year, 9999);
	assert_int_equal(t.day, 31);
	/* far past 9999 (a clock left running): still one step */
	civil_from_secs(UINT64_MAX / 2, &t);
	assert_true(t.year > 9999);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bcd_and_binary),
		cmocka_unit_test(test_hours),
		cmocka_unit_test(test_periodic_rates),
		cmocka_unit_test(test_alarm),
		cmocka_unit_test(test_calendar),
		cmocka_unit_test(test_every_day_round_trips),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
