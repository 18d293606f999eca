// SPDX-License-Identifier: MIT
/*
 * Machine reset, trying in turn: the PCI reset control register (0xcf9,
 * full reset), the keyboard controller's reset line (0x64 <- 0xfe), and
 * finally a triple fault (an empty IDT, then an exception).
 */
#include <arch/reboot.h>
#include <arch/x86.h>

#define RESET_CONTROL_PORT 0xcf9
#define RESET_FULL         0x0e	/* full reset, CPU reset, system reset */
#define KBC_COMMAND_PORT   0x64
#define KBC_STATUS_BUSY    0x02
#define KBC_PULSE_RESET    0xfe

static void settle(void)
{
	for (unsigned int i = 0; i < 100000; i++)
		cpu_relax();
}

void machine_reboot(void)
{
	static const struct __attribute__((packed)) {
		uint16_t limit;
		uint64_t base;
	} no_idt = { 0, 0 };

	irq_disable();
	outb(RESET_CONTROL_PORT, 0x02);
	outb(RESET_CONTROL_PORT, RESET_FULL);
	settle();
	for (unsigned int i = 0; i < 1000 && (inb(KBC_COMMAND_PORT) & KBC_STATUS_BUSY); i++)
		settle();
	outb(KBC_COMMAND_PORT, KBC_PULSE_RESET);
	settle();
	__asm__ volatile("lidt %0; int3" : : "m"(no_idt));
	for (;;)
		cpu_halt();
}
