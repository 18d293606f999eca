// SPDX-License-Identifier: MIT
/*
 * Keel's UEFI loader: checks the CPU, reads \keel.cfg, loads the
 * hypervisor and the boot modules it names, collects what the hypervisor
 * needs into one struct boot_info (include/keel/boot_info.h), exits boot
 * services and jumps to the hypervisor.
 */
#include <core/config.h>
#include <lib/string.h>

#include "loader.h"

#define CONFIG_PATH	"/keel.cfg"
#define ONE_MIB		(1ULL << 20)
#define ERROR_WAIT_S	30	/* time to read the error on a screen */
#define KEY_POLL_US	(100 * 1000)

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

static uint64_t phys(const void *p)
{
	return (uint64_t)(uintptr_t)p;
}

static EFI_STATUS config_load(EFI_FILE_HANDLE root, struct config *cfg,
			      struct boot_info *bi)
{
	struct config_error err = { 0 };
	struct loaded_file file;
	EFI_STATUS status;

	/* LoaderData: the text is handed over, NUL-terminated, as it is. */
	status = file_read(root, CONFIG_PATH, EfiLoaderData, "config file",
			   &file);
	if (EFI_ERROR(status))
		return status;
	if (config_parse(file.data, file.size, cfg, &err)) {
		if (err.line)
			return loader_fail(EFI_INVALID_PARAMETER, "keel.cfg line %u: %s",
					   err.line, err.message);
		return loader_fail(EFI_INVALID_PARAMETER, "keel.cfg: %s",
				   err.message);
	}
	bi->config_phys = phys(file.data);
	bi->config_size = file.size;
	strlcpy(bi->cmdline, cfg->cmdline, sizeof(bi->cmdline));
	return EFI_SUCCESS;
}

static EFI_STATUS modules_load(EFI_FILE_HANDLE root, const struct config *cfg,
			       struct boot_info *bi)
{
	unsigned int i;

	for (i = 0; i < cfg->module_count; i++) {
		const struct config_module *cm = &cfg->modules[i];
		struct boot_module *bm = &bi->modules[i];
		struct loaded_file file;
		char what[BOOT_NAME_LEN + 16];
		EFI_STATUS status;

		strlcpy(what, "module ", sizeof(what));
		strlcpy(what + 7, cm->name, sizeof(what) - 7);
		status = file_read(root, cm->path, EfiLoaderData, what, &file);
		if (EFI_ERROR(status))
			return status;
		bm->phys = phys(file.data);
		bm->size = file.size;
		strlcpy(bm->name, cm->name, sizeof(bm->name));
		strlcpy(bm->path, cm->path, sizeof(bm->path));
		bi->module_count = i + 1;
		loader_log("module %s: %s, %llu bytes at 0x%llx", bm->name,
			   bm->path, (unsigned long long)bm->size,
			   (unsigned long long)bm->phys);
	}
	return EFI_SUCCESS;
}

/* Returns only on failure, after printing the error line. */
static EFI_STATUS boot(EFI_HANDLE image, uint64_t entry_tsc)
{
	static struct config cfg;
	struct kernel_image kernel;
	struct boot_info *bi;
	EFI_FILE_HANDLE root;
	EFI_STATUS status;
	uint64_t top, cr3;
	void *stack, *trampoline;

	status = cpu_check();
	if (EFI_ERROR(status))
		return status;
	status = volume_open(image, &root);
	if (EFI_ERROR(status))
		return status;
	status = pages_alloc(sizeof(*bi), EfiLoaderData, "boot_info",
			     (void **)&bi);
	if (EFI_ERROR(status))
		return status;
	bi->magic = BOOT_INFO_MAGIC;
	bi->version = BOOT_INFO_VERSION;
	bi->size = sizeof(*bi);
	bi->loader_tsc = entry_tsc;

	status = config_load(root, &cfg, bi);
	if (EFI_ERROR(status))
		return status;
	status = modules_load(root, &cfg, bi);
	if (EFI_ERROR(status))
		return status;
	status = kernel_load(root, cfg.hypervisor, &kernel);
	if (EFI_ERROR(status))
		return status;
	bi->kernel_phys = kernel.phys;
	bi->kernel_size = kernel.size;
	root->Close(root);

	bi->acpi_rsdp = acpi_find_rsdp();
	if (!bi->acpi_rsdp)
		loader_log("no ACPI RSDP in the firmware's tables");
	mp_collect_cpus(bi);
	status = pages_alloc_below(ONE_MIB, "the AP start-up trampoline",
				   &trampoline);
	if (EFI_ERROR(status))
		return status;
	bi->trampoline_phys = phys(trampoline);
	status = pages_alloc(LOADER_STACK_SIZE, EfiLoaderData,
			     "the hand-off stack", &stack);
	if (EFI_ERROR(status))
		return status;

	status = memmap_top(&top);
	if (EFI_ERROR(status))
		return status;
	status = paging_build(top, &kernel, &cr3);
	if (EFI_ERROR(status))
		return status;

	serial_report(&cfg, bi->acpi_rsdp);
	loader_log("RSDP 0x%llx, trampoline 0x%llx; jumping to 0x%llx",
		   (unsigned long long)bi->acpi_rsdp,
		   (unsigned long long)bi->trampoline_phys,
		   (unsigned long long)kernel.entry);
	status = memmap_exit_boot_services(image, bi);
	if (EFI_ERROR(status))
		return status;
	handoff_jump(cr3, kernel.entry, bi, phys(stack) + LOADER_STACK_SIZE);
}

/*
 * Until a key is pressed (UEFI 2.10, 12.3.3 ReadKeyStroke) or
 * ERROR_WAIT_S seconds pass (7.5 Stall).
 */
static void wait_for_key_or_timeout(void)
{
	SIMPLE_INPUT_INTERFACE *in = loader_st->ConIn;
	EFI_INPUT_KEY key;

	loader_log("press a key to return to the firmware (it goes on by "
		   "itself in %u s)", ERROR_WAIT_S);
	for (unsigned int t = 0; t < ERROR_WAIT_S * 1000000u / KEY_POLL_US;
	     t++) {
		if (in && in->ReadKeyStroke(in, &key) == EFI_SUCCESS)
			return;
		loader_bs->Stall(KEY_POLL_US);
	}
}

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st)
{
	uint64_t entry_tsc = rdtsc();
	EFI_STATUS status;

	console_init(st);
	loader_log("starting");
	status = boot(image, entry_tsc);
	/*
	 * Give a person at the screen time to read the error line before
	 * the firmware moves on, unless a failed ExitBootServices may have
	 * shut the boot services down already.
	 */
	if (!loader_boot_services_exiting)
		wait_for_key_or_timeout();
	return status;
}
