/* SPDX-License-Identifier: MIT */
#ifndef KEEL_CORE_EXIT_H
#define KEEL_CORE_EXIT_H

#include <stdbool.h>

#include <arch/x86.h>		/* struct cpuid_regs */
#include <arch/x86_defs.h>	/* the exception vectors */
#include <core/vcpu.h>
#include <core/vm_exit.h>

/*
 * Handles one exit of v; afterwards v->state says whether it runs on.
 * True when the exit can have changed nothing of v's virtual local APIC
 * (CPUID, RDMSR, port I/O, hypercalls): the run loop may re-enter without looking
 * at its timer again, only at new interrupt requests (the fast path).
 */
bool exit_dispatch(struct vcpu *v, const struct vm_exit *e);

/* The per-reason handlers exit_dispatch calls. */
void cpuid_handle(struct vcpu *v, const struct vm_exit *e);
/* What CPUID leaf/subleaf answers v (core/cpuid.c, docs/cpuid.md). */
struct cpuid_regs cpuid_policy(struct vcpu *v, uint32_t leaf,
			       uint32_t subleaf);
void io_handle(struct vcpu *v, const struct vm_exit *e);
void hypercall_handle(struct vcpu *v, const struct vm_exit *e);
/* core/cr_access.c: XSETBV, and MOV to/from CR8 where the CPU exits on it */
void xsetbv_handle(struct vcpu *v, const struct vm_exit *e);
/* False when the access is not one Keel emulates (the VM stops). */
bool cr_access_handle(struct vcpu *v, const struct vm_exit *e);

#endif
