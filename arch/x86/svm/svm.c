// SPDX-License-Identifier: MIT
/* The AMD SVM back-end (APM vol. 2, chapter 15). */
#include <arch/cpu.h>
#include <arch/guest_state.h>
#include <arch/layout.h>
#include <arch/msr.h>
#include <arch/svm.h>
#include <arch/vendor.h>
#include <arch/x86.h>
#include <base/log.h>
#include <core/exit_dispatch.h>
#include <core/vm.h>
#include <keel/abi.h>
#include <lib/spinlock.h>
#include <lib/string.h>
#include <lib/util.h>
#include <mm/frame_pool.h>

#define SVM_CPUID_FEATURES 0x8000000a
#define PAT_DEFAULT        0x0007040600070406ull
#define MSRPM_RANGE_BYTES  0x800
#define MSRPM_RANGE_MSRS   0x2000
#define EVENT_VALID_BIT    (1ull << 31)

static const uint32_t msrpm_range_base[] = { 0x00000000, 0xc0000000, 0xc0010000 };

static uint64_t iopm_pa, msrpm_pa;
static bool has_nrips;
static bool has_decode_assists;
static uint32_t asid_count;

static struct vmcb *vmcb_of(struct vcpu *v)
{
	return phys_to_virt(v->svm.vmcb_pa);
}

static int svm_probe(const char **why)
{
	struct cpuid_regs ext = cpuid(0x80000001, 0);
	struct cpuid_regs feat;

	if (!(ext.ecx & CPUID_80000001_ECX_SVM)) {
		*why = "this CPU has no AMD-V (SVM)";
		return -KEEL_ENOSYS;
	}
	if (rdmsr(MSR_AMD_VM_CR) & VM_CR_SVMDIS) {
		*why = "SVM is disabled in the firmware setup: enable SVM Mode / AMD-V";
		return -KEEL_ENOSYS;
	}
	feat = cpuid(SVM_CPUID_FEATURES, 0);
	if (!(feat.edx & SVM_FEATURE_NPT)) {
		*why = "this CPU's SVM lacks nested paging (NPT), which Keel requires";
		return -KEEL_ENOSYS;
	}
	has_nrips = feat.edx & SVM_FEATURE_NRIPS;
	has_decode_assists = feat.edx & SVM_FEATURE_DECODE_ASSISTS;
	asid_count = feat.ebx;
	return 0;
}

static bool svm_stage2_1g(void)
{
	/* NPT walks use the host's page sizes (APM 15.25.1) */
	return cpuid(0x80000001, 0).edx & CPUID_80000001_EDX_1G;
}

static void msrpm_allow(uint8_t *msrpm, uint32_t msr)
{
	for (unsigned int r = 0; r < ARRAY_SIZE(msrpm_range_base); r++) {
		uint32_t index;

		if (msr < msrpm_range_base[r] ||
		    msr >= msrpm_range_base[r] + MSRPM_RANGE_MSRS)
			continue;
		index = (msr - msrpm_range_base[r]) * 2;	/* read bit, write bit */
		msrpm[r * MSRPM_RANGE_BYTES + index / 8] &= ~(3u << (index % 8));
	}
}

/* The I/O and MSR permission maps are the same for every guest. */
static int svm_global_init(void)
{
	uint8_t *msrpm;

	if (iopm_pa)
		return 0;
	if (frames_alloc(2, &iopm_pa) || frames_alloc(1, &msrpm_pa))
		return -KEEL_ENOMEM;
	memset(phys_to_virt(iopm_pa), 0xff, SVM_IOPM_SIZE + 4096);
	msrpm = phys_to_virt(msrpm_pa);
	memset(msrpm, 0xff, SVM_MSRPM_SIZE);
	for (unsigned int i = 0; i < msr_passthrough_count; i++)
		msrpm_allow(msrpm, msr_passthrough[i]);
	return 0;
}

static int svm_cpu_enable(struct cpu *cpu)
{
	static struct spinlock init_lock = SPINLOCK_INIT;
	const char *why;
	int ret;

	if (svm_probe(&why)) {
		strlcpy(cpu->virt_error, why, sizeof(cpu->virt_error));
		return -KEEL_ENOSYS;
	}
	guest_state_cpu_init();
	spin_lock(&init_lock);
	ret = svm_global_init();
	spin_unlock(&init_lock);
	if (ret || frames_alloc_zeroed(0, &cpu->svm.hsave_pa) ||
	    frames_alloc_zeroed(0, &cpu->svm.host_vmcb_pa)) {
		strlcpy(cpu->virt_error, "out of memory", sizeof(cpu->virt_error));
		return -KEEL_ENOMEM;
	}
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SVME);
	wrmsr(MSR_AMD_VM_HSAVE_PA, cpu->svm.hsave_pa);
	/* the host's FS/GS/TR/... as VMLOAD will restore them after each exit */
	__asm__ volatile("vmsave %%rax" : : "a"(cpu->svm.host_vmcb_pa) : "memory");
	return 0;
}

static void set_segment(struct vmcb_segment *dst, const struct segment *src)
{
	dst->selector = src->selector;
	dst->attrib = src->attr;
	dst->limit = src->limit;
	dst->base = src->base;
}

/* The VMCB's EFER from the guest's (svm_state.h: LME only with PG). */
static void write_vmcb_efer(struct vcpu *v)
{
	struct vmcb *vmcb = vmcb_of(v);
	uint64_t efer = v->svm.efer | EFER_SVME;

	if (!(vmcb->save.cr0 & CR0_PG))
		efer &= ~(EFER_LME | EFER_LMA);
	vmcb->save.efer = efer;
}

/* The guest state of s; the rest of the save area zero or its reset value. */
static void write_save_area(struct vcpu *v, const struct vcpu_entry_state *s)
{
	struct vmcb *vmcb = vmcb_of(v);

	memset(&vmcb->save, 0, sizeof(vmcb->save));
	set_segment(&vmcb->save.cs, &s->cs);
	set_segment(&vmcb->save.ds, &s->ds);
	set_segment(&vmcb->save.es, &s->ds);
	set_segment(&vmcb->save.ss, &s->ds);
	set_segment(&vmcb->save.fs, &s->ds);
	set_segment(&vmcb->save.gs, &s->ds);
	set_segment(&vmcb->save.tr, &s->tr);
	vmcb->save.gdtr.base = s->gdt_base;
	vmcb->save.gdtr.limit = s->gdt_limit;
	vmcb->save.idtr.base = s->idt_base;
	vmcb->save.idtr.limit = s->idt_limit;
	vmcb->save.cpl = 0;
	vmcb->save.cr0 = s->cr0;
	v->svm.efer = s->efer;
	write_vmcb_efer(v);
	vmcb->save.cr3 = s->cr3;
	vmcb->save.cr4 = s->cr4;
	vmcb->save.dr6 = DR6_INIT;
	vmcb->save.dr7 = DR7_INIT;
	vmcb->save.rflags = s->rflags;
	vmcb->save.rip = s->rip;
	vmcb->save.rsp = s->rsp;
	vmcb->save.g_pat = PAT_DEFAULT;
}

static int svm_vcpu_create(struct vcpu *v, const struct vcpu_entry_state *s,
			   uint64_t stage2_root)
{
	struct vmcb *vmcb;

	if (guest_state_init(&v->gstate))
		return -KEEL_ENOMEM;
	if (frames_alloc_zeroed(0, &v->svm.vmcb_pa)) {
		guest_state_free(&v->gstate);
		return -KEEL_ENOMEM;
	}
	vmcb = vmcb_of(v);

	vmcb->control.intercept_misc1 = SVM_INTERCEPT_INTR | SVM_INTERCEPT_NMI |
		SVM_INTERCEPT_SMI | SVM_INTERCEPT_INIT | SVM_INTERCEPT_CPUID |
		SVM_INTERCEPT_INVD | SVM_INTERCEPT_HLT | SVM_INTERCEPT_INVLPGA |
		SVM_INTERCEPT_IOIO | SVM_INTERCEPT_MSR | SVM_INTERCEPT_SHUTDOWN |
		SVM_INTERCEPT_RDPMC;
	/*
	 * XSETBV: XCR0 is not in the VMCB, so an unintercepted write would
	 * change the host's and the next guest's. MONITOR/MWAIT are not
	 * offered (CPUID hides them), so they #UD as documented.
	 */
	vmcb->control.intercept_misc2 = SVM_INTERCEPT_VMRUN |
		SVM_INTERCEPT_VMMCALL | SVM_INTERCEPT_VMLOAD |
		SVM_INTERCEPT_VMSAVE | SVM_INTERCEPT_STGI | SVM_INTERCEPT_CLGI |
		SVM_INTERCEPT_SKINIT | SVM_INTERCEPT_XSETBV |
		SVM_INTERCEPT_WBINVD | SVM_INTERCEPT_MONITOR |
		SVM_INTERCEPT_MWAIT | SVM_INTERCEPT_MWAIT_ARMED;
	/*
	 * CR0 and CR4 writes are checked by core/cr_access.c: QEMU TCG's
	 * SVM takes what a CPU refuses (CR0.PG without PE, NW without CD,
	 * reserved CR4 bits) and then fails VMRUN, and CR4 must follow the
	 * CPUID policy. EFER.LMA is then set by core. CR3 stays the guest's.
	 * CR8 is the virtual local APIC's TPR, as on VMX (core/cr_access.c):
	 * left to V_TPR it would neither mask the interrupts Keel injects
	 * nor read back what the guest wrote to the APIC's TPR.
	 */
	vmcb->control.intercept_cr = SVM_INTERCEPT_CR0_WRITE |
				     SVM_INTERCEPT_CR4_WRITE |
				     SVM_INTERCEPT_CR8_READ |
				     SVM_INTERCEPT_CR8_WRITE;
	vmcb->control.iopm_base_pa = iopm_pa;
	vmcb->control.msrpm_base_pa = msrpm_pa;
	/* ASID 0 is the host's; TCG has only 16, so VMs share them (see run) */
	v->svm.asid = 1 + (v->vm->id % (asid_count > 1 ? asid_count - 1 : 1));
	vmcb->control.guest_asid = v->svm.asid;
	vmcb->control.tlb_control = SVM_TLB_FLUSH_ALL;
	v->svm.last_cpu = UINT32_MAX;
	v->svm.nmi_masked = false;
	v->svm.iret_pending = false;
	v->svm.nmi_step = false;
	vmcb->control.vintr = SVM_VINTR_MASKING;
	vmcb->control.np_control = SVM_NP_ENABLE;
	vmcb->control.n_cr3 = stage2_root;

	write_save_area(v, s);
	return 0;
}

/*
 * The save area as vcpu_create writes it (real mode is CR0.PE clear,
 * nothing else on SVM), no event being injected, no interrupt window.
 */
static void svm_vcpu_reset(struct vcpu *v, const struct vcpu_entry_state *s)
{
	struct vmcb *vmcb = vmcb_of(v);

	VENDOR_ASSERT_LOADED(v);
	write_save_area(v, s);
	vmcb->control.event_inject = 0;
	vmcb->control.vintr &= ~(SVM_V_IRQ | SVM_V_INTR_PRIO_MAX | SVM_V_IGN_TPR);
	vmcb->control.intercept_misc1 &= ~(SVM_INTERCEPT_VINTR | SVM_INTERCEPT_IRET);
	vmcb->control.intercept_exceptions &= ~(1u << VECTOR_DB);
	vmcb->control.tlb_control = SVM_TLB_FLUSH_ALL;
	v->svm.nmi_masked = false;
	v->svm.iret_pending = false;
	v->svm.nmi_step = false;
}

static void svm_vcpu_destroy(struct vcpu *v)
{
	/* its registers stay behind: the next load overwrites them all */
	if (this_cpu()->loaded_vcpu == v)
		this_cpu()->loaded_vcpu = NULL;
	if (v->svm.vmcb_pa)
		frames_free(v->svm.vmcb_pa, 0);
	v->svm.vmcb_pa = 0;
	guest_state_free(&v->gstate);
}

/*
 * A VMCB is not tied to a CPU; the TLB is flushed when it moves (run).
 * What #VMEXIT leaves in the CPU and neither the VMCB nor VMSAVE holds
 * (DR0-DR3, XCR0, the extended state, TSC_AUX: APM 15.5.1) goes back
 * into v.
 */
static void svm_vcpu_put(struct vcpu *v)
{
	struct cpu *cpu = this_cpu();

	if (cpu->loaded_vcpu != v)
		return;
	guest_state_save(&v->gstate);
	cpu->loaded_vcpu = NULL;
}

static uint8_t ioio_size(uint64_t info)
{
	if (info & SVM_IOIO_SZ32)
		return 4;
	if (info & SVM_IOIO_SZ16)
		return 2;
	return 1;
}

/* Instruction length: next RIP when the CPU saves it (NRIPS), else known. */
static uint32_t insn_len(const struct vmcb *vmcb, uint32_t fallback)
{
	if (has_nrips && vmcb->control.next_rip > vmcb->save.rip)
		return (uint32_t)(vmcb->control.next_rip - vmcb->save.rip);
	return fallback;
}

/*
 * MOV to CR0, CR4 or CR8, MOV from CR8, CLTS or LMSW (APM 15.8.1): with
 * decode assists EXITINFO1 names a MOV's register, else core decodes the
 * instruction.
 */
static void decode_cr(const struct vmcb *vmcb, struct vm_exit *e,
		      uint8_t cr, bool write)
{
	uint64_t info1 = vmcb->control.exit_info1;

	e->reason = EXIT_CR_ACCESS;
	e->cr.cr = cr;
	e->cr.write = write;
	e->cr.mov = has_decode_assists && (info1 & SVM_CR_INFO_MOV);
	e->cr.gpr = (uint8_t)(info1 & SVM_CR_INFO_GPR);
	e->cr.decode = !e->cr.mov;
	e->cr.lmsw = false;	/* core decodes it: no source data here */
	e->insn_len = has_nrips && vmcb->control.next_rip > vmcb->save.rip ?
		      (uint32_t)(vmcb->control.next_rip - vmcb->save.rip) : 0;
}

static void decode_ioio(const struct vmcb *vmcb, struct vm_exit *e,
			uint64_t info1, uint64_t info2)
{
	/* EXITINFO2 holds the next RIP even without NRIPS (APM 15.10.2) */
	e->reason = EXIT_IO;
	e->insn_len = (uint32_t)(info2 - vmcb->save.rip);
	e->io.port = (uint16_t)(info1 >> SVM_IOIO_PORT_SHIFT);
	e->io.size = ioio_size(info1);
	e->io.in = info1 & SVM_IOIO_IN;
	e->io.string = info1 & SVM_IOIO_STR;
	e->io.rep = info1 & SVM_IOIO_REP;
}

static void svm_decode_exit(const struct vmcb *vmcb, struct vm_exit *e)
{
	uint64_t code = vmcb->control.exit_code;
	uint64_t info1 = vmcb->control.exit_info1;
	uint64_t info2 = vmcb->control.exit_info2;

	/* each field is set (the union's for its reason): no memset here */
	e->raw_code = code;
	e->handled = false;
	/* the fast path's exits (exit_fast) without the switch and its defaults */
	if (code == SVM_EXIT_VMMCALL) {
		e->reason = EXIT_HYPERCALL;
		e->insn_len = insn_len(vmcb, SVM_LEN_VMMCALL);
		e->cpl = vmcb->save.cpl;
		return;
	}
	if (code == SVM_EXIT_CPUID) {
		e->reason = EXIT_CPUID;
		e->insn_len = insn_len(vmcb, SVM_LEN_CPUID);
		return;
	}
	if (code == SVM_EXIT_IOIO) {
		decode_ioio(vmcb, e, info1, info2);
		return;
	}
	if (code == SVM_EXIT_MSR) {
		e->reason = info1 ? EXIT_MSR_WRITE : EXIT_MSR_READ;
		e->insn_len = insn_len(vmcb, SVM_LEN_MSR);
		return;
	}
	e->reason = EXIT_UNKNOWN;
	e->insn_len = 0;
	e->qualification = 0;
	if ((uint32_t)code == SVM_EXIT_INVALID) {
		e->reason = EXIT_INVALID_STATE;
		return;
	}
	switch (code) {
	case SVM_EXIT_HLT:
		e->reason = EXIT_HLT;
		e->insn_len = insn_len(vmcb, SVM_LEN_HLT);
		break;
	case SVM_EXIT_NPF:
		e->reason = EXIT_STAGE2_FAULT;
		e->stage2.gpa = info2;
		e->stage2.write = info1 & SVM_NPF_WRITE;
		e->stage2.exec = info1 & SVM_NPF_FETCH;
		e->stage2.read = !e->stage2.write && !e->stage2.exec;
		e->qualification = info1;
		break;
	case SVM_EXIT_INTR:
		e->reason = EXIT_INTR;
		break;
	case SVM_EXIT_VINTR:
		e->reason = EXIT_INTR_WINDOW;
		break;
	case SVM_EXIT_IRET:
	case SVM_EXIT_EXCEPTION_BASE + VECTOR_DB:	/* only while nmi_step */
		e->reason = EXIT_NMI_WINDOW;	/* see svm_nmi_window */
		break;
	case SVM_EXIT_NMI:
		e->reason = EXIT_NMI;
		break;
	case SVM_EXIT_SHUTDOWN:
		e->reason = EXIT_TRIPLE_FAULT;
		break;
	case SVM_EXIT_WRITE_CR0:
	case SVM_EXIT_WRITE_CR4:
	case SVM_EXIT_WRITE_CR8:
		decode_cr(vmcb, e, (uint8_t)(code - SVM_EXIT_WRITE_CR0), true);
		break;
	case SVM_EXIT_READ_CR8:
		decode_cr(vmcb, e, 8, false);
		break;
	case SVM_EXIT_XSETBV:
		e->reason = EXIT_XSETBV;
		e->insn_len = insn_len(vmcb, SVM_LEN_XSETBV);
		break;
	case SVM_EXIT_RDPMC:
		e->reason = EXIT_RDPMC;
		break;
	case SVM_EXIT_WBINVD:
	case SVM_EXIT_INVD:
		e->reason = EXIT_CACHE_FLUSH;
		e->insn_len = insn_len(vmcb, SVM_LEN_WBINVD);
		break;
	case SVM_EXIT_MONITOR:
	case SVM_EXIT_MWAIT:
	case SVM_EXIT_MWAIT_ARMED:
	case SVM_EXIT_VMRUN:
	case SVM_EXIT_VMLOAD:
	case SVM_EXIT_VMSAVE:
	case SVM_EXIT_STGI:
	case SVM_EXIT_CLGI:
	case SVM_EXIT_SKINIT:
	case SVM_EXIT_INVLPGA:
		e->reason = EXIT_VIRT_INSN;
		break;
	default:
		e->qualification = info1;
		break;
	}
}

void svm_vmrun(struct vcpu *v, uint64_t vmcb_pa, uint64_t host_vmcb_pa,
	       struct vm_exit *exit);
bool svm_exit(struct vcpu *v, struct vm_exit *exit);

/*
 * After each #VMEXIT, from svm_vmrun (svm_entry.S): the exit decoded into
 * *exit, then the fast path (exit_fast). True: enter the guest again now.
 */
bool svm_exit(struct vcpu *v, struct vm_exit *exit)
{
	struct vmcb *vmcb = vmcb_of(v);
	uint64_t int_info = vmcb->control.exit_int_info;

	v->regs.rax = vmcb->save.rax;
	vmcb->control.tlb_control = 0;
	/* an event cut short by the exit is delivered again (APM 15.7.2) */
	vmcb->control.event_inject = int_info & EVENT_VALID_BIT ? int_info : 0;
	svm_decode_exit(vmcb, exit);
	if (!exit_fast(v, exit))
		return false;
	vmcb->save.rax = v->regs.rax;
	return true;
}

/*
 * deadline_tsc is not needed here: with V_INTR_MASKING the LAPIC timer's
 * interrupt exits the guest (INTR intercept) whatever the guest's IF.
 */
static void svm_vcpu_load(struct vcpu *v)
{
	struct cpu *cpu = this_cpu();

	if (cpu->loaded_vcpu != v) {
		guest_state_load(&v->gstate);
		vmcb_of(v)->control.tsc_offset = v->tsc_offset;
		cpu->loaded_vcpu = v;
	}
}

static void svm_vcpu_run(struct vcpu *v, struct vm_exit *exit,
			 uint64_t deadline_tsc)
{
	struct vmcb *vmcb = vmcb_of(v);
	struct cpu *cpu = this_cpu();

	/*
	 * VMs can share an ASID (QEMU TCG has 16), so a CPU that ran another
	 * VMCB since this one may hold that guest's translations under the
	 * same ASID: flush them before this guest runs (APM 15.16). So may
	 * a CPU this vCPU comes back to after running elsewhere: what it
	 * left here predates whatever its guest changed and flushed there.
	 */
	if (cpu->svm.last_vmcb_pa != v->svm.vmcb_pa ||
	    v->svm.last_cpu != cpu->index) {
		vmcb->control.tlb_control = SVM_TLB_FLUSH_ALL;
		cpu->svm.last_vmcb_pa = v->svm.vmcb_pa;
		v->svm.last_cpu = cpu->index;
	}
	svm_vcpu_load(v);
	vmcb->save.rax = v->regs.rax;
	svm_vmrun(v, v->svm.vmcb_pa, cpu->svm.host_vmcb_pa, exit);
}

static void svm_stage2_flush(struct vcpu *v)
{
	vmcb_of(v)->control.tlb_control = SVM_TLB_FLUSH_ALL;
}

static uint64_t svm_get_rip(struct vcpu *v)
{
	VENDOR_ASSERT_LOADED(v);
	return vmcb_of(v)->save.rip;
}

static void svm_set_rip(struct vcpu *v, uint64_t rip)
{
	struct vmcb *vmcb = vmcb_of(v);

	VENDOR_ASSERT_LOADED(v);
	vmcb->save.rip = rip;
	/* the instruction is done: an STI or MOV SS shadow ends with it */
	vmcb->control.interrupt_shadow &= ~SVM_INTERRUPT_SHADOW;
}

static void svm_advance_rip(struct vcpu *v, uint32_t len)
{
	struct vmcb *vmcb = vmcb_of(v);

	VENDOR_ASSERT_LOADED(v);
	vmcb->save.rip += len;
	vmcb->control.interrupt_shadow &= ~SVM_INTERRUPT_SHADOW;
	/*
	 * An intercepted instruction never completed in the guest, so the
	 * CPU raised no single-step trap for it (APM 15.7.1): raise it here,
	 * with DR6.BS as the CPU would set it (APM 13.1.1.3).
	 */
	if (vmcb->save.rflags & RFLAGS_TF) {
		vmcb->save.dr6 |= DR6_BS;
		vmcb->control.event_inject = VECTOR_DB |
			SVM_EVENT_TYPE_EXCEPTION | SVM_EVENT_VALID;
	}
}

static uint64_t svm_get_rsp(struct vcpu *v)
{
	VENDOR_ASSERT_LOADED(v);
	return vmcb_of(v)->save.rsp;
}

static void svm_set_rsp(struct vcpu *v, uint64_t rsp)
{
	VENDOR_ASSERT_LOADED(v);
	vmcb_of(v)->save.rsp = rsp;
}

/*
 * With nested paging the guest's CR0, CR3 and CR4 are its own: the VMCB
 * holds them, MOV CR is not intercepted and the CPU checks and applies
 * each write itself (APM 15.25.1); these serve the exits that need them.
 */
static uint64_t svm_get_cr0(struct vcpu *v)
{
	VENDOR_ASSERT_LOADED(v);
	return vmcb_of(v)->save.cr0;
}

static uint64_t svm_get_cr3(struct vcpu *v)
{
	VENDOR_ASSERT_LOADED(v);
	return vmcb_of(v)->save.cr3;
}

static uint64_t svm_get_cr4(struct vcpu *v)
{
	VENDOR_ASSERT_LOADED(v);
	return vmcb_of(v)->save.cr4;
}

static void svm_set_cr0(struct vcpu *v, uint64_t cr0)
{
	VENDOR_ASSERT_LOADED(v);
	vmcb_of(v)->save.cr0 = cr0;
	write_vmcb_efer(v);		/* LME follows PG into the VMCB */
}

static void svm_set_cr3(struct vcpu *v, uint64_t cr3)
{
	VENDOR_ASSERT_LOADED(v);
	vmcb_of(v)->save.cr3 = cr3;
}

static void svm_set_cr4(struct vcpu *v, uint64_t cr4)
{
	VENDOR_ASSERT_LOADED(v);
	vmcb_of(v)->save.cr4 = cr4;
}

/* The CPU reads the PDPTEs from guest memory itself under NPT. */
static void svm_set_pdptes(struct vcpu *v, const uint64_t pdpte[4])
{
	(void)v;
	(void)pdpte;
}

static bool svm_guest_64bit(struct vcpu *v)
{
	const struct vmcb *vmcb = vmcb_of(v);

	VENDOR_ASSERT_LOADED(v);
	return (vmcb->save.efer & EFER_LMA) && (vmcb->save.cs.attrib & SEG_ATTR_L);
}

/* RDTSCP is not intercepted: it works wherever the CPU has it. */
static bool svm_guest_rdtscp(void)
{
	return true;
}

static uint64_t svm_get_rflags(struct vcpu *v)
{
	VENDOR_ASSERT_LOADED(v);
	return vmcb_of(v)->save.rflags;
}

static unsigned int svm_get_cpl(struct vcpu *v)
{
	VENDOR_ASSERT_LOADED(v);
	return vmcb_of(v)->save.cpl;
}

static uint64_t svm_get_efer(struct vcpu *v)
{
	VENDOR_ASSERT_LOADED(v);
	return v->svm.efer;
}

static void svm_set_efer(struct vcpu *v, uint64_t efer)
{
	VENDOR_ASSERT_LOADED(v);
	v->svm.efer = efer;
	write_vmcb_efer(v);
}

static uint64_t svm_get_pat(struct vcpu *v)
{
	VENDOR_ASSERT_LOADED(v);
	return vmcb_of(v)->save.g_pat;
}

static void svm_set_pat(struct vcpu *v, uint64_t pat)
{
	VENDOR_ASSERT_LOADED(v);
	vmcb_of(v)->save.g_pat = pat;
}

static void svm_set_tsc_offset(struct vcpu *v)
{
	VENDOR_ASSERT_LOADED(v);
	vmcb_of(v)->control.tsc_offset = v->tsc_offset;
}

static void svm_inject_exception(struct vcpu *v, uint8_t vector, bool has_error,
				 uint32_t error)
{
	uint64_t ev = vector | SVM_EVENT_TYPE_EXCEPTION | SVM_EVENT_VALID;

	VENDOR_ASSERT_LOADED(v);
	if (has_error)
		ev |= SVM_EVENT_ERROR_VALID | ((uint64_t)error << SVM_EVENT_ERROR_SHIFT);
	vmcb_of(v)->control.event_inject = ev;
}

static bool svm_interruptible(struct vcpu *v)
{
	const struct vmcb *vmcb = vmcb_of(v);

	VENDOR_ASSERT_LOADED(v);
	return (vmcb->save.rflags & RFLAGS_IF) &&
	       !(vmcb->control.interrupt_shadow & SVM_INTERRUPT_SHADOW) &&
	       !(vmcb->control.event_inject & SVM_EVENT_VALID);
}

static void svm_inject_interrupt(struct vcpu *v, uint8_t vector)
{
	VENDOR_ASSERT_LOADED(v);
	vmcb_of(v)->control.event_inject = vector | SVM_EVENT_TYPE_INTR |
					   SVM_EVENT_VALID;
}

/* A virtual interrupt request exits with VINTR once the guest takes it (APM 15.21.4). */
static void svm_interrupt_window(struct vcpu *v, bool on)
{
	struct vmcb *vmcb = vmcb_of(v);

	VENDOR_ASSERT_LOADED(v);
	if (on) {
		vmcb->control.vintr |= SVM_V_IRQ | SVM_V_INTR_PRIO_MAX | SVM_V_IGN_TPR;
		vmcb->control.intercept_misc1 |= SVM_INTERCEPT_VINTR;
	} else {
		vmcb->control.vintr &= ~(SVM_V_IRQ | SVM_V_INTR_PRIO_MAX | SVM_V_IGN_TPR);
		vmcb->control.intercept_misc1 &= ~SVM_INTERCEPT_VINTR;
	}
}

static bool svm_nmi_allowed(struct vcpu *v)
{
	const struct vmcb *vmcb = vmcb_of(v);

	VENDOR_ASSERT_LOADED(v);
	if (v->svm.nmi_masked)
		return false;
	if (v->svm.iret_pending) {
		if (vmcb->save.rip == v->svm.iret_rip)
			return false;	/* the handler's IRET has not run yet */
		v->svm.iret_pending = false;
	}
	return !(vmcb->control.interrupt_shadow & SVM_INTERRUPT_SHADOW) &&
	       !(vmcb->control.event_inject & SVM_EVENT_VALID);
}

static void svm_inject_nmi(struct vcpu *v)
{
	struct vmcb *vmcb = vmcb_of(v);

	VENDOR_ASSERT_LOADED(v);
	vmcb->control.event_inject = VECTOR_NMI | SVM_EVENT_TYPE_NMI |
				     SVM_EVENT_VALID;
	v->svm.nmi_masked = true;
	vmcb->control.intercept_misc1 |= SVM_INTERCEPT_IRET;
}

/*
 * The IRET's single step is over: the #DB after it came. Keel's alone
 * (the guest's TF was clear, no breakpoint of its own matched): DR6 as
 * it was. Otherwise the guest takes it, as it would have without Keel.
 */
static void nmi_step_done(struct vcpu *v)
{
	struct vmcb *vmcb = vmcb_of(v);

	vmcb->control.intercept_exceptions &= ~(1u << VECTOR_DB);
	v->svm.nmi_step = false;
	if (vmcb->save.rip != v->svm.iret_rip)
		v->svm.iret_pending = false;
	if (!v->svm.step_tf &&
	    !(vmcb->save.dr6 & ~v->svm.step_dr6 & (DR6_B0_B3 | DR6_BD))) {
		vmcb->save.dr6 = v->svm.step_dr6;
		return;
	}
	if (v->svm.step_tf)
		vmcb->save.dr6 |= DR6_BS;
	if (!(vmcb->control.event_inject & SVM_EVENT_VALID))
		vmcb->control.event_inject = VECTOR_DB |
			SVM_EVENT_TYPE_EXCEPTION | SVM_EVENT_VALID;
}

/*
 * on: while the NMI handler runs, its IRET exits (intercepted since the
 * injection). At that exit the IRET has not run yet: it then runs single-
 * stepped, and the #DB trap after it (intercepted for this alone) is the
 * window, whatever IF it leaves. Also the interrupt window, after a
 * shadow or an event being injected. off: at EXIT_NMI_WINDOW, which on
 * SVM is that IRET or that #DB.
 */
static void svm_nmi_window(struct vcpu *v, bool on)
{
	struct vmcb *vmcb = vmcb_of(v);

	VENDOR_ASSERT_LOADED(v);
	if (on) {
		if (v->svm.nmi_masked || v->svm.nmi_step)
			return;
		if (v->svm.iret_pending && vmcb->save.rip == v->svm.iret_rip) {
			v->svm.nmi_step = true;
			v->svm.step_tf = vmcb->save.rflags & RFLAGS_TF;
			v->svm.step_dr6 = vmcb->save.dr6;
			vmcb->save.rflags |= RFLAGS_TF | RFLAGS_RF;
			vmcb->control.intercept_exceptions |= 1u << VECTOR_DB;
			return;
		}
		svm_interrupt_window(v, true);
		return;
	}
	if (v->svm.nmi_step) {
		nmi_step_done(v);
		return;
	}
	if (!(vmcb->control.intercept_misc1 & SVM_INTERCEPT_IRET))
		return;
	vmcb->control.intercept_misc1 &= ~SVM_INTERCEPT_IRET;
	v->svm.nmi_masked = false;
	v->svm.iret_pending = true;
	v->svm.iret_rip = vmcb->save.rip;
}

static void svm_get_segment(struct vcpu *v, unsigned int sreg, struct segment *s)
{
	struct vmcb *vmcb = vmcb_of(v);
	const struct vmcb_segment *const segs[] = {
		&vmcb->save.es, &vmcb->save.cs, &vmcb->save.ss,
		&vmcb->save.ds, &vmcb->save.fs, &vmcb->save.gs,
	};
	const struct vmcb_segment *src = segs[sreg < 6 ? sreg : 0];

	VENDOR_ASSERT_LOADED(v);
	s->selector = src->selector;
	s->attr = src->attrib;
	s->limit = src->limit;
	s->base = src->base;
}

static void svm_set_rflags(struct vcpu *v, uint64_t rflags)
{
	VENDOR_ASSERT_LOADED(v);
	vmcb_of(v)->save.rflags = rflags;
}

static void svm_set_cr2(struct vcpu *v, uint64_t cr2)
{
	VENDOR_ASSERT_LOADED(v);
	vmcb_of(v)->save.cr2 = cr2;
}

static void svm_dump(struct vcpu *v)
{
	const struct vmcb *vmcb = vmcb_of(v);

	VENDOR_ASSERT_LOADED(v);
	log_info("  rip=%016lx rsp=%016lx rflags=%lx cpl=%u",
		 vmcb->save.rip, vmcb->save.rsp, vmcb->save.rflags, vmcb->save.cpl);
	log_info("  cr0=%lx cr3=%lx cr4=%lx efer=%lx exitcode=%lx info1=%lx info2=%lx",
		 vmcb->save.cr0, vmcb->save.cr3, vmcb->save.cr4, vmcb->save.efer,
		 vmcb->control.exit_code, vmcb->control.exit_info1,
		 vmcb->control.exit_info2);
	log_info("  cs=%x/%x ss=%x/%x gdtr=%lx/%x idtr=%lx/%x tr=%x cr2=%lx",
		 vmcb->save.cs.selector, vmcb->save.cs.attrib,
		 vmcb->save.ss.selector, vmcb->save.ss.attrib,
		 vmcb->save.gdtr.base, vmcb->save.gdtr.limit,
		 vmcb->save.idtr.base, vmcb->save.idtr.limit,
		 vmcb->save.tr.selector, vmcb->save.cr2);
	log_info("  exit_int_info=%lx event_inject=%lx vintr=%lx shadow=%lx asid=%u",
		 vmcb->control.exit_int_info, vmcb->control.event_inject,
		 vmcb->control.vintr, vmcb->control.interrupt_shadow,
		 vmcb->control.guest_asid);
}

const struct vendor_ops svm_ops = {
	.kind = VENDOR_SVM,
	.name = "svm",
	.root_mode = "SVM host mode",
	.stage2_kind = PT_NPT,
	.hypercall_features = KEEL_FEATURE_VMMCALL,
	.probe = svm_probe,
	.stage2_1g = svm_stage2_1g,
	.cpu_enable = svm_cpu_enable,
	.vcpu_create = svm_vcpu_create,
	.vcpu_destroy = svm_vcpu_destroy,
	.vcpu_reset = svm_vcpu_reset,
	.vcpu_put = svm_vcpu_put,
	.vcpu_load = svm_vcpu_load,
	.vcpu_run = svm_vcpu_run,
	.stage2_flush = svm_stage2_flush,
	.get_rip = svm_get_rip,
	.set_rip = svm_set_rip,
	.advance_rip = svm_advance_rip,
	.get_rsp = svm_get_rsp,
	.set_rsp = svm_set_rsp,
	.get_cr0 = svm_get_cr0,
	.get_cr3 = svm_get_cr3,
	.get_cr4 = svm_get_cr4,
	.set_cr0 = svm_set_cr0,
	.set_cr3 = svm_set_cr3,
	.set_cr4 = svm_set_cr4,
	.set_pdptes = svm_set_pdptes,
	.get_segment = svm_get_segment,
	.guest_64bit = svm_guest_64bit,
	.guest_rdtscp = svm_guest_rdtscp,
	.get_rflags = svm_get_rflags,
	.get_cpl = svm_get_cpl,
	.get_efer = svm_get_efer,
	.set_efer = svm_set_efer,
	.get_pat = svm_get_pat,
	.set_pat = svm_set_pat,
	.set_tsc_offset = svm_set_tsc_offset,
	.inject_exception = svm_inject_exception,
	.interruptible = svm_interruptible,
	.inject_interrupt = svm_inject_interrupt,
	.interrupt_window = svm_interrupt_window,
	.nmi_allowed = svm_nmi_allowed,
	.inject_nmi = svm_inject_nmi,
	.nmi_window = svm_nmi_window,
	.set_rflags = svm_set_rflags,
	.set_cr2 = svm_set_cr2,
	.dump = svm_dump,
};
