// SPDX-License-Identifier: MIT
/* The virtual local APIC in x2APIC mode; see core/dev/vlapic.h. */
#include <arch/tsc.h>
#include <arch/vendor.h>
#include <core/dev/vlapic.h>
#include <core/vcpu.h>
#include <core/vm.h>
#include <lib/string.h>
#include <sched/sched.h>

/* x2APIC MSRs (SDM table 10-6): 0x800 + (xAPIC offset >> 4) */
#define X2_ID        0x802
#define X2_VERSION   0x803
#define X2_TPR       0x808
#define X2_PPR       0x80a
#define X2_EOI       0x80b
#define X2_LDR       0x80d
#define X2_SVR       0x80f
#define X2_ISR0      0x810
#define X2_TMR0      0x818
#define X2_IRR0      0x820
#define X2_ESR       0x828
#define X2_ICR       0x830
#define X2_LVT_TIMER 0x832
#define X2_LVT_FIRST 0x82f	/* CMCI */
#define X2_LVT_LAST  0x837	/* error */
#define X2_TIMER_INITIAL 0x838
#define X2_TIMER_CURRENT 0x839
#define X2_TIMER_DIVIDE  0x83e
#define X2_SELF_IPI  0x83f

#define VERSION_VALUE   0x00050014u	/* version 0x14, 6 LVT entries */
#define SVR_ENABLE      (1u << 8)
#define LVT_MASKED      (1u << 16)
#define LVT_VECTOR_MASK 0xffu
#define TIMER_MODE_MASK (3u << 17)
#define TIMER_PERIODIC  (1u << 17)
#define APIC_BASE_ADDR  0xfee00000ull
#define APIC_BASE_BSP   (1ull << 8)
#define APIC_BASE_EXTD  (1ull << 10)
#define APIC_BASE_EN    (1ull << 11)
#define NS_PER_MS       1000000ull
#define FIRST_VALID_VECTOR 16

static unsigned int divide_value(uint32_t reg)
{
	unsigned int index = ((reg & 8) >> 1) | (reg & 3);	/* SDM 10.5.4 */

	return index == 7 ? 1 : 2u << index;
}

static uint64_t count_to_ns(const struct vlapic *l, uint64_t count)
{
	uint64_t khz = tsc_hz / 1000;

	return khz ? count * divide_value(l->divide) * NS_PER_MS / khz : 0;
}

/* Atomic: another vCPU's IPI may set a request bit at any time. */
static void set_bit256(uint64_t *bits, unsigned int n)
{
	__atomic_fetch_or(&bits[n / 64], 1ull << (n % 64), __ATOMIC_RELEASE);
}

static void clear_bit256(uint64_t *bits, unsigned int n)
{
	__atomic_fetch_and(&bits[n / 64], ~(1ull << (n % 64)), __ATOMIC_ACQ_REL);
}

static int highest_bit256(const uint64_t *bits)
{
	for (int w = 3; w >= 0; w--)
		if (bits[w])
			return w * 64 + 63 - __builtin_clzll(bits[w]);
	return -1;
}

void vlapic_init(struct vcpu *v)
{
	memset(&v->lapic, 0, sizeof(v->lapic));
	v->lapic.lvt_timer = LVT_MASKED;
	v->lapic.deadline_ns = UINT64_MAX;
}

uint64_t vlapic_apic_base(const struct vcpu *v)
{
	return APIC_BASE_ADDR | APIC_BASE_EN | APIC_BASE_EXTD |
	       (v->id == 0 ? APIC_BASE_BSP : 0);
}

uint64_t vlapic_deadline(const struct vcpu *v)
{
	return v->lapic.deadline_ns;
}

static void timer_start(struct vlapic *l, uint64_t count)
{
	uint64_t ns = count_to_ns(l, count), now = clock_ns();

	l->initial_count = (uint32_t)count;
	l->deadline_ns = count ? now + ns : UINT64_MAX;
	l->period_ns = count && (l->lvt_timer & TIMER_MODE_MASK) == TIMER_PERIODIC ?
		       ns : 0;
}

int vlapic_read(struct vcpu *v, uint32_t msr, uint64_t *value)
{
	struct vlapic *l = &v->lapic;
	uint64_t now;

	switch (msr) {
	case X2_ID:
		*value = v->id;
		return 0;
	case X2_VERSION:
		*value = VERSION_VALUE;
		return 0;
	case X2_TPR:
		*value = l->tpr;
		return 0;
	case X2_PPR:
		*value = 0;
		return 0;
	case X2_LDR:
		*value = ((v->id >> 4) << 16) | (1u << (v->id & 0xf));
		return 0;
	case X2_SVR:
		*value = l->svr;
		return 0;
	case X2_LVT_TIMER:
		*value = l->lvt_timer;
		return 0;
	case X2_TIMER_INITIAL:
		*value = l->initial_count;
		return 0;
	case X2_TIMER_DIVIDE:
		*value = l->divide;
		return 0;
	case X2_TIMER_CURRENT:
		now = clock_ns();
		if (l->deadline_ns == UINT64_MAX || now >= l->deadline_ns) {
			*value = 0;
			return 0;
		}
		*value = (l->deadline_ns - now) * (tsc_hz / 1000) /
			 (divide_value(l->divide) * NS_PER_MS);
		return 0;
	default:
		break;
	}
	if (msr >= X2_ISR0 && msr < X2_ISR0 + 8) {
		*value = (uint32_t)(l->isr[(msr - X2_ISR0) / 2] >> ((msr & 1) * 32));
		return 0;
	}
	if (msr >= X2_IRR0 && msr < X2_IRR0 + 8) {
		*value = (uint32_t)(l->irr[(msr - X2_IRR0) / 2] >> ((msr & 1) * 32));
		return 0;
	}
	if ((msr >= X2_TMR0 && msr < X2_TMR0 + 8) || msr == X2_ESR ||
	    (msr >= X2_LVT_FIRST && msr <= X2_LVT_LAST)) {
		*value = (msr >= X2_LVT_FIRST && msr <= X2_LVT_LAST) ? LVT_MASKED : 0;
		return 0;
	}
	return -1;
}

/* ICR (SDM 10.12.9): fixed interrupts to vCPUs of the same VM only. */
#define ICR_VECTOR_MASK     0xffull
#define ICR_DELIVERY_MASK   (7ull << 8)
#define ICR_DELIVERY_FIXED  (0ull << 8)
#define ICR_DEST_LOGICAL    (1ull << 11)
#define ICR_SHORTHAND_MASK  (3ull << 18)
#define ICR_SHORTHAND_NONE  (0ull << 18)
#define ICR_SHORTHAND_SELF  (1ull << 18)
#define ICR_SHORTHAND_ALL   (2ull << 18)
#define ICR_SHORTHAND_OTHERS (3ull << 18)
#define ICR_DEST_SHIFT      32

static void ipi_to(struct vcpu *target, unsigned int vector)
{
	if (target->state == VCPU_OFFLINE)
		return;		/* not started: the interrupt is lost, as on hardware */
	set_bit256(target->lapic.irr, vector);
	sched_vcpu_wake(target);
}

static int send_ipi(struct vcpu *v, uint64_t icr)
{
	struct vm *vm = v->vm;
	unsigned int vector = icr & ICR_VECTOR_MASK;
	uint64_t shorthand = icr & ICR_SHORTHAND_MASK;
	uint64_t dest = icr >> ICR_DEST_SHIFT;

	if ((icr & ICR_DELIVERY_MASK) != ICR_DELIVERY_FIXED ||
	    (icr & ICR_DEST_LOGICAL) || vector < FIRST_VALID_VECTOR)
		return -1;	/* only fixed, physical destinations for now */
	if (shorthand == ICR_SHORTHAND_SELF) {
		set_bit256(v->lapic.irr, vector);
		return 0;
	}
	for (unsigned int i = 0; i < vm->vcpu_count; i++) {
		struct vcpu *t = &vm->vcpus[i];

		if ((shorthand == ICR_SHORTHAND_NONE && i == dest) ||
		    shorthand == ICR_SHORTHAND_ALL ||
		    (shorthand == ICR_SHORTHAND_OTHERS && t != v))
			ipi_to(t, vector);
	}
	return 0;
}

int vlapic_write(struct vcpu *v, uint32_t msr, uint64_t value)
{
	struct vlapic *l = &v->lapic;
	int in_service;

	if (msr == X2_ICR)
		return send_ipi(v, value);
	if (value >> 32)
		return -1;
	switch (msr) {
	case X2_TPR:
		l->tpr = value & 0xff;
		return 0;
	case X2_EOI:
		in_service = highest_bit256(l->isr);
		if (in_service >= 0)
			clear_bit256(l->isr, in_service);
		return 0;
	case X2_SVR:
		l->svr = (uint32_t)value;
		return 0;
	case X2_LVT_TIMER:
		l->lvt_timer = (uint32_t)value;
		return 0;
	case X2_TIMER_DIVIDE:
		l->divide = (uint32_t)value & 0xb;
		return 0;
	case X2_TIMER_INITIAL:
		timer_start(l, (uint32_t)value);
		return 0;
	case X2_SELF_IPI:
		if ((value & LVT_VECTOR_MASK) >= FIRST_VALID_VECTOR)
			set_bit256(l->irr, value & LVT_VECTOR_MASK);
		return 0;
	case X2_ESR:
		return 0;
	default:
		break;
	}
	if (msr >= X2_LVT_FIRST && msr <= X2_LVT_LAST)
		return 0;	/* other LVTs: nothing behind them, stay masked */
	return -1;
}

bool vlapic_pending(const struct vcpu *v)
{
	int vector = highest_bit256(v->lapic.irr);

	return vector >= 0 && vector > highest_bit256(v->lapic.isr);
}

void vlapic_deliver(struct vcpu *v, uint64_t now_ns)
{
	struct vlapic *l = &v->lapic;
	int vector;

	if (now_ns < l->deadline_ns && !vlapic_requested(l))
		return;		/* nothing due, nothing requested: most entries */
	if (now_ns >= l->deadline_ns) {
		uint32_t lvec = l->lvt_timer & LVT_VECTOR_MASK;

		if (!(l->lvt_timer & LVT_MASKED) && (l->svr & SVR_ENABLE) &&
		    lvec >= FIRST_VALID_VECTOR)
			set_bit256(l->irr, lvec);
		if (l->period_ns) {
			/* periodic: the next expiry after now, no backlog */
			do
				l->deadline_ns += l->period_ns;
			while (l->deadline_ns <= now_ns);
		} else {
			l->deadline_ns = UINT64_MAX;
		}
	}
	vector = highest_bit256(l->irr);
	if (vector < 0 || vector <= highest_bit256(l->isr))
		return;
	if (!vendor->interruptible(v)) {
		vendor->interrupt_window(v, true);
		return;
	}
	clear_bit256(l->irr, vector);
	set_bit256(l->isr, vector);
	vendor->inject_interrupt(v, (uint8_t)vector);
}
