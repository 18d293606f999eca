// SPDX-License-Identifier: MIT
/*
 * Stage-2 TLB coherence across CPUs: a generation count bumped by every
 * change that removes mappings, and checked before every guest entry
 * (core/vcpu_run.c about_to_enter).
 */
#include <arch/cpu.h>
#include <arch/vendor.h>
#include <arch/x86.h>
#include <core/stage2_tlb.h>
#include <core/vm.h>
#include <keel/abi.h>
#include <sched/sched.h>

uint64_t stage2_generation;

/* This CPU drops stage-2 translations older than generation gen. */
void stage2_catch_up(struct cpu *cpu, struct vcpu *v, uint64_t gen)
{
	vendor->stage2_flush(v);
	cpu->stage2_gen = gen;
}

void stage2_shootdown(struct vm *vm)
{
	uint64_t seen[VM_MAX_VCPUS];

	__atomic_add_fetch(&stage2_generation, 1, __ATOMIC_SEQ_CST);
	for (unsigned int i = 0; i < VM_MAX_VCPUS; i++) {
		struct vcpu *v = &vm->vcpus[i];

		seen[i] = __atomic_load_n(&v->stats.entries, __ATOMIC_SEQ_CST);
		if (__atomic_load_n(&v->in_guest, __ATOMIC_SEQ_CST))
			sched_kick(v->cpu);
	}
	/* a vCPU still in the guest may use old translations until it exits */
	for (unsigned int i = 0; i < VM_MAX_VCPUS; i++) {
		struct vcpu *v = &vm->vcpus[i];

		while (__atomic_load_n(&v->in_guest, __ATOMIC_SEQ_CST) &&
		       __atomic_load_n(&v->stats.entries, __ATOMIC_SEQ_CST) == seen[i])
			cpu_relax();
	}
}
