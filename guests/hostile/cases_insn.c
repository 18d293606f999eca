// SPDX-License-Identifier: MIT
/*
 * Instructions a guest may not use (#UD/#GP as on a CPU without them),
 * single-stepping over emulated instructions, MSRs and ports.
 */
#include <lib/string.h>

#include "cases.h"
#include "hostile.h"

#define COM1_SCR 0x3ff
#define HOST_LAPIC 0xfee00000ull

/* --------------------------------------------------------------- CPUID */

void case_cpuid_hidden(void)
{
	struct cpuid_regs r = cpuid(1, 0);

	if (r.ecx & (1u << 5))
		fail("leaf 1 shows VMX");
	if (r.ecx & (1u << 3))
		fail("leaf 1 shows MONITOR");
	if (!(r.ecx & (1u << 31)))
		fail("leaf 1 lacks the hypervisor bit");
	if (cpuid(0x80000001, 0).ecx & (1u << 2))
		fail("0x80000001 shows SVM");
	r = cpuid(5, 0);
	if (r.eax | r.ebx | r.ecx | r.edx)
		fail("leaf 5 (MONITOR) is not zero");
	r = cpuid(0xa, 0);
	if (r.eax | r.ebx | r.ecx | r.edx)
		fail("leaf 0xa (PMU) is not zero");
	r = cpuid(0x8000000a, 0);
	if (r.eax | r.ebx | r.ecx | r.edx)
		fail("leaf 0x8000000a (SVM) is not zero");
}

void case_cpuid_apic_id(void)
{
	uint32_t id = cpuid(1, 0).ebx >> 24;

	if (id != start_info->vcpu_id)
		fail("leaf 1 APIC id %u on vCPU %u", id, start_info->vcpu_id);
	if (rdmsr(0x802) != start_info->vcpu_id)
		fail("x2APIC id %lu on vCPU %u", rdmsr(0x802), start_info->vcpu_id);
}

/* ------------------------------------------------- single-step (RFLAGS.TF) */

/*
 * Sets TF, runs one instruction, and expects exactly one #DB with DR6.BS
 * and the saved RIP on the instruction after it (label 2).
 */
#define STEP(insn, ...)							\
	do {								\
		uint64_t after;						\
		trap.db_count = 0;					\
		trap.db_rip = 0;					\
		__asm__ volatile("leaq 2f(%%rip), %0\n\t"		\
				 "pushfq\n\t"				\
				 "orq $0x100, (%%rsp)\n\t"		\
				 "popfq\n\t"				\
				 insn "\n"				\
				 "2:\tnop\n\tnop\n\tnop\n\t"		\
				 : "=&r"(after) __VA_ARGS__);		\
		judge_step(after);					\
	} while (0)

static void judge_step(uint64_t after)
{
	if (trap.db_count != 1)
		fail("%u #DB exceptions, want exactly 1", trap.db_count);
	else if (trap.db_rip != after)
		fail("#DB with RIP %#lx, want %#lx (the next instruction)%s",
		     trap.db_rip, after,
		     trap.db_rip > after ? ": one instruction late" : "");
	else if (!(trap.db_dr6 & (1u << 14)))
		fail("DR6 %#lx lacks BS", trap.db_dr6);
}

void case_tf_native(void)
{
	STEP("xchg %%rbx, %%rbx", : : "memory");
}

void case_tf_cpuid(void)
{
	uint32_t a = 0, b, c = 0, d;

	STEP("cpuid", , "+a"(a), "=b"(b), "+c"(c), "=d"(d) : : "memory");
}

void case_tf_hypercall(void)
{
	long ret = KEEL_HC_VERSION;

	if (use_vmmcall())
		STEP("vmmcall", , "+a"(ret) : : "memory");
	else
		STEP("vmcall", , "+a"(ret) : : "memory");
	if (ret != KEEL_ABI_VERSION && !case_failed())
		fail("the hypercall returned %ld", ret);
}

void case_tf_rdmsr(void)
{
	uint32_t lo, hi;

	STEP("rdmsr", , "=a"(lo), "=d"(hi) : "c"(MSR_IA32_PAT) : "memory");
}

void case_tf_out_com1(void)
{
	STEP("outb %%al, %%dx", : "a"(0x5a), "d"(COM1_SCR) : "memory");
}

void case_tf_in_port(void)
{
	uint32_t v;

	STEP("inb %%dx, %%al", , "=a"(v) : "d"(0x2f8) : "memory");
}

void case_tf_wbinvd(void)
{
	STEP("wbinvd", : : "memory");
}

void case_tf_mov_cr8(void)
{
	STEP("mov %%rax, %%cr8", : "a"(0ul) : "memory");
}

void case_tf_xsetbv(void)
{
	uint64_t cr4;

	if (!has_xsave()) {
		skip("no XSAVE");
		return;
	}
	__asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
	__asm__ volatile("mov %0, %%cr4" : : "r"(cr4 | CR4_OSXSAVE));
	STEP("xsetbv", : "a"(3), "d"(0), "c"(0) : "memory");
}

/* ----------------------------------------------- instructions a guest lacks */

void case_monitor_ud(void)
{
	static uint64_t line[8] __attribute__((aligned(64)));

	TRY("monitor", : : "a"(line), "c"(0), "d"(0) : "r11", "memory");
	expect_vector("monitor", VECTOR_UD);
}

void case_mwait_ud(void)
{
	TRY("mwait", : : "a"(0), "c"(0) : "r11", "memory");
	expect_vector("mwait", VECTOR_UD);
}

void case_rdpmc_gp(void)
{
	uint32_t lo, hi;

	TRY("rdpmc", : "=a"(lo), "=d"(hi) : "c"(0) : "r11", "memory");
	expect_vector("rdpmc counter 0", VECTOR_GP);
}

void case_rdpmc_pce_gp(void)
{
	uint32_t lo, hi;
	uint64_t cr4;

	__asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
	__asm__ volatile("mov %0, %%cr4" : : "r"(cr4 | CR4_PCE));
	TRY("rdpmc", : "=a"(lo), "=d"(hi) : "c"(0) : "r11", "memory");
	__asm__ volatile("mov %0, %%cr4" : : "r"(cr4));
	expect_vector("rdpmc with CR4.PCE", VECTOR_GP);
}

void case_rdtscp_consistent(void)
{
	bool shown = cpuid(0x80000001, 0).edx & (1u << 27);
	uint32_t lo, hi, aux;

	TRY("rdtscp", : "=a"(lo), "=d"(hi), "=c"(aux) : : "r11", "memory");
	if (shown)
		expect_no_fault("rdtscp (CPUID shows it)");
	else
		expect_vector("rdtscp (CPUID hides it)", VECTOR_UD);
}

static uint64_t vmx_region[512] __attribute__((aligned(4096)));

void case_vmxon_ud(void)
{
	uint64_t pa = (uint64_t)vmx_region;

	TRY("vmxon %0", : : "m"(pa) : "r11", "memory", "cc");
	expect_vector("vmxon", VECTOR_UD);
}

void case_vmx_insns_ud(void)
{
	uint64_t pa = (uint64_t)vmx_region, v = 0;

	TRY("vmptrld %0", : : "m"(pa) : "r11", "memory", "cc");
	expect_vector("vmptrld", VECTOR_UD);
	TRY("vmclear %0", : : "m"(pa) : "r11", "memory", "cc");
	expect_vector("vmclear", VECTOR_UD);
	TRY("vmptrst %0", : "=m"(v) : : "r11", "memory", "cc");
	expect_vector("vmptrst", VECTOR_UD);
	TRY("vmread %1, %0", : "=r"(v) : "r"(0x681eul) : "r11", "memory", "cc");
	expect_vector("vmread", VECTOR_UD);
	TRY("vmwrite %1, %0", : : "r"(0x681eul), "r"(v) : "r11", "memory", "cc");
	expect_vector("vmwrite", VECTOR_UD);
	TRY("vmlaunch", : : : "r11", "memory", "cc");
	expect_vector("vmlaunch", VECTOR_UD);
	TRY("vmresume", : : : "r11", "memory", "cc");
	expect_vector("vmresume", VECTOR_UD);
	TRY("vmxoff", : : : "r11", "memory", "cc");
	expect_vector("vmxoff", VECTOR_UD);
}

void case_invept_ud(void)
{
	struct { uint64_t a, b; } desc = { 0, 0 };

	TRY("invept %0, %1", : : "m"(desc), "r"(2ul) : "r11", "memory", "cc");
	expect_vector("invept", VECTOR_UD);
}

void case_invvpid_ud(void)
{
	struct { uint64_t a, b; } desc = { 0, 0 };

	TRY("invvpid %0, %1", : : "m"(desc), "r"(2ul) : "r11", "memory", "cc");
	expect_vector("invvpid", VECTOR_UD);
}

void case_vmfunc_ud(void)
{
	TRY("vmfunc", : : "a"(0), "c"(0) : "r11", "memory");
	expect_vector("vmfunc", VECTOR_UD);
}

void case_vmrun_ud(void)
{
	TRY("vmrun %%rax", : : "a"(vmx_region) : "r11", "memory");
	expect_vector("vmrun", VECTOR_UD);
}

void case_vmload_vmsave_ud(void)
{
	TRY("vmload %%rax", : : "a"(vmx_region) : "r11", "memory");
	expect_vector("vmload", VECTOR_UD);
	TRY("vmsave %%rax", : : "a"(vmx_region) : "r11", "memory");
	expect_vector("vmsave", VECTOR_UD);
}

void case_stgi_clgi_ud(void)
{
	TRY("clgi", : : : "r11", "memory");
	expect_vector("clgi", VECTOR_UD);
	TRY("stgi", : : : "r11", "memory");
	expect_vector("stgi", VECTOR_UD);
}

void case_skinit_invlpga_ud(void)
{
	TRY("skinit %%eax", : : "a"(vmx_region) : "r11", "memory");
	expect_vector("skinit", VECTOR_UD);
	TRY("invlpga %%rax, %%ecx", : : "a"(0), "c"(0) : "r11", "memory");
	expect_vector("invlpga", VECTOR_UD);
}

void case_other_vendor_call_ud(void)
{
	long ret = KEEL_HC_VERSION;

	if (use_vmmcall())
		TRY("vmcall", : "+a"(ret) : : "r11", "memory");
	else
		TRY("vmmcall", : "+a"(ret) : : "r11", "memory");
	expect_vector("the other vendor's hypercall instruction", VECTOR_UD);
}

void case_cr4_vmxe_gp(void)
{
	uint64_t cr4, after;

	__asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
	TRY("mov %0, %%cr4", : : "r"(cr4 | (1ull << 13)) : "r11", "memory");
	__asm__ volatile("mov %%cr4, %0" : "=r"(after));
	if (expect_vector("setting CR4.VMXE", VECTOR_GP) && (after & (1ull << 13)))
		fail("CR4.VMXE reads as set");
}

/* ------------------------------------------------------------------ MSRs */

int try_wrmsr(uint32_t msr, uint64_t v)
{
	TRY("wrmsr", : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32))
	    : "r11", "memory");
	return trap.vector;
}

int try_rdmsr(uint32_t msr, uint64_t *v)
{
	uint32_t lo = 0, hi = 0;

	TRY("rdmsr", : "+a"(lo), "+d"(hi) : "c"(msr) : "r11", "memory");
	*v = ((uint64_t)hi << 32) | lo;
	return trap.vector;
}

static void efer_refused(const char *what, uint64_t value)
{
	uint64_t before = rdmsr(MSR_EFER);

	if (try_wrmsr(MSR_EFER, value) != VECTOR_GP)
		fail("EFER %s (%#lx): %s, want #GP", what, value,
		     trap.vector < 0 ? "accepted" : "another fault");
	else if (rdmsr(MSR_EFER) != before)
		fail("EFER changed to %#lx by a refused write", rdmsr(MSR_EFER));
}

void case_efer_clear_lme_gp(void)
{
	uint64_t efer = rdmsr(MSR_EFER);

	efer_refused("without LME", efer & ~(1ull << 8));
	/* LMA is the CPU's: a write without it is taken, LMA stays (SDM vol. 4) */
	if (try_wrmsr(MSR_EFER, efer & ~(uint64_t)(1u << 10)) >= 0)
		fail("EFER without LMA (%#lx): a fault, want it taken",
		     efer & ~(uint64_t)(1u << 10));
	else if (rdmsr(MSR_EFER) != efer)
		fail("EFER became %#lx after a write without LMA, want %#lx",
		     rdmsr(MSR_EFER), efer);
}

void case_efer_set_svme_gp(void)
{
	efer_refused("with SVME", rdmsr(MSR_EFER) | (1ull << 12));
}

void case_efer_reserved_gp(void)
{
	uint64_t efer = rdmsr(MSR_EFER);

	efer_refused("with bit 1", efer | 2);
	efer_refused("with bit 63", efer | (1ull << 63));
}

/* The test looks for the log line of this write: the warning budget is not spent. */
void case_efer_warn_budget(void)
{
	uint64_t efer = rdmsr(MSR_EFER);

	for (int i = 0; i < 20; i++)
		efer_refused("refused again", i & 1 ? efer | (1ull << 12) :
			     efer & ~(1ull << 8));
	if (try_wrmsr(0x12345678, 0x1234) != VECTOR_GP)
		fail("wrmsr 0x12345678 was not #GP");
}

void case_msr_unknown_gp(void)
{
	uint64_t v;

	if (try_rdmsr(0x12345679, &v) != VECTOR_GP)
		fail("rdmsr 0x12345679: not #GP");
	if (try_wrmsr(0x12345679, 1) != VECTOR_GP)
		fail("wrmsr 0x12345679: not #GP");
	if (try_rdmsr(0x40000000, &v) != VECTOR_GP)
		fail("rdmsr 0x40000000 (hypervisor range): not #GP");
}

void case_pat_invalid_gp(void)
{
	uint64_t before = rdmsr(MSR_IA32_PAT);

	if (try_wrmsr(MSR_IA32_PAT, (PAT_RESET & ~0xffull) | 2) != VECTOR_GP)
		fail("PAT entry type 2: not #GP");
	if (try_wrmsr(MSR_IA32_PAT, PAT_RESET | (8ull << 56)) != VECTOR_GP)
		fail("PAT entry type 8: not #GP");
	if (try_wrmsr(MSR_IA32_PAT, PAT_RESET | (0x10ull << 8)) != VECTOR_GP)
		fail("PAT entry with reserved bit 4: not #GP");
	if (rdmsr(MSR_IA32_PAT) != before)
		fail("PAT changed to %#lx", rdmsr(MSR_IA32_PAT));
}

void case_apic_base_gp(void)
{
	uint64_t base = rdmsr(MSR_IA32_APIC_BASE);

	/*
	 * Disabling is allowed (SDM 10.12.5.1) and guests/devtest checks it:
	 * here it would reset this vCPU's APIC under the other cases.
	 */
	if (try_wrmsr(MSR_IA32_APIC_BASE, base & ~(1ull << 10)) != VECTOR_GP)
		fail("x2APIC to xAPIC directly: not #GP");
	if (try_wrmsr(MSR_IA32_APIC_BASE, 0xfec00000ull | (base & 0xfff)) != VECTOR_GP)
		fail("moving the APIC base: not #GP");
	if (try_wrmsr(MSR_IA32_APIC_BASE, base | 1) != VECTOR_GP)
		fail("reserved bit 0: not #GP");
	if (try_wrmsr(MSR_IA32_APIC_BASE, base & ~(1ull << 11)) != VECTOR_GP)
		fail("EXTD without EN: not #GP");
	if (try_wrmsr(MSR_IA32_APIC_BASE, base) != -1)
		fail("writing the same value faulted");
	if (rdmsr(MSR_IA32_APIC_BASE) != base)
		fail("APIC base changed");
}


void case_msr_noncanonical_gp(void)
{
	if (try_wrmsr(MSR_LSTAR, 0x8000000000000000ull) != VECTOR_GP)
		fail("non-canonical LSTAR: not #GP");
	if (try_wrmsr(MSR_FS_BASE, 0x0000800000000000ull) != VECTOR_GP)
		fail("non-canonical FS_BASE: not #GP");
	if (try_wrmsr(MSR_KERNEL_GS_BASE, 0xfff0000000000000ull) != VECTOR_GP)
		fail("non-canonical KERNEL_GS_BASE: not #GP");
	wrmsr(MSR_LSTAR, 0);
	wrmsr(MSR_FS_BASE, 0);
	wrmsr(MSR_KERNEL_GS_BASE, 0);
}

void case_x2apic_bad_gp(void)
{
	uint64_t v;

	if (try_wrmsr(0x802, 5) != VECTOR_GP)
		fail("writing the x2APIC ID: not #GP");
	if (try_wrmsr(X2_TPR, 1ull << 32) != VECTOR_GP)
		fail("TPR with bits 63:32 set: not #GP");
	if (try_wrmsr(X2_ICR, (2ull << 8) | 0x30) != VECTOR_GP)
		fail("ICR SMI delivery: not #GP");
	if (try_rdmsr(0x8ff, &v) != VECTOR_GP)
		fail("rdmsr 0x8ff (no register): not #GP");
}

/*
 * The other vendor's control MSR does not exist; our own reads as
 * virtualization off and locked (case vendor_msrs), and takes no write.
 */
void case_virt_msrs_gp(void)
{
	uint64_t v;
	uint32_t other = use_vmmcall() ? MSR_IA32_FEATURE_CONTROL : MSR_AMD_VM_CR;

	if (try_rdmsr(other, &v) != VECTOR_GP)
		fail("rdmsr %#x (the other vendor's): not #GP", other);
	if (try_wrmsr(MSR_AMD_VM_CR, 0) != VECTOR_GP)
		fail("wrmsr VM_CR: not #GP");
	if (try_wrmsr(MSR_IA32_FEATURE_CONTROL, 5) != VECTOR_GP)
		fail("wrmsr IA32_FEATURE_CONTROL: not #GP");
	if (try_wrmsr(MSR_AMD_VM_HSAVE_PA, 0x100000) != VECTOR_GP)
		fail("wrmsr VM_HSAVE_PA: not #GP");
	if (try_rdmsr(MSR_IA32_VMX_BASIC, &v) != VECTOR_GP)
		fail("rdmsr IA32_VMX_BASIC: not #GP");
}

/* TSC_AUX (what RDTSCP returns in ECX) is the vCPU's own. */
void case_priv_tsc_aux(void)
{
	uint64_t v;

	if (try_wrmsr(MSR_TSC_AUX, 0x4841) != -1) {
		fail("wrmsr TSC_AUX: vector %d", trap.vector);
		return;
	}
	for (int i = 0; i < 15 && !case_failed(); i++) {
		sleep_ns(2000000);
		if (try_rdmsr(MSR_TSC_AUX, &v) != -1 || v != 0x4841)
			fail("TSC_AUX is %#lx (vector %d), we wrote 0x4841", v,
			     trap.vector);
	}
	try_wrmsr(MSR_TSC_AUX, 0);
}

/* ----------------------------------------------------------------- ports */

void case_port_unknown_ones(void)
{
	if (inb(0x2f8) != 0xff)
		fail("inb 0x2f8 is %#x", inb(0x2f8));
	if (inw(0x1f0) != 0xffff)
		fail("inw 0x1f0 is %#x", inw(0x1f0));
	if (inl(0xcfc) != 0xffffffffu)
		fail("inl 0xcfc is %#x", inl(0xcfc));
}

void case_port_in32_zero_extends(void)
{
	uint64_t rax = 0xdeadbeef00000000ull;

	__asm__ volatile("inl %%dx, %%eax" : "+a"(rax) : "d"(0x2f8));
	if (rax != 0xffffffffull)
		fail("inl from 0x2f8 left RAX %#lx, want 0xffffffff (32-bit results zero-extend)",
		     rax);
	rax = 0xdeadbeef00000000ull;
	__asm__ volatile("inl %%dx, %%eax" : "+a"(rax) : "d"(COM1_SCR - 3));
	if (rax >> 32)
		fail("inl from COM1 left RAX %#lx: bits 63:32 kept", rax);
}

void case_port_in16_merges(void)
{
	uint64_t rax = 0xdeadbeefcafe0000ull;

	__asm__ volatile("inw %%dx, %%ax" : "+a"(rax) : "d"(0x2f8));
	if (rax != 0xdeadbeefcafeffffull)
		fail("inw left RAX %#lx, want 0xdeadbeefcafeffff", rax);
}

/*
 * The host's reset ports: ignored (we are still here). 0xcf9 with RST_CPU
 * and 0x64 command 0xfe are the VM's own reset registers now: they reset
 * only that VM, which tests/integration/test_acpi.py shows beside a guest
 * that runs on. Here the harmless halves: 0xcf9 without RST_CPU, and
 * commands 0x64 does not take.
 */
void case_port_reset_ignored(void)
{
	outb(0xcf9, 0x02);	/* SYS_RST alone: no reset yet */
	outb(0x64, 0xd1);	/* keyboard controller: write output port */
	outb(0x92, 0x01);	/* fast A20 / INIT */
	sleep_ns(1000000);
}

void case_port_exit_ignored(void)
{
	static const char bochs[] = "Shutdown";

	outb(0xf4, 0x10);	/* QEMU isa-debug-exit */
	for (const char *p = bochs; *p; p++)
		outb(0x8900, (uint8_t)*p);	/* Bochs shutdown port */
	outw(0x604, 0x2000);	/* QEMU's S5 (SLP_TYP 0); Keel's PM1a: nothing */
	outw(0xb004, 0x2000);	/* Bochs/older QEMU ACPI: S5 */
	sleep_ns(1000000);
}

/*
 * The VM's ACPI PM timer (0x608-0x60b, 3.579545 MHz, read-only): writes
 * of every size change nothing, it never goes back, a byte read agrees
 * with the 32-bit value, a read that runs past the block is nobody's (all
 * ones), and 10 ms of sleep advance it by at least 9 ms of ticks.
 */
void case_port_pm_timer(void)
{
	uint32_t a, b, hi;
	uint64_t rax = 0;

	outl(0x608, 0);
	outw(0x60a, 0xffff);
	outb(0x60b, 0x80);
	a = inl(0x608);
	for (int i = 0; i < 100; i++) {
		b = inl(0x608);
		if (b < a)
			fail("PM timer went back: %#x after %#x", b, a);
		a = b;
	}
	hi = inb(0x60b);
	b = inl(0x608);
	if (hi > b >> 24 || (b >> 24) - hi > 1)
		fail("PM timer byte 3 %#x against the 32-bit value %#x", hi, b);
	__asm__ volatile("inl %%dx, %%eax" : "+a"(rax) : "d"(0x60a));
	if (rax != 0xffffffffull)
		fail("inl 0x60a (past the block) read %#lx, want all ones", rax);
	a = inl(0x608);
	sleep_ns(10000000);
	b = inl(0x608);
	if (b - a < 3579545u / 1000 * 9)
		fail("PM timer advanced %u ticks over a 10 ms sleep", b - a);
}

void case_port_pci_config(void)
{
	outl(0xcf8, 0x80000000u);	/* bus 0, device 0: the host bridge */
	if (inl(0xcfc) != 0xffffffffu)
		fail("host PCI config space readable: %#x", inl(0xcfc));
	outl(0xcf8, 0x80000000u);
	outl(0xcfc, 0);
}

void case_port_pic_pit_ignored(void)
{
	outb(0x21, 0xff);	/* mask the host's PIC */
	outb(0xa1, 0xff);
	outb(0x43, 0x30);	/* PIT channel 0, one-shot */
	outb(0x40, 0);
	outb(0x40, 0);
	outb(0x70, 0x8f);	/* CMOS: NMI off, shutdown status */
	outb(0x71, 0x0a);
	if (inb(0x21) != 0xff)
		fail("inb 0x21 is %#x", inb(0x21));
	sleep_ns(5000000);	/* the host still has its timer: we wake up */
}

/* Low guest-physical memory is the guest's own RAM, not the host's. */
void case_low_mem_own(void)
{
	static const char sig[8] = "RSD PTR ";
	volatile uint64_t *vga = (volatile uint64_t *)0xb8000;

	for (uint64_t a = 0xe0000; a < 0x100000; a += 16)
		if (!memcmp((const void *)a, sig, 8))
			fail("the host's ACPI RSDP at guest-physical %#lx", a);
	for (uint64_t a = 0xf0000; a < 0x100000; a += 16)
		if (!memcmp((const void *)a, "_SM_", 4) ||
		    !memcmp((const void *)a, "_MP_", 4))
			fail("a host firmware table at guest-physical %#lx", a);
	*vga = 0x1122334455667788ull;
	if (*vga != 0x1122334455667788ull)
		fail("0xb8000 is not RAM: read back %#lx", *vga);
}
