// SPDX-License-Identifier: MIT
/*
 * The VM's CMOS RTC; see core/dev/vrtc.h. Motorola MC146818A data sheet:
 * the time, alarm and status registers; the IBM PC/AT's CMOS layout for
 * the century (0x32) and memory size bytes.
 *
 * The clock is base_secs at base_ns plus the seconds since, so the time
 * registers, UIP and register C's flags are computed when read, and
 * nothing runs for them unless an interrupt is enabled. Register C's
 * flags are brought up to date (account) whenever their enables, their
 * rate or the time change and when C is read; IRQ 8 is pulsed when
 * IRQF (any enabled flag) goes from 0 to 1, which reading C re-arms, as
 * the chip's IRQ line is held until then.
 *
 * Simplifications: status A's divider bits are kept but do not stop the
 * clock; the weekday register follows the date (writes are ignored);
 * daylight saving (B bit 0) and the square-wave output are kept, unused.
 */
#include <arch/tsc.h>
#include <core/dev/dev_timer.h>
#include <core/dev/irq.h>
#include <core/dev/vrtc.h>
#include <core/dev/vrtc_regs.h>
#include <drivers/cmos_rtc.h>
#include <keel/abi.h>
#include <lib/string.h>
#include <lib/util.h>

#define PORT_INDEX     0
#define INDEX_NMI      0x80
#define REG_SECONDS    0x00
#define REG_SEC_ALARM  0x01
#define REG_MINUTES    0x02
#define REG_MIN_ALARM  0x03
#define REG_HOURS      0x04
#define REG_HOUR_ALARM 0x05
#define REG_WEEKDAY    0x06
#define REG_DAY        0x07
#define REG_MONTH      0x08
#define REG_YEAR       0x09
#define REG_A          0x0a
#define REG_B          0x0b
#define REG_C          0x0c
#define REG_D          0x0d
#define REG_CENTURY    0x32
#define A_UIP          0x80
#define A_WRITABLE     0x7f
#define A_RATE         0x0f
#define A_RESET        0x26	/* 32.768 kHz base, 1024 Hz rate (unused) */
#define B_SET          0x80
#define B_PIE          0x40
#define B_AIE          0x20
#define B_UIE          0x10
#define B_BINARY       0x04
#define B_24H          0x02
#define B_RESET        B_24H
#define B_ENABLES      (B_PIE | B_AIE | B_UIE)
#define C_IRQF         0x80
#define C_PF           0x40	/* the same bits as their enables in B */
#define C_AF           0x20
#define C_UF           0x10
#define D_VRT          0x80	/* the battery is good */
/* the AT's CMOS RAM: equipment and memory sizes, checksum over 0x10-0x2d */
#define CMOS_EQUIPMENT 0x14
#define EQUIP_FPU      0x02
#define CMOS_BASE_MEM  0x15
#define CMOS_EXT_MEM   0x17
#define CMOS_EXT_MEM2  0x30
#define CMOS_HIGH_MEM  0x34
#define CMOS_SUM_FIRST 0x10
#define CMOS_SUM_LAST  0x2d
#define CMOS_CHECKSUM  0x2e
#define BASE_MEM_KIB   640u
#define NS_PER_S       1000000000ull
/* UIP is set this long before each second's update (data sheet: 244 us) */
#define UIP_NS         244000ull

static bool binary(const struct vrtc *r)
{
	return r->ram[REG_B] & B_BINARY;
}

static bool held(const struct vrtc *r)
{
	return r->ram[REG_B] & B_SET;
}

/* Whole seconds of the clock since base_ns (0 before it). */
static uint64_t seconds_since_base(const struct vrtc *r, uint64_t now)
{
	return now > r->base_ns ? (now - r->base_ns) / NS_PER_S : 0;
}

static uint64_t secs_at(const struct vrtc *r, uint64_t now)
{
	return r->base_secs + seconds_since_base(r, now);
}

/* The next second's update, in clock_ns. */
static uint64_t next_update_ns(const struct vrtc *r, uint64_t now)
{
	return r->base_ns + (seconds_since_base(r, now) + 1) * NS_PER_S;
}

static void time_now(const struct vrtc *r, uint64_t now, struct civil_time *t)
{
	if (held(r))
		*t = r->held;	/* as the guest wrote it, maybe not normal yet */
	else
		civil_from_secs(secs_at(r, now), t);
}

static uint8_t irqf(const struct vrtc *r)
{
	return r->flags & r->ram[REG_B] & B_ENABLES;
}

/* Register C's flags for the events in (flags_ns, now]. */
static void account(struct vrtc *r, uint64_t now)
{
	uint64_t from = r->flags_ns, period = rtc_period_ns(r->ram[REG_A]);
	uint64_t periods = period ? now / period - from / period : 0, alarm;

	if (now <= from)
		return;
	if (periods) {
		r->flags |= C_PF;
		if (r->ram[REG_B] & B_PIE)
			r->coalesced += periods - 1;
	}
	if (!held(r)) {
		if (seconds_since_base(r, now) > seconds_since_base(r, from))
			r->flags |= C_UF;
		alarm = rtc_next_alarm(secs_at(r, from), r->ram[REG_HOUR_ALARM],
				       r->ram[REG_MIN_ALARM],
				       r->ram[REG_SEC_ALARM], binary(r),
				       r->ram[REG_B] & B_24H);
		if (alarm <= secs_at(r, now))
			r->flags |= C_AF;
	}
	r->flags_ns = now;
}

/*
 * The next enabled event while IRQF is clear (no new edge while set).
 * True if it came earlier: the caller tells vm_dev_deadline_moved once
 * the lock is dropped.
 */
static bool rearm(struct vrtc *r, uint64_t now)
{
	uint64_t next = UINT64_MAX, old = vrtc_deadline(r), period, alarm;
	uint8_t b = r->ram[REG_B];

	if (!irqf(r)) {
		period = rtc_period_ns(r->ram[REG_A]);
		if ((b & B_PIE) && period)
			next = MAX((now / period + 1) * period,
				   now + DEV_MIN_PERIOD_NS);
		if ((b & B_UIE) && !held(r))
			next = MIN(next, next_update_ns(r, now));
		if ((b & B_AIE) && !held(r)) {
			alarm = rtc_next_alarm(secs_at(r, now),
					       r->ram[REG_HOUR_ALARM],
					       r->ram[REG_MIN_ALARM],
					       r->ram[REG_SEC_ALARM], binary(r),
					       b & B_24H);
			if (alarm != RTC_NEVER)
				next = MIN(next, r->base_ns +
					   (alarm - r->base_secs) * NS_PER_S);
		}
	}
	__atomic_store_n(&r->irq_ns, next, __ATOMIC_RELEASE);
	return next < old;
}

static uint8_t read_time(const struct vrtc *r, unsigned int reg, uint64_t now)
{
	struct civil_time t;
	bool bin = binary(r);

	time_now(r, now, &t);
	switch (reg) {
	case REG_SECONDS:
		return rtc_encode(t.second, bin);
	case REG_MINUTES:
		return rtc_encode(t.minute, bin);
	case REG_HOURS:
		return rtc_encode_hour(t.hour, bin, r->ram[REG_B] & B_24H);
	case REG_WEEKDAY:
		if (held(r))
			civil_from_secs(civil_to_secs(&t), &t);
		return rtc_encode(t.weekday + 1u, bin);	/* Sunday is 1 */
	case REG_DAY:
		return rtc_encode(t.day, bin);
	case REG_MONTH:
		return rtc_encode(t.month, bin);
	case REG_YEAR:
		return rtc_encode(t.year % 100, bin);
	default:
		return rtc_encode(t.year / 100, bin);	/* REG_CENTURY */
	}
}

/* A time register written: the field changes, the second's phase stays. */
static void write_time(struct vrtc *r, unsigned int reg, uint8_t value,
		       uint64_t now)
{
	struct civil_time t;
	bool bin = binary(r);
	int v = reg == REG_HOURS ?
		rtc_decode_hour(value, bin, r->ram[REG_B] & B_24H) :
		rtc_decode(value, bin);

	if (v < 0 || reg == REG_WEEKDAY)
		return;		/* no value a clock can hold; or derived */
	time_now(r, now, &t);
	switch (reg) {
	case REG_SECONDS:
		t.second = (uint8_t)MIN(v, 59);
		break;
	case REG_MINUTES:
		t.minute = (uint8_t)MIN(v, 59);
		break;
	case REG_HOURS:
		t.hour = (uint8_t)v;
		break;
	case REG_DAY:
		t.day = (uint8_t)MIN(v, 31);
		break;
	case REG_MONTH:
		t.month = (uint8_t)MIN(v, 12);
		break;
	case REG_YEAR:
		t.year = t.year / 100 * 100 + (uint32_t)MIN(v, 99);
		break;
	default:	/* REG_CENTURY */
		t.year = (uint32_t)MIN(v, 99) * 100 + t.year % 100;
		break;
	}
	if (held(r)) {
		r->held = t;
		return;
	}
	r->base_ns += seconds_since_base(r, now) * NS_PER_S;
	r->base_secs = civil_to_secs(&t);
}

static void write_b(struct vrtc *r, uint8_t value, uint64_t now)
{
	uint8_t old = r->ram[REG_B];

	if ((value & B_SET) && !(old & B_SET)) {
		civil_from_secs(secs_at(r, now), &r->held);
		value &= ~B_UIE;	/* SET clears UIE (data sheet) */
	} else if (!(value & B_SET) && (old & B_SET)) {
		/* the updates start again one second after SET clears */
		r->base_secs = civil_to_secs(&r->held);
		r->base_ns = now;
	}
	r->ram[REG_B] = value;
}

static bool is_time_reg(unsigned int reg)
{
	switch (reg) {
	case REG_SECONDS:
	case REG_MINUTES:
	case REG_HOURS:
	case REG_WEEKDAY:
	case REG_DAY:
	case REG_MONTH:
	case REG_YEAR:
	case REG_CENTURY:
		return true;
	default:
		return false;
	}
}

static uint8_t read_data(struct vrtc *r, uint64_t now, bool *pulse,
			 bool *moved)
{
	unsigned int reg = r->index;
	uint8_t was, v;

	if (is_time_reg(reg))
		return read_time(r, reg, now);
	switch (reg) {
	case REG_A:
		v = r->ram[REG_A];
		if (!held(r) && next_update_ns(r, now) - now <= UIP_NS)
			v |= A_UIP;
		return v;
	case REG_C:
		was = irqf(r);
		account(r, now);
		v = r->flags | (irqf(r) ? C_IRQF : 0);
		*pulse = !was && irqf(r);
		r->flags = 0;		/* reading clears, IRQ 8 goes low */
		*moved = rearm(r, now);
		return v;
	case REG_D:
		return D_VRT;
	default:
		return r->ram[reg];
	}
}

static void write_data(struct vrtc *r, uint8_t value, uint64_t now,
		       bool *pulse, bool *moved)
{
	unsigned int reg = r->index;
	uint8_t was;

	if (reg == REG_C || reg == REG_D)
		return;		/* read-only */
	if (!is_time_reg(reg) && reg != REG_A && reg != REG_B &&
	    reg != REG_SEC_ALARM && reg != REG_MIN_ALARM &&
	    reg != REG_HOUR_ALARM) {
		r->ram[reg] = value;	/* plain CMOS RAM */
		return;
	}
	/* the events so far count under the old settings */
	was = irqf(r);
	account(r, now);
	if (is_time_reg(reg))
		write_time(r, reg, value, now);
	else if (reg == REG_A)
		r->ram[REG_A] = value & A_WRITABLE;
	else if (reg == REG_B)
		write_b(r, value, now);
	else
		r->ram[reg] = value;	/* an alarm byte */
	*pulse = !was && irqf(r);	/* an enable met a set flag */
	*moved = rearm(r, now);
}

/* Outside the lock: the interrupt, and the timekeeper told. */
static void after_access(struct vrtc *r, void *caller, bool pulse, bool moved)
{
	if (pulse) {
		__atomic_add_fetch(&r->irqs, 1, __ATOMIC_RELAXED);
		vm_irq_pulse(r->vm, GSI_RTC);
	}
	if (moved)
		vm_dev_deadline_moved(r->vm, caller);
}

static int vrtc_read(void *dev, void *caller, uint64_t offset, size_t size,
		     uint64_t *value)
{
	struct vrtc *r = dev;
	bool pulse = false, moved = false;

	if (size != 1)
		return -KEEL_EINVAL;
	if (offset == PORT_INDEX) {
		*value = 0xff;	/* write-only on the PC */
		return 0;
	}
	spin_lock(&r->lock);
	*value = read_data(r, clock_ns(), &pulse, &moved);
	spin_unlock(&r->lock);
	after_access(r, caller, pulse, moved);
	return 0;
}

static int vrtc_write(void *dev, void *caller, uint64_t offset, size_t size,
		      uint64_t value)
{
	struct vrtc *r = dev;
	bool pulse = false, moved = false;

	if (size != 1)
		return -KEEL_EINVAL;
	spin_lock(&r->lock);
	if (offset == PORT_INDEX) {
		r->index = value & ~INDEX_NMI & 0xff;
		r->nmi_masked = value & INDEX_NMI;
	} else {
		write_data(r, (uint8_t)value, clock_ns(), &pulse, &moved);
	}
	spin_unlock(&r->lock);
	after_access(r, caller, pulse, moved);
	return 0;
}

const struct io_bus_ops vrtc_bus_ops = {
	.read = vrtc_read,
	.write = vrtc_write,
};

void vrtc_service(struct vrtc *r, uint64_t now)
{
	bool pulse;
	uint8_t was;

	if (now < vrtc_deadline(r))
		return;
	spin_lock(&r->lock);
	was = irqf(r);
	account(r, now);
	pulse = !was && irqf(r);
	rearm(r, now);	/* only later: the servicing vCPU looks again */
	spin_unlock(&r->lock);
	after_access(r, NULL, pulse, false);
}

static void put_word(uint8_t *ram, unsigned int at, uint64_t v)
{
	v = MIN(v, 0xffffu);
	ram[at] = (uint8_t)v;
	ram[at + 1] = (uint8_t)(v >> 8);
}

/* The bytes a BIOS leaves for mem bytes of RAM (IBM PC/AT layout). */
static void bios_bytes(uint8_t *ram, uint64_t mem)
{
	uint64_t kib = mem / 1024, sum = 0;
	uint64_t high = MIN(mem, 4ull << 30);

	ram[CMOS_EQUIPMENT] = EQUIP_FPU;
	put_word(ram, CMOS_BASE_MEM, MIN(kib, BASE_MEM_KIB));
	put_word(ram, CMOS_EXT_MEM, kib > 1024 ? kib - 1024 : 0);
	put_word(ram, CMOS_EXT_MEM2, kib > 1024 ? kib - 1024 : 0);
	/* above 16 MiB (below 4 GiB) in 64 KiB blocks */
	put_word(ram, CMOS_HIGH_MEM,
		 high > (16ull << 20) ? (high - (16ull << 20)) >> 16 : 0);
	for (unsigned int i = CMOS_SUM_FIRST; i <= CMOS_SUM_LAST; i++)
		sum += ram[i];
	ram[CMOS_CHECKSUM] = (uint8_t)(sum >> 8);	/* big-endian */
	ram[CMOS_CHECKSUM + 1] = (uint8_t)sum;
}

void vrtc_init(struct vrtc *r, struct vm *vm, uint64_t mem)
{
	uint64_t now = clock_ns();

	memset(r, 0, sizeof(*r));
	r->vm = vm;
	r->ram[REG_A] = A_RESET;
	r->ram[REG_B] = B_RESET;
	r->ram[REG_D] = D_VRT;
	bios_bytes(r->ram, mem);
	host_wall_time(now, &r->base_secs, &r->base_ns);
	r->flags_ns = now;
	r->irq_ns = UINT64_MAX;
}
