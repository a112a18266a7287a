using System.Globalization;
using System.Text;
using ContainerTools.OciRuntime.Errors;

namespace ContainerTools.OciRuntime.Monitor;

/// <summary>
/// Why the monitor could not start the container, as it writes it on its readiness pipe: the error's id, kind and
/// exit code, the errno and the bare reason, tab-separated, so the engine rebuilds the same typed error (and wraps the
/// reason once: "The container could not start: REASON").
/// </summary>
public static class MonitorStartReport
{
    public static byte[] Encode(Exception failure)
    {
        var error = failure as ContainerToolsException;
        var id = error?.Id ?? ErrorIds.ContainerStartFailed;
        var reason = (error?.Reason ?? failure.Message).Replace('\t', ' ');
        return Encoding.UTF8.GetBytes(string.Join('\t', id.Name, id.Kind.ToString(), id.ExitCode.ToString(CultureInfo.InvariantCulture),
            error?.Errno?.ToString(CultureInfo.InvariantCulture) ?? "", reason));
    }

    public static ContainerToolsException Decode(byte[] report, object? target)
    {
        var fields = Encoding.UTF8.GetString(report).Split('\t', 5);
        if (fields.Length < 5 || !Enum.TryParse<ErrorKind>(fields[1], out var kind) || !int.TryParse(fields[2], CultureInfo.InvariantCulture, out var exitCode))
        {
            // Not a report: a monitor that died printing something else.
            var text = Encoding.UTF8.GetString(report);
            return new ContainerToolsException(ErrorIds.ContainerStartFailed, $"The container could not start: {text}", target, reason: text);
        }
        var id = ErrorIds.Find(fields[0]) is { } known && known.Kind == kind && known.ExitCode == exitCode ? known : new ErrorId(fields[0], kind, exitCode);
        int? errno = int.TryParse(fields[3], CultureInfo.InvariantCulture, out var value) ? value : null;
        var reason = fields[4];
        var message = id.Name == ErrorIds.ContainerStartFailed.Name ? $"The container could not start: {reason}" : reason;
        return new ContainerToolsException(id, message, target, reason: reason, errno: errno);
    }
}
