/*
 * Stage 2: 32-bit protected mode. A 32-bit IDT: INT n through an interrupt
 * gate and a trap gate, #DE and #GP faults resumed by their handlers. LTR,
 * IRET to ring 3, and from ring 3: INT 80h through a DPL-3 gate, a far CALL
 * through a call gate with parameter copying and RETF back, SYSENTER/SYSEXIT.
 * Then back in ring 0, PAE paging and EFER.LME into IA-32e mode (long.S).
 */
#include "defs.h"

    .section .note.GNU-stack, "", @progbits
    .text
    .code32

    .globl pm32_entry
pm32_entry:
    mov $SEL_K32_DATA, %ax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %fs
    mov %ax, %gs
    mov %ax, %ss
    mov $KSTACK_TOP, %esp
    mov %esp, %eax
    push %eax                           /* 0x50: 4 bytes with a 32-bit code segment */
    sub %esp, %eax
    pop %ecx
    xor %ebx, %ebx
    mov %cs, %bx
    mov %ebx, %ecx
    and $3, %ecx                        /* CPL = CS.RPL */
    xor %edx, %edx
    mov %ss, %dx
    mov %cr0, %esi
    mov %esp, %edi
    PF32 "[prot32] LGDT, CR0.PE=1, far jump to 0008: CS=%w SS=%w CPL=%b CR0=%l ESP=%l, push size %b\n", %ebx, %edx, %ecx, %esi, %edi, %eax

    call build_idt32
    lidt idtr32_value

    /* INT 40h through an interrupt gate, with IF=1 (the PICs are masked). */
    mov %esp, %esi
    pushl $0x00000202
    popfl
    int $0x40
int40_ret:
    pushfl
    popl %eax
    cli
    mov %esp, %ebx
    PF32 "; IRET back: ESP=%l EFLAGS=%l\n", %ebx, %eax

    /* INT 41h through a trap gate: IF stays set in the handler. */
    mov %esp, %esi
    pushl $0x00000202
    popfl
    int $0x41
int41_ret:
    pushfl
    popl %eax
    cli
    mov %esp, %ebx
    PF32 "; IRET back: ESP=%l EFLAGS=%l\n", %ebx, %eax

    /* #DE: a fault; the handler moves the return EIP past the DIV. */
    mov %esp, %esi
    mov $1, %eax
    xor %edx, %edx
    xor %ecx, %ecx
de_insn:
    divl %ecx
de_resume:
    PF32 "; resumed after the DIV with EAX=%l EDX=%l unchanged\n", %eax, %edx

    /* #GP with an error code: a selector beyond the GDT limit. */
    mov %esp, %esi
    mov $0x78, %eax
gp_insn:
    mov %ax, %ds                        /* 8E D8 */
gp_resume:
    xor %eax, %eax
    mov %ds, %ax
    PF32 "; resumed after the MOV, DS still %w\n", %eax

    /* The TSS: SS0:ESP0, no I/O bitmap (base beyond the limit). */
    mov $TSS32_BASE, %edi
    mov $(104 / 4), %ecx
    xor %eax, %eax
    rep stosl
    movl $RSP0_TOP, TSS32_BASE + 4
    movl $SEL_K32_DATA, TSS32_BASE + 8
    movw $104, TSS32_BASE + 102
    movzbl GDT_BASE + SEL_TSS32 + 5, %esi   /* access byte before LTR */
    mov $SEL_TSS32, %ax
    ltr %ax
    movzbl GDT_BASE + SEL_TSS32 + 5, %edi   /* after: the busy bit */
    xor %ebx, %ebx
    str %bx

    /* The call gate: DPL 3, two dword parameters, to 0008:callgate_handler. */
    mov $callgate_handler, %eax
    movw %ax, GDT_BASE + SEL_CALLGATE
    movw $SEL_K32_CODE, GDT_BASE + SEL_CALLGATE + 2
    movb $2, GDT_BASE + SEL_CALLGATE + 4
    movb $0xEC, GDT_BASE + SEL_CALLGATE + 5
    shr $16, %eax
    movw %ax, GDT_BASE + SEL_CALLGATE + 6

    /* SYSENTER: CS 0008 (SS 0010, SYSEXIT to 001b/0023). */
    mov $MSR_SYSENTER_CS, %ecx
    mov $SEL_K32_CODE, %eax
    xor %edx, %edx
    wrmsr
    mov $MSR_SYSENTER_ESP, %ecx
    mov $SYSENTER_STACK, %eax
    wrmsr
    mov $MSR_SYSENTER_EIP, %ecx
    mov $sysenter_entry32, %eax
    wrmsr
    mov $MSR_SYSENTER_ESP, %ecx
    rdmsr
    mov %eax, %ebp
    mov $MSR_SYSENTER_CS, %ecx
    rdmsr
    mov %eax, %ecx
    PF32 "[prot32] LTR 0028: TR=%w, TSS descriptor access byte %b -> %b (busy), TSS SS0:ESP0=0010:00060000, call gate 0030 (DPL 3, 2 params); RDMSR SYSENTER_CS=%l SYSENTER_ESP=%l; IRET to ring 3\n", %ebx, %esi, %edi, %ecx, %ebp

    /* IRET to ring 3 with the kernel's selectors still in DS/ES/FS/GS. */
    pushl $(SEL_U32_DATA | 3)
    pushl $USER_STACK_TOP
    pushl $0x00000002
    pushl $(SEL_U32_CODE | 3)
    pushl $user32_entry
    iret

/* ---- Ring 3, 32-bit ---------------------------------------------------------
 * CPL 3 cannot do I/O (IOPL 0, no bitmap): it reports through INT 80h. */
user32_entry:
    xor %ecx, %ecx
    mov %cs, %cx
    xor %edx, %edx
    mov %ss, %dx
    mov %esp, %esi
    xor %edi, %edi
    mov %ds, %di
    xor %ebp, %ebp
    mov %gs, %bp
    UREPORT "[ring3] IRET to CPL 3: CS=%w SS=%w ESP=%l; DS=%w GS=%w (DPL-0 selectors nulled by IRET)\n"
    mov $(SEL_U32_DATA | 3), %ax
    mov %ax, %ds
    mov %ax, %es

    /* INT 80h through the DPL-3 interrupt gate. */
    cmp %eax, %eax                      /* flags all defined: ZF, PF (46h) */
    mov $SYS_PROBE, %eax
    mov $1f, %edx
    int $0x80
1:  xor %ecx, %ecx
    mov %cs, %cx
    xor %edx, %edx
    mov %ss, %dx
    mov %esp, %esi
    UREPORT "; IRET back: CS=%w SS=%w ESP=%l\n"

    /* Far CALL through the call gate, two parameters; RETF 8 back. */
    pushl $0x11111111
    pushl $0x22222222
    mov $1f, %edx
    lcall $(SEL_CALLGATE | 3), $0
1:  xor %ecx, %ecx
    mov %cs, %cx
    xor %edx, %edx
    mov %ss, %dx
    mov %esp, %esi
    UREPORT "; RETF 8 back: CS=%w SS=%w ESP=%l (both parameter copies released)\n"

    /* SYSENTER; SYSEXIT returns to EDX with ESP = ECX (16 below ours). */
    cmp %eax, %eax                      /* flags all defined: ZF, PF (46h) */
    mov $SYS_PROBE, %eax
    mov $1f, %edx
    lea -16(%esp), %ecx
    sysenter
1:  xor %ecx, %ecx
    mov %cs, %cx
    xor %edx, %edx
    mov %ss, %dx
    mov %esp, %esi
    add $16, %esp
    UREPORT "; SYSEXIT back: CS=%w SS=%w ESP=%l (from ECX)\n"

    mov $SYS_DONE, %eax
    int $0x80
    ud2                                 /* not reached */

/* ---- Ring-0 entry points -------------------------------------------------- */

/* INT 40h, interrupt gate. ESI = ESP before the INT (set by the caller). */
int40_handler:
    pushfl
    pushal
    mov %esp, %ebp                      /* [ebp+32] handler EFLAGS, +36 EIP, +40 CS, +44 EFLAGS */
    cmpl $int40_ret, 36(%ebp)
    CHECK32 e, "INT 40h frame EIP is not the return address"
    lea 36(%ebp), %eax
    PF32 "[prot32] INT 40h through a 32-bit interrupt gate: ESP %l->%l, frame CS=%w EFLAGS=%l EIP=return address, handler EFLAGS=%l (IF cleared)", %esi, %eax, 40(%ebp), 44(%ebp), 32(%ebp)
    popal
    popfl
    iret

/* INT 41h, trap gate. */
int41_handler:
    pushfl
    pushal
    mov %esp, %ebp
    cmpl $int41_ret, 36(%ebp)
    CHECK32 e, "INT 41h frame EIP is not the return address"
    lea 36(%ebp), %eax
    PF32 "[prot32] INT 41h through a 32-bit trap gate: ESP %l->%l, frame CS=%w EFLAGS=%l EIP=return address, handler EFLAGS=%l (IF kept)", %esi, %eax, 40(%ebp), 44(%ebp), 32(%ebp)
    popal
    popfl
    iret

/* #DE: only the one at de_insn is expected. */
de_handler32:
    cmpl $de_insn, (%esp)
    jne stub32_0
    pushal
    mov %esp, %ebp                      /* [ebp+32] EIP, +36 CS, +40 EFLAGS */
    lea 32(%ebp), %eax
    PF32 "[prot32] #DE (DIV by zero), vector 0: ESP %l->%l (no error code), frame CS=%w EIP=the DIV itself (a fault); the handler resumes after it", %esi, %eax, 36(%ebp)
    movl $de_resume, 32(%ebp)
    popal
    iret

/* #GP: only the one at gp_insn is expected. */
gp_handler32:
    cmpl $gp_insn, 4(%esp)
    jne stub32_13
    pushal
    mov %esp, %ebp                      /* [ebp+32] error code, +36 EIP, +40 CS */
    lea 32(%ebp), %eax
    PF32 "[prot32] #GP on MOV DS,0078 (GDT limit 0077): error code %l (the selector), ESP %l->%l (error code pushed), frame CS=%w EIP=the MOV", 32(%ebp), %esi, %eax, 40(%ebp)
    movl $gp_resume, 36(%ebp)
    popal
    add $4, %esp                        /* drop the error code */
    iret

/* INT 80h, DPL-3 interrupt gate: the ring-3 services. */
int80_handler32:
    push %ds
    push %es
    pushal
    mov %esp, %ebp          /* pushal: +0 EDI +4 ESI +8 EBP +12 ESP +16 EBX +20 EDX +24 ECX +28 EAX */
                            /* +32 ES, +36 DS, +40 EIP, +44 CS, +48 EFLAGS, +52 ESP, +56 SS */
    mov $SEL_K32_DATA, %bx
    mov %bx, %ds
    mov %bx, %es
    cmp $SYS_REPORT, %eax
    je 2f
    cmp $SYS_DONE, %eax
    je 3f
    cmp $SYS_PROBE, %eax
    CHECK32 e, "INT 80h: unknown function"
    cmp 40(%ebp), %edx
    CHECK32 e, "INT 80h frame EIP is not the return address"
    xor %eax, %eax
    mov %cs, %ax
    xor %ebx, %ebx
    mov %ss, %bx
    lea 40(%ebp), %ecx
    PF32 "[prot32] INT 80h through a DPL-3 interrupt gate from CPL 3: CS=%w, SS:ESP=%w:%l (TSS SS0:ESP0 minus 20), frame SS:ESP=%w:%l EFLAGS=%l CS=%w EIP=return address", %eax, %ebx, %ecx, 56(%ebp), 52(%ebp), 48(%ebp), 44(%ebp)
    jmp 9f
2:  pushl 8(%ebp)           /* the caller's EBP, EDI, ESI, EDX, ECX: arguments */
    pushl 0(%ebp)
    pushl 4(%ebp)
    pushl 20(%ebp)
    pushl 24(%ebp)
    pushl 16(%ebp)          /* the caller's EBX: the format */
    call pf32
    add $24, %esp
    jmp 9f
3:  /* Ring 3 is done: continue the kernel's script on its own stack. */
    mov $KSTACK_TOP, %esp
    jmp stage_ia32e
9:  popal
    pop %es
    pop %ds
    iret

/* Far CALL through the call gate: 2 parameters copied to the TSS stack. */
callgate_handler:
    push %ds
    push %es
    pushal
    mov %esp, %ebp          /* +40 EIP, +44 CS, +48 param (last pushed), +52 param, +56 ESP, +60 SS */
    mov $SEL_K32_DATA, %bx
    mov %bx, %ds
    mov %bx, %es
    cmp 40(%ebp), %edx
    CHECK32 e, "call gate frame EIP is not the return address"
    xor %eax, %eax
    mov %cs, %ax
    xor %ebx, %ebx
    mov %ss, %bx
    lea 40(%ebp), %ecx
    PF32 "[prot32] far CALL 0033:00000000 through the call gate: CS=%w, SS:ESP=%w:%l (TSS SS0:ESP0 minus 24), parameters copied %l %l, frame CS=%w SS:ESP=%w:%l", %eax, %ebx, %ecx, 48(%ebp), 52(%ebp), 44(%ebp), 60(%ebp), 56(%ebp)
    popal
    pop %es
    pop %ds
    lret $8

/* SYSENTER from ring 3: ESP = IA32_SYSENTER_ESP, no frame. */
sysenter_entry32:
    pushfl
    push %ds
    push %es
    pushal
    mov %esp, %ebp          /* +40 EFLAGS after SYSENTER */
    mov $SEL_K32_DATA, %bx
    mov %bx, %ds
    mov %bx, %es
    cmp $SYS_PROBE, %eax
    CHECK32 e, "SYSENTER: unknown function"
    xor %eax, %eax
    mov %cs, %ax
    xor %ebx, %ebx
    mov %ss, %bx
    lea 44(%ebp), %esi
    PF32 "[prot32] SYSENTER from CPL 3: CS=%w SS=%w (IA32_SYSENTER_CS, +8) ESP=%l (IA32_SYSENTER_ESP) EFLAGS=%l, SYSEXIT to EDX with ESP=ECX=%l", %eax, %ebx, %esi, 40(%ebp), 24(%ebp)
    popal
    pop %es
    pop %ds
    popfl
    sysexit

/* ---- IDT -------------------------------------------------------------------- */

/* set_gate32: ECX = vector, EAX = handler, DL = type byte (P, DPL, type). */
set_gate32:
    push %eax
    push %edi
    lea IDT32_BASE(,%ecx,8), %edi
    movw %ax, (%edi)
    movw $SEL_K32_CODE, 2(%edi)
    movb $0, 4(%edi)
    movb %dl, 5(%edi)
    shr $16, %eax
    movw %ax, 6(%edi)
    pop %edi
    pop %eax
    ret

build_idt32:
    pushal
    mov $IDT32_BASE, %edi
    mov $(256 * 8 / 4), %ecx
    xor %eax, %eax
    rep stosl
    xor %ecx, %ecx
1:  mov stub32_table(,%ecx,4), %eax
    mov $0x8E, %dl                      /* 32-bit interrupt gate, DPL 0 */
    call set_gate32
    inc %ecx
    cmp $32, %ecx
    jb 1b
    mov $0, %ecx
    mov $de_handler32, %eax
    call set_gate32
    mov $13, %ecx
    mov $gp_handler32, %eax
    call set_gate32
    mov $0x40, %ecx
    mov $int40_handler, %eax
    call set_gate32
    mov $0x41, %ecx
    mov $int41_handler, %eax
    mov $0x8F, %dl                      /* 32-bit trap gate, DPL 0 */
    call set_gate32
    mov $0x80, %ecx
    mov $int80_handler32, %eax
    mov $0xEE, %dl                      /* 32-bit interrupt gate, DPL 3 */
    call set_gate32
    popal
    ret

idtr32_value:
    .word 256 * 8 - 1
    .long IDT32_BASE

/* Unexpected exceptions: one stub per vector pushes a dummy error code where
 * the CPU pushes none, then the vector. */
.macro STUB32 v
stub32_\v:
    .if (\v == 8) || ((\v >= 10) && (\v <= 14)) || (\v == 17) || (\v == 21) || (\v == 29) || (\v == 30)
    .else
    pushl $0
    .endif
    pushl $\v
    jmp fail_exception32
.endm
    .irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    STUB32 \v
    .endr
    .balign 4
stub32_table:
    .irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    .long stub32_\v
    .endr

fail_exception32:
    mov $SEL_K32_DATA, %ax
    mov %ax, %ds
    mov %ax, %es
    mov %esp, %ebp          /* +0 vector, +4 error code, +8 EIP, +12 CS */
    PF32 "\nFAIL: unexpected exception %b (error code %l) at %w:%l\n", 0(%ebp), 4(%ebp), 12(%ebp), 8(%ebp)
    .globl exit_fail32
exit_fail32:
    mov $EXIT_FAIL, %al
    out %al, $EXIT_PORT
1:  cli
    hlt
    jmp 1b

/* ---- printf for protected and compatibility mode -------------------------- */

/* pf32: [esp+4] = format, then the arguments; preserves everything. */
    .globl pf32
pf32:
    push %ebp
    mov %esp, %ebp
    pushal
    pushfl
    cld
    mov 8(%ebp), %esi
    lea 12(%ebp), %edi
    call vprint32
    popfl
    popal
    pop %ebp
    ret

/* vprint32: ESI = format, EDI = arguments. */
vprint32:
1:  lodsb
    test %al, %al
    jz 9f
    cmp $0x25 /* % */, %al
    jne 2f
    lodsb
    mov $2, %ecx
    cmp $0x62 /* b */, %al
    je 3f
    mov $4, %ecx
    cmp $0x77 /* w */, %al
    je 3f
    mov $8, %ecx
    cmp $0x6C /* l */, %al
    je 3f
    cmp $0x73 /* s */, %al
    je 4f
2:  out %al, $DEBUGCON
    jmp 1b
3:  mov (%edi), %edx
    add $4, %edi
    call hex32
    jmp 1b
4:  push %esi
    mov (%edi), %esi
    add $4, %edi
5:  lodsb
    test %al, %al
    jz 6f
    out %al, $DEBUGCON
    jmp 5b
6:  pop %esi
    jmp 1b
9:  ret

/* hex32: print the low ECX hex digits of EDX. */
hex32:
    push %eax
    push %ecx
1:  dec %ecx
    mov %edx, %eax
    push %ecx
    shl $2, %ecx
    shr %cl, %eax
    pop %ecx
    and $0xF, %eax
    movb hexdigits(%eax), %al
    out %al, $DEBUGCON
    test %ecx, %ecx
    jnz 1b
    pop %ecx
    pop %eax
    ret

/* ---- Into IA-32e mode -------------------------------------------------------- */

stage_ia32e:
    mov $SEL_K32_DATA, %ax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %fs
    mov %ax, %gs
    mov %ax, %ss

    /* Page tables: PML4[0] -> PDPT[0] -> PD; PD[0] -> PT mapping the first
     * 2 MiB one to one in 4 KiB pages; PD[1] a 2 MiB page at linear 2 MiB
     * onto physical 0 (an alias). All user-accessible and writable. */
    mov $PML4_BASE, %edi
    mov $(4 * 4096 / 4), %ecx
    xor %eax, %eax
    rep stosl
    movl $(PDPT_BASE | 7), PML4_BASE
    movl $(PD_BASE | 7), PDPT_BASE
    movl $(PT_BASE | 7), PD_BASE
    movl $(0 | 0x87), PD_BASE + 8       /* PS | U/S | R/W | P */
    mov $PT_BASE, %edi
    mov $7, %eax
1:  mov %eax, (%edi)
    add $8, %edi
    add $0x1000, %eax
    cmp $(PT_BASE + 4096), %edi
    jb 1b

    mov %cr4, %eax
    or $0x20, %eax                      /* PAE */
    mov %eax, %cr4
    mov $PML4_BASE, %eax
    mov %eax, %cr3
    mov $MSR_EFER, %ecx
    rdmsr
    or $0x101, %eax                     /* LME, SCE */
    wrmsr
    mov %cr0, %eax
    or $0x80000000, %eax                /* PG: IA-32e mode, compatibility mode until CS changes */
    mov %eax, %cr0
    mov $MSR_EFER, %ecx
    rdmsr
    mov %eax, %ebx
    mov %cr0, %eax
    mov %cr4, %edx
    mov %cr3, %esi
    xor %edi, %edi
    mov %cs, %di
    PF32 "[compat] CR4.PAE, CR3, EFER.LME, CR0.PG: EFER=%l (LMA) CR0=%l CR4=%l CR3=%l, CS=%w still 32-bit: compatibility mode\n", %ebx, %eax, %edx, %esi, %edi
    ljmp $SEL_K64_CODE, $long64_entry
