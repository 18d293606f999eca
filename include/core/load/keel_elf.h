/* SPDX-License-Identifier: MIT */
/*
 * Keel's own guest entry convention (core/load/keel_elf.c, docs/guests.md):
 * an ELF64 image, a start-info page and 64-bit mode from the first
 * instruction.
 */
#ifndef KEEL_CORE_LOAD_KEEL_ELF_H
#define KEEL_CORE_LOAD_KEEL_ELF_H

#include <stdint.h>

struct boot_module;
struct vm_desc;
struct vcpu_entry_state;
struct vm;

/*
 * Copies the ELF image into vm's memory at its physical addresses (1 MiB
 * and up, below the stack reserve at the top). 0 with *entry set, or
 * -KEEL_ENOEXEC with *why set.
 */
int keel_elf_load(struct vm *vm, const struct boot_module *image,
		  uint64_t *entry, const char **why);

/*
 * Writes the start-info page, the GDT and TSS descriptors and the page
 * tables (first 4 GiB identity-mapped with 2 MiB pages) into vm's memory.
 * 0 or -KEEL_EFAULT (the memory is too small).
 */
int keel_boot_structures(struct vm *vm, const struct vm_desc *desc);

/* The state a vCPU starts in: 64-bit mode at entry, RSP rsp, RDI rdi. */
void keel_entry_state(struct vcpu_entry_state *s, uint64_t entry,
		      uint64_t rsp, uint64_t rdi);

#endif
