// SPDX-License-Identifier: MIT
/*
 * timetest: the VM's clocks and timers (docs/guests.md, "The PC
 * platform"), each check one line "timetest: PASS name" or
 * "timetest: FAIL name: what", and measurements as "timetest: name=value"
 * lines the integration test reads (tests/integration/test_timers.py):
 *   - CPUID: hypervisor present (leaf 1 ECX 31), leaf 0x40000000's max
 *     leaf and signature, 0x40000010's TSC and APIC timer kHz against
 *     start_info and against the guest's own TSC over a 100 ms sleep;
 *   - the PIT: channel 2 one-shot through port 0x61 (gate bit 0, OUT bit
 *     5) measured in TSC ticks against the advertised kHz, as Linux's
 *     pit_calibrate_tsc does; latched counts that fall as the TSC says;
 *     the read-back command's status byte; port 0x61's refresh toggle;
 *   - the RTC: status registers at reset, the time twice two seconds
 *     apart, the update-in-progress flag, register C's update flag and
 *     read-to-clear, binary and 12-hour forms, setting the time with SET,
 *     CMOS RAM and the BIOS memory size bytes; port 0x80;
 *   - with irq=1 (an I/O APIC to route them): periodic IRQ 0 from PIT
 *     channel 0 at the programmed rate while the guest waits in hlt, and
 *     the RTC's periodic IRQ 8.
 * Then "timetest: done: N failures".
 */
#include <lib/string.h>

#include "guest.h"

#define CPUID_HV_BIT       (1u << 31)
#define PIT_HZ             1193182u
#define PIT_CH0            0x40
#define PIT_CH2            0x42
#define PIT_CMD            0x43
#define PIT_CH2_MODE0      0xb0	/* channel 2, LSB then MSB, mode 0 */
#define PIT_CH2_LATCH      0x80	/* channel 2, counter latch */
#define PIT_READBACK_CH2   0xe8	/* read-back, status only, channel 2 */
#define PIT_CH0_MODE2      0x34	/* channel 0, LSB then MSB, rate generator */
#define PIT_CH0_MODE0      0x30
#define PORT_B             0x61
#define PORTB_GATE2        0x01
#define PORTB_SPEAKER      0x02
#define PORTB_REFRESH      0x10
#define PORTB_OUT2         0x20
#define CMOS_INDEX         0x70
#define CMOS_DATA          0x71
#define RTC_SEC            0x00
#define RTC_MIN            0x02
#define RTC_HOUR           0x04
#define RTC_DAY            0x07
#define RTC_MONTH          0x08
#define RTC_YEAR           0x09
#define RTC_A              0x0a
#define RTC_B              0x0b
#define RTC_C              0x0c
#define RTC_D              0x0d
#define RTC_CENTURY        0x32
#define RTC_A_UIP          0x80
#define RTC_B_SET          0x80
#define RTC_B_PIE          0x40
#define RTC_B_BINARY       0x04
#define RTC_B_24H          0x02
#define RTC_C_UF           0x10
#define RTC_C_PF           0x40
#define CMOS_SCRATCH       0x40
#define POST_PORT          0x80
#define CAL_MS             10
#define CAL_ROUNDS         5
/* PIT against the advertised TSC rate: both come from the host's clock */
#define CAL_ANY_PERMILLE   50
#define CAL_BEST_PERMILLE  10
#define IOAPIC             0xfec00000ul
#define IOAPIC_WIN         0x10
#define IOAPIC_REDIR(pin)  (0x10 + 2 * (pin))
#define GSI_PIT            2
#define GSI_RTC            8
#define IOAPIC_MASKED      (1u << 16)
#define PIT_VECTOR         0x50
#define RTC_VECTOR         0x51
#define X2_SVR             0x80f
#define X2_EOI             0x80b
#define SVR_ENABLE         0x1ff
#define IRQ0_HZ            1000u
#define IRQ_MS             200u

static int failures;
static volatile uint64_t pit_irqs, rtc_irqs;

static void check(bool ok, const char *name, const char *fmt, uint64_t a,
		  uint64_t b)
{
	if (ok) {
		gprintf("timetest: PASS %s\n", name);
		return;
	}
	failures++;
	gprintf("timetest: FAIL %s: ", name);
	gprintf(fmt, a, b);
	gprintf("\n");
}

static void cpuid_checks(void)
{
	struct cpuid_regs r = cpuid(1, 0);
	uint64_t khz, t0, ticks;

	check(r.ecx & CPUID_HV_BIT, "cpuid_hypervisor_bit", "ECX %#lx, EDX %#lx",
	      r.ecx, r.edx);
	r = cpuid(KEEL_CPUID_BASE, 0);
	check(r.eax == KEEL_CPUID_TIMING && r.ebx == KEEL_CPUID_SIGNATURE_EBX &&
	      r.ecx == KEEL_CPUID_SIGNATURE_ECX && r.edx == KEEL_CPUID_SIGNATURE_EDX,
	      "cpuid_max_leaf", "EAX %#lx, EBX %#lx", r.eax, r.ebx);
	r = cpuid(KEEL_CPUID_TIMING, 0);
	khz = r.eax;
	gprintf("timetest: cpuid_tsc_khz=%lu apic_khz=%lu\n", (uint64_t)r.eax,
		(uint64_t)r.ebx);
	check(khz && khz == start_info->tsc_khz && r.ebx == r.eax,
	      "cpuid_timing_leaf", "EAX %lu, start_info %lu", khz,
	      start_info->tsc_khz);
	/* the guest's own TSC over a 100 ms sleep: never short, not far over */
	t0 = rdtsc();
	sleep_ns(100 * 1000000ull);
	ticks = rdtsc() - t0;
	gprintf("timetest: sleep_100ms_tsc_permille=%lu\n",
		khz ? ticks / (khz / 10) : 0);
	check(khz && ticks >= khz * 100 * 99 / 100 && ticks <= khz * 100 * 3,
	      "cpuid_khz_vs_tsc", "%lu ticks in 100 ms at %lu kHz", ticks, khz);
}

/*
 * One PIT channel 2 one-shot of CAL_MS through port 0x61: TSC ticks from
 * the count's MSB write to OUT going high (Linux's pit_calibrate_tsc).
 */
static uint64_t pit_one_shot(uint8_t *status_before, uint8_t *status_after)
{
	uint16_t count = PIT_HZ * CAL_MS / 1000;
	uint8_t b = inb(PORT_B);
	uint64_t t0, t1, spins = 0;

	outb(PORT_B, (b & ~PORTB_SPEAKER) | PORTB_GATE2);
	outb(PIT_CMD, PIT_CH2_MODE0);
	outb(PIT_CH2, count & 0xff);
	outb(PIT_CH2, count >> 8);
	t0 = rdtsc();
	outb(PIT_CMD, PIT_READBACK_CH2);
	*status_before = inb(PIT_CH2);
	while (!(inb(PORT_B) & PORTB_OUT2) && ++spins < 100000000ull)
		;
	t1 = rdtsc();
	outb(PIT_CMD, PIT_READBACK_CH2);
	*status_after = inb(PIT_CH2);
	outb(PORT_B, b & ~PORTB_GATE2);
	return t1 - t0;
}

static uint64_t permille_off(uint64_t permille)
{
	return permille > 1000 ? permille - 1000 : 1000 - permille;
}

/*
 * No round shorter than the advertised rate allows (by CAL_ANY_PERMILLE),
 * the best within CAL_BEST_PERMILLE: a round can only overshoot, by a
 * poll of port 0x61 the host made slow (under TCG the first round, whose
 * code paths are translated as it runs, reads 3-4 % long, and a loaded
 * host stalls the guest for milliseconds).
 */
static void pit_checks(void)
{
	uint64_t khz = start_info->tsc_khz, want = khz * CAL_MS;
	uint64_t best = 0, shortest = UINT64_MAX;
	uint8_t before, after;

	for (unsigned int i = 0; i < CAL_ROUNDS; i++) {
		uint64_t got = pit_one_shot(&before, &after);
		uint64_t permille = want ? got * 1000 / want : 0;

		gprintf("timetest: pit_ch2_permille=%lu\n", permille);
		if (!i || permille_off(permille) < permille_off(best))
			best = permille;
		if (permille < shortest)
			shortest = permille;
	}
	check(shortest + CAL_ANY_PERMILLE >= 1000 &&
	      permille_off(best) <= CAL_BEST_PERMILLE, "pit_ch2_one_shot",
	      "PIT channel 2: best round %lu, shortest %lu permille of the TSC rate",
	      best, shortest);
	/* status: OUT low, access LSB+MSB, mode 0; then OUT high */
	check(before == 0x30 && after == 0xb0, "pit_readback_status",
	      "status %#lx before, %#lx after", before, after);
}

/*
 * Latched counts of a free-running channel 2 fall as the TSC advances:
 * the PIT ticks between the first and the last latch lie within what the
 * TSC brackets around them (the host may stall the guest anywhere, which
 * widens the bracket, never the PIT's count beyond it).
 */
static void pit_latch(void)
{
	uint8_t b = inb(PORT_B);
	uint16_t c[8];
	uint64_t before[8], after[8], khz = start_info->tsc_khz, ticks, lo, hi;
	bool falling = true;

	outb(PORT_B, (b & ~PORTB_SPEAKER) | PORTB_GATE2);
	outb(PIT_CMD, PIT_CH2_MODE0);
	outb(PIT_CH2, 0xff);
	outb(PIT_CH2, 0xff);
	for (unsigned int i = 0; i < 8; i++) {
		before[i] = rdtsc();
		outb(PIT_CMD, PIT_CH2_LATCH);
		after[i] = rdtsc();
		c[i] = inb(PIT_CH2);
		c[i] |= (uint16_t)(inb(PIT_CH2) << 8);
		if (i && c[i] > c[i - 1])
			falling = false;
	}
	outb(PORT_B, b & ~PORTB_GATE2);
	ticks = c[0] - c[7];
	/* the TSC's shortest and longest span between the two latches */
	lo = khz ? (before[7] - after[0]) * PIT_HZ / (khz * 1000) : 0;
	hi = khz ? (after[7] - before[0]) * PIT_HZ / (khz * 1000) : 0;
	gprintf("timetest: pit_latch counts %lu..%lu, %lu PIT ticks, TSC says %lu..%lu\n",
		(uint64_t)c[0], (uint64_t)c[7], ticks, lo, hi);
	check(falling && c[0] > c[7] && ticks + lo / 20 + 2 >= lo &&
	      ticks <= hi + hi / 20 + 2, "pit_latch",
	      "%lu PIT ticks while the TSC says at most %lu", ticks, hi);
}

static void port61_refresh(void)
{
	unsigned int seen0 = 0, seen1 = 0;

	for (unsigned int i = 0; i < 20000 && !(seen0 && seen1); i++) {
		if (inb(PORT_B) & PORTB_REFRESH)
			seen1++;
		else
			seen0++;
	}
	check(seen0 && seen1, "port61_refresh_toggles", "%lu reads low, %lu high",
	      seen0, seen1);
	outb(POST_PORT, 0x55);
	check(inb(POST_PORT) == 0xff, "port80", "reads %#lx, then %#lx", inb(POST_PORT),
	      inb(POST_PORT));
}

static uint8_t cmos(uint8_t reg)
{
	outb(CMOS_INDEX, reg);
	return inb(CMOS_DATA);
}

static void cmos_write(uint8_t reg, uint8_t v)
{
	outb(CMOS_INDEX, reg);
	outb(CMOS_DATA, v);
}

static unsigned int bcd(uint8_t v)
{
	return (v >> 4) * 10u + (v & 0xf);
}

/* Seconds since midnight, after UIP clears, in the BCD 24-hour form. */
static uint64_t rtc_day_secs(uint8_t *day)
{
	uint64_t t0 = rdtsc();

	while ((cmos(RTC_A) & RTC_A_UIP) && rdtsc() - t0 < ms_to_tsc(10))
		;
	*day = cmos(RTC_DAY);
	return bcd(cmos(RTC_HOUR)) * 3600u + bcd(cmos(RTC_MIN)) * 60u +
	       bcd(cmos(RTC_SEC));
}

static void rtc_checks(void)
{
	uint8_t day0, day1, c;
	uint64_t s0, s1, t0, uip = 0, polls = 0, delta;

	check(cmos(RTC_B) == RTC_B_24H && cmos(RTC_D) == 0x80 &&
	      (cmos(RTC_A) & 0x7f) == 0x26, "rtc_status_reset",
	      "B %#lx, D %#lx", cmos(RTC_B), cmos(RTC_D));
	gprintf("timetest: rtc_date=%02x%02x-%02x-%02x %02x:%02x:%02x\n",
		cmos(RTC_CENTURY), cmos(RTC_YEAR), cmos(RTC_MONTH),
		cmos(RTC_DAY), cmos(RTC_HOUR), cmos(RTC_MIN), cmos(RTC_SEC));
	(void)cmos(RTC_C);		/* clears */
	s0 = rtc_day_secs(&day0);
	sleep_ns(2000 * 1000000ull);
	s1 = rtc_day_secs(&day1);
	delta = day1 == day0 ? s1 - s0 : s1 + 86400 - s0;
	gprintf("timetest: rtc_advance_2s=%lu\n", delta);
	check(delta >= 2 && delta <= 3, "rtc_advances", "%lu s in a 2 s sleep (day %lu)",
	      delta, day1);
	c = cmos(RTC_C);
	check((c & RTC_C_UF) && !(cmos(RTC_C) & RTC_C_UF), "rtc_c_update_flag",
	      "C %#lx, then %#lx", c, cmos(RTC_C));
	/* UIP: set for 244 us before each update; poll up to 6 s for it */
	t0 = rdtsc();
	while (!uip && rdtsc() - t0 < ms_to_tsc(6000)) {
		polls++;
		if (cmos(RTC_A) & RTC_A_UIP)
			uip++;
	}
	gprintf("timetest: uip_polls=%lu\n", polls);
	check(uip, "rtc_uip_seen", "no UIP in %lu polls over %lu ms", polls,
	      6000);
}

static void rtc_forms(void)
{
	uint8_t hour_bcd, hour12, sec_bin, day;
	uint64_t s;

	/* binary: the same time as BCD (within the second it took) */
	hour_bcd = cmos(RTC_HOUR);
	cmos_write(RTC_B, RTC_B_24H | RTC_B_BINARY);
	sec_bin = cmos(RTC_SEC);
	check(cmos(RTC_HOUR) == bcd(hour_bcd) && sec_bin < 60, "rtc_binary",
	      "binary hour %lu, BCD %#lx", cmos(RTC_HOUR), hour_bcd);
	/* 12-hour BCD: hour 1-12, bit 7 for PM */
	cmos_write(RTC_B, 0);
	hour12 = cmos(RTC_HOUR);
	check(bcd(hour12 & 0x7f) >= 1 && bcd(hour12 & 0x7f) <= 12 &&
	      (bcd(hour12 & 0x7f) % 12 + (hour12 & 0x80 ? 12 : 0)) == bcd(hour_bcd),
	      "rtc_12_hour", "12-hour %#lx, 24-hour %#lx", hour12, hour_bcd);
	/* set 23:59:58 with SET, then two seconds later it is past midnight */
	cmos_write(RTC_B, RTC_B_24H | RTC_B_SET);
	cmos_write(RTC_HOUR, 0x23);
	cmos_write(RTC_MIN, 0x59);
	cmos_write(RTC_SEC, 0x58);
	check(cmos(RTC_SEC) == 0x58, "rtc_set_holds", "seconds %#lx, minutes %#lx while SET",
	      cmos(RTC_SEC), cmos(RTC_MIN));
	day = cmos(RTC_DAY);
	cmos_write(RTC_B, RTC_B_24H);
	sleep_ns(2500 * 1000000ull);
	s = rtc_day_secs(&(uint8_t){ 0 });
	check(s <= 2 && cmos(RTC_DAY) != day, "rtc_set_time",
	      "%lu s after midnight, day %#lx", s, cmos(RTC_DAY));
	/* CMOS RAM, the BIOS's base memory size */
	cmos_write(CMOS_SCRATCH, 0xa5);
	check(cmos(CMOS_SCRATCH) == 0xa5, "cmos_ram", "read %#lx, wrote %#lx",
	      cmos(CMOS_SCRATCH), 0xa5);
	check(cmos(0x15) == 0x80 && cmos(0x16) == 0x02, "cmos_base_memory",
	      "0x15/0x16 = %#lx/%#lx", cmos(0x15), cmos(0x16));
}

__attribute__((interrupt)) static void pit_isr(struct interrupt_frame *f)
{
	pit_irqs++;
	wrmsr(X2_EOI, 0);
}

__attribute__((interrupt)) static void rtc_isr(struct interrupt_frame *f)
{
	rtc_irqs++;
	(void)cmos(RTC_C);	/* re-arms IRQ 8 */
	wrmsr(X2_EOI, 0);
}

static void ioapic_route(unsigned int pin, uint8_t vector)
{
	volatile uint32_t *sel = (volatile uint32_t *)IOAPIC;
	volatile uint32_t *win = (volatile uint32_t *)(IOAPIC + IOAPIC_WIN);

	*sel = IOAPIC_REDIR(pin) + 1;
	*win = 0;			/* destination APIC ID 0 */
	*sel = IOAPIC_REDIR(pin);
	*win = vector;			/* fixed, physical, edge, unmasked */
}

static void ioapic_mask(unsigned int pin)
{
	volatile uint32_t *sel = (volatile uint32_t *)IOAPIC;
	volatile uint32_t *win = (volatile uint32_t *)(IOAPIC + IOAPIC_WIN);

	*sel = IOAPIC_REDIR(pin);
	*win = IOAPIC_MASKED;
}

/* Interrupts for IRQ_MS, the vCPU waiting in hlt between them. */
static void wait_in_hlt(void)
{
	uint64_t t0 = rdtsc();

	while (rdtsc() - t0 < ms_to_tsc(IRQ_MS))
		__asm__ volatile("sti; hlt; cli" ::: "memory");
}

static void irq_checks(void)
{
	uint16_t count = (PIT_HZ + IRQ0_HZ / 2) / IRQ0_HZ;
	uint64_t want = IRQ0_HZ * IRQ_MS / 1000;

	wrmsr(X2_SVR, SVR_ENABLE);
	idt_set_gate(PIT_VECTOR, pit_isr);
	idt_set_gate(RTC_VECTOR, rtc_isr);
	ioapic_route(GSI_PIT, PIT_VECTOR);
	outb(PIT_CMD, PIT_CH0_MODE2);
	outb(PIT_CH0, count & 0xff);
	outb(PIT_CH0, count >> 8);
	pit_irqs = 0;
	wait_in_hlt();
	outb(PIT_CMD, PIT_CH0_MODE0);	/* stop: one last one-shot */
	ioapic_mask(GSI_PIT);
	gprintf("timetest: irq0_count=%lu want=%lu\n", pit_irqs, want);
	check(pit_irqs >= want * 6 / 10 && pit_irqs <= want * 11 / 10,
	      "irq0_periodic", "%lu IRQ 0 in %lu ms", pit_irqs, IRQ_MS);

	/* the RTC's periodic interrupt at 1024 Hz (rate 6) */
	ioapic_route(GSI_RTC, RTC_VECTOR);
	cmos_write(RTC_A, 0x26);
	(void)cmos(RTC_C);
	rtc_irqs = 0;
	cmos_write(RTC_B, RTC_B_24H | RTC_B_PIE);
	wait_in_hlt();
	cmos_write(RTC_B, RTC_B_24H);
	ioapic_mask(GSI_RTC);
	want = 1024 * IRQ_MS / 1000;
	gprintf("timetest: irq8_count=%lu want=%lu\n", rtc_irqs, want);
	check(rtc_irqs >= want * 6 / 10 && rtc_irqs <= want * 11 / 10,
	      "irq8_periodic", "%lu IRQ 8 in %lu ms", rtc_irqs, IRQ_MS);
}

void guest_main(void)
{
	idt_load();
	cpuid_checks();
	pit_checks();
	pit_latch();
	port61_refresh();
	rtc_checks();
	rtc_forms();
	if (arg_u64("irq", 0))
		irq_checks();
	gprintf("timetest: done: %d failures\n", failures);
}
