/*
 * int vmx_enter(struct guest_regs *regs, int launched);
 *
 * Enters the guest whose VMCS is current (VMLAUNCH the first time, then
 * VMRESUME) and returns 0 after the next VM exit, or 1 (VMfailInvalid) /
 * 2 (VMfailValid, see the VM-instruction error field) when entry failed
 * (SDM 31.2). HOST_RSP is written on every entry, so the exit lands on
 * this frame; HOST_RIP is vmx_exit_stub.
 */
#include <core/vcpu.h>

#define VMCS_HOST_RSP 0x6c14

	.text
	.code64
	.globl vmx_enter, vmx_exit_stub
vmx_enter:
	pushq	%rbp
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	pushq	%rdi			/* regs, found again at exit */

	movl	$VMCS_HOST_RSP, %eax
	vmwrite	%rsp, %rax

	testl	%esi, %esi		/* flags survive the movs below */
	movq	GREG_RAX(%rdi), %rax
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
	jnz	1f
	vmlaunch
	jmp	2f
1:	vmresume
2:	/* entry failed: CF = VMfailInvalid, ZF = VMfailValid */
	movl	$1, %eax
	jc	3f
	movl	$2, %eax
3:	addq	$8, %rsp
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	popq	%rbp
	ret

vmx_exit_stub:
	pushq	%rdi
	movq	8(%rsp), %rdi		/* regs */
	movq	%rax, GREG_RAX(%rdi)
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
	addq	$8, %rsp
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	popq	%rbp
	xorl	%eax, %eax
	ret

	.section .note.GNU-stack, "", @progbits
