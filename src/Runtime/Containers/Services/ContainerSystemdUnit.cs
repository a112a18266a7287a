using System.Globalization;
using System.Text;
using ContainerTools.OciRuntime.State;

namespace ContainerTools.Runtime.Containers;

/// <summary>
/// A systemd unit that supervises one container (podman generate systemd): Type=forking on the container's monitor,
/// whose pid ctmon writes to monitor.pid and whose exit status is the container's, so systemd's Restart= acts on the
/// container's exits. The front end gives the commands that start and stop it.
/// </summary>
public static class ContainerSystemdUnit
{
    public static string Generate(Container container, string storeRoot, string startCommand, string stopCommand)
    {
        var definition = container.Definition;
        var stopSeconds = (definition.StopTimeout ?? (int)ContainerStore.DefaultStopTimeout.TotalSeconds) + 10;
        var unit = new StringBuilder();
        unit.AppendLine(CultureInfo.InvariantCulture, $"# container-{definition.Name}.service, from Export-ContainerSystemdUnit {DateTimeOffset.UtcNow:yyyy-MM-ddTHH:mm:ssZ}");
        unit.AppendLine("[Unit]");
        unit.AppendLine(CultureInfo.InvariantCulture, $"Description=ContainerTools container {definition.Name}");
        unit.AppendLine("Wants=network-online.target");
        unit.AppendLine("After=network-online.target");
        unit.AppendLine(CultureInfo.InvariantCulture, $"RequiresMountsFor={storeRoot}");
        unit.AppendLine();
        unit.AppendLine("[Service]");
        unit.AppendLine(CultureInfo.InvariantCulture, $"Environment=CONTAINERTOOLS_ROOT={storeRoot}");
        unit.AppendLine(CultureInfo.InvariantCulture, $"Restart={SystemdRestart(definition.RestartPolicy)}");
        unit.AppendLine(CultureInfo.InvariantCulture, $"TimeoutStopSec={stopSeconds}");
        unit.AppendLine(CultureInfo.InvariantCulture, $"ExecStart={startCommand}");
        unit.AppendLine(CultureInfo.InvariantCulture, $"ExecStop={stopCommand}");
        unit.AppendLine("Type=forking");
        unit.AppendLine(CultureInfo.InvariantCulture, $"PIDFile={container.Paths.MonitorPidFile}");
        unit.AppendLine();
        unit.AppendLine("[Install]");
        unit.AppendLine("WantedBy=multi-user.target");
        return unit.ToString();
    }

    /// <summary>
    /// The monitor already restarts by the container's policy (it only exits when the policy is done), so systemd's
    /// Restart= only has to cover what is left: always for the policies that always run, else on-failure or no.
    /// </summary>
    private static string SystemdRestart(RestartPolicy policy) => policy.Name switch
    {
        RestartPolicy.Always or RestartPolicy.UnlessStopped => "always",
        RestartPolicy.OnFailure => "on-failure",
        _ => "no",
    };
}
