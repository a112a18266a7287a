namespace ContainerTools.Runtime.Containers.Attach;

/// <summary>
/// A container started attached (ContainerStore.StartAttached): its connection to the monitor, on which its output
/// and then its exit code arrive. Read it with ContainerStore.AttachedOutput or an InteractiveSession, then call
/// ContainerStore.FinishAttached; disposing it instead (a detach) leaves the exit to the monitor's ctcleanup.
/// </summary>
public sealed class AttachedRun : IDisposable
{
    internal AttachedRun(Container container, ContainerAttachment? attachment)
    {
        Container = container;
        Attachment = attachment;
    }

    public Container Container { get; }

    /// <summary>Null when the container's run ended before a connection was made: its output is then all in its log.</summary>
    public ContainerAttachment? Attachment { get; }

    public void Dispose() => Attachment?.Dispose();
}
