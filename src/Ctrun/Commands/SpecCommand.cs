namespace ContainerTools.Ctrun.Commands;

/// <summary>spec: writes runc's default config.json (sh in rootfs, a terminal, the usual namespaces and masks).</summary>
internal static class SpecCommand
{
    public static int Run(string[] args)
    {
        var line = CommandLine.Parse(args, 0, new OptionSet("bundle|b=", "rootless"), out _, stopAtFirstPositional: false);
        if (line.Flag("rootless")) throw new CtrunError("--rootless is not supported: ctrun does not make user namespaces yet");
        var bundle = line.Value("bundle") ?? ".";
        var path = Path.Combine(bundle, "config.json");
        if (File.Exists(path)) throw new CtrunError("File config.json exists. Remove it first");
        if (!Directory.Exists(bundle)) throw new CtrunError($"bundle directory {bundle} does not exist");
        File.WriteAllText(path, DefaultSpec);
        return 0;
    }

    private const string DefaultSpec = """
        {
        	"ociVersion": "1.0.2-dev",
        	"process": {
        		"terminal": true,
        		"user": { "uid": 0, "gid": 0 },
        		"args": [ "sh" ],
        		"env": [ "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm" ],
        		"cwd": "/",
        		"capabilities": {
        			"bounding": [ "CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE" ],
        			"effective": [ "CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE" ],
        			"permitted": [ "CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE" ]
        		},
        		"rlimits": [ { "type": "RLIMIT_NOFILE", "hard": 1024, "soft": 1024 } ],
        		"noNewPrivileges": true
        	},
        	"root": { "path": "rootfs", "readonly": true },
        	"hostname": "ctrun",
        	"mounts": [
        		{ "destination": "/proc", "type": "proc", "source": "proc" },
        		{ "destination": "/dev", "type": "tmpfs", "source": "tmpfs", "options": [ "nosuid", "strictatime", "mode=755", "size=65536k" ] },
        		{ "destination": "/dev/pts", "type": "devpts", "source": "devpts", "options": [ "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5" ] },
        		{ "destination": "/dev/shm", "type": "tmpfs", "source": "shm", "options": [ "nosuid", "noexec", "nodev", "mode=1777", "size=65536k" ] },
        		{ "destination": "/dev/mqueue", "type": "mqueue", "source": "mqueue", "options": [ "nosuid", "noexec", "nodev" ] },
        		{ "destination": "/sys", "type": "sysfs", "source": "sysfs", "options": [ "nosuid", "noexec", "nodev", "ro" ] },
        		{ "destination": "/sys/fs/cgroup", "type": "cgroup", "source": "cgroup", "options": [ "nosuid", "noexec", "nodev", "relatime", "ro" ] }
        	],
        	"linux": {
        		"resources": { "devices": [ { "allow": false, "access": "rwm" } ] },
        		"namespaces": [ { "type": "pid" }, { "type": "network" }, { "type": "ipc" }, { "type": "uts" }, { "type": "mount" }, { "type": "cgroup" } ],
        		"maskedPaths": [ "/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list",
        			"/proc/timer_stats", "/proc/sched_debug", "/sys/firmware", "/proc/scsi" ],
        		"readonlyPaths": [ "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger" ]
        	}
        }

        """;
}
