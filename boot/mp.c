// SPDX-License-Identifier: MIT
/*
 * The CPUs the firmware started, from EFI_MP_SERVICES_PROTOCOL (UEFI PI
 * 1.7, vol. 2, 13.4). gnu-efi does not define the protocol, so the few
 * members used are declared here. The hypervisor prefers the ACPI MADT and
 * uses this list only when there is none (OVMF under Bochs has no ACPI).
 */
#include "loader.h"

#define MP_STATUS_ENABLED (1u << 1)	/* PROCESSOR_ENABLED_BIT */

struct mp_cpu_location {
	UINT32 package, core, thread;
};

struct mp_processor_info {
	UINT64 processor_id;		/* the local APIC id */
	UINT32 status_flag;
	struct mp_cpu_location location;
	UINT32 extended[6];		/* PI 1.7 EXTENDED_PROCESSOR_INFORMATION */
};

struct mp_services;
typedef EFI_STATUS (EFIAPI *mp_count_fn)(struct mp_services *self,
					  UINTN *count, UINTN *enabled);
typedef EFI_STATUS (EFIAPI *mp_info_fn)(struct mp_services *self, UINTN n,
					 struct mp_processor_info *info);

struct mp_services {
	mp_count_fn get_number_of_processors;
	mp_info_fn get_processor_info;
	/* StartupAllAPs, StartupThisAP, SwitchBSP, EnableDisableAP, WhoAmI */
};

static EFI_GUID mp_services_guid = { 0x3fdda605, 0xa76e, 0x4f46,
	{ 0xad, 0x29, 0x12, 0xf4, 0x53, 0x1b, 0x3d, 0x08 } };

void mp_collect_cpus(struct boot_info *bi)
{
	struct mp_services *mp;
	UINTN count, enabled;

	bi->cpu_count = 0;
	if (EFI_ERROR(loader_bs->LocateProtocol(&mp_services_guid, NULL,
						(void **)&mp)))
		return;
	if (EFI_ERROR(mp->get_number_of_processors(mp, &count, &enabled)))
		return;
	for (UINTN i = 0; i < count && bi->cpu_count < BOOT_MAX_CPUS; i++) {
		struct mp_processor_info info;

		if (EFI_ERROR(mp->get_processor_info(mp, i, &info)))
			continue;
		if (info.status_flag & MP_STATUS_ENABLED)
			bi->cpu_apic_ids[bi->cpu_count++] = (uint32_t)info.processor_id;
	}
	loader_log("firmware started %u CPUs", bi->cpu_count);
}
