// SPDX-License-Identifier: MIT
/*
 * The vCPU run loop: the scheduler (sched/sched.c) picks a vCPU and a
 * deadline and calls vcpu_run_turn through its hooks; here the vCPU enters
 * its guest until the deadline, a reschedule or a stop, each exit goes to
 * the dispatcher, and the virtual LAPIC's timer and interrupts are taken
 * into account before each entry. Also the exit fast path the back-ends
 * call (exit_fast) and the end of a vCPU.
 */
#include <arch/cpu.h>
#include <arch/lapic.h>
#include <arch/tsc.h>
#include <arch/vendor.h>
#include <arch/x86.h>
#include <base/log.h>
#include <core/dev/dev_timer.h>
#include <core/dev/vlapic.h>
#include <core/dev/vuart.h>
#include <core/exit_dispatch.h>
#include <core/main.h>
#include <core/msr_policy.h>
#include <core/stage2_tlb.h>
#include <core/vcpu_hlt.h>
#include <core/vcpu_init.h>
#include <core/vcpu_run.h>
#include <core/vm.h>
#include <keel/abi.h>
#include <lib/format.h>
#include <lib/util.h>
#include <sched/policy.h>
#include <sched/sched.h>

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
void vcpu_retire(struct vcpu *v)
{
	struct vm *vm = v->vm;

	if (__atomic_exchange_n(&v->retired, true, __ATOMIC_ACQ_REL))
		return;
	report_vcpu(v);
	if (__atomic_sub_fetch(&vm->vcpus_live, 1, __ATOMIC_ACQ_REL))
		return;
	if (vm->state == VM_RUNNING) {
		vm->state = VM_HALTED;
		log_info("vm %s: halted (hlt with interrupts disabled)", vm->name);
	}
	vm_release_console(vm);
	vm_finished();
}

/*
 * Every guest entry, slow or fast, starts here. in_guest is set before
 * the stage-2 generation is read, so a CPU that changed a VM's stage-2
 * tables (then bumped the generation) either sees in_guest and waits for
 * this exit, or this entry sees the new generation and flushes first
 * (stage2_shootdown).
 */
static inline void about_to_enter(struct vcpu *v, struct cpu *cpu)
{
	uint64_t gen;

	v->stats.entries++;
	__atomic_store_n(&v->in_guest, true, __ATOMIC_SEQ_CST);
	gen = __atomic_load_n(&stage2_generation, __ATOMIC_SEQ_CST);
	if (cpu->stage2_gen != gen)
		stage2_catch_up(cpu, v, gen);
}

static void enter_guest(struct vcpu *v, struct vm_exit *exit, uint64_t until)
{
	about_to_enter(v, this_cpu());
	vendor->vcpu_run(v, exit, until);
	__atomic_store_n(&v->in_guest, false, __ATOMIC_RELEASE);
}

/*
 * Must the run loop look again before the next entry? An interrupt was
 * requested since it last looked (vlapic_unseen: one word, not IRR and
 * the pins; a request it saw and could not deliver yet has its window
 * asked for), or (the timekeeper) its own device access moved the
 * devices' next event earlier (dev_moved; core/dev/dev_timer.h). An
 * access from elsewhere kicks the timekeeper's CPU: the entry exits.
 * A flag rather than comparing vm_dev_deadline with dev_armed_ns: the
 * two device deadlines are not read on every fast exit. Inlined: GCC
 * calls it otherwise (two callers), which costs the fast path 5
 * instructions.
 */
static inline __attribute__((always_inline)) bool
must_look(const struct vcpu *v)
{
	return vlapic_unseen(&v->lapic) || v->dev_moved;
}

/*
 * A vCPU woken from hlt with no interrupt for it and its own timer not
 * due (the timekeeper woken for a device interrupt that went elsewhere,
 * or was masked): hlt goes on, as on a CPU, which resumes only for an
 * interrupt. Devices were serviced just before. A console sleep (also
 * "halted") has its own rule: input or its end also end it.
 */
static bool hlt_goes_on(struct vcpu *v, uint64_t now)
{
	if (!v->halted)
		return false;
	if (__atomic_load_n(&v->console_wait, __ATOMIC_ACQUIRE)) {
		if (vcpu_console_wait_goes_on(v, now))
			return true;
	} else if (!vlapic_pending(v) && vlapic_deadline(v) > now) {
		vcpu_hlt_wait(v);
		return true;
	}
	/*
	 * The sleep ends here and only here: a turn that never reaches this
	 * (a reschedule pending at its start) leaves v asleep as it was, its
	 * console flag too, so console_wake still finds it.
	 */
	__atomic_store_n(&v->console_wait, false, __ATOMIC_RELEASE);
	v->halted = false;
	return false;
}

/*
 * v runs on the calling CPU (v->cpu), so its need_resched is this CPU's:
 * one %gs load rather than indexing cpus[] by v->cpu. A pause needs no
 * test of its own: vm_pause sets the VM's flag, then pokes v's CPU
 * (sched_vcpu_pause), which sets need_resched there and sends an IPI;
 * an entry this check let through exits at once for that IPI, and the
 * run loop sees the pause.
 */
bool vcpu_fast_reentry(struct vcpu *v)
{
	struct cpu *cpu = this_cpu();

	if (cpu->need_resched || v->state != VCPU_RUNNABLE || must_look(v))
		return false;
	about_to_enter(v, cpu);
	return true;
}

static inline void fast_handled(struct vcpu *v, struct vm_exit *e)
{
	v->stats.exits[e->reason]++;
	e->handled = true;
}

/* The back-ends' hook (arch/vendor.h). */
bool exit_fast(struct vcpu *v, struct vm_exit *e)
{
	/*
	 * These change nothing of the virtual LAPIC's timer or the
	 * scheduler's (a guest stopped by its exit is no longer runnable).
	 * A port write may raise an interrupt (COM1 through the I/O APIC):
	 * vcpu_fast_reentry sees the request and declines.
	 */
	__atomic_store_n(&v->in_guest, false, __ATOMIC_RELEASE);
	if (e->reason == EXIT_HYPERCALL) {
		hypercall_handle(v, e);
	} else if (e->reason == EXIT_CPUID) {
		cpuid_handle(v, e);
	} else if (e->reason == EXIT_MSR_READ) {
		msr_handle_read(v, e);
	} else if (e->reason == EXIT_IO) {
		io_handle(v, e);
		/*
		 * The emulator may write any register of v->regs: the stub
		 * must load them all again (arch/vendor.h).
		 */
		if (e->io.string) {
			fast_handled(v, e);
			return false;
		}
	} else {
		return false;
	}
	fast_handled(v, e);
	return vcpu_fast_reentry(v);
}

void vcpu_run_turn(struct vcpu *v, uint64_t deadline_tsc)
{
	uint64_t armed = deadline_tsc, run_until = deadline_tsc;
	struct vm_exit exit;
	bool fast = false;

	/* before vlapic_deliver: the vendor accessors need v loaded here */
	vendor->vcpu_load(v);
	while (!sched_resched_pending(v->cpu) && v->state == VCPU_RUNNABLE &&
	       !v->vm->paused) {
		if (!vcpu_init_enter(v))
			break;	/* waits for INIT or STARTUP, or stopped */
		/*
		 * After a fast exit (exit_dispatch) the timer is as armed;
		 * only a new interrupt request needs the full look. A timer
		 * that came due meanwhile is a pending host interrupt: the
		 * entry exits at once, and that exit is not fast.
		 */
		if (!fast || must_look(v)) {
			uint64_t now = clock_ns(), timer_ns;

			run_until = deadline_tsc;
			/* what is requested from here on, the next look sees */
			vlapic_take_unseen(&v->lapic);
			/* any vCPU passing here fires the devices' due events */
			vm_dev_service(v->vm, now);
			if (hlt_goes_on(v, now))
				break;
			vlapic_deliver(v, now);
			/*
			 * The guest's own timer may be due before the
			 * scheduler's; the timekeeper's also the devices'.
			 */
			timer_ns = vlapic_deadline(v);
			if (vcpu_is_timekeeper(v)) {
				v->dev_moved = false;
				v->dev_armed_ns = vm_dev_deadline(v->vm);
				timer_ns = MIN(timer_ns, v->dev_armed_ns);
			}
			if (timer_ns != UINT64_MAX)
				run_until = MIN(run_until, ns_to_tsc(timer_ns));
			if (run_until != armed) {
				lapic_timer_arm(run_until);
				armed = run_until;
			}
		}
		enter_guest(v, &exit, run_until);
		fast = exit_dispatch(v, &exit);
	}
}

/*
 * Only hlt and a console sleep end at a pending interrupt; a console
 * sleep also at console input; a plain sleep hypercall lasts its time.
 */
static bool wake_pending(struct vcpu *v)
{
	/* a vCPU waiting for INIT or STARTUP takes no interrupt */
	return vcpu_init_wake_pending(v) ||
	       (v->halted && v->init.mode == VCPU_INIT_RUNNING &&
		vlapic_pending(v)) ||
	       (v->halted && v->console_wait && vm_console_has_input(v->vm));
}

/*
 * The scheduler's poll: the consoles, then COM1 input for an interrupt;
 * VMs that restart (on_reboot=restart).
 */
static uint64_t poll(unsigned int cpu)
{
	uint64_t next = vm_console_poll(cpu);

	if (cpu == 0)
		vuart_poll_console_owner();
	return MIN(next, vm_restart_poll(cpu));
}

static const struct sched_hooks run_hooks = {
	.run = vcpu_run_turn,
	.wake_pending = wake_pending,
	.retire = vcpu_retire,
	.poll = poll,
};

void vcpu_run_init(void)
{
	sched_set_hooks(&run_hooks);
}
