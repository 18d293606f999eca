// SPDX-License-Identifier: MIT
/*
 * Every case of the suite: its group (the VM that runs it, in this order),
 * its expected outcome (docs/hostile.md has the same table) and its code.
 */
#include "hostile.h"

void case_reset_cr4(void);
void case_reset_efer(void);
void case_reset_pat(void);
void case_reset_apic_base(void);
void case_reset_dr(void);
void case_reset_cr2(void);
void case_reset_cr8(void);
void case_reset_msrs(void);
void case_reset_fpu(void);
void case_ap_reset(void);
void case_cpuid_hidden(void);
void case_cpuid_apic_id(void);
void case_cr4_osfxsr(void);
void case_priv_gpr(void);
void case_priv_x87(void);
void case_priv_mxcsr(void);
void case_priv_xmm(void);
void case_priv_dr0_3(void);
void case_priv_dr6(void);
void case_priv_dr7(void);
void case_priv_cr2(void);
void case_priv_cr8(void);
void case_priv_lstar(void);
void case_priv_star(void);
void case_priv_cstar(void);
void case_priv_sfmask(void);
void case_priv_kernel_gs_base(void);
void case_priv_fs_base(void);
void case_priv_gs_base(void);
void case_priv_sysenter(void);
void case_priv_tsc_aux(void);
void case_priv_pat(void);
void case_priv_efer(void);
void case_priv_vlapic(void);
void case_tf_native(void);
void case_tf_cpuid(void);
void case_tf_hypercall(void);
void case_tf_rdmsr(void);
void case_tf_out_com1(void);
void case_tf_in_port(void);
void case_tf_wbinvd(void);
void case_tf_mov_cr8(void);
void case_monitor_ud(void);
void case_mwait_ud(void);
void case_rdpmc_gp(void);
void case_rdpmc_pce_gp(void);
void case_rdtscp_consistent(void);
void case_vmxon_ud(void);
void case_vmx_insns_ud(void);
void case_invept_ud(void);
void case_invvpid_ud(void);
void case_vmfunc_ud(void);
void case_vmrun_ud(void);
void case_vmload_vmsave_ud(void);
void case_stgi_clgi_ud(void);
void case_skinit_invlpga_ud(void);
void case_other_vendor_call_ud(void);
void case_efer_clear_lme_gp(void);
void case_efer_set_svme_gp(void);
void case_efer_reserved_gp(void);
void case_efer_warn_budget(void);
void case_msr_unknown_gp(void);
void case_pat_invalid_gp(void);
void case_apic_base_gp(void);
void case_tsc_write_gp(void);
void case_msr_noncanonical_gp(void);
void case_x2apic_bad_gp(void);
void case_virt_msrs_gp(void);
void case_port_unknown_ones(void);
void case_port_in32_zero_extends(void);
void case_port_in16_merges(void);
void case_port_reset_ignored(void);
void case_port_exit_ignored(void);
void case_port_pci_config(void);
void case_port_pic_pit_ignored(void);
void case_low_mem_own(void);
void case_hc_console_bad(void);
void case_hc_console_hv(void);
void case_hc_sleep_bad(void);
void case_hc_vcpu_start_bad(void);
void case_hc_self_info_bad(void);
void case_hc_mem_map_bad(void);
void case_hc_mem_release_bad(void);
void case_hc_vcpu_entry_bad(void);
void case_hc_mgmt_eperm(void);
void case_hc_enosys(void);
void case_hc_regs_preserved(void);
void case_cpl3_hypercall_eperm(void);
void case_cpl3_privileged_gp(void);
void case_timer_storm(void);
void case_ipi_storm(void);
void case_cpu_hog(void);
void case_console_flood_hc(void);
void case_console_flood_com1(void);
void case_cpuid_osxsave(void);
void case_xsetbv_no_osxsave_ud(void);
void case_reset_xcr0(void);
void case_xsetbv_legal(void);
void case_reset_ymm(void);
void case_tf_xsetbv(void);
void case_xsetbv_illegal_gp(void);
void case_priv_xcr0(void);
void case_priv_ymm(void);
void case_priv_avx512(void);
void case_priv_pkru(void);
void case_cr4_vmxe_gp(void);
void case_cr8_max_sleep(void);
void case_invd_survives(void);
void case_probe_end(void);
void case_probe_hv_read(void);
void case_probe_hv_write(void);
void case_probe_lapic(void);
void case_probe_ioapic(void);
void case_probe_exec(void);
void case_triple_fault(void);
void case_string_io(void);
void case_race_mem_release(void);

/* Printed by the management helper (race.c, mgmt_main), not run from here. */
static void case_race_mem_free(void)
{
	skip("run by role=mgmt");
}

const struct hostile_case hostile_cases[] = {
	{ "reset_cr4", "main",
	  "CR4 = 0x20 (PAE only)",
	  case_reset_cr4 },
	{ "reset_efer", "main",
	  "EFER = 0x500 (LME, LMA; SVME hidden)",
	  case_reset_efer },
	{ "reset_pat", "main",
	  "PAT = 0x0007040600070406",
	  case_reset_pat },
	{ "reset_apic_base", "main",
	  "APIC_BASE = 0xfee00d00 (x2APIC, enabled, BSP)",
	  case_reset_apic_base },
	{ "reset_dr", "main",
	  "DR0-3 = 0, DR6 = 0xffff0ff0, DR7 = 0x400",
	  case_reset_dr },
	{ "reset_cr2", "main",
	  "CR2 = 0, never the victim's",
	  case_reset_cr2 },
	{ "reset_cr8", "main",
	  "CR8 = 0, never the victim's",
	  case_reset_cr8 },
	{ "reset_msrs", "main",
	  "LSTAR, STAR, CSTAR, SFMASK, KERNEL_GS_BASE, FS/GS_BASE, SYSENTER_* = 0",
	  case_reset_msrs },
	{ "reset_fpu", "main",
	  "FCW 0x37f, FSW 0, tags empty, MXCSR 0x1f80, ST0-7 and XMM0-15 zero",
	  case_reset_fpu },
	{ "ap_reset", "main",
	  "a vCPU started after vCPU 0 set markers sees the reset values of every class",
	  case_ap_reset },
	{ "cpuid_hidden", "main",
	  "VMX, SVM, MONITOR hidden; leaves 5, 0xa, 0x8000000a zero; hypervisor bit set",
	  case_cpuid_hidden },
	{ "cpuid_apic_id", "main",
	  "CPUID.1 EBX[31:24] and the x2APIC ID = the vCPU index",
	  case_cpuid_apic_id },
	{ "cr4_osfxsr", "main",
	  "the guest can set CR4.OSFXSR and OSXMMEXCPT; SSE works",
	  case_cr4_osfxsr },
	{ "priv_gpr", "main",
	  "RBX, RBP, RCX, RDX, RSI, RDI, R8-R15 survive a sleep hypercall",
	  case_priv_gpr },
	{ "priv_x87", "main",
	  "FCW and ST0-7 stay ours across sleeps, never the victim's",
	  case_priv_x87 },
	{ "priv_mxcsr", "main",
	  "MXCSR stays ours across sleeps",
	  case_priv_mxcsr },
	{ "priv_xmm", "main",
	  "XMM0-15 stay ours across sleeps",
	  case_priv_xmm },
	{ "priv_dr0_3", "main",
	  "DR0-3 stay ours across sleeps",
	  case_priv_dr0_3 },
	{ "priv_dr6", "main",
	  "DR6 stays ours across sleeps",
	  case_priv_dr6 },
	{ "priv_dr7", "main",
	  "DR7 stays ours across sleeps",
	  case_priv_dr7 },
	{ "priv_cr2", "main",
	  "CR2 stays ours across sleeps",
	  case_priv_cr2 },
	{ "priv_cr8", "main",
	  "CR8 (TPR) stays ours across sleeps",
	  case_priv_cr8 },
	{ "priv_lstar", "main",
	  "LSTAR stays ours across sleeps",
	  case_priv_lstar },
	{ "priv_star", "main",
	  "STAR stays ours across sleeps",
	  case_priv_star },
	{ "priv_cstar", "main",
	  "CSTAR stays ours across sleeps",
	  case_priv_cstar },
	{ "priv_sfmask", "main",
	  "SFMASK stays ours across sleeps",
	  case_priv_sfmask },
	{ "priv_kernel_gs_base", "main",
	  "KERNEL_GS_BASE stays ours across sleeps",
	  case_priv_kernel_gs_base },
	{ "priv_fs_base", "main",
	  "FS_BASE stays ours across sleeps",
	  case_priv_fs_base },
	{ "priv_gs_base", "main",
	  "GS_BASE stays ours across sleeps",
	  case_priv_gs_base },
	{ "priv_sysenter", "main",
	  "SYSENTER_CS/ESP/EIP stay ours across sleeps",
	  case_priv_sysenter },
	{ "priv_tsc_aux", "main",
	  "TSC_AUX is writable and stays ours across sleeps",
	  case_priv_tsc_aux },
	{ "priv_pat", "main",
	  "PAT stays ours across sleeps",
	  case_priv_pat },
	{ "priv_efer", "main",
	  "EFER.SCE stays ours across sleeps",
	  case_priv_efer },
	{ "priv_vlapic", "main",
	  "virtual LAPIC divide and LVT timer stay ours",
	  case_priv_vlapic },
	{ "tf_native", "main",
	  "control: TF over a plain instruction: one #DB, RIP next, DR6.BS",
	  case_tf_native },
	{ "tf_cpuid", "main",
	  "TF over CPUID: exactly one #DB, DR6.BS, RIP = next instruction",
	  case_tf_cpuid },
	{ "tf_hypercall", "main",
	  "TF over VMCALL/VMMCALL: exactly one #DB on the next instruction",
	  case_tf_hypercall },
	{ "tf_rdmsr", "main",
	  "TF over RDMSR of PAT (emulated): exactly one #DB on the next instruction",
	  case_tf_rdmsr },
	{ "tf_out_com1", "main",
	  "TF over OUT to COM1: exactly one #DB on the next instruction",
	  case_tf_out_com1 },
	{ "tf_in_port", "main",
	  "TF over IN from an empty port: exactly one #DB on the next instruction",
	  case_tf_in_port },
	{ "tf_wbinvd", "main",
	  "TF over WBINVD (emulated no-op): exactly one #DB on the next instruction",
	  case_tf_wbinvd },
	{ "tf_mov_cr8", "main",
	  "TF over MOV to CR8 (emulated on VMX): exactly one #DB on the next instruction",
	  case_tf_mov_cr8 },
	{ "monitor_ud", "main",
	  "MONITOR: #UD",
	  case_monitor_ud },
	{ "mwait_ud", "main",
	  "MWAIT: #UD",
	  case_mwait_ud },
	{ "rdpmc_gp", "main",
	  "RDPMC: #GP",
	  case_rdpmc_gp },
	{ "rdpmc_pce_gp", "main",
	  "RDPMC with CR4.PCE set: #GP",
	  case_rdpmc_pce_gp },
	{ "rdtscp_consistent", "main",
	  "RDTSCP works if CPUID 0x80000001 EDX[27] shows it, else #UD",
	  case_rdtscp_consistent },
	{ "vmxon_ud", "main",
	  "VMXON: #UD",
	  case_vmxon_ud },
	{ "vmx_insns_ud", "main",
	  "VMPTRLD, VMCLEAR, VMPTRST, VMREAD, VMWRITE, VMLAUNCH, VMRESUME, VMXOFF: #UD",
	  case_vmx_insns_ud },
	{ "invept_ud", "main",
	  "INVEPT: #UD",
	  case_invept_ud },
	{ "invvpid_ud", "main",
	  "INVVPID: #UD",
	  case_invvpid_ud },
	{ "vmfunc_ud", "main",
	  "VMFUNC: #UD",
	  case_vmfunc_ud },
	{ "vmrun_ud", "main",
	  "VMRUN: #UD",
	  case_vmrun_ud },
	{ "vmload_vmsave_ud", "main",
	  "VMLOAD, VMSAVE: #UD",
	  case_vmload_vmsave_ud },
	{ "stgi_clgi_ud", "main",
	  "STGI, CLGI: #UD",
	  case_stgi_clgi_ud },
	{ "skinit_invlpga_ud", "main",
	  "SKINIT, INVLPGA: #UD",
	  case_skinit_invlpga_ud },
	{ "other_vendor_call_ud", "main",
	  "the other vendor's hypercall instruction: #UD",
	  case_other_vendor_call_ud },
	{ "efer_clear_lme_gp", "main",
	  "WRMSR EFER clearing LME or LMA: #GP, EFER unchanged",
	  case_efer_clear_lme_gp },
	{ "efer_set_svme_gp", "main",
	  "WRMSR EFER setting SVME: #GP, EFER unchanged",
	  case_efer_set_svme_gp },
	{ "efer_reserved_gp", "main",
	  "WRMSR EFER with reserved bits: #GP, EFER unchanged",
	  case_efer_reserved_gp },
	{ "efer_warn_budget", "main",
	  "after 20 refused EFER writes, WRMSR 0x12345678 still logs 'not emulated'",
	  case_efer_warn_budget },
	{ "msr_unknown_gp", "main",
	  "RDMSR/WRMSR of unknown MSRs: #GP",
	  case_msr_unknown_gp },
	{ "pat_invalid_gp", "main",
	  "PAT with types 2, 8 or reserved bits: #GP, PAT unchanged",
	  case_pat_invalid_gp },
	{ "apic_base_gp", "main",
	  "APIC_BASE: xAPIC mode, moving, disabling: #GP; the same value accepted",
	  case_apic_base_gp },
	{ "tsc_write_gp", "main",
	  "WRMSR IA32_TSC: #GP",
	  case_tsc_write_gp },
	{ "msr_noncanonical_gp", "main",
	  "non-canonical LSTAR, FS_BASE, KERNEL_GS_BASE: #GP",
	  case_msr_noncanonical_gp },
	{ "x2apic_bad_gp", "main",
	  "x2APIC: write to ID, TPR bits 63:32, ICR NMI, unknown register: #GP",
	  case_x2apic_bad_gp },
	{ "virt_msrs_gp", "main",
	  "VM_CR, VM_HSAVE_PA, FEATURE_CONTROL, VMX_BASIC: #GP",
	  case_virt_msrs_gp },
	{ "port_unknown_ones", "main",
	  "IN from ports without a device: all ones (8, 16, 32 bits)",
	  case_port_unknown_ones },
	{ "port_in32_zero_extends", "main",
	  "32-bit IN zero-extends into RAX (an empty port and COM1)",
	  case_port_in32_zero_extends },
	{ "port_in16_merges", "main",
	  "16-bit IN keeps RAX[63:16]",
	  case_port_in16_merges },
	{ "port_reset_ignored", "main",
	  "OUT to 0xcf9, 0x64, 0x92 (host reset) ignored",
	  case_port_reset_ignored },
	{ "port_exit_ignored", "main",
	  "OUT to QEMU debug-exit, Bochs shutdown, ACPI PM ports ignored",
	  case_port_exit_ignored },
	{ "port_pci_config", "main",
	  "host PCI config space (0xcf8/0xcfc) reads all ones",
	  case_port_pci_config },
	{ "port_pic_pit_ignored", "main",
	  "OUT to the PIC, PIT, CMOS ignored; sleeps still wake",
	  case_port_pic_pit_ignored },
	{ "low_mem_own", "main",
	  "guest-physical 0xa0000-0xfffff is own RAM: no host ROM or ACPI tables",
	  case_low_mem_own },
	{ "hc_console_bad", "main",
	  "CONSOLE_WRITE: past RAM/straddling/LAPIC/2^63 -EFAULT, overflow -EINVAL, 4097 -E2BIG, 0 bytes 0",
	  case_hc_console_bad },
	{ "hc_console_hv", "main",
	  "buffers in the hypervisor's image: -EFAULT (console_write, self_info, mem_map)",
	  case_hc_console_hv },
	{ "hc_sleep_bad", "main",
	  "SLEEP over 3600 s: -EINVAL; SLEEP 0 and YIELD with junk: 0",
	  case_hc_sleep_bad },
	{ "hc_vcpu_start_bad", "main",
	  "VCPU_START id 0, 8, 2^32+1, rip past RAM: -EINVAL; a started one: -EBUSY",
	  case_hc_vcpu_start_bad },
	{ "hc_self_info_bad", "main",
	  "SELF_INFO: wrong len -EINVAL, past/straddling RAM -EFAULT, overflow -EINVAL",
	  case_hc_self_info_bad },
	{ "hc_mem_map_bad", "main",
	  "MEM_MAP: 65 entries -E2BIG, past/straddling RAM -EFAULT, count only 1",
	  case_hc_mem_map_bad },
	{ "hc_mem_release_bad", "main",
	  "MEM_RELEASE above target, unaligned, empty, not at end, overflow, all: -EINVAL",
	  case_hc_mem_release_bad },
	{ "hc_vcpu_entry_bad", "main",
	  "VCPU_ENTRY with bad rip, small/misaligned/out-of-RAM/overflowing stacks: -EINVAL",
	  case_hc_vcpu_entry_bad },
	{ "hc_mgmt_eperm", "main",
	  "every management call 64-82 from a plain guest: -EPERM (HOST_REBOOT too)",
	  case_hc_mgmt_eperm },
	{ "hc_enosys", "main",
	  "unknown call numbers (9, 63, 83, 127, 128, 2^32, 2^63, ~0): -ENOSYS",
	  case_hc_enosys },
	{ "hc_regs_preserved", "main",
	  "a refused hypercall preserves every register but RAX",
	  case_hc_regs_preserved },
	{ "cpl3_hypercall_eperm", "main",
	  "hypercalls from CPL 3: -EPERM, nothing written",
	  case_cpl3_hypercall_eperm },
	{ "cpl3_privileged_gp", "main",
	  "at CPL 3: RDMSR, IN, HLT, RDPMC, MOV CR3 #GP; XSETBV #UD/#GP",
	  case_cpl3_privileged_gp },
	{ "timer_storm", "timer",
	  "1 ns periodic LAPIC timer: the guest progresses, a 1 s sleep takes 1-1.5 s",
	  case_timer_storm },
	{ "ipi_storm", "load",
	  "self-IPI flood: a 1 s sleep after it takes 1-1.5 s",
	  case_ipi_storm },
	{ "cpu_hog", "load",
	  "a 500 ms spin at the victims' priority completes",
	  case_cpu_hog },
	{ "console_flood_hc", "load",
	  "64 KiB through CONSOLE_WRITE completes",
	  case_console_flood_hc },
	{ "console_flood_com1", "load",
	  "16 KiB through COM1 completes",
	  case_console_flood_com1 },
	{ "cpuid_osxsave", "xstate",
	  "CPUID.1:ECX.OSXSAVE follows the guest's CR4.OSXSAVE",
	  case_cpuid_osxsave },
	{ "xsetbv_no_osxsave_ud", "xstate",
	  "XSETBV with CR4.OSXSAVE clear: #UD",
	  case_xsetbv_no_osxsave_ud },
	{ "reset_xcr0", "xstate",
	  "XCR0 of a fresh vCPU = 1",
	  case_reset_xcr0 },
	{ "xsetbv_legal", "xstate",
	  "XSETBV 3, 1, and all supported components: accepted, XGETBV reads them",
	  case_xsetbv_legal },
	{ "reset_ymm", "xstate",
	  "YMM upper halves of a fresh vCPU are zero",
	  case_reset_ymm },
	{ "tf_xsetbv", "xstate",
	  "TF over XSETBV (emulated): exactly one #DB on the next instruction",
	  case_tf_xsetbv },
	{ "xsetbv_illegal_gp", "xstate",
	  "XSETBV without x87, AVX without SSE, ECX != 0, unsupported bits: #GP, XCR0 unchanged",
	  case_xsetbv_illegal_gp },
	{ "priv_xcr0", "xstate",
	  "XCR0 stays ours across sleeps",
	  case_priv_xcr0 },
	{ "priv_ymm", "xstate",
	  "YMM upper halves stay ours across sleeps",
	  case_priv_ymm },
	{ "priv_avx512", "xstate",
	  "opmask and ZMM state stay ours across sleeps",
	  case_priv_avx512 },
	{ "priv_pkru", "xstate",
	  "PKRU stays ours across sleeps",
	  case_priv_pkru },
	{ "cr4_vmxe_gp", "xstate",
	  "setting CR4.VMXE: #GP (VMX is hidden), the VM goes on",
	  case_cr4_vmxe_gp },
	{ "cr8_max_sleep", "cr8",
	  "CR8 = 15 then a 20 ms sleep: returns in time (the host's interrupts are not masked)",
	  case_cr8_max_sleep },
	{ "invd_survives", "invd",
	  "INVD at CPL 0: the VM keeps running",
	  case_invd_survives },
	{ "probe_end", "probe_end",
	  "read past RAM: stage-2 violation, only this VM stopped",
	  case_probe_end },
	{ "probe_hv_read", "probe_hv_read",
	  "read of the hypervisor's image: stage-2 violation, only this VM stopped",
	  case_probe_hv_read },
	{ "probe_hv_write", "probe_hv_write",
	  "write to the hypervisor's image: stage-2 violation, only this VM stopped",
	  case_probe_hv_write },
	{ "probe_lapic", "probe_lapic",
	  "read of the host LAPIC (0xfee00000): stage-2 violation, only this VM stopped",
	  case_probe_lapic },
	{ "probe_ioapic", "probe_ioapic",
	  "read of the host I/O APIC (0xfec00000): stage-2 violation, only this VM stopped",
	  case_probe_ioapic },
	{ "probe_exec", "probe_exec",
	  "execute past RAM: stage-2 violation, only this VM stopped",
	  case_probe_exec },
	{ "triple_fault", "triple_fault",
	  "an exception with no IDT: triple fault, only this VM stopped",
	  case_triple_fault },
	{ "string_io", "string_io",
	  "REP OUTSB: 'string I/O ... not supported', only this VM stopped",
	  case_string_io },
	{ "race_mem_release", "race",
	  "two vCPUs release the same top 2 MiB at once, 56 rounds (128 MiB to 16 MiB): exactly one succeeds each round",
	  case_race_mem_release },
	{ "race_mem_free", "mgmt",
	  "after the race the frame pool grew by exactly the bytes released; destroy returns the rest",
	  case_race_mem_free },
};
const unsigned int hostile_case_count = sizeof(hostile_cases) / sizeof(hostile_cases[0]);
