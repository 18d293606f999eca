/* SPDX-License-Identifier: MIT */
/*
 * The executor (core/emul/execute.c): one decoded instruction's effects
 * on the register file, guest memory, devices and ports.
 *
 * Memory operands: the effective and linear address (address.h), the
 * page walk for every page touched (both operands of MOVS), then RAM or
 * MMIO at the operand's size (access.h). All of an instruction's
 * translations come before any of its accesses, so a fault leaves no
 * device access done and the registers as they were. Registers: 8- and
 * 16-bit writes merge (AH-BH without REX), 32-bit writes zero-extend in
 * 64-bit mode (elsewhere the upper half, which the guest cannot see, is
 * kept). RFLAGS: the ALU forms as alu.h says; BT* set CF and leave the
 * other flags (which the SDM leaves undefined) as they were.
 *
 * REP (F3 or F2) string instructions use rCX, rSI, rDI at the address
 * size, step by the element size backwards with RFLAGS.DF, and do at most
 * ops->max_reps iterations per call: EMUL_CONTINUE with rCX, rSI, rDI
 * updated and RIP unchanged until rCX reaches 0. A fault in iteration n
 * leaves the n-1 iterations before it done, as on the CPU.
 *
 * LOCK and XCHG with memory: a read-modify-write of RAM goes through
 * ops->cmpxchg_gpa when there is one (atomic against other vCPUs),
 * otherwise and for devices it is a read then a write.
 *
 * LMSW changes r->cr0 (bits 3:0, PE never cleared) and nothing else: the
 * caller decides what a CR0 write does.
 *
 * Not checked here because the CPU checked them before the exit: I/O
 * permission (CPL, IOPL, the TSS bitmap) of INS and OUTS, segment types
 * and null selectors, alignment (#AC). 64-bit port accesses do not exist
 * (REX.W on INS/OUTS is ignored, as by the CPU).
 */
#ifndef KEEL_CORE_EMUL_EXECUTE_H
#define KEEL_CORE_EMUL_EXECUTE_H

#include <core/emul/decode.h>
#include <core/emul/emul.h>

/*
 * Execute in (decoded in r->mode, from the bytes at r->rip) on *r.
 * res->status says what happened and what the caller does (emul.h).
 */
void emul_execute(const struct emul_insn *in, struct emul_regs *r,
		  const struct emul_ops *ops, struct emul_result *res);

/*
 * All of it: fetch at CS:RIP, decode, execute. insn, when not NULL, gets
 * the decoded instruction (for a log line).
 */
void emul_step(struct emul_regs *r, const struct emul_ops *ops,
	       struct emul_insn *insn, struct emul_result *res);

#endif
