/*
 * ctinit's user namespace stage: C that runs as an ELF constructor, before the NativeAOT runtime starts its threads.
 *
 * unshare(CLONE_NEWUSER) and setns() into a user namespace are refused to a multithreaded process, and the runtime is
 * multithreaded from its first instruction of managed code (its finalizer thread), as the engine and ctmon are. So
 * this is the one step that cannot be C#: runc does the same in C before the Go runtime starts (nsexec). With none of
 * the options below the stage does nothing and ctinit starts as always. The protocol is InitProtocol's (its C# side
 * is src/OciRuntime/Launch/UserNamespaceStage.cs); docs/container-start.md describes the order.
 *
 *   ctinit BUNDLE --user-namespace -|PATH [--unshare FLAGS] [--oom-score-adj N] [--cgroup-join FILE]...
 *   ctinit --hold-user-namespace
 *
 * fd 3 is the report pipe (a failure is 'E', errno as int32 little-endian, a message, then exit 127), fd 6 the
 * launcher's end of a SOCK_SEQPACKET pair: this stage sends 'U' once it has a new user namespace and waits for 'M'
 * (the launcher has written uid_map and gid_map), and ends with 'P' and an int32 pid: the container's init when the
 * stage forked it into a new pid namespace, else 0. Before anything leaves the host's user namespace it joins the
 * cgroups (their files belong to the host's root) and sets oom_score_adj (lowering it needs the host's
 * CAP_SYS_RESOURCE), and opens BUNDLE/config.json as fd 7 (the bundle may not be searchable by the container's root).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

enum { REPORT_FD = 3, SYNC_FD = 6, SPEC_FD = 7, FAILED_EXIT = 127 };

static void fail(int error, const char *what, const char *subject)
{
    char message[512];
    int length = snprintf(message, sizeof message, "%s%s%s: %s", what, subject ? " " : "", subject ? subject : "", strerror(error));
    if (length < 0) length = 0;
    if (length > (int)sizeof message - 1) length = sizeof message - 1;
    unsigned char report[5 + sizeof message];
    report[0] = 'E';
    for (int i = 0; i < 4; i++) report[1 + i] = (unsigned char)((uint32_t)error >> (8 * i));
    memcpy(report + 5, message, (size_t)length);
    ssize_t ignored = write(REPORT_FD, report, 5 + (size_t)length);
    (void)ignored;
    _exit(FAILED_EXIT);
}

static void write_file(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) fail(errno, "open", path);
    if (write(fd, text, strlen(text)) < 0) fail(errno, "write", path);
    close(fd);
}

static void send_message(char tag, int32_t value, int with_value)
{
    unsigned char message[5] = { (unsigned char)tag };
    for (int i = 0; i < 4; i++) message[1 + i] = (unsigned char)((uint32_t)value >> (8 * i));
    if (send(SYNC_FD, message, with_value ? 5 : 1, MSG_NOSIGNAL) < 0) fail(errno, "user namespace stage: send", NULL);
}

static void await_mappings(void)
{
    char tag = 0;
    ssize_t n = recv(SYNC_FD, &tag, 1, 0);
    if (n < 0) fail(errno, "user namespace stage: receive", NULL);
    if (n != 1 || tag != 'M') fail(ECONNABORTED, "user namespace stage: the launcher wrote no id mappings", NULL);
}

/* The throwaway namespace the engine takes idmapped mounts from: made, mapped by the launcher, held until it hangs up. */
static void hold_user_namespace(void)
{
    if (unshare(CLONE_NEWUSER) < 0) fail(errno, "unshare", "user namespace");
    send_message('U', 0, 0);
    await_mappings();
    char ignored;
    while (recv(SYNC_FD, &ignored, 1, 0) > 0) { }
    _exit(0);
}

static void enter_user_namespace(const char *bundle, const char *user, int unshare_flags, const char *oom_score_adj,
                                 char **cgroup_files, int cgroup_count)
{
    for (int i = 0; i < cgroup_count; i++) write_file(cgroup_files[i], "0");
    if (oom_score_adj) write_file("/proc/self/oom_score_adj", oom_score_adj);

    char spec[4096];
    if (snprintf(spec, sizeof spec, "%s/config.json", bundle) >= (int)sizeof spec) fail(ENAMETOOLONG, "open", bundle);
    int fd = open(spec, O_RDONLY | O_CLOEXEC);
    if (fd < 0) fail(errno, "open", spec);
    if (fd != SPEC_FD && (dup3(fd, SPEC_FD, O_CLOEXEC) < 0 || close(fd) < 0)) fail(errno, "dup3", spec);

    if (strcmp(user, "-") == 0)
    {
        if (unshare(CLONE_NEWUSER) < 0) fail(errno, "unshare", "user namespace");
        send_message('U', 0, 0);
        await_mappings();
    }
    else
    {
        int ns = open(user, O_RDONLY | O_CLOEXEC);
        if (ns < 0) fail(errno, "open", user);
        if (setns(ns, CLONE_NEWUSER) < 0) fail(errno, "setns", user);
        close(ns);
    }
    /* The host's root is not mapped inside: become the namespace's own root, so files made from here on have an owner. */
    if (setresgid(0, 0, 0) < 0) fail(errno, "setresgid", "0 in the user namespace");
    if (setresuid(0, 0, 0) < 0) fail(errno, "setresuid", "0 in the user namespace");
    if (setgroups(0, NULL) < 0 && errno != EPERM) fail(errno, "setgroups", NULL);

    int new_pid = unshare_flags & CLONE_NEWPID;
    if (unshare_flags && unshare(unshare_flags) < 0) fail(errno, "unshare", "namespaces owned by the user namespace");
    if (!new_pid)
    {
        send_message('P', 0, 1);
        close(SYNC_FD);
        return;
    }
    /*
     * CLONE_NEWPID applies to children only: the container's init is a child made here, before any runtime exists,
     * as the launcher's own child (CLONE_PARENT) so that the launcher reaps it as it reaps any container.
     */
    pid_t child = (pid_t)syscall(SYS_clone, CLONE_PARENT | SIGCHLD, 0, 0, 0, 0);
    if (child < 0) fail(errno, "clone", "into the new pid namespace");
    if (child == 0)
    {
        close(SYNC_FD);
        /* posix_spawn made the stage a session leader; the init must lead its own session to take a terminal. */
        if (setsid() < 0) fail(errno, "setsid", NULL);
        return;
    }
    send_message('P', child, 1);
    _exit(0);
}

__attribute__((constructor)) static void user_namespace_stage(int argc, char **argv, char **envp)
{
    (void)envp;
    if (argc == 2 && strcmp(argv[1], "--hold-user-namespace") == 0) hold_user_namespace();
    const char *user = NULL, *oom_score_adj = NULL;
    int unshare_flags = 0, cgroup_count = 0;
    char *cgroup_files[64];
    for (int i = 2; i + 1 < argc; i++)
    {
        if (strcmp(argv[i], "--user-namespace") == 0) user = argv[++i];
        else if (strcmp(argv[i], "--unshare") == 0) unshare_flags = atoi(argv[++i]);
        else if (strcmp(argv[i], "--oom-score-adj") == 0) oom_score_adj = argv[++i];
        else if (strcmp(argv[i], "--cgroup-join") == 0)
        {
            if (cgroup_count < 64) cgroup_files[cgroup_count] = argv[i + 1];
            cgroup_count++;
            i++;
        }
    }
    if (!user) return;
    if (cgroup_count > 64) fail(E2BIG, "user namespace stage: more than 64 cgroup files to join", NULL);
    enter_user_namespace(argv[1], user, unshare_flags, oom_score_adj, cgroup_files, cgroup_count);
}
