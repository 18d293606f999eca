/* SPDX-License-Identifier: MIT */
/*
 * The 8254 counter's arithmetic (core/dev/vpit_count.c): what a counter
 * reads and drives on OUT after a number of its clock ticks, for each
 * mode, as pure functions unit tested on the host
 * (tests/unit/test_vpit_count.c). Intel 82C54 data sheet, "Modes".
 *
 * A counter is described by its mode (0-5), its reload value N (1-65536:
 * a written 0 is 65536) and the ticks it has counted since it started
 * (the count was written, or for modes 1 and 5, the gate rose). No loop
 * runs a number of times a guest chooses: any tick count is one step.
 */
#ifndef KEEL_CORE_DEV_VPIT_COUNT_H
#define KEEL_CORE_DEV_VPIT_COUNT_H

#include <stdbool.h>
#include <stdint.h>

#define PIT_HZ        1193182u	/* the PC's 14.31818 MHz / 12 */
#define PIT_RELOAD_MAX 65536u

enum pit_mode {
	PIT_MODE_TERMINAL = 0,	/* interrupt on terminal count: OUT rises once */
	PIT_MODE_ONE_SHOT = 1,	/* hardware-retriggerable one-shot */
	PIT_MODE_RATE = 2,	/* rate generator: OUT low one tick per period */
	PIT_MODE_SQUARE = 3,	/* square wave: OUT high half, low half */
	PIT_MODE_SW_STROBE = 4,	/* software-triggered strobe */
	PIT_MODE_HW_STROBE = 5,	/* hardware-triggered strobe */
};

struct pit_reading {
	uint16_t count;		/* the counting element (65536 reads as 0) */
	bool out;		/* the OUT pin */
};

/* Clock ticks in ns, rounded down; ns for ticks, rounded up (never early). */
uint64_t pit_ns_to_ticks(uint64_t ns);
uint64_t pit_ticks_to_ns(uint64_t ticks);

/* The reload a written count gives in mode: 0 is the largest (65536). */
uint32_t pit_reload(enum pit_mode mode, uint16_t written);

/*
 * The counter and OUT ticks ticks after it started counting from reload
 * in mode. Modes 2 and 3 repeat every reload ticks; modes 0, 1, 4 and 5
 * count down once and then wrap through 0xffff, as the chip does.
 */
struct pit_reading pit_count_at(enum pit_mode mode, uint32_t reload,
				uint64_t ticks);

/*
 * The tick count, above ticks, at which OUT next rises (an edge on the
 * interrupt line), or UINT64_MAX if it never does: modes 2 and 3 rise at
 * every multiple of reload, mode 0 at reload, modes 4 and 5 one tick
 * after reload, mode 1 at reload.
 */
uint64_t pit_next_rise(enum pit_mode mode, uint32_t reload, uint64_t ticks);

/* How many rising edges OUT made in ticks [1, ticks]. */
uint64_t pit_rises(enum pit_mode mode, uint32_t reload, uint64_t ticks);

#endif
