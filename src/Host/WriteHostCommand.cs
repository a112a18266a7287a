using System.Management.Automation;

namespace ContainerTools.Host;

/// <summary>
/// Write-Host for the hosted engine, whose package lacks it: writes straight to the console, in order with
/// Out-HostView's tables. Colors are accepted and ignored.
/// </summary>
[Cmdlet(VerbsCommunications.Write, "Host")]
public sealed class WriteHostCommand : PSCmdlet
{
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromRemainingArguments = true)]
    public object? Object { get; set; }

    [Parameter]
    public SwitchParameter NoNewline { get; set; }

    [Parameter]
    public object Separator { get; set; } = " ";

    [Parameter]
    public ConsoleColor ForegroundColor { get; set; }

    [Parameter]
    public ConsoleColor BackgroundColor { get; set; }

    protected override void ProcessRecord()
    {
        var text = Object switch
        {
            null => "",
            string s => s,
            System.Collections.IEnumerable items => string.Join(Separator.ToString(), items.Cast<object?>().Select(i => i?.ToString())),
            var other => other.ToString(),
        };
        OutHostViewCommand.EndTable();
        if (NoNewline)
        {
            Console.Write(text);
        }
        else
        {
            Console.WriteLine(text);
        }
    }
}
