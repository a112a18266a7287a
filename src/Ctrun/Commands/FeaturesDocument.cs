namespace ContainerTools.Ctrun.Commands;

/// <summary>`ctrun features` (runtime-spec features.md): what this runtime implements, so callers need not guess.</summary>
internal static class FeaturesDocument
{
    public const string Json = """
        {
            "ociVersionMin": "1.0.0",
            "ociVersionMax": "1.2.0",
            "hooks": [
                "prestart",
                "createRuntime",
                "createContainer",
                "startContainer",
                "poststart",
                "poststop"
            ],
            "mountOptions": [
                "async", "atime", "bind", "defaults", "dev", "diratime", "dirsync", "exec", "mand", "noatime", "nodev",
                "nodiratime", "noexec", "nomand", "norelatime", "nostrictatime", "nosuid", "private", "rbind", "relatime",
                "remount", "ro", "rprivate", "rshared", "rslave", "runbindable", "rw", "shared", "slave", "strictatime",
                "suid", "sync", "unbindable"
            ],
            "linux": {
                "namespaces": ["cgroup", "ipc", "mount", "network", "pid", "uts"],
                "cgroup": { "v1": true, "v2": true, "systemd": false, "systemdUser": false },
                "seccomp": { "enabled": false },
                "apparmor": { "enabled": false },
                "selinux": { "enabled": false },
                "intelRdt": { "enabled": false }
            },
            "annotations": {
                "org.opencontainers.runtime-spec.features.version": "1.2.0"
            }
        }

        """;
}
