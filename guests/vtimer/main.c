// SPDX-License-Identifier: MIT
/*
 * vtimer: uses the virtual local APIC timer (x2APIC MSRs) the way an OS
 * does: an IDT entry for the timer vector, interrupts enabled, hlt.
 *   - periodic mode: count=N ticks of period=MS, the elapsed time checked;
 *   - one-shot mode: N sleeps of period=MS with hlt, how late each was;
 *   - with interrupts disabled the timer must stay pending, and be taken
 *     right after sti.
 * Prints "vtimer: done" lines; any "FAIL" means the hypervisor got it wrong.
 */
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

void guest_main(void)
{
	uint64_t period = arg_u64("period", 10), count = arg_u64("count", 20);
	uint64_t t0, late_max = 0, late_sum = 0, count_per_period, before;

	idt_set_gate(TIMER_VECTOR, timer_isr);
	idt_load();
	wrmsr(X2_SVR, SVR_ENABLE | SPURIOUS);
	wrmsr(X2_TIMER_DIV, DIVIDE_BY_1);
	count_per_period = start_info->tsc_khz * period;	/* TSC-rate timer */

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
