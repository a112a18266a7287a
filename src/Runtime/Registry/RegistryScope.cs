namespace ContainerTools.Runtime.Registry;

/// <summary>Token scopes of the Distribution auth spec: <c>repository:NAME:pull</c> or <c>repository:NAME:pull,push</c>.</summary>
public static class RegistryScope
{
    public static string Pull(string repository) => $"repository:{repository}:pull";

    public static string PullPush(string repository) => $"repository:{repository}:pull,push";
}
