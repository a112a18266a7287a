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
            function Sample([type] $type, [int] $depth = 0) {
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
                if ($type.IsArray -and $type.GetElementType().Assembly.GetName().Name -like 'ContainerTools*') {
                    $one = Sample $type.GetElementType() ($depth + 1)
                    if ($null -eq $one) { return $null }
                    $array = [Array]::CreateInstance($type.GetElementType(), 2); $array[0] = $one; $array[1] = $one
                    return ,$array
                }
                if ($depth -lt 2 -and $type.IsClass -and -not $type.IsArray -and -not $type.IsAbstract -and $type.Assembly.GetName().Name -like 'ContainerTools*' -and -not [Exception].IsAssignableFrom($type)) {
                    return New-Sample $type ($depth + 1)
                }
                $element = if ($type.IsGenericType -and $type.GetGenericArguments().Length -eq 1) { $type.GetGenericArguments()[0] }
                if ($element -and $element.Assembly.GetName().Name -like 'ContainerTools*' -and $type.IsAssignableFrom([System.Collections.Generic.List`1].MakeGenericType($element))) {
                    $one = Sample $element ($depth + 1)
                    if ($null -eq $one) { return $null }
                    $list = [Activator]::CreateInstance([System.Collections.Generic.List`1].MakeGenericType($element)); $list.Add($one); $list.Add($one)
                    return ,$list
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
            # An instance with a sample in every property it can sample; $script:unsampled names the others.
            function New-Sample([type] $type, [int] $depth = 0) {
                $instance = if ($type.GetConstructor([type]::EmptyTypes)) { [Activator]::CreateInstance($type) } else { [System.Runtime.CompilerServices.RuntimeHelpers]::GetUninitializedObject($type) }
                foreach ($property in $type.GetProperties([System.Reflection.BindingFlags]'Public,Instance')) {
                    if (-not $property.GetSetMethod($true) -or $property.GetIndexParameters()) { continue }
                    $sample = Sample $property.PropertyType $depth
                    if ($null -eq $sample) { $script:unsampled += "$($type.Name).$($property.Name)"; continue }
                    $property.SetValue($instance, $sample -as $property.PropertyType)
                }
                $instance
            }
            foreach ($type in $types.Values) {
                "type $($type.FullName)"
                $script:unsampled = @()
                $instance = New-Sample $type
                $unsampled | ForEach-Object { "unsampled $_" }
                $filled = $type.GetProperties([System.Reflection.BindingFlags]'Public,Instance') | Where-Object { $_.GetSetMethod($true) -and -not $_.GetIndexParameters() }
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
