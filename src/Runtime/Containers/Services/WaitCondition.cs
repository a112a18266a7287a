namespace ContainerTools.Runtime.Containers;

/// <summary>What Wait waits for (docker wait --condition, and Podman's healthy).</summary>
public enum WaitCondition
{
    /// <summary>The container has exited (a created one: started and exited).</summary>
    NotRunning,
    /// <summary>The next exit after the call, a restart policy's restart included.</summary>
    NextExit,
    /// <summary>The container is removed.</summary>
    Removed,
    /// <summary>Its health check passed.</summary>
    Healthy,
}
