/* SPDX-License-Identifier: MIT */
/*
 * Intel VMX definitions: VMCS field encodings (SDM vol. 3 appendix B),
 * control bits (SDM 25.6-25.8), exit reasons (appendix C). Only
 * arch/x86/vmx/ includes this.
 */
#ifndef KEEL_ARCH_VMX_H
#define KEEL_ARCH_VMX_H

/* 16-bit guest and host fields (B.1) */
#define VMCS_VPID               0x0000
#define VMCS_GUEST_ES_SEL       0x0800
#define VMCS_GUEST_CS_SEL       0x0802
#define VMCS_GUEST_SS_SEL       0x0804
#define VMCS_GUEST_DS_SEL       0x0806
#define VMCS_GUEST_FS_SEL       0x0808
#define VMCS_GUEST_GS_SEL       0x080a
#define VMCS_GUEST_LDTR_SEL     0x080c
#define VMCS_GUEST_TR_SEL       0x080e
#define VMCS_HOST_ES_SEL        0x0c00
#define VMCS_HOST_CS_SEL        0x0c02
#define VMCS_HOST_SS_SEL        0x0c04
#define VMCS_HOST_DS_SEL        0x0c06
#define VMCS_HOST_FS_SEL        0x0c08
#define VMCS_HOST_GS_SEL        0x0c0a
#define VMCS_HOST_TR_SEL        0x0c0c

/* 64-bit fields (B.2) */
#define VMCS_IO_BITMAP_A        0x2000
#define VMCS_IO_BITMAP_B        0x2002
#define VMCS_MSR_BITMAP         0x2004
#define VMCS_TSC_OFFSET         0x2010
#define VMCS_EPT_POINTER        0x201a
#define VMCS_GUEST_PHYS_ADDR    0x2400
#define VMCS_LINK_POINTER       0x2800
#define VMCS_GUEST_DEBUGCTL     0x2802
#define VMCS_GUEST_PAT          0x2804
#define VMCS_GUEST_EFER         0x2806
#define VMCS_GUEST_PDPTE0       0x280a	/* PDPTE1-3 follow, 2 apart */
#define VMCS_PDPTE_STRIDE       2
#define VMCS_HOST_PAT           0x2c00
#define VMCS_HOST_EFER          0x2c02

/* 32-bit fields (B.3) */
#define VMCS_PIN_CONTROLS       0x4000
#define VMCS_PROC_CONTROLS      0x4002
#define VMCS_EXCEPTION_BITMAP   0x4004
#define VMCS_PF_ERROR_MASK      0x4006
#define VMCS_PF_ERROR_MATCH     0x4008
#define VMCS_CR3_TARGET_COUNT   0x400a
#define VMCS_EXIT_CONTROLS      0x400c
#define VMCS_EXIT_MSR_STORE_COUNT 0x400e
#define VMCS_EXIT_MSR_LOAD_COUNT 0x4010
#define VMCS_ENTRY_CONTROLS     0x4012
#define VMCS_ENTRY_MSR_LOAD_COUNT 0x4014
#define VMCS_ENTRY_INTR_INFO    0x4016
#define VMCS_ENTRY_EXCEPTION_ERROR 0x4018
#define VMCS_ENTRY_INSN_LEN     0x401a
#define VMCS_PROC_CONTROLS2     0x401e
#define VMCS_INSN_ERROR         0x4400
#define VMCS_EXIT_REASON        0x4402
#define VMCS_EXIT_INTR_INFO     0x4404
#define VMCS_EXIT_INTR_ERROR    0x4406
#define VMCS_IDT_VECTORING_INFO 0x4408
#define VMCS_IDT_VECTORING_ERROR 0x440a
#define VMCS_EXIT_INSN_LEN      0x440c
#define VMCS_EXIT_INSN_INFO     0x440e
#define VMCS_GUEST_ES_LIMIT     0x4800
#define VMCS_GUEST_CS_LIMIT     0x4802
#define VMCS_GUEST_SS_LIMIT     0x4804
#define VMCS_GUEST_DS_LIMIT     0x4806
#define VMCS_GUEST_FS_LIMIT     0x4808
#define VMCS_GUEST_GS_LIMIT     0x480a
#define VMCS_GUEST_LDTR_LIMIT   0x480c
#define VMCS_GUEST_TR_LIMIT     0x480e
#define VMCS_GUEST_GDTR_LIMIT   0x4810
#define VMCS_GUEST_IDTR_LIMIT   0x4812
#define VMCS_GUEST_ES_AR        0x4814
#define VMCS_GUEST_CS_AR        0x4816
#define VMCS_GUEST_SS_AR        0x4818
#define VMCS_GUEST_DS_AR        0x481a
#define VMCS_GUEST_FS_AR        0x481c
#define VMCS_GUEST_GS_AR        0x481e
#define VMCS_GUEST_LDTR_AR      0x4820
#define VMCS_GUEST_TR_AR        0x4822
#define VMCS_GUEST_INTERRUPTIBILITY 0x4824
#define VMCS_GUEST_ACTIVITY     0x4826
#define VMCS_GUEST_SYSENTER_CS  0x482a
#define VMCS_PREEMPTION_TIMER   0x482e
#define VMCS_HOST_SYSENTER_CS   0x4c00

/* natural-width fields (B.4) */
#define VMCS_CR0_MASK           0x6000
#define VMCS_CR4_MASK           0x6002
#define VMCS_CR0_SHADOW         0x6004
#define VMCS_CR4_SHADOW         0x6006
#define VMCS_EXIT_QUALIFICATION 0x6400
#define VMCS_GUEST_LINEAR_ADDR  0x640a
#define VMCS_GUEST_CR0          0x6800
#define VMCS_GUEST_CR3          0x6802
#define VMCS_GUEST_CR4          0x6804
#define VMCS_GUEST_ES_BASE      0x6806
#define VMCS_GUEST_CS_BASE      0x6808
#define VMCS_GUEST_SS_BASE      0x680a
#define VMCS_GUEST_DS_BASE      0x680c
#define VMCS_GUEST_FS_BASE      0x680e
#define VMCS_GUEST_GS_BASE      0x6810
#define VMCS_GUEST_LDTR_BASE    0x6812
#define VMCS_GUEST_TR_BASE      0x6814
#define VMCS_GUEST_GDTR_BASE    0x6816
#define VMCS_GUEST_IDTR_BASE    0x6818
#define VMCS_GUEST_DR7          0x681a
#define VMCS_GUEST_RSP          0x681c
#define VMCS_GUEST_RIP          0x681e
#define VMCS_GUEST_RFLAGS       0x6820
#define VMCS_GUEST_PENDING_DBG  0x6822
#define VMCS_GUEST_SYSENTER_ESP 0x6824
#define VMCS_GUEST_SYSENTER_EIP 0x6826
#define VMCS_HOST_CR0           0x6c00
#define VMCS_HOST_CR3           0x6c02
#define VMCS_HOST_CR4           0x6c04
#define VMCS_HOST_FS_BASE       0x6c06
#define VMCS_HOST_GS_BASE       0x6c08
#define VMCS_HOST_TR_BASE       0x6c0a
#define VMCS_HOST_GDTR_BASE     0x6c0c
#define VMCS_HOST_IDTR_BASE     0x6c0e
#define VMCS_HOST_SYSENTER_ESP  0x6c10
#define VMCS_HOST_SYSENTER_EIP  0x6c12
#define VMCS_HOST_RSP           0x6c14
#define VMCS_HOST_RIP           0x6c16

/* pin-based controls (25.6.1) */
#define PIN_EXTERNAL_INTR_EXITING (1u << 0)
#define PIN_NMI_EXITING           (1u << 3)
#define PIN_VIRTUAL_NMIS          (1u << 5)
#define PIN_PREEMPTION_TIMER      (1u << 6)
/* primary processor-based controls (25.6.2) */
#define PROC_INTR_WINDOW_EXITING  (1u << 2)
#define PROC_USE_TSC_OFFSETTING   (1u << 3)
#define PROC_HLT_EXITING          (1u << 7)
#define PROC_INVLPG_EXITING       (1u << 9)
#define PROC_MWAIT_EXITING        (1u << 10)
#define PROC_RDPMC_EXITING        (1u << 11)
#define PROC_CR8_LOAD_EXITING     (1u << 19)
#define PROC_CR8_STORE_EXITING    (1u << 20)
#define PROC_NMI_WINDOW_EXITING   (1u << 22)
#define PROC_UNCOND_IO_EXITING    (1u << 24)
#define PROC_USE_MSR_BITMAPS      (1u << 28)
#define PROC_MONITOR_EXITING      (1u << 29)
#define PROC_SECONDARY_CONTROLS   (1u << 31)
/* secondary processor-based controls */
#define PROC2_ENABLE_EPT          (1u << 1)
#define PROC2_ENABLE_RDTSCP       (1u << 3)
#define PROC2_ENABLE_VPID         (1u << 5)
#define PROC2_WBINVD_EXITING      (1u << 6)
#define PROC2_UNRESTRICTED_GUEST  (1u << 7)
#define PROC2_ENABLE_INVPCID      (1u << 12)
#define PROC2_ENABLE_XSAVES       (1u << 20)
/* VM-exit controls (25.7.1) */
#define EXIT_SAVE_DEBUG           (1u << 2)
#define EXIT_HOST_ADDR_SPACE_SIZE (1u << 9)
#define EXIT_SAVE_PAT             (1u << 18)
#define EXIT_LOAD_PAT             (1u << 19)
#define EXIT_SAVE_EFER            (1u << 20)
#define EXIT_LOAD_EFER            (1u << 21)
/* VM-entry controls (25.8.1) */
#define ENTRY_LOAD_DEBUG          (1u << 2)
#define ENTRY_IA32E_MODE_GUEST    (1u << 9)
#define ENTRY_LOAD_PAT            (1u << 14)
#define ENTRY_LOAD_EFER           (1u << 15)

/* IA32_VMX_BASIC (A.1) */
#define VMX_BASIC_REVISION_MASK   0x7fffffffull
#define VMX_BASIC_TRUE_CONTROLS   (1ull << 55)
/* IA32_VMX_EPT_VPID_CAP (A.10) */
#define EPT_CAP_WALK_4            (1ull << 6)
#define EPT_CAP_WB                (1ull << 14)
#define EPT_CAP_2M                (1ull << 16)
#define EPT_CAP_1G                (1ull << 17)
#define EPT_CAP_INVEPT            (1ull << 20)
#define EPT_CAP_INVEPT_SINGLE     (1ull << 25)
#define EPT_CAP_INVEPT_ALL        (1ull << 26)

/* basic exit reasons (appendix C) */
#define VMX_EXIT_EXCEPTION_NMI    0
#define VMX_EXIT_EXTERNAL_INTR    1
#define VMX_EXIT_TRIPLE_FAULT     2
#define VMX_EXIT_INIT             3
#define VMX_EXIT_SIPI             4
#define VMX_EXIT_INTR_WINDOW      7
#define VMX_EXIT_NMI_WINDOW       8
#define VMX_EXIT_CPUID            10
#define VMX_EXIT_GETSEC           11
#define VMX_EXIT_HLT              12
#define VMX_EXIT_INVD             13
#define VMX_EXIT_RDPMC            15
#define VMX_EXIT_VMCALL           18
#define VMX_EXIT_VMCLEAR          19
#define VMX_EXIT_VMXON            27
#define VMX_EXIT_CR_ACCESS        28
#define VMX_EXIT_IO               30
#define VMX_EXIT_RDMSR            31
#define VMX_EXIT_WRMSR            32
#define VMX_EXIT_INVALID_STATE    33
#define VMX_EXIT_MSR_LOADING      34
#define VMX_EXIT_MACHINE_CHECK    41
#define VMX_EXIT_EPT_VIOLATION    48
#define VMX_EXIT_EPT_MISCONFIG    49
#define VMX_EXIT_INVEPT           50
#define VMX_EXIT_PREEMPTION_TIMER 52
#define VMX_EXIT_WBINVD           54
#define VMX_EXIT_XSETBV           55
#define VMX_EXIT_INVVPID          53
#define VMX_EXIT_VMFUNC           59
#define VMX_EXIT_REASON_MASK      0xffffu
#define VMX_EXIT_ENTRY_FAILURE    (1u << 31)

/* exit qualifications (27.2.1) */
#define EPT_QUAL_READ             (1ull << 0)
#define EPT_QUAL_WRITE            (1ull << 1)
#define EPT_QUAL_FETCH            (1ull << 2)
#define IO_QUAL_SIZE_MASK         0x7ull
#define IO_QUAL_IN                (1ull << 3)
#define IO_QUAL_STRING            (1ull << 4)
#define IO_QUAL_REP               (1ull << 5)
#define IO_QUAL_PORT_SHIFT        16
#define CR_QUAL_NUMBER_MASK       0xfull
#define CR_QUAL_TYPE_SHIFT        4
#define CR_QUAL_TYPE_MASK         0x3ull
#define CR_QUAL_TYPE_MOV_TO       0
#define CR_QUAL_TYPE_MOV_FROM     1
#define CR_QUAL_TYPE_LMSW         3
#define CR_QUAL_GPR_SHIFT         8
#define CR_QUAL_GPR_MASK          0xfull
#define CR_QUAL_LMSW_SRC_SHIFT    16	/* bits 31:16: LMSW source data */

/* pending debug exceptions (25.4.2) */
#define PENDING_DBG_BS            (1ull << 14)

/* VM-entry interruption information (25.8.3) */
#define INTR_INFO_VALID           (1u << 31)
#define INTR_INFO_ERROR_VALID     (1u << 11)
#define INTR_TYPE_HW_EXCEPTION    (3u << 8)
#define INTR_TYPE_EXTERNAL        (0u << 8)
#define INTERRUPTIBILITY_STI      (1u << 0)
#define INTERRUPTIBILITY_MOV_SS   (1u << 1)
#define INTERRUPTIBILITY_NMI      (1u << 3)

/* guest access rights (25.4.1) */
#define VMX_AR_UNUSABLE           (1u << 16)

#define VMCS_LINK_NONE            0xffffffffffffffffull

#endif
