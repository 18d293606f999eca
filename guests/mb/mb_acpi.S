/* SPDX-License-Identifier: MIT */
/*
 * mb_acpi: the ACPI tables and the power and reset registers of Keel's PC
 * (docs/guests.md, "The PC platform"), read as an OS reads them:
 *   1. the RSDP by the legacy scan of 0xe0000-0xfffff (16-byte steps),
 *      both its checksums, revision 2;
 *   2. the XSDT and every table it lists: signature, checksum;
 *   3. the MADT: one enabled local APIC per vCPU (the count CPUID 1
 *      EBX[23:16] gives), APIC IDs 0..n-1, the I/O APIC at 0xfec00000
 *      with ID n and GSI base 0, the override IRQ 0 -> GSI 2, PCAT_COMPAT;
 *   4. the FADT: its DSDT (checksum), \_S5 found in the AML and its first
 *      value taken as SLP_TYP; PM1a_CNT reads SCI_EN; the keyboard
 *      controller's status reads idle;
 *   5. then, by the command line: "off" writes SLP_TYP | SLP_EN to the
 *      FADT's PM1a_CNT (power off), "cf9" writes 0x02 then 0x06 to the
 *      reset control register, "kbc" sends 0xfe to port 0x64. Keel stops
 *      the VM there; a line after it is a FAIL.
 * PASS/FAIL/INFO lines on COM1.
 */
#include "mb.inc"

#define SCAN_START     0xe0000
#define SCAN_END       0x100000
#define SIG_RSD        0x20445352	/* "RSD " */
#define SIG_PTR        0x20525450	/* "PTR " */
#define SIG_XSDT       0x54445358
#define SIG_APIC       0x43495041
#define SIG_FACP       0x50434146
#define SIG_DSDT       0x54445344
#define SIG_S5         0x5f35535f	/* "_S5_" */
#define APIC_MMIO_ADDR 0xfee00000
#define IOAPIC_ADDR    0xfec00000
#define MADT_PCAT      1
#define FADT_DSDT      40
#define FADT_PM1A_CNT  64
#define SCI_EN         1
#define SLP_EN         (1 << 13)
#define SLP_TYP_SHIFT  10
#define AML_PACKAGE    0x12
#define AML_BYTE       0x0a
#define KBC_STATUS     0x64
#define KBC_BUSY       0x03		/* output or input buffer full */
#define RST_CNT        0xcf9
#define MB_INFO_CMDLINE (1 << 2)
#define CMD_MASK       0x00ffffff	/* three characters */
#define CMD_OFF        0x66666f		/* "off" */
#define CMD_CF9        0x396663		/* "cf9" */
#define CMD_KBC        0x63626b		/* "kbc" */

	.text
	.code32
_start:
	mov $stack_top, %esp
	mov %ebx, mb_info
	SAY32 "mb_acpi: started\n"
	call setup_descriptors
	cld

	/* the vCPU count: CPUID 1 EBX[23:16] */
	mov $1, %eax
	cpuid
	shr $16, %ebx
	and $0xff, %ebx
	mov %ebx, vcpus
	SAY32 "INFO vcpus (cpuid) "
	mov %ebx, %eax
	call puthex32
	SAY32 "\n"

	/* 1. the RSDP */
	mov $SCAN_START, %esi
1:	cmpl $SIG_RSD, (%esi)
	jne 2f
	cmpl $SIG_PTR, 4(%esi)
	je 3f
2:	add $16, %esi
	cmp $SCAN_END, %esi
	jb 1b
	SAY32 "FAIL no RSDP in 0xe0000-0xfffff\n"
	jmp give_up
3:	mov %esi, rsdp
	SAY32 "INFO RSDP at "
	mov %esi, %eax
	call puthex32
	SAY32 "\n"
	mov $20, %ecx
	call checksum
	test %al, %al
	RESULT z, "RSDP checksum"
	mov rsdp, %esi
	mov $36, %ecx
	call checksum
	test %al, %al
	RESULT z, "RSDP extended checksum"
	mov rsdp, %esi
	cmpb $2, 15(%esi)
	RESULT e, "RSDP revision 2"

	/* 2. the XSDT and its tables */
	mov 24(%esi), %ebx
	cmpl $0, 28(%esi)
	jne 4f
	cmpl $SIG_XSDT, (%ebx)
	jne 4f
	mov %ebx, %esi
	mov 4(%ebx), %ecx
	call checksum
	test %al, %al
	jnz 4f
	SAY32 "PASS XSDT signature and checksum\n"
	jmp 5f
4:	SAY32 "FAIL XSDT\n"
	jmp give_up
5:	lea 36(%ebx), %edi		/* the entries */
	mov 4(%ebx), %edx
	add %ebx, %edx			/* their end */
6:	cmp %edx, %edi
	jae 8f
	mov (%edi), %esi
	push %edx
	push %edi
	mov 4(%esi), %ecx
	call checksum
	pop %edi
	pop %edx
	test %al, %al
	jz 7f
	SAY32 "FAIL a table's checksum: "
	mov (%esi), %eax
	call puthex32
	SAY32 "\n"
7:	mov (%esi), %eax
	cmp $SIG_APIC, %eax
	jne 71f
	mov %esi, madt
71:	cmp $SIG_FACP, %eax
	jne 72f
	mov %esi, fadt
72:	add $8, %edi
	jmp 6b
8:	cmpl $0, madt
	RESULT ne, "MADT in the XSDT"
	cmpl $0, fadt
	RESULT ne, "FADT in the XSDT"
	cmpl $0, madt
	je give_up
	cmpl $0, fadt
	je give_up

	/* 3. the MADT */
	call check_madt

	/* 4. the FADT, the DSDT, \_S5 */
	call check_fadt

	mov $KBC_STATUS, %dx
	inb %dx, %al
	test $KBC_BUSY, %al
	RESULT z, "keyboard controller status idle"

	SAY32 "DONE mb_acpi checks\n"
	/* 5. what the command line asks */
	mov mb_info, %ebx
	testl $MB_INFO_CMDLINE, (%ebx)
	jz no_command
	mov 16(%ebx), %ebx
	mov (%ebx), %eax
	and $CMD_MASK, %eax
	cmp $CMD_OFF, %eax
	je power_off
	cmp $CMD_CF9, %eax
	je reset_cf9
	cmp $CMD_KBC, %eax
	je reset_kbc
no_command:
	SAY32 "INFO no command (off, cf9, kbc): halting\n"
	jmp give_up

power_off:
	SAY32 "INFO powering off through PM1a_CNT\n"
	mov fadt, %ebx
	mov FADT_PM1A_CNT(%ebx), %edx
	mov slp_typ, %eax
	shl $SLP_TYP_SHIFT, %eax
	or $SLP_EN, %eax
	outw %ax, %dx
	SAY32 "FAIL still running after S5\n"
	jmp give_up

reset_cf9:
	SAY32 "INFO resetting through 0xcf9\n"
	mov $RST_CNT, %dx
	mov $0x02, %al
	outb %al, %dx
	mov $0x06, %al
	outb %al, %dx
	SAY32 "FAIL still running after the 0xcf9 reset\n"
	jmp give_up

reset_kbc:
	SAY32 "INFO resetting through the keyboard controller\n"
	mov $KBC_STATUS, %dx
1:	inb %dx, %al
	test $0x02, %al			/* input buffer full: wait */
	jnz 1b
	mov $0xfe, %al
	outb %al, %dx
	SAY32 "FAIL still running after the 0xfe reset\n"

give_up:
	cli
1:	hlt
	jmp 1b

/* AL = the byte sum of ECX bytes at ESI (0 for a valid table). */
checksum:
	push %esi
	push %ecx
	xor %eax, %eax
	test %ecx, %ecx
	jz 2f
1:	add (%esi), %al
	inc %esi
	dec %ecx
	jnz 1b
2:	pop %ecx
	pop %esi
	ret

check_madt:
	mov madt, %ebx
	cmpl $APIC_MMIO_ADDR, 36(%ebx)
	RESULT e, "MADT local APIC address"
	testl $MADT_PCAT, 40(%ebx)
	RESULT nz, "MADT PCAT_COMPAT"
	lea 44(%ebx), %esi
	mov 4(%ebx), %edx
	add %ebx, %edx
	xor %ecx, %ecx			/* local APICs counted */
1:	cmp %edx, %esi
	jae 5f
	movzbl 1(%esi), %eax
	test %eax, %eax
	jz madt_zero_length		/* it would loop */
	cmpb $0, (%esi)
	jne 2f
	/* a local APIC: enabled, ID = its place */
	testl $1, 4(%esi)
	jz madt_bad_lapic
	movzbl 3(%esi), %eax
	cmp %ecx, %eax
	jne madt_bad_lapic
	inc %ecx
	jmp 4f
2:	cmpb $1, (%esi)
	jne 3f
	/* the I/O APIC */
	movzbl 2(%esi), %eax
	mov %eax, ioapic_id
	mov 4(%esi), %eax
	mov %eax, ioapic_addr
	mov 8(%esi), %eax
	mov %eax, ioapic_gsi_base
	jmp 4f
3:	cmpb $2, (%esi)
	jne 4f
	/* an override: ISA IRQ 0 -> GSI 2 */
	cmpw $0, 2(%esi)		/* bus 0, source 0 */
	jne 4f
	mov 4(%esi), %eax
	mov %eax, irq0_gsi
4:	movzbl 1(%esi), %eax
	add %eax, %esi
	jmp 1b
5:	SAY32 "INFO madt local APICs "
	mov %ecx, %eax
	call puthex32
	SAY32 "\n"
	cmp vcpus, %ecx
	RESULT e, "MADT one enabled local APIC per vCPU, IDs 0..n-1"
	mov vcpus, %eax
	cmp ioapic_id, %eax
	RESULT e, "MADT I/O APIC ID is the vCPU count"
	cmpl $IOAPIC_ADDR, ioapic_addr
	RESULT e, "MADT I/O APIC at 0xfec00000"
	cmpl $0, ioapic_gsi_base
	RESULT e, "MADT I/O APIC GSI base 0"
	cmpl $2, irq0_gsi
	RESULT e, "MADT override IRQ 0 -> GSI 2"
	ret
madt_bad_lapic:
	SAY32 "FAIL MADT local APIC disabled or out of order\n"
	ret
madt_zero_length:
	SAY32 "FAIL MADT entry of length 0\n"
	ret

check_fadt:
	mov fadt, %ebx
	mov FADT_DSDT(%ebx), %esi
	cmpl $SIG_DSDT, (%esi)
	jne 1f
	mov 4(%esi), %ecx
	call checksum
	test %al, %al
	jz 2f
1:	SAY32 "FAIL DSDT\n"
	ret
2:	SAY32 "PASS DSDT signature and checksum\n"
	/* \_S5: its NameSeg, then PackageOp, PkgLength, NumElements */
	mov 4(%esi), %edx
	add %esi, %edx
	sub $4, %edx
	add $36, %esi
3:	cmp %edx, %esi
	jae 6f
	cmpl $SIG_S5, (%esi)
	je 4f
	inc %esi
	jmp 3b
4:	cmpb $AML_PACKAGE, 4(%esi)
	jne 6f
	movzbl 7(%esi), %eax		/* element 0 */
	cmp $AML_BYTE, %eax
	jne 5f
	movzbl 8(%esi), %eax
5:	mov %eax, slp_typ
	SAY32 "PASS DSDT has \\_S5\n"
	SAY32 "INFO _S5 SLP_TYP "
	call puthex32
	SAY32 "\n"
	jmp 7f
6:	SAY32 "FAIL no \\_S5 package in the DSDT\n"
7:	mov FADT_PM1A_CNT(%ebx), %edx
	inw %dx, %ax
	test $SCI_EN, %ax
	RESULT nz, "PM1a_CNT reads SCI_EN"
	ret

	.data
mb_info:	.long 0
vcpus:		.long 0
rsdp:		.long 0
madt:		.long 0
fadt:		.long 0
ioapic_id:	.long 0xffffffff
ioapic_addr:	.long 0
ioapic_gsi_base: .long 0xffffffff
irq0_gsi:	.long 0xffffffff
slp_typ:	.long 0
