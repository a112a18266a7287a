using System.Management.Automation;
using ContainerTools.Runtime.Build;

namespace ContainerTools.Cmdlets.Common;

/// <summary>
/// A build's reports as PowerShell streams: steps, cache hits and RUN output on the information stream (tagged
/// PSHOST, so they show on the console and can be captured with 6>&amp;1), phases as Write-Progress, warnings as warnings.
/// The engine reports on the pipeline thread, so every write is allowed.
/// </summary>
public sealed class BuildOutputWriter : IBuildOutput
{
    private static readonly string[] HostTags = ["PSHOST", "ContainerBuild"];
    private readonly Cmdlet _cmdlet;
    private readonly int _activityId = new Random().Next(1000, int.MaxValue);
    private string _activity = "Building image";

    public BuildOutputWriter(Cmdlet cmdlet) => _cmdlet = cmdlet;

    public void Step(int number, int total, string instruction)
    {
        _activity = $"STEP {number}/{total}";
        Information($"STEP {number}/{total}: {instruction}");
        _cmdlet.WriteProgress(new ProgressRecord(_activityId, "Building image", _activity + ": " + instruction) { PercentComplete = Math.Clamp((number - 1) * 100 / Math.Max(total, 1), 0, 100) });
    }

    public void UsingCache(string imageId) => Information($"--> Using cache {imageId}");

    public void Output(string line) => Information(line);

    public void Warning(string message) => _cmdlet.WriteWarning(message);

    public void Progress(string activity, string status) =>
        _cmdlet.WriteProgress(new ProgressRecord(_activityId, "Building image", $"{_activity}: {activity}: {status}"));

    public void Complete() => _cmdlet.WriteProgress(new ProgressRecord(_activityId, "Building image", "Done") { RecordType = ProgressRecordType.Completed });

    private void Information(string text) =>
        _cmdlet.WriteInformation(new HostInformationMessage { Message = text }, HostTags);
}
