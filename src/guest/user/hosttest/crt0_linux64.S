/* Host test only: Linux x86-64 entry. The argument string is argv[1] (or ""),
 * as spawn passes it in sys_linux64.c; then main(args), exit(result). */
        .text
        .globl _start
_start:
        xorl    %ebp, %ebp
        movq    (%rsp), %rcx            /* argc */
        leaq    empty(%rip), %rdi
        cmpq    $2, %rcx
        jb      1f
        movq    16(%rsp), %rdi          /* argv[1] */
1:      andq    $-16, %rsp
        call    main
        movl    %eax, %edi
        movl    $60, %eax
        syscall
2:      jmp     2b
        .section .rodata
empty:  .byte 0
        .section .note.GNU-stack, "", @progbits
