/*
 * Application-processor start-up code, copied to a page below 1 MiB whose
 * number is the SIPI vector. Real mode -> protected mode -> long mode on
 * the hypervisor's page tables -> ap_entry64. Parameters sit at
 * TRAMP_PARAMS in the same page (struct tramp_params in smp.c); the stack
 * and struct cpu come from ap_boot_stack / ap_boot_cpu in the image.
 * The code is position independent: EBX holds the page's base.
 */
#define TRAMP_PARAMS  0xf00
#define P_CR3     (TRAMP_PARAMS + 0x00)
#define P_GDTR    (TRAMP_PARAMS + 0x40)
#define P_JUMP32  (TRAMP_PARAMS + 0x48)
#define P_JUMP64  (TRAMP_PARAMS + 0x50)
#define SEL_DATA  0x10
#define CR0_PE    0x00000001
/* PG, WP, NE, ET, MP, PE; CD and NW clear: caches on (INIT leaves them off) */
#define CR0_LONG_MODE 0x80010033
#define CR4_PAE   0x00000020
#define MSR_EFER  0xc0000080
#define EFER_LME_NXE 0x00000900

	.section .rodata
	.balign 16
	.globl ap_trampoline_start, ap_trampoline_end
	.globl ap_trampoline_pm32, ap_trampoline_lm64

	.code16
ap_trampoline_start:
	cli
	cld
	movw	%cs, %ax
	movw	%ax, %ds
	xorl	%ebx, %ebx
	movw	%ax, %bx
	shll	$4, %ebx		/* EBX = physical base of this page */
	lgdtl	P_GDTR
	movl	%cr0, %eax
	orl	$CR0_PE, %eax
	movl	%eax, %cr0
	ljmpl	*P_JUMP32

	.code32
ap_trampoline_pm32:
	movw	$SEL_DATA, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss
	movl	%cr4, %eax
	orl	$CR4_PAE, %eax
	movl	%eax, %cr4
	movl	P_CR3(%ebx), %eax
	movl	%eax, %cr3
	movl	$MSR_EFER, %ecx
	rdmsr
	orl	$EFER_LME_NXE, %eax
	wrmsr
	movl	$CR0_LONG_MODE, %eax
	movl	%eax, %cr0
	ljmpl	*P_JUMP64(%ebx)

	.code64
ap_trampoline_lm64:
	movabsq	$ap_boot_stack, %rax
	movq	(%rax), %rsp
	movabsq	$ap_boot_cpu, %rax
	movq	(%rax), %rdi
	movabsq	$ap_entry64, %rax
	jmp	*%rax
ap_trampoline_end:

	.section .note.GNU-stack, "", @progbits
