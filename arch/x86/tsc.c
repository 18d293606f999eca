// SPDX-License-Identifier: MIT
/*
 * TSC calibration against PIT channel 2 (the gate is port 0x61 bit 0 and
 * its output reads back in bit 5), which both QEMU and Bochs emulate.
 * Under emulation the rate is the emulator's, not the host's.
 */
#include <arch/tsc.h>
#include <arch/x86.h>

#define PIT_HZ           1193182u
#define PIT_CH2_DATA     0x42
#define PIT_COMMAND      0x43
#define PIT_CH2_MODE0    0xb0	/* channel 2, lo/hi byte, mode 0, binary */
#define PORT_B           0x61
#define PORT_B_GATE2     0x01
#define PORT_B_SPEAKER   0x02
#define PORT_B_OUT2      0x20
#define CALIBRATE_MS     10
#define CALIBRATE_SPIN_LIMIT 100000000ull
#define FALLBACK_TSC_HZ  1000000000ull

uint64_t tsc_hz = FALLBACK_TSC_HZ;

/*
 * Fixed-point conversion factors, so the clock costs a multiply and a
 * shift (no 128-bit division, which would need libgcc).
 */
#define NS_PER_S        1000000000ull
#define NS_FACTOR_SHIFT 32
#define TSC_FACTOR_SHIFT 24
static uint64_t ns_per_tsc_q32, tsc_per_ns_q24;

static void clock_factors(void)
{
	ns_per_tsc_q32 = (NS_PER_S << NS_FACTOR_SHIFT) / tsc_hz;
	tsc_per_ns_q24 = (tsc_hz << TSC_FACTOR_SHIFT) / NS_PER_S;
}

void tsc_calibrate(void)
{
	uint16_t count = PIT_HZ * CALIBRATE_MS / 1000;
	uint8_t port_b = inb(PORT_B);
	uint64_t start, end, spins = 0;

	outb(PORT_B, (port_b & ~PORT_B_SPEAKER) | PORT_B_GATE2);
	outb(PIT_COMMAND, PIT_CH2_MODE0);
	outb(PIT_CH2_DATA, count & 0xff);
	outb(PIT_CH2_DATA, count >> 8);
	start = rdtsc();
	while (!(inb(PORT_B) & PORT_B_OUT2) && ++spins < CALIBRATE_SPIN_LIMIT)
		;
	end = rdtsc();
	outb(PORT_B, port_b);
	if (spins < CALIBRATE_SPIN_LIMIT && end > start)
		tsc_hz = (end - start) * (1000 / CALIBRATE_MS);
	clock_factors();
}

uint64_t tsc_to_us(uint64_t ticks)
{
	return ticks / (tsc_hz / 1000000 ? tsc_hz / 1000000 : 1);
}

void udelay(uint64_t us)
{
	uint64_t end = rdtsc() + us * (tsc_hz / 1000000);

	while (rdtsc() < end)
		cpu_relax();
}

uint64_t clock_ns(void)
{
	return (uint64_t)(((unsigned __int128)rdtsc() * ns_per_tsc_q32) >>
			  NS_FACTOR_SHIFT);
}

uint64_t ns_to_tsc(uint64_t ns)
{
	unsigned __int128 t = ((unsigned __int128)ns * tsc_per_ns_q24) >>
			      TSC_FACTOR_SHIFT;

	return t > UINT64_MAX ? UINT64_MAX : (uint64_t)t;
}
