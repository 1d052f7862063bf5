using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using LoadBalancer.Core.Api;
using LoadBalancer.Testing;
using Xunit;
using Xunit.Abstractions;

namespace LoadBalancer.E2E.Tests.Daemon;

/// <summary>One topology (client, balancer namespace, four backends) for the daemon tests; each test runs its own lbd.</summary>
public sealed class DaemonFixture : IDisposable
{
    public DaemonFixture()
    {
        Topology = new Topology(backends: 4);
        try
        {
            Client = new ClientNet(Topology);
        }
        catch
        {
            Topology.Dispose();
            throw;
        }
    }

    public Topology Topology { get; }

    public ClientNet Client { get; }

    public void Dispose()
    {
        Client.Dispose();
        Topology.Dispose();
    }
}

/// <summary>
/// lbd as an operator runs it: a real process in the balancer's namespace, configured by file and
/// by lbctl, restarted, killed, reloaded and fed bad input, with real traffic through it.
/// </summary>
public sealed class DaemonTests(DaemonFixture fixture, ITestOutputHelper output) : IClassFixture<DaemonFixture>
{
    private const string Http4 = "10.210.100.1:80/tcp";
    private const string Udp4 = "10.210.100.1:5353/udp";
    private static readonly string[] s_be12 = ["10.210.0.11", "10.210.0.12"];
    private static readonly string[] s_be123 = ["10.210.0.11", "10.210.0.12", "10.210.0.13"];

    private Topology Topology => fixture.Topology;

    private ClientNet Client => fixture.Client;

    [Fact]
    public async Task ConfiguredByFileThenByLbctl_TrafficFollows_AndLbctlChangesSurviveARestart()
    {
        using var lbd = new LbdProcess(Topology, YamlAtFullShare((Http4, s_be12)));
        lbd.Start();
        Assert.Equal(["be1", "be2"], (await Gets(30)).Distinct().Order());

        Lbctl.Ok(lbd, "backend", "add", Http4, "10.210.0.13");
        Lbctl.Ok(lbd, "backend", "remove", Http4, "10.210.0.11");
        Assert.Equal(["be2", "be3"], (await Gets(30)).Distinct().Order());

        lbd.Stop();
        lbd.Start();
        var vips = JsonSerializer.Deserialize<List<VipInfo>>(Lbctl.Ok(lbd, "vip", "list", "--json"), JsonSerializerOptions.Web)!;
        Assert.Equal(["10.210.0.12", "10.210.0.13"], vips.Single().Backends.Select(b => b.Address).Order());
        Assert.Equal(["be2", "be3"], (await Gets(30)).Distinct().Order());
    }

    [Fact]
    public async Task SchedulerSetByLbctl_TakesEffect_IsExplained_NotWarnedOnASingleNode_AndSurvivesARestart()
    {
        using var lbd = new LbdProcess(Topology, Yaml((Http4, s_be123)));
        lbd.Start();

        var (code, text) = Lbctl.Run(lbd, "vip", "set", Http4, "--scheduler", "rr");
        Assert.True(code == 0, text);
        // one node with its own files and no BGP: no other node serves the VIP, so no ECMP warning
        Assert.DoesNotContain("warning", text);
        // rr: each CPU's cursor walks the 3 backends in turn, so 30 connections split 10 each, give or take one per CPU
        Assert.All((await Gets(30)).GroupBy(b => b).ToList(), g => Assert.InRange(g.Count(), 8, 12));
        Assert.Contains("rr: list of 3, next position per CPU: cpu0 at", Lbctl.Ok(lbd, "explain", "10.210.0.100:40000", Http4));

        var (badCode, badText) = Lbctl.Run(lbd, "vip", "set", Http4, "--scheduler", "wrrr");
        Assert.Equal(2, badCode);
        Assert.Contains("maglev-src", badText);
        var (emptyCode, emptyText) = Lbctl.Run(lbd, "vip", "set", Http4);
        Assert.Equal(2, emptyCode);
        Assert.Contains("--backend, --scheduler or both", emptyText);

        lbd.Stop();
        lbd.Start();
        var vip = JsonSerializer.Deserialize<List<VipInfo>>(Lbctl.Ok(lbd, "vip", "list", "--json"), JsonSerializerOptions.Web)!.Single();
        Assert.Equal(("rr", true), (vip.Scheduler, vip.PerNode));
        Assert.All(vip.Backends, b => Assert.Equal(1.0 / 3, b.Share!.Value, 6));

        var (backCode, backText) = Lbctl.Run(lbd, "vip", "set", Http4, "--scheduler", "maglev");
        Assert.True(backCode == 0, backText);
        Assert.DoesNotContain("warning", backText);
        Assert.Contains("maglev: ring slot", Lbctl.Ok(lbd, "explain", "10.210.0.100:40000", Http4));
    }

    [Fact]
    public void TableChanges_UnderAUdpStream_LoseNoDatagram_AndMoveNoFlow()
    {
        using var lbd = new LbdProcess(Topology, Yaml((Udp4, s_be12)));
        lbd.Start();
        using var stream = new UdpStream(Client, Topology.Vip4, flows: 8, interval: TimeSpan.FromMilliseconds(5));
        stream.Start();

        // every change swaps a ring or list, or rewrites backends, while the datagrams flow
        var changes = new[]
        {
            new[] { "backend", "add", Udp4, "10.210.0.13" },
            ["backend", "weight", Udp4, "10.210.0.12", "5"],
            ["vip", "set", Udp4, "--scheduler", "wrr"],
            ["vip", "set", Udp4, "--scheduler", "lc"],
            ["backend", "drain", Udp4, "10.210.0.11"],
            ["vip", "set", Udp4, "--scheduler", "maglev-src"],
            ["backend", "undrain", Udp4, "10.210.0.11"],
            ["vip", "set", Udp4, "--scheduler", "maglev"],
        };
        foreach (var change in changes)
        {
            Thread.Sleep(150);
            Lbctl.Ok(lbd, change);
        }
        Thread.Sleep(300);
        var result = stream.Stop();

        output.WriteLine($"UDP through {changes.Length} table changes: {result.Sent} datagrams sent over {result.Flows} flows, {result.Received} answered, {result.Sent - result.Received} lost");
        Assert.True(result.Sent > 300, $"only {result.Sent} datagrams sent");
        Assert.Equal(result.Sent, result.Received);
        Assert.All(result.BackendsPerFlow, backends => Assert.Single(backends));
        Assert.Equal(changes.Length + 1, Status(lbd).Generation);
    }

    [Fact]
    public async Task RestartWithoutLoss_GracefulAndKilled_NoDatagramLost_ConnectionKept_FlowsKeepTheirBackends()
    {
        using var lbd = new LbdProcess(Topology, Yaml((Http4, s_be123), (Udp4, s_be123)));
        lbd.Start();
        using var http = Client.Http();
        var tcpBackend = await ClientNet.Backend(http, Topology.Vip4);
        using var stream = new UdpStream(Client, Topology.Vip4, flows: 8, interval: TimeSpan.FromMilliseconds(10));
        stream.Start();

        var tcpAnswers = new List<string>();
        foreach (var kill in new[] { false, true })
        {
            Thread.Sleep(700);
            lbd.Stop(kill);
            Thread.Sleep(700);
            tcpAnswers.Add(await ClientNet.Backend(http, Topology.Vip4)); // with no lbd at all
            lbd.Start();
        }
        Thread.Sleep(700);
        var result = stream.Stop();
        tcpAnswers.Add(await ClientNet.Backend(http, Topology.Vip4));

        output.WriteLine($"UDP: {result.Sent} datagrams sent over {result.Flows} flows, {result.Received} answered, {result.Sent - result.Received} lost; " +
            $"backends per flow: {string.Join(", ", result.BackendsPerFlow.Select(b => string.Join('+', b)))}; TCP answers: {string.Join(", ", tcpAnswers.Prepend(tcpBackend))}");
        Assert.True(result.Sent > 300, $"only {result.Sent} datagrams sent");
        Assert.Equal(result.Sent, result.Received);
        Assert.All(result.BackendsPerFlow, backends => Assert.Single(backends));
        Assert.All(tcpAnswers, answer => Assert.Equal(tcpBackend, answer));
        Assert.Contains("took over the data plane", lbd.Log);
    }

    [Fact]
    public async Task HotReload_AddsAVipAndABackend_WithoutResettingFlows()
    {
        using var lbd = new LbdProcess(Topology, YamlAtFullShare((Http4, s_be12)));
        lbd.Start();
        // Each client keeps one connection; its source port names the flow's 5-tuple in the table.
        var ports = new int[12];
        var clients = Enumerable.Range(0, ports.Length).Select(i => Client.Http(port => ports[i] = port)).ToList();
        try
        {
            var pinned = new List<string>();
            foreach (var http in clients)
            {
                pinned.Add(await ClientNet.Backend(http, Topology.Vip4));
            }
            var clientPorts = ports.ToArray();
            var entriesBefore = clientPorts.Select(port => Flow(lbd, port, Http4)).ToList();
            for (var i = 0; i < clients.Count; i++)
            {
                Assert.True(entriesBefore[i].Found, $"{entriesBefore[i].Flow}: no entry before the reload");
                Assert.Equal(BackendAddress(pinned[i]), entriesBefore[i].Backend);
            }
            var flowsBefore = Flows(lbd).Entries;

            File.WriteAllText(lbd.ConfigPath!, YamlAtFullShare((Http4, s_be123), ("10.210.100.2:80/tcp", ["10.210.0.14"])));
            WaitFor(() => Status(lbd).Generation >= 2, "the reload after the file changed");

            // Before any packet could re-create an entry: every flow opened before the reload is
            // still in the table, pinned to the same backend, and still honoured.
            Assert.True(Flows(lbd).Entries >= flowsBefore, "the flow table was reset");
            for (var i = 0; i < clients.Count; i++)
            {
                var after = Flow(lbd, clientPorts[i], Http4);
                Assert.True(after.Found, $"{after.Flow}: its entry was lost in the reload");
                Assert.Equal(entriesBefore[i].Backend, after.Backend);
                Assert.True(after.Live, $"{after.Flow}: no longer honoured after the reload (idle {after.IdleSeconds} s)");
            }

            for (var i = 0; i < clients.Count; i++)
            {
                Assert.Equal(pinned[i], await ClientNet.Backend(clients[i], Topology.Vip4));
            }
            Assert.Equal(clientPorts, ports); // the same connections answered: no flow was re-placed on a new one
            Assert.Equal("be4", await Client.GetOnce(IPAddress.Parse("10.210.100.2")));
            Assert.Contains("be3", await Gets(40));
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }
    }

    [Fact]
    public async Task BadConfiguration_IsRefusedWithEveryProblemByPath_AndTheRunningStateStays()
    {
        using var lbd = new LbdProcess(Topology, Yaml((Http4, s_be12)));
        lbd.Start();
        var good = File.ReadAllText(lbd.ConfigPath!);
        var listBefore = Lbctl.Ok(lbd, "vip", "list", "--json");

        var broken = Path.Combine(lbd.Directory, "broken.yaml");
        File.WriteAllText(broken, "node:\n  interface: lb0\nvips: [\n");
        var (code, text) = Shell.TryRun("dotnet", Tools.Lbctl, "config", "validate", broken);
        Assert.Equal(1, code);
        Assert.Contains("(yaml): line", text);

        var wrong = Path.Combine(lbd.Directory, "wrong.yaml");
        File.WriteAllText(wrong, """
            node:
              interface: lb0
              ring_siz: 7
            vips:
              - address: 10.210.100.1
                port: 80
                protocol: tcp
                backends:
                  - address: 10.210.0.11
                    weight: 70000
                  - address: 10.210.0.300
              - address: 10.210.100.1
                port: 80
                protocol: tcp
                backends:
                  - address: 10.210.0.12
            """);
        (code, text) = Shell.TryRun("dotnet", Tools.Lbctl, "config", "validate", wrong);
        output.WriteLine(text);
        Assert.Equal(1, code);
        Assert.Contains("node.ring_siz: unknown key", text);
        Assert.Contains("did you mean 'ring_size'", text);

        File.WriteAllText(wrong, File.ReadAllText(wrong).Replace("  ring_siz: 7\n", ""));
        (code, text) = Shell.TryRun("dotnet", Tools.Lbctl, "config", "validate", wrong);
        output.WriteLine(text);
        Assert.Equal(1, code);
        Assert.Contains("vips[0].backends[0].weight: 70000 must be 0..65535", text);
        Assert.Contains("vips[0].backends[1].address: '10.210.0.300' is not a unicast IPv4 or IPv6 address", text);
        Assert.Contains("vips[1]: duplicate VIP 10.210.100.1:80/tcp, already defined at vips[0]", text);
        Assert.Contains("3 problems", text);

        File.Copy(wrong, lbd.ConfigPath!, overwrite: true);
        lbd.Hangup();
        WaitFor(() => Status(lbd).LastError is not null, "lbd to refuse the reload");
        Assert.Contains("duplicate VIP", Status(lbd).LastError);
        Assert.Equal(listBefore, Lbctl.Ok(lbd, "vip", "list", "--json"));
        Assert.Equal(1, Status(lbd).Generation);
        Assert.Equal(["be1", "be2"], (await Gets(20)).Distinct().Order());

        var (addCode, addText) = Lbctl.Run(lbd, "vip", "add", "10.210.100.9:80/tcp", "--backend", "10.210.0.11=70000", "--backend", "nope");
        Assert.Equal(1, addCode);
        Assert.Contains("weight: 70000 must be 0..65535", addText);
        Assert.Contains("'nope' is not a unicast", addText);
        Assert.Equal(listBefore, Lbctl.Ok(lbd, "vip", "list", "--json"));
        File.WriteAllText(lbd.ConfigPath!, good);
    }

    [Fact]
    public void Lbctl_WithLbdDown_SaysSoInOneLine_AndExits3()
    {
        var socket = Path.Combine(Path.GetTempPath(), $"{TestEnvironment.RunPrefix}-none.sock");
        var (code, text) = Shell.TryRun("dotnet", Tools.Lbctl, "--socket", socket, "status");
        Assert.Equal(3, code);
        var line = Assert.Single(text.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"lbctl: cannot reach lbd at {socket}", line);
        Assert.Contains("is lbd running?", line);
    }

    [Fact]
    public void Lbctl_AsNonRoot_IsDenied_InOneLine_AndExits4()
    {
        // A copy readable by everyone: the test tree may sit under a directory only root can enter.
        var copy = Directory.CreateTempSubdirectory($"{TestEnvironment.RunPrefix}-lbctl-");
        try
        {
            Shell.Run("cp", "-r", $"{Tools.LbctlDirectory}/.", copy.FullName);
            Shell.Run("chmod", "-R", "a+rX", copy.FullName);
            var (code, text) = Shell.TryRun("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--",
                "env", "HOME=/tmp", "DOTNET_CLI_HOME=/tmp", "dotnet", Path.Combine(copy.FullName, "lbctl.dll"), "status");
            Assert.Equal(4, code);
            var line = Assert.Single(text.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.Equal("lbctl: lbctl needs root: lbd's API socket is root-only (run: sudo lbctl ...)", line);
        }
        finally
        {
            copy.Delete(recursive: true);
        }
    }

    [Fact]
    public void ApiSocket_IsRootOnly()
    {
        using var lbd = new LbdProcess(Topology, Yaml((Http4, s_be12)));
        lbd.Start();
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(lbd.Socket));
        Assert.Equal("0", Shell.Run("stat", "-c", "%u", lbd.Socket).Trim());
    }

    [Fact]
    public async Task UnderSystemd_ReportsReadyOnceAttachedAndServing_AndStoppingOnStop()
    {
        // systemd's notify protocol (Type=notify in lbd.service): datagrams on $NOTIFY_SOCKET. .NET
        // speaks it when systemd is the parent or, as here (no systemd on the test machine), when lbd
        // is PID 1 with NOTIFY_SOCKET set, as in a container.
        using var lbd = new LbdProcess(Topology, Yaml((Http4, s_be12))) { AsPid1 = true };
        var path = Path.Combine(lbd.Directory, "notify.sock");
        using var notify = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        notify.Bind(new UnixDomainSocketEndPoint(path));
        notify.ReceiveTimeout = 30_000;
        lbd.Environment["NOTIFY_SOCKET"] = path;

        var start = Task.Run(() => lbd.Start());
        List<string> ready;
        string attached;
        (int ExitCode, string Output) status;
        try
        {
            ready = ReceiveUntil(notify, "READY=1");
            // At READY the data plane is attached and the API answers: nothing waits for a poll.
            attached = Topology.Exec("lb", "ip", "-d", "link", "show", "dev", "lb0");
            status = Lbctl.Run(lbd, "status");
        }
        finally
        {
            // However the wait for READY ends, the start (bounded by its own timeout) must be over
            // before lbd is disposed, or it races Dispose. WhenAny waits without throwing, so a
            // failure above is the one reported; the start's own is rethrown just below.
            await Task.WhenAny(start);
        }
        await start;
        lbd.Stop();
        var stopping = ReceiveUntil(notify, "STOPPING=1");

        output.WriteLine($"notifications: {string.Join(" | ", ready.Concat(stopping))}");
        Assert.Contains("prog/xdp", attached);
        Assert.Equal(0, status.ExitCode);
        Assert.Contains(stopping, m => m.Contains("STOPPING=1", StringComparison.Ordinal));
    }

    [Fact]
    public void MissingInterface_FailsAtStartInOneClearLine_LeavingNothingAttached()
    {
        using var lbd = new LbdProcess(Topology, Yaml((Http4, s_be12)).Replace("interface: lb0", "interface: nope0"));

        var (code, text) = lbd.StartAndWait(TimeSpan.FromSeconds(30));

        Assert.Equal(1, code);
        Assert.Contains("lbd: interface 'nope0' does not exist in this network namespace (node.interface)", text);
        Assert.False(Directory.Exists(lbd.PinDirectory), $"{lbd.PinDirectory} was left behind");
        Assert.DoesNotContain("prog/xdp", Topology.Exec("lb", "ip", "-d", "link", "show"));
    }

    [Fact]
    public void Metrics_PerVipPacketCounter_EqualsWhatTheClientSent()
    {
        const string Vip = "10.210.100.3:5353/udp";
        using var lbd = new LbdProcess(Topology, Yaml((Vip, s_be123)));
        lbd.Start();
        const int Datagrams = 137;
        for (var i = 0; i < Datagrams; i++)
        {
            Assert.NotNull(Client.UdpOnce(IPAddress.Parse("10.210.100.3"), Encoding.ASCII.GetBytes($"m{i}")));
        }

        var metrics = lbd.Metrics();

        var line = metrics.Split('\n').Single(l => l.StartsWith($"lb_vip_packets_total{{vip=\"{Vip}\"}}", StringComparison.Ordinal));
        output.WriteLine(line);
        Assert.Equal(Datagrams, long.Parse(line.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Contains("lb_dataplane_attached{interface=\"lb0\"} 1", metrics);
        Assert.Contains("lb_config_generation 1", metrics);
    }

    /// <summary>A configuration for lb0 with these VIPs.</summary>
    internal static string Yaml(params (string Vip, string[] Backends)[] vips) => Yaml(vipTail: "", vips);

    /// <summary>
    /// <see cref="Yaml(ValueTuple{string, string[]}[])"/> with every VIP's slow start off, for a test that
    /// adds a backend at run time and expects its share of new connections at once: with the default
    /// 30 s ramp it starts at 10% of its weight, and 40 connections miss it about one run in seven.
    /// </summary>
    private static string YamlAtFullShare(params (string Vip, string[] Backends)[] vips)
        => Yaml(vipTail: "    health:\n      slow_start: 0s\n", vips);

    private static string Yaml(string vipTail, (string Vip, string[] Backends)[] vips)
    {
        var yaml = new StringBuilder("node:\n  interface: lb0\n  flow_table_size: 65536\nvips:\n");
        foreach (var (vip, backends) in vips)
        {
            var key = Core.Model.VipKey.Parse(vip);
            yaml.Append($"  - address: {key.Address}\n    port: {key.Port}\n    protocol: {key.Protocol.ToString().ToLowerInvariant()}\n    backends:\n");
            foreach (var backend in backends)
            {
                yaml.Append($"      - address: {backend}\n");
            }
            yaml.Append(vipTail);
        }
        return yaml.ToString();
    }

    private async Task<List<string>> Gets(int count)
    {
        var answers = new List<string>();
        for (var i = 0; i < count; i++)
        {
            answers.Add(await Client.GetOnce(Topology.Vip4));
        }
        return answers;
    }

    private static StatusResponse Status(LbdProcess lbd)
        => JsonSerializer.Deserialize<StatusResponse>(Lbctl.Ok(lbd, "status", "--json"), JsonSerializerOptions.Web)!;

    private static FlowsResponse Flows(LbdProcess lbd)
        => JsonSerializer.Deserialize<FlowsResponse>(Lbctl.Ok(lbd, "flows", "--json"), JsonSerializerOptions.Web)!;

    /// <summary>The flow-table entry of the client's <paramref name="clientPort"/> to <paramref name="vip"/>, through <c>lbctl flows --client --vip</c>.</summary>
    private static FlowEntry Flow(LbdProcess lbd, int clientPort, string vip)
    {
        var client = $"{Topology.Client4}:{clientPort.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
        var response = JsonSerializer.Deserialize<FlowsResponse>(Lbctl.Ok(lbd, "flows", "--client", client, "--vip", vip, "--json"), JsonSerializerOptions.Web)!;
        return response.Flow ?? throw new InvalidOperationException($"lbctl flows --client {client} --vip {vip} answered without a flow");
    }

    /// <summary>The IPv4 address of the backend that answers as <paramref name="name"/> (beN).</summary>
    private static string BackendAddress(string name)
        => Topology.Backend4(int.Parse(name.AsSpan(2), System.Globalization.CultureInfo.InvariantCulture)).ToString();

    private static void WaitFor(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"waited 15s for {what}");
            }
            Thread.Sleep(100);
        }
    }

    // Datagrams until one contains what (each may carry several NAME=VALUE lines); fails after the socket's timeout.
    private static List<string> ReceiveUntil(Socket socket, string what)
    {
        var messages = new List<string>();
        var buffer = new byte[4096];
        while (!messages.Any(m => m.Split('\n').Contains(what)))
        {
            var n = socket.Receive(buffer);
            messages.Add(Encoding.UTF8.GetString(buffer, 0, n));
        }
        return messages;
    }
}
