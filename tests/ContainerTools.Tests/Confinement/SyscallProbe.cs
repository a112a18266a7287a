namespace ContainerTools.Tests.Confinement;

/// <summary>
/// A small static C program, built here with gcc (scripts/setup.sh installs it), that tries from inside a container
/// the syscalls Docker's default seccomp profile denies, each in a child of its own, and prints NAME=OK or
/// NAME=ERRNO_NAME per line; "probe escape" tries the cgroup release_agent escape (CVE-2022-0492) step by step,
/// "probe euid" prints its real and effective uid.
/// Arguments are chosen so that an allowed call does nothing (missing paths, bad pointers, an invalid clock).
/// </summary>
public sealed class SyscallProbe : IDisposable
{
    public SyscallProbe()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("ct-probe-").FullName;
        var source = Path.Combine(Directory, "probe.c");
        File.WriteAllText(source, Source);
        var probe = Path.Combine(Directory, "probe");
        Fixtures.TestImages.Run("gcc", "-static", "-O1", "-Wall", "-o", probe, source);
        // A setuid-root copy, to show what no_new_privs changes; the directory is readable to a container's non-root user.
        File.Copy(probe, Path.Combine(Directory, "probe-setuid"));
        File.SetUnixFileMode(Path.Combine(Directory, "probe-setuid"), (UnixFileMode)0b100_111_101_101);
        File.SetUnixFileMode(Directory, (UnixFileMode)0b111_101_101);
    }

    /// <summary>Holds the binary "probe" and its setuid-root copy "probe-setuid": bind it at /probe.</summary>
    public string Directory { get; }

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);

    /// <summary>NAME=RESULT lines to a dictionary.</summary>
    public static Dictionary<string, string> Results(string output) =>
        output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(line => line.Contains('=') && !line.Contains(' '))
            .Select(line => line.Split('=', 2))
            .ToDictionary(parts => parts[0], parts => parts[1]);

    /// <summary>What Docker's default profile denies, each with the errno it answers (clone3: ENOSYS, so glibc falls back to clone).</summary>
    public static readonly IReadOnlyDictionary<string, string> DeniedByDocker = new Dictionary<string, string>
    {
        ["unshare_user"] = "EPERM", ["unshare_mount"] = "EPERM", ["clone_newuser"] = "EPERM", ["clone3"] = "ENOSYS",
        ["mount"] = "EPERM", ["umount2"] = "EPERM", ["pivot_root"] = "EPERM", ["setns"] = "EPERM", ["keyctl"] = "EPERM",
        ["add_key"] = "EPERM", ["request_key"] = "EPERM", ["bpf"] = "EPERM", ["perf_event_open"] = "EPERM",
        ["userfaultfd"] = "EPERM", ["open_by_handle_at"] = "EPERM", ["kexec_load"] = "EPERM", ["init_module"] = "EPERM",
        ["delete_module"] = "EPERM", ["swapon"] = "EPERM", ["reboot"] = "EPERM", ["clock_settime"] = "EPERM",
        ["settimeofday"] = "EPERM", ["acct"] = "EPERM", ["iopl"] = "EPERM", ["ioperm"] = "EPERM", ["quotactl"] = "EPERM",
        ["fsopen"] = "EPERM", ["open_tree"] = "EPERM", ["move_mount"] = "EPERM", ["personality_bad"] = "EPERM",
        ["syslog"] = "EPERM", ["socket_af_vsock"] = "EPERM",
    };

    private const string Source = """
/* Confinement probe (ContainerTools issue 12): tries, each in a child of its own, the syscalls Docker's default
 * seccomp profile denies, and prints NAME=OK or NAME=ERRNO_NAME. Arguments are chosen to do nothing harmful when a
 * call is allowed (a missing mount point, bad pointers, an invalid clock). */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define PROBE(name, call) probe(name, ({ pid_t pid = fork(); if (pid == 0) { long rc = (call); _exit(rc < 0 ? errno : 0); } pid; }))

static void probe(const char *name, pid_t pid) {
    int status;
    if (pid < 0 || waitpid(pid, &status, 0) < 0) { printf("%s=probe-failed\n", name); return; }
    if (WIFSIGNALED(status)) { printf("%s=SIG%s\n", name, sigabbrev_np(WTERMSIG(status))); return; }
    int code = WEXITSTATUS(status);
    printf("%s=%s\n", name, code == 0 ? "OK" : strerrorname_np(code));
}

/* CVE-2022-0492: a new user, mount and cgroup namespace, a cgroup v1 hierarchy mounted there, and its release_agent
 * written. Each step prints its outcome; the first failure ends the attempt. */
static int escape(void) {
    if (syscall(SYS_unshare, CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWCGROUP) < 0) { printf("escape_unshare=%s\n", strerrorname_np(errno)); return 0; }
    printf("escape_unshare=OK\n");
    mkdir("/tmp/escape-cgroup", 0700);
    if (mount("cgroup", "/tmp/escape-cgroup", "cgroup", 0, "rdma") < 0 && mount("cgroup", "/tmp/escape-cgroup", "cgroup", 0, "memory") < 0) { printf("escape_mount=%s\n", strerrorname_np(errno)); return 0; }
    printf("escape_mount=OK\n");
    int fd = open("/tmp/escape-cgroup/release_agent", O_WRONLY);
    if (fd < 0 || write(fd, "/probe-escape", 13) < 0) { printf("escape_release_agent=%s\n", strerrorname_np(errno)); return 0; }
    printf("escape_release_agent=OK\n");
    return 0;
}

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc > 1 && strcmp(argv[1], "escape") == 0) return escape();
    if (argc > 1 && strcmp(argv[1], "euid") == 0) { printf("uid=%d euid=%d\n", getuid(), geteuid()); return 0; }
    PROBE("unshare_user", syscall(SYS_unshare, CLONE_NEWUSER));
    PROBE("unshare_mount", syscall(SYS_unshare, CLONE_NEWNS));
    PROBE("clone_newuser", ({ long r = syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0); if (r == 0) _exit(0); r; }));
    PROBE("clone3", syscall(SYS_clone3, NULL, 0));
    PROBE("mount", syscall(SYS_mount, "none", "/nonexistent-probe-target", "tmpfs", 0, NULL));
    PROBE("umount2", syscall(SYS_umount2, "/nonexistent-probe-target", 0));
    PROBE("pivot_root", syscall(SYS_pivot_root, "/nonexistent-a", "/nonexistent-b"));
    PROBE("setns", syscall(SYS_setns, -1, 0));
    PROBE("keyctl", syscall(SYS_keyctl, 0 /* KEYCTL_GET_KEYRING_ID */, -3 /* session */, 0, 0, 0));
    PROBE("add_key", syscall(SYS_add_key, "user", "probe", "x", 1, -1 /* thread keyring: goes with the child */));
    PROBE("request_key", syscall(SYS_request_key, "user", "probe", NULL, 0));
    PROBE("bpf", syscall(SYS_bpf, 0, NULL, 0));
    PROBE("perf_event_open", syscall(SYS_perf_event_open, NULL, 0, -1, -1, 0));
    PROBE("userfaultfd", syscall(SYS_userfaultfd, 0));
    PROBE("open_by_handle_at", syscall(SYS_open_by_handle_at, -1, NULL, 0));
    PROBE("kexec_load", syscall(SYS_kexec_load, 0, 0, NULL, 0));
    PROBE("init_module", syscall(SYS_init_module, NULL, 0, ""));
    PROBE("delete_module", syscall(SYS_delete_module, "probe-no-such-module", 0));
    PROBE("swapon", syscall(SYS_swapon, "/nonexistent-probe-swap", 0));
    PROBE("reboot", syscall(SYS_reboot, 0, 0, 0, NULL));
    PROBE("clock_settime", syscall(SYS_clock_settime, 99, NULL));
    PROBE("settimeofday", syscall(SYS_settimeofday, NULL, NULL));
    PROBE("acct", syscall(SYS_acct, "/nonexistent-probe-acct"));
    PROBE("ptrace", syscall(SYS_ptrace, 0x4206 /* PTRACE_SEIZE */, 1, 0, 0));
    PROBE("iopl", syscall(SYS_iopl, 0));
    PROBE("ioperm", syscall(SYS_ioperm, 0, 0, 0));
    PROBE("quotactl", syscall(SYS_quotactl, 0, NULL, 0, NULL));
    PROBE("fsopen", syscall(SYS_fsopen, "probe-no-such-fs", 0));
    PROBE("open_tree", syscall(SYS_open_tree, -1, "/nonexistent-probe", 0));
    PROBE("move_mount", syscall(SYS_move_mount, -1, "/nonexistent-a", -1, "/nonexistent-b", 0));
    PROBE("personality_bad", syscall(SYS_personality, 0x0040000 /* ADDR_COMPAT_LAYOUT */));
    PROBE("syslog", syscall(SYS_syslog, 10 /* SYSLOG_ACTION_SIZE_BUFFER */, NULL, 0));
    PROBE("socket_af_vsock", syscall(SYS_socket, 40 /* AF_VSOCK */, 1, 0));
    PROBE("getpid", syscall(SYS_getpid));
    PROBE("chroot_dot", syscall(SYS_chroot, "."));
    return 0;
}
""";
}
