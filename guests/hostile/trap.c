// SPDX-License-Identifier: MIT
/*
 * The attacker's IDT, fault catching (TRY), and ring 3: its own GDT with
 * user segments and a TSS, and the boot page tables opened to CPL 3.
 */
#include <lib/string.h>

#include "hostile.h"

#define SEL_CODE      0x08
#define SEL_DATA      0x10
#define SEL_USER_DATA 0x18
#define SEL_USER_CODE 0x20
#define SEL_TSS       0x28
#define GATE_KERNEL   0x8e
#define GATE_USER     0xee	/* DPL 3: reachable with int from ring 3 */
#define PTE_USER      (1ull << 2)
#define PTE_ADDR      0x000ffffffffff000ull
#define PTE_LARGE     (1ull << 7)

typedef unsigned long uword_t __attribute__((mode(__word__)));

struct trap_record trap;
uint64_t trap_resume;

struct __attribute__((packed)) gate {
	uint16_t off_lo, sel;
	uint8_t ist, type;
	uint16_t off_mid;
	uint32_t off_hi, zero;
};

static struct gate idt[256] __attribute__((aligned(16)));

static void set_gate(uint8_t vector, void *handler, uint8_t type)
{
	uint64_t a = (uint64_t)handler;

	idt[vector] = (struct gate){ a & 0xffff, SEL_CODE, 0, type,
				     (a >> 16) & 0xffff, a >> 32, 0 };
}

static void trap_hit(int vector, uint64_t error, struct interrupt_frame *f)
{
	trap.count++;
	if (vector == VECTOR_DB) {
		uint64_t dr6;

		__asm__ volatile("mov %%dr6, %0" : "=r"(dr6));
		trap.db_count++;
		trap.db_rip = f->rip;
		trap.db_dr6 = dr6;
		f->rflags &= ~RFLAGS_TF;
		__asm__ volatile("mov %0, %%dr6" : : "r"(DR6_RESET));
		return;
	}
	trap.vector = vector;
	trap.error = error;
	trap.rip = f->rip;
	trap.cs = f->cs;
	if (trap_resume) {
		f->rip = trap_resume;
		trap_resume = 0;
		return;
	}
	/* an unexpected fault: say so and stop this vCPU */
	gprintf("hostile: unexpected exception %d error %#lx at rip %#lx cs %#lx\n",
		vector, error, f->rip, f->cs);
	guest_halt();
}

#define ISR(n)								\
	__attribute__((interrupt)) static void isr##n(struct interrupt_frame *f) \
	{ trap_hit(n, 0, f); }
#define ISR_ERR(n)							\
	__attribute__((interrupt)) static void isr##n(struct interrupt_frame *f, \
						     uword_t e)		\
	{ trap_hit(n, e, f); }

ISR(0) ISR(1) ISR(3) ISR(4) ISR(5) ISR(6) ISR(7) ISR_ERR(8) ISR(9)
ISR_ERR(10) ISR_ERR(11) ISR_ERR(12) ISR_ERR(13) ISR_ERR(14) ISR(15) ISR(16)
ISR_ERR(17) ISR(18) ISR(19) ISR(20) ISR_ERR(21)

__attribute__((interrupt)) static void storm_isr(struct interrupt_frame *f)
{
	trap.ticks++;
	wrmsr(X2_EOI, 0);
}

/*
 * The master 8259's vectors (case_pic_storm). The cause is never
 * cleared here: once trap.storm_end has passed the handler masks every
 * input, which is what ends the storm.
 */
__attribute__((interrupt)) static void pic_isr(struct interrupt_frame *f)
{
	trap.ticks++;
	if (rdtsc() >= trap.storm_end)
		outb(PIC1_DATA, 0xff);
}

/*
 * NMIs: during the NMI storm (case_nmi_storm) each handler sends the
 * next, which must wait for this one's IRET; at any other time an NMI is
 * unexpected, like a fault.
 */
__attribute__((interrupt)) static void isr2(struct interrupt_frame *f)
{
	if (trap.nmi_count_only) {	/* case_ioapic_nmi_storm */
		if (trap.nmi_in)
			trap.nmi_nested++;
		trap.nmi_in = 1;
		trap.ticks++;
		trap.nmi_in = 0;
		return;
	}
	if (!trap.nmi_storm_end) {
		trap_hit(2, 0, f);
		return;
	}
	if (trap.nmi_sti)
		__asm__ volatile("sti" ::: "memory");
	if (trap.nmi_in)
		trap.nmi_nested++;
	trap.nmi_in = 1;
	trap.ticks++;
	if (rdtsc() < trap.nmi_storm_end)
		wrmsr(X2_ICR, ICR_SELF_NMI);
	trap.nmi_in = 0;
}

void ring3_return_isr(void);

void traps_init(void)
{
	static void *const isrs[] = {
		isr0, isr1, isr2, isr3, isr4, isr5, isr6, isr7, isr8, isr9,
		isr10, isr11, isr12, isr13, isr14, isr15, isr16, isr17, isr18,
		isr19, isr20, isr21,
	};
	struct __attribute__((packed)) { uint16_t limit; uint64_t base; } idtr = {
		sizeof(idt) - 1, (uint64_t)idt };

	for (unsigned int i = 0; i < sizeof(isrs) / sizeof(isrs[0]); i++)
		set_gate((uint8_t)i, isrs[i], GATE_KERNEL);
	set_gate(STORM_VECTOR, storm_isr, GATE_KERNEL);
	set_gate(IPI_VECTOR, storm_isr, GATE_KERNEL);
	for (unsigned int i = 0; i < 8; i++)
		set_gate((uint8_t)(PIC_VECTOR_BASE + i), pic_isr, GATE_KERNEL);
	set_gate(RING3_RETURN_VECTOR, ring3_return_isr, GATE_USER);
	__asm__ volatile("lidt %0" : : "m"(idtr));
}

/* ------------------------------------------------------------- ring 3 */

struct __attribute__((packed)) tss64 {
	uint32_t rsvd0;
	uint64_t rsp[3];
	uint64_t rsvd1;
	uint64_t ist[7];
	uint64_t rsvd2;
	uint16_t rsvd3, iomap;
};

static struct tss64 tss __attribute__((aligned(16)));
static uint64_t gdt[7] __attribute__((aligned(16)));
static uint8_t kernel_stack[16384] __attribute__((aligned(16)));
uint8_t user_stack[16384] __attribute__((aligned(16)));
uint64_t ring0_saved_rsp;
volatile long ring3_result[8];

void ring3_init(void)
{
	struct __attribute__((packed)) { uint16_t limit; uint64_t base; } gdtr = {
		sizeof(gdt) - 1, (uint64_t)gdt };
	uint64_t t = (uint64_t)&tss, *pml4, *pdpt, *pd, cr3;

	gdt[0] = 0;
	gdt[1] = 0x00af9a000000ffffull;		/* code64, DPL 0 */
	gdt[2] = 0x00cf92000000ffffull;		/* data, DPL 0 */
	gdt[3] = 0x00cff2000000ffffull;		/* data, DPL 3 */
	gdt[4] = 0x00affa000000ffffull;		/* code64, DPL 3 */
	gdt[5] = (sizeof(tss) - 1) | ((t & 0xffffff) << 16) | (0x89ull << 40) |
		 (((t >> 24) & 0xff) << 56);	/* available 64-bit TSS */
	gdt[6] = t >> 32;
	memset(&tss, 0, sizeof(tss));
	tss.rsp[0] = (uint64_t)kernel_stack + sizeof(kernel_stack);
	tss.iomap = sizeof(tss);		/* no I/O bitmap: IOPL rules */
	__asm__ volatile("lgdt %0; ltr %w1" : : "m"(gdtr), "r"(SEL_TSS) : "memory");

	/* the boot tables (§5): open the guest's RAM to CPL 3 */
	__asm__ volatile("mov %%cr3, %0" : "=r"(cr3));
	pml4 = (uint64_t *)(cr3 & PTE_ADDR);
	pml4[0] |= PTE_USER;
	pdpt = (uint64_t *)(pml4[0] & PTE_ADDR);
	pdpt[0] |= PTE_USER;
	pd = (uint64_t *)(pdpt[0] & PTE_ADDR);
	for (uint64_t i = 0; i < start_info->mem_bytes >> 21; i++)
		pd[i] |= PTE_USER;
	__asm__ volatile("mov %0, %%cr3" : : "r"(cr3) : "memory");
}

/*
 * ring3_run(fn): iretq to fn at CPL 3 (IF clear, IOPL 0) on user_stack;
 * fn ends with int $0x81, whose handler returns from ring3_run.
 */
__asm__(
	".text\n"
	".globl ring3_run, ring3_return_isr, ring3_exit\n"
	"ring3_run:\n"
	"	pushq %rbx\n"
	"	pushq %rbp\n"
	"	pushq %r12\n"
	"	pushq %r13\n"
	"	pushq %r14\n"
	"	pushq %r15\n"
	"	movq %rsp, ring0_saved_rsp(%rip)\n"
	"	pushq $0x1b\n"
	"	leaq user_stack+16384(%rip), %rax\n"
	"	pushq %rax\n"
	"	pushq $0x2\n"
	"	pushq $0x23\n"
	"	pushq %rdi\n"
	"	iretq\n"
	"ring3_return_isr:\n"
	"	movq ring0_saved_rsp(%rip), %rsp\n"
	"	movl $0x10, %eax\n"
	"	movl %eax, %ds\n"
	"	movl %eax, %es\n"
	"	movl %eax, %ss\n"
	"	popq %r15\n"
	"	popq %r14\n"
	"	popq %r13\n"
	"	popq %r12\n"
	"	popq %rbp\n"
	"	popq %rbx\n"
	"	ret\n"
	"ring3_exit:\n"
	"	int $0x81\n"
	"	ud2\n");
