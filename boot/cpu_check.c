// SPDX-License-Identifier: MIT
/*
 * Can this CPU run Keel? It needs VT-x (Intel SDM Vol. 3C, 24.7 "Enabling
 * and entering VMX operation") or AMD-V (AMD APM Vol. 2, 15.4 "Enabling
 * SVM"), and the firmware must not have locked it off. Checked before
 * anything is loaded so the operator learns at once what to change.
 */
#include <stdbool.h>
#include <stdint.h>

#include <arch/msr.h>	/* MSR numbers, shared with the hypervisor */
#include <arch/x86.h>	/* CPUID, IDT gates, vectors: arch/x86_defs.h */
#include <lib/string.h>

#include "loader.h"

/*
 * An MSR the CPU does not implement raises #GP, and the firmware's #GP
 * handler hangs. rdmsr_safe points IDT vector 13 at a stub that skips the
 * two-byte rdmsr and records the fault, for the duration of one read.
 */
#define RDMSR_LENGTH		2	/* 0f 32 */

__attribute__((used)) static volatile uint8_t rdmsr_faulted;
extern char rdmsr_gp_stub[] __attribute__((visibility("hidden")));

/* The frame holds the error code, then RIP, CS, RFLAGS, RSP, SS. */
__asm__(".text\n"
	"rdmsr_gp_stub:\n"
	"	addq $2, 8(%rsp)\n"
	"	movb $1, rdmsr_faulted(%rip)\n"
	"	addq $8, %rsp\n"
	"	iretq\n");

static bool rdmsr_safe(uint32_t msr, uint64_t *value)
{
	struct descriptor_ptr idtr;
	struct idt_gate *gate, saved;
	uint64_t stub = (uint64_t)rdmsr_gp_stub, rflags;
	uint32_t lo = 0, hi = 0;
	uint16_t cs;

	rflags = read_rflags();
	irq_disable();
	idtr = read_idtr();
	cs = read_cs();
	gate = (struct idt_gate *)idtr.base + VECTOR_GP;
	saved = *gate;
	gate->offset_lo = (uint16_t)stub;
	gate->selector = cs;
	gate->ist = 0;
	gate->type = IDT_GATE_INTR;
	gate->offset_mid = (uint16_t)(stub >> 16);
	gate->offset_hi = (uint32_t)(stub >> 32);
	rdmsr_faulted = 0;

	__asm__ volatile("rdmsr" : "+a"(lo), "+d"(hi) : "c"(msr) : "memory");

	*gate = saved;
	if (rflags & RFLAGS_IF)
		irq_enable();
	*value = (uint64_t)hi << 32 | lo;
	return !rdmsr_faulted;
}

enum virt_state {
	VIRT_READY,
	VIRT_ABSENT,		/* the CPU does not have it */
	VIRT_DISABLED,		/* the firmware turned it off */
};

static enum virt_state check_intel(void)
{
	uint64_t fc;

	if (!(cpuid(1, 0).ecx & CPUID_1_ECX_VMX))
		return VIRT_ABSENT;
	if (!rdmsr_safe(MSR_IA32_FEATURE_CONTROL, &fc)) {
		loader_log("CPU: Intel with VT-x (IA32_FEATURE_CONTROL unreadable)");
		return VIRT_READY;
	}
	/* Locked without VMX-outside-SMX: only the firmware setup changes it. */
	if ((fc & FEATURE_CONTROL_LOCKED) &&
	    !(fc & FEATURE_CONTROL_VMX_OUTSIDE_SMX)) {
		loader_log("CPU: Intel with VT-x, but IA32_FEATURE_CONTROL "
			   "0x%llx is locked with VMX off",
			   (unsigned long long)fc);
		return VIRT_DISABLED;
	}
	loader_log("CPU: Intel with VT-x (IA32_FEATURE_CONTROL 0x%llx%s)",
		   (unsigned long long)fc, fc & FEATURE_CONTROL_LOCKED ? "" :
		   ", unlocked: the hypervisor enables VMX and locks it");
	return VIRT_READY;
}

static enum virt_state check_amd(void)
{
	uint64_t vm_cr;

	if (cpuid(0x80000000, 0).eax < 0x80000001 ||
	    !(cpuid(0x80000001, 0).ecx & CPUID_80000001_ECX_SVM))
		return VIRT_ABSENT;
	if (!rdmsr_safe(MSR_AMD_VM_CR, &vm_cr)) {
		loader_log("CPU: AMD with AMD-V (VM_CR unreadable)");
		return VIRT_READY;
	}
	if (vm_cr & VM_CR_SVMDIS) {
		loader_log("CPU: AMD with AMD-V, but VM_CR 0x%llx has SVMDIS "
			   "set", (unsigned long long)vm_cr);
		return VIRT_DISABLED;
	}
	loader_log("CPU: AMD with AMD-V (VM_CR 0x%llx)",
		   (unsigned long long)vm_cr);
	return VIRT_READY;
}

EFI_STATUS cpu_check(void)
{
	struct cpuid_regs r = cpuid(0, 0);
	char vendor[13];
	bool intel, amd;
	enum virt_state state = VIRT_ABSENT;

	memcpy(vendor + 0, &r.ebx, 4);
	memcpy(vendor + 4, &r.edx, 4);
	memcpy(vendor + 8, &r.ecx, 4);
	vendor[12] = 0;
	intel = !strcmp(vendor, "GenuineIntel");
	amd = !strcmp(vendor, "AuthenticAMD") || !strcmp(vendor, "HygonGenuine");

	if (intel && r.eax >= 1)
		state = check_intel();
	else if (amd)
		state = check_amd();

	switch (state) {
	case VIRT_READY:
		return EFI_SUCCESS;
	case VIRT_DISABLED:
		if (intel)
			return loader_fail(EFI_UNSUPPORTED,
					   "VT-x is disabled in the firmware setup: enable Intel Virtualization Technology (VT-x), save, then power the machine off and on");
		return loader_fail(EFI_UNSUPPORTED,
				   "AMD-V is disabled in the firmware setup: enable SVM Mode (AMD Virtualization), save, then power the machine off and on");
	case VIRT_ABSENT:
	default:
		return loader_fail(EFI_UNSUPPORTED,
				   "this CPU has neither VT-x nor AMD-V: Keel cannot run here (CPU vendor %s)",
				   vendor);
	}
}
