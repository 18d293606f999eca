// SPDX-License-Identifier: MIT
/* The executor; see include/core/emul/execute.h. */
#include <core/emul/access.h>
#include <core/emul/address.h>
#include <core/emul/alu.h>
#include <core/emul/execute.h>
#include <core/emul/fetch.h>
#include <core/emul/result.h>

/* Compare-exchange attempts of a LOCKed read-modify-write */
#define LOCK_TRIES 16

struct exec {
	const struct emul_insn *in;
	struct emul_regs *r;
	const struct emul_ops *ops;
	struct emul_result *res;
};

static uint64_t reg_get(const struct emul_regs *r, unsigned int reg, bool high,
			unsigned int size)
{
	uint64_t v = r->gpr[reg];

	return high ? (v >> 8) & 0xff : v & emul_size_mask(size);
}

static void reg_set(struct emul_regs *r, unsigned int reg, bool high,
		    unsigned int size, uint64_t v)
{
	uint64_t *g = &r->gpr[reg];

	switch (size) {
	case 1:
		if (high)
			*g = (*g & ~0xff00ull) | (v & 0xff) << 8;
		else
			*g = (*g & ~0xffull) | (v & 0xff);
		break;
	case 2:
		*g = (*g & ~0xffffull) | (v & 0xffff);
		break;
	case 4:
		if (r->mode == EMUL_MODE_LONG64)
			*g = v & 0xffffffffull;
		else
			*g = (*g & ~0xffffffffull) | (v & 0xffffffffull);
		break;
	default:
		*g = v;
		break;
	}
}

static uint64_t opnd_get(const struct exec *x, const struct emul_opnd *o)
{
	if (o->kind == EMUL_OPND_IMM)
		return x->in->imm & emul_size_mask(o->size);
	return reg_get(x->r, o->reg, o->high, o->size);
}

static void opnd_set(struct exec *x, const struct emul_opnd *o, uint64_t v)
{
	reg_set(x->r, o->reg, o->high, o->size, v);
}

static void advance(struct exec *x)
{
	x->r->rip = (x->r->rip + x->in->len) & emul_ip_mask(x->r);
	x->res->status = EMUL_OK;
}

static bool is_bt(unsigned int op)
{
	return op >= EMUL_OP_BT && op <= EMUL_OP_BTC;
}

/* Whether the instruction writes its destination */
static bool writes_dst(unsigned int op)
{
	return op != EMUL_OP_CMP && op != EMUL_OP_TEST && op != EMUL_OP_BT;
}

/* Whether it reads its destination first */
static bool reads_dst(unsigned int op)
{
	return op != EMUL_OP_MOV && op != EMUL_OP_MOVZX && op != EMUL_OP_MOVSX;
}

/* The value the destination gets (dv: its old value, sv: the source's) */
static uint64_t compute(const struct emul_insn *in, uint64_t dv, uint64_t sv,
			unsigned int bit, uint64_t *rflags)
{
	unsigned int size = in->dst.size;

	switch (in->op) {
	case EMUL_OP_MOV:
	case EMUL_OP_MOVZX:
	case EMUL_OP_XCHG:
		return sv;
	case EMUL_OP_MOVSX:
		return emul_sign_extend(sv, in->src.size) & emul_size_mask(size);
	case EMUL_OP_BT:
	case EMUL_OP_BTS:
	case EMUL_OP_BTR:
	case EMUL_OP_BTC:
		*rflags &= ~EMUL_FLAG_CF;
		if ((dv >> bit) & 1)
			*rflags |= EMUL_FLAG_CF;
		if (in->op == EMUL_OP_BTS)
			return dv | 1ull << bit;
		if (in->op == EMUL_OP_BTR)
			return dv & ~(1ull << bit);
		if (in->op == EMUL_OP_BTC)
			return dv ^ 1ull << bit;
		return dv;
	default:
		return emul_alu(in->op, size, dv, sv, rflags);
	}
}

/* A read-modify-write of RAM as one compare-exchange; *dv the old value */
static bool rmw_atomic(struct exec *x, const struct emul_mem_ref *ref,
		       uint64_t sv, unsigned int bit, uint64_t *dv,
		       uint64_t *rflags)
{
	for (unsigned int i = 0; i < LOCK_TRIES; i++) {
		uint64_t f = x->r->rflags, out;
		bool done;

		if (!emul_mem_read(x->ops, ref, dv, x->res))
			return false;
		out = compute(x->in, *dv, sv, bit, &f);
		if (!emul_mem_cmpxchg(x->ops, ref, *dv, out, &done, x->res))
			return false;
		if (done) {
			*rflags = f;
			return true;
		}
	}
	x->res->status = EMUL_RETRY;
	x->res->why = "LOCKed operand kept changing";
	return false;
}

/*
 * The memory operand's address. BT* with a register bit offset address
 * the bit string: the operand-sized unit offset / bits away (signed).
 */
static uint64_t operand_offset(const struct exec *x)
{
	const struct emul_insn *in = x->in;
	uint64_t ea = emul_effective(in, x->r);

	if (is_bt(in->op) && in->src.kind == EMUL_OPND_REG &&
	    in->dst.kind == EMUL_OPND_MEM) {
		unsigned int size = in->dst.size;
		unsigned int shift = size == 2 ? 4 : size == 4 ? 5 : 6;
		int64_t off = (int64_t)emul_sign_extend(opnd_get(x, &in->src),
							size);

		ea += (uint64_t)((off >> shift) * (int64_t)size);
		ea &= emul_size_mask(in->addrsize);
	}
	return ea;
}

static void exec_simple(struct exec *x)
{
	const struct emul_insn *in = x->in;
	const struct emul_opnd *d = &in->dst, *s = &in->src;
	const struct emul_opnd *m = d->kind == EMUL_OPND_MEM ? d :
				    s->kind == EMUL_OPND_MEM ? s : NULL;
	struct emul_mem_ref ref = { 0 };
	uint64_t sv = 0, dv = 0, out, rflags = x->r->rflags;
	unsigned int bit = 0;
	bool done = false;

	if (d->kind != EMUL_OPND_REG && d->kind != EMUL_OPND_MEM) {
		emul_unsupported(x->res, "no destination", in->bytes, in->len);
		return;
	}
	if (m) {
		enum emul_access acc = m == d && writes_dst(in->op) ?
				       EMUL_ACCESS_WRITE : EMUL_ACCESS_READ;
		uint64_t la;

		if (!emul_linear(x->r, in->ea.seg, operand_offset(x), m->size,
				 &la, x->res) ||
		    !emul_mem_prepare(x->r, x->ops, la, m->size, acc, &ref,
				      x->res))
			return;
	}
	if (s->kind == EMUL_OPND_MEM) {
		if (!emul_mem_read(x->ops, &ref, &sv, x->res))
			return;
	} else {
		sv = opnd_get(x, s);
	}
	if (is_bt(in->op))
		bit = (unsigned int)(sv & (8u * d->size - 1));
	if (d->kind == EMUL_OPND_MEM && reads_dst(in->op)) {
		if ((in->lock || in->op == EMUL_OP_XCHG) &&
		    writes_dst(in->op) && emul_mem_atomic(x->ops, &ref)) {
			if (!rmw_atomic(x, &ref, sv, bit, &dv, &rflags))
				return;
			done = true;
		} else if (!emul_mem_read(x->ops, &ref, &dv, x->res)) {
			return;
		}
	} else if (d->kind == EMUL_OPND_REG && reads_dst(in->op)) {
		dv = opnd_get(x, d);
	}
	if (!done) {
		out = compute(in, dv, sv, bit, &rflags);
		if (writes_dst(in->op)) {
			if (d->kind == EMUL_OPND_MEM) {
				if (!emul_mem_write(x->ops, &ref, out, x->res))
					return;
			} else {
				opnd_set(x, d, out);
			}
		}
	}
	if (in->op == EMUL_OP_XCHG)
		opnd_set(x, s, dv);
	x->r->rflags = rflags;
	advance(x);
}

/*
 * LMSW (SDM vol. 2): CR0 bits 3:0 (PE, MP, EM, TS) from the operand's,
 * PE set but never cleared; the caller applies r->cr0.
 */
#define CR0_MSW_BITS 0xfull

static void exec_lmsw(struct exec *x)
{
	const struct emul_insn *in = x->in;
	const struct emul_opnd *s = &in->src;
	struct emul_mem_ref ref;
	uint64_t sv, la;

	if (s->kind == EMUL_OPND_MEM) {
		if (!emul_linear(x->r, in->ea.seg, emul_effective(in, x->r),
				 s->size, &la, x->res) ||
		    !emul_mem_prepare(x->r, x->ops, la, s->size,
				      EMUL_ACCESS_READ, &ref, x->res) ||
		    !emul_mem_read(x->ops, &ref, &sv, x->res))
			return;
	} else {
		sv = opnd_get(x, s);
	}
	x->r->cr0 = (x->r->cr0 & ~CR0_MSW_BITS) | (sv & CR0_MSW_BITS) |
		    (x->r->cr0 & EMUL_CR0_PE);
	advance(x);
}

/* One iteration of a string instruction; step: +-element size */
static bool string_once(struct exec *x, uint64_t step)
{
	const struct emul_insn *in = x->in;
	struct emul_regs *r = x->r;
	const struct emul_ops *ops = x->ops;
	unsigned int op = in->op, size = in->opsize;
	uint64_t amask = emul_size_mask(in->addrsize);
	uint64_t si = r->gpr[EMUL_RSI] & amask, di = r->gpr[EMUL_RDI] & amask;
	uint16_t port = (uint16_t)r->gpr[EMUL_RDX];
	bool from_si = op == EMUL_OP_MOVS || op == EMUL_OP_LODS ||
		       op == EMUL_OP_OUTS;
	bool to_di = op == EMUL_OP_MOVS || op == EMUL_OP_STOS ||
		     op == EMUL_OP_INS;
	struct emul_mem_ref src, dst;
	uint64_t la, v = 0;
	uint32_t port_val = 0;
	int rc;

	if (from_si &&
	    (!emul_linear(r, in->ea.seg, si, size, &la, x->res) ||
	     !emul_mem_prepare(r, ops, la, size, EMUL_ACCESS_READ, &src,
			       x->res)))
		return false;
	if (to_di &&
	    (!emul_linear(r, EMUL_ES, di, size, &la, x->res) ||
	     !emul_mem_prepare(r, ops, la, size, EMUL_ACCESS_WRITE, &dst,
			       x->res)))
		return false;
	if (from_si) {
		if (!emul_mem_read(ops, &src, &v, x->res))
			return false;
	} else if (op == EMUL_OP_STOS) {
		v = reg_get(r, EMUL_RAX, false, size);
	} else {	/* INS */
		rc = ops->port_in(ops->ctx, port, size, &port_val);
		if (rc) {
			emul_fail(x->res, rc, "port read");
			return false;
		}
		v = port_val & emul_size_mask(size);
	}
	if (to_di) {
		if (!emul_mem_write(ops, &dst, v, x->res))
			return false;
	} else if (op == EMUL_OP_LODS) {
		reg_set(r, EMUL_RAX, false, size, v);
	} else {	/* OUTS */
		rc = ops->port_out(ops->ctx, port, size, (uint32_t)v);
		if (rc) {
			emul_fail(x->res, rc, "port write");
			return false;
		}
	}
	if (from_si)
		reg_set(r, EMUL_RSI, false, in->addrsize, si + step);
	if (to_di)
		reg_set(r, EMUL_RDI, false, in->addrsize, di + step);
	return true;
}

static void exec_string(struct exec *x)
{
	const struct emul_insn *in = x->in;
	struct emul_regs *r = x->r;
	uint64_t count = r->gpr[EMUL_RCX] & emul_size_mask(in->addrsize);
	uint64_t step = r->rflags & EMUL_FLAG_DF ? -(uint64_t)in->opsize :
			in->opsize;
	unsigned int budget = x->ops->max_reps ? x->ops->max_reps :
			      EMUL_REP_DEFAULT;
	bool rep = in->rep != EMUL_REP_NONE;

	if ((in->op == EMUL_OP_INS && !x->ops->port_in) ||
	    (in->op == EMUL_OP_OUTS && !x->ops->port_out)) {
		emul_unsupported(x->res, "no port callbacks", in->bytes, in->len);
		return;
	}
	if (rep && count == 0) {
		advance(x);
		return;
	}
	for (unsigned int n = 1;; n++) {
		if (!string_once(x, step)) {
			/* some iterations are done: the caller goes on */
			if (x->res->status == EMUL_RETRY && n > 1)
				x->res->status = EMUL_CONTINUE;
			return;
		}
		if (!rep) {
			advance(x);
			return;
		}
		reg_set(r, EMUL_RCX, false, in->addrsize, --count);
		if (count == 0) {
			advance(x);
			return;
		}
		if (n >= budget) {
			x->res->status = EMUL_CONTINUE;
			return;
		}
	}
}

void emul_execute(const struct emul_insn *in, struct emul_regs *r,
		  const struct emul_ops *ops, struct emul_result *res)
{
	struct exec x = { .in = in, .r = r, .ops = ops, .res = res };

	*res = (struct emul_result){ .status = EMUL_OK };
	switch (in->op) {
	case EMUL_OP_NONE:
		emul_unsupported(res, "not a decoded instruction", in->bytes,
				 in->avail);
		return;
	case EMUL_OP_MOVS:
	case EMUL_OP_STOS:
	case EMUL_OP_LODS:
	case EMUL_OP_INS:
	case EMUL_OP_OUTS:
		exec_string(&x);
		break;
	case EMUL_OP_LMSW:
		exec_lmsw(&x);
		break;
	default:
		exec_simple(&x);
		break;
	}
	if (res->status == EMUL_UNSUPPORTED && !res->len)
		emul_unsupported(res, res->why, in->bytes, in->len);
}

void emul_step(struct emul_regs *r, const struct emul_ops *ops,
	       struct emul_insn *insn, struct emul_result *res)
{
	struct emul_insn local;
	struct emul_insn *in = insn ? insn : &local;
	struct emul_fetch f;

	*res = (struct emul_result){ .status = EMUL_OK };
	emul_fetch(r, ops, &f);
	switch (emul_decode(f.bytes, f.len, r->mode, in)) {
	case EMUL_DECODE_OK:
		emul_execute(in, r, ops, res);
		return;
	case EMUL_DECODE_SHORT:
		/* the instruction reaches into bytes the fetch could not get */
		*res = f.stop;
		if (res->status == EMUL_UNSUPPORTED || res->status == EMUL_OK)
			emul_unsupported(res, res->why ? res->why :
					 "instruction fetch", f.bytes, f.len);
		return;
	case EMUL_DECODE_TOO_LONG:
		emul_raise(res, r, EMUL_VEC_GP, 0);
		return;
	case EMUL_DECODE_UD:
		emul_raise(res, r, EMUL_VEC_UD, 0);
		return;
	default:
		emul_unsupported(res, "instruction not emulated", f.bytes,
				 f.len);
		return;
	}
}
