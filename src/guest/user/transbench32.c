/* transbench32: transbench's 32-bit helper. Median RDTSC cycles of a null
 * system call (getpid) through INT 0x80 and through SYSENTER
 * (__kernel_vsyscall), minus the median cost of an empty RDTSC pair. */
#include "ulib.h"

#define SAMPLES 201

static u64 samples[SAMPLES];

static u64 bench(long (*call)(long, long, long, long), u64 overhead)
{
    for (int i = 0; i < SAMPLES; i++) {
        u64 t0 = rdtsc();
        call(SYS32_getpid, 0, 0, 0);
        u64 t1 = rdtsc();
        samples[i] = t1 - t0;
    }
    u64 m = median_u64(samples, SAMPLES);
    return m > overhead ? m - overhead : 0;
}

int main(const char *args)
{
    for (int i = 0; i < SAMPLES; i++) {
        u64 t0 = rdtsc();
        u64 t1 = rdtsc();
        samples[i] = t1 - t0;
    }
    u64 overhead = median_u64(samples, SAMPLES);
    long p1 = sys32_int80(SYS32_getpid, 0, 0, 0);
    long p2 = sys32_vsyscall(SYS32_getpid, 0, 0, 0);
    if (p1 <= 0 || p1 != p2) {
        printf("transbench32: getpid disagrees: INT 0x80 %ld, SYSENTER %ld\n", p1, p2);
        return 1;
    }
    printf("transbench: null system call (getpid) via INT 0x80: median %llu cycles\n",
           bench(sys32_int80, overhead));
    printf("transbench: null system call (getpid) via SYSENTER: median %llu cycles\n",
           bench(sys32_vsyscall, overhead));
    return 0;
}
