// SPDX-License-Identifier: MIT
/*
 * The vendor-neutral VM-exit dispatcher. A guest can make any exit happen,
 * so no path here panics: what cannot be handled stops that VM only.
 */
#include <arch/tsc.h>
#include <arch/vendor.h>
#include <arch/x86.h>
#include <base/log.h>
#include <core/dev/vlapic.h>
#include <core/emulate.h>
#include <core/exit_dispatch.h>
#include <core/fault_report.h>
#include <core/msr_policy.h>
#include <core/vcpu_hlt.h>
#include <core/vcpu_init.h>
#include <core/vm.h>
#include <sched/sched.h>

const char *const exit_reason_names[EXIT_REASON_COUNT] = {
	[EXIT_CPUID] = "cpuid",
	[EXIT_MSR_READ] = "rdmsr",
	[EXIT_MSR_WRITE] = "wrmsr",
	[EXIT_IO] = "io",
	[EXIT_HLT] = "hlt",
	[EXIT_HYPERCALL] = "hypercall",
	[EXIT_STAGE2_FAULT] = "stage2_fault",
	[EXIT_INTR] = "interrupt",
	[EXIT_TIMER] = "timer",
	[EXIT_INTR_WINDOW] = "intr_window",
	[EXIT_NMI_WINDOW] = "nmi_window",
	[EXIT_NMI] = "nmi",
	[EXIT_TRIPLE_FAULT] = "triple_fault",
	[EXIT_INVALID_STATE] = "invalid_state",
	[EXIT_VIRT_INSN] = "virt_insn",
	[EXIT_CR_ACCESS] = "cr_access",
	[EXIT_UNKNOWN] = "unknown",
	[EXIT_XSETBV] = "xsetbv",
	[EXIT_RDPMC] = "rdpmc",
	[EXIT_CACHE_FLUSH] = "cache_flush",
};

static const char *access_name(const struct vm_exit *e)
{
	if (e->stage2.exec)
		return "execute";
	return e->stage2.write ? "write" : "read";
}

/*
 * Outside RAM: a device's MMIO, or nothing (core/emulate.c says which and
 * stops the VM for nothing). Inside RAM, or a fetch: the guest broke a
 * rule of its stage-2 tables, which no instruction can be emulated past.
 */
static void stage2_fault(struct vcpu *v, const struct vm_exit *e)
{
	struct vm *vm = v->vm;

	if (e->stage2.gpa >= vm->mem_bytes && !e->stage2.exec) {
		emulate_mmio(v, e);
		return;
	}
	const char *where = e->stage2.gpa >= vm->mem_bytes ?
			    "outside guest memory" : "inside guest memory, not permitted";

	vm_stop(vm, VM_STOPPED,
		"stage-2 violation: %s at guest-physical %#lx (%s), vcpu %u rip %#lx",
		access_name(e), e->stage2.gpa, where, v->id, vendor->get_rip(v));
}

static void halt(struct vcpu *v, const struct vm_exit *e)
{
	vcpu_advance_rip(v, e);
	if (!(vendor->get_rflags(v) & RFLAGS_IF)) {
		/* an INIT may restart it (aps_sipi); else this vCPU is done */
		if (!vcpu_init_hlt(v))
			v->state = VCPU_STOPPED;
		return;
	}
	/* blocks until its interrupt is due (the timers: vcpu_run.c) */
	if (vlapic_pending(v))
		return;
	vcpu_hlt_wait(v);
}

static void fatal(struct vcpu *v, const struct vm_exit *e, const char *what)
{
	vm_stop(v->vm, VM_STOPPED, "%s (exit %#lx), vcpu %u rip %#lx", what,
		e->raw_code, v->id, vendor->get_rip(v));
	vendor->dump(v);
}

bool exit_dispatch(struct vcpu *v, const struct vm_exit *e)
{
	if (e->handled)
		return true;	/* on the fast path, which did not go on */
	v->stats.exits[e->reason]++;

	switch (e->reason) {
	case EXIT_CPUID:
		cpuid_handle(v, e);
		return true;
	case EXIT_HYPERCALL:
		hypercall_handle(v, e);
		return true;
	case EXIT_MSR_READ:
		msr_handle_read(v, e);
		return true;
	case EXIT_MSR_WRITE:
		msr_handle_write(v, e);
		break;
	case EXIT_IO:
		io_handle(v, e);
		return true;
	case EXIT_HLT:
		halt(v, e);
		break;
	case EXIT_STAGE2_FAULT:
		stage2_fault(v, e);
		break;
	case EXIT_INTR:
		/* let the host IDT take it: one instruction window */
		__asm__ volatile("sti; nop; cli" ::: "memory");
		break;
	case EXIT_TIMER:
		sched_timer_interrupt();
		break;
	case EXIT_INTR_WINDOW:
		vendor->interrupt_window(v, false);	/* delivered before entry */
		break;
	case EXIT_NMI_WINDOW:
		vendor->nmi_window(v, false);	/* likewise */
		break;
	case EXIT_NMI:
		break;
	case EXIT_TRIPLE_FAULT:
		fatal(v, e, "triple fault");
		fault_report_fetch(v);
		break;
	case EXIT_INVALID_STATE:
		fatal(v, e, "invalid guest state refused by VM entry");
		break;
	case EXIT_VIRT_INSN:
		/* no nested virtualization: behave like a CPU without it */
		vendor->inject_exception(v, VECTOR_UD, false, 0);
		break;
	case EXIT_CR_ACCESS:
		if (!cr_access_handle(v, e))
			fatal(v, e, "unsupported control-register change");
		break;
	case EXIT_XSETBV:
		xsetbv_handle(v, e);
		break;
	case EXIT_RDPMC:
		/* no PMU is virtualized (CPUID leaf 0xa is zero) */
		vendor->inject_exception(v, VECTOR_GP, true, 0);
		break;
	case EXIT_CACHE_FLUSH:
		/* guest memory is write-back and no device does DMA: nothing to do */
		vcpu_advance_rip(v, e);
		break;
	default:
		fatal(v, e, "unhandled exit");
		break;
	}
	return false;
}
