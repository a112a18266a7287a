using System.Xml.Linq;

namespace ContainerTools.Host;

/// <summary>The parts of a *.Format.ps1xml table view that ctpwsh renders: column labels, widths and what each shows.</summary>
internal sealed record TableView(string TypeName, IReadOnlyList<TableColumn> Columns)
{
    public static IEnumerable<TableView> Load(string formatFile)
    {
        var doc = XDocument.Load(formatFile);
        foreach (var view in doc.Descendants("View"))
        {
            var table = view.Element("TableControl");
            if (table is null)
            {
                continue;
            }
            var headers = table.Element("TableHeaders")?.Elements("TableColumnHeader").ToList() ?? [];
            var items = table.Descendants("TableColumnItems").FirstOrDefault()?.Elements("TableColumnItem").ToList() ?? [];
            var columns = items.Select((item, i) =>
            {
                var header = i < headers.Count ? headers[i] : null;
                var property = item.Element("PropertyName")?.Value;
                var script = item.Element("ScriptBlock")?.Value;
                var label = header?.Element("Label")?.Value ?? property ?? "";
                var width = int.TryParse(header?.Element("Width")?.Value, out var w) ? w : Math.Max(label.Length, 16);
                var right = header?.Element("Alignment")?.Value == "Right";
                return new TableColumn(label, width, right, property, script);
            }).ToList();
            foreach (var typeName in view.Element("ViewSelectedBy")?.Elements("TypeName") ?? [])
            {
                yield return new TableView(typeName.Value, columns);
            }
        }
    }
}

internal sealed record TableColumn(string Label, int Width, bool AlignRight, string? Property, string? Script);
