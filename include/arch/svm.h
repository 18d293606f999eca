/* SPDX-License-Identifier: MIT */
/*
 * AMD SVM definitions: the VMCB layout (APM vol. 2, appendix B), intercept
 * bits and exit codes (appendix C). Only arch/x86/svm/ includes this.
 */
#ifndef KEEL_ARCH_SVM_H
#define KEEL_ARCH_SVM_H

#include <stddef.h>
#include <stdint.h>

struct __attribute__((packed)) vmcb_segment {
	uint16_t selector;
	uint16_t attrib;
	uint32_t limit;
	uint64_t base;
};

struct __attribute__((packed)) vmcb_control {
	uint32_t intercept_cr;		/* 0x000: reads 15:0, writes 31:16 */
	uint32_t intercept_dr;		/* 0x004 */
	uint32_t intercept_exceptions;	/* 0x008 */
	uint32_t intercept_misc1;	/* 0x00c */
	uint32_t intercept_misc2;	/* 0x010 */
	uint32_t intercept_misc3;	/* 0x014 */
	uint8_t reserved_018[0x03c - 0x018];
	uint16_t pause_filter_threshold;	/* 0x03c */
	uint16_t pause_filter_count;	/* 0x03e */
	uint64_t iopm_base_pa;		/* 0x040 */
	uint64_t msrpm_base_pa;		/* 0x048 */
	uint64_t tsc_offset;		/* 0x050 */
	uint32_t guest_asid;		/* 0x058 */
	uint8_t tlb_control;		/* 0x05c */
	uint8_t reserved_05d[3];
	uint64_t vintr;			/* 0x060 */
	uint64_t interrupt_shadow;	/* 0x068 */
	uint64_t exit_code;		/* 0x070 */
	uint64_t exit_info1;		/* 0x078 */
	uint64_t exit_info2;		/* 0x080 */
	uint64_t exit_int_info;		/* 0x088 */
	uint64_t np_control;		/* 0x090: bit 0 nested paging */
	uint64_t avic_apic_bar;		/* 0x098 */
	uint64_t ghcb_pa;		/* 0x0a0 */
	uint64_t event_inject;		/* 0x0a8 */
	uint64_t n_cr3;			/* 0x0b0 */
	uint64_t lbr_virt;		/* 0x0b8 */
	uint32_t clean_bits;		/* 0x0c0 */
	uint32_t reserved_0c4;
	uint64_t next_rip;		/* 0x0c8 */
	uint8_t insn_bytes_fetched;	/* 0x0d0 */
	uint8_t insn_bytes[15];		/* 0x0d1 */
	uint8_t reserved_0e0[0x400 - 0x0e0];
};

struct __attribute__((packed)) vmcb_save {
	struct vmcb_segment es, cs, ss, ds, fs, gs;	/* 0x400 */
	struct vmcb_segment gdtr, ldtr, idtr, tr;	/* 0x460 */
	uint8_t reserved_4a0[0x4cb - 0x4a0];
	uint8_t cpl;			/* 0x4cb */
	uint32_t reserved_4cc;
	uint64_t efer;			/* 0x4d0 */
	uint8_t reserved_4d8[0x548 - 0x4d8];
	uint64_t cr4;			/* 0x548 */
	uint64_t cr3;
	uint64_t cr0;
	uint64_t dr7;
	uint64_t dr6;
	uint64_t rflags;		/* 0x570 */
	uint64_t rip;			/* 0x578 */
	uint8_t reserved_580[0x5d8 - 0x580];
	uint64_t rsp;			/* 0x5d8 */
	uint8_t reserved_5e0[0x5f8 - 0x5e0];
	uint64_t rax;			/* 0x5f8 */
	uint64_t star, lstar, cstar, sfmask, kernel_gs_base;	/* 0x600 */
	uint64_t sysenter_cs, sysenter_esp, sysenter_eip;	/* 0x628 */
	uint64_t cr2;			/* 0x640 */
	uint8_t reserved_648[0x668 - 0x648];
	uint64_t g_pat;			/* 0x668 */
	uint64_t dbgctl;		/* 0x670 */
	uint8_t reserved_678[0x1000 - 0x678];
};

struct vmcb {
	struct vmcb_control control;
	struct vmcb_save save;
};

_Static_assert(offsetof(struct vmcb, control.iopm_base_pa) == 0x040, "APM B-1");
_Static_assert(offsetof(struct vmcb, control.exit_code) == 0x070, "APM B-1");
_Static_assert(offsetof(struct vmcb, control.event_inject) == 0x0a8, "APM B-1");
_Static_assert(offsetof(struct vmcb, control.next_rip) == 0x0c8, "APM B-1");
_Static_assert(offsetof(struct vmcb, save.cpl) == 0x4cb, "APM B-2");
_Static_assert(offsetof(struct vmcb, save.efer) == 0x4d0, "APM B-2");
_Static_assert(offsetof(struct vmcb, save.cr4) == 0x548, "APM B-2");
_Static_assert(offsetof(struct vmcb, save.rip) == 0x578, "APM B-2");
_Static_assert(offsetof(struct vmcb, save.rsp) == 0x5d8, "APM B-2");
_Static_assert(offsetof(struct vmcb, save.rax) == 0x5f8, "APM B-2");
_Static_assert(offsetof(struct vmcb, save.cr2) == 0x640, "APM B-2");
_Static_assert(offsetof(struct vmcb, save.g_pat) == 0x668, "APM B-2");
_Static_assert(sizeof(struct vmcb) == 0x1000, "a VMCB is one page");

/* intercept_misc1 (VMCB 0x00c) */
#define SVM_INTERCEPT_INTR     (1u << 0)
#define SVM_INTERCEPT_NMI      (1u << 1)
#define SVM_INTERCEPT_SMI      (1u << 2)
#define SVM_INTERCEPT_INIT     (1u << 3)
#define SVM_INTERCEPT_VINTR    (1u << 4)
#define SVM_INTERCEPT_RDPMC    (1u << 15)
#define SVM_INTERCEPT_CPUID    (1u << 18)
#define SVM_INTERCEPT_IRET     (1u << 20)
#define SVM_INTERCEPT_INVD     (1u << 22)
#define SVM_INTERCEPT_HLT      (1u << 24)
#define SVM_INTERCEPT_INVLPGA  (1u << 26)
#define SVM_INTERCEPT_IOIO     (1u << 27)
#define SVM_INTERCEPT_MSR      (1u << 28)
#define SVM_INTERCEPT_SHUTDOWN (1u << 31)
/* intercept_misc2 (VMCB 0x010) */
#define SVM_INTERCEPT_VMRUN    (1u << 0)
#define SVM_INTERCEPT_VMMCALL  (1u << 1)
#define SVM_INTERCEPT_VMLOAD   (1u << 2)
#define SVM_INTERCEPT_VMSAVE   (1u << 3)
#define SVM_INTERCEPT_STGI     (1u << 4)
#define SVM_INTERCEPT_CLGI     (1u << 5)
#define SVM_INTERCEPT_SKINIT   (1u << 6)
#define SVM_INTERCEPT_WBINVD   (1u << 9)
#define SVM_INTERCEPT_MONITOR  (1u << 10)
#define SVM_INTERCEPT_MWAIT    (1u << 11)
#define SVM_INTERCEPT_MWAIT_ARMED (1u << 12)
#define SVM_INTERCEPT_XSETBV   (1u << 13)

#define SVM_NP_ENABLE          (1ull << 0)
#define SVM_VINTR_MASKING      (1ull << 24)
#define SVM_V_IRQ              (1ull << 8)
#define SVM_V_INTR_PRIO_MAX    (0xfull << 16)
#define SVM_V_IGN_TPR          (1ull << 20)
#define SVM_INTERRUPT_SHADOW   (1ull << 0)
#define SVM_EVENT_TYPE_INTR    (0ull << 8)
#define SVM_EVENT_TYPE_NMI     (2ull << 8)
#define SVM_TLB_FLUSH_ALL      1

/* exit codes (APM C.1) */
#define SVM_EXIT_EXCEPTION_BASE 0x040
#define SVM_EXIT_INTR     0x060
#define SVM_EXIT_NMI      0x061
#define SVM_EXIT_SMI      0x062
#define SVM_EXIT_INIT     0x063
#define SVM_EXIT_VINTR    0x064
#define SVM_EXIT_RDPMC    0x06f
#define SVM_EXIT_CPUID    0x072
#define SVM_EXIT_IRET     0x074
#define SVM_EXIT_INVD     0x076
#define SVM_EXIT_HLT      0x078
#define SVM_EXIT_INVLPGA  0x07a
#define SVM_EXIT_IOIO     0x07b
#define SVM_EXIT_MSR      0x07c
#define SVM_EXIT_SHUTDOWN 0x07f
#define SVM_EXIT_VMRUN    0x080
#define SVM_EXIT_VMMCALL  0x081
#define SVM_EXIT_VMLOAD   0x082
#define SVM_EXIT_VMSAVE   0x083
#define SVM_EXIT_STGI     0x084
#define SVM_EXIT_CLGI     0x085
#define SVM_EXIT_SKINIT   0x086
#define SVM_EXIT_WBINVD   0x089
#define SVM_EXIT_MONITOR  0x08a
#define SVM_EXIT_MWAIT    0x08b
#define SVM_EXIT_MWAIT_ARMED 0x08c
#define SVM_EXIT_XSETBV   0x08d
#define SVM_EXIT_READ_CR8  0x008	/* 0x000 + n: MOV from CRn */
#define SVM_EXIT_WRITE_CR0 0x010	/* 0x010 + n: MOV to CRn */
#define SVM_EXIT_WRITE_CR4 0x014
#define SVM_EXIT_WRITE_CR8 0x018
#define SVM_INTERCEPT_CR8_READ  (1u << 8)
#define SVM_INTERCEPT_CR0_WRITE (1u << 16)
#define SVM_INTERCEPT_CR4_WRITE (1u << 20)
#define SVM_INTERCEPT_CR8_WRITE (1u << 24)
/* EXITINFO1 of a MOV CR exit with decode assists (APM 15.8.1) */
#define SVM_CR_INFO_MOV   (1ull << 63)
#define SVM_CR_INFO_GPR   0xfull
#define SVM_EXIT_NPF      0x400
#define SVM_EXIT_INVALID  0xffffffffu	/* compare the low 32 bits (TCG) */

/* IOIO exit_info1 (APM 15.10.2) */
#define SVM_IOIO_IN       (1u << 0)
#define SVM_IOIO_STR      (1u << 2)
#define SVM_IOIO_REP      (1u << 3)
#define SVM_IOIO_SZ8      (1u << 4)
#define SVM_IOIO_SZ16     (1u << 5)
#define SVM_IOIO_SZ32     (1u << 6)
#define SVM_IOIO_PORT_SHIFT 16

/* NPF exit_info1: a #PF error code (APM 15.25.6) */
#define SVM_NPF_PRESENT   (1ull << 0)
#define SVM_NPF_WRITE     (1ull << 1)
#define SVM_NPF_FETCH     (1ull << 4)

/* event_inject (APM 15.20) */
#define SVM_EVENT_VALID       (1ull << 31)
#define SVM_EVENT_TYPE_EXCEPTION (3ull << 8)
#define SVM_EVENT_VECTOR_MASK 0xffull
#define SVM_EVENT_ERROR_VALID (1ull << 11)
#define SVM_EVENT_ERROR_SHIFT 32

/* CPUID 0x8000000A EDX */
#define SVM_FEATURE_NPT   (1u << 0)
#define SVM_FEATURE_NRIPS (1u << 3)
#define SVM_FEATURE_DECODE_ASSISTS (1u << 7)

#define SVM_IOPM_SIZE  (12 * 1024)	/* 3 pages, one bit per port */
#define SVM_MSRPM_SIZE (8 * 1024)	/* 2 pages, two bits per MSR */

/* Instruction lengths for exits without next-RIP (no NRIPS on QEMU TCG). */
#define SVM_LEN_CPUID   2
#define SVM_LEN_HLT     1
#define SVM_LEN_VMMCALL 3
#define SVM_LEN_MSR     2
#define SVM_LEN_RDPMC   2
#define SVM_LEN_WBINVD  2	/* INVD too */
#define SVM_LEN_XSETBV  3

#endif
