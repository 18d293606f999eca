// SPDX-License-Identifier: MIT
/*
 * The instruction emulator on a real vCPU; see core/emulate.h. A guest
 * chooses every instruction and address that comes here, so no path
 * panics: what the emulator cannot do stops this VM only.
 */
#include <arch/vendor.h>
#include <arch/x86.h>
#include <base/log.h>
#include <core/dev/io_bus.h>
#include <core/emul/access.h>
#include <core/emul/decode.h>
#include <core/emul/emul.h>
#include <core/emul/execute.h>
#include <core/emul/fetch.h>
#include <core/emul/page_walk.h>
#include <core/emulate.h>
#include <core/msr_policy.h>
#include <core/vm.h>
#include <keel/abi.h>
#include <lib/format.h>
#include <lib/string.h>

_Static_assert(sizeof(struct guest_regs) == EMUL_GPR_COUNT * sizeof(uint64_t),
	       "guest_regs is the GPRs in encoding order");

#define RFLAGS_VM       (1ull << 17)	/* virtual-8086 mode */
#define CPUID_EXT_FEATURES 0x80000001u
#define CPUID_EXT_EDX_1G   (1u << 26)

/* One emulation: the vCPU, and whether a device access failed (for the log). */
struct emulate_call {
	struct vcpu *v;
	bool failed_mmio;	/* an MMIO access no device took */
};

static int read_gpa(void *ctx, uint64_t gpa, void *buf, size_t len)
{
	return guest_mem_read(((struct emulate_call *)ctx)->v->vm, gpa, buf, len);
}

static int write_gpa(void *ctx, uint64_t gpa, const void *buf, size_t len)
{
	return guest_mem_write(((struct emulate_call *)ctx)->v->vm, gpa, buf, len);
}

/* Page-table A/D bits and LOCKed writes to RAM: atomic, as a CPU's are. */
static int cmpxchg_gpa(void *ctx, uint64_t gpa, uint64_t old, uint64_t val,
		       size_t len)
{
	return guest_mem_cmpxchg(((struct emulate_call *)ctx)->v->vm, gpa, old,
				 val, len);
}

/* What is not RAM goes to the bus, which may have no device there. */
static bool is_mmio(void *ctx, uint64_t gpa, size_t len)
{
	return guest_mem_check(((struct emulate_call *)ctx)->v->vm, gpa, len) != 0;
}

static int mmio_failed(struct emulate_call *c, int ret)
{
	c->failed_mmio = true;
	return ret;
}

static int mmio_read(void *ctx, uint64_t gpa, size_t size, uint64_t *val)
{
	struct emulate_call *c = ctx;
	int ret = io_bus_read(&c->v->vm->mmio, c->v, gpa, size, val);

	return ret ? mmio_failed(c, ret) : 0;
}

static int mmio_write(void *ctx, uint64_t gpa, size_t size, uint64_t val)
{
	struct emulate_call *c = ctx;
	int ret = io_bus_write(&c->v->vm->mmio, c->v, gpa, size, val);

	return ret ? mmio_failed(c, ret) : 0;
}

/* A port nobody claims reads all ones, like an empty ISA bus (core/io.c). */
static int port_in(void *ctx, uint16_t port, size_t size, uint32_t *val)
{
	struct emulate_call *c = ctx;
	uint64_t value;
	int ret = io_bus_read(&c->v->vm->ports, c->v, port, size, &value);

	if (ret == -KEEL_ENOENT) {
		*val = UINT32_MAX;
		return 0;
	}
	*val = (uint32_t)value;
	return ret;
}

static int port_out(void *ctx, uint16_t port, size_t size, uint32_t val)
{
	struct emulate_call *c = ctx;
	int ret = io_bus_write(&c->v->vm->ports, c->v, port, size, val);

	return ret == -KEEL_ENOENT ? 0 : ret;
}

static void make_ops(struct emul_ops *ops, struct emulate_call *c)
{
	*ops = (struct emul_ops){
		.ctx = c,
		.read_gpa = read_gpa,
		.write_gpa = write_gpa,
		.cmpxchg_gpa = cmpxchg_gpa,
		.is_mmio = is_mmio,
		.mmio_read = mmio_read,
		.mmio_write = mmio_write,
		.port_in = port_in,
		.port_out = port_out,
		.maxphyaddr = (uint8_t)msr_phys_bits(),
		.gbpages = cpuid(CPUID_EXT_FEATURES, 0).edx & CPUID_EXT_EDX_1G,
	};
}

static struct emul_seg emul_segment(const struct segment *s)
{
	struct emul_seg out = { .base = s->base, .limit = s->limit };

	if ((s->attr & SEG_ATTR_S) && !(s->attr & SEG_TYPE_CODE) &&
	    (s->attr & SEG_TYPE_EXPAND_DOWN))
		out.flags |= EMUL_SEG_EXPAND_DOWN;
	if (s->attr & SEG_ATTR_DB)
		out.flags |= EMUL_SEG_BIG;
	return out;
}

/* The code the vCPU runs (emul.h); false for virtual-8086 mode. */
static bool code_mode(const struct emul_regs *r, uint16_t cs_attr, uint8_t *mode)
{
	if (!(r->cr0 & EMUL_CR0_PE)) {
		*mode = EMUL_MODE_REAL;
		return true;
	}
	if (r->rflags & RFLAGS_VM)
		return false;
	if ((r->efer & EMUL_EFER_LMA) && (cs_attr & SEG_ATTR_L))
		*mode = EMUL_MODE_LONG64;
	else
		*mode = (cs_attr & SEG_ATTR_DB) ? EMUL_MODE_PROT32 : EMUL_MODE_PROT16;
	return true;
}

/* The vCPU's state for the emulator; false if it cannot run there. */
static bool load_regs(struct vcpu *v, struct emul_regs *r)
{
	struct segment s;
	uint16_t cs_attr = 0;

	memcpy(r->gpr, &v->regs, sizeof(r->gpr));
	r->gpr[EMUL_RSP] = vendor->get_rsp(v);
	r->rip = vendor->get_rip(v);
	r->rflags = vendor->get_rflags(v);
	for (unsigned int i = 0; i < EMUL_SREG_COUNT; i++) {
		vendor->get_segment(v, i, &s);
		r->seg[i] = emul_segment(&s);
		if (i == EMUL_CS)
			cs_attr = s.attr;
	}
	r->cr0 = vendor->get_cr0(v);
	r->cr3 = vendor->get_cr3(v);
	r->cr4 = vendor->get_cr4(v);
	r->efer = vendor->get_efer(v);
	r->cpl = (uint8_t)vendor->get_cpl(v);
	return code_mode(r, cs_attr, &r->mode);
}

int emulate_walk_rip(struct vcpu *v, uint64_t *la, struct emul_walk *w)
{
	struct emulate_call c = { .v = v };
	/* read only: without cmpxchg_gpa the walk sets no accessed bits */
	struct emul_walk_mem mem = { .ctx = &c, .read_gpa = read_gpa };
	struct emul_ops ops;
	struct emul_paging pg;
	struct emul_regs r;

	make_ops(&ops, &c);
	if (!load_regs(v, &r))
		r.mode = EMUL_MODE_PROT32;	/* virtual-8086: CS base counts */
	emul_paging_of(&r, &ops, &pg);
	*la = (r.mode == EMUL_MODE_LONG64 ? 0 : r.seg[EMUL_CS].base) + r.rip;
	return emul_page_walk(&pg, &mem, *la, EMUL_ACCESS_FETCH, w);
}

/* What the instruction changed: GPRs, RSP, RFLAGS, RIP (ending a shadow). */
static void store_regs(struct vcpu *v, const struct emul_regs *before,
		       const struct emul_regs *r)
{
	uint64_t rsp = r->gpr[EMUL_RSP];

	memcpy(&v->regs, r->gpr, sizeof(r->gpr));
	v->regs.rsp_unused = 0;
	if (rsp != before->gpr[EMUL_RSP])
		vendor->set_rsp(v, rsp);
	if (r->rflags != before->rflags)
		vendor->set_rflags(v, r->rflags);
	if (r->rip != before->rip)	/* single-step #DB as after any exit */
		vendor->advance_rip(v, (uint32_t)(r->rip - before->rip));
}

static void inject(struct vcpu *v, const struct emul_result *res)
{
	if (res->vector == EMUL_VEC_PF)
		vendor->set_cr2(v, res->cr2);
	vendor->inject_exception(v, res->vector, res->has_error_code,
				 res->error_code);
}

/*
 * "8b 04 25 ...": the bytes at RIP, as far as they were read; only the
 * instruction's own (insn_len) when it was decoded, else all 15 (the
 * length of an instruction the decoder does not know is unknown).
 */
static void insn_bytes(const struct emul_regs *r, const struct emul_ops *ops,
		       unsigned int insn_len, char *buf, size_t size)
{
	struct emul_fetch f;
	size_t len = 0;

	emul_fetch(r, ops, &f);
	if (insn_len && insn_len < f.len)
		f.len = (uint8_t)insn_len;
	buf[0] = 0;
	for (unsigned int i = 0; i < f.len && len + 4 < size; i++)
		len += snprintf(buf + len, size - len, i ? " %02x" : "%02x",
				f.bytes[i]);
	if (!f.len)
		strlcpy(buf, "(not readable)", size);
}

/* what: "MMIO read at guest-physical 0x..." and the like, for the log */
static void stop(struct vcpu *v, const struct emul_regs *r,
		 const struct emul_ops *ops, unsigned int insn_len,
		 const char *what, const char *why)
{
	char bytes[3 * EMUL_MAX_LEN + 16];

	insn_bytes(r, ops, insn_len, bytes, sizeof(bytes));
	vm_stop(v->vm, VM_STOPPED, "%s: %s, vcpu %u rip %#lx, bytes %s", what,
		why, v->id, r->rip, bytes);
	/* all of them: the stop reason may be cut short */
	log_info("vm %s: instruction bytes %s at rip %#lx, vcpu %u (%s)",
		 v->vm->name, bytes, r->rip, v->id, why);
}

/*
 * Runs the instruction at RIP and carries out the result. what describes
 * the exit for the log; nothing is written back unless the emulator says so.
 */
static void emulate(struct vcpu *v, const char *what)
{
	struct emulate_call call = { .v = v };
	struct emul_regs before, r;
	struct emul_result res;
	struct emul_insn insn;
	struct emul_ops ops;

	make_ops(&ops, &call);
	if (!load_regs(v, &before)) {
		stop(v, &before, &ops, 0, what, "virtual-8086 mode is not emulated");
		return;
	}
	r = before;
	emul_step(&r, &ops, &insn, &res);
	if (res.status == EMUL_OK && insn.op == EMUL_OP_LMSW) {
		/* a CR0 write with its operand on a device: not here */
		stop(v, &before, &ops, insn.len, what, "LMSW from a device address");
		return;
	}
	switch (res.status) {
	case EMUL_OK:
	case EMUL_CONTINUE:
		store_regs(v, &before, &r);
		return;
	case EMUL_EXCEPTION:
		store_regs(v, &before, &r);	/* RIP stays: a fault */
		inject(v, &res);
		return;
	case EMUL_RETRY:
		return;		/* the guest runs it again */
	case EMUL_UNSUPPORTED:
		stop(v, &before, &ops, 0, what, res.why ? res.why : "not emulated");
		return;
	case EMUL_ERROR:
	default:
		/* decoded, then a callback failed: insn.len is its length */
		stop(v, &before, &ops, insn.len, what, call.failed_mmio ?
		     "no device answers there" : "guest memory not accessible");
		return;
	}
}

int emulate_lmsw(struct vcpu *v, uint64_t *cr0, uint32_t *len)
{
	struct emulate_call call = { .v = v };
	struct emul_regs before, r;
	struct emul_result res;
	struct emul_insn insn;
	struct emul_ops ops;
	const char *what = "LMSW exit";

	make_ops(&ops, &call);
	if (!load_regs(v, &before)) {
		stop(v, &before, &ops, 0, what, "virtual-8086 mode is not emulated");
		return -1;
	}
	r = before;
	emul_step(&r, &ops, &insn, &res);
	if (res.status == EMUL_EXCEPTION) {
		inject(v, &res);	/* RIP stays: a fault */
		return -1;
	}
	if (res.status == EMUL_RETRY)
		return -1;		/* the guest runs it again */
	if (res.status != EMUL_OK || insn.op != EMUL_OP_LMSW) {
		stop(v, &before, &ops, 0, what, res.status == EMUL_OK ?
		     "not an LMSW instruction" :
		     res.why ? res.why : "guest memory not accessible");
		return -1;
	}
	*cr0 = r.cr0;
	*len = insn.len;
	return 0;
}

static const char *access_name(const struct vm_exit *e)
{
	if (e->stage2.exec)
		return "execute";
	return e->stage2.write ? "write" : "read";
}

void emulate_mmio(struct vcpu *v, const struct vm_exit *e)
{
	char what[96];

	/* the same words as any stage-2 violation's (core/exit_dispatch.c) */
	snprintf(what, sizeof(what),
		 "stage-2 violation: %s at guest-physical %#lx (outside guest memory)",
		 access_name(e), e->stage2.gpa);
	emulate(v, what);
}

void emulate_string_io(struct vcpu *v, const struct vm_exit *e)
{
	char what[64];

	snprintf(what, sizeof(what), "string I/O (%s) on port %#x",
		 e->io.in ? "ins" : "outs", e->io.port);
	emulate(v, what);
}
