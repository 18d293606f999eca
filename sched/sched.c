// SPDX-License-Identifier: MIT
/* The per-CPU scheduler loop; see sched/sched.h and sched/policy.h. */
#include <arch/cpu.h>
#include <arch/interrupt.h>
#include <arch/lapic.h>
#include <arch/tsc.h>
#include <arch/vendor.h>
#include <arch/x86.h>
#include <base/log.h>
#include <base/panic.h>
#include <core/vm.h>
#include <keel/abi.h>
#include <lib/spinlock.h>
#include <lib/util.h>
#include <sched/policy.h>
#include <sched/sched.h>

struct cpu_sched {
	struct spinlock lock;
	struct sched_rq rq;
	struct vcpu *sleepers;		/* sorted by wake_at_ns */
	/* the watchdog's view, written only by the CPU itself */
	uint64_t heartbeat_ns;		/* when it last came through its loop */
	struct vcpu *running;		/* in its turn now, or NULL */
	uint64_t watch_at_ns;		/* when it looks at the others next */
	/* the watchdog's memory of it, written only by the CPU watching */
	uint64_t warned_at_ns;		/* heartbeat already reported, or 0 */
};

/*
 * A busy CPU looks at its queue at least this often. An idle one does not
 * wake to look for work: a CPU with work waiting wakes it (share_work).
 */
#define IDLE_BALANCE_NS (10 * SCHED_NS_PER_MS)

/* CPUs halted in their loop with nothing to run: bit per CPU index */
static uint64_t idle_cpus;

static struct cpu_sched cpu_scheds[MAX_CPUS];
static struct sched_rq *all_rqs[MAX_CPUS];
static unsigned int rq_count;

static const struct sched_hooks *hooks;

static struct cpu_sched *sched_of(unsigned int cpu)
{
	return &cpu_scheds[cpu];
}

/* Locks the run queue v lives on; v->cpu changes only under that lock. */
static struct cpu_sched *lock_vcpu(struct vcpu *v)
{
	for (;;) {
		unsigned int cpu = __atomic_load_n(&v->cpu, __ATOMIC_ACQUIRE);
		struct cpu_sched *cs = sched_of(cpu);

		spin_lock(&cs->lock);
		if (v->cpu == cpu)
			return cs;
		spin_unlock(&cs->lock);
	}
}

/* Makes cpu look at its run queue again soon. */
static void poke(unsigned int cpu)
{
	cpus[cpu].need_resched = true;
	if (percpu_ready && cpu != this_cpu()->index)
		lapic_send_fixed(cpus[cpu].apic_id, LAPIC_RESCHED_VECTOR);
}

static void put(struct vcpu *v)
{
	vendor->vcpu_put(v);
	__atomic_store_n(&v->loaded, false, __ATOMIC_RELEASE);
}

void sched_cpu_init(unsigned int cpu)
{
	sched_rq_init(&sched_of(cpu)->rq, cpu, SCHED_MIN_RUN_DEFAULT_NS,
		      clock_ns());
	all_rqs[cpu] = &sched_of(cpu)->rq;
	if (cpu + 1 > rq_count)
		rq_count = cpu + 1;
}

static unsigned int home_cpu(const struct vcpu *v);
static void arrive(struct vcpu *v);

/*
 * An idle CPU takes a queued vCPU from the busiest CPU its affinity
 * allows. The candidate is a lock-free hint; sched_dequeue under the
 * source's lock says whether it is still there. A queued vCPU may still
 * be loaded on its CPU: it blocked there, and another CPU woke it before
 * that CPU's next pick put it (vcpu_put, under the same lock). It stays
 * then: taken, it would run here while its CPU saves its state (on VMX,
 * VMCLEARs its VMCS) behind it. The source's next pass puts it and
 * pokes an idle CPU again (share_work).
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
	v = container_of(se, struct vcpu, se);
	spin_lock(&src->lock);
	ret = se->rq == &src->rq && se->state == SCHED_RUNNABLE &&
	      !__atomic_load_n(&v->loaded, __ATOMIC_ACQUIRE) ?
	      sched_dequeue(&src->rq, se, clock_ns()) : -KEEL_ENOENT;
	if (!ret) {
		v->moving = true;
		__atomic_store_n(&v->cpu, me, __ATOMIC_RELEASE);
	}
	spin_unlock(&src->lock);
	if (ret)
		return false;
	spin_lock(&cs->lock);
	ret = sched_enqueue(&cs->rq, se, clock_ns());
	if (ret) {
		/* pinned elsewhere meanwhile: on to a CPU it allows */
		__atomic_store_n(&v->cpu, home_cpu(v), __ATOMIC_RELEASE);
		spin_unlock(&cs->lock);
		arrive(v);
		return false;
	}
	v->moving = false;
	spin_unlock(&cs->lock);
	return true;
}

unsigned int sched_least_loaded(uint64_t mask)
{
	unsigned int best = SCHED_CPU_NONE, best_load = UINT32_MAX;

	/* ties go to the higher CPU: CPU 0 runs the management VM */
	for (unsigned int c = 0; c < rq_count; c++) {
		const struct sched_rq *rq = &sched_of(c)->rq;
		unsigned int load = rq->nr_queued + (rq->running ? 1 : 0);

		if (!(mask >> c & 1) || !cpus[c].virt_enabled)
			continue;
		if (load <= best_load) {
			best = c;
			best_load = load;
		}
	}
	return best;
}

int sched_vcpu_start(struct vcpu *v)
{
	struct cpu_sched *cs = lock_vcpu(v);
	int ret;

	v->retired = false;
	v->parked = false;
	ret = sched_enqueue(&cs->rq, &v->se, clock_ns());
	spin_unlock(&cs->lock);
	if (ret)
		return ret;
	__atomic_add_fetch(&v->vm->vcpus_live, 1, __ATOMIC_ACQ_REL);
	/* the run queue is the inbox; the IPI makes its CPU look at it */
	poke(v->cpu);
	return 0;
}

void sched_vcpu_yield(struct vcpu *v)
{
	struct cpu_sched *cs = sched_of(v->cpu);

	spin_lock(&cs->lock);
	sched_yield_running(&cs->rq, clock_ns());
	spin_unlock(&cs->lock);
	cpus[v->cpu].need_resched = true;
}

void sched_vcpu_sleep(struct vcpu *v, uint64_t ns, bool halted)
{
	uint64_t now = clock_ns();

	v->wake_at_ns = now + ns < now ? UINT64_MAX : now + ns;
	v->halted = halted;
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
	struct cpu_sched *cs = lock_vcpu(v);
	unsigned int cpu = v->cpu;
	bool woke = false;

	if (v->state == VCPU_BLOCKED && v->halted &&
	    v->se.state == SCHED_BLOCKED && !v->moving) {
		sleeper_remove(cs, v);
		v->state = VCPU_RUNNABLE;
		if (v->vm->paused)
			v->parked = true;	/* runs when its VM resumes */
		else
			woke = !sched_enqueue(&cs->rq, &v->se, clock_ns());
	}
	spin_unlock(&cs->lock);
	if (woke)
		poke(cpu);
}

void sched_vcpu_notify(struct vcpu *v)
{
	unsigned int cpu;

	sched_vcpu_wake(v);
	/*
	 * The request is in v's IRR (a locked RMW: a full barrier) before
	 * running is read here; its CPU stores running (seq_cst) before it
	 * looks at the IRR. So either that CPU sees the request, or this
	 * one sees v running there and pokes it out of the guest.
	 */
	cpu = __atomic_load_n(&v->cpu, __ATOMIC_ACQUIRE);
	if (cpu != this_cpu()->index &&
	    __atomic_load_n(&sched_of(cpu)->running, __ATOMIC_SEQ_CST) == v)
		poke(cpu);
}

void sched_kick(unsigned int cpu)
{
	poke(cpu);
}

void sched_set_hooks(const struct sched_hooks *h)
{
	hooks = h;
}

void sched_timer_interrupt(void)
{
	this_cpu()->need_resched = true;
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
		if (v->vm->paused)
			v->parked = true;
		else
			sched_enqueue(&cs->rq, &v->se, now);
	}
}

/* After its turn: block, sleep or leave the run queue for good. Lock held. */
static void settle(struct cpu_sched *cs, struct vcpu *v, uint64_t now)
{
	switch (v->state) {
	case VCPU_RUNNABLE:
		if (v->vm->paused) {
			sched_dequeue(&cs->rq, &v->se, now);
			v->parked = true;
		}
		break;
	case VCPU_BLOCKED:
		if (hooks->wake_pending(v)) {
			/* an IPI came after hlt looked: it does not block */
			v->state = VCPU_RUNNABLE;
			break;
		}
		sched_dequeue(&cs->rq, &v->se, now);
		sleeper_insert(cs, v);	/* UINT64_MAX: until an IPI wakes it */
		break;
	case VCPU_STOPPED:
		sched_dequeue(&cs->rq, &v->se, now);
		hooks->retire(v);
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

/* The CPU a vCPU outside its affinity goes to: the first it allows. */
static unsigned int home_cpu(const struct vcpu *v)
{
	for (unsigned int c = 0; c < rq_count; c++)
		if (sched_allowed(&v->se, c) && cpus[c].virt_enabled)
			return c;
	return v->cpu;
}

/*
 * v leaves its CPU (lock held, v not in the guest) to go to home_cpu: off the
 * run queue or the sleeper list, marked moving. False if it stays.
 */
static bool leave_cpu(struct cpu_sched *cs, struct vcpu *v)
{
	unsigned int to = home_cpu(v);

	if (to == v->cpu || v->moving)
		return false;
	if (v->se.state != SCHED_BLOCKED)
		sched_dequeue(&cs->rq, &v->se, clock_ns());
	else if (v->state == VCPU_BLOCKED)
		sleeper_remove(cs, v);
	v->moving = true;
	__atomic_store_n(&v->cpu, to, __ATOMIC_RELEASE);
	return true;
}

/* The second half of a move: v joins its new CPU as it was. */
static void arrive(struct vcpu *v)
{
	struct cpu_sched *cs = sched_of(v->cpu);
	uint64_t now;

	spin_lock(&cs->lock);
	now = clock_ns();
	v->moving = false;
	if (v->state == VCPU_BLOCKED && hooks->wake_pending(v))
		v->state = VCPU_RUNNABLE;	/* woken while it moved */
	if (v->state == VCPU_RUNNABLE && v->vm->paused)
		v->parked = true;
	if (v->state == VCPU_RUNNABLE && !v->parked)
		sched_enqueue(&cs->rq, &v->se, now);
	else if (v->state == VCPU_BLOCKED && v->se.state == SCHED_BLOCKED)
		sleeper_insert(cs, v);
	spin_unlock(&cs->lock);
	poke(v->cpu);
}

int sched_vcpu_set_affinity(struct vcpu *v, uint64_t mask)
{
	for (;;) {
		struct cpu_sched *cs = lock_vcpu(v);
		int ret = sched_set_affinity(&v->se, mask);
		bool move;

		if (ret || sched_allowed(&v->se, v->cpu) || v->moving) {
			spin_unlock(&cs->lock);
			return ret;
		}
		if (v->se.state == SCHED_RUNNING) {
			/* it moves when its turn ends (sched_run) */
			spin_unlock(&cs->lock);
			poke(v->cpu);
			return 0;
		}
		if (__atomic_load_n(&v->loaded, __ATOMIC_ACQUIRE)) {
			/* its CPU is about to let go of it: wait for the put */
			spin_unlock(&cs->lock);
			cpu_relax();
			continue;
		}
		move = leave_cpu(cs, v);
		spin_unlock(&cs->lock);
		if (move)
			arrive(v);
		return 0;
	}
}

int sched_vcpu_set_params(struct vcpu *v, unsigned int prio, uint64_t slice_ns)
{
	struct cpu_sched *cs = lock_vcpu(v);
	int ret = sched_set_params(&v->se, prio, slice_ns, clock_ns());

	spin_unlock(&cs->lock);
	if (!ret)
		poke(v->cpu);
	return ret;
}

bool sched_vcpu_pause(struct vcpu *v)
{
	struct cpu_sched *cs = lock_vcpu(v);
	bool off;

	if (v->se.state == SCHED_RUNNABLE && !v->moving) {
		sched_dequeue(&cs->rq, &v->se, clock_ns());
		v->parked = true;
	}
	off = v->se.state != SCHED_RUNNING && !v->moving;
	spin_unlock(&cs->lock);
	if (!off)
		poke(v->cpu);
	return off && !v->in_guest;
}

void sched_vcpu_resume(struct vcpu *v)
{
	struct cpu_sched *cs = lock_vcpu(v);
	bool woke = false;

	if (v->parked && v->state == VCPU_RUNNABLE) {
		v->parked = false;
		woke = !sched_enqueue(&cs->rq, &v->se, clock_ns());
	}
	spin_unlock(&cs->lock);
	if (woke)
		poke(v->cpu);
}

bool sched_vcpu_quiesce(struct vcpu *v)
{
	struct cpu_sched *cs = lock_vcpu(v);
	bool off;

	if (v->se.state == SCHED_RUNNABLE && !v->moving)
		sched_dequeue(&cs->rq, &v->se, clock_ns());
	sleeper_remove(cs, v);
	v->parked = false;
	off = v->se.state == SCHED_BLOCKED && !v->moving &&
	      !__atomic_load_n(&v->loaded, __ATOMIC_ACQUIRE);
	spin_unlock(&cs->lock);
	if (!off) {
		poke(v->cpu);
		return false;
	}
	if (v->state != VCPU_OFFLINE)
		hooks->retire(v);
	return true;
}

/* The poll hook's next wish for cpu, as an absolute time (or UINT64_MAX). */
static uint64_t run_poll(unsigned int cpu, uint64_t now)
{
	uint64_t in = hooks->poll ? hooks->poll(cpu) : UINT64_MAX;

	return in == UINT64_MAX || now + in < now ? UINT64_MAX : now + in;
}

/*
 * A CPU that has not come through its loop for this long is reported and
 * poked: no slice, hypercall or exit takes that long (a slice is at most
 * 100 ms, a hypercall's work is bounded), so it is stuck in a guest whose
 * timer interrupt was lost, or in the hypervisor.
 */
#define WATCHDOG_NS (5000 * SCHED_NS_PER_MS)

/* Each CPU watches the others as it passes; lock-free reads of hints. */
static void watch_others(struct cpu_sched *cs, unsigned int self, uint64_t now)
{
	__atomic_store_n(&cs->heartbeat_ns, now, __ATOMIC_RELEASE);
	if (now < cs->watch_at_ns)
		return;		/* a look per 100 ms keeps the switch path short */
	cs->watch_at_ns = now + WATCHDOG_NS / 50;
	for (unsigned int c = 0; c < rq_count; c++) {
		struct cpu_sched *o = sched_of(c);
		uint64_t beat = __atomic_load_n(&o->heartbeat_ns, __ATOMIC_ACQUIRE);
		struct vcpu *v;

		/* an idle CPU's beat is when it wakes next, 0: never */
		if (c == self || !beat || now < beat + WATCHDOG_NS ||
		    __atomic_exchange_n(&o->warned_at_ns, beat, __ATOMIC_ACQ_REL) == beat)
			continue;
		v = __atomic_load_n(&o->running, __ATOMIC_ACQUIRE);
		if (v)
			log_warn("cpu%u has not scheduled for %lu ms: in vm %s vcpu%u (%lu guest entries); poking it",
				 c, (unsigned long)((now - beat) / SCHED_NS_PER_MS),
				 v->vm->name, v->id, (unsigned long)v->stats.entries);
		else
			log_warn("cpu%u has not scheduled for %lu ms, running no vCPU; poking it",
				 c, (unsigned long)((now - beat) / SCHED_NS_PER_MS));
		poke(c);
	}
}

/*
 * Work waits on this CPU's queue behind what it runs: an idle CPU the
 * work may go to wakes and pulls it (pull_work). The queue is published
 * (under its lock) before idle_cpus is read, and an idle CPU sets its bit
 * before it looks for work, so one of the two sees the other. Lock held:
 * an idle CPU that nothing queued here may run on is left asleep, so
 * vCPUs pinned to this CPU do not wake the others every pass. Returns the
 * CPU to poke, or SCHED_CPU_NONE.
 */
static unsigned int share_work(struct cpu_sched *cs, unsigned int self)
{
	uint64_t idle;

	/* the queue's stores before the load (x86 lets a load pass them) */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	idle = __atomic_load_n(&idle_cpus, __ATOMIC_SEQ_CST) & ~(1ull << self);
	while (idle) {
		unsigned int c = (unsigned int)__builtin_ctzll(idle);

		if (sched_has_queued_for(&cs->rq, c))
			return c;
		idle &= idle - 1;
	}
	return SCHED_CPU_NONE;
}

/* Halts until an interrupt: the timer, an IPI, a device. */
static void idle_halt(struct cpu_sched *cs, uint64_t next)
{
	/* the watchdog's view: not stuck before its next event */
	__atomic_store_n(&cs->heartbeat_ns, next == UINT64_MAX ? 0 : next,
			 __ATOMIC_RELEASE);
	cpu_halt_until_interrupt();
}

void sched_run(struct cpu *cpu)
{
	struct cpu_sched *cs = sched_of(cpu->index);
	uint64_t me = 1ull << cpu->index;
	struct vcpu *prev = NULL;

	lapic_timer_cpu_init();
	for (;;) {
		uint64_t now = clock_ns(), next, deadline, poll_next;
		struct sched_entity *se;
		unsigned int helper;
		struct vcpu *v;

		watch_others(cs, cpu->index, now);
		/* before the pick: its work is no vCPU's run time */
		poll_next = run_poll(cpu->index, now);
		spin_lock(&cs->lock);
		wake_due(cs, now);
		se = sched_pick(&cs->rq, now);
		/* under the lock: once queued elsewhere, no CPU may hold it */
		if (prev && (!se || se != &prev->se)) {
			put(prev);
			prev = NULL;
		}
		next = next_deadline(cs, now);
		cpu->need_resched = false;
		helper = se && cs->rq.nr_queued ?
			 share_work(cs, cpu->index) : SCHED_CPU_NONE;
		if (!se)	/* before pull_work looks: see share_work */
			__atomic_or_fetch(&idle_cpus, me, __ATOMIC_SEQ_CST);
		spin_unlock(&cs->lock);

		if (helper != SCHED_CPU_NONE)
			poke(helper);
		if (!se && pull_work(cs, cpu->index)) {
			__atomic_and_fetch(&idle_cpus, ~me, __ATOMIC_SEQ_CST);
			continue;
		}
		/*
		 * A busy CPU looks again at least this often: Bochs exits on
		 * an interrupt only while the guest has IF set, so a
		 * reschedule IPI may not end a turn there until the next
		 * deadline.
		 */
		if (se)
			next = MIN(next, now + IDLE_BALANCE_NS);
		/* the poll hook's wish for this CPU */
		next = MIN(next, poll_next);

		deadline = next == UINT64_MAX ? UINT64_MAX : ns_to_tsc(next);
		if (next == UINT64_MAX)
			lapic_timer_stop();
		else
			lapic_timer_arm(deadline);
		if (!se) {
			/* idle until the timer or another interrupt */
			if (!cpu->need_resched)
				idle_halt(cs, next);
			__atomic_and_fetch(&idle_cpus, ~me, __ATOMIC_SEQ_CST);
			continue;
		}
		v = container_of(se, struct vcpu, se);
		v->stats.last_cpu = cpu->index;
		v->stats.ran_on |= 1ull << cpu->index;
		v->loaded = true;
		prev = v;
		/* seq_cst: before any look at its IRR (sched_vcpu_notify) */
		__atomic_store_n(&cs->running, v, __ATOMIC_SEQ_CST);
		hooks->run(v, deadline);
		__atomic_store_n(&cs->running, NULL, __ATOMIC_RELEASE);

		spin_lock(&cs->lock);
		settle(cs, v, clock_ns());
		if (!sched_allowed(&v->se, cpu->index) && leave_cpu(cs, v)) {
			put(v);		/* VMCLEAR here before another CPU loads it */
			prev = NULL;
			spin_unlock(&cs->lock);
			arrive(v);
			continue;
		}
		spin_unlock(&cs->lock);
	}
}
