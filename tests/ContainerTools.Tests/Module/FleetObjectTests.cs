using System.Management.Automation;

namespace ContainerTools.Tests.Module;

/// <summary>
/// What a host writes travels as PowerShell remoting serializes it (depth 1) and is rebuilt into the module's own type
/// (Common/Fleet/HostedObjects): every property of every cmdlet's output type must come back with its value. The sshd
/// stories are Pester/Fleet.Tests.ps1.
/// </summary>
[Collection(ModuleCollection.Name)]
public sealed class FleetObjectTests : IDisposable
{
    private readonly ModuleSession session = new();

    public void Dispose() => session.Dispose();

    [Fact]
    public void EveryOutputTypeComesBackFromAHostWithEveryPropertyValue()
    {
        var result = session.Run("""
            function Sample([type] $type) {
                $inner = [Nullable]::GetUnderlyingType($type)
                if ($inner) { return Sample $inner }
                switch ($type) {
                    ([string]) { return 'text' }
                    ([int]) { return 7 }
                    ([long]) { return 9000000000 }
                    ([uint32]) { return [uint32]5 }
                    ([double]) { return 1.5 }
                    ([bool]) { return $true }
                    ([datetime]) { return [datetime]::new(2024, 5, 6, 7, 8, 9, [DateTimeKind]::Utc) }
                    ([datetimeoffset]) { return [datetimeoffset]::new(2024, 5, 6, 7, 8, 9, [timespan]::Zero) }
                    ([string[]]) { return [string[]]@('a', 'b') }
                    ([hashtable]) { return @{ key = 'value' } }
                }
                if ($type.IsEnum) { return [Enum]::GetValues($type)[[Enum]::GetValues($type).Length - 1] }
                if ($type -eq [System.Collections.Generic.IReadOnlyList[string]] -or $type -eq [System.Collections.Generic.List[string]]) { return [System.Collections.Generic.List[string]]@('a', 'b') }
                if ($type -eq [System.Collections.Generic.IReadOnlyDictionary[string, string]] -or $type -eq [System.Collections.Generic.Dictionary[string, string]]) {
                    $d = [System.Collections.Generic.Dictionary[string, string]]::new(); $d['key'] = 'value'; return $d
                }
                $null
            }
            # A hosted runspace has no Sort-Object or ConvertTo-Json: .NET does their work here.
            $types = [System.Collections.Generic.SortedDictionary[string, type]]::new()
            Get-Command -Module ContainerTools | ForEach-Object { $_.OutputType.Type } |
                Where-Object { $_ -and $_.Assembly.GetName().Name -like 'ContainerTools*' } | ForEach-Object { $types[$_.FullName] = $_ }
            function Json($value) { if ($null -eq $value) { 'null' } else { [System.Text.Json.JsonSerializer]::Serialize($value, $value.GetType(), [System.Text.Json.JsonSerializerOptions]$null) } }
            foreach ($type in $types.Values) {
                "type $($type.FullName)"
                $instance = if ($type.GetConstructor([type]::EmptyTypes)) { [Activator]::CreateInstance($type) } else { [System.Runtime.CompilerServices.RuntimeHelpers]::GetUninitializedObject($type) }
                $filled = @()
                foreach ($property in $type.GetProperties([System.Reflection.BindingFlags]'Public,Instance')) {
                    if (-not $property.GetSetMethod($true) -or $property.GetIndexParameters()) { continue }
                    $sample = Sample $property.PropertyType
                    if ($null -eq $sample) { "unsampled $($type.Name).$($property.Name) $($property.PropertyType)"; continue }
                    $property.SetValue($instance, $sample -as $property.PropertyType)
                    $filled += $property
                }
                $travelled = [System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize($instance, 1))
                $rebuilt = [ContainerTools.Cmdlets.Common.Fleet.HostedObjects]::Rebuild($travelled)
                if ($null -eq $rebuilt -or $rebuilt.GetType() -ne $type) { "lost $($type.FullName): came back as $($rebuilt.GetType())"; continue }
                foreach ($property in $filled) {
                    $sent = Json $property.GetValue($instance)
                    $came = Json $property.GetValue($rebuilt)
                    if ($sent -ne $came) { "lost $($type.Name).$($property.Name): sent $sent, came $came" }
                }
            }
            """).ThrowOnErrors().Values<string>().ToList();
        Assert.Contains("type ContainerTools.Container", result);
        Assert.Contains("type ContainerTools.ContainerImage", result);
        Assert.Contains("type ContainerTools.ContainerHost", result);
        Assert.True(result.Count(line => line.StartsWith("type ", StringComparison.Ordinal)) >= 10, string.Join("\n", result));
        Assert.DoesNotContain(result, line => line.StartsWith("lost ", StringComparison.Ordinal));
    }
}
