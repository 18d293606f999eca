// SPDX-License-Identifier: MIT
/* The legacy 8259 pair: masked for good, Keel uses the local APIC only. */
#include <arch/pic.h>
#include <arch/x86.h>

#define PIC1_DATA 0x21
#define PIC2_DATA 0xa1
#define PIC_MASK_ALL 0xff

void pic_disable(void)
{
	outb(PIC1_DATA, PIC_MASK_ALL);
	outb(PIC2_DATA, PIC_MASK_ALL);
}
