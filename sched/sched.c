// SPDX-License-Identifier: MIT
/* The per-CPU scheduler loop; see sched/sched.h and sched/policy.h. */
#include <arch/cpu.h>
#include <arch/lapic.h>
#include <arch/tsc.h>
#include <arch/x86.h>
#include <arch/interrupt.h>
#include <core/exit.h>
#include <core/log.h>
#include <core/vendor.h>
#include <core/vlapic.h>
#include <core/vm.h>
#include <lib/format.h>
#include <lib/spinlock.h>
#include <keel/abi.h>
#include <lib/util.h>
#include <sched/policy.h>
#include <sched/sched.h>

struct cpu_sched {
	struct spinlock lock;
	struct sched_rq rq;
	struct vcpu *sleepers;		/* sorted by wake_at_ns */
	volatile bool need_resched;	/* set by the timer interrupt */
};

/* An idle CPU looks for work to pull, a busy one at its queue, this often. */
#define IDLE_BALANCE_NS (10 * SCHED_NS_PER_MS)

static struct cpu_sched cpu_scheds[MAX_CPUS];
static struct sched_rq *all_rqs[MAX_CPUS];
static unsigned int rq_count;

static struct cpu_sched *sched_of(unsigned int cpu)
{
	return &cpu_scheds[cpu];
}

void sched_cpu_init(unsigned int cpu)
{
	sched_rq_init(&sched_of(cpu)->rq, cpu, SCHED_MIN_RUN_DEFAULT_NS,
		      clock_ns());
	all_rqs[cpu] = &sched_of(cpu)->rq;
	if (cpu + 1 > rq_count)
		rq_count = cpu + 1;
}

/*
 * An idle CPU takes a queued vCPU from the busiest CPU its affinity
 * allows. The candidate is a lock-free hint; sched_dequeue under the
 * source's lock says whether it is still there. Queued vCPUs are never
 * loaded on any CPU (vcpu_put on switch-out), so it may run here at once.
 */
static bool pull_work(struct cpu_sched *cs, unsigned int me)
{
	struct sched_entity *se = sched_pull_candidate(all_rqs, rq_count, me);
	struct cpu_sched *src;
	struct vcpu *v;
	int ret;

	if (!se || !se->rq)
		return false;
	src = sched_of(se->rq->cpu);
	if (src == cs)
		return false;
	spin_lock(&src->lock);
	ret = se->rq == &src->rq && se->state == SCHED_RUNNABLE ?
	      sched_dequeue(&src->rq, se, clock_ns()) : -KEEL_ENOENT;
	spin_unlock(&src->lock);
	if (ret)
		return false;
	v = container_of(se, struct vcpu, se);
	v->cpu = me;
	spin_lock(&cs->lock);
	ret = sched_enqueue(&cs->rq, se, clock_ns());
	spin_unlock(&cs->lock);
	return ret == 0;
}

int sched_vcpu_start(struct vcpu *v)
{
	struct cpu_sched *cs = sched_of(v->cpu);
	int ret;

	spin_lock(&cs->lock);
	ret = sched_enqueue(&cs->rq, &v->se, clock_ns());
	spin_unlock(&cs->lock);
	if (ret)
		return ret;
	__atomic_add_fetch(&v->vm->vcpus_live, 1, __ATOMIC_ACQ_REL);
	/* the run queue is the inbox; the IPI makes its CPU look at it */
	if (percpu_ready && v->cpu != this_cpu()->index) {
		cs->need_resched = true;
		lapic_send_fixed(cpus[v->cpu].apic_id, LAPIC_RESCHED_VECTOR);
	}
	return 0;
}

void sched_vcpu_yield(struct vcpu *v)
{
	struct cpu_sched *cs = sched_of(v->cpu);

	spin_lock(&cs->lock);
	sched_yield_running(&cs->rq, clock_ns());
	spin_unlock(&cs->lock);
	cs->need_resched = true;
}

void sched_vcpu_sleep(struct vcpu *v, uint64_t ns)
{
	uint64_t now = clock_ns();

	v->wake_at_ns = now + ns < now ? UINT64_MAX : now + ns;
	v->state = VCPU_BLOCKED;
}

static void sleeper_remove(struct cpu_sched *cs, struct vcpu *v)
{
	for (struct vcpu **p = &cs->sleepers; *p; p = &(*p)->sleep_next) {
		if (*p == v) {
			*p = v->sleep_next;
			v->sleep_next = NULL;
			return;
		}
	}
}

/*
 * The interrupt is in v's IRR before this runs. Either v already sleeps
 * (in the sleeper list, or blocked forever): wake it here. Or it has not
 * settled yet: settle sees the pending interrupt under this same lock and
 * keeps it runnable. Either way no wake-up is lost.
 */
void sched_vcpu_wake(struct vcpu *v)
{
	struct cpu_sched *cs = sched_of(v->cpu);
	bool woke = false;

	spin_lock(&cs->lock);
	if (v->state == VCPU_BLOCKED && v->se.state == SCHED_BLOCKED) {
		sleeper_remove(cs, v);
		v->state = VCPU_RUNNABLE;
		woke = !sched_enqueue(&cs->rq, &v->se, clock_ns());
	}
	spin_unlock(&cs->lock);
	if (!woke)
		return;
	cs->need_resched = true;
	if (v->cpu != this_cpu()->index)
		lapic_send_fixed(cpus[v->cpu].apic_id, LAPIC_RESCHED_VECTOR);
}

void sched_timer_interrupt(void)
{
	sched_of(this_cpu()->index)->need_resched = true;
}

static void sleeper_insert(struct cpu_sched *cs, struct vcpu *v)
{
	struct vcpu **p = &cs->sleepers;

	while (*p && (*p)->wake_at_ns <= v->wake_at_ns)
		p = &(*p)->sleep_next;
	v->sleep_next = *p;
	*p = v;
}

/* Sleepers whose time has come become runnable. Lock held. */
static void wake_due(struct cpu_sched *cs, uint64_t now)
{
	while (cs->sleepers && cs->sleepers->wake_at_ns <= now) {
		struct vcpu *v = cs->sleepers;

		cs->sleepers = v->sleep_next;
		v->sleep_next = NULL;
		if (v->state != VCPU_BLOCKED)
			continue;	/* stopped while asleep */
		v->state = VCPU_RUNNABLE;
		sched_enqueue(&cs->rq, &v->se, now);
	}
}

/* One log line with what a vCPU got from the scheduler and how it exited. */
static void report_vcpu(const struct vcpu *v)
{
	char exits[160];
	size_t len = 0;

	exits[0] = 0;
	for (unsigned int r = 0; r < EXIT_REASON_COUNT && len < sizeof(exits); r++) {
		if (!v->stats.exits[r])
			continue;
		len += snprintf(exits + len, sizeof(exits) - len, " %s=%lu",
				exit_reason_names[r], v->stats.exits[r]);
	}
	log_info("vm %s: vcpu%u ran %lu ms, waited %lu ms, %lu switches, on cpus %#lx, last cpu%u; exits:%s",
		 v->vm->name, v->id, (unsigned long)(v->se.run_ns / SCHED_NS_PER_MS),
		 (unsigned long)(v->se.wait_ns / SCHED_NS_PER_MS), v->se.switches,
		 v->stats.ran_on, v->stats.last_cpu, exits);
}

/* A vCPU is done for good; the VM is when its last live vCPU is. */
static void vcpu_done(struct vcpu *v)
{
	struct vm *vm = v->vm;

	report_vcpu(v);
	if (__atomic_sub_fetch(&vm->vcpus_live, 1, __ATOMIC_ACQ_REL))
		return;
	if (vm->state == VM_RUNNING) {
		vm->state = VM_HALTED;
		log_info("vm %s: halted (hlt with interrupts disabled)", vm->name);
	}
	vm_finished();
}

/* After its turn: block, sleep or leave the run queue for good. Lock held. */
static void settle(struct cpu_sched *cs, struct vcpu *v, uint64_t now)
{
	switch (v->state) {
	case VCPU_RUNNABLE:
		break;
	case VCPU_BLOCKED:
		if (vlapic_pending(v)) {
			/* an IPI came after hlt looked: it does not block */
			v->state = VCPU_RUNNABLE;
			break;
		}
		sched_dequeue(&cs->rq, &v->se, now);
		sleeper_insert(cs, v);	/* UINT64_MAX: until an IPI wakes it */
		break;
	case VCPU_STOPPED:
		sched_dequeue(&cs->rq, &v->se, now);
		vcpu_done(v);
		break;
	case VCPU_OFFLINE:
		break;
	}
}

static uint64_t next_deadline(struct cpu_sched *cs, uint64_t now)
{
	uint64_t next = sched_next_event(&cs->rq, now);

	if (cs->sleepers)
		next = MIN(next, cs->sleepers->wake_at_ns);
	return next;
}

static void run_turn(struct cpu_sched *cs, struct vcpu *v, uint64_t deadline_tsc)
{
	uint64_t armed = deadline_tsc;
	struct vm_exit exit;

	while (!cs->need_resched && v->state == VCPU_RUNNABLE) {
		uint64_t lapic_ns, run_until = deadline_tsc;

		vlapic_deliver(v, clock_ns());
		/* the guest's own timer may be due before the scheduler's */
		lapic_ns = vlapic_deadline(v);
		if (lapic_ns != UINT64_MAX)
			run_until = MIN(run_until, ns_to_tsc(lapic_ns));
		if (run_until != armed) {
			lapic_timer_arm(run_until);
			armed = run_until;
		}
		v->stats.entries++;
		vendor->vcpu_run(v, &exit, run_until);
		exit_dispatch(v, &exit);
	}
}

void sched_run(struct cpu *cpu)
{
	struct cpu_sched *cs = sched_of(cpu->index);
	struct vcpu *prev = NULL;

	lapic_timer_cpu_init();
	for (;;) {
		uint64_t now = clock_ns(), next, deadline;
		struct sched_entity *se;
		struct vcpu *v;

		spin_lock(&cs->lock);
		wake_due(cs, now);
		se = sched_pick(&cs->rq, now);
		/* under the lock: once queued elsewhere, no CPU may hold it */
		if (prev && (!se || se != &prev->se)) {
			vendor->vcpu_put(prev);
			prev = NULL;
		}
		next = next_deadline(cs, now);
		cs->need_resched = false;
		spin_unlock(&cs->lock);

		if (!se && pull_work(cs, cpu->index))
			continue;
		/*
		 * Look again at least this often: Bochs exits on an interrupt
		 * only while the guest has IF set, so a reschedule IPI may not
		 * end a turn there until the next deadline.
		 */
		next = MIN(next, now + IDLE_BALANCE_NS);

		deadline = next == UINT64_MAX ? UINT64_MAX : ns_to_tsc(next);
		if (next == UINT64_MAX)
			lapic_timer_stop();
		else
			lapic_timer_arm(deadline);
		if (!se) {
			/* idle until the timer or another interrupt */
			irq_enable();
			cpu_halt();
			irq_disable();
			continue;
		}
		v = container_of(se, struct vcpu, se);
		v->stats.last_cpu = cpu->index;
		v->stats.ran_on |= 1ull << cpu->index;
		prev = v;
		run_turn(cs, v, deadline);

		spin_lock(&cs->lock);
		settle(cs, v, clock_ns());
		spin_unlock(&cs->lock);
	}
}
