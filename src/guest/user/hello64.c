/* hello64: a 64-bit program entering the kernel by SYSCALL (write, getpid). */
#include "ulib.h"

int main(const char *args)
{
    long pid = sys_getpid();
    printf("hello64: hello from 64-bit user mode via SYSCALL, pid %ld\n", pid);
    return pid > 0 ? 0 : 1;
}
