using ContainerTools.OciRuntime.Monitor;

namespace ContainerTools.Monitor;

/// <summary>
/// <c>ctmon [--monitor] CONTAINER_DIR [--init CTINIT] [--attach-fd FD] [--exit-command ARG]... [--exit-env NAME=VALUE]...</c>
/// (the engine's MonitorInvocation writes them).
/// </summary>
internal sealed record MonitorArguments(string ContainerDirectory, string? InitPath, int AttachFd, IReadOnlyList<string> ExitCommand, IReadOnlyList<string> ExitEnvironment,
    MonitorServiceOptions Service)
{
    public static MonitorArguments? Parse(IReadOnlyList<string> args, int from)
    {
        if (args.Count <= from || args[from].StartsWith('-')) return null;
        string? init = null;
        var attachFd = -1;
        var exitCommand = new List<string>();
        var exitEnvironment = new List<string>();
        var service = new MonitorServiceOptions();
        for (var i = from + 1; i + 1 < args.Count; i += 2)
        {
            var value = args[i + 1];
            switch (args[i])
            {
                case MonitorInvocation.InitOption: init = value; break;
                case MonitorInvocation.AttachFdOption: attachFd = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture); break;
                case MonitorInvocation.ExitCommandOption: exitCommand.Add(value); break;
                case MonitorInvocation.ExitEnvironmentOption: exitEnvironment.Add(value); break;
                default:
                    if (!MonitorServiceOptions.TryApply(ref service, args[i], value)) return null;
                    break;
            }
        }
        return new MonitorArguments(args[from], init, attachFd, exitCommand, exitEnvironment, service);
    }
}
