using System.Management.Automation;
using ContainerTools.Runtime.Containers.Services;

namespace ContainerTools.Cmdlets.Common;

/// <summary>
/// Lets a TimeSpan parameter take Docker's duration strings ('1s', '500ms', '2m') as well as a TimeSpan or its
/// PowerShell string form ('00:00:30'); a bare number is seconds, as Docker's --stop-timeout is.
/// </summary>
public sealed class DurationTransformationAttribute : ArgumentTransformationAttribute
{
    public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
    {
        var value = inputData is PSObject ps ? ps.BaseObject : inputData;
        return value switch
        {
            // Unquoted, 30s is PowerShell's Int16 literal 30 (and 2l a long): a bare number is seconds.
            byte or sbyte or short or ushort or int or uint or long or ulong or float or double or decimal =>
                TimeSpan.FromSeconds(Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture)),
            string text when int.TryParse(text, out var seconds) => TimeSpan.FromSeconds(seconds),
            string text when DockerDuration.TryParse(text, out var duration) => duration,
            string text when TimeSpan.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var span) => span,
            string text => throw new ArgumentTransformationMetadataException(
                $"'{text}' is not a duration: use a TimeSpan, seconds, or Docker's form such as '500ms', '30s', '2m' or '1h30m'."),
            _ => value,
        };
    }
}
