// SPDX-License-Identifier: MIT
/* One IDT for all of a guest's vCPUs: interrupt gates in the boot GDT's code segment. */
#include "guest.h"

#define GDT_CODE       0x08	/* the boot GDT's code segment (§5) */
#define GATE_INTERRUPT 0x8e

struct __attribute__((packed)) gate {
	uint16_t off_lo, sel;
	uint8_t ist, type;
	uint16_t off_mid;
	uint32_t off_hi, zero;
};

static struct gate idt[256] __attribute__((aligned(16)));

void idt_set_gate(uint8_t vector, void (*handler)(struct interrupt_frame *))
{
	uint64_t a = (uint64_t)handler;

	idt[vector] = (struct gate){ a & 0xffff, GDT_CODE, 0, GATE_INTERRUPT,
				     (a >> 16) & 0xffff, a >> 32, 0 };
}

void idt_load(void)
{
	struct __attribute__((packed)) { uint16_t limit; uint64_t base; } idtr = {
		sizeof(idt) - 1, (uint64_t)idt };

	__asm__ volatile("lidt %0" : : "m"(idtr));
}
