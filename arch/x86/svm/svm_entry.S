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
#include <arch/guest_gprs.inc>

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

	LOAD_GUEST_GPRS %rdi
	movq	GREG_RDI(%rdi), %rdi

	vmrun	%rax
	/* #VMEXIT: RAX = guest VMCB again (host RAX restored), RSP as before */
	vmsave	%rax

	pushq	%rdi
	movq	16(%rsp), %rdi		/* regs */
	STORE_GUEST_GPRS %rdi
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
