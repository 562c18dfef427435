/* hello32-int80 / hello32-sysenter: a 32-bit compatibility-mode program
 * entering the kernel by INT 0x80, or (built with -DVIA_SYSENTER) by SYSENTER
 * through __kernel_vsyscall in the vDSO page (write, getpid). */
#include "ulib.h"

#ifdef VIA_SYSENTER
#define NAME "hello32-sysenter"
#define HOW  "SYSENTER (__kernel_vsyscall)"
#else
#define NAME "hello32-int80"
#define HOW  "INT 0x80"
#endif

int main(const char *args)
{
#ifdef VIA_SYSENTER
    sys32_use_sysenter(1);
#endif
    long pid = sys_getpid();
    printf(NAME ": hello from 32-bit compatibility mode via " HOW ", pid %ld\n", pid);
    return pid > 0 ? 0 : 1;
}
