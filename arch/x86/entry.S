/*
 * Boot CPU entry from the UEFI loader: RDI = physical address of the
 * struct boot_info, interrupts off, transitional page tables. Switch to
 * the boot stack in .bss and call kmain, which never returns.
 */
	.section .text.entry, "ax"
	.globl _start
	.code64
_start:
	cli
	cld
	leaq	boot_stack_top(%rip), %rsp
	xorl	%ebp, %ebp
	call	kmain
1:	hlt
	jmp	1b

/*
 * Application processors arrive here from the trampoline in 64-bit mode,
 * on the final page tables, with RSP = their own stack and RDI = their
 * struct cpu.
 */
	.globl ap_entry64
ap_entry64:
	xorl	%ebp, %ebp
	call	ap_main
1:	hlt
	jmp	1b

	.section .bss
	.balign 4096
boot_stack:
	.skip 16384
boot_stack_top:

	.section .note.GNU-stack, "", @progbits
