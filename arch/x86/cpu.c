// SPDX-License-Identifier: MIT
/* Per-CPU descriptor tables: GDT with a 64-bit TSS, the shared IDT. */
#include <arch/cpu.h>
#include <arch/interrupt.h>
#include <arch/msr.h>
#include <arch/x86.h>
#include <base/panic.h>
#include <lib/string.h>
#include <mm/frame_pool.h>

struct cpu cpus[MAX_CPUS];
unsigned int cpu_count;

#define IDT_VECTORS    256
#define ISR_STUB_SIZE  16
static struct idt_gate idt[IDT_VECTORS] __attribute__((aligned(16)));
extern char isr_table_start[];

/* Flat descriptors (SDM 3.4.5): access byte in bits 40-47, flags 52-55. */
#define GDT_DESC_CODE64 0x00af9a000000ffffull
#define GDT_DESC_DATA   0x00cf92000000ffffull
#define TSS_TYPE_AVAIL  0x89ull

static void gdt_set_tss(uint64_t *gdt, const struct tss64 *tss)
{
	uint64_t base = (uint64_t)tss;
	uint64_t limit = sizeof(*tss) - 1;

	gdt[GDT_TSS / 8] = (limit & 0xffff) | ((base & 0xffffff) << 16) |
			   (TSS_TYPE_AVAIL << 40) | (((limit >> 16) & 0xf) << 48) |
			   (((base >> 24) & 0xff) << 56);
	gdt[GDT_TSS / 8 + 1] = base >> 32;
}

void idt_init(void)
{
	for (unsigned int v = 0; v < IDT_VECTORS; v++) {
		uint64_t handler = (uint64_t)isr_table_start + v * ISR_STUB_SIZE;
		struct idt_gate *g = &idt[v];

		g->offset_lo = handler & 0xffff;
		g->selector = GDT_CODE64;
		g->ist = 0;
		g->type = IDT_GATE_INTR;
		g->offset_mid = (handler >> 16) & 0xffff;
		g->offset_hi = handler >> 32;
		g->reserved = 0;
	}
	/* Faults that may hit with a bad stack get stacks of their own. */
	idt[VECTOR_NMI].ist = IST_NMI;
	idt[VECTOR_DF].ist = IST_DF;
	idt[VECTOR_MC].ist = IST_MC;
}

void idt_load(void)
{
	struct descriptor_ptr p = { sizeof(idt) - 1, (uint64_t)idt };

	__asm__ volatile("lidt %0" : : "m"(p));
}

void cpu_init_tables(struct cpu *cpu)
{
	struct descriptor_ptr gdtr = { sizeof(cpu->gdt) - 1, (uint64_t)cpu->gdt };

	cpu->self = cpu;
	memset(cpu->gdt, 0, sizeof(cpu->gdt));
	cpu->gdt[GDT_CODE64 / 8] = GDT_DESC_CODE64;
	cpu->gdt[GDT_DATA / 8] = GDT_DESC_DATA;
	memset(&cpu->tss, 0, sizeof(cpu->tss));
	for (unsigned int i = 0; i < IST_STACKS; i++) {
		uint64_t stack;

		/* without them an NMI or #DF could not even be reported */
		if (frames_alloc(0, &stack))
			panic("cpu%u: no memory for its exception stacks", cpu->index);
		cpu->tss.ist[i] = stack + IST_STACK_SIZE;
	}
	cpu->tss.iomap_base = sizeof(cpu->tss);	/* no I/O bitmap */
	gdt_set_tss(cpu->gdt, &cpu->tss);

	__asm__ volatile(
		"lgdt %0\n\t"
		"movw %w1, %%ds\n\t"
		"movw %w1, %%es\n\t"
		"movw %w1, %%ss\n\t"
		"xorl %%eax, %%eax\n\t"
		"movw %%ax, %%fs\n\t"
		"movw %%ax, %%gs\n\t"
		"pushq %2\n\t"
		"leaq 1f(%%rip), %%rax\n\t"
		"pushq %%rax\n\t"
		"lretq\n"
		"1:\n\t"
		"ltr %w3"
		: : "m"(gdtr), "r"(GDT_DATA), "i"(GDT_CODE64), "r"(GDT_TSS)
		: "rax", "memory");
	idt_load();
	/* after the segment loads: loading GS clears the base */
	wrmsr(MSR_GS_BASE, (uint64_t)cpu);
}
