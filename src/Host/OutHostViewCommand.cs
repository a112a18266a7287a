using System.Collections;
using System.Management.Automation;

namespace ContainerTools.Host;

/// <summary>
/// A small Out-Default: objects with a table view in a loaded module's format file print as rows under one header
/// per run of the same type; other objects print as "Name : value" lines; strings and numbers as themselves.
/// </summary>
[Cmdlet("Out", "HostView")]
public sealed class OutHostViewCommand : PSCmdlet
{
    public const string Name = "Out-HostView";
    private readonly Dictionary<string, TableView?> views = new(StringComparer.OrdinalIgnoreCase);
    // Static: Write-Host and host messages end a table, so the next row prints under a fresh header.
    private static TableView? lastTable;

    public static void EndTable() => lastTable = null;

    [Parameter(ValueFromPipeline = true)]
    public PSObject? InputObject { get; set; }

    protected override void ProcessRecord()
    {
        if (InputObject is null)
        {
            return;
        }
        var value = InputObject.BaseObject;
        if (value is string or ValueType or FileSystemInfo)
        {
            lastTable = null;
            Console.WriteLine(value is FileSystemInfo file ? file.FullName : Text(value));
            return;
        }
        var view = FindView(InputObject);
        if (view is null)
        {
            lastTable = null;
            WriteList(InputObject);
            return;
        }
        if (!ReferenceEquals(view, lastTable))
        {
            Console.WriteLine();
            Console.WriteLine(Row(view.Columns.Select(c => c.Label).ToList(), view.Columns));
            lastTable = view;
        }
        Console.WriteLine(Row(view.Columns.Select(c => Cell(InputObject, c)).ToList(), view.Columns));
    }

    private static void WriteList(PSObject item)
    {
        var names = (item.Members["PSStandardMembers"]?.Value as PSMemberSet)?.Members["DefaultDisplayPropertySet"] is PSPropertySet set
            ? set.ReferencedPropertyNames.ToList()
            : item.Properties.Select(p => p.Name).ToList();
        var width = names.Count == 0 ? 0 : names.Max(n => n.Length);
        Console.WriteLine();
        foreach (var name in names)
        {
            Console.WriteLine($"{name.PadRight(width)} : {Text(item.Properties[name]?.Value)}");
        }
    }

    private string Cell(PSObject item, TableColumn column)
    {
        if (column.Property is not null)
        {
            return Text(item.Properties[column.Property]?.Value);
        }
        if (column.Script is null)
        {
            return "";
        }
        var results = ScriptBlock.Create(column.Script).InvokeWithContext(null, [new PSVariable("_", item)]);
        return string.Join(", ", results.Select(r => Text(r)));
    }

    private static string Row(IReadOnlyList<string> cells, IReadOnlyList<TableColumn> columns) =>
        string.Join(" ", cells.Select((cell, i) =>
        {
            var width = columns[i].Width;
            var fitted = cell.Length > width ? cell[..(width - 1)] + "…" : cell;
            return columns[i].AlignRight ? fitted.PadLeft(width) : fitted.PadRight(width);
        })).TrimEnd();

    private static string Text(object? value) => value switch
    {
        null => "",
        PSObject ps => Text(ps.BaseObject),
        string s => s,
        DateTime time => time.ToString("yyyy-MM-dd HH:mm:ss"),
        IDictionary map => "{" + string.Join(", ", map.Keys.Cast<object>().Select(k => $"{k}={Text(map[k])}")) + "}",
        IEnumerable list => "{" + string.Join(", ", list.Cast<object?>().Select(Text)) + "}",
        _ => value.ToString() ?? "",
    };

    private TableView? FindView(PSObject item)
    {
        foreach (var typeName in item.TypeNames)
        {
            if (!views.TryGetValue(typeName, out var view))
            {
                view = LoadedFormatFiles().SelectMany(SafeLoad).FirstOrDefault(v => string.Equals(v.TypeName, typeName, StringComparison.OrdinalIgnoreCase));
                views[typeName] = view;
            }
            if (view is not null)
            {
                return view;
            }
        }
        return null;
    }

    private IEnumerable<string> LoadedFormatFiles() =>
        InvokeCommand.InvokeScript("Get-Module").Select(m => m.BaseObject).OfType<PSModuleInfo>().SelectMany(m => m.ExportedFormatFiles);

    private static IEnumerable<TableView> SafeLoad(string file)
    {
        try
        {
            return TableView.Load(file).ToList();
        }
        catch (Exception)
        {
            return [];
        }
    }
}
