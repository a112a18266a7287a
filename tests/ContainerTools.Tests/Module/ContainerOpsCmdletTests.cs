using System.Management.Automation;
using ContainerTools.Tests.Fixtures;

namespace ContainerTools.Tests.Module;

/// <summary>
/// Working inside containers through the hosted module: Copy-ContainerFile, Export-Container, Get-ContainerStatistic and
/// Get-ContainerEvent on real busybox containers. Dispose removes every container and checks nothing is left mounted.
/// </summary>
[Collection(ModuleCollection.Name)]
public sealed class ContainerOpsCmdletTests : BusyboxModuleTest
{
    private ScriptResult Ok(string script, params (string Name, object? Value)[] values) => session.Run(script, Vars(values)).ThrowOnErrors();

    private void WaitForLog(string name, string text)
    {
        var seen = Ok("for ($i = 0; $i -lt 1000; $i++) { if (@(Get-ContainerLog $Name) -contains $Text) { return $true }; [System.Threading.Thread]::Sleep(20) }; $false",
            ("Name", name), ("Text", text)).Values<bool>().Single();
        Assert.True(seen, $"{name} never wrote '{text}'");
    }

    [Fact]
    public void CopyRoundTripsATreeWithModesOwnersAndSymlinksIntoAndOutOfARunningContainer()
    {
        var tree = Path.Combine(session.Directory, "tree");
        Directory.CreateDirectory(Path.Combine(tree, "private"));
        File.WriteAllText(Path.Combine(tree, "tool"), "#!/bin/sh\n");
        File.SetUnixFileMode(Path.Combine(tree, "tool"), (UnixFileMode)Convert.ToInt32("4755", 8));
        File.WriteAllText(Path.Combine(tree, "private", "secret"), "s3cret");
        File.SetUnixFileMode(Path.Combine(tree, "private"), (UnixFileMode)Convert.ToInt32("700", 8));
        File.SetUnixFileMode(Path.Combine(tree, "private", "secret"), (UnixFileMode)Convert.ToInt32("640", 8));
        TestImages.Run("chown", "1234:5678", Path.Combine(tree, "private", "secret"));
        File.CreateSymbolicLink(Path.Combine(tree, "relative"), "private/secret");
        File.CreateSymbolicLink(Path.Combine(tree, "absolute"), "/etc/passwd");

        Ok("Invoke-ContainerImage busybox -Detach -Name box -Command sh,-c,'trap \"exit 7\" TERM; echo ready; sleep 100 & wait' | Out-Null");
        WaitForLog("box", "ready");
        Ok("Get-Container box | Copy-ContainerFile -Path $Tree -Destination /tmp/ -ToContainer", ("Tree", tree));
        var back = Path.Combine(session.Directory, "back");
        Ok("Copy-ContainerFile box /tmp/tree $Back", ("Back", back));

        Assert.Equal("#!/bin/sh\n", File.ReadAllText(Path.Combine(back, "tool")));
        Assert.Equal(Convert.ToInt32("4755", 8), (int)File.GetUnixFileMode(Path.Combine(back, "tool")));
        Assert.Equal(Convert.ToInt32("700", 8), (int)File.GetUnixFileMode(Path.Combine(back, "private")));
        Assert.Equal(Convert.ToInt32("640", 8), (int)File.GetUnixFileMode(Path.Combine(back, "private", "secret")));
        Assert.Equal("1234:5678", TestImages.Run("stat", "-c", "%u:%g", Path.Combine(back, "private", "secret")).Trim());
        Assert.Equal("s3cret", File.ReadAllText(Path.Combine(back, "private", "secret")));
        Assert.Equal("private/secret", new FileInfo(Path.Combine(back, "relative")).LinkTarget);
        Assert.Equal("/etc/passwd", new FileInfo(Path.Combine(back, "absolute")).LinkTarget);

        // A relative host path resolves against PowerShell's location; -PassThru writes the container.
        var passed = Ok("$null = $ExecutionContext.SessionState.Path.SetLocation($Dir); Copy-ContainerFile box /etc/passwd ./passwd-copy -PassThru", ("Dir", session.Directory));
        Assert.Equal("box", passed.Property<string>(0, "Name"));
        Assert.StartsWith("root:x:0:0", File.ReadAllText(Path.Combine(session.Directory, "passwd-copy")));

        var missing = session.Run("Copy-ContainerFile box /no/such/file $Back", Vars(("Back", back))).SingleError();
        Assert.Equal("ContainerPathNotFound", missing.FullyQualifiedErrorId.Split(',')[0]);
        Assert.Equal(ErrorCategory.ObjectNotFound, missing.CategoryInfo.Category);
    }

    [Fact]
    public void SymlinksPlantedInTheContainerCannotMakeACopyWriteToTheHost()
    {
        var hostDir = Path.Combine(session.Directory, "sentinel");
        Directory.CreateDirectory(hostDir);
        var sentinel = Path.Combine(hostDir, "file");
        File.WriteAllText(sentinel, "original");
        var payload = Path.Combine(session.Directory, "payload");
        File.WriteAllText(payload, "overwritten");

        // The container recreates the host's directory path in its own root and plants links that lead "up" and to "/".
        var plant = $"mkdir -p {hostDir} && ln -s / /evil && ln -s ../../../../../../../../.. /tmp/up && ln -s {hostDir} /linkdir && ln -s {sentinel} /linkfile";
        Ok($"Invoke-ContainerImage busybox -Detach -Name hostile -Command sh,-c,'{plant}; trap \"exit 7\" TERM; echo ready; sleep 100 & wait' | Out-Null");
        WaitForLog("hostile", "ready");

        foreach (var state in new[] { "running", "stopped" })
        {
            foreach (var destination in new[] { $"/evil{sentinel}", $"/tmp/up{sentinel}", "/linkdir/file", "/linkfile", "/linkdir/" })
            {
                Ok("Copy-ContainerFile hostile -Path $Payload -Destination $Destination -ToContainer", ("Payload", payload), ("Destination", destination));
                Assert.Equal("original", File.ReadAllText(sentinel));
            }
            Assert.Equal(["file"], Directory.GetFileSystemEntries(hostDir).Select(Path.GetFileName));
            // The writes landed inside the container instead.
            var inside = Path.Combine(session.Directory, $"inside-{state}");
            Ok("Copy-ContainerFile hostile -Path $Path -Destination $Inside", ("Path", sentinel), ("Inside", inside));
            Assert.Equal("overwritten", File.ReadAllText(inside));
            Ok("Stop-Container hostile");
        }
    }

    [Fact]
    public void AnExportedContainerImportsAsAnImageWithTheFilesTheContainerMade()
    {
        Ok("Invoke-ContainerImage busybox -Name maker -Command sh,-c,'echo made inside > /made; chmod 640 /made; mkdir /data; ln -s /made /data/link'");
        var tarball = Path.Combine(session.Directory, "maker.tar");
        var file = Ok("Get-Container maker | Export-Container -Path $Tar -PassThru", ("Tar", tarball));
        Assert.Equal(tarball, file.Values<FileInfo>().Single().FullName);
        Assert.Equal(["maker.tar"], Directory.GetFiles(session.Directory, "maker*").Select(Path.GetFileName).Concat(
            Directory.GetFiles(session.Directory, ".maker*").Select(Path.GetFileName)));

        var listing = TestImages.Run("tar", "-tvf", tarball);
        Assert.Contains(" made", listing);
        Assert.Contains("bin/busybox", listing);

        Ok("Import-ContainerImage -RootFs -Path $Tar -Name snapshot:1 | Out-Null", ("Tar", tarball));
        var output = Ok("Invoke-ContainerImage snapshot:1 -RemoveAutomatically -Command /bin/sh,-c,'/bin/cat /data/link; /bin/stat -c %a /made'").Values<string>();
        Assert.Equal(["made inside", "640"], output);
    }

    [Fact]
    public void StatisticsShowTheMemoryAndCpuAContainerUses()
    {
        Ok("Invoke-ContainerImage busybox -Detach -Name hog -Command sh,-c,'x=$(head -c 20000000 /dev/zero | tr \"\\0\" a); echo held; while :; do :; done' | Out-Null");
        WaitForLog("hog", "held");
        Ok("Invoke-ContainerImage busybox -Name idle -Command true");

        var rows = Ok("Get-ContainerStatistic");
        var row = Assert.Single(rows.Output);
        Assert.Equal("ContainerTools.ContainerStatistic", row.BaseObject.GetType().FullName);
        Assert.Equal("hog", row.Properties["Name"].Value);
        Assert.True(rows.Property<long>(0, "MemoryUsage") > 15_000_000, $"MemoryUsage {row.Properties["MemoryUsage"].Value}");
        Assert.True(rows.Property<double>(0, "CpuPercent") > 10, $"CpuPercent {row.Properties["CpuPercent"].Value}");
        Assert.True(rows.Property<double>(0, "MemoryPercent") > 0);
        Assert.True(rows.Property<long>(0, "MemoryLimit") >= rows.Property<long>(0, "MemoryUsage"));
        Assert.True(rows.Property<long>(0, "Pids") >= 1);

        var streamed = Ok("Get-Container hog | Get-ContainerStatistic -Stream -Count 3 -IntervalMilliseconds 100");
        Assert.Equal(3, streamed.Output.Count);
        Assert.All(streamed.Output, r => Assert.Equal("hog", r.Properties["Name"].Value));

        var notRunning = session.Run("Get-ContainerStatistic idle").SingleError();
        Assert.Equal("ContainerNotRunning", notRunning.FullyQualifiedErrorId.Split(',')[0]);

        var table = Ok("[ContainerTools.Display]::Percent(12.345); [ContainerTools.Display]::BinarySize(20971520)").Values<string>();
        Assert.Equal(["12.35%", "20MiB"], table);
    }

    [Fact]
    public void StatisticBindsContainersByValueAndByIdOrNameButNeedsNone()
    {
        var container = Ok("(Get-Command Get-ContainerStatistic).Parameters['Container']").Values<ParameterMetadata>().Single();
        Assert.Equal(["Id", "Name"], container.Aliases);
        var binding = container.ParameterSets.Values.Single();
        Assert.False(binding.IsMandatory);
        Assert.True(binding.ValueFromPipeline);
        Assert.True(binding.ValueFromPipelineByPropertyName);
        Assert.Empty(Ok("Get-ContainerStatistic").Output);

        Ok("Invoke-ContainerImage busybox -Detach -Name bound -Command sh,-c,'trap \"exit 7\" TERM; echo ready; sleep 100 & wait' | Out-Null");
        WaitForLog("bound", "ready");
        var byObject = Ok("[pscustomobject]@{ Name = 'bound' } | Get-ContainerStatistic -IntervalMilliseconds 50");
        Assert.Equal("bound", byObject.Property<string>(0, "Name"));
        Assert.Equal("bound", Ok("Get-Container bound | Get-ContainerStatistic -IntervalMilliseconds 50").Property<string>(0, "Name"));
    }

    [Fact]
    public void EventsArriveInOrderAndFilterByTime()
    {
        var before = Ok("[DateTime]::Now").Values<DateTime>().Single();
        Ok("Invoke-ContainerImage busybox -Name short -Command sh,-c,'exit 3'; Remove-Container short");
        Ok("Invoke-ContainerImage busybox -Detach -Name sleeper -Command sh,-c,'trap \"exit 7\" TERM; echo ready; sleep 100 & wait' | Out-Null");
        WaitForLog("sleeper", "ready");
        Ok("Suspend-Container sleeper; Resume-Container sleeper; Stop-Container sleeper");

        var events = Ok("Get-ContainerEvent -Since $Before", ("Before", before)).Output;
        Assert.All(events, e => Assert.Equal("ContainerTools.ContainerEvent", e.BaseObject.GetType().FullName));
        string[] Actions(string name) => events.Where(e => (string)e.Properties["Name"].Value == name).Select(e => (string)e.Properties["Action"].Value).ToArray();
        Assert.Equal(["create", "start", "die", "destroy"], Actions("short"));
        Assert.Equal(["create", "start", "pause", "unpause", "die", "stop"], Actions("sleeper"));
        var die = events.First(e => (string)e.Properties["Action"].Value == "die");
        Assert.Equal("3", ((System.Collections.Hashtable)die.Properties["Attributes"].Value)["exitCode"]);
        Assert.All(events, e => Assert.Equal("container", e.Properties["Type"].Value));

        var dies = Ok("Get-ContainerEvent -Since $Before -Container short, sleep* -Action die", ("Before", before)).Output;
        Assert.Equal(2, Ok("'short', 'sleeper' | ForEach-Object { [pscustomobject]@{ Name = $_ } } | Get-ContainerEvent -Since $Before -Action die", ("Before", before)).Output.Count);
        Assert.Equal(["short", "sleeper"], dies.Select(e => (string)e.Properties["Name"].Value));
        var sleeperId = Ok("(Get-Container sleeper).Id").Values<string>().Single();
        Assert.Equal(6, Ok("Get-Container sleeper | Get-ContainerEvent -Since $Before", ("Before", before)).Output.Count);
        Assert.Equal(6, Ok("Get-ContainerEvent -Since $Before -Container $Prefix", ("Before", before), ("Prefix", sleeperId[..8])).Output.Count);

        Assert.Empty(Ok("Get-ContainerEvent -Since ([DateTime]::Now).AddMinutes(1)").Output);
        Assert.Empty(Ok("Get-ContainerEvent -Until $Before", ("Before", before.AddSeconds(-1))).Output);
        // -Wait ends at -Until, having written what was there.
        var followed = Ok("Get-ContainerEvent -Wait -Since $Before -Until ([DateTime]::Now).AddMilliseconds(300)", ("Before", before)).Output;
        Assert.Equal(events.Count, followed.Count);
    }
}
