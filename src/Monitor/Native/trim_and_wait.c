/*
 * ctmon's idle wait: drop the start-up code pages, then wait for the container's init, in code that touches nothing
 * the drop took away.
 *
 * Code that runs after madvise(MADV_DONTNEED) on a code mapping faults its pages back, and the kernel maps the 64 KB
 * around every such fault (fault-around): run from managed code, the way back from madvise to waitpid brought about
 * 1 MB of ctmon's and libc's code back. So the madvise calls and the wait4 are made here, with raw syscalls (no libc
 * between them), from a function that sits alone in its own page-aligned section, which it leaves out of the ranges
 * it drops. Its stack and the ranges array are anonymous memory, which the drop does not touch.
 *
 *   long ct_trim_and_wait(const uintptr_t *ranges, int pid, int *status)
 *
 * ranges: {address, length} pairs ending with a zero length (WorkingSet.TrimmableMappings). Returns wait4's result: pid,
 * or -errno (wait4 is made again on EINTR); -ENOSYS where this architecture has no branch here (the caller then trims
 * and waits from managed code). The C# side is src/OciRuntime/Linux/WorkingSet.cs; docs/processes.md has the numbers.
 */
#include <errno.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>

/* The largest page size the architecture may run with: the section starts and ends on a page boundary, alone on its page. */
#if defined(__aarch64__)
#define CT_TRIM_ALIGN 65536
#else
#define CT_TRIM_ALIGN 4096
#endif
#define CT_STRINGIFY(x) #x
#define CT_BALIGN(x) ".balign " CT_STRINGIFY(x) "\n"

/* ct_trim_text is a C identifier, so the linker defines its bounds: the range the drop leaves alone. */
extern const char __start_ct_trim_text[] __attribute__((visibility("hidden")));
extern const char __stop_ct_trim_text[] __attribute__((visibility("hidden")));

#if defined(__x86_64__)
__attribute__((always_inline)) static inline long ct_syscall4(long number, long a, long b, long c, long d)
{
    register long r10 __asm__("r10") = d;
    long result;
    __asm__ volatile("syscall" : "=a"(result) : "a"(number), "D"(a), "S"(b), "d"(c), "r"(r10) : "rcx", "r11", "memory");
    return result;
}
#elif defined(__aarch64__)
__attribute__((always_inline)) static inline long ct_syscall4(long number, long a, long b, long c, long d)
{
    register long x8 __asm__("x8") = number;
    register long x0 __asm__("x0") = a;
    register long x1 __asm__("x1") = b;
    register long x2 __asm__("x2") = c;
    register long x3 __asm__("x3") = d;
    __asm__ volatile("svc 0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2), "r"(x3) : "memory");
    return x0;
}
#endif

__attribute__((section("ct_trim_text"), aligned(CT_TRIM_ALIGN), noinline, used))
long ct_trim_and_wait(const uintptr_t *ranges, int pid, int *status)
{
#if defined(__x86_64__) || defined(__aarch64__)
    const uintptr_t keep_start = (uintptr_t)__start_ct_trim_text, keep_end = (uintptr_t)__stop_ct_trim_text;
    for (; ranges[1] != 0; ranges += 2)
    {
        uintptr_t start = ranges[0], end = ranges[0] + ranges[1];
        if (end <= keep_start || start >= keep_end)
        {
            ct_syscall4(SYS_madvise, (long)start, (long)(end - start), MADV_DONTNEED, 0);
            continue;
        }
        if (start < keep_start) ct_syscall4(SYS_madvise, (long)start, (long)(keep_start - start), MADV_DONTNEED, 0);
        if (end > keep_end) ct_syscall4(SYS_madvise, (long)keep_end, (long)(end - keep_end), MADV_DONTNEED, 0);
    }
    long result;
    do result = ct_syscall4(SYS_wait4, pid, (long)status, 0, 0);
    while (result == -EINTR);
    return result;
#else
    (void)ranges;
    (void)pid;
    (void)status;
    return -ENOSYS;
#endif
}

/* Pads the section to its alignment: nothing else the linker places after it shares its last page. */
__asm__(".pushsection ct_trim_text,\"ax\",%progbits\n" CT_BALIGN(CT_TRIM_ALIGN) ".popsection\n");
