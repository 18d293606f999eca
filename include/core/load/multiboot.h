/* SPDX-License-Identifier: MIT */
/*
 * Loading a Multiboot (version 1) kernel (core/load/multiboot.c,
 * docs/guests.md "Entry formats"): the kernel at its addresses, its
 * modules after it, the Multiboot information structure, and the state
 * vCPU 0 starts in (32-bit protected mode, no paging, EAX 0x2BADB002,
 * EBX the structure's address).
 */
#ifndef KEEL_CORE_LOAD_MULTIBOOT_H
#define KEEL_CORE_LOAD_MULTIBOOT_H

#include <stdint.h>

struct boot_module;
struct vcpu_entry_state;
struct vm;
struct vm_desc;

/*
 * Loads image (which carries a Multiboot header) and d's modules into
 * vm's memory and writes the information structure, a GDT and a TSS.
 * 0 with *entry set and vm->mb_info_gpa set, or -KEEL_ENOEXEC /
 * -KEEL_ENOENT with *why set; vm is left for the caller to free.
 */
int multiboot_load(struct vm *vm, const struct vm_desc *d,
		   const struct boot_module *image, uint64_t *entry,
		   const char **why);

/* The state at a Multiboot entry (spec 3.2) but for EAX and EBX. */
void multiboot_entry_state(struct vcpu_entry_state *s, uint64_t entry);

#endif
