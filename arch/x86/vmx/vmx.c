// SPDX-License-Identifier: MIT
/* The Intel VMX back-end (SDM vol. 3C, chapters 23-31). */
#include <arch/cpu.h>
#include <arch/guest_state.h>
#include <arch/layout.h>
#include <arch/msr.h>
#include <arch/vendor.h>
#include <arch/vmx.h>
#include <arch/x86.h>
#include <arch/x86/vmx/vmx_timer.h>
#include <base/log.h>
#include <core/exit_dispatch.h>
#include <core/vm.h>
#include <keel/abi.h>
#include <lib/spinlock.h>
#include <lib/string.h>
#include <lib/util.h>
#include <mm/frame_pool.h>

#define PAT_DEFAULT  0x0007040600070406ull
#define MSR_BITMAP_WRITE_OFFSET 0x800
#define MSR_BITMAP_HIGH_OFFSET  0x400
#define MSR_HIGH_BASE           0xc0000000u
#define MSR_RANGE               0x2000u
#define INTR_TYPE_MASK          (7u << 8)
#define INTR_TYPE_NMI           (2u << 8)
#define EXIT_INSN_MWAIT         36
#define VMX_MISC_TIMER_RATE_MASK 0x1f
#define EXIT_INSN_MONITOR       39

struct vmx_controls {
	uint32_t pin, proc, proc2, exit, entry;
};

static struct vmx_controls controls;
static uint32_t vmcs_revision;
static uint64_t msr_bitmap_pa;
static uint64_t cr0_fixed0, cr0_fixed1, cr4_fixed0, cr4_fixed1;
static bool ept_1g;
/*
 * CR0 bits the host owns and forces to 1 (CR0_FIXED0; with unrestricted
 * guest not PE and PG, SDM 26.3.1.1), and the guest/host masks: a guest
 * write that changes an owned bit exits (SDM 25.3), and reads of owned
 * bits come from the read shadow, which holds the guest's own value.
 * CR0: PE and PG too, so that mode changes go through core/cr_access.c
 * (LMA, the IA-32e entry control, PDPTEs); CR4: every bit, so that each
 * write is checked against the CPUID policy (core/cr_rules.c).
 */
static uint64_t cr0_forced, cr0_mask;
#define CR4_MASK_ALL ~0ull
static bool has_preemption_timer;
/*
 * Virtual NMIs with NMI-window exiting (SDM 25.6.1, 26.7.6): the CPU
 * keeps an injected NMI's blocking until the guest's IRET and exits when
 * it ends. Without them (no CPU Keel knows of) NMIs are injected with no
 * blocking kept: a second may come inside the first's handler.
 */
static bool has_virtual_nmis;
static unsigned int preemption_timer_shift;	/* counts TSC >> shift */

void vmx_exit_stub(void);
int vmx_enter(struct vcpu *v, int launched, struct vm_exit *exit,
	      uint64_t deadline_tsc);
bool vmx_exit(struct vcpu *v, struct vm_exit *exit, uint64_t deadline_tsc);
extern char isr_table_start[];

/* ------------------------------------------------------ VMX instructions */

static inline bool vmx_ok(void)
{
	uint64_t rflags = read_rflags();

	return !(rflags & (RFLAGS_CF | RFLAGS_ZF));
}

static bool vmxon(uint64_t pa)
{
	bool ok;

	__asm__ volatile("vmxon %1; setna %0" : "=r"(ok) : "m"(pa) : "cc", "memory");
	return !ok;
}

static bool vmclear(uint64_t pa)
{
	bool fail;

	__asm__ volatile("vmclear %1; setna %0" : "=r"(fail) : "m"(pa) : "cc", "memory");
	return !fail;
}

static bool vmptrld(uint64_t pa)
{
	bool fail;

	__asm__ volatile("vmptrld %1; setna %0" : "=r"(fail) : "m"(pa) : "cc", "memory");
	return !fail;
}

static inline uint64_t vmread(uint64_t field)
{
	uint64_t v;

	__asm__ volatile("vmread %1, %0" : "=r"(v) : "r"(field) : "cc");
	return v;
}

static inline void vmwrite(uint64_t field, uint64_t v)
{
	__asm__ volatile("vmwrite %1, %0" : : "r"(field), "r"(v) : "cc");
}

/* ---------------------------------------------------------- capabilities */

/*
 * A control MSR's low half is the bits that must be 1, its high half the
 * bits that may be 1 (SDM A.3). Fails when a wanted bit is not allowed.
 */
static bool adjust_controls(uint32_t msr, uint32_t want, uint32_t *out)
{
	uint64_t cap = rdmsr(msr);
	uint32_t must = (uint32_t)cap, may = (uint32_t)(cap >> 32);

	*out = (want | must) & may;
	return (*out & want) == want;
}

static int vmx_setup_controls(const char **why)
{
	uint64_t basic = rdmsr(MSR_IA32_VMX_BASIC);
	bool true_ctls = basic & VMX_BASIC_TRUE_CONTROLS;
	/* no XSAVES: IA32_XSS is not switched, so it #UDs (CPUID hides it) */
	uint32_t optional2 = PROC2_ENABLE_RDTSCP | PROC2_ENABLE_INVPCID |
			     PROC2_WBINVD_EXITING | PROC2_UNRESTRICTED_GUEST;
	uint32_t may2 = (uint32_t)(rdmsr(MSR_IA32_VMX_PROCBASED_CTLS2) >> 32);
	uint64_t ept_cap;

	vmcs_revision = basic & VMX_BASIC_REVISION_MASK;
	*why = "this CPU's VMX lacks a control Keel needs";
	if (!adjust_controls(true_ctls ? MSR_IA32_VMX_TRUE_PINBASED_CTLS :
			     MSR_IA32_VMX_PINBASED_CTLS,
			     PIN_EXTERNAL_INTR_EXITING | PIN_NMI_EXITING,
			     &controls.pin))
		return -KEEL_ENOSYS;
	/*
	 * The preemption timer ends a time slice even where an interrupt
	 * exit would not come (Bochs only exits on an interrupt when the
	 * guest has IF set; SDM 25.2 says it must regardless).
	 */
	has_preemption_timer = (rdmsr(true_ctls ? MSR_IA32_VMX_TRUE_PINBASED_CTLS :
				      MSR_IA32_VMX_PINBASED_CTLS) >> 32) &
			       PIN_PREEMPTION_TIMER;
	if (has_preemption_timer) {
		controls.pin |= PIN_PREEMPTION_TIMER;
		preemption_timer_shift = rdmsr(MSR_IA32_VMX_MISC) &
					 VMX_MISC_TIMER_RATE_MASK;
	}
	if (!adjust_controls(true_ctls ? MSR_IA32_VMX_TRUE_PROCBASED_CTLS :
			     MSR_IA32_VMX_PROCBASED_CTLS,
			     PROC_HLT_EXITING | PROC_UNCOND_IO_EXITING |
			     PROC_USE_MSR_BITMAPS | PROC_MWAIT_EXITING |
			     /* each vCPU's TSC offset (vcpu->tsc_offset) */
			     PROC_USE_TSC_OFFSETTING |
			     PROC_MONITOR_EXITING | PROC_RDPMC_EXITING |
			     /* else MOV CR8 writes the host's TPR (SDM 25.3) */
			     PROC_CR8_LOAD_EXITING | PROC_CR8_STORE_EXITING |
			     PROC_SECONDARY_CONTROLS,
			     &controls.proc))
		return -KEEL_ENOSYS;
	has_virtual_nmis =
		((rdmsr(true_ctls ? MSR_IA32_VMX_TRUE_PINBASED_CTLS :
			MSR_IA32_VMX_PINBASED_CTLS) >> 32) & PIN_VIRTUAL_NMIS) &&
		((rdmsr(true_ctls ? MSR_IA32_VMX_TRUE_PROCBASED_CTLS :
			MSR_IA32_VMX_PROCBASED_CTLS) >> 32) &
		 PROC_NMI_WINDOW_EXITING);
	if (has_virtual_nmis)
		controls.pin |= PIN_VIRTUAL_NMIS;
	if (!adjust_controls(MSR_IA32_VMX_PROCBASED_CTLS2,
			     PROC2_ENABLE_EPT | (optional2 & may2),
			     &controls.proc2)) {
		*why = "this CPU's VMX has no EPT, which Keel requires";
		return -KEEL_ENOSYS;
	}
	if (!adjust_controls(true_ctls ? MSR_IA32_VMX_TRUE_EXIT_CTLS :
			     MSR_IA32_VMX_EXIT_CTLS,
			     /* DR7 and DEBUGCTL are the guest's (SDM 27.3.1) */
			     EXIT_SAVE_DEBUG | EXIT_HOST_ADDR_SPACE_SIZE |
			     EXIT_SAVE_EFER | EXIT_LOAD_EFER | EXIT_SAVE_PAT |
			     EXIT_LOAD_PAT,
			     &controls.exit))
		return -KEEL_ENOSYS;
	if (!adjust_controls(true_ctls ? MSR_IA32_VMX_TRUE_ENTRY_CTLS :
			     MSR_IA32_VMX_ENTRY_CTLS,
			     ENTRY_LOAD_DEBUG | ENTRY_IA32E_MODE_GUEST |
			     ENTRY_LOAD_EFER | ENTRY_LOAD_PAT,
			     &controls.entry))
		return -KEEL_ENOSYS;

	ept_cap = rdmsr(MSR_IA32_VMX_EPT_VPID_CAP);
	if (!(ept_cap & EPT_CAP_WALK_4) || !(ept_cap & EPT_CAP_WB)) {
		*why = "this CPU's EPT lacks 4-level walks or write-back tables";
		return -KEEL_ENOSYS;
	}
	if (!(ept_cap & EPT_CAP_INVEPT) || !(ept_cap & EPT_CAP_INVEPT_ALL)) {
		*why = "this CPU's EPT lacks all-context INVEPT";
		return -KEEL_ENOSYS;
	}
	ept_1g = ept_cap & EPT_CAP_1G;
	cr0_fixed0 = rdmsr(MSR_IA32_VMX_CR0_FIXED0);
	cr0_fixed1 = rdmsr(MSR_IA32_VMX_CR0_FIXED1);
	cr4_fixed0 = rdmsr(MSR_IA32_VMX_CR4_FIXED0);
	cr4_fixed1 = rdmsr(MSR_IA32_VMX_CR4_FIXED1);
	cr0_forced = cr0_fixed0;
	if (controls.proc2 & PROC2_UNRESTRICTED_GUEST)
		cr0_forced &= ~(CR0_PE | CR0_PG);
	cr0_mask = cr0_forced | CR0_PE | CR0_PG;
	return 0;
}

static int vmx_probe(const char **why)
{
	uint64_t fc;

	if (!(cpuid(1, 0).ecx & CPUID_1_ECX_VMX)) {
		*why = "this CPU has no Intel VT-x (VMX)";
		return -KEEL_ENOSYS;
	}
	fc = rdmsr(MSR_IA32_FEATURE_CONTROL);
	if ((fc & FEATURE_CONTROL_LOCKED) && !(fc & FEATURE_CONTROL_VMX_OUTSIDE_SMX)) {
		*why = "VT-x is disabled and locked by the firmware: enable Intel Virtualization Technology in the firmware setup";
		return -KEEL_ENOSYS;
	}
	return vmx_setup_controls(why);
}

static bool vmx_stage2_1g(void)
{
	return ept_1g;
}

/* ------------------------------------------------------------ per CPU */

static void msr_bitmap_allow(uint8_t *bitmap, uint32_t msr)
{
	uint32_t base = msr >= MSR_HIGH_BASE ? MSR_HIGH_BASE : 0;
	uint32_t offset = msr >= MSR_HIGH_BASE ? MSR_BITMAP_HIGH_OFFSET : 0;
	uint32_t bit = msr - base;

	if (bit >= MSR_RANGE)
		return;
	bitmap[offset + bit / 8] &= ~(1u << (bit % 8));	/* read */
	bitmap[MSR_BITMAP_WRITE_OFFSET + offset + bit / 8] &= ~(1u << (bit % 8));
}

static int vmx_global_init(void)
{
	uint8_t *bitmap;

	if (msr_bitmap_pa)
		return 0;
	if (frames_alloc(0, &msr_bitmap_pa))
		return -KEEL_ENOMEM;
	bitmap = phys_to_virt(msr_bitmap_pa);
	memset(bitmap, 0xff, PT_PAGE_4K);
	for (unsigned int i = 0; i < msr_passthrough_count; i++)
		msr_bitmap_allow(bitmap, msr_passthrough[i]);
	return 0;
}

static int vmx_cpu_enable(struct cpu *cpu)
{
	static struct spinlock init_lock = SPINLOCK_INIT;
	uint64_t fc = rdmsr(MSR_IA32_FEATURE_CONTROL);
	const char *why;
	int ret;

	if (vmx_probe(&why)) {
		strlcpy(cpu->virt_error, why, sizeof(cpu->virt_error));
		return -KEEL_ENOSYS;
	}
	if (!(fc & FEATURE_CONTROL_LOCKED)) {
		/* firmware left it open (OVMF under Bochs does): enable and lock */
		wrmsr(MSR_IA32_FEATURE_CONTROL, fc | FEATURE_CONTROL_LOCKED |
		      FEATURE_CONTROL_VMX_OUTSIDE_SMX);
		log_info("cpu%u: IA32_FEATURE_CONTROL was unlocked; enabled VMX and locked it",
			 cpu->index);
	}
	spin_lock(&init_lock);
	ret = vmx_global_init();
	spin_unlock(&init_lock);
	if (ret || frames_alloc_zeroed(0, &cpu->vmx.vmxon_pa)) {
		strlcpy(cpu->virt_error, "out of memory", sizeof(cpu->virt_error));
		return -KEEL_ENOMEM;
	}
	*(uint32_t *)phys_to_virt(cpu->vmx.vmxon_pa) = vmcs_revision;
	guest_state_cpu_init();
	write_cr0((read_cr0() | cr0_fixed0) & cr0_fixed1);
	write_cr4((read_cr4() | cr4_fixed0 | CR4_VMXE) & cr4_fixed1);
	if (!vmxon(cpu->vmx.vmxon_pa)) {
		strlcpy(cpu->virt_error, "VMXON failed", sizeof(cpu->virt_error));
		return -KEEL_EIO;
	}
	return 0;
}

/* ------------------------------------------------------------- vCPUs */

/* struct segment attr is the VMCB format; VMX puts the flags at 12-15. */
static uint32_t vmx_access_rights(uint16_t attr)
{
	return (attr & 0xff) | ((uint32_t)(attr & 0xf00) << 4);
}

static void write_segment(uint32_t sel_field, const struct segment *s)
{
	/* selector, limit, AR and base fields share the low bits of their encoding */
	uint32_t index = sel_field - VMCS_GUEST_ES_SEL;

	vmwrite(sel_field, s->selector);
	vmwrite(VMCS_GUEST_ES_LIMIT + index, s->limit);
	vmwrite(VMCS_GUEST_ES_AR + index, vmx_access_rights(s->attr));
	vmwrite(VMCS_GUEST_ES_BASE + index, s->base);
}

/* The guest's CR0 with the host's bits forced, and its own in the shadow. */
static void write_cr0_pair(uint64_t cr0)
{
	vmwrite(VMCS_GUEST_CR0, (cr0 | cr0_forced) & cr0_fixed1);
	vmwrite(VMCS_CR0_SHADOW, cr0);
}

/* The same for CR4: VMXE is the host's (CR4_FIXED0). */
static void write_cr4_pair(uint64_t cr4)
{
	vmwrite(VMCS_GUEST_CR4, (cr4 | cr4_fixed0) & cr4_fixed1);
	vmwrite(VMCS_CR4_SHADOW, cr4);
}

/*
 * EFER, and the IA-32e-mode-guest entry control in step with its LMA,
 * which VM entry requires (SDM 26.3.1.1).
 */
static void write_efer(uint64_t efer)
{
	uint64_t entry = vmread(VMCS_ENTRY_CONTROLS) & ~ENTRY_IA32E_MODE_GUEST;

	if (efer & EFER_LMA)
		entry |= ENTRY_IA32E_MODE_GUEST;
	vmwrite(VMCS_ENTRY_CONTROLS, entry);
	vmwrite(VMCS_GUEST_EFER, efer);
}

static void write_guest_state(const struct vcpu_entry_state *s)
{
	static const uint32_t data_segments[] = {
		VMCS_GUEST_ES_SEL, VMCS_GUEST_SS_SEL, VMCS_GUEST_DS_SEL,
		VMCS_GUEST_FS_SEL, VMCS_GUEST_GS_SEL,
	};

	vmwrite(VMCS_CR0_MASK, cr0_mask);
	vmwrite(VMCS_CR4_MASK, CR4_MASK_ALL);
	write_cr0_pair(s->cr0);
	vmwrite(VMCS_GUEST_CR3, s->cr3);
	write_cr4_pair(s->cr4);
	vmwrite(VMCS_GUEST_DR7, DR7_INIT);
	vmwrite(VMCS_GUEST_RSP, s->rsp);
	vmwrite(VMCS_GUEST_RIP, s->rip);
	vmwrite(VMCS_GUEST_RFLAGS, s->rflags);

	write_segment(VMCS_GUEST_CS_SEL, &s->cs);
	for (unsigned int i = 0; i < ARRAY_SIZE(data_segments); i++)
		write_segment(data_segments[i], &s->ds);
	write_segment(VMCS_GUEST_TR_SEL, &s->tr);
	vmwrite(VMCS_GUEST_LDTR_SEL, 0);
	vmwrite(VMCS_GUEST_LDTR_LIMIT, 0);
	vmwrite(VMCS_GUEST_LDTR_AR, VMX_AR_UNUSABLE);
	vmwrite(VMCS_GUEST_LDTR_BASE, 0);
	vmwrite(VMCS_GUEST_GDTR_BASE, s->gdt_base);
	vmwrite(VMCS_GUEST_GDTR_LIMIT, s->gdt_limit);
	vmwrite(VMCS_GUEST_IDTR_BASE, s->idt_base);
	vmwrite(VMCS_GUEST_IDTR_LIMIT, s->idt_limit);

	write_efer(s->efer);
	vmwrite(VMCS_GUEST_PAT, PAT_DEFAULT);
	vmwrite(VMCS_GUEST_DEBUGCTL, 0);
	vmwrite(VMCS_GUEST_SYSENTER_CS, 0);
	vmwrite(VMCS_GUEST_SYSENTER_ESP, 0);
	vmwrite(VMCS_GUEST_SYSENTER_EIP, 0);
	vmwrite(VMCS_GUEST_INTERRUPTIBILITY, 0);
	vmwrite(VMCS_GUEST_ACTIVITY, 0);
	vmwrite(VMCS_GUEST_PENDING_DBG, 0);
	vmwrite(VMCS_LINK_POINTER, VMCS_LINK_NONE);
}

static void write_controls(uint64_t stage2_root)
{
	vmwrite(VMCS_PIN_CONTROLS, controls.pin);
	vmwrite(VMCS_PROC_CONTROLS, controls.proc);
	vmwrite(VMCS_PROC_CONTROLS2, controls.proc2);
	vmwrite(VMCS_EXIT_CONTROLS, controls.exit);
	vmwrite(VMCS_ENTRY_CONTROLS, controls.entry);
	vmwrite(VMCS_EXCEPTION_BITMAP, 0);
	vmwrite(VMCS_PF_ERROR_MASK, 0);
	vmwrite(VMCS_PF_ERROR_MATCH, 0);
	vmwrite(VMCS_CR3_TARGET_COUNT, 0);
	vmwrite(VMCS_EXIT_MSR_STORE_COUNT, 0);
	vmwrite(VMCS_EXIT_MSR_LOAD_COUNT, 0);
	vmwrite(VMCS_ENTRY_MSR_LOAD_COUNT, 0);
	vmwrite(VMCS_ENTRY_INTR_INFO, 0);
	vmwrite(VMCS_MSR_BITMAP, msr_bitmap_pa);
	vmwrite(VMCS_EPT_POINTER, stage2_root);
	vmwrite(VMCS_TSC_OFFSET, 0);
}

/* Host state is per CPU: written whenever a VMCS becomes current here. */
static void write_host_state(struct cpu *cpu)
{
	struct descriptor_ptr idtr = read_idtr();

	vmwrite(VMCS_HOST_CR0, read_cr0());
	vmwrite(VMCS_HOST_CR3, read_cr3());
	vmwrite(VMCS_HOST_CR4, read_cr4());
	vmwrite(VMCS_HOST_CS_SEL, GDT_CODE64);
	vmwrite(VMCS_HOST_SS_SEL, GDT_DATA);
	vmwrite(VMCS_HOST_DS_SEL, GDT_DATA);
	vmwrite(VMCS_HOST_ES_SEL, GDT_DATA);
	vmwrite(VMCS_HOST_FS_SEL, 0);
	vmwrite(VMCS_HOST_GS_SEL, 0);
	vmwrite(VMCS_HOST_TR_SEL, GDT_TSS);
	vmwrite(VMCS_HOST_FS_BASE, 0);
	vmwrite(VMCS_HOST_GS_BASE, (uint64_t)cpu);
	vmwrite(VMCS_HOST_TR_BASE, (uint64_t)&cpu->tss);
	vmwrite(VMCS_HOST_GDTR_BASE, (uint64_t)cpu->gdt);
	vmwrite(VMCS_HOST_IDTR_BASE, idtr.base);
	vmwrite(VMCS_HOST_SYSENTER_CS, 0);
	vmwrite(VMCS_HOST_SYSENTER_ESP, 0);
	vmwrite(VMCS_HOST_SYSENTER_EIP, 0);
	vmwrite(VMCS_HOST_EFER, rdmsr(MSR_EFER));
	vmwrite(VMCS_HOST_PAT, rdmsr(MSR_IA32_PAT));
	vmwrite(VMCS_HOST_RIP, (uint64_t)vmx_exit_stub);
}

static int vmx_vcpu_create(struct vcpu *v, const struct vcpu_entry_state *s,
			   uint64_t stage2_root)
{
	struct cpu *cpu = this_cpu();
	/* called from a hypercall too: the caller's VMCS must come back */
	struct vcpu *caller = cpu->loaded_vcpu;

	if (guest_state_init(&v->gstate))
		return -KEEL_ENOMEM;
	memset(&v->vmx.sw, 0, sizeof(v->vmx.sw));
	v->vmx.host_cpu = 0;	/* a new VMCS: no host state yet */
	v->vmx.sw.dr6 = DR6_INIT;
	if (frames_alloc_zeroed(0, &v->vmx.vmcs_pa)) {
		guest_state_free(&v->gstate);
		return -KEEL_ENOMEM;
	}
	*(uint32_t *)phys_to_virt(v->vmx.vmcs_pa) = vmcs_revision;
	if (!vmclear(v->vmx.vmcs_pa) || !vmptrld(v->vmx.vmcs_pa)) {
		frames_free(v->vmx.vmcs_pa, 0);
		v->vmx.vmcs_pa = 0;
		guest_state_free(&v->gstate);
		if (caller)
			vmptrld(caller->vmx.vmcs_pa);
		return -KEEL_EIO;
	}
	write_controls(stage2_root);
	write_guest_state(s);
	/* inactive and in memory, so any CPU can load it (SDM 24.11.1) */
	vmclear(v->vmx.vmcs_pa);
	v->vmx.vmcs_launched = false;
	/* still active and launched: it continues with VMRESUME */
	if (caller)
		vmptrld(caller->vmx.vmcs_pa);
	return 0;
}

static void vmx_vcpu_destroy(struct vcpu *v)
{
	if (!v->vmx.vmcs_pa)
		return;
	vmclear(v->vmx.vmcs_pa);
	/* its registers stay behind: the next load overwrites them all */
	if (this_cpu()->loaded_vcpu == v)
		this_cpu()->loaded_vcpu = NULL;
	frames_free(v->vmx.vmcs_pa, 0);
	v->vmx.vmcs_pa = 0;
	guest_state_free(&v->gstate);
}

/*
 * What VM exits leave in the CPU and no VMCS field holds (SDM 27.5: CR2,
 * DR0-DR3, DR6, XCR0, the extended state and the SYSCALL MSRs are not
 * switched by VMX transitions), taken back when v leaves this CPU.
 */
static void save_sw_state(struct vcpu *v)
{
	guest_state_save(&v->gstate);
	v->vmx.sw.cr2 = read_cr2();
	v->vmx.sw.dr6 = read_dr6();
	v->vmx.sw.star = rdmsr(MSR_STAR);
	v->vmx.sw.lstar = rdmsr(MSR_LSTAR);
	v->vmx.sw.cstar = rdmsr(MSR_CSTAR);
	v->vmx.sw.sfmask = rdmsr(MSR_SFMASK);
	v->vmx.sw.kernel_gs_base = rdmsr(MSR_KERNEL_GS_BASE);
}

static void load_sw_regs(const struct vcpu *v)
{
	write_cr2(v->vmx.sw.cr2);
	write_dr6(v->vmx.sw.dr6);
	wrmsr(MSR_STAR, v->vmx.sw.star);
	wrmsr(MSR_LSTAR, v->vmx.sw.lstar);
	wrmsr(MSR_CSTAR, v->vmx.sw.cstar);
	wrmsr(MSR_SFMASK, v->vmx.sw.sfmask);
	wrmsr(MSR_KERNEL_GS_BASE, v->vmx.sw.kernel_gs_base);
}

static void load_sw_state(const struct vcpu *v)
{
	guest_state_load(&v->gstate);
	load_sw_regs(v);
}

/*
 * The VMCS is current here (loaded): the controls and the guest state as
 * vcpu_create writes them, the entry controls following s's EFER (IA-32e
 * off for real mode, SDM 26.3.1.1); what VMX does not switch (CR2, DR6,
 * the SYSCALL MSRs) is in this CPU, so it is reset here too.
 */
static void vmx_vcpu_reset(struct vcpu *v, const struct vcpu_entry_state *s)
{
	VENDOR_ASSERT_LOADED(v);
	write_controls(vmread(VMCS_EPT_POINTER));
	write_guest_state(s);
	vmwrite(VMCS_TSC_OFFSET, v->tsc_offset);
	memset(&v->vmx.sw, 0, sizeof(v->vmx.sw));
	v->vmx.sw.dr6 = DR6_INIT;
	load_sw_regs(v);
}

static void vmx_vcpu_put(struct vcpu *v)
{
	struct cpu *cpu = this_cpu();

	if (cpu->loaded_vcpu != v)
		return;
	save_sw_state(v);
	vmclear(v->vmx.vmcs_pa);
	cpu->loaded_vcpu = NULL;
	v->vmx.vmcs_launched = false;	/* VMCLEAR makes it "clear": VMLAUNCH next */
}

static void vmx_load(struct vcpu *v)
{
	struct cpu *cpu = this_cpu();

	if (cpu->loaded_vcpu == v)
		return;
	vmptrld(v->vmx.vmcs_pa);
	if (v->vmx.host_cpu != cpu->index + 1) {
		write_host_state(cpu);
		v->vmx.host_cpu = cpu->index + 1;
	}
	load_sw_state(v);
	vmwrite(VMCS_TSC_OFFSET, v->tsc_offset);
	/* only a vCPU that was given an NMI can have blocking to look at */
	if (!v->vmx.nmi_unblocked &&
	    !(vmread(VMCS_GUEST_INTERRUPTIBILITY) & INTERRUPTIBILITY_NMI))
		v->vmx.nmi_unblocked = true;
	cpu->loaded_vcpu = v;
}

/* ---------------------------------------------------------------- run */

/* The loaded guest's CPL: SS.DPL (SDM 24.4.1). */
static unsigned int guest_cpl(void)
{
	return (vmread(VMCS_GUEST_SS_AR) >> 5) & 3;
}

static void decode_io(struct vm_exit *e, uint64_t qual)
{
	e->reason = EXIT_IO;
	e->io.size = (uint8_t)((qual & IO_QUAL_SIZE_MASK) + 1);
	e->io.in = qual & IO_QUAL_IN;
	e->io.string = qual & IO_QUAL_STRING;
	e->io.rep = qual & IO_QUAL_REP;
	e->io.port = (uint16_t)(qual >> IO_QUAL_PORT_SHIFT);
}

/* Exit qualification of a control-register access (SDM table 28-3). */
static void decode_cr(struct vm_exit *e, uint64_t qual)
{
	unsigned int type = (qual >> CR_QUAL_TYPE_SHIFT) & CR_QUAL_TYPE_MASK;

	e->reason = EXIT_CR_ACCESS;
	e->cr.cr = qual & CR_QUAL_NUMBER_MASK;
	e->cr.gpr = (qual >> CR_QUAL_GPR_SHIFT) & CR_QUAL_GPR_MASK;
	e->cr.mov = type == CR_QUAL_TYPE_MOV_TO || type == CR_QUAL_TYPE_MOV_FROM;
	/* LMSW (when it changes PE, the only masked bit it reaches): its
	   source, register or memory, is in the qualification */
	e->cr.decode = false;
	e->cr.lmsw = type == CR_QUAL_TYPE_LMSW;
	e->cr.lmsw_src = (uint16_t)(qual >> CR_QUAL_LMSW_SRC_SHIFT);
	e->cr.write = type == CR_QUAL_TYPE_MOV_TO || e->cr.lmsw;
}

static void decode_exit(struct vm_exit *e)
{
	uint32_t raw = (uint32_t)vmread(VMCS_EXIT_REASON);
	uint32_t basic = raw & VMX_EXIT_REASON_MASK;
	uint64_t qual;

	/* each field is set (the union's for its reason): no memset here */
	e->raw_code = raw;
	e->handled = false;
	e->insn_len = (uint32_t)vmread(VMCS_EXIT_INSN_LEN);
	/* the fast path's exits (exit_fast) without the switch and its defaults */
	if (basic == VMX_EXIT_VMCALL) {
		e->reason = EXIT_HYPERCALL;
		e->cpl = guest_cpl();
		return;
	}
	if (basic == VMX_EXIT_CPUID) {
		e->reason = EXIT_CPUID;
		return;
	}
	if (basic == VMX_EXIT_RDMSR || basic == VMX_EXIT_WRMSR) {
		e->reason = basic == VMX_EXIT_RDMSR ? EXIT_MSR_READ :
						      EXIT_MSR_WRITE;
		return;
	}
	qual = vmread(VMCS_EXIT_QUALIFICATION);
	e->qualification = qual;
	if (basic == VMX_EXIT_IO) {
		decode_io(e, qual);
		return;
	}
	e->reason = EXIT_UNKNOWN;

	switch (basic) {
	case VMX_EXIT_HLT:
		e->reason = EXIT_HLT;
		break;
	case VMX_EXIT_EPT_VIOLATION:
		e->reason = EXIT_STAGE2_FAULT;
		e->stage2.gpa = vmread(VMCS_GUEST_PHYS_ADDR);
		e->stage2.read = qual & EPT_QUAL_READ;
		e->stage2.write = qual & EPT_QUAL_WRITE;
		e->stage2.exec = qual & EPT_QUAL_FETCH;
		break;
	case VMX_EXIT_EXTERNAL_INTR:
		e->reason = EXIT_INTR;
		break;
	case VMX_EXIT_PREEMPTION_TIMER:
		e->reason = EXIT_TIMER;
		break;
	case VMX_EXIT_INTR_WINDOW:
		e->reason = EXIT_INTR_WINDOW;
		break;
	case VMX_EXIT_NMI_WINDOW:
		e->reason = EXIT_NMI_WINDOW;
		break;
	case VMX_EXIT_EXCEPTION_NMI:
		if ((vmread(VMCS_EXIT_INTR_INFO) & INTR_TYPE_MASK) == INTR_TYPE_NMI)
			e->reason = EXIT_NMI;
		break;
	case VMX_EXIT_TRIPLE_FAULT:
		e->reason = EXIT_TRIPLE_FAULT;
		break;
	case VMX_EXIT_INVALID_STATE:
	case VMX_EXIT_MSR_LOADING:
		e->reason = EXIT_INVALID_STATE;
		break;
	case VMX_EXIT_CR_ACCESS:
		decode_cr(e, qual);
		break;
	case VMX_EXIT_XSETBV:
		e->reason = EXIT_XSETBV;
		break;
	case VMX_EXIT_RDPMC:
		e->reason = EXIT_RDPMC;
		break;
	case VMX_EXIT_WBINVD:
	case VMX_EXIT_INVD:
		e->reason = EXIT_CACHE_FLUSH;
		break;
	case VMX_EXIT_INVEPT:
	case VMX_EXIT_INVVPID:
	case VMX_EXIT_VMFUNC:
	case EXIT_INSN_MWAIT:
	case EXIT_INSN_MONITOR:
		e->reason = EXIT_VIRT_INSN;
		break;
	default:
		if (basic >= VMX_EXIT_VMCLEAR && basic <= VMX_EXIT_VMXON)
			e->reason = EXIT_VIRT_INSN;
		break;
	}
}

static void arm_preemption_timer(uint64_t deadline_tsc)
{
	vmwrite(VMCS_PREEMPTION_TIMER,
		vmx_preemption_timer_value(rdtsc(), deadline_tsc,
					   preemption_timer_shift));
}

#define INVEPT_ALL_CONTEXT 2ull

/* SDM 28.3.3.1: all-context, so no CPU keeps another VM's stale entries. */
static void vmx_stage2_flush(struct vcpu *v)
{
	struct { uint64_t eptp, reserved; } desc = { 0, 0 };

	__asm__ volatile("invept %0, %1" : : "m"(desc), "r"(INVEPT_ALL_CONTEXT)
			 : "cc", "memory");
}

/*
 * After each VM exit, from vmx_exit_stub (vmx_entry.S): the exit decoded
 * into *exit, then the fast path (exit_fast). True: resume the guest now.
 */
bool vmx_exit(struct vcpu *v, struct vm_exit *exit, uint64_t deadline_tsc)
{
	uint32_t vectoring;

	v->vmx.vmcs_launched = true;
	decode_exit(exit);
	/* an event cut short by the exit is delivered again (SDM 28.2.4) */
	vectoring = (uint32_t)vmread(VMCS_IDT_VECTORING_INFO);
	if (vectoring & INTR_INFO_VALID) {
		/*
		 * An NMI cut short has not blocked NMIs yet; an entry that
		 * injects one must find blocking clear (SDM 26.3.1.5).
		 */
		if ((vectoring & INTR_TYPE_MASK) == INTR_TYPE_NMI)
			vmwrite(VMCS_GUEST_INTERRUPTIBILITY,
				vmread(VMCS_GUEST_INTERRUPTIBILITY) &
					~(uint64_t)INTERRUPTIBILITY_NMI);
		vmwrite(VMCS_ENTRY_INTR_INFO, vectoring);
		if (vectoring & INTR_INFO_ERROR_VALID)
			vmwrite(VMCS_ENTRY_EXCEPTION_ERROR,
				vmread(VMCS_IDT_VECTORING_ERROR));
	}
	/*
	 * v's VMCS is still the current one: a handler that loads another
	 * (vmx_vcpu_create, from a hypercall) loads v's again.
	 */
	if (!exit_fast(v, exit))
		return false;
	if (has_preemption_timer)
		arm_preemption_timer(deadline_tsc);
	return true;
}

static void vmx_vcpu_run(struct vcpu *v, struct vm_exit *exit,
			 uint64_t deadline_tsc)
{
	int ret;

	vmx_load(v);
	if (has_preemption_timer)
		arm_preemption_timer(deadline_tsc);
	ret = vmx_enter(v, v->vmx.vmcs_launched, exit, deadline_tsc);
	if (ret) {
		/* VMfail: controls or host state are wrong, never the guest's doing */
		memset(exit, 0, sizeof(*exit));
		exit->reason = EXIT_INVALID_STATE;
		exit->raw_code = ret == 2 ? vmread(VMCS_INSN_ERROR) : 0;
		log_error("vmx: VM entry failed (VM-instruction error %lu)",
			  exit->raw_code);
	}
}

static uint64_t vmx_get_rip(struct vcpu *v)
{
	VENDOR_ASSERT_LOADED(v);
	return vmread(VMCS_GUEST_RIP);
}

static void vmx_set_rip(struct vcpu *v, uint64_t rip)
{
	uint64_t blocking;

	VENDOR_ASSERT_LOADED(v);
	blocking = vmread(VMCS_GUEST_INTERRUPTIBILITY);
	vmwrite(VMCS_GUEST_RIP, rip);
	/* the instruction is done: an STI or MOV SS shadow ends with it */
	if (blocking & (INTERRUPTIBILITY_STI | INTERRUPTIBILITY_MOV_SS))
		vmwrite(VMCS_GUEST_INTERRUPTIBILITY,
			blocking & ~(INTERRUPTIBILITY_STI | INTERRUPTIBILITY_MOV_SS));
}

static void vmx_advance_rip(struct vcpu *v, uint32_t len)
{
	VENDOR_ASSERT_LOADED(v);
	vmx_set_rip(v, vmread(VMCS_GUEST_RIP) + len);
	/*
	 * An exit does not raise the single-step trap of the instruction it
	 * emulated (SDM 27.3.4): make it pending, so the guest takes the #DB
	 * after entry, at the next instruction, exactly once (SDM 26.7.3).
	 */
	if (vmread(VMCS_GUEST_RFLAGS) & RFLAGS_TF)
		vmwrite(VMCS_GUEST_PENDING_DBG,
			vmread(VMCS_GUEST_PENDING_DBG) | PENDING_DBG_BS);
}

static uint64_t vmx_get_rsp(struct vcpu *v)
{
	VENDOR_ASSERT_LOADED(v);
	return vmread(VMCS_GUEST_RSP);
}

static void vmx_set_rsp(struct vcpu *v, uint64_t rsp)
{
	VENDOR_ASSERT_LOADED(v);
	vmwrite(VMCS_GUEST_RSP, rsp);
}

/* As the guest reads it: the shadow for the bits the host owns. */
static uint64_t vmx_get_cr0(struct vcpu *v)
{
	VENDOR_ASSERT_LOADED(v);
	return (vmread(VMCS_GUEST_CR0) & ~cr0_mask) |
	       (vmread(VMCS_CR0_SHADOW) & cr0_mask);
}

static uint64_t vmx_get_cr4(struct vcpu *v)
{
	VENDOR_ASSERT_LOADED(v);
	return vmread(VMCS_CR4_SHADOW);		/* every bit is masked */
}

static uint64_t vmx_get_cr3(struct vcpu *v)
{
	VENDOR_ASSERT_LOADED(v);
	return vmread(VMCS_GUEST_CR3);
}

static void vmx_set_cr0(struct vcpu *v, uint64_t cr0)
{
	VENDOR_ASSERT_LOADED(v);
	write_cr0_pair(cr0);
}

static void vmx_set_cr3(struct vcpu *v, uint64_t cr3)
{
	VENDOR_ASSERT_LOADED(v);
	vmwrite(VMCS_GUEST_CR3, cr3);
}

static void vmx_set_cr4(struct vcpu *v, uint64_t cr4)
{
	VENDOR_ASSERT_LOADED(v);
	write_cr4_pair(cr4);
}

/* With EPT, VM entry loads the PDPTEs from these fields (SDM 26.3.2.4). */
static void vmx_set_pdptes(struct vcpu *v, const uint64_t pdpte[4])
{
	VENDOR_ASSERT_LOADED(v);
	for (unsigned int i = 0; i < 4; i++)
		vmwrite(VMCS_GUEST_PDPTE0 + i * VMCS_PDPTE_STRIDE, pdpte[i]);
}

/* The selector, limit, AR and base fields are 2 apart per register. */
static void vmx_get_segment(struct vcpu *v, unsigned int sreg,
			    struct segment *s)
{
	uint32_t index = 2 * sreg;
	uint32_t ar;

	VENDOR_ASSERT_LOADED(v);
	ar = (uint32_t)vmread(VMCS_GUEST_ES_AR + index);
	s->selector = (uint16_t)vmread(VMCS_GUEST_ES_SEL + index);
	s->attr = (uint16_t)((ar & 0xff) | ((ar >> 4) & 0xf00));
	s->limit = (uint32_t)vmread(VMCS_GUEST_ES_LIMIT + index);
	s->base = vmread(VMCS_GUEST_ES_BASE + index);
}

/* VMX access rights keep CS.L at bit 13 (SDM 24.4.1). */
#define VMX_AR_L (1u << 13)

static bool vmx_guest_64bit(struct vcpu *v)
{
	VENDOR_ASSERT_LOADED(v);
	return (vmread(VMCS_GUEST_EFER) & EFER_LMA) &&
	       (vmread(VMCS_GUEST_CS_AR) & VMX_AR_L);
}

static bool vmx_guest_rdtscp(void)
{
	return controls.proc2 & PROC2_ENABLE_RDTSCP;
}

static uint64_t vmx_get_rflags(struct vcpu *v)
{
	VENDOR_ASSERT_LOADED(v);
	return vmread(VMCS_GUEST_RFLAGS);
}

static unsigned int vmx_get_cpl(struct vcpu *v)
{
	VENDOR_ASSERT_LOADED(v);
	return guest_cpl();
}

static uint64_t vmx_get_efer(struct vcpu *v)
{
	VENDOR_ASSERT_LOADED(v);
	return vmread(VMCS_GUEST_EFER);
}

static void vmx_set_efer(struct vcpu *v, uint64_t efer)
{
	VENDOR_ASSERT_LOADED(v);
	write_efer(efer);
}

static uint64_t vmx_get_pat(struct vcpu *v)
{
	VENDOR_ASSERT_LOADED(v);
	return vmread(VMCS_GUEST_PAT);
}

static void vmx_set_pat(struct vcpu *v, uint64_t pat)
{
	VENDOR_ASSERT_LOADED(v);
	vmwrite(VMCS_GUEST_PAT, pat);
}

static void vmx_set_tsc_offset(struct vcpu *v)
{
	VENDOR_ASSERT_LOADED(v);
	vmwrite(VMCS_TSC_OFFSET, v->tsc_offset);
}

static void vmx_inject_exception(struct vcpu *v, uint8_t vector, bool has_error,
				 uint32_t error)
{
	uint32_t info = vector | INTR_TYPE_HW_EXCEPTION | INTR_INFO_VALID;

	VENDOR_ASSERT_LOADED(v);
	if (has_error) {
		info |= INTR_INFO_ERROR_VALID;
		vmwrite(VMCS_ENTRY_EXCEPTION_ERROR, error);
	}
	vmwrite(VMCS_ENTRY_INTR_INFO, info);
}

static bool vmx_interruptible(struct vcpu *v)
{
	VENDOR_ASSERT_LOADED(v);
	return (vmread(VMCS_GUEST_RFLAGS) & RFLAGS_IF) &&
	       !(vmread(VMCS_GUEST_INTERRUPTIBILITY) &
		 (INTERRUPTIBILITY_STI | INTERRUPTIBILITY_MOV_SS)) &&
	       !(vmread(VMCS_ENTRY_INTR_INFO) & INTR_INFO_VALID);
}

static void vmx_inject_interrupt(struct vcpu *v, uint8_t vector)
{
	VENDOR_ASSERT_LOADED(v);
	vmwrite(VMCS_ENTRY_INTR_INFO, vector | INTR_TYPE_EXTERNAL | INTR_INFO_VALID);
}

/* Interrupt-window exiting (SDM 25.6.2, 26.7.5). */
static void vmx_interrupt_window(struct vcpu *v, bool on)
{
	uint64_t proc;

	VENDOR_ASSERT_LOADED(v);
	proc = vmread(VMCS_PROC_CONTROLS);
	vmwrite(VMCS_PROC_CONTROLS, on ? proc | PROC_INTR_WINDOW_EXITING :
					 proc & ~PROC_INTR_WINDOW_EXITING);
}

/*
 * Blocking by NMI is the guest's own only while an NMI Keel injected is
 * in its handler. Bochs 2.7 carries the blocking of the VMCS it left over
 * into the next VMCS it enters on that CPU (its VM entry sets blocking
 * from the VMCS but never clears it), where it lasts until that guest's
 * next IRET: a guest that had no NMI in service then shows blocking it
 * never had, and would wait for an IRET it has no reason to run. That
 * blocking is cleared here; on a CPU it cannot arise.
 */
static bool vmx_nmi_allowed(struct vcpu *v)
{
	uint64_t blocking;

	VENDOR_ASSERT_LOADED(v);
	blocking = vmread(VMCS_GUEST_INTERRUPTIBILITY);
	if (!(blocking & INTERRUPTIBILITY_NMI)) {
		v->vmx.nmi_unblocked = true;
	} else if (v->vmx.nmi_unblocked) {
		blocking &= ~(uint64_t)INTERRUPTIBILITY_NMI;
		vmwrite(VMCS_GUEST_INTERRUPTIBILITY, blocking);
	}
	return !(blocking & (INTERRUPTIBILITY_STI | INTERRUPTIBILITY_MOV_SS |
			     INTERRUPTIBILITY_NMI)) &&
	       !(vmread(VMCS_ENTRY_INTR_INFO) & INTR_INFO_VALID);
}

static void vmx_inject_nmi(struct vcpu *v)
{
	VENDOR_ASSERT_LOADED(v);
	vmwrite(VMCS_ENTRY_INTR_INFO, VECTOR_NMI | INTR_TYPE_NMI | INTR_INFO_VALID);
	v->vmx.nmi_unblocked = false;
}

/* NMI-window exiting (SDM 25.6.2, 26.7.6); else the interrupt window. */
static void vmx_nmi_window(struct vcpu *v, bool on)
{
	uint64_t proc;

	VENDOR_ASSERT_LOADED(v);
	if (!has_virtual_nmis) {
		if (on)
			vmx_interrupt_window(v, true);
		return;
	}
	proc = vmread(VMCS_PROC_CONTROLS);
	vmwrite(VMCS_PROC_CONTROLS, on ? proc | PROC_NMI_WINDOW_EXITING :
					 proc & ~PROC_NMI_WINDOW_EXITING);
}

static void vmx_set_rflags(struct vcpu *v, uint64_t rflags)
{
	VENDOR_ASSERT_LOADED(v);
	vmwrite(VMCS_GUEST_RFLAGS, rflags);
}

/* The guest's CR2 is switched by software: in the CPU while v is loaded. */
static void vmx_set_cr2(struct vcpu *v, uint64_t cr2)
{
	VENDOR_ASSERT_LOADED(v);
	write_cr2(cr2);
}

static void vmx_dump(struct vcpu *v)
{
	VENDOR_ASSERT_LOADED(v);
	log_info("  rip=%016lx rsp=%016lx rflags=%lx",
		 vmread(VMCS_GUEST_RIP), vmread(VMCS_GUEST_RSP),
		 vmread(VMCS_GUEST_RFLAGS));
	log_info("  cr0=%lx cr3=%lx cr4=%lx efer=%lx exit=%lx qual=%lx",
		 vmread(VMCS_GUEST_CR0), vmread(VMCS_GUEST_CR3),
		 vmread(VMCS_GUEST_CR4), vmread(VMCS_GUEST_EFER),
		 vmread(VMCS_EXIT_REASON), vmread(VMCS_EXIT_QUALIFICATION));
	log_info("  cs=%lx/%lx ss=%lx/%lx gdtr=%lx/%lx idtr=%lx/%lx tr=%lx",
		 vmread(VMCS_GUEST_CS_SEL), vmread(VMCS_GUEST_CS_AR),
		 vmread(VMCS_GUEST_SS_SEL), vmread(VMCS_GUEST_SS_AR),
		 vmread(VMCS_GUEST_GDTR_BASE), vmread(VMCS_GUEST_GDTR_LIMIT),
		 vmread(VMCS_GUEST_IDTR_BASE), vmread(VMCS_GUEST_IDTR_LIMIT),
		 vmread(VMCS_GUEST_TR_SEL));
	log_info("  idt_vectoring=%lx/%lx entry_intr=%lx interruptibility=%lx",
		 vmread(VMCS_IDT_VECTORING_INFO), vmread(VMCS_IDT_VECTORING_ERROR),
		 vmread(VMCS_ENTRY_INTR_INFO), vmread(VMCS_GUEST_INTERRUPTIBILITY));
}

const struct vendor_ops vmx_ops = {
	.kind = VENDOR_VMX,
	.name = "vmx",
	.root_mode = "VMX root mode",
	.stage2_kind = PT_EPT,
	.hypercall_features = 0,
	.probe = vmx_probe,
	.stage2_1g = vmx_stage2_1g,
	.cpu_enable = vmx_cpu_enable,
	.vcpu_create = vmx_vcpu_create,
	.vcpu_destroy = vmx_vcpu_destroy,
	.vcpu_reset = vmx_vcpu_reset,
	.vcpu_put = vmx_vcpu_put,
	.vcpu_load = vmx_load,
	.vcpu_run = vmx_vcpu_run,
	.stage2_flush = vmx_stage2_flush,
	.get_rip = vmx_get_rip,
	.set_rip = vmx_set_rip,
	.advance_rip = vmx_advance_rip,
	.get_rsp = vmx_get_rsp,
	.set_rsp = vmx_set_rsp,
	.get_cr0 = vmx_get_cr0,
	.get_cr3 = vmx_get_cr3,
	.get_cr4 = vmx_get_cr4,
	.set_cr0 = vmx_set_cr0,
	.set_cr3 = vmx_set_cr3,
	.set_cr4 = vmx_set_cr4,
	.set_pdptes = vmx_set_pdptes,
	.get_segment = vmx_get_segment,
	.guest_64bit = vmx_guest_64bit,
	.guest_rdtscp = vmx_guest_rdtscp,
	.get_rflags = vmx_get_rflags,
	.get_cpl = vmx_get_cpl,
	.get_efer = vmx_get_efer,
	.set_efer = vmx_set_efer,
	.get_pat = vmx_get_pat,
	.set_pat = vmx_set_pat,
	.set_tsc_offset = vmx_set_tsc_offset,
	.inject_exception = vmx_inject_exception,
	.interruptible = vmx_interruptible,
	.inject_interrupt = vmx_inject_interrupt,
	.interrupt_window = vmx_interrupt_window,
	.nmi_allowed = vmx_nmi_allowed,
	.inject_nmi = vmx_inject_nmi,
	.nmi_window = vmx_nmi_window,
	.set_rflags = vmx_set_rflags,
	.set_cr2 = vmx_set_cr2,
	.dump = vmx_dump,
};
