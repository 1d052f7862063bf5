using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using LoadBalancer.E2E.Tests.Daemon;
using LoadBalancer.Testing;
using Xunit;
using Xunit.Abstractions;
using static LoadBalancer.E2E.Tests.Health.HealthLbctl;

namespace LoadBalancer.E2E.Tests.Health;

/// <summary>
/// lbd's health checker end to end: real backend servers in their namespaces killed, restarted,
/// their health endpoints failed, their VIP traffic blackholed, while a client makes real
/// connections through the XDP balancer; what the checker decides is read through lbctl and the
/// metrics, and what it does to traffic is seen by the client. Each test runs its own lbd with
/// short intervals; the times each transition took are printed with their bound.
/// </summary>
public sealed class HealthCheckTests : IClassFixture<HealthFixture>
{
    private const string Vip = "10.210.100.1:80/tcp";
    private static readonly TimeSpan s_settle = TimeSpan.FromSeconds(15);
    private readonly HealthFixture _fixture;
    private readonly ITestOutputHelper _output;

    public HealthCheckTests(HealthFixture fixture, ITestOutputHelper output)
    {
        _fixture = fixture;
        _output = output;
        // Whatever an earlier test left: every server up, every health endpoint passing.
        fixture.Servers.Reset();
    }

    private Topology Topology => _fixture.Topology;

    private BackendServers Servers => _fixture.Servers;

    private ClientNet Client => _fixture.Client;

    [Fact]
    public Task KilledServer_StopsTakingNewFlowsWithinIntervalTimesFallPlusOne_HeldConnectionsElsewhereKept_ThenReturnsAndRamps()
        => WithLbd("""
            kind: tcp
            interval: 1s
            timeout: 300ms
            rise: 2
            fall: 2
            slow_start: 5s
            """, async lbd =>
        {
            var interval = TimeSpan.FromSeconds(1);
            var slowStart = TimeSpan.FromSeconds(5);
            var ejectBound = (interval * 2) + interval;
            var returnBound = (interval * 2) + interval;
            var be1 = Address(1);
            WaitAllHealthy(lbd, probed: true);
            var metrics = lbd.Metrics();
            Assert.Equal(1, Sample(metrics, "lb_backend_up", ("vip", Vip), ("backend", be1)));
            Assert.True(Sample(metrics, "lb_health_probe_duration_seconds_count", ("vip", Vip), ("backend", be1)) > 0, "no probe of be1 counted");

            // Connections held open across the failure: those that did not land on be1.
            var ports = new int[8];
            var clients = Enumerable.Range(0, ports.Length).Select(i => Client.Http(port => ports[i] = port)).ToList();
            try
            {
                var first = new List<string>();
                foreach (var http in clients)
                {
                    first.Add(await ClientNet.Backend(http, Topology.Vip4));
                }
                var held = Enumerable.Range(0, clients.Count).Where(i => first[i] != "be1").ToList();
                Assert.NotEmpty(held);
                var heldPorts = held.Select(i => ports[i]).ToList();

                var clock = Stopwatch.StartNew();
                Servers.Kill(1);
                var ejected = Poll.Until(clock, () => HealthOf(lbd, Vip), h => !h.Backend(be1).TakesNewFlows, ejectBound * 3, "be1 to stop taking new flows");
                _output.WriteLine($"be1's server killed: ejected after {ejected.Window} (bound interval*fall+interval = {ejectBound.TotalSeconds} s)\n{ejected.Value}");
                Assert.True(ejected.NotYet <= ejectBound, $"be1 still took new flows {ejected.NotYet.TotalSeconds:0.0} s after its server died (bound {ejectBound.TotalSeconds} s)");
                var down = ejected.Value.Backend(be1);
                Assert.Equal("unhealthy", down.State);
                Assert.Equal("fail", down.LastResult);
                Assert.All(ejected.Value.Backends.Where(b => b.Address != be1), b => Assert.True(b.TakesNewFlows, $"{b}"));

                var answers = await Gets(40);
                _output.WriteLine($"40 new connections after the ejection: {Summary(answers)}");
                Assert.DoesNotContain("be1", answers);
                Assert.DoesNotContain(Error, answers);

                foreach (var i in held)
                {
                    Assert.Equal(first[i], await ClientNet.Backend(clients[i], Topology.Vip4));
                }
                Assert.Equal(heldPorts, held.Select(i => ports[i])); // the same connections answered: none was opened again
                _output.WriteLine($"{held.Count} connections held on {string.Join(", ", held.Select(i => first[i]).Distinct().Order())} kept answering on their ports");
                metrics = lbd.Metrics();
                Assert.Equal(0, Sample(metrics, "lb_backend_up", ("vip", Vip), ("backend", be1)));
                Assert.Equal(1, Sample(metrics, "lb_backend_up", ("vip", Vip), ("backend", Address(2))));

                Servers.Start(1); // returns once the server listens: the clock starts there, not at the process start
                clock.Restart();
                var back = Poll.Until(clock, () => HealthOf(lbd, Vip), h => h.Backend(be1).State != "unhealthy", returnBound * 3, "be1 to come back");
                _output.WriteLine($"be1's server restarted: back after {back.Window} (bound rise*interval+interval = {returnBound.TotalSeconds} s)\n{back.Value}");
                Assert.True(back.NotYet <= returnBound, $"be1 still unhealthy {back.NotYet.TotalSeconds:0.0} s after its server came back (bound {returnBound.TotalSeconds} s)");
                Assert.Equal("slow-start", back.Value.Backend(be1).State);
                Assert.True(back.Value.Backend(be1).TakesNewFlows);

                // The ramp: weightPercent (lbctl health) and the share of new flows (lbctl backend list), sampled together.
                var ramp = new List<(TimeSpan At, string State, double Weight, double? Share)>();
                string? table = null;
                var rampClock = Stopwatch.StartNew();
                while (rampClock.Elapsed < slowStart + TimeSpan.FromSeconds(6) && ramp.Count < 100)
                {
                    var health = Task.Run(() => HealthOf(lbd, Vip));
                    var shares = Task.Run(() => Shares(lbd, Vip));
                    var b = (await health).Backend(be1);
                    ramp.Add((rampClock.Elapsed, b.State, b.WeightPercent, (await shares)[be1]));
                    if (table is null && b.State == "slow-start")
                    {
                        table = Lbctl.Ok(lbd, "backend", "list", Vip);
                    }
                    if (b.State == "healthy" && b.WeightPercent >= 100)
                    {
                        break;
                    }
                }
                _output.WriteLine("ramp of be1 (time, state, weightPercent, share):\n" + string.Join('\n', ramp.Select(r => $"  {r.At.TotalSeconds:0.0} s {r.State} {r.Weight}% {r.Share:0.000}")));
                _output.WriteLine($"lbctl backend list during the ramp:\n{table}");
                Assert.Equal(("healthy", 100.0), (ramp[^1].State, ramp[^1].Weight));
                var partial = ramp.Where(r => r.State == "slow-start" && r.Weight is > 0 and < 100).ToList();
                Assert.True(partial.Count >= 2, "fewer than two samples of a partial weight during slow start");
                Assert.True(partial[^1].Weight > partial[0].Weight, "the weight did not grow during slow start");
                for (var i = 1; i < ramp.Count; i++)
                {
                    Assert.True(ramp[i].Weight >= ramp[i - 1].Weight, $"the weight fell from {ramp[i - 1].Weight}% to {ramp[i].Weight}% during the ramp");
                }
                Assert.True(ramp[^1].At >= slowStart - TimeSpan.FromSeconds(2), $"full weight after {ramp[^1].At.TotalSeconds:0.0} s of a {slowStart.TotalSeconds} s slow start");
                var full = ramp[^1].Share ?? 0;
                Assert.True(full > 0, "be1 has no share of new flows after the ramp");
                var least = ramp.Where(r => r.State == "slow-start").Min(r => r.Share ?? 0);
                Assert.True(least < 0.9 * full, $"be1's share during slow start ({least:0.000}) was not below its full share ({full:0.000})");

                metrics = lbd.Metrics();
                var transitions = Samples(metrics, "lb_backend_health_transitions_total", ("vip", Vip), ("backend", be1));
                _output.WriteLine(string.Join('\n', transitions.Select(t => $"transitions to {t.Labels.GetValueOrDefault("to")}: {t.Value}")));
                Assert.True(transitions.Where(t => t.Labels.GetValueOrDefault("to") == "unhealthy").Sum(t => t.Value) >= 1, "no transition of be1 to unhealthy counted");
                Assert.True(transitions.Sum(t => t.Value) >= 2, "be1's way out and back not counted");
                Assert.Equal(1, Sample(metrics, "lb_backend_up", ("vip", Vip), ("backend", be1)));
            }
            finally
            {
                clients.ForEach(c => c.Dispose());
            }
        });

    [Fact]
    public Task HttpCheck_500WhileTcpStillAccepts_IsEjected_AndReturnsWhenItPasses()
        => WithLbd("""
            kind: http
            path: /healthz
            interval: 500ms
            timeout: 300ms
            rise: 2
            fall: 2
            slow_start: 0s
            """, async lbd =>
        {
            var interval = TimeSpan.FromMilliseconds(500);
            var bound = (interval * 2) + interval;
            var be2 = Address(2);
            WaitAllHealthy(lbd, probed: true);

            var clock = Stopwatch.StartNew();
            Servers.FailHealth(2, 500);
            var ejected = Poll.Until(clock, () => HealthOf(lbd, Vip), h => !h.Backend(be2).TakesNewFlows, bound * 4, "be2 to stop taking new flows");
            _output.WriteLine($"be2's /healthz answers 500: ejected after {ejected.Window} (bound interval*fall+interval = {bound.TotalSeconds} s)\n{ejected.Value}");
            Assert.True(ejected.NotYet <= bound, $"be2 still took new flows {ejected.NotYet.TotalSeconds:0.0} s after its check began to fail");
            var down = ejected.Value.Backend(be2);
            Assert.Equal("unhealthy", down.State);
            Assert.Equal("fail", down.LastResult);
            Assert.Contains("500", $"{down.Reason} {down.LastDetail}");

            // The server itself still accepts and serves: only the check fails.
            using (var direct = Client.Http())
            {
                Assert.Equal("be2", (await direct.GetStringAsync(new Uri($"http://{be2}/"))).Trim());
                using var healthz = await direct.GetAsync(new Uri($"http://{be2}/healthz"));
                Assert.Equal(HttpStatusCode.InternalServerError, healthz.StatusCode);
            }
            var answers = await Gets(40);
            _output.WriteLine($"40 new connections while be2 fails its check: {Summary(answers)}");
            Assert.DoesNotContain("be2", answers);
            Assert.DoesNotContain(Error, answers);

            clock.Restart();
            Servers.PassHealth(2);
            var back = Poll.Until(clock, () => HealthOf(lbd, Vip), h => h.Backend(be2) is { State: "healthy", TakesNewFlows: true }, bound * 4, "be2 to come back");
            _output.WriteLine($"be2's /healthz answers 200 again: back after {back.Window} (bound rise*interval+interval = {bound.TotalSeconds} s)");
            Assert.True(back.NotYet <= bound, $"be2 still ejected {back.NotYet.TotalSeconds:0.0} s after its check passed again");
            Assert.Contains("be2", await Gets(40));
        });

    [Fact]
    public Task EveryHealthEndpointFailing_MaxEjectionKeepsHalf_PanicFailsOpen_RestoreClosesIt()
        => WithLbd($"""
            kind: http
            port: {BackendServers.HealthPort}
            path: /healthz
            interval: 500ms
            timeout: 300ms
            rise: 2
            fall: 2
            slow_start: 0s
            max_ejection_percent: 50
            panic_threshold: 25
            """, async lbd =>
        {
            var interval = TimeSpan.FromMilliseconds(500);
            var bound = (interval * 2) + interval;
            WaitAllHealthy(lbd, probed: true);

            var clock = Stopwatch.StartNew();
            Servers.FailHealth(1);
            var one = Poll.Until(clock, () => HealthOf(lbd, Vip), h => !h.Backend(Address(1)).TakesNewFlows, bound * 4, "be1 to be ejected");
            _output.WriteLine($"1 of 4 failing: ejected after {one.Window}\n{one.Value}");
            Assert.Equal([Address(1)], Ejected(one.Value));
            Assert.Equal((3, 3, 4, false), (one.Value.Healthy, one.Value.Serving, one.Value.Total, one.Value.FailOpen));

            clock.Restart();
            Servers.FailHealth(2);
            Servers.FailHealth(3);
            // Once be2 and be3 have failed fall times each, the checker has decided; one more interval to let it show.
            Poll.Until(clock, () => HealthOf(lbd, Vip), h => new[] { 2, 3 }.All(i => h.Backend(Address(i)) is { LastResult: "fail", Consecutive: >= 2 }), bound * 4, "be2 and be3 to fail twice");
            Thread.Sleep(interval);
            var three = HealthOf(lbd, Vip);
            _output.WriteLine($"3 of 4 failing, after {clock.Elapsed.TotalSeconds:0.0} s:\n{three}");
            Assert.Equal(2, Ejected(three).Count);
            var kept = Assert.Single(three.Backends, b => b.Address != Address(4) && b.TakesNewFlows);
            Assert.Contains("max_ejection_percent", kept.Reason ?? "");
            Assert.True(three.Backend(Address(4)).TakesNewFlows);
            Assert.Equal((1, 2, 4, false), (three.Healthy, three.Serving, three.Total, three.FailOpen));
            var serving = three.Backends.Where(b => b.TakesNewFlows).Select(b => Name(b.Address)).Order().ToList();
            var answers = await Gets(40);
            _output.WriteLine($"40 new connections: {Summary(answers)}");
            Assert.Equal(serving, answers.Distinct().Order());

            clock.Restart();
            Servers.FailHealth(4);
            var all = Poll.Until(clock, () => HealthOf(lbd, Vip), h => h.FailOpen, bound * 4, "the VIP to fail open");
            _output.WriteLine($"4 of 4 failing: fail-open after {all.Window}\n{all.Value}");
            Assert.All(all.Value.Backends, b => Assert.True(b.TakesNewFlows, $"{b}"));
            Assert.Equal((0, 4, 4), (all.Value.Healthy, all.Value.Serving, all.Value.Total));
            // the gauges follow once the health round has rewritten the data plane, just after lbctl health shows it
            var metrics = Poll.Until(Stopwatch.StartNew(), lbd.Metrics, m => Sample(m, "lb_vip_fail_open", ("vip", Vip)) == 1, TimeSpan.FromSeconds(2), "lb_vip_fail_open to read 1").Value;
            Assert.All(Enumerable.Range(1, 4), i => Assert.Equal(1, Sample(metrics, "lb_backend_up", ("vip", Vip), ("backend", Address(i)))));
            answers = await Gets(40);
            _output.WriteLine($"40 new connections while failed open: {Summary(answers)}");
            Assert.Equal(["be1", "be2", "be3", "be4"], answers.Distinct().Order());

            clock.Restart();
            Enumerable.Range(1, 4).ToList().ForEach(Servers.PassHealth);
            var restored = Poll.Until(clock, () => HealthOf(lbd, Vip), h => !h.FailOpen && h.Backends.All(b => b is { State: "healthy", TakesNewFlows: true }), bound * 4, "every backend healthy, fail-open over");
            _output.WriteLine($"all passing again: closed after {restored.Window}\n{restored.Value}");
            Assert.Equal((4, 4, 4), (restored.Value.Healthy, restored.Value.Serving, restored.Value.Total));
            Poll.Until(Stopwatch.StartNew(), lbd.Metrics, m => Sample(m, "lb_vip_fail_open", ("vip", Vip)) == 0, TimeSpan.FromSeconds(2), "lb_vip_fail_open to read 0");
        });

    [Fact]
    public Task DrainedBackend_KeepsItsLongConnection_TakesNoNewFlows_AndAfterTheTimeoutIsDrainedWithItsFlowsRemoved()
        => WithLbd("""
            kind: tcp
            interval: 1s
            timeout: 300ms
            rise: 2
            fall: 2
            drain_timeout: 6s
            """, async lbd =>
        {
            // long enough for three lbctl runs (each a process start), 30 connections and 3 requests on a loaded host
            var drainTimeout = TimeSpan.FromSeconds(6);
            WaitAllHealthy(lbd, probed: true);
            var port = 0;
            using var held = Client.Http(p => port = p);
            var name = await ClientNet.Backend(held, Topology.Vip4);
            var heldPort = port;
            var address = Address(int.Parse(name.AsSpan(2), System.Globalization.CultureInfo.InvariantCulture));
            var before = Flow(lbd, heldPort, Vip);
            _output.WriteLine($"held connection from port {heldPort} on {name}: {before}");
            Assert.True(before.Found && before.Backend == address, $"the held connection's entry is not pinned to {address}: {before}");

            var clock = Stopwatch.StartNew();
            Lbctl.Ok(lbd, "backend", "drain", Vip, address);
            var draining = HealthOf(lbd, Vip).Backend(address);
            _output.WriteLine($"after lbctl backend drain: {draining}");
            Assert.Equal("draining", draining.State);
            Assert.False(draining.TakesNewFlows);

            var answers = await Gets(30);
            _output.WriteLine($"30 new connections while {name} drains: {Summary(answers)}");
            Assert.DoesNotContain(name, answers);
            Assert.DoesNotContain(Error, answers);
            for (var i = 0; i < 3; i++)
            {
                Assert.Equal(name, await ClientNet.Backend(held, Topology.Vip4));
            }
            Assert.Equal(heldPort, port); // the same connection answered
            var during = Flow(lbd, heldPort, Vip);
            var checkedAt = clock.Elapsed;
            Assert.True(checkedAt < drainTimeout, $"the checks during the drain took {checkedAt.TotalSeconds:0.0} s, past the drain timeout");
            Assert.True(during.Found && during.Backend == address, $"at {checkedAt.TotalSeconds:0.0} s, within the drain timeout, the held connection's entry is not pinned to {address}: {during}");

            var drained = Poll.Until(clock, () => HealthOf(lbd, Vip).Backend(address), b => b.State == "drained", drainTimeout * 3, $"{name} to be drained");
            _output.WriteLine($"drained after {drained.Window} (drain_timeout {drainTimeout.TotalSeconds} s): {drained.Value}");
            Assert.True(drained.Seen >= drainTimeout - TimeSpan.FromMilliseconds(300), $"drained after {drained.Seen.TotalSeconds:0.0} s with a connection open: before the {drainTimeout.TotalSeconds} s drain timeout");
            // the clock started before lbctl did, and lbd's drain timer when lbd handled the command
            Assert.True(drained.NotYet <= drainTimeout + TimeSpan.FromSeconds(2.5), $"still draining {drained.NotYet.TotalSeconds:0.0} s after the drain began (drain_timeout {drainTimeout.TotalSeconds} s)");
            Assert.False(drained.Value.TakesNewFlows);

            Assert.Equal(0, drained.Value.ActiveFlows);
            var entry = Flow(lbd, heldPort, Vip);
            _output.WriteLine($"the held connection's entry after the drain: {entry}");
            Assert.False(entry.Found && entry.Backend == address, $"{entry.Flow} is still pinned to {address}");

            // Not asserted (it is expected to break): where the old connection's next packets go.
            try
            {
                _output.WriteLine($"the held connection after the drain answered: {await ClientNet.Backend(held, Topology.Vip4)}");
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                _output.WriteLine($"the held connection after the drain: {e.GetType().Name}: {e.Message}");
            }
        });

    [Fact]
    public Task BackendBlackholingVipSyns_IsEjectedByThePassiveSignal_LongBeforeTheProbeInterval()
        => WithLbd($"""
            kind: tcp
            port: {BackendServers.HealthPort}
            interval: 60s
            timeout: 1s
            passive_min_events: 3
            passive_ratio: 50
            passive_window: 5s
            """, async lbd =>
        {
            var interval = TimeSpan.FromSeconds(60);
            var be3 = Address(3);
            WaitAllHealthy(lbd, probed: false);
            using (Servers.BlackholeVip(3, Topology.Vip4, Topology.HttpPort))
            {
                // Rounds of parallel connections with a connect timeout past the first SYN
                // retransmit (1 s): those placed on be3 retransmit their SYN once each.
                var clock = Stopwatch.StartNew();
                var rounds = new List<(int Connected, int TimedOut)>();
                HealthBackendReport state;
                var notYet = TimeSpan.Zero;
                while (true)
                {
                    var start = clock.Elapsed;
                    rounds.Add(await ConnectRound(16, TimeSpan.FromMilliseconds(1500)));
                    state = HealthOf(lbd, Vip).Backend(be3);
                    if (!state.TakesNewFlows || clock.Elapsed > TimeSpan.FromSeconds(25) || rounds.Count >= 20)
                    {
                        break;
                    }
                    notYet = start;
                }
                _output.WriteLine($"rounds of 16 connections (connected/timed out): {string.Join(", ", rounds.Select(r => $"{r.Connected}/{r.TimedOut}"))}");
                _output.WriteLine($"be3 blackholing SYNs to the VIP: {state}");
                Assert.True(rounds.Sum(r => r.TimedOut) >= 3, "fewer than 3 connections timed out: the blackhole did not hold");
                Assert.False(state.TakesNewFlows, $"be3 still takes new flows {clock.Elapsed.TotalSeconds:0.0} s into the blackhole");
                _output.WriteLine($"ejected by the passive signal after {notYet.TotalSeconds:0.0}-{clock.Elapsed.TotalSeconds:0.0} s (active probe interval {interval.TotalSeconds} s)");
                Assert.True(clock.Elapsed < interval);
                Assert.Contains("passive", state.Reason ?? "");
                Assert.NotEqual("fail", state.LastResult);
                var retransmits = Sample(lbd.Metrics(), "lb_backend_syn_retransmits_total", ("vip", Vip), ("backend", be3));
                _output.WriteLine($"lb_backend_syn_retransmits_total of be3: {retransmits}");
                Assert.True(retransmits >= 3, $"{retransmits} SYN retransmits counted for be3");

                var answers = await Gets(30);
                _output.WriteLine($"30 new connections after the ejection: {Summary(answers)}");
                Assert.DoesNotContain("be3", answers);
                Assert.DoesNotContain(Error, answers);
            }
        });

    [Fact]
    public async Task BadProbeConfiguration_IsRefusedByPath_ByValidateAndByAReload_WhichKeepsTheRunningChecks()
    {
        const string Good = """
            kind: tcp
            interval: 1s
            timeout: 300ms
            rise: 2
            fall: 2
            """;
        var bad = new (string Health, string Path, string Hint)[]
        {
            (Good.Replace("timeout: 300ms", "timeout: 1s"), "vips[0].health.timeout", "interval"),
            (Good.Replace("rise: 2", "rise: 0"), "vips[0].health.rise", "0"),
            (Good.Replace("kind: tcp", "kind: htp"), "vips[0].health.kind", "htp"),
            (Good.Replace("kind: tcp", "kind: command\ncommand:\n  - /nonexistent/lb-health-check"), "vips[0].health.command", "/nonexistent/lb-health-check"),
        };
        var directory = Directory.CreateTempSubdirectory($"{TestEnvironment.RunPrefix}-healthcfg-");
        try
        {
            var goodFile = Path.Combine(directory.FullName, "good.yaml");
            File.WriteAllText(goodFile, Yaml(Good));
            var (goodCode, goodText) = Shell.TryRun("dotnet", Tools.Lbctl, "config", "validate", goodFile);
            Assert.True(goodCode == 0, $"a valid health block was refused:\n{goodText}");
            for (var i = 0; i < bad.Length; i++)
            {
                var file = Path.Combine(directory.FullName, $"bad{i}.yaml");
                File.WriteAllText(file, Yaml(bad[i].Health));
                var (code, text) = Shell.TryRun("dotnet", Tools.Lbctl, "config", "validate", file);
                _output.WriteLine($"lbctl config validate ({bad[i].Path}) exited {code}:\n{text}");
                Assert.NotEqual(0, code);
                var line = text.Split('\n').FirstOrDefault(l => l.Contains(bad[i].Path, StringComparison.Ordinal));
                Assert.True(line is not null, $"no line names {bad[i].Path}:\n{text}");
                Assert.Contains(bad[i].Hint, line);
            }
        }
        finally
        {
            directory.Delete(recursive: true);
        }

        await WithLbd(Good, async lbd =>
        {
            WaitAllHealthy(lbd, probed: true);
            var vipsBefore = Lbctl.Ok(lbd, "vip", "list", "--json");
            foreach (var (health, path, _) in new[] { bad[0], bad[3] })
            {
                File.WriteAllText(lbd.ConfigPath!, Yaml(health));
                lbd.Hangup();
                var refused = Poll.Until(Stopwatch.StartNew(), () => Status(lbd), s => s.LastError?.Contains(path, StringComparison.Ordinal) == true, s_settle, $"lbd to refuse the reload naming {path}");
                _output.WriteLine($"reload refused: {refused.Value.LastError}");
                Assert.Equal(1, refused.Value.Generation);
                Assert.Equal(vipsBefore, Lbctl.Ok(lbd, "vip", "list", "--json"));
                var health2 = HealthOf(lbd, Vip);
                Assert.Equal("tcp", health2.Check);
                Assert.Equal(4, health2.Total);
                // The old checks still run: the results keep coming and every backend stays healthy.
                var consecutive = health2.Backends.Select(b => b.Consecutive).Sum();
                var later = Poll.Until(Stopwatch.StartNew(), () => HealthOf(lbd, Vip), h => h.Backends.Select(b => b.Consecutive).Sum() > consecutive, s_settle, "the running checks to go on");
                Assert.All(later.Value.Backends, b => Assert.Equal(("healthy", "pass"), (b.State, b.LastResult)));
            }
            var answers = await Gets(20);
            Assert.DoesNotContain(Error, answers);
        });
    }

    /// <summary>The configuration of these tests: VIP 10.210.100.1:80/tcp over be1-be4 with this health block (YAML, unindented).</summary>
    internal static string Yaml(string health)
    {
        var yaml = new StringBuilder("node:\n  interface: lb0\n  flow_table_size: 65536\nvips:\n  - address: 10.210.100.1\n    port: 80\n    protocol: tcp\n    health:\n");
        foreach (var line in health.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            yaml.Append("      ").Append(line.TrimEnd()).Append('\n');
        }
        yaml.Append("    backends:\n");
        for (var i = 1; i <= 4; i++)
        {
            yaml.Append($"      - address: {Address(i)}\n");
        }
        return yaml.ToString();
    }

    private const string Error = "error";

    private static string Address(int i) => Topology.Backend4(i).ToString();

    private static string Name(string address) => $"be{address[^1]}";

    private static List<string> Ejected(HealthVipReport report) => [.. report.Backends.Where(b => !b.TakesNewFlows).Select(b => b.Address).Order()];

    /// <summary>Runs <paramref name="body"/> against a started lbd with this health block; on failure prints lbd's output.</summary>
    private async Task WithLbd(string health, Func<LbdProcess, Task> body)
    {
        using var lbd = new LbdProcess(Topology, Yaml(health));
        _output.WriteLine($"health:\n{health}");
        try
        {
            lbd.Start();
            await body(lbd);
        }
        catch
        {
            lbd.Stop(kill: true);
            _output.WriteLine($"lbd's output:\n{lbd.Log}");
            throw;
        }
    }

    /// <summary>Waits until lbctl health lists all four backends healthy (and, if <paramref name="probed"/>, each with a passed probe).</summary>
    private void WaitAllHealthy(LbdProcess lbd, bool probed)
    {
        var seen = Poll.Until(Stopwatch.StartNew(), () => HealthOf(lbd, Vip),
            h => h.Backends.Count == 4 && h.Backends.All(b => b is { State: "healthy", TakesNewFlows: true } && (!probed || b.LastResult == "pass")),
            s_settle, "all four backends healthy");
        _output.WriteLine($"at start, after {seen.Seen.TotalSeconds:0.0} s:\n{seen.Value}");
    }

    /// <summary>New connections, one GET each: the answering backend's name, or "error".</summary>
    private async Task<List<string>> Gets(int count)
    {
        var answers = new List<string>();
        for (var i = 0; i < count; i++)
        {
            try
            {
                answers.Add(await Client.GetOnce(Topology.Vip4));
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
            {
                answers.Add(Error);
            }
        }
        return answers;
    }

    /// <summary><paramref name="count"/> connection attempts to the VIP at once, each given <paramref name="timeout"/>.</summary>
    private async Task<(int Connected, int TimedOut)> ConnectRound(int count, TimeSpan timeout)
    {
        var sockets = Enumerable.Range(0, count).Select(_ => Client.Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp)).ToList();
        try
        {
            var results = await Task.WhenAll(sockets.Select(async socket =>
            {
                using var cancel = new CancellationTokenSource(timeout);
                try
                {
                    await socket.ConnectAsync(new IPEndPoint(Topology.Vip4, Topology.HttpPort), cancel.Token);
                    return true;
                }
                catch (Exception e) when (e is OperationCanceledException or SocketException)
                {
                    return false;
                }
            }));
            return (results.Count(r => r), results.Count(r => !r));
        }
        finally
        {
            sockets.ForEach(s => s.Dispose());
        }
    }

    private static string Summary(List<string> answers)
        => string.Join(", ", answers.GroupBy(a => a).OrderBy(g => g.Key).Select(g => $"{g.Key} {g.Count()}"));
}
