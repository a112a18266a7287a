namespace ContainerTools.Runtime.Containers.Exec;

/// <summary>One line an exec'd process wrote (without its line break), and whether it came on stderr.</summary>
public readonly record struct ExecOutputLine(bool IsError, string Text);
