/* SPDX-License-Identifier: MIT */
/*
 * Loading a Linux bzImage by the x86 boot protocol (core/load/linux.c,
 * Linux Documentation/x86/boot.rst, docs/guests.md "Entry formats"): the
 * protected-mode kernel at its pref_address, the initrd at the top of
 * RAM, the zero page (struct boot_params) with the setup header, an E820
 * map and the command line, and the 64-bit entry state.
 */
#ifndef KEEL_CORE_LOAD_LINUX_H
#define KEEL_CORE_LOAD_LINUX_H

#include <stdint.h>

struct boot_module;
struct vcpu_entry_state;
struct vm;
struct vm_desc;

#define LINUX_PARAMS_GPA  0x7000ull	/* the zero page, in RSI at entry */
#define LINUX_CMDLINE_GPA 0x20000ull

/*
 * Loads image (a bzImage) and d's initrd into vm's memory and writes the
 * zero page, the command line, a GDT, a TSS and identity-mapping page
 * tables. 0 with *entry set and vm->linux_params_gpa set, or
 * -KEEL_ENOEXEC / -KEEL_ENOENT with *why set; vm is left for the caller
 * to free.
 */
int linux_load(struct vm *vm, const struct vm_desc *d,
	       const struct boot_module *image, uint64_t *entry,
	       const char **why);

/*
 * The state at the 64-bit entry (boot.rst "64-bit Boot Protocol") but
 * for RSI: long mode with the identity map, CS __BOOT_CS (0x10), the
 * data segments __BOOT_DS (0x18), interrupts off.
 */
void linux_entry_state(struct vcpu_entry_state *s, uint64_t entry);

#endif
