namespace ContainerTools.OciRuntime.Monitor;

/// <summary>
/// What ctmon runs once the container has exited and exit.json is written (conmon's --exit-command and --exit-command-arg):
/// the program and its arguments, and its whole environment.
/// </summary>
public sealed record ExitCommand(IReadOnlyList<string> Argv, IReadOnlyList<string> Environment);
