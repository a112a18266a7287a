/* seccomp-load PROGRAM.bpf PAIRS: the kernel's share of a filter, without any runtime: fork + exec /bin/true with
 * the program of a seccomp.bpf (bench/../src/OciRuntime/Seccomp/CompiledSeccomp.cs's layout) loaded in the child
 * against the same without it, alternated; prints the medians of the CPU time (wait4) and of the paired differences.
 * gcc -O2 -o seccomp-load bench/lib/seccomp-load.c && ./seccomp-load STORE/seccomp/DIGEST.bpf 400 */
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
static int cmp(const void *a, const void *b) { double x = *(double *)a, y = *(double *)b; return x < y ? -1 : x > y; }
static double run(int filtered, struct sock_fprog *prog) {
    pid_t pid = fork();
    if (pid == 0) {
        prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
        if (filtered && prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, prog)) { perror("seccomp"); _exit(1); }
        execl("/bin/true", "true", (char *)0); _exit(127);
    }
    int st; struct rusage ru; wait4(pid, &st, 0, &ru);
    return ru.ru_utime.tv_sec * 1e3 + ru.ru_utime.tv_usec / 1e3 + ru.ru_stime.tv_sec * 1e3 + ru.ru_stime.tv_usec / 1e3;
}
int main(int argc, char **argv) {
    FILE *f = fopen(argv[1], "rb"); static unsigned char buf[1 << 20]; size_t n = fread(buf, 1, sizeof buf, f);
    int32_t tl; memcpy(&tl, buf, 4); int32_t pl; memcpy(&pl, buf + 4 + tl, 4);
    struct sock_fprog prog = { .len = pl / 8, .filter = (struct sock_filter *)(buf + 8 + tl) };
    int pairs = atoi(argv[2]); double *d = malloc(sizeof(double) * pairs), *a = malloc(sizeof(double) * pairs), *b = malloc(sizeof(double) * pairs);
    for (int i = 0; i < pairs; i++) {
        double x, y;
        if (i % 2) { x = run(1, &prog); y = run(0, &prog); } else { y = run(0, &prog); x = run(1, &prog); }
        a[i] = x; b[i] = y; d[i] = x - y;
    }
    qsort(a, pairs, sizeof(double), cmp); qsort(b, pairs, sizeof(double), cmp); qsort(d, pairs, sizeof(double), cmp);
    printf("%d instructions; fork+exec true, CPU: filtered %.3f ms, unfiltered %.3f ms, paired difference %.3f ms (median of %d pairs)\n", prog.len, a[pairs / 2], b[pairs / 2], d[pairs / 2], pairs);
    return 0;
}
