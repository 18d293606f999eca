// SPDX-License-Identifier: MIT
/*
 * vtimer: uses the virtual local APIC timer (x2APIC MSRs) the way an OS
 * does: an IDT entry for the timer vector, interrupts enabled, hlt.
 *   - periodic mode: count=N ticks of period=MS, the elapsed time checked;
 *   - one-shot mode: N sleeps of period=MS with hlt, how late each was;
 *   - with interrupts disabled the timer must stay pending, and be taken
 *     right after sti.
 * Prints "vtimer: done" lines; any "FAIL" means the hypervisor got it wrong.
 *
 * With mode=storm it is an attacker instead: a periodic timer of ticks=N
 * (default: the fewest ticks that last 1 ns) with divide 1,
 * far below the hypervisor's minimum period. It then
 *   - waits wait=MS (default 1000) of TSC time with sti; hlt, counting
 *     interrupts;
 *   - sleeps sleep=MS (default 1000) with KEEL_HC_SLEEP, interrupts on and
 *     the timer still running, counting interrupts and how long it took;
 *   - stops the timer and sleeps quiet=MS (default 0) more before it prints
 *     its "vtimer: storm: ..." lines: the hypervisor writes console lines to
 *     the serial port as they end, which takes its CPU a while at 115200
 *     baud, and a victim measured on that CPU should be done by then.
 * The hypervisor must hold the interrupt rate to one per minimum period
 * and not stall the CPU.
 */
#include <lib/string.h>

#include "guest.h"

#define TIMER_VECTOR   0x40
#define X2_EOI         0x80b
#define X2_SVR         0x80f
#define X2_LVT_TIMER   0x832
#define X2_TIMER_INIT  0x838
#define X2_TIMER_DIV   0x83e
#define SVR_ENABLE     0x100
#define SPURIOUS       0xff
#define LVT_PERIODIC   (1u << 17)
#define LVT_MASKED     (1u << 16)
#define DIVIDE_BY_1    0xb
#define NS_PER_MS      1000000ul
#define KHZ_PER_GHZ    1000000ul

static volatile uint64_t ticks;

__attribute__((interrupt)) static void timer_isr(struct interrupt_frame *f)
{
	ticks++;
	wrmsr(X2_EOI, 0);
}

static void wait_ticks(uint64_t n)
{
	while (ticks < n)
		__asm__ volatile("sti; hlt; cli" ::: "memory");
}

static void storm(void)
{
	uint64_t khz = start_info->tsc_khz;
	/* kHz / 10^6 ticks per ns, rounded up */
	uint64_t count = arg_u64("ticks", (khz + KHZ_PER_GHZ - 1) / KHZ_PER_GHZ);
	uint64_t wait = arg_u64("wait", 1000), sleep = arg_u64("sleep", 1000);
	uint64_t t0, waited, slept, wait_ticks, sleep_ticks;
	long ret;

	wrmsr(X2_LVT_TIMER, TIMER_VECTOR | LVT_PERIODIC);
	ticks = 0;
	t0 = rdtsc();
	wrmsr(X2_TIMER_INIT, count);
	while (rdtsc() - t0 < ms_to_tsc(wait))
		__asm__ volatile("sti; hlt; cli" ::: "memory");
	waited = rdtsc() - t0;
	wait_ticks = ticks;

	t0 = rdtsc();
	__asm__ volatile("sti" ::: "memory");
	ret = sleep_ns(sleep * NS_PER_MS);
	__asm__ volatile("cli" ::: "memory");
	slept = rdtsc() - t0;
	sleep_ticks = ticks - wait_ticks;
	wrmsr(X2_TIMER_INIT, 0);
	wrmsr(X2_LVT_TIMER, LVT_MASKED);

	sleep_ns(arg_u64("quiet", 0) * NS_PER_MS);
	gprintf("vtimer: storm: periodic timer of %lu ticks, divide 1\n", count);
	gprintf("vtimer: storm: %lu interrupts in a %lu ms hlt wait that took %lu ms\n",
		wait_ticks, wait, tsc_to_ms(waited));
	if (ret)
		gprintf("FAIL: sleep returned %ld\n", ret);
	gprintf("vtimer: storm: %lu interrupts in a %lu ms sleep that took %lu ms\n",
		sleep_ticks, sleep, tsc_to_ms(slept));
}

void guest_main(void)
{
	uint64_t period = arg_u64("period", 10), count = arg_u64("count", 20);
	uint64_t t0, late_max = 0, late_sum = 0, count_per_period, before;
	char mode[8];

	idt_set_gate(TIMER_VECTOR, timer_isr);
	idt_load();
	wrmsr(X2_SVR, SVR_ENABLE | SPURIOUS);
	wrmsr(X2_TIMER_DIV, DIVIDE_BY_1);
	count_per_period = start_info->tsc_khz * period;	/* TSC-rate timer */
	if (arg_value("mode", mode, sizeof(mode)) && !strcmp(mode, "storm")) {
		storm();
		return;
	}

	/* periodic */
	ticks = 0;
	wrmsr(X2_LVT_TIMER, TIMER_VECTOR | LVT_PERIODIC);
	t0 = rdtsc();
	wrmsr(X2_TIMER_INIT, count_per_period);
	wait_ticks(count);
	wrmsr(X2_TIMER_INIT, 0);
	gprintf("vtimer: done: periodic %lu ticks of %lu ms in %lu ms\n", count,
		period, tsc_to_ms(rdtsc() - t0));

	/* one-shot */
	wrmsr(X2_LVT_TIMER, TIMER_VECTOR);
	for (uint64_t i = 0; i < count; i++) {
		uint64_t start = rdtsc(), late;

		before = ticks;
		wrmsr(X2_TIMER_INIT, count_per_period);
		wait_ticks(before + 1);
		late = (rdtsc() - start - ms_to_tsc(period)) * 1000 /
		       start_info->tsc_khz;
		late_sum += late;
		if (late > late_max)
			late_max = late;
	}
	gprintf("vtimer: done: one-shot %lu x %lu ms, late avg %lu us, max %lu us\n",
		count, period, late_sum / count, late_max);

	/* masked by IF=0: pending until sti */
	before = ticks;
	wrmsr(X2_TIMER_INIT, count_per_period);
	t0 = rdtsc();
	while (rdtsc() - t0 < 3 * ms_to_tsc(period))
		;
	if (ticks != before)
		gprintf("FAIL: the timer interrupt came with interrupts disabled\n");
	__asm__ volatile("sti; nop; cli" ::: "memory");
	if (ticks != before + 1)
		gprintf("FAIL: the pending timer interrupt was not taken after sti\n");
	else
		gprintf("vtimer: done: held while IF=0, taken right after sti\n");
	wrmsr(X2_LVT_TIMER, LVT_MASKED);
}
