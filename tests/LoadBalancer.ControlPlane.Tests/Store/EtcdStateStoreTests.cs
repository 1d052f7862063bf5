using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using LoadBalancer.ControlPlane.Store;
using LoadBalancer.Core.Config;
using LoadBalancer.Core.Model;
using LoadBalancer.Core.Planning;
using LoadBalancer.Core.State;
using Xunit;
using Xunit.Abstractions;

namespace LoadBalancer.ControlPlane.Tests.Store;

/// <summary>
/// Two stores on one prefix of a real etcd on loopback stand for two nodes of a cluster. Every
/// wait is bounded; etcd is killed and its directory removed even when a test fails.
/// </summary>
public sealed class EtcdStateStoreTests : IDisposable
{
    private const string Prefix = "/lb/t";

    // Far above what loopback needs (the watch retries every 250 ms to 5 s), so a loaded machine does not fail these.
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(20);

    private static readonly VipKey s_web = VipKey.Parse("192.0.2.1:80/tcp");

    private const string SeedA = """
        vips:
          - address: 192.0.2.1
            port: 80
            backends:
              - address: 10.1.0.1
              - address: 10.1.0.2
          - address: 192.0.2.53
            port: 53
            protocol: udp
            scheduler: wrr
            backends:
              - address: 10.2.0.1
                weight: 3
        """;

    private const string SeedB = """
        vips:
          - address: 198.51.100.7
            port: 443
            backends:
              - address: 10.9.0.1
        """;

    private readonly ITestOutputHelper _output;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(2));
    private readonly TestEtcd _etcd;
    private readonly List<EtcdStateStore> _stores = [];

    public EtcdStateStoreTests(ITestOutputHelper output)
    {
        _output = output;
        _etcd = new TestEtcd();
        try
        {
            _output.WriteLine($"etcd healthy after {_etcd.Start().TotalMilliseconds:0} ms at {_etcd.Endpoint}");
        }
        catch
        {
            _etcd.Dispose();
            throw;
        }
    }

    private CancellationToken Ct => _timeout.Token;

    [Fact]
    public async Task LoadAsync_EmptyPrefix_SeedsItFromTheLocalFile_AndAnotherNodeReadsTheSameIds()
    {
        var a = Store("a", SeedA);
        var b = Store("b", SeedB);

        var fromA = await a.LoadAsync(Ct);
        var fromB = await b.LoadAsync(Ct);

        Assert.Equal(
            ["192.0.2.1:80/tcp maglev 10.1.0.1 weight 1", "192.0.2.1:80/tcp maglev 10.1.0.2 weight 1", "192.0.2.53:53/udp wrr 10.2.0.1 weight 3"],
            Describe(fromA.Config));
        // the ids follow the key text of the VIPs and the addresses of the backends
        Assert.Equal(
            ["backend 192.0.2.1:80/tcp 10.1.0.1 = 1", "backend 192.0.2.1:80/tcp 10.1.0.2 = 2", "backend 192.0.2.53:53/udp 10.2.0.1 = 3",
             "vip 192.0.2.1:80/tcp = 0", "vip 192.0.2.53:53/udp = 1"],
            IdLines(fromA.Ids));
        // b's own VIPs only seed an empty prefix: b runs the cluster's
        Assert.Equal(Describe(fromA.Config), Describe(fromB.Config));
        Assert.Equal(IdLines(fromA.Ids), IdLines(fromB.Ids));
        Assert.Equal(fromA.Revision, fromB.Revision);
        Assert.True(fromA.Revision > 0);
        Assert.Equal("a0", fromA.Config.Node.Interface);
        Assert.Equal("b0", fromB.Config.Node.Interface);
        Assert.True(fromA.Overlay.AddedVips.Count == 0 && fromA.Overlay.Vips.Count == 0 && fromA.Overlay.RemovedVips.Count == 0);
        Assert.True(a.Shared);
        Assert.Equal(new StoreStatus("etcd", false, null, null, fromA.Revision), a.Status);
        Assert.Contains(_etcd.Endpoint, a.Description);
        Assert.Contains(Prefix, a.Description);

        var stored = await Stored();
        Assert.Equal([$"{Prefix}/meta", $"{Prefix}/vips/192.0.2.1:80/tcp", $"{Prefix}/vips/192.0.2.53:53/udp"], stored.Keys);
        using var web = JsonDocument.Parse(stored[$"{Prefix}/vips/192.0.2.1:80/tcp"].Value);
        Assert.Equal(1, web.RootElement.GetProperty("format").GetInt32());
        Assert.Equal(0, web.RootElement.GetProperty("id").GetInt32());
        Assert.Equal("192.0.2.1", web.RootElement.GetProperty("vip").GetProperty("address").GetString());
        Assert.False(web.RootElement.GetProperty("vip").TryGetProperty("health", out _));
        Assert.Equal("""{"10.1.0.1":1,"10.1.0.2":2}""", web.RootElement.GetProperty("backend_ids").GetRawText());
        Assert.Equal("""{"format":1,"released":[]}""", stored[$"{Prefix}/meta"].Value);
        Assert.True(File.Exists(Path.Combine(_etcd.Scratch, "a.cache.json")));
    }

    [Fact]
    public async Task LoadAsync_TwoNodesSeedAtOnce_OneSeedWinsWhole()
    {
        var a = Store("a", SeedA);
        var b = Store("b", SeedB);

        var both = await Task.WhenAll(a.LoadAsync(Ct), b.LoadAsync(Ct));
        var again = await Task.WhenAll(a.LoadAsync(Ct), b.LoadAsync(Ct));

        // whichever seeded first, both run exactly its VIPs, never a mix
        var winner = Describe(again[0].Config);
        Assert.True(winner.SequenceEqual(Describe(ConfigOf(SeedA))) || winner.SequenceEqual(Describe(ConfigOf(SeedB))), string.Join('\n', winner));
        Assert.Equal(winner, Describe(again[1].Config));
        Assert.Equal(IdLines(again[0].Ids), IdLines(again[1].Ids));
        Assert.All(both, s => Assert.Equal(winner, Describe(s.Config)));
    }

    [Fact]
    public async Task LoadAsync_SeedLargerThanOneEtcdTransaction_IsAConfigurationErrorAndWritesNothing()
    {
        var vips = string.Concat(Enumerable.Range(1, 130).Select(i => $"""

              - address: 192.0.2.{i}
                port: 80
                backends:
                  - address: 10.1.0.1
            """));
        var a = Store("a", "vips:" + vips);

        var refused = await Assert.ThrowsAsync<ConfigValidationException>(() => a.LoadAsync(Ct));

        _output.WriteLine(refused.Message);
        Assert.Contains("--max-txn-ops", refused.Message);
        Assert.Empty(await Stored());
    }

    [Fact]
    public async Task CommitAsync_OnNodeA_IsSeenByNodeB_WithTheSameIdsAndByteIdenticalRings()
    {
        var a = Store("a", SeedA);
        var b = Store("b");
        var stateA = await a.LoadAsync(Ct);
        var stateB = await b.LoadAsync(Ct);
        var changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        b.Changed += () => changed.TrySetResult();

        var committed = await a.CommitAsync(stateA, Change(stateA, (f, o) => StateChanges.AddBackend(f, o, s_web, new BackendConfig { Address = "10.1.0.3", Weight = 5 })), Ct);
        var raisedAfter = await Within(changed.Task, "b's Changed after a's commit");
        var seen = await b.LoadAsync(Ct);

        _output.WriteLine($"b's Changed raised {raisedAfter.TotalMilliseconds:0} ms after a's commit");
        Assert.Contains("192.0.2.1:80/tcp maglev 10.1.0.3 weight 5", Describe(seen.Config));
        Assert.Equal(Describe(committed.Config), Describe(seen.Config));
        Assert.Equal(IdLines(committed.Ids), IdLines(seen.Ids));
        Assert.True(committed.Revision > stateB.Revision);
        Assert.True(seen.Revision >= committed.Revision);
        Assert.Equal(IdLines(stateA.Ids).Where(l => l.Contains("10.1.0.1") || l.Contains("10.1.0.2")), IdLines(seen.Ids).Where(l => l.Contains("10.1.0.1") || l.Contains("10.1.0.2")));
        Assert.True(committed.Overlay.AddedVips.Count == 0 && committed.Overlay.Vips.Count == 0);

        // two planners with different histories, given the same state, build the same tables
        var specA = ConfigValidator.Validate(committed.Effective);
        var specB = ConfigValidator.Validate(seen.Effective);
        var plannerB = new DataplanePlanner(specB.Node);
        plannerB.Plan(ConfigValidator.Validate(new BalancerConfig { Node = seen.Config.Node, Vips = [new VipConfig { Address = "192.0.2.9", Port = 80, Backends = [new() { Address = "10.9.0.9" }] }] }), TimeSpan.FromHours(1));
        var planA = new DataplanePlanner(specA.Node).Plan(specA, TimeSpan.FromHours(1), committed.Ids);
        var planB = plannerB.Plan(specB, TimeSpan.FromHours(2), seen.Ids);
        Assert.Equal(planA.Vips.OrderBy(v => v.Value), planB.Vips.OrderBy(v => v.Value));
        Assert.Equal(planA.Backends.OrderBy(v => v.Key), planB.Backends.OrderBy(v => v.Key));
        var webId = planA.Vips[s_web];
        Assert.Equal(planA.Rings[webId], planB.Rings[webId]);
        Assert.Equal(Lines(planA.Lists), Lines(planB.Lists));
    }

    [Fact]
    public async Task Changed_SubscribedOnlyAfterAnotherNodesCommitArrived_IsRaisedOnSubscription()
    {
        var a = Store("a", SeedA);
        var b = Store("b");
        var stateA = await a.LoadAsync(Ct);
        await b.LoadAsync(Ct);

        await a.CommitAsync(stateA, Change(stateA, (f, o) => StateChanges.AddBackend(f, o, s_web, new BackendConfig { Address = "10.1.0.3" })), Ct);
        // as lbd does: the store is loaded while the daemon starts, its handler subscribed once it has
        await Task.Delay(500, Ct);
        var changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        b.Changed += () => changed.TrySetResult();

        await Within(changed.Task, "b's Changed for a commit that arrived before the subscription");
        Assert.Contains("192.0.2.1:80/tcp maglev 10.1.0.3 weight 1", Describe((await b.LoadAsync(Ct)).Config));
    }

    [Fact]
    public async Task CommitAsync_Successive_KeptBackendsKeepTheirIds_ARemovedIdIsNotReusedWithinTheQuarantine()
    {
        var a = Store("a", SeedA);
        var seeded = await a.LoadAsync(Ct);
        var removedId = seeded.Ids!.Backends[Ref(s_web, "10.1.0.2")];

        var added = await a.CommitAsync(seeded, Change(seeded, (f, o) => StateChanges.AddBackend(f, o, s_web, new BackendConfig { Address = "10.1.0.3" })), Ct);
        var before = DateTimeOffset.UtcNow;
        var removed = await a.CommitAsync(added, Change(added, (f, o) => StateChanges.RemoveBackend(f, o, s_web, "10.1.0.2")), Ct);
        var after = DateTimeOffset.UtcNow;
        var readded = await a.CommitAsync(removed, Change(removed, (f, o) => StateChanges.AddBackend(
            f, StateChanges.AddBackend(f, o, s_web, new BackendConfig { Address = "10.1.0.4" }), s_web, new BackendConfig { Address = "10.1.0.2" })), Ct);

        foreach (var state in new[] { added, removed, readded })
        {
            Assert.Equal(seeded.Ids.Backends[Ref(s_web, "10.1.0.1")], state.Ids!.Backends[Ref(s_web, "10.1.0.1")]);
            Assert.Equal(seeded.Ids.Vips[s_web], state.Ids.Vips[s_web]);
        }
        Assert.Equal(added.Ids!.Backends[Ref(s_web, "10.1.0.3")], readded.Ids!.Backends[Ref(s_web, "10.1.0.3")]);
        Assert.False(removed.Ids!.Backends.ContainsKey(Ref(s_web, "10.1.0.2")));
        Assert.DoesNotContain(removedId, readded.Ids.Backends.Values);
        Assert.True(added.Revision < removed.Revision && removed.Revision < readded.Revision);

        using var meta = JsonDocument.Parse((await Stored())[$"{Prefix}/meta"].Value);
        var released = Assert.Single(meta.RootElement.GetProperty("released").EnumerateArray());
        Assert.Equal("backend", released.GetProperty("kind").GetString());
        Assert.Equal(removedId, released.GetProperty("id").GetUInt32());
        // node.tcp_idle_timeout (15m, the default) is the longer idle timeout
        Assert.InRange(released.GetProperty("until").GetDateTimeOffset(), before.AddMinutes(15).AddSeconds(-1), after.AddMinutes(15).AddSeconds(1));

        var b = Store("b");
        var fresh = await b.LoadAsync(Ct);
        Assert.Equal(IdLines(readded.Ids), IdLines(fresh.Ids));
    }

    [Fact]
    public async Task CommitAsync_TwoFromTheSameBasis_TheSecondConflictsAndWritesNothing()
    {
        var a = Store("a", SeedA);
        var b = Store("b");
        var stateA = await a.LoadAsync(Ct);
        var stateB = await b.LoadAsync(Ct);
        Assert.Equal(stateA.Revision, stateB.Revision);

        var fromA = await a.CommitAsync(stateA, Change(stateA, (f, o) => StateChanges.AddBackend(f, o, s_web, new BackendConfig { Address = "10.1.0.3" })), Ct);
        var before = await Stored();
        var conflict = await Assert.ThrowsAsync<StoreConflictException>(() =>
            b.CommitAsync(stateB, Change(stateB, (f, o) => StateChanges.AddBackend(f, o, s_web, new BackendConfig { Address = "10.1.0.9" })), Ct));
        var after = await Stored();

        _output.WriteLine(conflict.Message);
        Assert.Contains("nothing written", conflict.Message);
        Assert.Equal(before, after);
        Assert.DoesNotContain(after.Values, v => v.Value.Contains("10.1.0.9", StringComparison.Ordinal));
        Assert.Equal(fromA.Revision, after[$"{Prefix}/meta"].ModRevision);

        // what the reconciler does next: read again, redo the change
        var reloaded = await b.LoadAsync(Ct);
        var fromB = await b.CommitAsync(reloaded, Change(reloaded, (f, o) => StateChanges.AddBackend(f, o, s_web, new BackendConfig { Address = "10.1.0.9" })), Ct);
        Assert.Contains("192.0.2.1:80/tcp maglev 10.1.0.3 weight 1", Describe(fromB.Config));
        Assert.Contains("192.0.2.1:80/tcp maglev 10.1.0.9 weight 1", Describe(fromB.Config));
        Assert.Equal(fromA.Ids!.Backends[Ref(s_web, "10.1.0.3")], fromB.Ids!.Backends[Ref(s_web, "10.1.0.3")]);
    }

    [Fact]
    public async Task EtcdStopped_LoadReturnsTheLastState_StaleAndCommitUnavailable_ThenStartedAgain_StaleClearsAndTheOtherNodesCommitIsPickedUp()
    {
        var a = Store("a", SeedA);
        var b = Store("b");
        var stateA = await a.LoadAsync(Ct);
        var stateB = await b.LoadAsync(Ct);

        _etcd.Stop();
        var staleAfter = await Eventually(() => b.Status.Stale, "b stale after etcd stopped");
        var during = await b.LoadAsync(Ct);
        var unavailable = await Assert.ThrowsAsync<StoreUnavailableException>(() =>
            b.CommitAsync(during, Change(during, (f, o) => StateChanges.AddBackend(f, o, s_web, new BackendConfig { Address = "10.1.0.7" })), Ct));
        var status = b.Status;

        _output.WriteLine($"b stale {staleAfter.TotalMilliseconds:0} ms after etcd stopped; commit refused: {unavailable.Message}");
        Assert.Equal(stateB.Revision, during.Revision);
        Assert.Equal(Describe(stateB.Config), Describe(during.Config));
        Assert.Equal(IdLines(stateB.Ids), IdLines(during.Ids));
        Assert.True(status.Stale);
        Assert.NotNull(status.StaleSince);
        Assert.False(string.IsNullOrEmpty(status.LastError));
        Assert.Equal(stateB.Revision, status.Revision);
        Assert.Contains(_etcd.Endpoint, unavailable.Message);

        var changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        b.Changed += () => changed.TrySetResult();
        _etcd.Start();
        var started = Stopwatch.StartNew();
        var fromA = await UntilReachable(() => a.CommitAsync(stateA, Change(stateA, (f, o) => StateChanges.AddBackend(f, o, s_web, new BackendConfig { Address = "10.1.0.3" })), Ct));
        var committedAfter = started.Elapsed;
        await Within(changed.Task, "b's Changed for a's commit after etcd came back");
        var freshAfter = await Eventually(() => !b.Status.Stale, "b no longer stale after etcd started again");
        var seen = await b.LoadAsync(Ct);

        _output.WriteLine($"after etcd started: a committed at {committedAfter.TotalMilliseconds:0} ms, b fresh again {freshAfter.TotalMilliseconds:0} ms after that");
        Assert.Contains("192.0.2.1:80/tcp maglev 10.1.0.3 weight 1", Describe(seen.Config));
        Assert.Equal(IdLines(fromA.Ids), IdLines(seen.Ids));
        Assert.Equal(new StoreStatus("etcd", false, null, null, seen.Revision), b.Status);
    }

    [Fact]
    public async Task LoadAsync_FreshStoreWhileEtcdIsDown_LoadsTheCacheFile_AndCatchesUpWhenEtcdIsBack()
    {
        var cache = Path.Combine(_etcd.Scratch, "node.cache.json");
        var first = Store("a", SeedA, cache);
        var loaded = await first.LoadAsync(Ct);
        await first.DisposeAsync();
        _etcd.Stop();

        var restarted = Store("a2", SeedA, cache);
        var fromCache = await restarted.LoadAsync(Ct);
        var none = Store("c", SeedA, Path.Combine(_etcd.Scratch, "absent.cache.json"));
        var nothing = await Assert.ThrowsAsync<StoreUnavailableException>(() => none.LoadAsync(Ct));

        Assert.Equal(loaded.Revision, fromCache.Revision);
        Assert.Equal(Describe(loaded.Config), Describe(fromCache.Config));
        Assert.Equal(IdLines(loaded.Ids), IdLines(fromCache.Ids));
        Assert.True(restarted.Status.Stale);
        Assert.Equal(loaded.Revision, restarted.Status.Revision);
        Assert.Contains(_etcd.Endpoint, nothing.Message);
        Assert.Contains("no cache", nothing.Message);

        _etcd.Start();
        var freshAfter = await Eventually(() => !restarted.Status.Stale, "the store started on its cache no longer stale once etcd is back");
        _output.WriteLine($"fresh again {freshAfter.TotalMilliseconds:0} ms after etcd started");
        var again = await restarted.LoadAsync(Ct);
        Assert.Equal(IdLines(loaded.Ids), IdLines(again.Ids));
    }

    [Fact]
    public async Task LoadAsync_DamagedRecord_ThrowsInvalidDataNamingTheKey()
    {
        var a = Store("a", SeedA);
        await a.LoadAsync(Ct);
        await _etcd.Client.PutAsync($"{Prefix}/vips/192.0.2.1:80/tcp", """{"format":1,"id":0,"vip":{"address":"192.0.2.1","port":80,"backends":[{"address":"10.1.0.1"}]},"backend_ids":{}}""", cancellationToken: Ct);

        var damaged = await Assert.ThrowsAsync<InvalidDataException>(() => Store("b").LoadAsync(Ct));

        Assert.Contains($"{Prefix}/vips/192.0.2.1:80/tcp", damaged.Message);
        Assert.Contains("10.1.0.1 has no id", damaged.Message);
    }

    public void Dispose()
    {
        try
        {
            foreach (var store in _stores)
            {
                store.Dispose();
            }
        }
        finally
        {
            _etcd.Dispose();
            _timeout.Dispose();
        }
    }

    // A node: its own file (node keys, the etcd store, maybe seed VIPs) and its cache.
    private EtcdStateStore Store(string name, string seed = "", string? cache = null)
    {
        var yaml = $"""
            node:
              interface: {name}0
            store:
              kind: etcd
              endpoints:
                - {_etcd.Endpoint}
              prefix: {Prefix}
              timeout: 1s

            """ + seed;
        var path = Path.Combine(_etcd.Scratch, $"{name}.yaml");
        File.WriteAllText(path, yaml);
        var spec = ConfigValidator.Validate(YamlConfigReader.Read(yaml)).Store;
        var store = new EtcdStateStore(path, null, cache ?? Path.Combine(_etcd.Scratch, $"{name}.cache.json"), spec, TimeProvider.System,
            new TestOutputLogger<EtcdStateStore>(_output, name, _clock));
        _stores.Add(store);
        return store;
    }

    // What the reconciler commits: the state in force with a run-time change on top.
    private static DesiredState Change(DesiredState basis, Func<BalancerConfig, StateOverlay, StateOverlay> change)
        => basis with { Overlay = change(basis.Config, basis.Overlay) };

    private async Task<SortedDictionary<string, (string Value, long ModRevision)>> Stored()
    {
        var response = await _etcd.Client.GetRangeAsync($"{Prefix}/", cancellationToken: Ct);
        var stored = new SortedDictionary<string, (string, long)>(StringComparer.Ordinal);
        foreach (var kv in response.Kvs)
        {
            stored.Add(kv.Key.ToStringUtf8(), (kv.Value.ToStringUtf8(), kv.ModRevision));
        }
        return stored;
    }

    private async Task<TimeSpan> Within(Task task, string what)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            await task.WaitAsync(s_wait, Ct);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"no {what} within {s_wait.TotalSeconds} s; etcd:\n{_etcd.LogTail()}");
        }
        return clock.Elapsed;
    }

    private async Task<TimeSpan> Eventually(Func<bool> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > s_wait)
            {
                throw new TimeoutException($"{what}: not within {s_wait.TotalSeconds} s");
            }
            await Task.Delay(50, Ct);
        }
        return clock.Elapsed;
    }

    // etcd was just started: the first requests may find the connection still down.
    private async Task<T> UntilReachable<T>(Func<Task<T>> call)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return await call();
            }
            catch (StoreUnavailableException e) when (clock.Elapsed < s_wait)
            {
                _output.WriteLine($"{clock.Elapsed.TotalMilliseconds:0} ms: {e.Message}");
                await Task.Delay(100, Ct);
            }
        }
    }

    private static List<string> Lines(IReadOnlyDictionary<uint, uint[]> lists)
        => [.. lists.OrderBy(l => l.Key).Select(l => $"{l.Key}: {string.Join(',', l.Value)}")];

    private static BalancerConfig ConfigOf(string vips) => YamlConfigReader.Read(vips);

    private static BackendRef Ref(VipKey vip, string address) => new(vip, IPAddress.Parse(address));

    private static List<string> Describe(BalancerConfig config)
        => [.. config.Vips.SelectMany(v => v.Backends.Select(b =>
            $"{VipKey.Parse($"{(v.Address.Contains(':') ? $"[{v.Address}]" : v.Address)}:{v.Port.ToString(CultureInfo.InvariantCulture)}/{v.Protocol}")} {v.Scheduler} {b.Address} weight {b.Weight.ToString(CultureInfo.InvariantCulture)}{(b.Drained ? " drained" : "")}"))
            .Order(StringComparer.Ordinal)];

    private static List<string> IdLines(PinnedIds? ids)
    {
        Assert.NotNull(ids);
        return [.. ids.Vips.Select(v => $"vip {v.Key} = {v.Value}")
            .Concat(ids.Backends.Select(b => $"backend {b.Key.Vip} {b.Key.Address} = {b.Value}"))
            .Order(StringComparer.Ordinal)];
    }
}
