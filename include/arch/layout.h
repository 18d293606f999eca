/* SPDX-License-Identifier: MIT */
/* The hypervisor's virtual layout (linker.ld) and address conversions. */
#ifndef KEEL_ARCH_LAYOUT_H
#define KEEL_ARCH_LAYOUT_H

#include <stdint.h>

#define KERNEL_VBASE 0xffffffff80000000ull

extern char __image_start[], __image_end[];
extern char __text_start[], __text_end[];
extern char __rodata_start[], __rodata_end[];
extern char __data_start[], __bss_start[], __bss_end[];

/* Where the loader put the image (boot_info.kernel_phys). */
extern uint64_t kernel_phys_base;

/*
 * Physical memory outside the image is identity mapped, so a frame's
 * physical address is also its virtual address. Image addresses (static
 * variables) are translated.
 */
static inline uint64_t virt_to_phys(const void *p)
{
	uint64_t va = (uint64_t)p;

	if (va >= KERNEL_VBASE)
		return va - KERNEL_VBASE + kernel_phys_base;
	return va;
}

static inline void *phys_to_virt(uint64_t pa)
{
	return (void *)pa;
}

#endif
