using System.Management.Automation;
using ContainerTools.Runtime.Images;
using ContainerTools.Runtime.Storage;
using ContainerTools.Tests.Fixtures;

namespace ContainerTools.Tests.Module;

/// <summary>The image cmdlets through real pipelines in a hosted engine, against a store of their own.</summary>
[Collection(ModuleCollection.Name)]
public sealed class ImageCmdletTests : IDisposable
{
    private const string Busybox = "docker.io/library/busybox:latest";
    private readonly ModuleSession session = new();

    public void Dispose() => session.Dispose();

    private ImageStore Store => new(new StoreRoot(session.StoreRoot));

    private Dictionary<string, object?> Vars(params (string Name, object? Value)[] values) => values.ToDictionary(v => v.Name, v => v.Value);

    /// <summary>busybox:latest; local/app:1 and local/app:2 (one image); local/tool:1.</summary>
    private string ImportThreeImages()
    {
        var archive = Path.Combine(session.Directory, "three.tar");
        TestImages.BuildDockerArchive(archive,
            new TestImage(["busybox:latest"], "base"), new TestImage(["local/app:1", "local/app:2"], "app"), new TestImage(["local/tool:1"], "tool"));
        session.Run("Import-ContainerImage -Path $Archive", Vars(("Archive", archive))).ThrowOnErrors();
        return archive;
    }

    [Fact]
    public void ImportingADockerArchiveWritesOneRowPerNameWithTheImagesProperties()
    {
        var archive = Path.Combine(session.Directory, "app.tar");
        TestImages.BuildDockerArchive(archive, "busybox:latest", "local/app:1");

        // Files bind by their FullName, as Get-ChildItem *.tar | Import-ContainerImage does.
        var imported = session.Run("[IO.FileInfo]::new($Archive) | Import-ContainerImage", Vars(("Archive", archive))).ThrowOnErrors();
        Assert.Equal([Busybox, "docker.io/local/app:1"], imported.References());
        Assert.NotEmpty(imported.Progress);

        var rows = session.Run("Get-ContainerImage").ThrowOnErrors();
        Assert.Equal(2, rows.Output.Count);
        var image = Store.Resolve("busybox");
        var row = rows.Values<ContainerImageView>(o => new ContainerImageView(o)).Single(r => r.Repository == "busybox");
        Assert.Equal("latest", row.Tag);
        Assert.Equal("busybox:latest", row.Name);
        Assert.Equal(image.Id, row.Id);
        Assert.Equal(image.Id[7..19], row.ShortId);
        Assert.Equal(image.ManifestDigest, row.Digest);
        Assert.Equal(TestImages.FixedTime.LocalDateTime, row.Created);
        Assert.Equal(image.Size, row.Size);
        Assert.True(row.Size > 500_000);
        Assert.Equal(image.Layers.Select(l => l.DiffId), row.Layers);
        Assert.Equal(2, row.Layers.Length);
        Assert.Equal("linux", row.Os);
        Assert.Equal("amd64", row.Architecture);
        Assert.Equal(["sh"], row.Cmd);
        Assert.Contains(row.Env, e => e.StartsWith("PATH=", StringComparison.Ordinal));
        Assert.Equal("default", row.Labels["test.marker"]);
        Assert.Equal([Busybox, "docker.io/local/app:1"], row.Names.Order());
        Assert.All(rows.Output, o => Assert.Equal(image.Id, o.Properties["Id"].Value));
        Assert.Equal("ContainerTools.ContainerImage", rows.Output[0].TypeNames[0]);
    }

    [Fact]
    public void NameFiltersMatchFamiliarAndFullNamesWithWildcards()
    {
        ImportThreeImages();
        IReadOnlyList<string> Get(string script) => session.Run(script).ThrowOnErrors().References();

        Assert.Equal(["docker.io/local/app:1", "docker.io/local/app:2", "docker.io/local/tool:1"], Get("Get-ContainerImage -Name 'local/*'"));
        Assert.Equal(["docker.io/local/app:1", "docker.io/local/app:2"], Get("Get-ContainerImage local/app"));
        Assert.Equal(["docker.io/local/app:2"], Get("Get-ContainerImage local/app:2"));
        Assert.Equal(["docker.io/local/app:1", "docker.io/local/tool:1"], Get("Get-ContainerImage 'docker.io/local/*:1'"));
        Assert.Equal(["docker.io/local/app:2"], Get("Get-ContainerImage '*:2'"));
        Assert.Equal([Busybox], Get("'busybox' | Get-ContainerImage"));
        // PowerShell matches names case-insensitively, even where Docker's references are lowercase.
        Assert.Equal(["docker.io/local/tool:1"], Get("Get-ContainerImage Local/Tool"));
        Assert.Equal([Busybox, "docker.io/local/tool:1"], Get("Get-ContainerImage busybox, '*tool*'"));
        // A wildcard pattern is a filter, not a name: no match is no output and no error.
        Assert.Empty(Get("Get-ContainerImage 'nothing*'"));
        Assert.Empty(Get("Get-ContainerImage 'local/app:?bad'"));
        Assert.Equal(4, Get("Get-ContainerImage").Count);

        var app = Store.Resolve("local/app:1");
        Assert.Equal(["docker.io/local/app:1", "docker.io/local/app:2"], Get($"Get-ContainerImage -Id {app.ShortId}"));
        Assert.Equal(["docker.io/local/app:1", "docker.io/local/app:2"], Get($"Get-ContainerImage {app.Id}"));
        Assert.Equal(["docker.io/local/app:1", "docker.io/local/app:2"], Get($"[pscustomobject]@{{ Id = '{app.Id}' }} | Get-ContainerImage"));
    }

    [Fact]
    public void WhatIfInAFilteredPipelineRemovesNothingAndTheSamePipelineWithoutItRemoves()
    {
        ImportThreeImages();
        var before = Store.List().Count;

        session.Run("Get-ContainerImage -Name 'local/*' | Where-Object Size -gt 10KB | Remove-ContainerImage -WhatIf").ThrowOnErrors();
        Assert.Equal(4, session.Run("Get-ContainerImage").ThrowOnErrors().Output.Count);

        session.Run("Get-ContainerImage -Name 'local/*' | Where-Object Size -gt 1TB | Remove-ContainerImage").ThrowOnErrors();
        Assert.Equal(4, session.Run("Get-ContainerImage").ThrowOnErrors().Output.Count);

        session.Run("Get-ContainerImage -Name 'local/*' | Where-Object Size -gt 10KB | Remove-ContainerImage").ThrowOnErrors();
        Assert.Equal([Busybox], session.Run("Get-ContainerImage").ThrowOnErrors().References());
        Assert.Equal(before - 2, Store.List().Count);
    }

    [Fact]
    public void RemovingByNameUntagsAndByIdOrLastNameDeletes()
    {
        ImportThreeImages();
        var app = Store.Resolve("local/app:1");

        session.Run("Remove-ContainerImage local/app:1").ThrowOnErrors();
        Assert.Equal(app.Id, Store.Resolve("local/app:2").Id);

        session.Run("[pscustomobject]@{ Name = 'local/tool:1' } | Remove-ContainerImage").ThrowOnErrors();
        Assert.Null(Store.TryResolve("local/tool:1"));

        session.Run("Remove-ContainerImage -Image $Id", Vars(("Id", app.Id))).ThrowOnErrors();
        Assert.Null(Store.TryResolve(app.Id));
        Assert.Single(Store.List());
    }

    [Fact]
    public void AnImageInUseIsRefusedAsResourceBusyUnlessForced()
    {
        ImportThreeImages();
        var tool = Store.Resolve("local/tool:1");
        Store.AddHolder(tool.Id, "container-1");

        var refused = session.Run("Remove-ContainerImage local/tool:1").SingleError();
        Assert.Equal(ErrorCategory.ResourceBusy, refused.CategoryInfo.Category);
        Assert.StartsWith("ImageInUse", refused.FullyQualifiedErrorId);
        Assert.NotNull(Store.TryResolve(tool.Id));

        session.Run("Remove-ContainerImage local/tool:1 -Force").ThrowOnErrors();
        Assert.Null(Store.TryResolve(tool.Id));
    }

    [Fact]
    public void TagsComeFromThePipelineAndPassThruWritesTheNewNames()
    {
        ImportThreeImages();
        var busybox = Store.Resolve("busybox");

        var tagged = session.Run("Get-ContainerImage busybox | Add-ContainerImageTag -Tag local/bb:1, registry.example.com:5000/bb -PassThru").ThrowOnErrors();
        Assert.Equal(["docker.io/local/bb:1", "registry.example.com:5000/bb:latest"], tagged.References());
        Assert.All(tagged.Output, o => Assert.Equal(busybox.Id, o.Properties["Id"].Value));
        Assert.Equal("registry.example.com:5000/bb", tagged.Output.Single(o => (string)o.Properties["Tag"].Value == "latest").Properties["Repository"].Value);

        Assert.Empty(session.Run("Add-ContainerImageTag -Image busybox -Tag local/bb:2").ThrowOnErrors().Output);
        Assert.Equal(busybox.Id, Store.Resolve("local/bb:2").Id);

        session.Run($"[pscustomobject]@{{ Id = '{busybox.ShortId}' }} | Add-ContainerImageTag -Tag local/bb:3").ThrowOnErrors();
        Assert.Equal(busybox.Id, Store.Resolve("local/bb:3").Id);
    }

    [Theory]
    [InlineData("DockerArchive")]
    [InlineData("OciArchive")]
    public void ExportedImagesImportIntoAFreshStoreWithTheirNamesAndIds(string format)
    {
        ImportThreeImages();
        var archive = Path.Combine(session.Directory, "local.tar");
        var expected = session.Run("Get-ContainerImage -Name 'local/*'").ThrowOnErrors();

        var written = session.Run("Get-ContainerImage -Name 'local/*' | Export-ContainerImage -Path $Archive -Format $Format",
            Vars(("Archive", archive), ("Format", format))).ThrowOnErrors();
        Assert.Equal(archive, written.Values<FileInfo>().Single().FullName);

        session.UseStore(Path.Combine(session.Directory, "fresh"));
        session.Run("Import-ContainerImage $Archive", Vars(("Archive", archive))).ThrowOnErrors();
        var reloaded = session.Run("Get-ContainerImage").ThrowOnErrors();
        Assert.Equal(expected.References(), reloaded.References());
        Assert.Equal(
            expected.Output.Select(o => $"{o.Properties["Reference"].Value}={o.Properties["Id"].Value}").Order(),
            reloaded.Output.Select(o => $"{o.Properties["Reference"].Value}={o.Properties["Id"].Value}").Order());
    }

    [Fact]
    public void ARootFilesystemTarballBecomesANamedOneLayerImage()
    {
        var tarball = Path.Combine(session.Directory, "rootfs.tar");
        TestImages.BuildBusyboxRootfsTar(tarball);

        var rows = session.Run("Import-ContainerImage -RootFs -Path $Tarball -Name local/busybox:1", Vars(("Tarball", tarball))).ThrowOnErrors();
        Assert.Equal(["docker.io/local/busybox:1"], rows.References());
        Assert.Single((string[])rows.Output[0].Properties["Layers"].Value);
    }

    [Fact]
    public void AnImageThatLostItsLastNameIsListedAsNoneAndRemovableFromThePipeline()
    {
        var first = Path.Combine(session.Directory, "first.tar");
        var second = Path.Combine(session.Directory, "second.tar");
        TestImages.BuildDockerArchive(first, new TestImage(["local/app:1"], "one"));
        TestImages.BuildDockerArchive(second, new TestImage(["local/app:1"], "two"));
        session.Run("Import-ContainerImage $First; Import-ContainerImage $Second", Vars(("First", first), ("Second", second))).ThrowOnErrors();
        Assert.Equal(2, Store.List().Count);

        var all = session.Run("Get-ContainerImage").ThrowOnErrors();
        var none = all.Output.Single(o => (string)o.Properties["Repository"].Value == "<none>");
        Assert.Equal("<none>", none.Properties["Tag"].Value);
        Assert.Null(none.Properties["Name"].Value);
        Assert.DoesNotContain(session.Run("Get-ContainerImage -Name '*'").ThrowOnErrors().Output, o => (string)o.Properties["Repository"].Value == "<none>");

        session.Run("Get-ContainerImage | Where-Object Repository -eq '<none>' | Remove-ContainerImage").ThrowOnErrors();
        Assert.Equal(["docker.io/local/app:1"], session.Run("Get-ContainerImage").ThrowOnErrors().References());
    }

    [Theory]
    [InlineData("Get-ContainerImage no/such:image")]
    [InlineData("Remove-ContainerImage no/such:image")]
    [InlineData("Add-ContainerImageTag -Image no/such:image -Tag local/x:1")]
    [InlineData("Export-ContainerImage -Image busybox, no/such:image -Path $Archive")]
    [InlineData("Get-ContainerImage -Id sha256:0000000000000000000000000000000000000000000000000000000000000000")]
    public void UnknownImagesAreObjectNotFoundErrors(string script)
    {
        ImportThreeImages();
        var archive = Path.Combine(session.Directory, "never.tar");
        var error = session.Run(script, Vars(("Archive", archive))).SingleError();
        Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
        Assert.StartsWith("ImageNotFound,ContainerTools.Cmdlets.Images.", error.FullyQualifiedErrorId);
        Assert.Contains("no/such:image", error.Exception.Message.Replace("sha256:0000000000000000000000000000000000000000000000000000000000000000", "no/such:image"));
        Assert.False(File.Exists(archive));
    }

    [Theory]
    [InlineData("Add-ContainerImageTag -Image busybox -Tag 'Local/App:1'")]
    [InlineData("Add-ContainerImageTag -Image busybox -Tag 'local/app:bad tag'")]
    [InlineData("Get-ContainerImage 'local//app'")]
    [InlineData("Remove-ContainerImage 'Not/Valid!'")]
    public void MalformedNamesAreInvalidArgumentErrors(string script)
    {
        ImportThreeImages();
        var before = Store.List().SelectMany(i => i.Names).Count();
        var error = session.Run(script).SingleError();
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
        Assert.StartsWith("InvalidImageReference", error.FullyQualifiedErrorId);
        Assert.Equal(before, Store.List().SelectMany(i => i.Names).Count());
    }

    [Fact]
    public void ACorruptArchiveIsInvalidDataAndAMissingFileIsObjectNotFound()
    {
        var corrupt = Path.Combine(session.Directory, "corrupt.tar");
        File.WriteAllBytes(corrupt, [.. Enumerable.Range(0, 4096).Select(i => (byte)(i * 7))]);
        var bad = session.Run("Import-ContainerImage $Path", Vars(("Path", corrupt))).SingleError();
        Assert.Equal(ErrorCategory.InvalidData, bad.CategoryInfo.Category);
        Assert.IsType<ContainerTools.OciRuntime.Errors.ContainerToolsException>(bad.Exception);

        var missing = session.Run("Import-ContainerImage $Path", Vars(("Path", Path.Combine(session.Directory, "missing.tar")))).SingleError();
        Assert.Equal(ErrorCategory.ObjectNotFound, missing.CategoryInfo.Category);
        Assert.StartsWith("PathNotFound", missing.FullyQualifiedErrorId);
        Assert.Empty(Store.List());
    }

    [Fact]
    public void ImageParametersCompleteWithNamesFromTheStore()
    {
        ImportThreeImages();
        var completions = session.Run("(TabExpansion2 -inputScript 'Remove-ContainerImage local/a' -cursorColumn 29).CompletionMatches | ForEach-Object CompletionText")
            .ThrowOnErrors().Values<string>();
        Assert.Equal(["local/app:1", "local/app:2"], completions);
    }
}

/// <summary>Typed access to a ContainerImage row as PowerShell sees it (the test project does not reference the cmdlet assembly).</summary>
internal sealed class ContainerImageView(PSObject row)
{
    private T Get<T>(string name) => (T)LanguagePrimitives.ConvertTo(row.Properties[name].Value, typeof(T));
    public string Repository => Get<string>(nameof(Repository));
    public string Tag => Get<string>(nameof(Tag));
    public string? Name => Get<string?>(nameof(Name));
    public string Id => Get<string>(nameof(Id));
    public string ShortId => Get<string>(nameof(ShortId));
    public string? Digest => Get<string?>(nameof(Digest));
    public DateTime? Created => Get<DateTime?>(nameof(Created));
    public long Size => Get<long>(nameof(Size));
    public string[] Layers => Get<string[]>(nameof(Layers));
    public string Os => Get<string>(nameof(Os));
    public string Architecture => Get<string>(nameof(Architecture));
    public string[] Cmd => Get<string[]>(nameof(Cmd));
    public string[] Env => Get<string[]>(nameof(Env));
    public System.Collections.Hashtable Labels => Get<System.Collections.Hashtable>(nameof(Labels));
    public string[] Names => Get<string[]>(nameof(Names));
}
