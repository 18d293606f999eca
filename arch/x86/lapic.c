// SPDX-License-Identifier: MIT
/* Local APIC access (SDM 10.4-10.12). */
#include <arch/lapic.h>
#include <arch/msr.h>
#include <arch/tsc.h>
#include <arch/tsc_freq.h>
#include <arch/x86.h>
#include <base/log.h>
#include <base/panic.h>
#include <mm/hv_map.h>
#include <mm/pagetable.h>

#define LAPIC_ID      0x020
#define LAPIC_EOI     0x0b0
#define LAPIC_SVR     0x0f0
#define LAPIC_ICR_LO  0x300
#define LAPIC_ICR_HI  0x310
#define LAPIC_LVT_TIMER 0x320
#define LAPIC_LVT_LINT0 0x350
#define LAPIC_LVT_LINT1 0x360
#define LAPIC_LVT_ERROR 0x370
#define LAPIC_TIMER_INITIAL 0x380
#define LAPIC_TIMER_CURRENT 0x390
#define LAPIC_TIMER_DIVIDE  0x3e0
#define X2APIC_MSR_BASE 0x800
#define MSR_TSC_DEADLINE 0x6e0

#define TIMER_MODE_ONESHOT     (0u << 17)
#define TIMER_MODE_TSC_DEADLINE (2u << 17)
#define TIMER_DIVIDE_BY_1      0xb
#define TIMER_CALIBRATE_US     10000
#define TIMER_COUNT_MAX        0xffffffffu

#define SVR_ENABLE      (1u << 8)
#define LVT_MASKED      (1u << 16)
#define ICR_DELIVERY_PENDING (1u << 12)
#define ICR_FIXED       0x00004000u	/* fixed, level assert */
#define ICR_INIT        0x00004500u	/* INIT, level assert */
#define ICR_STARTUP     0x00004600u	/* start-up, level assert */
#define ICR_DEST_SHIFT  24
#define ICR_SEND_TIMEOUT_US 10000

#define INIT_DEASSERT_WAIT_US 10000	/* SDM 8.4.4.1: 10 ms */
#define SIPI_WAIT_US 200

static volatile uint32_t *xapic;
static bool x2apic;
static bool tsc_deadline;
static uint64_t timer_ticks_per_tsc_q32;	/* LAPIC ticks per TSC tick, 32.32 */

static uint32_t lapic_read(uint32_t reg)
{
	if (x2apic)
		return (uint32_t)rdmsr(X2APIC_MSR_BASE + (reg >> 4));
	return xapic[reg / 4];
}

static void lapic_write(uint32_t reg, uint32_t v)
{
	if (x2apic)
		wrmsr(X2APIC_MSR_BASE + (reg >> 4), v);
	else
		xapic[reg / 4] = v;
}

void lapic_global_init(void)
{
	uint64_t base = rdmsr(MSR_IA32_APIC_BASE);
	uint64_t pa;

	x2apic = base & APIC_BASE_X2APIC;
	if (x2apic) {
		log_info("local APIC: x2APIC mode (the firmware enabled it)");
		return;
	}
	pa = base & APIC_BASE_ADDR_MASK;
	hv_map_identity(pa, PT_PAGE_4K, PT_RW | PT_UC);
	xapic = (volatile uint32_t *)pa;
	/* xAPIC reaches APIC ids up to 254: enough unless the firmware says */
	log_info("local APIC: xAPIC mode at %#lx (%s)", pa,
		 cpuid(1, 0).ecx & CPUID_1_ECX_X2APIC ?
		 "x2APIC available, left off by the firmware" :
		 "this CPU has no x2APIC");
}

bool lapic_x2apic_mode(void)
{
	return x2apic;
}

void lapic_cpu_init(void)
{
	lapic_write(LAPIC_LVT_TIMER, LVT_MASKED);
	lapic_write(LAPIC_LVT_LINT0, LVT_MASKED);
	lapic_write(LAPIC_LVT_LINT1, LVT_MASKED);
	lapic_write(LAPIC_LVT_ERROR, LVT_MASKED);
	lapic_write(LAPIC_SVR, SVR_ENABLE | 0xff);
}

uint32_t lapic_id(void)
{
	uint32_t id = lapic_read(LAPIC_ID);

	return x2apic ? id : id >> 24;
}

void lapic_eoi(void)
{
	lapic_write(LAPIC_EOI, 0);
}

static void lapic_send_ipi(uint32_t apic_id, uint32_t icr)
{
	if (x2apic) {
		wrmsr(X2APIC_MSR_BASE + (LAPIC_ICR_LO >> 4),
		      ((uint64_t)apic_id << 32) | icr);
		return;
	}
	lapic_write(LAPIC_ICR_HI, apic_id << ICR_DEST_SHIFT);
	lapic_write(LAPIC_ICR_LO, icr);
	for (int i = 0; i < ICR_SEND_TIMEOUT_US; i++) {
		if (!(lapic_read(LAPIC_ICR_LO) & ICR_DELIVERY_PENDING))
			break;
		udelay(1);
	}
}

void lapic_send_fixed(uint32_t apic_id, uint8_t vector)
{
	lapic_send_ipi(apic_id, ICR_FIXED | vector);
}

void lapic_start_ap(uint32_t apic_id, uint64_t start_page)
{
	uint32_t vector = (uint32_t)(start_page >> 12);

	lapic_send_ipi(apic_id, ICR_INIT);
	udelay(INIT_DEASSERT_WAIT_US);
	lapic_send_ipi(apic_id, ICR_STARTUP | vector);
	udelay(SIPI_WAIT_US);
	lapic_send_ipi(apic_id, ICR_STARTUP | vector);
}

/*
 * The one-shot timer's rate against the TSC. With divide-by-1 it counts
 * the core crystal clock when CPUID 15H enumerates it (SDM 10.5.4): that
 * rate is used when the measurement agrees, as for the TSC (tsc.c).
 */
void lapic_timer_init(void)
{
	uint64_t start, elapsed, ticks, hz;
	const char *source = "measured";

	tsc_deadline = cpuid(1, 0).ecx & CPUID_1_ECX_TSC_DEADLINE;
	if (tsc_deadline) {
		log_info("timer: TSC-deadline mode");
		return;
	}
	/* QEMU TCG has no TSC-deadline: count the one-shot timer against the TSC */
	lapic_write(LAPIC_TIMER_DIVIDE, TIMER_DIVIDE_BY_1);
	lapic_write(LAPIC_LVT_TIMER, LVT_MASKED | TIMER_MODE_ONESHOT);
	lapic_write(LAPIC_TIMER_INITIAL, TIMER_COUNT_MAX);
	start = rdtsc();
	udelay(TIMER_CALIBRATE_US);
	ticks = TIMER_COUNT_MAX - lapic_read(LAPIC_TIMER_CURRENT);
	elapsed = rdtsc() - start;
	lapic_write(LAPIC_TIMER_INITIAL, 0);
	if (!elapsed || !ticks)
		panic("the local APIC timer does not count");
	timer_ticks_per_tsc_q32 = (ticks << 32) / elapsed;
	hz = (uint64_t)(((unsigned __int128)timer_ticks_per_tsc_q32 * tsc_hz) >> 32);
	if (tsc_crystal_hz <= UINT32_MAX && tsc_rates_agree(tsc_crystal_hz, hz)) {
		hz = tsc_crystal_hz;
		timer_ticks_per_tsc_q32 = (hz << 32) / tsc_hz;
		source = tsc_source;
	}
	log_info("timer: one-shot local APIC timer, %lu MHz (%s)",
		 (hz + 500000) / 1000000, source);
}

void lapic_timer_cpu_init(void)
{
	lapic_write(LAPIC_TIMER_DIVIDE, TIMER_DIVIDE_BY_1);
	lapic_write(LAPIC_LVT_TIMER, LVT_MASKED);
}

void lapic_timer_arm(uint64_t deadline_tsc)
{
	uint64_t now, count;

	if (tsc_deadline) {
		lapic_write(LAPIC_LVT_TIMER, TIMER_MODE_TSC_DEADLINE | LAPIC_TIMER_VECTOR);
		wrmsr(MSR_TSC_DEADLINE, deadline_tsc ? deadline_tsc : 1);
		return;
	}
	now = rdtsc();
	count = deadline_tsc > now ?
		(uint64_t)(((unsigned __int128)(deadline_tsc - now) *
			    timer_ticks_per_tsc_q32) >> 32) : 1;
	if (count == 0)
		count = 1;
	if (count > TIMER_COUNT_MAX)
		count = TIMER_COUNT_MAX;	/* fires early; the scheduler re-arms */
	lapic_write(LAPIC_LVT_TIMER, TIMER_MODE_ONESHOT | LAPIC_TIMER_VECTOR);
	lapic_write(LAPIC_TIMER_INITIAL, (uint32_t)count);
}

void lapic_timer_stop(void)
{
	if (tsc_deadline)
		wrmsr(MSR_TSC_DEADLINE, 0);
	else
		lapic_write(LAPIC_TIMER_INITIAL, 0);
	lapic_write(LAPIC_LVT_TIMER, LVT_MASKED);
}
