// SPDX-License-Identifier: MIT
/*
 * The host's CMOS RTC, read once: see include/drivers/cmos_rtc.h. The
 * MC146818's time bytes may change under a read while status A's UIP
 * flag is set, so the read waits for it to clear and repeats until two
 * reads agree. A machine without a usable RTC (bytes that are no date)
 * gets 2000-01-01 00:00:00 and a warning.
 */
#include <arch/tsc.h>
#include <arch/x86.h>
#include <base/log.h>
#include <drivers/cmos_rtc.h>
#include <lib/bcd.h>
#include <lib/civil_time.h>
#include <lib/string.h>

#define CMOS_INDEX     0x70
#define CMOS_DATA      0x71
#define REG_SECONDS    0x00
#define REG_MINUTES    0x02
#define REG_HOURS      0x04
#define REG_DAY        0x07
#define REG_MONTH      0x08
#define REG_YEAR       0x09
#define REG_A          0x0a
#define REG_B          0x0b
#define REG_CENTURY    0x32
#define A_UIP          0x80
#define B_24H          0x02
#define B_BINARY       0x04
#define HOUR_PM        0x80
#define READ_TRIES     8
#define UIP_SPIN_LIMIT 1000000u
#define FALLBACK_YEAR  2000
#define NS_PER_S       1000000000ull

static uint64_t wall_secs, wall_ns;

struct raw_time {
	uint8_t sec, min, hour, day, month, year, century, b;
};

static uint8_t cmos_read(uint8_t reg)
{
	outb(CMOS_INDEX, reg);	/* bit 7 clear: NMIs stay enabled */
	return inb(CMOS_DATA);
}

static void read_raw(struct raw_time *r)
{
	for (unsigned int spins = 0; spins < UIP_SPIN_LIMIT &&
	     (cmos_read(REG_A) & A_UIP); spins++)
		cpu_relax();
	r->sec = cmos_read(REG_SECONDS);
	r->min = cmos_read(REG_MINUTES);
	r->hour = cmos_read(REG_HOURS);
	r->day = cmos_read(REG_DAY);
	r->month = cmos_read(REG_MONTH);
	r->year = cmos_read(REG_YEAR);
	r->century = cmos_read(REG_CENTURY);
	r->b = cmos_read(REG_B);
}

/* A field in the form B says; -1 if it is none. */
static int field(uint8_t v, uint8_t b)
{
	if (b & B_BINARY)
		return v;
	return bcd_valid(v) ? (int)bcd_to_bin(v) : -1;
}

static int decode(const struct raw_time *r, struct civil_time *t)
{
	int sec = field(r->sec, r->b), min = field(r->min, r->b);
	int hour = field(r->hour & ~HOUR_PM, r->b), day = field(r->day, r->b);
	int month = field(r->month, r->b), year = field(r->year, r->b);
	int century = field(r->century, r->b);

	if (!(r->b & B_24H) && hour >= 1 && hour <= 12)
		hour = hour % 12 + (r->hour & HOUR_PM ? 12 : 0);
	if (sec < 0 || sec > 59 || min < 0 || min > 59 || hour < 0 ||
	    hour > 23 || month < 1 || month > 12 || year < 0 || year > 99 ||
	    day < 1 || day > (int)civil_days_in_month(2000 + year, month))
		return -1;
	/* no century byte (or none in range): this century's years */
	if (century < 19 || century > 99)
		century = 20;
	*t = (struct civil_time){ .year = century * 100 + year, .month = month,
				  .day = day, .hour = hour, .minute = min,
				  .second = sec };
	return 0;
}

void host_rtc_read(void)
{
	struct raw_time a, b;
	struct civil_time t = { .year = FALLBACK_YEAR, .month = 1, .day = 1 };
	unsigned int tries = 0;
	bool ok = false;

	read_raw(&a);
	do {
		read_raw(&b);
		ok = !memcmp(&a, &b, sizeof(a));
		a = b;
	} while (!ok && ++tries < READ_TRIES);
	wall_ns = clock_ns();
	if (!ok || decode(&a, &t)) {
		t = (struct civil_time){ .year = FALLBACK_YEAR, .month = 1, .day = 1 };
		log_warn("host RTC: no valid time read; guests' clocks start at %u-01-01",
			 FALLBACK_YEAR);
	}
	wall_secs = civil_to_secs(&t);
	log_info("host RTC: %04u-%02u-%02u %02u:%02u:%02u", t.year, t.month,
		 t.day, t.hour, t.minute, t.second);
}

void host_wall_time(uint64_t now, uint64_t *secs, uint64_t *edge_ns)
{
	uint64_t whole = now > wall_ns ? (now - wall_ns) / NS_PER_S : 0;

	*secs = wall_secs + whole;
	*edge_ns = wall_ns + whole * NS_PER_S;
}
