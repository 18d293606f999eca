// SPDX-License-Identifier: MIT
/*
 * The virtual local APIC's register file, shared by its x2APIC (MSR) and
 * xAPIC (MMIO) forms, and interrupt delivery; see core/dev/vlapic.h.
 */
#include <arch/tsc.h>
#include <arch/vendor.h>
#include <core/dev/apic_base.h>
#include <core/dev/vioapic.h>
#include <core/dev/vlapic.h>
#include <core/dev/vlapic_timer.h>
#include <core/dev/vpic.h>
#include <core/vcpu.h>
#include <core/vcpu_init.h>
#include <core/vm.h>
#include <lib/string.h>
#include <sched/sched.h>

/*
 * The registers by index: the xAPIC offset >> 4, which is also the x2APIC
 * MSR - 0x800 (SDM table 10-6). What both forms share is here; the forms
 * themselves are core/dev/vlapic_x2apic.c (MSRs) and vlapic_xapic.c (MMIO).
 */
#define REG_VERSION   0x03
#define REG_TPR       0x08
#define REG_APR       0x09	/* xAPIC only; reads 0 */
#define REG_PPR       0x0a
#define REG_SVR       0x0f
#define REG_ISR0      0x10
#define REG_TMR0      0x18
#define REG_IRR0      0x20
#define REG_ESR       0x28
#define REG_LVT_CMCI  0x2f
#define REG_LVT_TIMER 0x32	/* the first after the ICR (0x30, 0x31) */
#define REG_LVT_LINT0 0x35
#define REG_LVT_LINT1 0x36
#define REG_LVT_LAST  0x37	/* error */
#define REG_TIMER_INITIAL 0x38
#define REG_TIMER_CURRENT 0x39
#define REG_TIMER_DIVIDE  0x3e

#define VERSION_VALUE   0x00050014u	/* version 0x14, 6 LVT entries */
#define SVR_ENABLE      (1u << 8)
#define SVR_WRITABLE    0x3ffu	/* vector, enable, focus (SDM 10.9) */
#define LVT_MASKED      (1u << 16)
#define LVT_VECTOR_MASK 0xffu
#define LVT_DELIVERY_MASK   (7u << 8)
#define LVT_DELIVERY_EXTINT (7u << 8)
/* vector, delivery mode, polarity, trigger mode, mask (SDM figure 10-8) */
#define LVT_LINT_WRITABLE (LVT_VECTOR_MASK | LVT_DELIVERY_MASK | (1u << 13) | \
			   (1u << 15) | LVT_MASKED)
#define TIMER_MODE_MASK (3u << 17)
#define TIMER_PERIODIC  (1u << 17)
/* vector, mask, one-shot/periodic: no TSC-deadline mode (docs/cpuid.md) */
#define LVT_TIMER_WRITABLE (LVT_VECTOR_MASK | LVT_MASKED | TIMER_PERIODIC)
#define TPR_WRITABLE    0xffu
#define PRIORITY_CLASS  0xf0u	/* SDM 10.8.3.1: vector bits 7:4 */
#define FIRST_VALID_VECTOR 16

/* CMCI, timer, thermal, performance, LINT0, LINT1, error (SDM table 10-1) */
static bool is_lvt(unsigned int reg)
{
	return reg == REG_LVT_CMCI || (reg >= REG_LVT_TIMER && reg <= REG_LVT_LAST);
}

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

/* The register file's reset state (SDM 10.4.7.1), APIC_BASE kept. */
static void reset_registers(struct vcpu *v)
{
	uint64_t base = v->lapic.apic_base;

	/* all but the pins: they are outside the register file */
	memset(&v->lapic, 0, offsetof(struct vlapic, pins));
	v->lapic.apic_base = base;
	v->lapic.svr = VLAPIC_SVR_RESET;
	v->lapic.lvt_timer = LVT_MASKED;
	v->lapic.lint0 = LVT_MASKED;
	v->lapic.lint1 = LVT_MASKED;
	v->lapic.dfr = VLAPIC_DFR_RESET;
	v->lapic.deadline_ns = UINT64_MAX;
}

/*
 * Keel's own guests start in x2APIC mode (docs/hypercalls.md §5): enabled,
 * EXTD, the BSP flag on vCPU 0.
 */
void vlapic_init(struct vcpu *v)
{
	v->lapic.apic_base = APIC_BASE_DEFAULT | APIC_BASE_EN | APIC_BASE_EXTD |
			     (v->id == 0 ? APIC_BASE_BSP : 0);
	reset_registers(v);
}

void vlapic_init_xapic(struct vcpu *v)
{
	v->lapic.apic_base = APIC_BASE_DEFAULT | APIC_BASE_EN |
			     (v->id == 0 ? APIC_BASE_BSP : 0);
	reset_registers(v);
	if (v->id == 0)
		v->lapic.lint0 = LVT_DELIVERY_EXTINT;	/* the virtual wire */
}

uint64_t vlapic_apic_base(const struct vcpu *v)
{
	return v->lapic.apic_base;
}

int vlapic_set_apic_base(struct vcpu *v, uint64_t value, unsigned int phys_bits)
{
	struct vlapic *l = &v->lapic;
	enum apic_mode to = apic_base_mode(value);

	if (apic_base_check(l->apic_base, value, phys_bits))
		return -1;
	l->apic_base = (value & ~APIC_BASE_BSP) | (l->apic_base & APIC_BASE_BSP);
	/* SDM 10.4.3: disabling the APIC loses its state; it comes back reset */
	if (to == APIC_MODE_DISABLED)
		reset_registers(v);
	return 0;
}

/* Can the timer raise an interrupt when it expires? */
static bool timer_unmasked(const struct vlapic *l)
{
	return !(l->lvt_timer & LVT_MASKED) && (l->svr & SVR_ENABLE) &&
	       (l->lvt_timer & LVT_VECTOR_MASK) >= FIRST_VALID_VECTOR;
}

/* Would it raise one but for its vector 0-15 (an ESR error instead)? */
static bool timer_illegal_vector(const struct vlapic *l)
{
	return !(l->lvt_timer & LVT_MASKED) && (l->svr & SVR_ENABLE) &&
	       (l->lvt_timer & LVT_VECTOR_MASK) < FIRST_VALID_VECTOR;
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

/* In-service, trigger-mode or request register word n (0-7) of 256 bits. */
static uint32_t bits256_word(const uint64_t *bits, unsigned int n)
{
	return (uint32_t)(__atomic_load_n(&bits[n / 2], __ATOMIC_RELAXED) >>
			  ((n & 1) * 32));
}

int vlapic_reg_read(struct vcpu *v, unsigned int reg, uint32_t *value)
{
	struct vlapic *l = &v->lapic;

	switch (reg) {
	case REG_VERSION:
		*value = VERSION_VALUE;
		return 0;
	case REG_TPR:
		*value = l->tpr;
		return 0;
	case REG_PPR:
		*value = processor_priority(l);
		return 0;
	case REG_SVR:
		*value = l->svr;
		return 0;
	case REG_LVT_TIMER:
		*value = l->lvt_timer;
		return 0;
	case REG_TIMER_INITIAL:
		*value = l->initial_count;
		return 0;
	case REG_TIMER_DIVIDE:
		*value = l->divide;
		return 0;
	case REG_TIMER_CURRENT:
		*value = vlapic_timer_current(l->deadline_ns, clock_ns(),
					      l->initial_count,
					      divide_value(l->divide), tsc_khz());
		return 0;
	case REG_ESR:
		*value = l->esr;
		return 0;
	default:
		break;
	}
	if (reg >= REG_ISR0 && reg < REG_ISR0 + 8) {
		*value = bits256_word(l->isr, reg - REG_ISR0);
		return 0;
	}
	if (reg >= REG_IRR0 && reg < REG_IRR0 + 8) {
		*value = bits256_word(l->irr, reg - REG_IRR0);
		return 0;
	}
	if (reg >= REG_TMR0 && reg < REG_TMR0 + 8) {
		*value = bits256_word(l->tmr, reg - REG_TMR0);
		return 0;
	}
	if (reg == REG_LVT_LINT0 || reg == REG_LVT_LINT1) {
		*value = reg == REG_LVT_LINT0 ? l->lint0 : l->lint1;
		return 0;
	}
	if (is_lvt(reg)) {
		*value = LVT_MASKED;	/* nothing behind the other LVTs */
		return 0;
	}
	return -1;
}

/*
 * ICR (SDM 10.6.1, 10.12.9): fixed, NMI, INIT and STARTUP, to vCPUs of
 * the same VM only; other delivery modes (SMI, lowest priority) are not
 * sent.
 */
#define ICR_VECTOR_MASK     0xffull
#define ICR_DELIVERY_MASK   (7ull << 8)
#define ICR_DELIVERY_FIXED  (0ull << 8)
#define ICR_DELIVERY_NMI    (4ull << 8)
#define ICR_DELIVERY_INIT   (5ull << 8)
#define ICR_DELIVERY_STARTUP (6ull << 8)
#define ICR_DEST_LOGICAL    (1ull << 11)
#define ICR_LEVEL_ASSERT    (1ull << 14)
#define ICR_SHORTHAND_MASK  (3ull << 18)
#define ICR_SHORTHAND_NONE  (0ull << 18)
#define ICR_SHORTHAND_SELF  (1ull << 18)
#define ICR_SHORTHAND_ALL   (2ull << 18)
#define ICR_SHORTHAND_OTHERS (3ull << 18)

/*
 * Is t a destination of an IPI to dest without shorthand (SDM 10.6.2)?
 * The sender's mode decides the format (core/dev/apic_dest.h).
 */
static bool dest_match(const struct vcpu *from, const struct vcpu *t,
		       bool logical, uint32_t dest)
{
	struct apic_dest_view view = vlapic_dest_view(t);

	return apic_dest_match(&view,
			       apic_base_mode(from->lapic.apic_base) ==
			       APIC_MODE_X2APIC, logical, dest);
}

static void ipi_to(struct vcpu *target, unsigned int vector)
{
	/* not started, or its APIC off: the interrupt is lost, as on hardware */
	if (!vlapic_dest_view(target).present)
		return;
	vlapic_accept(target, vector, false);
}

int vlapic_send_ipi(struct vcpu *v, uint32_t icr, uint32_t dest)
{
	struct vm *vm = v->vm;
	unsigned int vector = icr & ICR_VECTOR_MASK;
	uint64_t shorthand = icr & ICR_SHORTHAND_MASK;
	uint64_t mode = icr & ICR_DELIVERY_MASK;
	bool logical = icr & ICR_DEST_LOGICAL;

	if (mode == ICR_DELIVERY_INIT && !(icr & ICR_LEVEL_ASSERT))
		return 0;	/* INIT level de-assert: no effect (SDM 10.6.1) */
	if (mode != ICR_DELIVERY_FIXED && mode != ICR_DELIVERY_NMI &&
	    mode != ICR_DELIVERY_INIT && mode != ICR_DELIVERY_STARTUP)
		return -1;
	if (mode == ICR_DELIVERY_FIXED && vector < FIRST_VALID_VECTOR) {
		/* not sent, an error in the sender's ESR (SDM 10.5.3) */
		v->lapic.esr_found |= VLAPIC_ESR_SEND_ILLEGAL_VECTOR;
		return 0;
	}
	if (shorthand == ICR_SHORTHAND_SELF) {
		/* INIT and STARTUP to self: not a valid combination, ignored */
		if (mode == ICR_DELIVERY_FIXED)
			vlapic_request(&v->lapic, vector, false);
		else if (mode == ICR_DELIVERY_NMI)
			vlapic_accept_nmi(v);
		return 0;
	}
	for (unsigned int i = 0; i < vm->vcpu_count; i++) {
		struct vcpu *t = &vm->vcpus[i];

		if (shorthand == ICR_SHORTHAND_NONE ?
		    !dest_match(v, t, logical, dest) :
		    shorthand == ICR_SHORTHAND_OTHERS && t == v)
			continue;
		if (mode == ICR_DELIVERY_FIXED)
			ipi_to(t, vector);
		else if (mode == ICR_DELIVERY_NMI)
			vlapic_accept_nmi(t);
		else
			vcpu_init_send(v, t, mode == ICR_DELIVERY_STARTUP,
				       (uint8_t)vector);
	}
	return 0;
}

void vlapic_eoi(struct vcpu *v)
{
	int in_service = highest_bit256(v->lapic.isr);

	if (in_service < 0)	/* none: nothing to end, as on hardware */
		return;
	clear_bit256(v->lapic.isr, in_service);
	/* a level interrupt's EOI goes to the I/O APIC (SDM 10.8.5) */
	if (__atomic_load_n(&v->lapic.tmr[in_service / 64], __ATOMIC_ACQUIRE) &
	    (1ull << (in_service % 64)))
		vioapic_eoi(v->vm, (unsigned int)in_service);
}

void vlapic_self_ipi(struct vcpu *v, unsigned int vector)
{
	if (vector >= FIRST_VALID_VECTOR && vector <= LVT_VECTOR_MASK)
		vlapic_request(&v->lapic, vector, false);
	else	/* SDM 10.5.3: as a send through the ICR */
		v->lapic.esr_found |= VLAPIC_ESR_SEND_ILLEGAL_VECTOR;
}

int vlapic_reg_write(struct vcpu *v, unsigned int reg, uint32_t value)
{
	struct vlapic *l = &v->lapic;

	switch (reg) {
	case REG_TPR:
		l->tpr = value & TPR_WRITABLE;
		return 0;
	case REG_SVR:
		l->svr = value & SVR_WRITABLE;
		if (!(l->svr & SVR_ENABLE)) {	/* SDM 10.4.7.2 */
			l->lvt_timer |= LVT_MASKED;
			l->lint0 |= LVT_MASKED;
			l->lint1 |= LVT_MASKED;
		}
		return 0;
	case REG_LVT_LINT0:
	case REG_LVT_LINT1:
		value &= LVT_LINT_WRITABLE;
		if (!(l->svr & SVR_ENABLE))
			value |= LVT_MASKED;	/* stays masked */
		if (reg == REG_LVT_LINT0)
			l->lint0 = value;
		else
			l->lint1 = value;
		return 0;
	case REG_LVT_TIMER:
		l->lvt_timer = value & LVT_TIMER_WRITABLE;
		if (!(l->svr & SVR_ENABLE))
			l->lvt_timer |= LVT_MASKED;	/* stays masked */
		/* the mode decides at the next expiry whether it reloads */
		if (l->deadline_ns != UINT64_MAX)
			l->period_ns = timer_period(l);
		return 0;
	case REG_TIMER_DIVIDE:
		l->divide = value & 0xb;
		return 0;
	case REG_TIMER_INITIAL:
		timer_start(l, value);
		return 0;
	case REG_ESR:
		/* any value: latch what was found, start again (SDM 10.5.3) */
		l->esr = l->esr_found;
		l->esr_found = 0;
		return 0;
	default:
		break;
	}
	if (is_lvt(reg))
		return 0;	/* other LVTs: nothing behind them, stay masked */
	return -1;
}

/* Is the 8259's INTR raised and let through to the core? */
static bool extint_taken(const struct vlapic *l)
{
	if (!(__atomic_load_n(&l->pins, __ATOMIC_ACQUIRE) & VLAPIC_PIN_EXTINT))
		return false;
	return apic_base_mode(l->apic_base) == APIC_MODE_DISABLED ||
	       (l->lint0 & (LVT_MASKED | LVT_DELIVERY_MASK)) ==
	       LVT_DELIVERY_EXTINT;
}

static bool nmi_sent(const struct vlapic *l)
{
	return __atomic_load_n(&l->pins, __ATOMIC_ACQUIRE) & VLAPIC_PIN_NMI;
}

bool vlapic_pending(const struct vcpu *v)
{
	return deliverable_vector(&v->lapic) >= 0 || extint_taken(&v->lapic) ||
	       nmi_sent(&v->lapic);
}

/*
 * An NMI sent goes before any interrupt, whatever IF and the TPR say,
 * once the guest is out of its NMI handler (SDM 6.7.1). True if it took
 * this entry's event.
 */
static bool deliver_nmi(struct vcpu *v)
{
	if (!vendor->nmi_allowed(v)) {
		vendor->nmi_window(v, true);
		return false;
	}
	__atomic_fetch_and(&v->lapic.pins, ~VLAPIC_PIN_NMI, __ATOMIC_ACQ_REL);
	vendor->inject_nmi(v);
	return true;
}

/*
 * ExtINT: the vector comes from the 8259 pair's INTA, and neither IRR nor
 * ISR nor the TPR take part (SDM 10.5.1). The pair may have lowered INTR
 * since (a mask written by another vCPU): then there is nothing to take.
 */
static void deliver_extint(struct vcpu *v)
{
	int vector;

	if (!vendor->interruptible(v)) {
		vendor->interrupt_window(v, true);
		return;
	}
	vector = vpic_intack(&v->vm->pic);
	if (vector < 0)
		return;
	vendor->inject_interrupt(v, (uint8_t)vector);
	/*
	 * With automatic EOI, or a level input still high, INTR can be up
	 * again at once, and no EOI exit will come to say so: take the next
	 * one as soon as the guest can.
	 */
	if (extint_taken(&v->lapic))
		vendor->interrupt_window(v, true);
}

void vlapic_deliver(struct vcpu *v, uint64_t now_ns)
{
	struct vlapic *l = &v->lapic;
	int vector;

	if (now_ns < l->deadline_ns && !vlapic_requested(l))
		return;		/* nothing due, nothing requested: most entries */
	if (now_ns >= l->deadline_ns) {
		if (timer_unmasked(l)) {
			vlapic_request(l, l->lvt_timer & LVT_VECTOR_MASK, false);
			/* this look reads IRR below: no second look for it */
			vlapic_take_unseen(l);
		} else if (timer_illegal_vector(l))
			l->esr_found |= VLAPIC_ESR_RECEIVE_ILLEGAL_VECTOR;
		/* missed periods coalesce into this one request, in O(1) */
		l->deadline_ns = vlapic_timer_next(l->deadline_ns, l->period_ns,
						   now_ns);
	}
	if (nmi_sent(l) && deliver_nmi(v)) {
		/* an interrupt waiting comes once the handler opens IF */
		if (deliverable_vector(l) >= 0 || extint_taken(l))
			vendor->interrupt_window(v, true);
		return;
	}
	vector = deliverable_vector(l);
	if (vector < 0) {
		/* nothing, or held back by TPR or ISR; the 8259 may have one */
		if (extint_taken(l))
			deliver_extint(v);
		return;
	}
	if (!vendor->interruptible(v)) {
		vendor->interrupt_window(v, true);
		return;
	}
	clear_bit256(l->irr, vector);
	set_bit256(l->isr, vector);
	vendor->inject_interrupt(v, (uint8_t)vector);
}
