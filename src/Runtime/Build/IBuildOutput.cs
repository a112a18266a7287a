namespace ContainerTools.Runtime.Build;

/// <summary>Where a build reports as it goes: each step as it starts, cache hits, RUN output lines, warnings.</summary>
public interface IBuildOutput
{
    /// <summary>"STEP 3/9: RUN make": <paramref name="number"/> of <paramref name="total"/>.</summary>
    void Step(int number, int total, string instruction);

    void UsingCache(string imageId);

    /// <summary>A line a RUN step's command wrote (stdout or stderr).</summary>
    void Output(string line);

    void Warning(string message);

    /// <summary>A long phase (context hashing, layer commit) begins or progresses.</summary>
    void Progress(string activity, string status);
}

/// <summary>A build nobody watches.</summary>
public sealed class SilentBuildOutput : IBuildOutput
{
    public static readonly SilentBuildOutput Instance = new();

    public void Step(int number, int total, string instruction) { }
    public void UsingCache(string imageId) { }
    public void Output(string line) { }
    public void Warning(string message) { }
    public void Progress(string activity, string status) { }
}
