using System.Collections.Concurrent;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Reflection;
using System.Runtime.CompilerServices;

namespace ContainerTools.Cmdlets.Common.Fleet;

/// <summary>
/// Turns what a host wrote (deserialized property bags) back into the module's own types, and marks each object with
/// its host: ComputerName, and the Session it came from, which is what routes it home when it is piped on (every
/// cmdlet's -Session binds by property name). Strings and other plain values get PSComputerName, as Invoke-Command's do.
/// </summary>
public static class HostedObjects
{
    public const string ComputerNameProperty = "ComputerName";
    public const string SessionProperty = "Session";
    /// <summary>Type names with this suffix have table views with a host column (module/ContainerTools.Format.ps1xml).</summary>
    public const string FleetViewSuffix = "#Fleet";
    private const string Deserialized = "Deserialized.";

    private static readonly ConcurrentDictionary<string, Type?> Types = new(StringComparer.Ordinal);

    /// <summary>The module's own object a deserialized ContainerTools.* property bag stands for; null for anything else.</summary>
    public static object? Rebuild(PSObject remote)
    {
        var type = ModuleType(remote);
        return type is null ? null : Build(type, remote);
    }

    internal static PSObject Rehydrate(PSObject remote, PSSession session, bool showHost)
    {
        var computer = session.ComputerName;
        var type = ModuleType(remote);
        if (type is null)
        {
            var plain = remote.BaseObject is PSCustomObject ? remote : new PSObject(remote.BaseObject);
            plain.Properties.Add(new PSNoteProperty("PSComputerName", computer));
            return plain;
        }
        var result = new PSObject(Build(type, remote));
        result.Properties.Add(new PSNoteProperty(ComputerNameProperty, computer));
        result.Properties.Add(new PSNoteProperty(SessionProperty, session));
        if (showHost)
        {
            result.TypeNames.Insert(0, type.FullName + FleetViewSuffix);
        }
        return result;
    }

    private static Type? ModuleType(PSObject remote)
    {
        var typeName = remote.TypeNames.FirstOrDefault(n => n.StartsWith(Deserialized + "ContainerTools.", StringComparison.Ordinal));
        return typeName is null ? null : Types.GetOrAdd(typeName.Substring(Deserialized.Length), FindType);
    }

    /// <summary>Only the module's own public types are rebuilt from a host's type names.</summary>
    private static Type? FindType(string name)
    {
        foreach (var assembly in AppDomain.CurrentDomain.GetAssemblies())
        {
            if (assembly.GetName().Name?.StartsWith("ContainerTools", StringComparison.Ordinal) != true)
            {
                continue;
            }
            var type = assembly.GetType(name, throwOnError: false);
            if (type is { IsPublic: true, IsClass: true, IsAbstract: false, IsArray: false } && type != typeof(string))
            {
                return type;
            }
        }
        return null;
    }

    /// <summary>A type's settable properties and whether it has a parameterless constructor, looked up once per type.</summary>
    private sealed record Shape(bool HasDefaultConstructor, PropertyInfo[] Settable);

    private static readonly ConcurrentDictionary<Type, Shape> Shapes = new();

    private static Shape ShapeOf(Type type) => Shapes.GetOrAdd(type, t => new Shape(
        t.GetConstructor(Type.EmptyTypes) is not null,
        t.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetSetMethod(nonPublic: true) is not null && p.GetIndexParameters().Length == 0)
            .ToArray()));

    private static object Build(Type type, PSObject remote)
    {
        var shape = ShapeOf(type);
        var instance = shape.HasDefaultConstructor ? Activator.CreateInstance(type)! : RuntimeHelpers.GetUninitializedObject(type);
        foreach (var property in shape.Settable)
        {
            var value = remote.Properties[property.Name]?.Value;
            if (value is null)
            {
                continue;
            }
            try
            {
                property.SetValue(instance, Convert(value, property.PropertyType));
            }
            catch (Exception ex) when (ex is PSInvalidCastException or ArgumentException or TargetInvocationException)
            {
                // A nested type the serializer flattened to text: the property keeps its default rather than failing the object.
            }
        }
        return instance;
    }

    /// <summary>A property's value: nested module objects and lists of them rebuilt too, the rest by PowerShell's conversions.</summary>
    private static object? Convert(object value, Type target)
    {
        // Most properties are text, numbers, flags and times that arrive as what they are: no conversion to look up.
        var plain = value is PSObject { BaseObject: not PSCustomObject } wrapped ? wrapped.BaseObject : value;
        if (plain is string or ValueType && (Nullable.GetUnderlyingType(target) ?? target).IsInstanceOfType(plain))
        {
            return plain;
        }
        if (value is PSObject nested && ModuleType(nested) is { } type && target.IsAssignableFrom(type))
        {
            return Build(type, nested);
        }
        if (DictionaryTypes(target) is var (keyType, valueType) && plain is System.Collections.IDictionary pairs)
        {
            // A Dictionary<,> arrives as a Hashtable; a property typed IReadOnlyDictionary<,> takes a Dictionary<,> again.
            var dictionary = (System.Collections.IDictionary)Activator.CreateInstance(typeof(Dictionary<,>).MakeGenericType(keyType, valueType))!;
            foreach (System.Collections.DictionaryEntry pair in pairs)
            {
                dictionary[LanguagePrimitives.ConvertTo(pair.Key, keyType)] = pair.Value is null ? null : Convert(pair.Value, valueType);
            }
            return dictionary;
        }
        var element = ElementType(target);
        var items = (value as PSObject)?.BaseObject as System.Collections.IEnumerable ?? value as System.Collections.IEnumerable;
        if (element is not null && items is not null && value is not string && (value as PSObject)?.BaseObject is not string
            && element.Assembly.GetName().Name?.StartsWith("ContainerTools", StringComparison.Ordinal) == true)
        {
            var list = (System.Collections.IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(element))!;
            foreach (var item in items)
            {
                list.Add(item is null ? null : Convert(item, element));
            }
            if (target.IsArray)
            {
                var array = Array.CreateInstance(element, list.Count);
                list.CopyTo(array, 0);
                return array;
            }
            return list;
        }
        if (value is PSObject bag && bag.BaseObject is PSCustomObject)
        {
            return FromPropertyBag(bag, Nullable.GetUnderlyingType(target) ?? target);
        }
        return LanguagePrimitives.ConvertTo(value, target);
    }

    // A .NET value the serializer took apart at depth (a DateTimeOffset, say): rebuilt from its parts, else from the
    // text it carried (ToString of a deserialized object is the original's).
    private static object? FromPropertyBag(PSObject bag, Type target)
    {
        if (target == typeof(DateTimeOffset) && bag.Properties["UtcDateTime"]?.Value is DateTime utc && bag.Properties["Offset"]?.Value is TimeSpan offset)
        {
            return new DateTimeOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc)).ToOffset(offset);
        }
        return LanguagePrimitives.ConvertTo(bag.ToString(), target, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>K and V of Dictionary&lt;K, V&gt; and the interfaces it implements; null for other types.</summary>
    private static (Type Key, Type Value)? DictionaryTypes(Type target)
    {
        if (!target.IsGenericType || target.GetGenericArguments() is not [var key, var value])
        {
            return null;
        }
        return target.IsAssignableFrom(typeof(Dictionary<,>).MakeGenericType(key, value)) ? (key, value) : null;
    }

    /// <summary>T of T[], List&lt;T&gt;, IReadOnlyList&lt;T&gt;, IList&lt;T&gt;, IEnumerable&lt;T&gt;...; null for other types.</summary>
    private static Type? ElementType(Type target)
    {
        if (target.IsArray)
        {
            return target.GetElementType();
        }
        if (!target.IsGenericType || target.GetGenericArguments().Length != 1)
        {
            return null;
        }
        var element = target.GetGenericArguments()[0];
        return target.IsAssignableFrom(typeof(List<>).MakeGenericType(element)) ? element : null;
    }
}
