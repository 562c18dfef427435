/* 32-bit (compatibility-mode) program entry (abi.h): the argument-string
 * pointer is the first stack argument, the word above the return-address
 * slot, i.e. 4(%esp). Calls main(args), then exit(main's result) by INT 0x80. */
#include "abi.h"
        .section .text.start, "ax"
        .globl _start
        .type _start, @function
_start:
        movl    4(%esp), %eax           /* const char *args */
        xorl    %ebp, %ebp
        andl    $-16, %esp
        subl    $12, %esp
        pushl   %eax                    /* ESP is 16-aligned at the call */
        call    main
        movl    %eax, %ebx
        movl    $SYS32_exit, %eax
        int     $0x80
1:      jmp     1b
        .size _start, . - _start
        .section .note.GNU-stack, "", @progbits
