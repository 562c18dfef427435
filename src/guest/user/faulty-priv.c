/* faulty-priv: executes a privileged instruction (HLT) at CPL 3; the kernel
 * must kill it with #GP and go on. Reaching the end is a failure (exit 1). */
#include "ulib.h"

int main(const char *args)
{
    printf("faulty-priv: executing HLT at CPL 3\n");
    __asm__ __volatile__("hlt");
    printf("faulty-priv: HLT did not fault!\n");
    return 1;
}
