# SPDX-License-Identifier: MIT
"""The hostile-guest suite (issue 10, docs/hostile.md): attackers beside
victims on the same CPU, on both vendors.

Two boots per vendor:

  A  cpu0: two victims (role=victim: every register class filled with
     markers and checked after every 1 ms sleep; xstate=1: CR4.OSXSAVE,
     XCR0 and the XSAVE components), the attacker `hostile` (group main,
     two vCPUs), `hostile-x` (group xstate), `hostile-ld` (group load: IPI
     storm, CPU hog, console floods), one VM per forbidden access (probes,
     triple fault); cpu1: a third victim `victim-t` beside
     `timer` (the timer storm, which can starve a CPU: kept off cpu0 so
     the register checks there get their rounds), `cr8` and `invd`.
  B  a management helper (role=mgmt) first pins the vCPU of `tscpin`
     (which reads its TSC for 3 s) back and forth between the CPUs 12
     times, then lowers the memory target of `race` (two vCPUs on two
     CPUs releasing the same top 2 MiB at the same instant, 56 times),
     relays both consoles and the log, and checks mem_free.

Every case has one test here, asserting the outcome in CASES (the same
table as guests/hostile/cases.c and docs/hostile.md). A case that stops
its VM (the hypervisor refusing something it should emulate) fails with
the log line that says so. Nothing is marked xfail: a case fails until
the hypervisor does what the table says.

Cases that run on one vendor only, and why:

  | case                | runs on | why                                              |
  |---------------------|---------|--------------------------------------------------|
  | msr_noncanonical_gp | intel   | QEMU TCG does not check canonical addresses on   |
  |                     |         | WRMSR (the MSRs are passed through, so the CPU   |
  |                     |         | decides); Bochs and hardware do                  |
  | cr4_vmxe_gp         | intel   | SVM does not intercept CR4 writes (the CPU's own |
  |                     |         | reserved-bit #GP decides); QEMU TCG ends that    |
  |                     |         | VMRUN with VMEXIT_INVALID instead                |
  | priv_avx512         | CPUs with AVX-512 (Bochs Skylake-X has it): else |
  |                     | the guest reports "skipped (no AVX-512)"         |
  | priv_ymm, reset_ymm | CPUs with AVX (both emulators), else skipped     |
  | priv_pkru           | CPUs with PKRU in XCR0 (QEMU TCG has it, Bochs   |
  |                     | does not): else skipped                          |

The victims must report 0 mismatches and keep their share while the
storms, the hog and the floods run (rounds and the largest gap between two
rounds are bounded below).
"""

import re
import time

import pytest

import harness

# (name, VM group, expected outcome): guests/hostile/cases.c in Python.
CASES = [
    ("reset_cr4", "main",
     "CR4 = 0x20 (PAE only)"),
    ("reset_efer", "main",
     "EFER = 0x500 (LME, LMA; SVME hidden)"),
    ("reset_pat", "main",
     "PAT = 0x0007040600070406"),
    ("reset_apic_base", "main",
     "APIC_BASE = 0xfee00d00 (x2APIC, enabled, BSP)"),
    ("reset_dr", "main",
     "DR0-3 = 0, DR6 = 0xffff0ff0, DR7 = 0x400"),
    ("reset_cr2", "main",
     "CR2 = 0, never the victim's"),
    ("reset_cr8", "main",
     "CR8 = 0, never the victim's"),
    ("reset_msrs", "main",
     "LSTAR, STAR, CSTAR, SFMASK, KERNEL_GS_BASE, FS/GS_BASE, SYSENTER_* = 0"),
    ("reset_fpu", "main",
     "FCW 0x37f, FSW 0, tags empty, MXCSR 0x1f80, ST0-7 and XMM0-15 zero"),
    ("ap_reset", "main",
     "a vCPU started after vCPU 0 set markers sees the reset values of every class"),
    ("cpuid_hidden", "main",
     "VMX, SVM, MONITOR hidden; leaves 5, 0xa, 0x8000000a zero; hypervisor bit set"),
    ("cpuid_apic_id", "main",
     "CPUID.1 EBX[31:24] and the x2APIC ID = the vCPU index"),
    ("cr4_osfxsr", "main",
     "the guest can set CR4.OSFXSR and OSXMMEXCPT; SSE works"),
    ("priv_gpr", "main",
     "RBX, RBP, RCX, RDX, RSI, RDI, R8-R15 survive a sleep hypercall"),
    ("priv_x87", "main",
     "FCW and ST0-7 stay ours across sleeps, never the victim's"),
    ("priv_mxcsr", "main",
     "MXCSR stays ours across sleeps"),
    ("priv_xmm", "main",
     "XMM0-15 stay ours across sleeps"),
    ("priv_dr0_3", "main",
     "DR0-3 stay ours across sleeps"),
    ("priv_dr6", "main",
     "DR6 stays ours across sleeps"),
    ("priv_dr7", "main",
     "DR7 stays ours across sleeps"),
    ("priv_cr2", "main",
     "CR2 stays ours across sleeps"),
    ("priv_cr8", "main",
     "CR8 (TPR) stays ours across sleeps"),
    ("priv_lstar", "main",
     "LSTAR stays ours across sleeps"),
    ("priv_star", "main",
     "STAR stays ours across sleeps"),
    ("priv_cstar", "main",
     "CSTAR stays ours across sleeps"),
    ("priv_sfmask", "main",
     "SFMASK stays ours across sleeps"),
    ("priv_kernel_gs_base", "main",
     "KERNEL_GS_BASE stays ours across sleeps"),
    ("priv_fs_base", "main",
     "FS_BASE stays ours across sleeps"),
    ("priv_gs_base", "main",
     "GS_BASE stays ours across sleeps"),
    ("priv_sysenter", "main",
     "SYSENTER_CS/ESP/EIP stay ours across sleeps"),
    ("priv_tsc_aux", "main",
     "TSC_AUX is writable and stays ours across sleeps"),
    ("priv_pat", "main",
     "PAT stays ours across sleeps"),
    ("priv_efer", "main",
     "EFER.SCE stays ours across sleeps"),
    ("priv_vlapic", "main",
     "virtual LAPIC divide and LVT timer stay ours"),
    ("tf_native", "main",
     "control: TF over a plain instruction: one #DB, RIP next, DR6.BS"),
    ("tf_cpuid", "main",
     "TF over CPUID: exactly one #DB, DR6.BS, RIP = next instruction"),
    ("tf_hypercall", "main",
     "TF over VMCALL/VMMCALL: exactly one #DB on the next instruction"),
    ("tf_rdmsr", "main",
     "TF over RDMSR of PAT (emulated): exactly one #DB on the next instruction"),
    ("tf_out_com1", "main",
     "TF over OUT to COM1: exactly one #DB on the next instruction"),
    ("tf_in_port", "main",
     "TF over IN from an empty port: exactly one #DB on the next instruction"),
    ("tf_wbinvd", "main",
     "TF over WBINVD (emulated no-op): exactly one #DB on the next instruction"),
    ("tf_mov_cr8", "main",
     "TF over MOV to CR8 (emulated on VMX): exactly one #DB on the next instruction"),
    ("monitor_ud", "main",
     "MONITOR: #UD"),
    ("mwait_ud", "main",
     "MWAIT: #UD"),
    ("rdpmc_gp", "main",
     "RDPMC: #GP"),
    ("rdpmc_pce_gp", "main",
     "RDPMC with CR4.PCE set: #GP"),
    ("rdtscp_consistent", "main",
     "RDTSCP works if CPUID 0x80000001 EDX[27] shows it, else #UD"),
    ("vmxon_ud", "main",
     "VMXON: #UD"),
    ("vmx_insns_ud", "main",
     "VMPTRLD, VMCLEAR, VMPTRST, VMREAD, VMWRITE, VMLAUNCH, VMRESUME, VMXOFF: #UD"),
    ("invept_ud", "main",
     "INVEPT: #UD"),
    ("invvpid_ud", "main",
     "INVVPID: #UD"),
    ("vmfunc_ud", "main",
     "VMFUNC: #UD"),
    ("vmrun_ud", "main",
     "VMRUN: #UD"),
    ("vmload_vmsave_ud", "main",
     "VMLOAD, VMSAVE: #UD"),
    ("stgi_clgi_ud", "main",
     "STGI, CLGI: #UD"),
    ("skinit_invlpga_ud", "main",
     "SKINIT, INVLPGA: #UD"),
    ("other_vendor_call_ud", "main",
     "the other vendor's hypercall instruction: #UD"),
    ("efer_clear_lme_gp", "main",
     "WRMSR EFER clearing LME in long mode: #GP; without LMA: LMA stays (read-only)"),
    ("efer_set_svme_gp", "main",
     "WRMSR EFER setting SVME: #GP, EFER unchanged"),
    ("efer_reserved_gp", "main",
     "WRMSR EFER with reserved bits: #GP, EFER unchanged"),
    ("efer_warn_budget", "main",
     "after 20 refused EFER writes, WRMSR 0x12345678 still logs 'not emulated'"),
    ("msr_unknown_gp", "main",
     "RDMSR/WRMSR of unknown MSRs: #GP"),
    ("pat_invalid_gp", "main",
     "PAT with types 2, 8 or reserved bits: #GP, PAT unchanged"),
    ("apic_base_gp", "main",
     "APIC_BASE: x2APIC to xAPIC directly, moving, reserved bits, EXTD without EN: #GP; the same value accepted"),
    ("msr_noncanonical_gp", "main",
     "non-canonical LSTAR, FS_BASE, KERNEL_GS_BASE: #GP"),
    ("x2apic_bad_gp", "main",
     "x2APIC: write to ID, TPR bits 63:32, ICR SMI, unknown register: #GP"),
    ("virt_msrs_gp", "main",
     "the other vendor's VM_CR/FEATURE_CONTROL; writes to both, VM_HSAVE_PA, VMX_BASIC: #GP"),
    ("port_unknown_ones", "main",
     "IN from ports without a device: all ones (8, 16, 32 bits)"),
    ("port_in32_zero_extends", "main",
     "32-bit IN zero-extends into RAX (an empty port and COM1)"),
    ("port_in16_merges", "main",
     "16-bit IN keeps RAX[63:16]"),
    ("port_reset_ignored", "main",
     "OUT to 0x92 (fast reset) ignored; 0xcf9, 0x64 reset only the VM"),
    ("port_exit_ignored", "main",
     "OUT to QEMU debug-exit, Bochs shutdown, ACPI PM ports ignored"),
    ("port_pm_timer", "main",
     "ACPI PM timer: writes ignored, monotonic, bytes agree, a straddling read is all ones, it advances"),
    ("port_pci_config", "main",
     "host PCI config space (0xcf8/0xcfc) reads all ones"),
    ("port_pic_pit_ignored", "main",
     "OUT to the PIC, PIT, CMOS ignored; sleeps still wake"),
    ("low_mem_own", "main",
     "guest-physical 0xa0000-0xfffff is own RAM: no host ROM or ACPI tables"),
    ("hc_console_bad", "main",
     "CONSOLE_WRITE: past RAM/straddling/LAPIC/2^63 -EFAULT, overflow -EINVAL, 4097 -E2BIG, 0 bytes 0"),
    ("hc_console_hv", "main",
     "buffers in the hypervisor's image: -EFAULT (console_write, self_info, mem_map)"),
    ("hc_sleep_bad", "main",
     "SLEEP over 3600 s or a reserved flag: -EINVAL; console sleep, no input: 0 at its end; SLEEP 0, YIELD with junk: 0"),
    ("hc_vcpu_start_bad", "main",
     "VCPU_START id 0, 8, 2^32+1, rip past RAM: -EINVAL; a started one: -EBUSY"),
    ("hc_self_info_bad", "main",
     "SELF_INFO: wrong len -EINVAL, past/straddling RAM -EFAULT, overflow -EINVAL"),
    ("hc_mem_map_bad", "main",
     "MEM_MAP: 65 entries -E2BIG, past/straddling RAM -EFAULT, count only 1"),
    ("hc_mem_release_bad", "main",
     "MEM_RELEASE above target, unaligned, empty, not at end, overflow, all: -EINVAL"),
    ("hc_vcpu_entry_bad", "main",
     "VCPU_ENTRY with bad rip, small/misaligned/out-of-RAM/overflowing stacks: -EINVAL"),
    ("hc_mgmt_eperm", "main",
     "every management call 64-82 from a plain guest: -EPERM (HOST_REBOOT too)"),
    ("hc_enosys", "main",
     "unknown call numbers (9, 63, 83, 127, 128, 2^32, 2^63, ~0): -ENOSYS"),
    ("hc_regs_preserved", "main",
     "a refused hypercall preserves every register but RAX"),
    ("cpl3_hypercall_eperm", "main",
     "hypercalls from CPL 3: -EPERM, nothing written"),
    ("cpl3_privileged_gp", "main",
     "at CPL 3: RDMSR, IN, HLT, RDPMC, MOV CR3 #GP; XSETBV #UD/#GP"),
    ("reset_mtrr", "main",
     "MTRRCAP 0x508 (8 ranges, fixed, WC); DEF_TYPE, PHYSBASE/PHYSMASK0-7 and the 11 fixed ranges 0, never the victims'"),
    ("mtrr_rw", "main",
     "MTRR DEF_TYPE, PHYSBASE/PHYSMASK0-7 and fixed ranges read back exactly as written"),
    ("mtrr_invalid_gp", "main",
     "MTRR types 2, 3, 7, 8, reserved bits, bits past MAXPHYADDR, MTRRCAP writes, PHYSBASE8: #GP, MTRRs unchanged"),
    ("priv_mtrr", "main",
     "MTRR DEF_TYPE, PHYSBASE0/PHYSMASK0, FIX64K stay ours across sleeps"),
    ("misc_enable", "main",
     "MISC_ENABLE reads 0x1801; fast strings toggles; other bits written are ignored"),
    ("mce_msrs", "main",
     "MCG_CAP 2 banks; MCi_CTL kept; STATUS/ADDR/MISC read 0, take 0, #GP else; MCG_CTL, MC2, CTL2 #GP"),
    ("vendor_msrs", "main",
     "Intel: FEATURE_CONTROL locked, PLATFORM_INFO ratio, BIOS_SIGN_ID; AMD: VM_CR, HWCR, SYSCFG, PATCH_LEVEL; the other's #GP; XSS 0"),
    ("spec_ctrl_hidden", "main",
     "speculation control hidden in CPUID: SPEC_CTRL, PRED_CMD, ARCH_CAPABILITIES, FLUSH_CMD, TSC_ADJUST #GP"),
    ("cpuid_msr_features", "main",
     "CPUID.1 EDX shows MCE, MTRR, MCA, PAT; hides DS, ACPI, TM, EIST, PDCM, TSC_ADJUST"),
    ("tsc_near_zero", "main",
     "the guest's TSC read under 2 s at its first instruction (it starts at 0 with the VM)"),
    ("tsc_consistent", "main",
     "RDTSC, RDMSR IA32_TSC and RDTSCP read one clock in order; RDTSCP's ECX is TSC_AUX"),
    ("tsc_write_own", "main",
     "WRMSR IA32_TSC moves this vCPU's TSC (2^40 ahead and back), never the victims'"),
    ("timer_storm", "timer",
     "1 ns periodic LAPIC timer: the guest progresses, a 1 s sleep takes 1-1.5 s"),
    ("device_irq_storm", "timer",
     "PIT channel 0 at count 1 through the I/O APIC: at most one per 200 us, a 1 s sleep takes 1-1.5 s"),
    ("pic_storm", "timer",
     "8259 level-triggered with auto-EOI, COM1's cause left standing, LINT0 ExtINT: the victim keeps its rounds, a 1 s sleep after it takes 1-1.5 s"),
    ("ipi_storm", "load",
     "self-IPI flood: a 1 s sleep after it takes 1-1.5 s"),
    ("nmi_storm", "load",
     "self-NMIs, each sent from the handler of the one before, for 200 ms with IF open: the next waits for each IRET, a 1 s sleep after it takes 1-1.5 s"),
    ("nmi_storm_sti", "load",
     "nmi_storm with each handler opening IF first (IF set at its IRET): the guest goes on, no NMI inside another's handler, a 1 s sleep after it takes 1-1.5 s"),
    ("ioapic_nmi_storm", "load",
     "PIT at count 1 and COM1's standing cause through I/O APIC entries in NMI mode (one marked level), IF clear: NMIs at the PIT's rate at most, one at a time, a 1 s sleep after it takes 1-1.5 s"),
    ("cpu_hog", "load",
     "a 500 ms spin at the victims' priority completes"),
    ("console_flood_hc", "load",
     "64 KiB through CONSOLE_WRITE completes"),
    ("console_flood_com1", "load",
     "16 KiB through COM1 completes"),
    ("cpuid_osxsave", "xstate",
     "CPUID.1:ECX.OSXSAVE follows the guest's CR4.OSXSAVE"),
    ("xsetbv_no_osxsave_ud", "xstate",
     "XSETBV with CR4.OSXSAVE clear: #UD"),
    ("reset_xcr0", "xstate",
     "XCR0 of a fresh vCPU = 1"),
    ("xsetbv_legal", "xstate",
     "XSETBV 3, 1, and all supported components: accepted, XGETBV reads them"),
    ("reset_ymm", "xstate",
     "YMM upper halves of a fresh vCPU are zero"),
    ("tf_xsetbv", "xstate",
     "TF over XSETBV (emulated): exactly one #DB on the next instruction"),
    ("xsetbv_illegal_gp", "xstate",
     "XSETBV without x87, AVX without SSE, ECX != 0, unsupported bits: #GP, XCR0 unchanged"),
    ("priv_xcr0", "xstate",
     "XCR0 stays ours across sleeps"),
    ("priv_ymm", "xstate",
     "YMM upper halves stay ours across sleeps"),
    ("priv_avx512", "xstate",
     "opmask and ZMM state stay ours across sleeps"),
    ("priv_pkru", "xstate",
     "PKRU stays ours across sleeps"),
    ("cr4_vmxe_gp", "xstate",
     "setting CR4.VMXE: #GP (VMX is hidden), the VM goes on"),
    ("cr8_max_sleep", "cr8",
     "CR8 = 15 then a 20 ms sleep: returns in time (the host's interrupts are not masked)"),
    ("invd_survives", "invd",
     "INVD at CPL 0: the VM keeps running"),
    ("probe_end", "probe_end",
     "read past RAM: stage-2 violation, only this VM stopped"),
    ("probe_hv_read", "probe_hv_read",
     "read of the hypervisor's image: stage-2 violation, only this VM stopped"),
    ("probe_hv_write", "probe_hv_write",
     "write to the hypervisor's image: stage-2 violation, only this VM stopped"),
    ("probe_lapic", "probe_lapic",
     "read of the host LAPIC (0xfee00000): stage-2 violation, only this VM stopped"),
    ("probe_ioapic", "probe_ioapic",
     "0xfec00000 is the VM's own I/O APIC (version 0x11), not the host's; a read of the page after it (0xfec01000): stage-2 violation, only this VM stopped"),
    ("probe_exec", "probe_exec",
     "execute past RAM: stage-2 violation, only this VM stopped"),
    ("triple_fault", "triple_fault",
     "an exception with no IDT: triple fault, only this VM stopped"),
    ("string_io", "main",
     "REP OUTSB to COM1: emulated, the bytes reach the console, RSI and RCX advanced"),
    ("race_mem_release", "race",
     "two vCPUs release the same top 2 MiB at once, 56 rounds (128 MiB to 16 MiB): exactly one succeeds each round"),
    ("tsc_pin_monotonic", "tscpin",
     "RDTSC and RDMSR IA32_TSC never go back while the vCPU is pinned from CPU to CPU; under 2 s at the start"),
    ("tsc_pin_moved", "mgmt",
     "the management helper pinned the tscpin vCPU 12 times between CPUs 0 and 1 and saw it on both"),
    ("race_mem_free", "mgmt",
     "after the race the frame pool grew by exactly the bytes released; destroy returns the rest"),
]

ONLY = {
    "msr_noncanonical_gp": ("intel", "QEMU TCG does not check canonical "
                            "addresses on WRMSR of passed-through MSRs"),
    "cr4_vmxe_gp": ("intel", "SVM does not intercept CR4 writes, so the CPU's "
                    "own reserved-bit #GP decides; QEMU TCG ends that VMRUN "
                    "with VMEXIT_INVALID instead"),
}

# The VM that runs each group (keel.cfg below).
GROUP_VM = {
    "main": "hostile", "xstate": "hostile-x", "load": "hostile-ld",
    "timer": "timer", "cr8": "cr8", "invd": "invd", "race": "race",
    "mgmt": "mgmt", "tscpin": "tscpin",
}
FATAL = {
    # VM: the log line's reason, after "keel: error: vm NAME: "
    "probe_end": r"stage-2 violation: read at guest-physical {addr} "
                 r"\(outside guest memory\)",
    "probe_hv_read": r"stage-2 violation: read at guest-physical {addr} ",
    "probe_hv_write": r"stage-2 violation: write at guest-physical {addr} ",
    "probe_lapic": r"stage-2 violation: read at guest-physical 0xfee00000 ",
    "probe_ioapic": r"stage-2 violation: read at guest-physical 0xfec01000 ",
    "probe_exec": r"stage-2 violation: execute at guest-physical {addr} ",
    "triple_fault": r"triple fault ",
}
for _name in FATAL:
    GROUP_VM[_name] = _name

VICTIM_RUN_MS = 12000
# The console floods start this long after their VM (the other attackers
# are done by then: lines printed during a flood may be dropped) and end
# with 3 s for the queue to drain, well inside the victims' run.
FLOOD_AT_MS = 5000
BOOT_A = f"""\
cmdline loglevel=info
module hostile /keel/guests/hostile.elf
vm victim     image=hostile mem=8M cpu=0 args="role=victim run={VICTIM_RUN_MS}"
vm victim-x   image=hostile mem=8M cpu=0 args="role=victim xstate=1 run={VICTIM_RUN_MS}"
vm hostile    image=hostile mem=16M cpu=0 vcpus=2 args="group=main"
vm hostile-x  image=hostile mem=8M cpu=0 args="group=xstate"
vm hostile-ld image=hostile mem=8M cpu=0 args="group=load flood_at={FLOOD_AT_MS}"
vm victim-t   image=hostile mem=8M cpu=1 args="role=victim run={VICTIM_RUN_MS}"
vm timer      image=hostile mem=4M cpu=1 args="group=timer"
vm cr8        image=hostile mem=4M cpu=1 args="group=cr8"
vm invd       image=hostile mem=4M cpu=1 args="group=invd"
""" + "".join(f'vm {n} image=hostile mem=4M cpu=0 args="group={n}"\n'
              for n in FATAL)

BOOT_B = """\
cmdline loglevel=info
module hostile /keel/guests/hostile.elf
vm mgmt  image=hostile mem=4M cpus=0 role=mgmt args="role=mgmt race=race tscpin=tscpin"
vm race  image=hostile mem=128M cpus=0-1 vcpus=2 args="group=race"
vm tscpin image=hostile mem=4M cpus=0-1 args="group=tscpin"
"""

# Seconds of serial output to wait for after the boot, per vendor (Bochs
# runs the same guest time about 3-5x slower).
BUDGET = {"amd": 120, "intel": 240}
# The victims' progress while attackers share their CPU: 1 ms sleeps for
# 12 s, so thousands of rounds when they get their share; a stall shows as
# a gap of seconds.
MIN_ROUNDS = 500
MAX_GAP_MS = 250


@pytest.fixture(scope="module", params=("amd", "intel"))
def vendor(request):
    return request.param


def vm_finished(log, vm):
    return bool(re.search(rf"^(\[{re.escape(vm)}\] (hostile: done|victim: end)|"
                          rf"keel: error: vm {re.escape(vm)}: |"
                          rf"keel: vm {re.escape(vm)}: halted)", log, re.M))


def run_until(m, done, timeout, vms=()):
    """Reads serial output until done(log) or timeout; True if done.

    Prints when each of vms finishes (seconds since the boot), with -s.
    """
    end = time.monotonic() + timeout
    pending = list(vms)
    while not done(m.log):
        for vm in [v for v in pending if vm_finished(m.log, v)]:
            print(f"  {vm} finished at {time.monotonic() - m.started:.0f} s")
            pending.remove(vm)
        left = end - time.monotonic()
        if left <= 0:
            return False
        # Let output gather: the floods print 80 KiB, and each read
        # re-cleans the whole log, so many tiny reads cost minutes. The
        # pattern only matches at the end of what has arrived: one read
        # per turn, not one turn per line.
        time.sleep(0.1)
        try:
            m.expect(r"\n\Z", timeout=min(5.0, left))
        except harness.MachineError:
            if m.exitstatus is not None:
                return done(m.log)
    for vm in [v for v in pending if vm_finished(m.log, v)]:
        print(f"  {vm} finished by {time.monotonic() - m.started:.0f} s")
    return True


def boot(vendor, tmp_path_factory, name, config, done, vms=()):
    """(log, finished) of one boot."""
    tmp = tmp_path_factory.mktemp(f"hostile-{name}-{vendor}")
    esp = harness.make_esp(tmp / "esp", config,
                           guests=[harness.build_dir() / "guests" /
                                   "hostile.elf"])
    with harness.Machine(vendor, esp, smp=2,
                         logfile=tmp / "serial.log") as m:
        # from the emulator's start: the lock may have kept us waiting
        m.expect_line(r"keel: vm \S+: created")
        finished = run_until(m, done, BUDGET[vendor], vms)
        log = m.log
        took = time.monotonic() - m.started
    print(f"\nhostile boot {name} on {vendor}: {took:.0f} s "
          f"({'all done' if finished else 'budget ran out'})")
    if not finished:
        tail = "\n".join(log.splitlines()[-40:])
        print(f"the last lines of boot {name} ({tmp / 'serial.log'}):\n{tail}")
    return log, finished


# Cases whose verdict rests on guest time. Under TCG the guest's clock is
# the host's, so a host that starves the emulator's threads (other jobs on
# the machine) stretches gaps and thins timer ticks without any fault of
# the hypervisor's: such a verdict earns one more boot.
TIMED_CASES = ("timer_storm", "device_irq_storm", "pic_storm", "ioapic_nmi_storm", "ipi_storm", "nmi_storm", "nmi_storm_sti", "cpu_hog", "console_flood_hc",
               "console_flood_com1")
WATCHDOG = re.compile(r"^keel: warning: cpu\d+ has not scheduled for .*$", re.M)


def timing_trouble(log, finished):
    """Why a boot's timed verdicts may be the host's doing ([] if none)."""
    why = [] if finished else ["the budget ran out"]
    why += WATCHDOG.findall(log)
    for vm in VICTIMS:
        m = re.search(rf"^\[{re.escape(vm)}\] victim: done: (\d+) rounds in "
                      rf"(\d+) ms, max gap (\d+) ms", log, re.M)
        if not m:
            why.append(f"{vm} did not finish")
        elif int(m.group(1)) < MIN_ROUNDS or int(m.group(3)) > MAX_GAP_MS:
            why.append(f"{vm}: {m.group(1)} rounds, max gap {m.group(3)} ms")
    for name in TIMED_CASES:
        group = next(c[1] for c in CASES if c[0] == name)
        status, detail = case_result(log, GROUP_VM[group], name)
        if status == "FAIL":
            why.append(f"{name}: {detail}")
    return why


@pytest.fixture(scope="module")
def log_a(vendor, tmp_path_factory):
    vms = ["victim", "victim-x", "victim-t", "hostile", "hostile-x",
           "hostile-ld", "cr8", "invd", *FATAL]

    def done(log):
        # a timer storm that never ends is judged once victim-t is done
        return all(vm_finished(log, vm) for vm in vms) and (
            vm_finished(log, "timer") or vm_finished(log, "victim-t"))
    log, finished = boot(vendor, tmp_path_factory, "a", BOOT_A, done,
                         [*vms, "timer"])
    why = timing_trouble(log, finished)
    if why:
        print(f"boot a on {vendor}: timed verdicts in doubt, booting once more: "
              + "; ".join(why))
        log, finished = boot(vendor, tmp_path_factory, "a2", BOOT_A, done,
                             [*vms, "timer"])
    return log


@pytest.fixture(scope="module")
def log_b(vendor, tmp_path_factory):
    def done(log):
        return ("hostile: case race_mem_free:" in log or
                "PANIC" in log or "keel: all guests have stopped" in log)
    return boot(vendor, tmp_path_factory, "b", BOOT_B, done)[0]


def stop_line(log, vm):
    m = re.search(rf"^keel: error: vm {re.escape(vm)}: .*$", log, re.M)
    return m.group(0) if m else None


def case_result(log, vm, name):
    """(status, detail) of a case from its VM's output."""
    rx = rf"^(?:\[{re.escape(vm)}\] )?hostile: case {name}: (ok|FAIL|skipped)(.*)$"
    m = re.search(rx, log, re.M)
    if m:
        return m.group(1), m.group(2).strip()
    running = re.findall(rf"^\[{re.escape(vm)}\] hostile: running (\S+)",
                         log, re.M)
    stopped = stop_line(log, vm)
    if running and running[-1] == name and stopped:
        return "FAIL", f"the hypervisor stopped the VM while it ran: {stopped}"
    if running and running[-1] == name:
        return "FAIL", "no result: the case never finished (livelock?)"
    if stopped:
        return "FAIL", f"never ran: an earlier case got the VM stopped: {stopped}"
    return "FAIL", "never ran"


BOOT_B_GROUPS = ("race", "mgmt", "tscpin")
PLAIN = [c for c in CASES if c[1] not in FATAL and c[1] not in BOOT_B_GROUPS]


@pytest.mark.parametrize("name,group,expect", PLAIN, ids=[c[0] for c in PLAIN])
def test_case(vendor, log_a, name, group, expect):
    if name in ONLY and ONLY[name][0] != vendor:
        pytest.skip(f"{ONLY[name][0]} only: {ONLY[name][1]}")
    status, detail = case_result(log_a, GROUP_VM[group], name)
    if status == "skipped":
        pytest.skip(detail)
    assert status == "ok", f"{name}: expected: {expect}; got: {status} {detail}"
    if name == "efer_warn_budget":
        assert ("keel: warning: vm hostile: wrmsr of MSR 0x12345678 is not "
                "emulated") in log_a, ("refused EFER writes used up the "
                                        "warning budget: no log line for "
                                        "the unknown MSR 0x12345678")


FATAL_CASES = [c for c in CASES if c[1] in FATAL]


@pytest.mark.parametrize("name,group,expect", FATAL_CASES,
                         ids=[c[0] for c in FATAL_CASES])
def test_forbidden_access_stops_only_that_vm(vendor, log_a, name, group, expect):
    probe = re.search(rf"^\[{name}\] hostile: probe: \S+ .* at (0x[0-9a-f]+)$",
                      log_a, re.M)
    addr = re.escape(probe.group(1)) if probe else r"0x[0-9a-f]+"
    why = FATAL[name].format(addr=addr)
    line = stop_line(log_a, name)
    assert line, f"{name}: expected: {expect}; the VM was not stopped"
    assert re.search(rf"^keel: error: vm {name}: {why}.*; vm stopped$", line), \
        f"{name}: expected: {expect}; got: {line}"
    assert f"[{name}] hostile: case {name}: FAIL" not in log_a
    # the victims outlive it
    lines = log_a.splitlines()
    at = lines.index(line)
    assert any(l.startswith("[victim] victim: done:") for l in lines[at:]), \
        "the victim did not go on after this VM was stopped"


def victim_report(log, vm):
    m = re.search(rf"^\[{re.escape(vm)}\] victim: done: (\d+) rounds in (\d+) ms, "
                  rf"max gap (\d+) ms, (\d+) mismatches$", log, re.M)
    assert m, f"{vm} never finished its rounds (stopped: {stop_line(log, vm)})"
    return [int(x) for x in m.groups()]


VICTIMS = ("victim", "victim-x", "victim-t")


@pytest.mark.parametrize("vm", VICTIMS)
def test_victim_registers_intact(vendor, log_a, vm):
    rounds, ms, gap, mismatches = victim_report(log_a, vm)
    what = re.findall(rf"^\[{re.escape(vm)}\] victim: mismatch (.*)$",
                      log_a, re.M)
    assert mismatches == 0, f"{vm}: {mismatches} mismatches: " + "; ".join(what)


def vm_cpu(vm):
    m = re.search(rf"^vm {re.escape(vm)} .*\bcpu=(\d+)", BOOT_A, re.M)
    return int(m.group(1)) if m else None


def culprit(log, victim, start_ms, end_ms):
    """The attacker cases on the victim's CPU that overlap its largest gap."""
    cpu = vm_cpu(victim)
    found = []
    for vm in sorted(set(re.findall(r"^\[(\S+)\] hostile: running ", log, re.M))):
        if vm_cpu(vm) != cpu:
            continue
        starts = [(int(t), name) for name, t in re.findall(
            rf"^\[{re.escape(vm)}\] hostile: running (\S+) at (\d+) ms$",
            log, re.M)]
        done = re.search(rf"^\[{re.escape(vm)}\] hostile: done: .* at (\d+) ms$",
                         log, re.M)
        last_end = (int(done.group(1)) if done else
                    starts[-1][0] if stop_line(log, vm) else float("inf"))
        for i, (t, name) in enumerate(starts):
            end = starts[i + 1][0] if i + 1 < len(starts) else last_end
            if t <= end_ms and end >= start_ms:
                found.append(f"{vm}: {name} ({t}-{end} ms)")
    return "; ".join(found) or "none"


@pytest.mark.parametrize("vm", VICTIMS)
def test_victim_keeps_its_share(vendor, log_a, vm):
    rounds, ms, gap, mismatches = victim_report(log_a, vm)
    assert rounds >= MIN_ROUNDS, f"{vm}: only {rounds} rounds in {ms} ms"
    m = re.search(rf"^\[{re.escape(vm)}\] victim: the largest gap was "
                  rf"(\d+)-(\d+) ms$", log_a, re.M)
    where = culprit(log_a, vm, int(m.group(1)), int(m.group(2))) if m else "?"
    assert gap <= MAX_GAP_MS, (f"{vm}: stalled for {gap} ms between two "
                               f"rounds; attackers running then: {where}")


def test_hypervisor_survives(vendor, log_a):
    assert "PANIC" not in log_a


def test_no_cpu_got_stuck(vendor, log_a):
    """The scheduler's watchdog: every CPU came through its loop in time."""
    stuck = WATCHDOG.findall(log_a)
    assert not stuck, "; ".join(stuck)


RACE_CASES = [c for c in CASES if c[1] in BOOT_B_GROUPS]


@pytest.mark.parametrize("name,group,expect", RACE_CASES,
                         ids=[c[0] for c in RACE_CASES])
def test_memory_race(vendor, log_b, name, group, expect):
    assert "PANIC" not in log_b, "the hypervisor panicked during the race"
    m = re.search(rf"hostile: case {name}: (ok|FAIL)(.*)$", log_b, re.M)
    assert m, f"{name}: expected: {expect}; no result"
    assert m.group(1) == "ok", f"{name}: expected: {expect}; got: FAIL{m.group(2)}"
    if name == "race_mem_release":
        sizes = [int(x) for x in re.findall(
            r"^log: keel: vm race: released \S+ \(2 MiB\); now (\d+) MiB$",
            log_b, re.M)]
        assert sizes == list(range(126, 14, -2)), \
            f"release log lines: {sizes}, want one per 2 MiB from 126 to 16"
