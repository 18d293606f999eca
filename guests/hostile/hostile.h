/* SPDX-License-Identifier: MIT */
/*
 * The hostile-guest suite (docs/hostile.md): one image, three roles chosen
 * by the VM's args:
 *   role=victim [xstate] run=MS   fills register classes with markers and
 *                                 checks them between sleeps
 *   group=NAME | cases=A,B,...    the attacker: runs cases one after another
 *   role=mgmt race=VMNAME         lowers the racer's memory target, relays
 *                                 its console and the log, checks mem_free
 */
#ifndef KEEL_HOSTILE_H
#define KEEL_HOSTILE_H

#include <arch/msr.h>

#include "guest.h"

/* Markers: the victim's and the attacker's must never be seen by the other. */
#define VICTIM_MARK   0x5649435400000000ull	/* "VICT" */
#define HOSTILE_MARK  0x4841434b00000000ull	/* "HACK" */

/* Victim and attacker values per class (both valid, both differ from reset). */
#define VICTIM_FCW    0x0f7f
#define HOSTILE_FCW   0x077f
#define VICTIM_MXCSR  0x3f80
#define HOSTILE_MXCSR 0x5f80
#define VICTIM_DR7    0x600	/* GE: enables nothing */
#define HOSTILE_DR7   0x500	/* LE: enables nothing */
#define DR6_RESET     0xffff0ff0ull
#define VICTIM_DR6    (DR6_RESET | 0x5)
#define HOSTILE_DR6   (DR6_RESET | 0xa)
#define VICTIM_PAT    0x0007050400070406ull
#define HOSTILE_PAT   0x0105060406070406ull
#define PAT_RESET     0x0007040600070406ull
/* MTRRs (per vCPU): DEF_TYPE, PHYSBASE0/PHYSMASK0, FIX64K_00000 */
#define VICTIM_MTRR_DEF    0x806ull			/* E, WB */
#define HOSTILE_MTRR_DEF   0xc01ull			/* E, FE, WC */
#define VICTIM_MTRR_BASE   (0x56000000ull | 6)
#define HOSTILE_MTRR_BASE  (0x48000000ull | 4)
#define VICTIM_MTRR_MASK   (0xff000000ull | 0x800)
#define HOSTILE_MTRR_MASK  (0xfe000000ull | 0x800)
#define VICTIM_MTRR_FIX    0x0606050504040101ull
#define HOSTILE_MTRR_FIX   0x0101040405050606ull
#define VICTIM_CR8    3
#define HOSTILE_CR8   12
#define VICTIM_TPR    0x20
#define HOSTILE_TPR   0x50

/* Canonical, distinct addresses for DRn, CR2 and the address MSRs. */
#define VICTIM_ADDR(n)  (0x0000561c00000000ull + (uint64_t)(n) * 0x1000)
#define HOSTILE_ADDR(n) (0x0000484b00000000ull + (uint64_t)(n) * 0x1000)
#define VICTIM_U32(n)   (0x56430000u + (n))
#define HOSTILE_U32(n)  (0x48430000u + (n))

#define CR4_OSFXSR     (1ull << 9)
#define CR4_OSXMMEXCPT (1ull << 10)
#define CR4_OSXSAVE    (1ull << 18)
#define CR4_PCE        (1ull << 8)
#define RFLAGS_TF      (1ull << 8)
#define RFLAGS_IF_BIT  (1ull << 9)

#define X2_TPR        0x808
#define X2_EOI        0x80b
#define X2_SVR        0x80f
#define X2_ICR        0x830
#define X2_LVT_TIMER  0x832
#define X2_TIMER_INIT 0x838
#define X2_TIMER_DIV  0x83e
#define X2_SELF_IPI   0x83f

/* The address MSRs every vCPU owns privately (docs/cpuid.md). */
struct private_msr {
	const char *name;
	uint32_t msr;
	bool addr;		/* a canonical address, else a 32-bit value */
};
extern const struct private_msr private_msrs[];
extern const unsigned int private_msr_count;
uint64_t private_msr_value(const struct private_msr *m, bool victim);

/* FXSAVE image (SDM vol. 1, 10.5.1): the fields compared. */
struct fxsave_area {
	uint16_t fcw, fsw;
	uint8_t ftw, rsvd0;
	uint16_t fop;
	uint64_t fip, fdp;
	uint32_t mxcsr, mxcsr_mask;
	uint8_t st[8][16];
	uint8_t xmm[16][16];
	uint8_t rsvd[96];
} __attribute__((aligned(16)));
_Static_assert(sizeof(struct fxsave_area) == 512, "FXSAVE layout");

void fxsave(struct fxsave_area *a);
void fxrstor(const struct fxsave_area *a);
void fpu_fill(struct fxsave_area *a, uint64_t mark, uint16_t fcw, uint32_t mxcsr);
void sse_enable(void);

uint64_t read_dr(int n);
void write_dr(int n, uint64_t v);
uint64_t read_cr2_(void);
void write_cr2_(uint64_t v);
uint64_t read_cr8_(void);
void write_cr8_(uint64_t v);
uint64_t xgetbv0(void);

/* CPUID feature bits the cases depend on. */
bool has_xsave(void);
bool has_avx(void);
bool has_avx512(void);
uint64_t xcr0_supported(void);

/* -------------------------------------------------------------- traps */

struct interrupt_frame {
	uint64_t rip, cs, rflags, rsp, ss;
};

/*
 * Fault catching: TRY(asm, operands) runs the instruction(s) in asm; a
 * fault in them resumes after them (label 1), with the vector in
 * trap.vector (-1: none). The operands must list "r11" as clobbered.
 */
struct trap_record {
	volatile int vector;
	volatile uint64_t error, rip, cs;
	volatile unsigned int count;
	/* #DB from single-stepping (TF) */
	volatile unsigned int db_count;
	volatile uint64_t db_rip, db_dr6;
	volatile uint64_t ticks;	/* timer/IPI storm vectors */
	volatile uint64_t storm_end;	/* TSC: the 8259 storm masks itself */
	volatile uint64_t nmi_storm_end;	/* TSC; 0: an NMI is a fault */
	volatile unsigned int nmi_in, nmi_nested;
	volatile unsigned int nmi_sti;	/* the NMI handler opens IF first */
	volatile unsigned int nmi_count_only;	/* device NMIs: count them */
};
extern struct trap_record trap;
extern uint64_t trap_resume;

#define TRY(code, ...)							\
	do {								\
		trap.vector = -1;					\
		__asm__ volatile("leaq 1f(%%rip), %%r11\n\t"		\
				 "movq %%r11, trap_resume(%%rip)\n\t"	\
				 code "\n1:\n\t" __VA_ARGS__);		\
		trap_resume = 0;					\
	} while (0)

#define VECTOR_DB 1
#define VECTOR_UD 6
#define VECTOR_NM 7
#define VECTOR_GP 13
#define VECTOR_PF 14
#define STORM_VECTOR 0x40
#define IPI_VECTOR   0x41
#define PIC_VECTOR_BASE 0x48	/* the master 8259's eight vectors */
#define PIC1_DATA    0x21
#define ICR_SELF_NMI ((1ull << 18) | (4ull << 8))	/* self shorthand, NMI */
#define RING3_RETURN_VECTOR 0x81

void traps_init(void);
/* Rings: user segments, a TSS, user-accessible page tables. */
void ring3_init(void);
/* Runs fn at CPL 3 on its own stack; fn ends with ring3_exit(). */
void ring3_run(void (*fn)(void));
void ring3_exit(void);	/* int $0x81: back to ring3_run's caller */
extern volatile long ring3_result[8];

/* -------------------------------------------------------------- cases */

struct hostile_case {
	const char *name;
	const char *group;	/* main, xstate, or a VM of its own */
	const char *expect;	/* the expected outcome, as docs/hostile.md says */
	void (*run)(void);
};

extern const struct hostile_case hostile_cases[];
extern const unsigned int hostile_case_count;

/* Inside a case: the first failure wins; skip() when a feature is absent. */
void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void skip(const char *why);
bool case_failed(void);
/* Expects a fault with vector; false (and a failure) otherwise. */
bool expect_vector(const char *what, int vector);
bool expect_no_fault(const char *what);
long hc(unsigned long nr, unsigned long a1, unsigned long a2,
	unsigned long a3, unsigned long a4);
void expect_hc(const char *what, long got, long want);

uint64_t now_ms(void);
/* The TSC at the attacker's first instruction of guest_main. */
extern uint64_t hostile_tsc0;
/* RDMSR/WRMSR that may fault: the vector, or -1. */
int try_rdmsr(uint32_t msr, uint64_t *v);
int try_wrmsr(uint32_t msr, uint64_t v);
/*
 * The management helper's TSC phase: pins VM name's vCPU 0 back and
 * forth, then waits for it to halt; its id, or 0.
 */
uint64_t tsc_pin_mgmt(const char *name);

/* gpr.c: a sleep with every preserved register marked; out[15]. */
void gpr_sleep(uint64_t *out, uint64_t ns, int vmmcall, uint64_t mark);
/* Number of out[] words that differ from what gpr_sleep expects. */
unsigned int gpr_check(const uint64_t *out, uint64_t ns, uint64_t mark,
		       unsigned int *first_bad);
bool use_vmmcall(void);

/* xstate.c: XSAVE components above SSE (AVX, AVX-512, PKRU). */
#define XSTATE_MAX 8192
struct xstate_buf {
	uint8_t b[XSTATE_MAX];
} __attribute__((aligned(64)));
uint64_t xstate_components(void);	/* XCR0 bits we fill: 2, 5, 6, 7, 9 */
void xstate_fill(struct xstate_buf *x, uint64_t rfbm, uint8_t seed);
void xstate_save(struct xstate_buf *x, uint64_t rfbm);
void xstate_restore(const struct xstate_buf *x, uint64_t rfbm);
/* The first component whose bytes differ, or -1; *seen is its seed guess. */
int xstate_compare(const struct xstate_buf *got, const struct xstate_buf *want,
		   uint64_t rfbm, uint8_t *seen);
const char *xstate_name(int component);
bool xsetbv_try(uint32_t ecx, uint64_t value);	/* false: it faulted */

void victim_main(void);
void mgmt_main(void);
void race_ap(void);
void hostile_load_start(void);	/* the clock flood_at= counts from */

#endif
