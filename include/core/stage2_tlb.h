/* SPDX-License-Identifier: MIT */
/*
 * Stage-2 TLB coherence (core/stage2_tlb.c). A CPU may cache a VM's
 * stage-2 translations while any vCPU of it runs there; removing a mapping
 * must reach every such CPU before the frame is reused.
 */
#ifndef KEEL_CORE_STAGE2_TLB_H
#define KEEL_CORE_STAGE2_TLB_H

#include <stdint.h>

struct cpu;
struct vcpu;
struct vm;

/* Bumped by every stage2_shootdown; each CPU keeps the one it flushed at. */
extern uint64_t stage2_generation;

/*
 * After vm's stage-2 tables lost mappings: every CPU flushes its stage-2
 * TLB before its next guest entry, and this waits until no vCPU of vm
 * is still in the guest with old translations. Then the frames may go.
 */
void stage2_shootdown(struct vm *vm);

/* This CPU drops stage-2 translations older than generation gen. */
__attribute__((cold)) void stage2_catch_up(struct cpu *cpu, struct vcpu *v,
					   uint64_t gen);

#endif
