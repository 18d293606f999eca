// SPDX-License-Identifier: MIT
/*
 * Control registers a guest reaches through exits (docs/isolation.md):
 * XCR0 through XSETBV on both vendors; CR8 on both, the virtual local
 * APIC's TPR (on VMX, MOV CR8 would otherwise write the physical TPR and
 * so block the host's own interrupts; on SVM, V_TPR would mask nothing
 * Keel injects and never follow the APIC's TPR); and on VMX
 * the writes to CR0 and CR4 the guest/host masks send here, and CR3 where
 * the CPU requires CR3 exits. Each write is checked as a CPU checks it
 * (core/cr_rules.c): an illegal one is a #GP in the guest, a legal one
 * takes effect with what follows from it (EFER.LMA, the PDPTEs).
 */
#include <arch/guest_state.h>
#include <arch/vendor.h>
#include <arch/x86.h>
#include <base/log.h>
#include <core/cr_decode.h>
#include <core/cr_rules.h>
#include <core/emul/fetch.h>
#include <core/emulate.h>
#include <core/exit_dispatch.h>
#include <core/vm.h>
#include <lib/string.h>

#define GPR_RSP 4
#define CR8_MASK 0xfull
#define TPR_SHIFT 4

/* XSETBV (SDM vol. 2, XSETBV; 13.3): every check a CPU makes. */
void xsetbv_handle(struct vcpu *v, const struct vm_exit *e)
{
	uint64_t value = (v->regs.rdx << 32) | (uint32_t)v->regs.rax;

	if (!(vendor->get_cr4(v) & CR4_OSXSAVE)) {
		vendor->inject_exception(v, VECTOR_UD, false, 0);
		return;
	}
	if (vendor->get_cpl(v) != 0 || (uint32_t)v->regs.rcx != 0 ||
	    !guest_xcr0_valid(value)) {
		vendor->inject_exception(v, VECTOR_GP, true, 0);
		return;
	}
	/* v is loaded on this CPU: its XCR0 takes effect at once */
	guest_state_set_xcr0(&v->gstate, value);
	vcpu_advance_rip(v, e);
}

static uint64_t gpr_read(struct vcpu *v, unsigned int n)
{
	if (n == GPR_RSP)
		return vendor->get_rsp(v);
	return ((const uint64_t *)&v->regs)[n];
}

static void gpr_write(struct vcpu *v, unsigned int n, uint64_t value)
{
	if (n == GPR_RSP)
		vendor->set_rsp(v, value);
	else
		((uint64_t *)&v->regs)[n] = value;
}

/* CPUID bits CR4 depends on (SDM vol. 2, CPUID; docs/cpuid.md). */
#define L1_EDX_VME   (1u << 1)
#define L1_EDX_DE    (1u << 2)
#define L1_EDX_PSE   (1u << 3)
#define L1_EDX_PAE   (1u << 6)
#define L1_EDX_MCE   (1u << 7)
#define L1_EDX_PGE   (1u << 13)
#define L1_EDX_FXSR  (1u << 24)
#define L1_EDX_SSE   (1u << 25)
#define L1_ECX_PCID  (1u << 17)
#define L1_ECX_XSAVE (1u << 26)
#define L7_EBX_FSGSBASE (1u << 0)
#define L7_EBX_SMEP  (1u << 7)
#define L7_EBX_SMAP  (1u << 20)
#define L7_ECX_UMIP  (1u << 2)
#define L7_ECX_PKU   (1u << 3)
#define L7_ECX_LA57  (1u << 16)
#define LEAF_EXT_ADDRESS 0x80000008u
#define MAXPHYADDR_MASK 0xffu
/* MOV to CR4 changing these reloads the PDPTEs in PAE paging (SDM 4.4.1) */
#define LMSW_BITS   0xfull	/* PE, MP, EM, TS */
#define CR4_PDPTE_RELOAD (CR4_PAE | CR4_PGE | (1ull << 4) | (1ull << 20))

/* The CR4 bits the guest's CPUID offers. */
static uint64_t guest_cr4_allowed(struct vcpu *v)
{
	struct cpuid_regs l1 = cpuid_policy(v, 1, 0);
	struct cpuid_regs l7 = cpuid_policy(v, 7, 0);
	struct cr_features f = {
		.vme = l1.edx & L1_EDX_VME, .de = l1.edx & L1_EDX_DE,
		.pse = l1.edx & L1_EDX_PSE, .pae = l1.edx & L1_EDX_PAE,
		.mce = l1.edx & L1_EDX_MCE, .pge = l1.edx & L1_EDX_PGE,
		.fxsr = l1.edx & L1_EDX_FXSR, .sse = l1.edx & L1_EDX_SSE,
		.pcid = l1.ecx & L1_ECX_PCID, .xsave = l1.ecx & L1_ECX_XSAVE,
		.fsgsbase = l7.ebx & L7_EBX_FSGSBASE,
		.smep = l7.ebx & L7_EBX_SMEP, .smap = l7.ebx & L7_EBX_SMAP,
		.umip = l7.ecx & L7_ECX_UMIP, .pke = l7.ecx & L7_ECX_PKU,
		.la57 = l7.ecx & L7_ECX_LA57,
	};

	return cr4_allowed(&f);
}

static void cr_state_of(struct vcpu *v, struct cr_state *s)
{
	s->cr0 = vendor->get_cr0(v);
	s->cr3 = vendor->get_cr3(v);
	s->cr4 = vendor->get_cr4(v);
	s->efer = vendor->get_efer(v);
	s->cs_long = vendor->guest_64bit(v);
}

/*
 * PAE paging without long mode keeps four PDPTEs in registers, loaded
 * when CR3 is written or paging turned on (SDM 4.4.1): a reserved bit in
 * a present one, or memory the guest does not have, is a #GP. False then.
 */
static bool load_pdptes(struct vcpu *v, uint64_t cr3)
{
	unsigned int maxphy = cpuid_policy(v, LEAF_EXT_ADDRESS, 0).eax &
			      MAXPHYADDR_MASK;
	uint64_t pdpte[4];

	if (guest_mem_read(v->vm, cr3_pdpt_gpa(cr3), pdpte, sizeof(pdpte)))
		return false;
	for (unsigned int i = 0; i < 4; i++)
		if (!pdpte_valid(pdpte[i], maxphy))
			return false;
	vendor->set_pdptes(v, pdpte);
	return true;
}

/* MOV to CR0: a legal value takes effect with the LMA it implies. */
static bool cr0_write(struct vcpu *v, uint64_t value)
{
	struct cr_state s;
	uint64_t efer;

	cr_state_of(v, &s);
	value = cr0_effective(value);
	if (!cr0_write_ok(&s, value))
		return false;
	efer = efer_after_cr0(s.efer, value);
	if (cr_pae_legacy(value, s.cr4, efer) && !(s.cr0 & CR0_PG) &&
	    !load_pdptes(v, s.cr3))
		return false;
	vendor->set_cr0(v, value);
	if (efer != s.efer)
		vendor->set_efer(v, efer);
	return true;
}

static bool cr4_write(struct vcpu *v, uint64_t value)
{
	struct cr_state s;

	cr_state_of(v, &s);
	if (!cr4_write_ok(&s, value, guest_cr4_allowed(v)))
		return false;
	if (cr_pae_legacy(s.cr0, value, s.efer) &&
	    ((value ^ s.cr4) & CR4_PDPTE_RELOAD) && !load_pdptes(v, s.cr3))
		return false;
	vendor->set_cr4(v, value);
	return true;
}

static bool cr3_write(struct vcpu *v, uint64_t value)
{
	struct cr_state s;

	cr_state_of(v, &s);
	if (cr_pae_legacy(s.cr0, s.cr4, s.efer) && !load_pdptes(v, value))
		return false;
	vendor->set_cr3(v, value);
	return true;
}

static int fetch_read(void *ctx, uint64_t gpa, void *buf, size_t len)
{
	return guest_mem_read(ctx, gpa, buf, len);
}

#define L81_EDX_1G  (1u << 26)

/*
 * The instruction at CS:RIP, fetched through the guest's own page tables
 * (core/emul/fetch.c) and decoded (core/cr_decode.c).
 */
static bool fetch_cr_insn(struct vcpu *v, struct cr_insn *in)
{
	struct emul_ops ops = {
		.ctx = v->vm, .read_gpa = fetch_read,
		.maxphyaddr = (uint8_t)(cpuid_policy(v, LEAF_EXT_ADDRESS, 0).eax &
					MAXPHYADDR_MASK),
		.gbpages = cpuid_policy(v, 0x80000001u, 0).edx & L81_EDX_1G,
	};
	struct emul_regs r;
	struct emul_fetch f;
	struct segment cs;
	bool long64 = vendor->guest_64bit(v);

	memset(&r, 0, sizeof(r));
	vendor->get_segment(v, EMUL_CS, &cs);
	r.rip = vendor->get_rip(v);
	r.cr0 = vendor->get_cr0(v);
	r.cr3 = vendor->get_cr3(v);
	r.cr4 = vendor->get_cr4(v);
	r.efer = vendor->get_efer(v);
	r.cpl = (uint8_t)vendor->get_cpl(v);
	r.seg[EMUL_CS] = (struct emul_seg){ cs.base, cs.limit, 0 };
	if (long64)
		r.mode = EMUL_MODE_LONG64;
	else if (!(r.cr0 & CR0_PE))
		r.mode = EMUL_MODE_REAL;
	else
		r.mode = (cs.attr & SEG_ATTR_DB) ? EMUL_MODE_PROT32 :
						   EMUL_MODE_PROT16;
	emul_fetch(&r, &ops, &f);
	if (cr_decode(f.bytes, f.len, long64, in))
		return true;
	log_warn("vm %s: no control-register instruction at %lx (%u bytes fetched; stop %u, vector %u, error %x)",
		 v->vm->name, r.rip, f.len, f.stop.status, f.stop.vector,
		 f.stop.error_code);
	return false;
}

/* A MOV to CR writes the whole register in 64-bit mode, else 32 bits. */
static uint64_t cr_source(struct vcpu *v, unsigned int gpr)
{
	uint64_t value = gpr_read(v, gpr);

	return vendor->guest_64bit(v) ? value : (uint32_t)value;
}

/*
 * MOV to or from CR8: the virtual local APIC's TPR (SDM 10.8.6.1), one
 * register whichever way the guest reaches it, on both vendors.
 */
static bool cr8_access(struct vcpu *v, bool write, unsigned int gpr)
{
	uint64_t value;

	if (!write) {
		gpr_write(v, gpr, (v->lapic.tpr >> TPR_SHIFT) & CR8_MASK);
		return true;
	}
	value = cr_source(v, gpr);
	/* bits 63:4 are reserved (SDM 2.5) */
	if (value & ~CR8_MASK)
		return false;
	v->lapic.tpr = (uint32_t)value << TPR_SHIFT;
	return true;
}

/*
 * A CR8 access the back-end could not decode (SVM without decode
 * assists): MOV to or from CR8, also as AMD's LOCK MOV CR0.
 */
static bool cr8_decoded(struct vcpu *v, bool write)
{
	struct cr_insn in;
	enum cr_insn_kind want = write ? CR_INSN_MOV_TO : CR_INSN_MOV_FROM;

	if (!fetch_cr_insn(v, &in))
		return false;
	if (in.kind != want || in.cr != 8)
		return false;
	if (!cr8_access(v, write, in.gpr))
		vendor->inject_exception(v, VECTOR_GP, true, 0);
	else
		vendor->advance_rip(v, in.len);
	return true;
}

/* LMSW (SDM vol. 2): CR0 bits 3:0 from the source's, PE never cleared. */
static uint64_t lmsw_cr0(uint64_t cr0, uint64_t src)
{
	return (cr0 & ~LMSW_BITS) | (cr0 & CR0_PE) | (src & LMSW_BITS);
}

/* LMSW m16: the emulator reads the operand (or raises its fault). */
static bool lmsw_from_memory(struct vcpu *v)
{
	uint64_t cr0;
	uint32_t len;

	if (emulate_lmsw(v, &cr0, &len))
		return true;	/* injected its fault, or stopped the VM */
	if (!cr0_write(v, cr0))
		vendor->inject_exception(v, VECTOR_GP, true, 0);
	else
		vendor->advance_rip(v, len);
	return true;
}

/*
 * A CR0 or CR4 write the back-end could not decode (SVM without decode
 * assists): MOV to CR0 or CR4, CLTS, or LMSW, which sets PE, MP, EM and
 * TS but cannot clear PE (SDM vol. 2, LMSW).
 */
static bool cr_write_decoded(struct vcpu *v, unsigned int cr)
{
	struct cr_insn in;
	uint64_t cr0 = vendor->get_cr0(v);
	bool ok;

	if (!fetch_cr_insn(v, &in))
		return false;
	if (in.kind == CR_INSN_MOV_TO && in.cr == cr)
		ok = cr ? cr4_write(v, cr_source(v, in.gpr)) :
			  cr0_write(v, cr_source(v, in.gpr));
	else if (cr != 0)
		return false;
	else if (in.kind == CR_INSN_CLTS)
		ok = cr0_write(v, cr0 & ~CR0_TS);
	else if (in.kind == CR_INSN_LMSW && in.mem)
		return lmsw_from_memory(v);
	else if (in.kind == CR_INSN_LMSW)
		ok = cr0_write(v, lmsw_cr0(cr0, gpr_read(v, in.gpr)));
	else
		return false;
	if (!ok)
		vendor->inject_exception(v, VECTOR_GP, true, 0);
	else
		vendor->advance_rip(v, in.len);
	return true;
}

static uint64_t cr_read(struct vcpu *v, unsigned int cr)
{
	if (cr == 0)
		return vendor->get_cr0(v);
	return cr == 3 ? vendor->get_cr3(v) : vendor->get_cr4(v);
}

bool cr_access_handle(struct vcpu *v, const struct vm_exit *e)
{
	bool ok;

	if (e->cr.decode && (e->cr.cr == 0 || e->cr.cr == 4) && e->cr.write)
		return cr_write_decoded(v, e->cr.cr);
	if (e->cr.decode && e->cr.cr == 8)
		return cr8_decoded(v, e->cr.write);
	if (e->cr.lmsw && e->cr.cr == 0) {
		if (!cr0_write(v, lmsw_cr0(vendor->get_cr0(v), e->cr.lmsw_src)))
			vendor->inject_exception(v, VECTOR_GP, true, 0);
		else
			vcpu_advance_rip(v, e);
		return true;
	}
	if (!e->cr.mov || e->cr.gpr > 15)
		return false;	/* CLTS exits never (TS unmasked) */
	switch (e->cr.cr) {
	case 0:
	case 3:
	case 4:
		if (!e->cr.write) {
			gpr_write(v, e->cr.gpr, cr_read(v, e->cr.cr));
			ok = true;
		} else if (e->cr.cr == 0) {
			ok = cr0_write(v, cr_source(v, e->cr.gpr));
		} else if (e->cr.cr == 3) {
			ok = cr3_write(v, cr_source(v, e->cr.gpr));
		} else {
			ok = cr4_write(v, cr_source(v, e->cr.gpr));
		}
		break;
	case 8:
		ok = cr8_access(v, e->cr.write, e->cr.gpr);
		break;
	default:
		return false;
	}
	if (!ok) {
		vendor->inject_exception(v, VECTOR_GP, true, 0);
		return true;
	}
	vcpu_advance_rip(v, e);
	return true;
}
