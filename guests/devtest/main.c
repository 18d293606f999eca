// SPDX-License-Identifier: MIT
/*
 * devtest: the devices a guest reaches through the hypervisor's
 * instruction emulator (core/emulate.c), each check one line:
 * "devtest: PASS name" or "devtest: FAIL name: what".
 *   - string port I/O: REP OUTSB to COM1 prints a line, REP INSB/INSW
 *     read COM1's line status and an empty port, REP OUTSB from a page
 *     that is not present is #PF with CR2;
 *   - IA32_APIC_BASE: x2APIC -> xAPIC directly is #GP, through disabled
 *     it works; x2APIC MSRs are #GP outside x2APIC mode;
 *   - the xAPIC page: ID and version with MOV and MOVZX, TPR with MOV
 *     imm, OR and AND on memory, 16-bit (66h) stores and loads; the timer
 *     in periodic mode by MMIO, EOI by MMIO; a self-IPI through the ICR;
 *   - back to x2APIC through disabled and xAPIC.
 * Then "devtest: done", and the last access, which the emulator cannot
 * do and which must stop this VM only:
 *   final=movnti (default)  MOVNTI to the xAPIC page (no such instruction
 *                           in the emulator)
 *   final=hole              a read of 0xfed00000, where no device is
 * With only=hole it does nothing but the last access.
 */
#include <lib/string.h>

#include "guest.h"

#define MSR_APIC_BASE   0x1b
#define APIC_BASE_X2    0xfee00d00ull	/* BSP, EXTD, EN: Keel's start */
#define APIC_BASE_OFF   0xfee00100ull	/* BSP only: disabled */
#define APIC_BASE_XAPIC 0xfee00900ull	/* BSP, EN */
#define X2_ID           0x802
#define X2_VERSION      0x803
#define XAPIC           0xfee00000ul
#define REG_ID          0x020
#define REG_VERSION     0x030
#define REG_TPR         0x080
#define REG_EOI         0x0b0
#define REG_SVR         0x0f0
#define REG_ICR_LOW     0x300
#define REG_ICR_HIGH    0x310
#define REG_LVT_TIMER   0x320
#define REG_TIMER_INIT  0x380
#define REG_TIMER_CUR   0x390
#define REG_TIMER_DIV   0x3e0
#define VERSION_BYTE    0x14
#define TIMER_VECTOR    0x40
#define IPI_VECTOR      0x41
#define LVT_PERIODIC    (1u << 17)
#define LVT_MASKED      (1u << 16)
#define ICR_SELF        (1u << 18)
#define SVR_ENABLE      0x1ff		/* enabled, spurious vector 0xff */
#define DIVIDE_BY_1     0xb
#define TICKS_WANTED    5
#define TIMER_MS        5
#define LSR_PORT        0x3fd
#define LSR_IDLE        0x60		/* THR empty, transmitter empty */
#define EMPTY_PORT      0x80
#define HOLE            0xfed00000ul
#define VECTOR_GP       13
#define VECTOR_PF       14
#define PD_FOURTH_GIB   0x9000ul	/* the boot tables' PD of 3-4 GiB (hypercalls.md §5) */
#define UNMAPPED_LA     0xc0000000ul	/* its first entry, made not present */
#define PTE_PRESENT     1ull
#define PF_PRESENT      1ull		/* #PF error code bit 0: a rights fault */
#define INSN_REP_OUTSB_LEN 2
#define INSN_WRMSR_RDMSR_LEN 2

struct interrupt_frame {
	uint64_t rip, cs, rflags, rsp, ss;
};

static volatile uint64_t ticks, ipis, gp_count, pf_count, pf_cr2, pf_code;
static int failures;

static volatile uint32_t *reg(unsigned int offset)
{
	return (volatile uint32_t *)(XAPIC + offset);
}

static void check(bool ok, const char *name, const char *fmt, uint64_t a,
		  uint64_t b)
{
	if (ok) {
		gprintf("devtest: PASS %s\n", name);
		return;
	}
	failures++;
	gprintf("devtest: FAIL %s: ", name);
	gprintf(fmt, a, b);
	gprintf("\n");
}

/* A WRMSR or RDMSR that should (or should not) raise #GP. */
static void check_gp(bool want, bool got, const char *name)
{
	check(want == got, name, want ? "no #GP" : "#GP", 0, 0);
}

/* #GP from WRMSR/RDMSR: count it and skip the instruction. */
__attribute__((interrupt)) static void gp_isr(struct interrupt_frame *f,
					      uint64_t code)
{
	gp_count++;
	f->rip += INSN_WRMSR_RDMSR_LEN;
}

/* #PF from the REP OUTSB of string_io_fault: record it, skip the instruction. */
__attribute__((interrupt)) static void pf_isr(struct interrupt_frame *f,
					      uint64_t code)
{
	uint64_t cr2;

	__asm__ volatile("mov %%cr2, %0" : "=r"(cr2));
	pf_count++;
	pf_cr2 = cr2;
	pf_code = code;
	f->rip += INSN_REP_OUTSB_LEN;
}

__attribute__((interrupt)) static void timer_isr(struct interrupt_frame *f)
{
	ticks++;
	__asm__ volatile("movl $0, (%0)" : : "r"(reg(REG_EOI)) : "memory");
}

__attribute__((interrupt)) static void ipi_isr(struct interrupt_frame *f)
{
	ipis++;
	*reg(REG_EOI) = 0;
}

/* Did the WRMSR raise #GP? */
static bool wrmsr_faults(uint32_t msr, uint64_t value)
{
	uint64_t before = gp_count;

	wrmsr(msr, value);
	return gp_count != before;
}

static bool rdmsr_faults(uint32_t msr)
{
	uint64_t before = gp_count;

	(void)rdmsr(msr);
	return gp_count != before;
}

static void string_io(void)
{
	static const char line[] = "devtest: PASS outsb\n";
	uint8_t lsr[8];
	uint16_t empty[4];
	bool ok = true;

	__asm__ volatile("rep outsb" : "+S"((const char *){ line }),
			 "+c"((uint64_t){ sizeof(line) - 1 }) : "d"(0x3f8) : "memory");
	memset(lsr, 0, sizeof(lsr));
	__asm__ volatile("rep insb" : "+D"((uint8_t *){ lsr }),
			 "+c"((uint64_t){ sizeof(lsr) }) : "d"(LSR_PORT) : "memory");
	for (unsigned int i = 0; i < sizeof(lsr); i++)
		ok = ok && lsr[i] == LSR_IDLE;
	check(ok, "insb", "COM1 LSR read %#lx, %#lx", lsr[0], lsr[7]);
	memset(empty, 0, sizeof(empty));
	__asm__ volatile("rep insw" : "+D"((uint16_t *){ empty }),
			 "+c"((uint64_t){ 4 }) : "d"(EMPTY_PORT) : "memory");
	check(empty[0] == 0xffff && empty[3] == 0xffff, "insw_empty_port",
	      "read %#lx, %#lx", empty[0], empty[3]);
}

/*
 * REP OUTSB from a page the guest's own tables do not map: the emulator
 * walks them, finds it not present, and injects #PF with CR2 (or the CPU
 * raises it before the exit: the guest cannot tell, and either is right).
 */
static void string_io_fault(void)
{
	volatile uint64_t *pde = (volatile uint64_t *)PD_FOURTH_GIB;
	uint64_t saved = *pde, n = 4;
	const char *p = (const char *)UNMAPPED_LA;

	*pde = saved & ~PTE_PRESENT;
	__asm__ volatile("invlpg (%0)" : : "r"(UNMAPPED_LA) : "memory");
	__asm__ volatile("rep outsb" : "+S"(p), "+c"(n) : "d"(0x3f8) : "memory");
	*pde = saved;
	__asm__ volatile("invlpg (%0)" : : "r"(UNMAPPED_LA) : "memory");
	check(pf_count == 1 && pf_cr2 == UNMAPPED_LA, "outsb_page_fault",
	      "%lu #PF, CR2 %#lx", pf_count, pf_cr2);
	check(n == 4 && p == (const char *)UNMAPPED_LA && !(pf_code & PF_PRESENT),
	      "outsb_page_fault_state", "RCX %lu, error code %#lx", n, pf_code);
}

static void to_xapic(void)
{
	check(rdmsr(MSR_APIC_BASE) == APIC_BASE_X2, "apic_base_reset",
	      "APIC_BASE %#lx, want %#lx", rdmsr(MSR_APIC_BASE), APIC_BASE_X2);
	check_gp(true, wrmsr_faults(MSR_APIC_BASE, APIC_BASE_XAPIC),
		 "x2apic_to_xapic_gp");
	check_gp(false, wrmsr_faults(MSR_APIC_BASE, APIC_BASE_OFF),
		 "x2apic_to_disabled");
	check_gp(true, rdmsr_faults(X2_ID),
		 "x2apic_msr_gp_when_disabled");
	check_gp(true, wrmsr_faults(MSR_APIC_BASE, APIC_BASE_X2),
		 "disabled_to_x2apic_gp");
	check_gp(false, wrmsr_faults(MSR_APIC_BASE, APIC_BASE_XAPIC),
		 "disabled_to_xapic");
	check(rdmsr(MSR_APIC_BASE) == APIC_BASE_XAPIC, "apic_base_xapic",
	      "APIC_BASE %#lx, want %#lx", rdmsr(MSR_APIC_BASE), APIC_BASE_XAPIC);
	check_gp(true, rdmsr_faults(X2_VERSION),
		 "x2apic_msr_gp_in_xapic");
}

static void xapic_registers(void)
{
	uint32_t v32;
	uint16_t v16;

	__asm__ volatile("movl (%1), %0" : "=r"(v32) : "r"(reg(REG_ID)) : "memory");
	check(v32 == 0, "mov_id", "ID %#lx, want %#lx", v32, 0);
	__asm__ volatile("movzbl (%1), %0" : "=r"(v32) : "r"(reg(REG_VERSION)) : "memory");
	check(v32 == VERSION_BYTE, "movzx_version_byte", "%#lx, want %#lx", v32,
	      VERSION_BYTE);
	__asm__ volatile("movzwl (%1), %0" : "=r"(v32) : "r"(reg(REG_VERSION)) : "memory");
	check(v32 == VERSION_BYTE, "movzx_version_word", "%#lx, want %#lx", v32,
	      VERSION_BYTE);

	__asm__ volatile("movl $0x20, (%0)" : : "r"(reg(REG_TPR)) : "memory");
	check(*reg(REG_TPR) == 0x20, "mov_imm_tpr", "TPR %#lx, want %#lx",
	      *reg(REG_TPR), 0x20);
	__asm__ volatile("orl $0x10, (%0)" : : "r"(reg(REG_TPR)) : "memory");
	check(*reg(REG_TPR) == 0x30, "or_tpr", "TPR %#lx, want %#lx",
	      *reg(REG_TPR), 0x30);
	__asm__ volatile("andl $0xe0, (%0)" : : "r"(reg(REG_TPR)) : "memory");
	check(*reg(REG_TPR) == 0x20, "and_tpr", "TPR %#lx, want %#lx",
	      *reg(REG_TPR), 0x20);
	__asm__ volatile("movw $0x40, (%0)" : : "r"(reg(REG_TPR)) : "memory");
	__asm__ volatile("movw (%1), %0" : "=r"(v16) : "r"(reg(REG_TPR)) : "memory");
	check(v16 == 0x40 && *reg(REG_TPR) == 0x40, "word_tpr",
	      "16-bit TPR %#lx, 32-bit %#lx", v16, *reg(REG_TPR));
	*reg(REG_TPR) = 0;
}

static void xapic_timer(void)
{
	uint64_t count = (uint64_t)start_info->tsc_khz * TIMER_MS, t0;
	uint32_t current;

	*reg(REG_SVR) = SVR_ENABLE;
	*reg(REG_TIMER_DIV) = DIVIDE_BY_1;
	*reg(REG_LVT_TIMER) = TIMER_VECTOR | LVT_PERIODIC;
	ticks = 0;
	t0 = rdtsc();
	*reg(REG_TIMER_INIT) = (uint32_t)count;
	current = *reg(REG_TIMER_CUR);
	check(current && current <= count, "timer_current", "current %lu, initial %lu",
	      current, count);
	while (ticks < TICKS_WANTED && rdtsc() - t0 < ms_to_tsc(2000))
		__asm__ volatile("sti; hlt; cli" ::: "memory");
	*reg(REG_TIMER_INIT) = 0;
	*reg(REG_LVT_TIMER) = LVT_MASKED;
	check(ticks >= TICKS_WANTED, "timer_periodic", "%lu ticks of %lu in 2 s",
	      ticks, TICKS_WANTED);
	gprintf("devtest: timer: %lu ticks of %u ms in %lu ms\n", ticks, TIMER_MS,
		tsc_to_ms(rdtsc() - t0));

	ipis = 0;
	*reg(REG_ICR_HIGH) = 0;
	*reg(REG_ICR_LOW) = IPI_VECTOR | ICR_SELF;
	__asm__ volatile("sti; nop; cli" ::: "memory");
	check(ipis == 1, "self_ipi", "%lu interrupts, want %lu", ipis, 1);
}

static void back_to_x2apic(void)
{
	check_gp(false, wrmsr_faults(MSR_APIC_BASE, APIC_BASE_X2),
		 "xapic_to_x2apic");
	check(!rdmsr_faults(X2_VERSION) && (rdmsr(X2_VERSION) & 0xff) == VERSION_BYTE,
	      "x2apic_again", "version %#lx (%lu)", rdmsr(X2_VERSION), 0);
}

/* Is the VM's argument key=value? */
static bool arg_is(const char *key, const char *value)
{
	char buf[16];

	return arg_value(key, buf, sizeof(buf)) && !strcmp(buf, value);
}

/* The access the emulator cannot do: the VM stops at it. */
static void final_access(void)
{
	if (arg_is("final", "hole") || arg_is("only", "hole")) {
		gprintf("devtest: final: read of %#lx\n", HOLE);
		(void)*(volatile uint32_t *)HOLE;
	} else {
		wrmsr(MSR_APIC_BASE, APIC_BASE_OFF);
		wrmsr(MSR_APIC_BASE, APIC_BASE_XAPIC);
		gprintf("devtest: final: movnti to the xAPIC TPR\n");
		__asm__ volatile("movnti %0, (%1)" : : "r"(0x10u), "r"(reg(REG_TPR))
				 : "memory");
	}
	gprintf("devtest: FAIL final: the VM went on\n");
}

void guest_main(void)
{
	if (arg_is("only", "hole")) {
		final_access();
		return;
	}
	/* an error-code handler in the IDT's handler type (the CPU does not care) */
	idt_set_gate(VECTOR_GP,
		     (void (*)(struct interrupt_frame *))(void (*)(void))gp_isr);
	idt_set_gate(VECTOR_PF,
		     (void (*)(struct interrupt_frame *))(void (*)(void))pf_isr);
	idt_set_gate(TIMER_VECTOR, timer_isr);
	idt_set_gate(IPI_VECTOR, ipi_isr);
	idt_load();
	string_io();
	string_io_fault();
	to_xapic();
	xapic_registers();
	xapic_timer();
	back_to_x2apic();
	gprintf("devtest: done: %d failures\n", failures);
	final_access();
}
