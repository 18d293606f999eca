/* SPDX-License-Identifier: MIT */
/*
 * Which MSRs a guest reaches directly and which the hypervisor emulates
 * (docs/cpuid.md, "MSRs"). The back-ends build their MSR bitmaps from
 * msr_passthrough (arch/guest_state.h); every other MSR access exits to
 * core/msr.c.
 */
#ifndef KEEL_CORE_MSR_POLICY_H
#define KEEL_CORE_MSR_POLICY_H

#include <stdint.h>

struct vcpu;
struct vm_exit;

void msr_handle_read(struct vcpu *v, const struct vm_exit *e);
void msr_handle_write(struct vcpu *v, const struct vm_exit *e);

#endif
