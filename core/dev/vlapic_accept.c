// SPDX-License-Identifier: MIT
/*
 * How an interrupt message reaches a virtual local APIC: who it is for
 * the destination logic, and the request it leaves in IRR and TMR; see
 * core/dev/vlapic.h.
 */
#include <core/dev/apic_base.h>
#include <core/dev/vlapic.h>
#include <core/vcpu.h>
#include <sched/sched.h>

struct apic_dest_view vlapic_dest_view(const struct vcpu *t)
{
	enum apic_mode mode = apic_base_mode(t->lapic.apic_base);

	return (struct apic_dest_view){
		.id = t->id,
		.ldr = t->lapic.ldr,
		.dfr = t->lapic.dfr,
		.x2apic = mode == APIC_MODE_X2APIC,
		.present = t->state != VCPU_OFFLINE && mode != APIC_MODE_DISABLED,
	};
}

/*
 * Atomic: other CPUs accept interrupts for this APIC at any time. TMR
 * first: the vector may be injected as soon as IRR has it.
 */
void vlapic_request(struct vlapic *l, unsigned int vector, bool level)
{
	uint64_t bit = 1ull << (vector % 64);

	if (level)
		__atomic_fetch_or(&l->tmr[vector / 64], bit, __ATOMIC_RELEASE);
	else
		__atomic_fetch_and(&l->tmr[vector / 64], ~bit, __ATOMIC_RELEASE);
	__atomic_fetch_or(&l->irr[vector / 64], bit, __ATOMIC_RELEASE);
	vlapic_post(l);
}

void vlapic_accept(struct vcpu *t, unsigned int vector, bool level)
{
	vlapic_request(&t->lapic, vector, level);
	sched_vcpu_notify(t);
}

void vlapic_accept_nmi(struct vcpu *t)
{
	if (!vlapic_dest_view(t).present)
		return;
	__atomic_fetch_or(&t->lapic.pins, VLAPIC_PIN_NMI, __ATOMIC_RELEASE);
	vlapic_post(&t->lapic);
	sched_vcpu_notify(t);
}
