/* SPDX-License-Identifier: MIT */
/* Architectural and vendor MSR numbers (SDM vol. 4, APM vol. 2 App. A). */
#ifndef KEEL_ARCH_MSR_H
#define KEEL_ARCH_MSR_H

#define MSR_IA32_FEATURE_CONTROL 0x0000003a
#define  FEATURE_CONTROL_LOCKED        (1ull << 0)
#define  FEATURE_CONTROL_VMX_IN_SMX    (1ull << 1)
#define  FEATURE_CONTROL_VMX_OUTSIDE_SMX (1ull << 2)
#define MSR_IA32_APIC_BASE       0x0000001b
#define  APIC_BASE_BSP           (1ull << 8)
#define  APIC_BASE_X2APIC        (1ull << 10)
#define  APIC_BASE_ENABLE        (1ull << 11)
#define  APIC_BASE_ADDR_MASK     0x000ffffffffff000ull
#define MSR_IA32_TSC             0x00000010
#define MSR_IA32_MTRRCAP         0x000000fe
#define MSR_IA32_SYSENTER_CS     0x00000174
#define MSR_IA32_SYSENTER_ESP    0x00000175
#define MSR_IA32_SYSENTER_EIP    0x00000176
#define MSR_IA32_MISC_ENABLE     0x000001a0
#define MSR_IA32_PAT             0x00000277
#define MSR_IA32_MTRR_DEF_TYPE   0x000002ff

#define MSR_IA32_VMX_BASIC             0x00000480
#define MSR_IA32_VMX_PINBASED_CTLS     0x00000481
#define MSR_IA32_VMX_PROCBASED_CTLS    0x00000482
#define MSR_IA32_VMX_EXIT_CTLS         0x00000483
#define MSR_IA32_VMX_ENTRY_CTLS        0x00000484
#define MSR_IA32_VMX_MISC              0x00000485
#define MSR_IA32_VMX_CR0_FIXED0        0x00000486
#define MSR_IA32_VMX_CR0_FIXED1        0x00000487
#define MSR_IA32_VMX_CR4_FIXED0        0x00000488
#define MSR_IA32_VMX_CR4_FIXED1        0x00000489
#define MSR_IA32_VMX_PROCBASED_CTLS2   0x0000048b
#define MSR_IA32_VMX_EPT_VPID_CAP      0x0000048c
#define MSR_IA32_VMX_TRUE_PINBASED_CTLS  0x0000048d
#define MSR_IA32_VMX_TRUE_PROCBASED_CTLS 0x0000048e
#define MSR_IA32_VMX_TRUE_EXIT_CTLS    0x0000048f
#define MSR_IA32_VMX_TRUE_ENTRY_CTLS   0x00000490

#define MSR_EFER           0xc0000080
#define MSR_STAR           0xc0000081
#define MSR_LSTAR          0xc0000082
#define MSR_CSTAR          0xc0000083
#define MSR_SFMASK         0xc0000084
#define MSR_FS_BASE        0xc0000100
#define MSR_GS_BASE        0xc0000101
#define MSR_KERNEL_GS_BASE 0xc0000102
#define MSR_TSC_AUX        0xc0000103

#define MSR_AMD_VM_CR      0xc0010114
#define  VM_CR_SVMDIS      (1ull << 4)
#define MSR_AMD_VM_HSAVE_PA 0xc0010117

#endif
