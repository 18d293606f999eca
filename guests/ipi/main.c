// SPDX-License-Identifier: MIT
/*
 * ipi: two vCPUs wake each other from hlt with x2APIC IPIs (ICR). vCPU 0
 * starts vCPU 1 and halts; vCPU 1 waits, sends vCPU 0 an IPI and halts;
 * vCPU 0, woken, sends one back. With cpus=0-1 they are on two CPUs, so
 * each wake-up crosses CPUs. Prints "ipi: done" when both woke.
 */
#include "guest.h"

#define VEC_TO_0     0x41
#define VEC_TO_1     0x42
#define X2_EOI       0x80b
#define X2_SVR       0x80f
#define X2_ICR       0x830
#define SVR_ENABLE   0x100
#define STACK_SIZE   16384
#define NS_PER_MS    1000000ul

static uint8_t stack1[STACK_SIZE] __attribute__((aligned(16)));
static volatile int got0, got1, done1;

__attribute__((interrupt)) static void isr0(struct interrupt_frame *f)
{
	got0++;
	wrmsr(X2_EOI, 0);
}

__attribute__((interrupt)) static void isr1(struct interrupt_frame *f)
{
	got1++;
	wrmsr(X2_EOI, 0);
}

static void cpu_setup(void)
{
	idt_load();
	wrmsr(X2_SVR, SVR_ENABLE | 0xff);
}

static void halt_until(volatile int *flag)
{
	while (!*flag)
		__asm__ volatile("sti; hlt; cli" ::: "memory");
}

void guest_ap_main(uint64_t arg)
{
	cpu_setup();
	sleep_ns(20 * NS_PER_MS);	/* vCPU 0 is halted by now */
	wrmsr(X2_ICR, (0ull << 32) | VEC_TO_0);
	halt_until(&got1);
	gprintf("ipi: vcpu1 woke from hlt by vcpu0's IPI\n");
	done1 = 1;
}

void guest_main(void)
{
	long ret;

	if (start_info->vcpu_count < 2) {
		gprintf("FAIL: ipi needs vcpus=2\n");
		return;
	}
	idt_set_gate(VEC_TO_0, isr0);
	idt_set_gate(VEC_TO_1, isr1);
	cpu_setup();
	ret = vcpu_start(1, stack1 + STACK_SIZE, 1);
	if (ret) {
		gprintf("FAIL: vcpu_start returned %ld\n", ret);
		return;
	}
	halt_until(&got0);
	gprintf("ipi: vcpu0 woke from hlt by vcpu1's IPI\n");
	sleep_ns(20 * NS_PER_MS);	/* vCPU 1 is halted by now */
	wrmsr(X2_ICR, (1ull << 32) | VEC_TO_1);
	while (!done1)
		sleep_ns(NS_PER_MS);
	gprintf("ipi: done\n");
}
