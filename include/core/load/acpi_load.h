/* SPDX-License-Identifier: MIT */
/*
 * A VM's ACPI tables (core/dev/acpi_tables.c) written into its memory at
 * ACPI_TABLES_GPA, for every guest that boots as on a PC (Multiboot,
 * Linux); Keel ELF guests learn their machine from the start-info page.
 */
#ifndef KEEL_CORE_LOAD_ACPI_LOAD_H
#define KEEL_CORE_LOAD_ACPI_LOAD_H

struct vm;

/* For vm->vcpu_count vCPUs. 0, or -KEEL_ENOMEM / -KEEL_EFAULT. */
int acpi_tables_load(struct vm *vm);

#endif
