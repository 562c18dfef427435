/* faulty-ptr: writes through a bad pointer; the kernel must kill it with #PF
 * and go on. Reaching the end is a failure (exit 1). */
#include "ulib.h"

int main(const char *args)
{
    volatile int *bad = (volatile int *)0xdeadbeef000ull;
    printf("faulty-ptr: writing through the bad pointer %p\n", (void *)bad);
    *bad = 42;
    printf("faulty-ptr: the write did not fault!\n");
    return 1;
}
