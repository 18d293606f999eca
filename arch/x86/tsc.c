// SPDX-License-Identifier: MIT
/*
 * TSC calibration: the rate CPUID states (leaves 15H/16H, see
 * arch/tsc_freq.h) checked against 10 ms of PIT channel 2 (the gate is
 * port 0x61 bit 0 and its output reads back in bit 5).
 *
 * CPUID wins when the two agree (it is exact, the PIT measurement is
 * not) or when there is no PIT. When they disagree the PIT wins: it
 * measures the TSC this CPU really has. That is the case under
 * emulation, where the rate is the emulator's: Bochs states a 3.5 GHz
 * base in leaf 16H but its TSC counts instructions (50 MHz of its
 * virtual time at ips=50000000), and QEMU's -cpu max stops at leaf 0xD.
 */
#include <arch/tsc.h>
#include <arch/tsc_freq.h>
#include <arch/x86.h>
#include <base/log.h>

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
uint64_t tsc_crystal_hz;
const char *tsc_source = "assumed";

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

/* The TSC rate over CALIBRATE_MS of PIT channel 2, or 0 if it never ends. */
static uint64_t pit_measure(void)
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
	if (spins >= CALIBRATE_SPIN_LIMIT || end <= start)
		return 0;
	return (end - start) * (1000 / CALIBRATE_MS);
}

static void read_cpuid_rates(struct tsc_cpuid_rates *rates)
{
	struct tsc_cpuid c = { .max_leaf = cpuid(0, 0).eax };
	struct cpuid_regs r;

	if (c.max_leaf >= CPUID_LEAF_TSC) {
		r = cpuid(CPUID_LEAF_TSC, 0);
		c.leaf15_eax = r.eax;
		c.leaf15_ebx = r.ebx;
		c.leaf15_ecx = r.ecx;
	}
	if (c.max_leaf >= CPUID_LEAF_FREQ)
		c.leaf16_eax = cpuid(CPUID_LEAF_FREQ, 0).eax;
	tsc_cpuid_rates(&c, rates);
}

void tsc_calibrate(void)
{
	struct tsc_cpuid_rates stated;
	uint64_t measured = pit_measure();

	read_cpuid_rates(&stated);
	if (stated.tsc_hz && (!measured || tsc_rates_agree(stated.tsc_hz, measured))) {
		tsc_hz = stated.tsc_hz;
		tsc_crystal_hz = stated.crystal_hz;
		tsc_source = tsc_cpuid_source_name(stated.source);
	} else if (measured) {
		if (stated.tsc_hz)
			log_info("TSC calibration: %s states %lu MHz, the PIT measures %lu MHz: using the PIT",
				 tsc_cpuid_source_name(stated.source),
				 (stated.tsc_hz + 500000) / 1000000,
				 (measured + 500000) / 1000000);
		tsc_hz = measured;
		tsc_source = "PIT";
	}
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
