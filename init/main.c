// SPDX-License-Identifier: MIT
/*
 * Boot: the boot CPU brings up the console, memory, its own tables, the
 * other CPUs and root mode on each, then starts the guests of keel.cfg.
 */
#include <arch/cpu.h>
#include <arch/interrupt.h>
#include <arch/lapic.h>
#include <arch/layout.h>
#include <arch/pic.h>
#include <arch/smp.h>
#include <arch/tsc.h>
#include <arch/vendor.h>
#include <arch/x86.h>
#include <base/log.h>
#include <base/panic.h>
#include <core/config.h>
#include <core/exit_dispatch.h>
#include <core/main.h>
#include <core/vcpu_run.h>
#include <core/vm.h>
#include <core/vm_desc.h>
#include <drivers/acpi.h>
#include <drivers/cmos_rtc.h>
#include <drivers/serial_console.h>
#include <keel/boot_info.h>
#include <lib/string.h>
#include <lib/util.h>
#include <mm/frame_pool.h>
#include <mm/hv_map.h>
#include <sched/sched.h>

static struct config boot_config;

void cpu_enable_virtualization(struct cpu *cpu)
{
	if (vendor->cpu_enable(cpu)) {
		log_error("cpu%u: cannot enter %s: %s", cpu->index,
			  vendor->root_mode, cpu->virt_error);
		return;
	}
	cpu->virt_enabled = true;
	log_info("cpu%u: %s (APIC id %u)", cpu->index, vendor->root_mode,
		 cpu->apic_id);
}

static void parse_cmdline(const char *cmdline)
{
	static const struct { const char *word; enum log_level level; } levels[] = {
		{ "loglevel=error", LOG_ERROR }, { "loglevel=warn", LOG_WARN },
		{ "loglevel=info", LOG_INFO }, { "loglevel=debug", LOG_DEBUG },
	};
	const char *p = cmdline;

	while (*p) {
		size_t len = 0;

		while (*p == ' ')
			p++;
		while (p[len] && p[len] != ' ')
			len++;
		for (unsigned int i = 0; i < ARRAY_SIZE(levels); i++)
			if (len == strlen(levels[i].word) &&
			    !strncmp(p, levels[i].word, len))
				log_set_level(levels[i].level);
		p += len;
	}
}

/* Parses keel.cfg once: the console choice and the guests depend on it. */
static bool load_config(const struct boot_info *bi)
{
	struct config_error err;

	if (config_parse(phys_to_virt(bi->config_phys), bi->config_size,
			 &boot_config, &err)) {
		log_error("keel.cfg line %u: %s", err.line, err.message);
		return false;
	}
	return true;
}

static void start_configured_vm(const struct vm_desc *cfg)
{
	const struct boot_module *image = boot_module_find(cfg->image);
	char checked[VM_DESC_WHY_LEN];
	const char *why = "";
	struct vm *vm;

	/* as at the parse, now with the CPUs that run (VM_CREATE's check) */
	if (vm_desc_check(cfg, vm_online_cpus(), checked, sizeof(checked))) {
		log_error("vm %s: cannot create: %s", cfg->name, checked);
		return;
	}
	if (!image) {
		log_error("vm %s: module '%s' was not loaded", cfg->name,
			  cfg->image);
		return;
	}
	if (vm_create(cfg, image, UINT64_MAX, &vm, &why)) {
		log_error("vm %s: cannot create: %s", cfg->name, why);
		return;
	}
	log_info("vm %s: created (id %u, %lu MiB, image %s, cpu%u%s)",
		 vm->name, vm->id, vm->mem_bytes / MIB, cfg->image, vm->first_cpu,
		 vm->mgmt ? ", management VM" : "");
	vm_start(vm);
}

/* The management VM first: it owns the console from then on. */
static void start_configured_vms(void)
{
	for (unsigned int i = 0; i < boot_config.vm_count; i++)
		if (boot_config.vms[i].role == VM_ROLE_MGMT)
			start_configured_vm(&boot_config.vms[i]);
	for (unsigned int i = 0; i < boot_config.vm_count; i++)
		if (boot_config.vms[i].role != VM_ROLE_MGMT)
			start_configured_vm(&boot_config.vms[i]);
	if (!vm_running_count())
		log_info("no guests to start");
}

/* The CPUs to start: the ACPI MADT, else the firmware's list (boot_info). */
static bool find_cpus(const struct boot_info *bi, struct madt_info *cpus_found)
{
	const void *table = acpi_find_table(bi->acpi_rsdp, "APIC");

	if (table && !madt_parse(table, *(const uint32_t *)((const char *)table + 4),
				 cpus_found))
		return true;
	if (table)
		log_warn("malformed ACPI MADT; trying the firmware's CPU list");
	memset(cpus_found, 0, sizeof(*cpus_found));
	for (uint32_t i = 0; i < bi->cpu_count && i < ACPI_MAX_CPUS; i++)
		cpus_found->apic_ids[cpus_found->cpu_count++] = bi->cpu_apic_ids[i];
	if (cpus_found->cpu_count) {
		log_info("no ACPI MADT: using the %u CPUs the firmware reported",
			 cpus_found->cpu_count);
		return true;
	}
	log_warn("no ACPI MADT and no CPU list from the firmware: running on the boot CPU only");
	return false;
}

/* the firmware's ACPI MADT; without one, no I/O APIC in it (PC defaults) */
static struct madt_info madt;

/* Starts the other CPUs; returns how many the firmware lists (not started). */
static unsigned int start_cpus(const struct boot_info *bi)
{
	if (!find_cpus(bi, &madt))
		return 1;
	if (madt.cpu_count > 1)
		smp_start_aps(&madt, bi->trampoline_phys);
	return MAX(madt.cpu_count + madt.cpus_skipped, 1u);
}

/* Input on the serial line interrupts CPU 0 instead of being polled. */
static void console_rx_interrupt_init(void)
{
	interrupt_set_handler(VECTOR_HOST_UART, vm_console_rx_interrupt);
	if (serial_console_rx_interrupt(&madt, VECTOR_HOST_UART,
					(uint8_t)cpus[0].apic_id))
		vm_console_rx_interrupt_on();
}

__attribute__((noreturn)) void kmain(const struct boot_info *bi)
{
	unsigned int found, in_root = 0;
	bool config_ok;
	uint64_t wx, pages;
	const char *why;

	panic_set_console_start(serial_console_panic);
	/* kept until the console is up (serial_console_early) */
	log_info("Keel %s starting", KEEL_VERSION);
	if (bi->magic != BOOT_INFO_MAGIC || bi->version != BOOT_INFO_VERSION)
		panic("the loader's hand-off does not match this hypervisor: rebuild both with make");
	kernel_phys_base = bi->kernel_phys;
	boot_modules_init(bi);
	parse_cmdline(bi->cmdline);
	config_ok = load_config(bi);
	serial_console_early(bi, config_ok ? &boot_config.console : NULL);

	frames_init(bi);
	hv_map_init(bi);
	serial_console_late();	/* an MMIO UART needs the map */
	vm_set_hypervisor_range(bi->kernel_phys, bi->kernel_phys + bi->kernel_size);

	idt_init();
	cpus[0].index = 0;
	cpus[0].stack_top = 0;
	cpu_init_tables(&cpus[0]);
	percpu_ready = 1;
	cpu_count = 1;
	tsc_calibrate();
	log_info("TSC: %lu MHz (%s)", (tsc_hz + 500000) / 1000000, tsc_source);
	host_rtc_read();	/* the guests' RTCs start from it */
	pic_disable();
	lapic_global_init();
	lapic_cpu_init();
	lapic_timer_init();
	cpus[0].apic_id = lapic_id();
	cpus[0].online = true;

	if (vendor_select(&why))
		panic("%s", why);
	cpu_enable_virtualization(&cpus[0]);
	found = start_cpus(bi);
	for (unsigned int i = 0; i < cpu_count; i++)
		in_root += cpus[i].virt_enabled;
	log_info("%u/%u CPUs in %s", in_root, MAX(found, cpu_count),
		 vendor->root_mode);

	wx = hv_map_count_wx(&pages);
	log_info("page tables: %lu writable+executable mappings (%lu pages checked)",
		 wx, pages);
	log_info("boot took %lu ms (loader start to all CPUs ready)",
		 tsc_to_us(rdtsc() - bi->loader_tsc) / 1000);
	frames_report_footprint(bi->kernel_size);
	log_debug("boot: the loader started at TSC %lu", bi->loader_tsc);

	interrupt_set_timer_hook(sched_timer_interrupt);
	console_rx_interrupt_init();
	vcpu_run_init();
	for (unsigned int i = 0; i < cpu_count; i++)
		sched_cpu_init(i);
	if (config_ok)
		start_configured_vms();
	smp_release();
	sched_run(&cpus[0]);
}

/* An application processor, from arch/x86/entry.S (smp_start_aps). */
__attribute__((noreturn)) void ap_main(struct cpu *cpu)
{
	cpu_init_tables(cpu);
	lapic_cpu_init();
	cpu->online = true;
	cpu_enable_virtualization(cpu);
	__atomic_store_n(&cpu->ready, true, __ATOMIC_RELEASE);
	smp_wait_release();
	sched_run(cpu);
}
