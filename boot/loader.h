/* SPDX-License-Identifier: MIT */
/*
 * Internal interface of the UEFI loader (boot/). The loader runs as a
 * UEFI application while boot services are up; everything it hands to the
 * hypervisor is described by include/keel/boot_info.h. What it shares
 * with the hypervisor (CPU definitions, the hand-off, lib/, the keel.cfg
 * parser) is listed as `shared` in tools/layers.txt; boot/ includes
 * nothing else of the hypervisor's tree.
 *
 * Error convention: a function that detects a failure prints the one
 * `keel-loader: error: ...` line (loader_fail) and returns its status;
 * callers pass the status up without printing again. efi_main stalls so a
 * person can read the line, then returns the status to the firmware.
 */
#ifndef KEEL_BOOT_LOADER_H
#define KEEL_BOOT_LOADER_H

#include <efi.h>

#include <arch/x86_defs.h>	/* page sizes: X86_PAGE_4K is UEFI's page */
#include <keel/boot_info.h>

#define LOADER_STACK_SIZE (16ULL << 10)

extern EFI_SYSTEM_TABLE *loader_st;
extern EFI_BOOT_SERVICES *loader_bs;

/* main.c: the firmware calls it (crt0-efi-x86_64). */
EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st);

/* console.c: `keel-loader: ` lines on ConOut (mirrored to serial by OVMF). */
void console_init(EFI_SYSTEM_TABLE *st);
void loader_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
EFI_STATUS loader_fail(EFI_STATUS status, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
const char *efi_status_text(EFI_STATUS status);

/* cpu_check.c: VT-x or AMD-V present and not disabled by the firmware. */
EFI_STATUS cpu_check(void);

/* files.c: the volume the loader was started from. */
struct loaded_file {
	void *data;		/* pages of the requested type, NUL after the end */
	uint64_t size;		/* file size in bytes */
	uint64_t pages;		/* allocated 4 KiB pages */
};
EFI_STATUS volume_open(EFI_HANDLE image, EFI_FILE_HANDLE *root);
EFI_STATUS file_read(EFI_FILE_HANDLE root, const char *path,
		     EFI_MEMORY_TYPE type, const char *what,
		     struct loaded_file *out);
void file_free(struct loaded_file *f);

/* memmap.c: allocation, the memory map, ExitBootServices. */
EFI_STATUS pages_alloc(uint64_t bytes, EFI_MEMORY_TYPE type, const char *what,
		       void **out);
EFI_STATUS pages_alloc_aligned(uint64_t bytes, uint64_t align,
			       const char *what, void **out);
EFI_STATUS pages_alloc_below(uint64_t limit, const char *what, void **out);
EFI_STATUS memmap_top(uint64_t *top);
/* Set once ExitBootServices was called: no more printing or stalling. */
extern int loader_boot_services_exiting;
EFI_STATUS memmap_exit_boot_services(EFI_HANDLE image, struct boot_info *bi);

/* image.c: the hypervisor ELF at its 2 MiB aligned physical home. */
struct kernel_image {
	uint64_t entry;		/* virtual */
	uint64_t vaddr_lo;	/* 2 MiB aligned link address of the span */
	uint64_t phys;		/* where vaddr_lo lies */
	uint64_t size;		/* span in bytes, including .bss */
};
EFI_STATUS kernel_load(EFI_FILE_HANDLE root, const char *path,
		       struct kernel_image *kernel);

/* acpi.c */
uint64_t acpi_find_rsdp(void);

/* serial_report.c: says where the hypervisor's console will be. */
struct config;
void serial_report(const struct config *cfg, uint64_t rsdp);

/* mp.c: the CPUs the firmware knows, into bi->cpu_count/cpu_apic_ids. */
void mp_collect_cpus(struct boot_info *bi);

/* paging.c: transitional 4-level tables for the hand-off. */
EFI_STATUS paging_build(uint64_t identity_top,
			const struct kernel_image *kernel, uint64_t *cr3);

/* handoff.c: no return. Boot services must be gone. */
void handoff_jump(uint64_t cr3, uint64_t entry, struct boot_info *bi,
		  uint64_t stack_top) __attribute__((noreturn));

#endif
