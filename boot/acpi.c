// SPDX-License-Identifier: MIT
/*
 * The ACPI RSDP from the UEFI configuration table (UEFI 2.10, 4.6; ACPI
 * 6.5, 5.2.5.2 "Finding the RSDP on UEFI Enabled Systems"): the ACPI 2.0
 * entry is preferred, the 1.0 one is the fallback.
 */
#include <lib/string.h>

#include "loader.h"

static EFI_GUID acpi20_guid = ACPI_20_TABLE_GUID;
static EFI_GUID acpi10_guid = ACPI_TABLE_GUID;

static uint64_t config_table(EFI_GUID *guid)
{
	UINTN i;

	for (i = 0; i < loader_st->NumberOfTableEntries; i++) {
		EFI_CONFIGURATION_TABLE *t = &loader_st->ConfigurationTable[i];

		if (!memcmp(&t->VendorGuid, guid, sizeof(*guid)))
			return (uint64_t)(uintptr_t)t->VendorTable;
	}
	return 0;
}

uint64_t acpi_find_rsdp(void)
{
	uint64_t rsdp = config_table(&acpi20_guid);

	if (!rsdp)
		rsdp = config_table(&acpi10_guid);
	return rsdp;
}
