/* SPDX-License-Identifier: MIT */
/*
 * The hand-off from the UEFI loader (boot/) to the hypervisor.
 *
 * The loader fills one struct boot_info, exits boot services and jumps to
 * the hypervisor's ELF entry point with its physical address in RDI, on
 * transitional page tables that identity-map [0, max(4 GiB, top of RAM))
 * and map the image at its link address. Interrupts are disabled.
 *
 * Everything the structure points to (image, modules, config text, the
 * structure itself, the transitional tables) lies in ranges typed
 * BOOT_MEM_HYPERVISOR, which the hypervisor never hands out as free frames.
 */
#ifndef KEEL_BOOT_INFO_H
#define KEEL_BOOT_INFO_H

#include <stdint.h>

#define BOOT_INFO_MAGIC   0x544f4f424c45454bULL	/* "KEELBOOT" */
#define BOOT_INFO_VERSION 1

#define BOOT_MAX_MEM_RANGES 512
#define BOOT_MAX_MODULES    16
#define BOOT_NAME_LEN       32
#define BOOT_PATH_LEN       96
#define BOOT_CMDLINE_LEN    256
#define BOOT_MAX_CPUS       256

enum boot_mem_type {
	BOOT_MEM_USABLE = 1,	/* free RAM, including boot-services memory */
	BOOT_MEM_RESERVED,	/* firmware, runtime services, unknown */
	BOOT_MEM_ACPI_RECLAIM,	/* ACPI tables: keep, the hypervisor reads them */
	BOOT_MEM_ACPI_NVS,
	BOOT_MEM_MMIO,
	BOOT_MEM_HYPERVISOR,	/* image, modules, config, boot_info, tables */
	BOOT_MEM_BAD,
};

struct boot_mem_range {
	uint64_t base;		/* 4 KiB aligned */
	uint64_t length;	/* bytes, multiple of 4 KiB */
	uint32_t type;		/* enum boot_mem_type */
	uint32_t reserved;
};

struct boot_module {
	uint64_t phys;		/* physical address of the file's bytes */
	uint64_t size;		/* file size in bytes */
	char name[BOOT_NAME_LEN];	/* name from keel.cfg, NUL-terminated */
	char path[BOOT_PATH_LEN];	/* path on the ESP, for messages */
};

struct boot_info {
	uint64_t magic;		/* BOOT_INFO_MAGIC */
	uint32_t version;	/* BOOT_INFO_VERSION */
	uint32_t size;		/* sizeof(struct boot_info) */

	uint64_t acpi_rsdp;	/* physical address of the RSDP, 0 if none */
	uint64_t kernel_phys;	/* where the image's first byte lies */
	uint64_t kernel_size;	/* image span in bytes, including .bss */
	uint64_t trampoline_phys; /* one free 4 KiB page below 1 MiB */
	uint64_t loader_tsc;	/* TSC when the loader started */

	uint64_t config_phys;	/* keel.cfg text, NUL-terminated */
	uint64_t config_size;	/* bytes, without the NUL */

	/*
	 * The CPUs the firmware started, from its MP Services protocol: the
	 * fallback when there is no ACPI MADT (OVMF under Bochs has none).
	 * cpu_count is 0 when the firmware does not offer the protocol.
	 */
	uint32_t cpu_count;
	uint32_t cpu_apic_ids[BOOT_MAX_CPUS];

	uint32_t mem_count;
	uint32_t module_count;
	struct boot_mem_range mem[BOOT_MAX_MEM_RANGES]; /* sorted by base */
	struct boot_module modules[BOOT_MAX_MODULES];
	char cmdline[BOOT_CMDLINE_LEN];	/* hypervisor command line */
};

#endif
