/* 64-bit program entry (abi.h): RDI points at the argument string at the
 * top of the stack. Calls main(args), then exit(main's result). */
#include "abi.h"
        .section .text.start, "ax"
        .globl _start
        .type _start, @function
_start:
        xorl    %ebp, %ebp              /* outermost frame */
        andq    $-16, %rsp              /* SysV alignment before the call */
        call    main                    /* main(const char *args) in RDI */
        movl    %eax, %edi
        movl    $SYS64_exit, %eax
        syscall
1:      jmp     1b                      /* exit does not return */
        .size _start, . - _start
        .section .note.GNU-stack, "", @progbits
