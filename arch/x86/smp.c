// SPDX-License-Identifier: MIT
/* Application-processor bring-up (SDM 8.4.4 MP initialization). */
#include <stddef.h>

#include <arch/cpu.h>
#include <arch/lapic.h>
#include <arch/layout.h>
#include <arch/smp.h>
#include <arch/smp_plan.h>
#include <arch/tsc.h>
#include <arch/x86.h>
#include <base/log.h>
#include <base/panic.h>
#include <lib/string.h>
#include <lib/util.h>
#include <mm/frame_pool.h>
#include <mm/hv_map.h>

#define TRAMP_PARAMS 0xf00
#define AP_START_TIMEOUT_US 200000
/*
 * Accessed bits preset: the page is read-only while APs run through it,
 * and a CPU loading a descriptor without it writes it (SDM 3.4.5.1).
 */
#define GDT_TRAMP_CODE32 0x00cf9b000000ffffull
#define GDT_TRAMP_DATA   0x00cf93000000ffffull
#define GDT_TRAMP_CODE64 0x00af9b000000ffffull
#define SEL_TRAMP_CODE32 0x08
#define SEL_TRAMP_CODE64 0x18

struct __attribute__((packed)) tramp_params {
	uint64_t cr3;
	uint64_t unused[3];
	uint64_t gdt[4];
	uint16_t gdtr_limit;
	uint32_t gdtr_base;
	uint16_t pad0;
	uint32_t jump32_offset;
	uint16_t jump32_selector;
	uint16_t pad1;
	uint32_t jump64_offset;
	uint16_t jump64_selector;
	uint16_t pad2;
};
/* The offsets trampoline.S uses. */
_Static_assert(offsetof(struct tramp_params, gdtr_limit) == 0x40, "P_GDTR");
_Static_assert(offsetof(struct tramp_params, jump32_offset) == 0x48, "P_JUMP32");
_Static_assert(offsetof(struct tramp_params, jump64_offset) == 0x50, "P_JUMP64");

extern char ap_trampoline_start[], ap_trampoline_end[];
extern char ap_trampoline_pm32[], ap_trampoline_lm64[];

/* Read by the trampoline in 64-bit mode, one AP at a time. */
volatile uint64_t ap_boot_stack;
volatile uint64_t ap_boot_cpu;
static volatile int aps_released;

static void trampoline_install(uint64_t pa)
{
	uint8_t *page = phys_to_virt(pa);
	struct tramp_params *p = (void *)(page + TRAMP_PARAMS);
	size_t code = (size_t)(ap_trampoline_end - ap_trampoline_start);

	BUG_ON(code > TRAMP_PARAMS);
	memset(page, 0, PT_PAGE_4K);
	memcpy(page, ap_trampoline_start, code);
	p->cr3 = hv_map_root();
	p->gdt[1] = GDT_TRAMP_CODE32;
	p->gdt[2] = GDT_TRAMP_DATA;
	p->gdt[3] = GDT_TRAMP_CODE64;
	p->gdtr_limit = sizeof(p->gdt) - 1;
	p->gdtr_base = (uint32_t)(pa + TRAMP_PARAMS + offsetof(struct tramp_params, gdt));
	p->jump32_offset = (uint32_t)(pa + (ap_trampoline_pm32 - ap_trampoline_start));
	p->jump32_selector = SEL_TRAMP_CODE32;
	p->jump64_offset = (uint32_t)(pa + (ap_trampoline_lm64 - ap_trampoline_start));
	p->jump64_selector = SEL_TRAMP_CODE64;
}

static bool start_one(struct cpu *cpu, uint64_t trampoline_pa)
{
	uint64_t stack, deadline;

	if (frames_alloc(CPU_STACK_ORDER, &stack)) {
		log_error("smp: no memory for the stack of cpu%u", cpu->index);
		return false;
	}
	cpu->stack_top = stack + CPU_STACK_SIZE;
	ap_boot_stack = cpu->stack_top;
	ap_boot_cpu = (uint64_t)cpu;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);

	lapic_start_ap(cpu->apic_id, trampoline_pa);
	deadline = rdtsc() + AP_START_TIMEOUT_US * (tsc_hz / 1000000);
	while (!cpu->online && rdtsc() < deadline)
		cpu_relax();
	if (!cpu->online) {
		log_warn("smp: cpu%u (APIC id %u) did not start within %u ms; "
			 "going on without it", cpu->index, cpu->apic_id,
			 AP_START_TIMEOUT_US / 1000);
		return false;
	}
	/* wait until it has tried to enter root mode, so logs stay in order */
	while (!READ_ONCE(cpu->ready))
		cpu_relax();
	return true;
}

/* Why some of the firmware's CPUs stay off, before any is started. */
static void report_plan(const struct smp_plan *plan)
{
	if (plan->over_limit)
		log_warn("smp: the firmware lists %u CPUs, Keel supports %u "
			 "(MAX_CPUS): %u stay off", plan->listed, MAX_CPUS,
			 plan->over_limit);
	if (plan->need_x2apic)
		log_warn("smp: %u CPUs have APIC ids above %u (the first: %u), "
			 "which need x2APIC mode, and the firmware left it "
			 "off: they stay off", plan->need_x2apic, XAPIC_MAX_ID,
			 plan->first_need_x2apic);
}

unsigned int smp_start_aps(const struct madt_info *madt, uint64_t trampoline_pa)
{
	static struct smp_plan plan;
	unsigned int online = 1;

	smp_plan(madt, lapic_id(), lapic_x2apic_mode(), MAX_CPUS, &plan);
	report_plan(&plan);
	trampoline_install(trampoline_pa);
	/* executable (not writable) while APs run through it */
	hv_map_identity(trampoline_pa, PT_PAGE_4K, PT_RX);

	for (unsigned int i = 0; i < plan.count; i++) {
		struct cpu *cpu;

		cpu = &cpus[cpu_count];
		cpu->index = cpu_count;
		cpu->apic_id = plan.apic_ids[i];
		if (start_one(cpu, trampoline_pa)) {
			cpu_count++;
			online++;
		} else {
			memset(cpu, 0, sizeof(*cpu));
		}
	}
	hv_map_identity(trampoline_pa, PT_PAGE_4K, PT_RW);
	return online;
}

void smp_release(void)
{
	__atomic_store_n(&aps_released, 1, __ATOMIC_RELEASE);
}

void smp_wait_release(void)
{
	while (!__atomic_load_n(&aps_released, __ATOMIC_ACQUIRE))
		cpu_relax();
}
