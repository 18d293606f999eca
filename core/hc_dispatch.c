// SPDX-License-Identifier: MIT
/*
 * Hypercall dispatch (docs/hypercalls.md). Order of checks, as the spec
 * says: CPL, call number, privilege, arguments; guest memory is copied in
 * once, then validated, then used.
 */
#include <arch/tsc.h>
#include <arch/vendor.h>
#include <core/exit_dispatch.h>
#include <core/hypercall.h>
#include <core/vcpu_hlt.h>
#include <core/vm.h>
#include <keel/abi.h>
#include <lib/util.h>
#include <sched/sched.h>

typedef int64_t (*hypercall_fn)(struct vcpu *v);

/* §4.1 */
static int64_t hc_version(struct vcpu *v)
{
	return KEEL_ABI_VERSION;
}

/* §4.2 */
static int64_t hc_console_write(struct vcpu *v)
{
	char copy[KEEL_CONSOLE_WRITE_MAX];
	uint64_t gpa = v->regs.rdi, len = v->regs.rsi;
	int ret;

	if (len > KEEL_CONSOLE_WRITE_MAX)
		return -KEEL_E2BIG;
	if (gpa + len < gpa)
		return -KEEL_EINVAL;
	ret = guest_mem_read(v->vm, gpa, copy, len);
	if (ret)
		return ret;
	vm_console_write(v->vm, copy, len);
	return (int64_t)len;
}

/* §4.3 */
static int64_t hc_yield(struct vcpu *v)
{
	sched_vcpu_yield(v);
	return 0;
}

/* §4.4 */
static int64_t hc_sleep(struct vcpu *v)
{
	uint64_t ns = v->regs.rdi, flags = v->regs.rsi, now;

	if (ns > KEEL_SLEEP_MAX_NS || (flags & ~KEEL_SLEEP_CONSOLE))
		return -KEEL_EINVAL;
	if (flags & KEEL_SLEEP_CONSOLE) {
		if (vm_console_has_input(v->vm))
			return 0;	/* nothing to wait for */
		now = clock_ns();
		/* "halted": input or an interrupt may end it early */
		vcpu_console_wait(v, now + ns < now ? UINT64_MAX : now + ns);
		return 0;
	}
	sched_vcpu_sleep(v, ns, false);
	return 0;
}

/* §4.5 */
static int64_t hc_vcpu_start(struct vcpu *v)
{
	if (v->regs.rdi > UINT32_MAX)
		return -KEEL_EINVAL;
	return vm_start_vcpu(v->vm, (uint32_t)v->regs.rdi, v->regs.rsi,
			     v->regs.rdx, v->regs.rcx);
}

static const hypercall_fn hypercalls[KEEL_HC_COUNT] = {
	[KEEL_HC_VERSION] = hc_version,
	[KEEL_HC_CONSOLE_WRITE] = hc_console_write,
	[KEEL_HC_YIELD] = hc_yield,
	[KEEL_HC_SLEEP] = hc_sleep,
	[KEEL_HC_VCPU_START] = hc_vcpu_start,
	[KEEL_HC_SELF_INFO] = hc_self_info,
	[KEEL_HC_MEM_MAP] = hc_mem_map,
	[KEEL_HC_MEM_RELEASE] = hc_mem_release,
	[KEEL_HC_VCPU_ENTRY] = hc_vcpu_entry,
	[KEEL_HC_HOST_INFO] = hc_host_info,
	[KEEL_HC_MODULE_INFO] = hc_module_info,
	[KEEL_HC_VM_CREATE] = hc_vm_create,
	[KEEL_HC_VM_LOAD] = hc_vm_load,
	[KEEL_HC_VM_START] = hc_vm_start,
	[KEEL_HC_VM_PAUSE] = hc_vm_pause,
	[KEEL_HC_VM_RESUME] = hc_vm_resume,
	[KEEL_HC_VM_DESTROY] = hc_vm_destroy,
	[KEEL_HC_VM_LIST] = hc_vm_list,
	[KEEL_HC_VM_INFO] = hc_vm_info,
	[KEEL_HC_VCPU_STATS] = hc_vcpu_stats,
	[KEEL_HC_VM_SET_MEM] = hc_vm_set_mem,
	[KEEL_HC_VM_SET_VCPUS] = hc_vm_set_vcpus,
	[KEEL_HC_VCPU_PIN] = hc_vcpu_pin,
	[KEEL_HC_VM_SET_SCHED] = hc_vm_set_sched,
	[KEEL_HC_CONSOLE_READ] = hc_console_read,
	[KEEL_HC_CONSOLE_INPUT] = hc_console_input,
	[KEEL_HC_LOG_READ] = hc_log_read,
	[KEEL_HC_HOST_REBOOT] = hc_host_reboot,
};

void hypercall_handle(struct vcpu *v, const struct vm_exit *e)
{
	uint64_t nr = v->regs.rax;
	int64_t ret;

	if (e->cpl != 0)
		ret = -KEEL_EPERM;
	else if (nr >= KEEL_HC_COUNT || !hypercalls[nr])
		ret = -KEEL_ENOSYS;
	else if (nr >= KEEL_HC_FIRST_MGMT && !v->vm->mgmt)
		ret = -KEEL_EPERM;
	else
		ret = hypercalls[nr](v);
	if (ret == HC_RETRY) {
		sched_vcpu_sleep(v, HC_RETRY_NS, false);	/* then the same vmcall */
		return;
	}
	v->regs.rax = (uint64_t)ret;
	vcpu_advance_rip(v, e);
}
