// usage: ctmon-footprint [COUNT]   (CONTAINERTOOLS_MONITOR / CONTAINERTOOLS_INIT point at the helpers;
// FOOTPRINT_COMMAND replaces the default chatty container, e.g. "sleep 1000" for an idle one)
using ContainerTools.Runtime.Containers;
using ContainerTools.Runtime.Images;
using ContainerTools.Runtime.Storage;
using ContainerTools.Tests.Fixtures;

var count = args.Length > 0 ? int.Parse(args[0]) : 5;
var rootPath = Directory.CreateTempSubdirectory("ct-footprint-").FullName;
var root = new StoreRoot(rootPath);
var images = new ImageStore(root);
var archive = Path.Combine(rootPath, "busybox.tar");
TestImages.BuildDockerArchive(archive, "busybox:latest");
images.Import(archive, null);
var store = new ContainerStore(root, images);
var ids = new List<string>();
try
{
    for (var i = 0; i < count; i++)
    {
        var c = store.Create(new ContainerCreateOptions { Image = "busybox", Command = ["sh", "-c", Environment.GetEnvironmentVariable("FOOTPRINT_COMMAND") ?? "while true; do echo tick; sleep 0.1; done"] });
        ids.Add(store.Start(c.Id).Id);
    }
    Thread.Sleep(2000);
    if (Environment.GetEnvironmentVariable("FOOTPRINT_PMAP") is not null)
    {
        var pid = store.Resolve(ids[0]).State.MonitorPid;
        System.Diagnostics.Process.Start("pmap", ["-x", pid.ToString()])!.WaitForExit();
    }
    foreach (var id in ids)
    {
        var c = store.Resolve(id);
        var status = File.ReadAllLines($"/proc/{c.State.MonitorPid}/status");
        string Field(string name) => status.First(l => l.StartsWith(name + ":")).Split(':')[1].Trim();
        Console.WriteLine($"ctmon pid {c.State.MonitorPid}: VmRSS {Field("VmRSS")}, RssAnon {Field("RssAnon")}, RssFile {Field("RssFile")}, threads {Field("Threads")}");
    }
}
finally
{
    foreach (var id in ids) store.Remove(id, force: true);
    Directory.Delete(rootPath, true);
}
