/*
 * void svm_vmrun(struct guest_regs *regs, uint64_t vmcb_pa,
 *                uint64_t host_vmcb_pa);
 *
 * Runs the guest once (APM 15.5). GIF is cleared around the world switch
 * and host IF set, so a physical interrupt arriving in the guest causes
 * an INTR exit and is taken by the host only after STGI. VMLOAD/VMSAVE
 * move the state VMRUN does not (FS, GS, TR, LDTR, KernelGSBase, STAR,
 * LSTAR, CSTAR, SFMASK, SYSENTER_*); the host's copy lives in
 * host_vmcb_pa. Guest RAX and RSP live in the VMCB.
 */
#include <core/vcpu.h>

	.text
	.code64
	.globl svm_vmrun
svm_vmrun:
	pushq	%rbp
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	pushq	%rdx			/* host VMCB */
	pushq	%rdi			/* regs */
	pushq	%rsi			/* guest VMCB */

	clgi
	sti
	movq	%rsi, %rax
	vmload	%rax

	movq	GREG_RCX(%rdi), %rcx
	movq	GREG_RDX(%rdi), %rdx
	movq	GREG_RBX(%rdi), %rbx
	movq	GREG_RBP(%rdi), %rbp
	movq	GREG_RSI(%rdi), %rsi
	movq	GREG_R8(%rdi), %r8
	movq	GREG_R9(%rdi), %r9
	movq	GREG_R10(%rdi), %r10
	movq	GREG_R11(%rdi), %r11
	movq	GREG_R12(%rdi), %r12
	movq	GREG_R13(%rdi), %r13
	movq	GREG_R14(%rdi), %r14
	movq	GREG_R15(%rdi), %r15
	movq	GREG_RDI(%rdi), %rdi

	vmrun	%rax
	/* #VMEXIT: RAX = guest VMCB again (host RAX restored), RSP as before */
	vmsave	%rax

	pushq	%rdi
	movq	16(%rsp), %rdi		/* regs */
	movq	%rcx, GREG_RCX(%rdi)
	movq	%rdx, GREG_RDX(%rdi)
	movq	%rbx, GREG_RBX(%rdi)
	movq	%rbp, GREG_RBP(%rdi)
	movq	%rsi, GREG_RSI(%rdi)
	movq	%r8, GREG_R8(%rdi)
	movq	%r9, GREG_R9(%rdi)
	movq	%r10, GREG_R10(%rdi)
	movq	%r11, GREG_R11(%rdi)
	movq	%r12, GREG_R12(%rdi)
	movq	%r13, GREG_R13(%rdi)
	movq	%r14, GREG_R14(%rdi)
	movq	%r15, GREG_R15(%rdi)
	popq	%rax
	movq	%rax, GREG_RDI(%rdi)

	popq	%rax			/* guest VMCB, done with it */
	popq	%rax			/* regs */
	popq	%rax			/* host VMCB */
	vmload	%rax
	cli
	stgi

	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	popq	%rbp
	ret

	.section .note.GNU-stack, "", @progbits
