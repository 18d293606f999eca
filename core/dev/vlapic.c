// SPDX-License-Identifier: MIT
/* The virtual local APIC in x2APIC mode; see core/dev/vlapic.h. */
#include <arch/tsc.h>
#include <arch/vendor.h>
#include <core/dev/vlapic.h>
#include <core/dev/vlapic_timer.h>
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
#define SVR_WRITABLE    0x3ffu	/* vector, enable, focus (SDM 10.9) */
#define LVT_MASKED      (1u << 16)
#define LVT_VECTOR_MASK 0xffu
#define TIMER_MODE_MASK (3u << 17)
#define TIMER_PERIODIC  (1u << 17)
/* vector, mask, one-shot/periodic: no TSC-deadline mode (docs/cpuid.md) */
#define LVT_TIMER_WRITABLE (LVT_VECTOR_MASK | LVT_MASKED | TIMER_PERIODIC)
#define TPR_WRITABLE    0xffu
#define PRIORITY_CLASS  0xf0u	/* SDM 10.8.3.1: vector bits 7:4 */
#define APIC_BASE_ADDR  0xfee00000ull
#define APIC_BASE_BSP   (1ull << 8)
#define APIC_BASE_EXTD  (1ull << 10)
#define APIC_BASE_EN    (1ull << 11)
#define FIRST_VALID_VECTOR 16

static unsigned int divide_value(uint32_t reg)
{
	unsigned int index = ((reg & 8) >> 1) | (reg & 3);	/* SDM 10.5.4 */

	return index == 7 ? 1 : 2u << index;
}

static uint32_t tsc_khz(void)
{
	uint64_t khz = tsc_hz / 1000;

	return khz > UINT32_MAX ? UINT32_MAX : (uint32_t)khz;
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

/* SDM 10.8.3.1: the TPR, or the class of the highest in-service vector. */
static unsigned int processor_priority(const struct vlapic *l)
{
	int isrv = highest_bit256(l->isr);
	unsigned int isr_class = isrv < 0 ? 0 : (unsigned int)isrv & PRIORITY_CLASS;

	return (l->tpr & PRIORITY_CLASS) >= isr_class ? l->tpr : isr_class;
}

/*
 * The vector to deliver next, -1 if none: the highest requested one whose
 * priority class is above the processor priority's (SDM 10.8.3.1).
 */
static int deliverable_vector(const struct vlapic *l)
{
	int vector = highest_bit256(l->irr);

	if (vector < 0 || ((unsigned int)vector & PRIORITY_CLASS) <=
			  (processor_priority(l) & PRIORITY_CLASS))
		return -1;
	return vector;
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

/* Can the timer raise an interrupt when it expires? */
static bool timer_unmasked(const struct vlapic *l)
{
	return !(l->lvt_timer & LVT_MASKED) && (l->svr & SVR_ENABLE) &&
	       (l->lvt_timer & LVT_VECTOR_MASK) >= FIRST_VALID_VECTOR;
}

/*
 * A masked timer keeps counting (vlapic_deliver moves it on when it looks)
 * but wakes nobody: hlt waits for an interrupt, not for a silent expiry.
 */
uint64_t vlapic_deadline(const struct vcpu *v)
{
	return timer_unmasked(&v->lapic) ? v->lapic.deadline_ns : UINT64_MAX;
}

/*
 * The period the timer reloads with in its current mode, 0 in one-shot
 * mode; a periodic timer of less than VLAPIC_MIN_PERIOD_NS gets that.
 */
static uint64_t timer_period(const struct vlapic *l)
{
	if ((l->lvt_timer & TIMER_MODE_MASK) != TIMER_PERIODIC ||
	    !l->initial_count)
		return 0;
	return vlapic_timer_ns(l->initial_count, divide_value(l->divide),
			       tsc_khz(), true);
}

static void timer_start(struct vlapic *l, uint32_t count)
{
	l->initial_count = count;
	l->period_ns = timer_period(l);
	if (!count) {
		l->deadline_ns = UINT64_MAX;	/* a count of 0 stops it */
		return;
	}
	/* under 2^60 ns from now, and the clock will not reach 2^63 ns */
	l->deadline_ns = clock_ns() +
			 (l->period_ns ? l->period_ns :
			  vlapic_timer_ns(count, divide_value(l->divide),
					  tsc_khz(), false));
}

int vlapic_read(struct vcpu *v, uint32_t msr, uint64_t *value)
{
	struct vlapic *l = &v->lapic;

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
		*value = processor_priority(l);
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
		*value = vlapic_timer_current(l->deadline_ns, clock_ns(),
					      l->initial_count,
					      divide_value(l->divide), tsc_khz());
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
		l->tpr = value & TPR_WRITABLE;
		return 0;
	case X2_EOI:
		if (value)
			return -1;	/* SDM 10.12.1.2: only 0 may be written */
		in_service = highest_bit256(l->isr);
		if (in_service >= 0)	/* none: nothing to end, as on hardware */
			clear_bit256(l->isr, in_service);
		return 0;
	case X2_SVR:
		l->svr = value & SVR_WRITABLE;
		if (!(l->svr & SVR_ENABLE))
			l->lvt_timer |= LVT_MASKED;	/* SDM 10.4.7.2 */
		return 0;
	case X2_LVT_TIMER:
		l->lvt_timer = value & LVT_TIMER_WRITABLE;
		if (!(l->svr & SVR_ENABLE))
			l->lvt_timer |= LVT_MASKED;	/* stays masked */
		/* the mode decides at the next expiry whether it reloads */
		if (l->deadline_ns != UINT64_MAX)
			l->period_ns = timer_period(l);
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
	return deliverable_vector(&v->lapic) >= 0;
}

void vlapic_deliver(struct vcpu *v, uint64_t now_ns)
{
	struct vlapic *l = &v->lapic;
	int vector;

	if (now_ns < l->deadline_ns && !vlapic_requested(l))
		return;		/* nothing due, nothing requested: most entries */
	if (now_ns >= l->deadline_ns) {
		if (timer_unmasked(l))
			set_bit256(l->irr, l->lvt_timer & LVT_VECTOR_MASK);
		/* missed periods coalesce into this one request, in O(1) */
		l->deadline_ns = vlapic_timer_next(l->deadline_ns, l->period_ns,
						   now_ns);
	}
	vector = deliverable_vector(l);
	if (vector < 0)
		return;		/* nothing, or held back by TPR or ISR */
	if (!vendor->interruptible(v)) {
		vendor->interrupt_window(v, true);
		return;
	}
	clear_bit256(l->irr, vector);
	set_bit256(l->isr, vector);
	vendor->inject_interrupt(v, (uint8_t)vector);
}
