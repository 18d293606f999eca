// SPDX-License-Identifier: MIT
/* Which control-register and EFER values a CPU accepts: see core/cr_rules.h. */
#include <arch/x86_defs.h>
#include <core/cr_rules.h>

#define CR4_VME        (1ull << 0)
#define CR4_PVI        (1ull << 1)
#define CR4_TSD        (1ull << 2)
#define CR4_DE         (1ull << 3)
#define CR4_PSE        (1ull << 4)
#define CR4_MCE        (1ull << 6)
#define CR4_PCE        (1ull << 8)
#define CR4_UMIP       (1ull << 11)
#define CR4_FSGSBASE   (1ull << 16)
#define CR4_SMEP       (1ull << 20)
#define CR4_SMAP       (1ull << 21)
#define CR0_HIGH_MASK  0xffffffff00000000ull
/*
 * PDPTE bits 2:1 and 8:5 are reserved (SDM table 4-8); bit 5 is let
 * through: QEMU TCG's SVM sets it as an accessed bit, and a guest that
 * turns PAE paging on again must not get a #GP for what the CPU wrote.
 */
#define PDPTE_RESERVED_LOW 0x1c6ull
#define PDPTE_PRESENT  1ull

uint64_t cr4_allowed(const struct cr_features *f)
{
	/* TSD and PCE need no feature; OSXMMEXCPT comes with SSE */
	uint64_t ok = CR4_TSD | CR4_PCE;

	ok |= f->vme ? CR4_VME | CR4_PVI : 0;
	ok |= f->de ? CR4_DE : 0;
	ok |= f->pse ? CR4_PSE : 0;
	ok |= f->pae ? CR4_PAE : 0;
	ok |= f->mce ? CR4_MCE : 0;
	ok |= f->pge ? CR4_PGE : 0;
	ok |= f->fxsr ? CR4_OSFXSR : 0;
	ok |= f->sse ? CR4_OSXMMEXCPT : 0;
	ok |= f->umip ? CR4_UMIP : 0;
	ok |= f->la57 ? CR4_LA57 : 0;
	ok |= f->fsgsbase ? CR4_FSGSBASE : 0;
	ok |= f->pcid ? CR4_PCIDE_BIT : 0;
	ok |= f->xsave ? CR4_OSXSAVE : 0;
	ok |= f->smep ? CR4_SMEP : 0;
	ok |= f->smap ? CR4_SMAP : 0;
	ok |= f->pke ? CR4_PKE : 0;
	return ok;
}

/* SDM vol. 2, MOV to CR0: each #GP(0) condition in turn. */
bool cr0_write_ok(const struct cr_state *s, uint64_t value)
{
	bool pg_on = !(s->cr0 & CR0_PG) && (value & CR0_PG);
	bool pg_off = (s->cr0 & CR0_PG) && !(value & CR0_PG);

	if (value & CR0_HIGH_MASK)
		return false;
	if ((value & CR0_PG) && !(value & CR0_PE))
		return false;
	if ((value & CR0_NW_BIT) && !(value & CR0_CD_BIT))
		return false;
	/* long mode needs PAE paging (SDM 9.8.5) */
	if (pg_on && (s->efer & EFER_LME) && !(s->cr4 & CR4_PAE))
		return false;
	/* long mode is left from compatibility mode only */
	if (pg_off && (s->efer & EFER_LMA) && s->cs_long)
		return false;
	/* PCIDs exist in long mode only: paging off with PCIDE is refused */
	if (pg_off && (s->cr4 & CR4_PCIDE_BIT))
		return false;
	if (!(value & CR0_WP) && (s->cr4 & CR4_CET_BIT))
		return false;
	return true;
}

/* SDM vol. 2, MOV to CR4. */
bool cr4_write_ok(const struct cr_state *s, uint64_t value, uint64_t allowed)
{
	bool lma = s->efer & EFER_LMA;

	if (value & ~allowed)
		return false;
	if (lma && !(value & CR4_PAE))
		return false;
	/* 5-level paging cannot be switched in long mode */
	if (lma && ((value ^ s->cr4) & CR4_LA57))
		return false;
	if (!(s->cr4 & CR4_PCIDE_BIT) && (value & CR4_PCIDE_BIT) &&
	    (!lma || (s->cr3 & CR3_PCID_MASK)))
		return false;
	if ((value & CR4_CET_BIT) && !(s->cr0 & CR0_WP))
		return false;
	return true;
}

uint64_t cr0_effective(uint64_t value)
{
	return value | CR0_ET;
}

uint64_t efer_after_cr0(uint64_t efer, uint64_t cr0)
{
	if ((efer & EFER_LME) && (cr0 & CR0_PG))
		return efer | EFER_LMA;
	return efer & ~EFER_LMA;
}

bool efer_write_ok(const struct cr_state *s, uint64_t value,
		   uint64_t writable)
{
	/* LMA is read-only: a write of either value is accepted */
	if (value & ~(writable | EFER_LMA))
		return false;
	if ((s->cr0 & CR0_PG) && ((value ^ s->efer) & EFER_LME))
		return false;
	return true;
}

uint64_t efer_after_write(uint64_t old, uint64_t value)
{
	return (value & ~EFER_LMA) | (old & EFER_LMA);
}

bool cr_pae_legacy(uint64_t cr0, uint64_t cr4, uint64_t efer)
{
	return (cr0 & CR0_PG) && (cr4 & CR4_PAE) && !(efer & EFER_LMA);
}

bool pdpte_valid(uint64_t pdpte, unsigned int maxphyaddr)
{
	uint64_t high = maxphyaddr >= 64 ? 0 : ~0ull << maxphyaddr;

	if (!(pdpte & PDPTE_PRESENT))
		return true;
	return !(pdpte & (PDPTE_RESERVED_LOW | high));
}
