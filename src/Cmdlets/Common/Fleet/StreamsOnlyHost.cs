using System.Globalization;
using System.Management.Automation.Host;

namespace ContainerTools.Cmdlets.Common.Fleet;

/// <summary>
/// The host a fleet run gives its remote pipelines: one without a user interface, so what a host writes comes back only
/// through the streams (where the cmdlet names its host) and not a second time through this console.
/// </summary>
internal sealed class StreamsOnlyHost : PSHost
{
    public static readonly StreamsOnlyHost Instance = new();

    public override string Name => "ContainerToolsFleet";
    public override Version Version { get; } = typeof(StreamsOnlyHost).Assembly.GetName().Version ?? new Version(0, 0);
    public override Guid InstanceId { get; } = Guid.NewGuid();
    public override PSHostUserInterface? UI => null;
    public override CultureInfo CurrentCulture => CultureInfo.CurrentCulture;
    public override CultureInfo CurrentUICulture => CultureInfo.CurrentUICulture;
    public override void SetShouldExit(int exitCode) { }
    public override void EnterNestedPrompt() => throw new NotSupportedException();
    public override void ExitNestedPrompt() => throw new NotSupportedException();
    public override void NotifyBeginApplication() { }
    public override void NotifyEndApplication() { }
}
