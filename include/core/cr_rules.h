/* SPDX-License-Identifier: MIT */
/*
 * The architectural rules for writes to CR0, CR4 and EFER and for the
 * PAE page-directory-pointer entries (SDM vol. 2, MOV to CR, WRMSR;
 * vol. 3A 2.5, 4.4.1; APM vol. 2 3.1): pure functions of the values, so
 * the host unit tests check them (tests/unit/test_cr_rules.c). A false
 * "ok" means the CPU would raise #GP(0). core/cr_access.c and core/msr.c
 * apply them to a vCPU.
 */
#ifndef KEEL_CORE_CR_RULES_H
#define KEEL_CORE_CR_RULES_H

#include <stdbool.h>
#include <stdint.h>

#define CR0_CD_BIT (1ull << 30)
#define CR0_NW_BIT (1ull << 29)
#define CR4_PCIDE_BIT (1ull << 17)
#define CR4_CET_BIT (1ull << 23)
#define CR3_PCID_MASK 0xfffull

/* What the virtual CPU's CPUID offers, as far as CR4 depends on it. */
struct cr_features {
	bool vme, de, pse, pae, mce, pge, fxsr, sse, umip, la57;
	bool fsgsbase, pcid, xsave, smep, smap, pke;
};

/* The control state a write is judged against. */
struct cr_state {
	uint64_t cr0, cr3, cr4, efer;
	bool cs_long;		/* CS.L with EFER.LMA: 64-bit mode */
};

/* The CR4 bits a guest may set with these features (VMXE, SMXE never). */
uint64_t cr4_allowed(const struct cr_features *f);

/* May MOV to CR0 write value in state s? (PDPTEs are checked apart.) */
bool cr0_write_ok(const struct cr_state *s, uint64_t value);

/* May MOV to CR4 write value, with allowed from cr4_allowed? */
bool cr4_write_ok(const struct cr_state *s, uint64_t value, uint64_t allowed);

/* CR0 as the CPU keeps it after a write: ET is fixed at 1. */
uint64_t cr0_effective(uint64_t value);

/* EFER after CR0 became cr0: LMA is LME and PG (SDM 9.8.5). */
uint64_t efer_after_cr0(uint64_t efer, uint64_t cr0);

/*
 * May WRMSR write value to EFER with writable the bits the virtual CPU
 * has? LME may not change while paging is on.
 */
bool efer_write_ok(const struct cr_state *s, uint64_t value,
		   uint64_t writable);

/* EFER after an accepted WRMSR: LMA is the CPU's, not the write's. */
uint64_t efer_after_write(uint64_t old, uint64_t value);

/* Does the CPU use PAE paging without long mode (PDPTEs in registers)? */
bool cr_pae_legacy(uint64_t cr0, uint64_t cr4, uint64_t efer);

/* Is a PDPTE valid: not present, or no reserved bit set? (SDM 4.4.1) */
bool pdpte_valid(uint64_t pdpte, unsigned int maxphyaddr);

/* The guest-physical address of the four PDPTEs CR3 points to. */
static inline uint64_t cr3_pdpt_gpa(uint64_t cr3)
{
	return cr3 & 0xffffffe0ull;
}

#endif
