/* SPDX-License-Identifier: MIT */
#ifndef KEEL_CORE_EXIT_H
#define KEEL_CORE_EXIT_H

#include <stdbool.h>

#include <core/msr_policy.h>
#include <core/vcpu.h>
#include <core/vm_exit.h>
#include <sched/sched.h>

/*
 * Handles one exit of v; afterwards v->state says whether it runs on.
 * True when the exit can have changed nothing of v's virtual local APIC
 * (CPUID, RDMSR, port I/O, hypercalls): the run loop may re-enter without looking
 * at its timer again, only at new interrupt requests (the fast path).
 */
bool exit_dispatch(struct vcpu *v, const struct vm_exit *e);

/*
 * The fast path, called by the vendor code right after an exit, with v
 * still on its CPU: handles the frequent exits that need nothing of the
 * run loop (CPUID, RDMSR, port I/O, hypercalls) and marks e handled. True when v
 * may enter its guest again at once (sched_fast_reentry); false sends the
 * exit to the run loop (exit_dispatch), handled or not.
 */
static inline bool exit_fast(struct vcpu *v, struct vm_exit *e);

/* The per-reason handlers exit_dispatch calls. */
void cpuid_handle(struct vcpu *v, const struct vm_exit *e);
void io_handle(struct vcpu *v, const struct vm_exit *e);
void hypercall_handle(struct vcpu *v, const struct vm_exit *e);
/* core/cr_access.c: XSETBV, and MOV to/from CR8 where the CPU exits on it */
void xsetbv_handle(struct vcpu *v, const struct vm_exit *e);
/* False when the access is not one Keel emulates (the VM stops). */
bool cr_access_handle(struct vcpu *v, const struct vm_exit *e);

#define VECTOR_DB 1
#define VECTOR_UD 6
#define VECTOR_GP 13

/* Inline, so that it and the vendor's exit function are one call. */
static inline bool exit_fast(struct vcpu *v, struct vm_exit *e)
{
	/*
	 * These change nothing of the virtual LAPIC or the scheduler's timer
	 * (a guest stopped by its exit is no longer runnable).
	 */
	sched_fast_exit(v);
	if (e->reason == EXIT_HYPERCALL)
		hypercall_handle(v, e);
	else if (e->reason == EXIT_CPUID)
		cpuid_handle(v, e);
	else if (e->reason == EXIT_MSR_READ)
		msr_handle_read(v, e);
	else if (e->reason == EXIT_IO)
		io_handle(v, e);
	else
		return false;
	v->stats.exits[e->reason]++;
	e->handled = true;
	return sched_fast_reentry(v);
}

#endif
