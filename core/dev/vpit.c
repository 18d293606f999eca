// SPDX-License-Identifier: MIT
/*
 * The VM's 8254 PIT; see core/dev/vpit.h. Intel 82C54 data sheet: the
 * control word (port 0x43: SC1 SC0 RW1 RW0 M2 M1 M0 BCD), the counter
 * latch command (RW = 00), the read-back command (SC = 11), and each
 * counter's byte order (RW 01: LSB, 10: MSB, 11: LSB then MSB).
 *
 * Simplifications, none of which an OS's use of the PIT sees: a count is
 * loaded at once rather than on the next clock edge, and a new count
 * written in modes 2 and 3 restarts the period at once rather than at
 * its end.
 */
#include <arch/tsc.h>
#include <core/dev/dev_timer.h>
#include <core/dev/irq.h>
#include <core/dev/vpit.h>
#include <keel/abi.h>
#include <lib/string.h>
#include <lib/util.h>

#define PORT_CONTROL      3
#define CW_SELECT_SHIFT   6
#define CW_ACCESS_SHIFT   4
#define CW_MODE_SHIFT     1
#define CW_BCD            0x01
#define CW_READ_BACK      3	/* SC = 11 */
#define RB_NO_COUNT       0x20	/* read-back: bit 5 clear latches counts */
#define RB_NO_STATUS      0x10	/* bit 4 clear latches status */
#define RB_CHANNEL(n)     (0x02u << (n))
#define ACCESS_LATCH      0
#define ACCESS_LSB        1
#define ACCESS_MSB        2
#define ACCESS_WORD       3
#define STATUS_OUT        0x80
#define STATUS_NULL       0x40
#define BCD_RELOAD_MAX    10000u

static bool gate_triggered(enum pit_mode mode)
{
	return mode == PIT_MODE_ONE_SHOT || mode == PIT_MODE_HW_STROBE;
}

static uint64_t ticks_at(const struct vpit_channel *c, uint64_t now)
{
	if (!c->counting || now < c->run_ns)
		return c->base_ticks;
	return c->base_ticks + pit_ns_to_ticks(now - c->run_ns);
}

static struct pit_reading reading(const struct vpit_channel *c, uint64_t now)
{
	struct pit_reading r;

	if (c->started)
		return pit_count_at(c->mode, c->reload, ticks_at(c, now));
	/* before its count (or trigger): OUT as the mode sets it */
	r.count = (uint16_t)c->reload;
	r.out = c->mode != PIT_MODE_TERMINAL;
	return r;
}

static uint16_t to_bcd(uint16_t v)
{
	v %= BCD_RELOAD_MAX;
	return (uint16_t)((v / 1000) << 12 | (v / 100 % 10) << 8 |
			  (v / 10 % 10) << 4 | v % 10);
}

/* A written BCD count; a nibble above 9 counts as its binary value. */
static uint32_t from_bcd(uint16_t v)
{
	uint32_t n = (v >> 12) * 1000u + (v >> 8 & 0xf) * 100u +
		     (v >> 4 & 0xf) * 10u + (v & 0xf);

	return n ? MIN(n, BCD_RELOAD_MAX) : BCD_RELOAD_MAX;
}

static uint16_t count_now(const struct vpit_channel *c, uint64_t now)
{
	uint16_t n = reading(c, now).count;

	return c->bcd ? to_bcd(n) : n;
}

/*
 * Channel 0's next interrupt after a change at now; the edges up to now
 * are the past (a new count does not interrupt for them). Lock held;
 * moved says the deadline came earlier (vm_dev_deadline_moved after the
 * lock is dropped).
 */
static void rearm_irq(struct vpit *pit, uint64_t now)
{
	const struct vpit_channel *c = &pit->ch[0];
	uint64_t t, rise, next = UINT64_MAX, old = vpit_deadline(pit);

	if (c->started && c->counting) {
		t = ticks_at(c, now);
		pit->irq_rises = pit_rises(c->mode, c->reload, t);
		rise = pit_next_rise(c->mode, c->reload, t);
		if (rise != UINT64_MAX)
			next = c->run_ns + pit_ticks_to_ns(rise - c->base_ticks);
	}
	__atomic_store_n(&pit->irq_ns, next, __ATOMIC_RELEASE);
	if (next < old)
		pit->moved = true;
}

static void start_counting(struct vpit_channel *c, uint64_t now)
{
	c->started = true;
	c->base_ticks = 0;
	c->run_ns = now;
	c->counting = c->gate || gate_triggered(c->mode);
}

static void write_count(struct vpit *pit, unsigned int n, uint8_t byte,
			uint64_t now)
{
	struct vpit_channel *c = &pit->ch[n];
	uint16_t value;

	switch (c->access) {
	case ACCESS_LSB:
		value = byte;
		break;
	case ACCESS_MSB:
		value = (uint16_t)(byte << 8);
		break;
	default:
		if (!c->write_msb) {
			c->write_lsb = byte;
			c->write_msb = true;
			/* mode 0: the first byte stops the count, OUT low */
			if (c->mode == PIT_MODE_TERMINAL) {
				c->armed = c->started = c->counting = false;
				if (n == 0)
					rearm_irq(pit, now);
			}
			return;
		}
		value = (uint16_t)(c->write_lsb | byte << 8);
		c->write_msb = false;
		break;
	}
	c->reload = c->bcd ? from_bcd(value) : pit_reload(c->mode, value);
	c->armed = true;
	c->null_count = false;
	if (gate_triggered(c->mode))
		c->started = c->counting = false;	/* waits for the gate */
	else
		start_counting(c, now);
	if (n == 0)
		rearm_irq(pit, now);
}

static uint8_t status_byte(const struct vpit_channel *c, uint64_t now)
{
	return (uint8_t)((reading(c, now).out ? STATUS_OUT : 0) |
			 (c->null_count ? STATUS_NULL : 0) |
			 c->access << CW_ACCESS_SHIFT |
			 c->mode << CW_MODE_SHIFT | (c->bcd ? CW_BCD : 0));
}

static void latch_count(struct vpit_channel *c, uint64_t now)
{
	if (c->latched)
		return;		/* the first latch holds until read */
	c->latch = count_now(c, now);
	c->latched = true;
}

static void read_back(struct vpit *pit, uint8_t cmd, uint64_t now)
{
	for (unsigned int n = 0; n < VPIT_CHANNELS; n++) {
		struct vpit_channel *c = &pit->ch[n];

		if (!(cmd & RB_CHANNEL(n)))
			continue;
		if (!(cmd & RB_NO_COUNT))
			latch_count(c, now);
		if (!(cmd & RB_NO_STATUS) && !c->status_latched) {
			c->status = status_byte(c, now);
			c->status_latched = true;
		}
	}
}

static void control_word(struct vpit *pit, uint8_t cw, uint64_t now)
{
	unsigned int n = cw >> CW_SELECT_SHIFT, access, mode;
	struct vpit_channel *c;

	if (n == CW_READ_BACK) {
		read_back(pit, cw, now);
		return;
	}
	c = &pit->ch[n];
	access = cw >> CW_ACCESS_SHIFT & 3;
	if (access == ACCESS_LATCH) {
		latch_count(c, now);
		return;
	}
	mode = cw >> CW_MODE_SHIFT & 7;
	c->mode = (uint8_t)(mode > PIT_MODE_HW_STROBE ? mode - 4 : mode);
	c->access = (uint8_t)access;
	c->bcd = cw & CW_BCD;
	c->armed = c->started = c->counting = false;
	c->null_count = true;
	c->write_msb = c->read_msb = false;
	c->latched = c->status_latched = false;
	if (n == 0)
		rearm_irq(pit, now);
}

static uint8_t read_counter(struct vpit_channel *c, uint64_t now)
{
	uint16_t value;
	uint8_t byte;

	if (c->status_latched) {
		c->status_latched = false;
		return c->status;
	}
	value = c->latched ? c->latch : count_now(c, now);
	switch (c->access) {
	case ACCESS_LSB:
		c->latched = false;
		return (uint8_t)value;
	case ACCESS_MSB:
		c->latched = false;
		return (uint8_t)(value >> 8);
	default:
		byte = c->read_msb ? (uint8_t)(value >> 8) : (uint8_t)value;
		if (c->read_msb)
			c->latched = false;
		c->read_msb = !c->read_msb;
		return byte;
	}
}

static int vpit_read(void *dev, void *caller, uint64_t offset, size_t size,
		     uint64_t *value)
{
	struct vpit *pit = dev;
	uint64_t now = clock_ns();

	(void)caller;
	if (size != 1)
		return -KEEL_EINVAL;
	if (offset == PORT_CONTROL) {
		*value = 0xff;	/* the control word is write-only */
		return 0;
	}
	spin_lock(&pit->lock);
	*value = read_counter(&pit->ch[offset], now);
	spin_unlock(&pit->lock);
	return 0;
}

static int vpit_write(void *dev, void *caller, uint64_t offset, size_t size,
		      uint64_t value)
{
	struct vpit *pit = dev;
	uint64_t now = clock_ns();
	bool moved;

	if (size != 1)
		return -KEEL_EINVAL;
	spin_lock(&pit->lock);
	if (offset == PORT_CONTROL)
		control_word(pit, (uint8_t)value, now);
	else
		write_count(pit, (unsigned int)offset, (uint8_t)value, now);
	moved = pit->moved;
	pit->moved = false;
	spin_unlock(&pit->lock);
	if (moved)
		vm_dev_deadline_moved(pit->vm, caller);
	return 0;
}

const struct io_bus_ops vpit_bus_ops = {
	.read = vpit_read,
	.write = vpit_write,
};

void vpit_init(struct vpit *pit, struct vm *vm)
{
	memset(pit, 0, sizeof(*pit));
	pit->vm = vm;
	pit->irq_ns = UINT64_MAX;
	for (unsigned int n = 0; n < VPIT_CHANNELS; n++) {
		pit->ch[n].access = ACCESS_WORD;
		pit->ch[n].reload = PIT_RELOAD_MAX;
		pit->ch[n].gate = n != 2;
	}
}

void vpit_set_gate2(struct vpit *pit, bool high, uint64_t now)
{
	struct vpit_channel *c = &pit->ch[2];

	spin_lock(&pit->lock);
	if (high != c->gate && c->armed) {
		if (high && (gate_triggered(c->mode) ||
			     c->mode == PIT_MODE_RATE ||
			     c->mode == PIT_MODE_SQUARE)) {
			start_counting(c, now);	/* (re)trigger, or reload */
			c->counting = true;
		} else if (high) {
			c->run_ns = now;	/* modes 0 and 4 go on */
			c->counting = true;
		} else if (!gate_triggered(c->mode)) {
			c->base_ticks = ticks_at(c, now);	/* suspended */
			c->counting = false;
			if (c->mode == PIT_MODE_RATE || c->mode == PIT_MODE_SQUARE)
				c->base_ticks = 0;	/* OUT high, reload at the rise */
		}
	}
	c->gate = high;
	spin_unlock(&pit->lock);
}

bool vpit_out2(struct vpit *pit, uint64_t now)
{
	bool out;

	spin_lock(&pit->lock);
	out = reading(&pit->ch[2], now).out;
	spin_unlock(&pit->lock);
	return out;
}

void vpit_service(struct vpit *pit, uint64_t now)
{
	struct vpit_channel *c = &pit->ch[0];
	uint64_t t, rises, next = UINT64_MAX, rise;
	bool pulse = false;

	if (now < vpit_deadline(pit))
		return;
	spin_lock(&pit->lock);
	if (now >= pit->irq_ns && c->started && c->counting) {
		t = ticks_at(c, now);
		rises = pit_rises(c->mode, c->reload, t);
		if (rises > pit->irq_rises) {
			pulse = true;
			pit->irqs++;
			pit->coalesced += rises - pit->irq_rises - 1;
			pit->irq_rises = rises;
		}
		rise = pit_next_rise(c->mode, c->reload, t);
		if (rise != UINT64_MAX)
			next = MAX(c->run_ns + pit_ticks_to_ns(rise - c->base_ticks),
				   now + DEV_MIN_PERIOD_NS);
		__atomic_store_n(&pit->irq_ns, next, __ATOMIC_RELEASE);
	} else if (now >= pit->irq_ns) {
		__atomic_store_n(&pit->irq_ns, UINT64_MAX, __ATOMIC_RELEASE);
	}
	spin_unlock(&pit->lock);
	if (pulse)
		vm_irq_pulse(pit->vm, GSI_PIT);
}
