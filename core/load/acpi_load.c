// SPDX-License-Identifier: MIT
/* A VM's ACPI tables into its memory: see core/load/acpi_load.h. */
#include <core/dev/acpi_tables.h>
#include <core/load/acpi_load.h>
#include <core/vm.h>
#include <keel/abi.h>

int acpi_tables_load(struct vm *vm)
{
	/* under 1 KiB: on the stack of the creating CPU */
	uint8_t tables[ACPI_TABLES_MAX];
	size_t len = acpi_tables_build(tables, sizeof(tables), ACPI_TABLES_GPA,
				       vm->vcpu_count);

	if (!len)
		return -KEEL_ENOMEM;
	return guest_mem_write(vm, ACPI_TABLES_GPA, tables, len);
}
