using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using LoadBalancer.Core.Config;
using LoadBalancer.Core.Model;
using LoadBalancer.Testing;
using Tmds.Linux;
using Xunit;

namespace LoadBalancer.ControlPlane.Tests.Bgp;

/// <summary>
/// Two network namespaces joined by a veth pair: "local", where lbd's gobgpd runs (10.201.0.2,
/// fd00:201::2), and "router", where BIRD (AS 65000) peers with it over IPv4 (carrying IPv4 and,
/// if negotiated, IPv6 unicast) and over IPv6 (IPv6 unicast), and exports
/// what it learns into that namespace's kernel routing table (<c>merge paths on</c>). BIRD connects
/// to gobgpd's port 179 every second and idles at most 2 s after an error, so a session comes up
/// within about a second of gobgpd knowing the peer (gobgpd's own first connect takes 5-10 s).
/// Addresses exist only inside these namespaces, so labs do not clash. Dispose stops BIRD and any
/// process left in the namespaces, deletes them and the lab's files, also after a failure.
/// </summary>
internal sealed class BgpLab : IAsyncDisposable
{
    public const uint RouterAs = 65000;
    public const uint LocalAs = 65001;
    public static readonly IPAddress RouterV4 = IPAddress.Parse("10.201.0.1");
    public static readonly IPAddress LocalV4 = IPAddress.Parse("10.201.0.2");
    public static readonly IPAddress SpareV4 = IPAddress.Parse("10.201.0.3");
    public static readonly IPAddress RouterV6 = IPAddress.Parse("fd00:201::1");
    public static readonly IPAddress LocalV6 = IPAddress.Parse("fd00:201::2");
    public static readonly IPAddress SpareV6 = IPAddress.Parse("fd00:201::3");
    public static readonly Uri Api = new("http://127.0.0.1:50051");

    /// <summary>Every wait in these tests ends by then: sessions take about a second here.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private static readonly string[] s_tools = ["gobgpd", "gobgp", "bird", "birdc", "nsenter", "ip", "ss"];
    private static int s_count;
    private readonly string _directory;
    private readonly List<Process> _daemons = [];
    private readonly StringBuilder _birdLog = new();

    private BgpLab(int n)
    {
        // Same prefix as LoadBalancer.Testing's TestEnvironment.RunPrefix: one run's leftovers are findable.
        var prefix = $"{TestEnvironment.RunPrefix}-bgp{n}";
        LocalName = $"{prefix}l";
        RouterName = $"{prefix}r";
        _directory = Directory.CreateTempSubdirectory("lb-bgp-").FullName;
    }

    /// <summary>The namespace gobgpd runs in.</summary>
    public string LocalName { get; }

    /// <summary>The router's namespace.</summary>
    public string RouterName { get; }

    /// <summary>The local namespace's bind mount, for <c>GobgpSpeaker.StartAsync</c>.</summary>
    public string LocalNetns => $"/run/netns/{LocalName}";

    private string BirdSocket => Path.Combine(_directory, "bird.ctl");

    /// <summary>Fails (never skips) unless the process is root and every tool is installed.</summary>
    public static void RequireRootAndTools()
    {
        Assert.True(LibC.geteuid() == 0, "BGP tests create network namespaces and run gobgpd and BIRD in them: run them as root (sudo make test)");
        var missing = s_tools.Where(t => !ExecutableLookup.Exists(t)).ToList();
        Assert.True(missing.Count == 0, $"BGP tests need {string.Join(", ", missing)} in PATH (Debian: apt-get install gobgpd bird2 iproute2 util-linux)");
    }

    /// <summary>Builds the namespaces and starts BIRD; the caller disposes.</summary>
    public static async Task<BgpLab> CreateAsync()
    {
        RequireRootAndTools();
        var lab = new BgpLab(Interlocked.Increment(ref s_count));
        try
        {
            await lab.SetUpAsync();
            return lab;
        }
        catch
        {
            await lab.DisposeAsync();
            throw;
        }
    }

    /// <summary>Settings for lbd's speaker peering with the router over IPv4 and IPv6, fast timers.</summary>
    public static BgpSpec Spec(BgpSpeakerMode mode = BgpSpeakerMode.Start) => new()
    {
        LocalAs = LocalAs,
        RouterId = LocalV4,
        Speaker = mode,
        Api = Api,
        ListenPort = 179,
        HoldTime = TimeSpan.FromSeconds(3),
        Keepalive = TimeSpan.FromSeconds(1),
        Peers = [new BgpPeerSpec(RouterV4, RouterAs, 179), new BgpPeerSpec(RouterV6, RouterAs, 179)],
    };

    /// <summary>Runs a command in the local namespace.</summary>
    public string Local(params string[] command) => Shell.Run("nsenter", [$"--net={LocalNetns}", "--", .. command]);

    /// <summary>The router's kernel route to <paramref name="vip"/> (its host route), or "" when it has none.</summary>
    public string RouterRoute(IPAddress vip)
    {
        var v4 = vip.AddressFamily == AddressFamily.InterNetwork;
        return Shell.Run("ip", "-n", RouterName, v4 ? "-4" : "-6", "route", "show", $"{vip}/{(v4 ? 32 : 128)}").Trim();
    }

    /// <summary>Polls <paramref name="probe"/> until <paramref name="done"/> holds, for at most <see cref="Patience"/>; fails with the last value and BIRD's view.</summary>
    public async Task<T> EventuallyAsync<T>(string what, Func<Task<T>> probe, Func<T, bool> done)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            var value = await probe();
            if (done(value))
            {
                return value;
            }
            if (DateTime.UtcNow >= deadline)
            {
                Assert.Fail($"{what}: not within {Patience.TotalSeconds}s; last seen: {Describe(value)}\n{Diagnostics()}");
            }
            await Task.Delay(100);
        }
    }

    /// <summary>Polls the router's route to <paramref name="vip"/> until it is there (or gone, with <paramref name="present"/> false).</summary>
    public Task<string> RouterRouteAsync(IPAddress vip, bool present = true)
        => EventuallyAsync($"router route to {vip} {(present ? "appears" : "disappears")}", () => Task.FromResult(RouterRoute(vip)), r => (r.Length > 0) == present);

    /// <summary>Starts a gobgpd of the test's own in the local namespace (no BGP started) and waits for its API.</summary>
    public async Task<Process> StartOwnGobgpdAsync()
    {
        var psi = new ProcessStartInfo("nsenter") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { $"--net={LocalNetns}", "--", "gobgpd", "--api-hosts", $"{Api.Host}:{Api.Port}", "--pprof-disable", "--log-plain" })
        {
            psi.ArgumentList.Add(arg);
        }
        var process = Process.Start(psi)!;
        _daemons.Add(process);
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await EventuallyAsync("the test's gobgpd answers", () => Task.FromResult(Gobgp("global").ExitCode), code => code == 0 || process.HasExited);
        if (process.HasExited)
        {
            Assert.Fail($"the test's gobgpd exited with {process.ExitCode}");
        }
        return process;
    }

    /// <summary>Runs the gobgp CLI against the API in the local namespace.</summary>
    public (int ExitCode, string Output) Gobgp(params string[] args)
        => Shell.TryRun("nsenter", [$"--net={LocalNetns}", "--", "gobgp", "-u", Api.Host, "-p", Api.Port.ToString(), .. args]);

    /// <summary>The processes running in the local namespace.</summary>
    public IReadOnlyList<int> LocalProcesses() => Pids(LocalName);

    /// <summary>BIRD's protocols and log, for failure messages.</summary>
    public string Diagnostics()
    {
        var protocols = Shell.TryRun("birdc", "-s", BirdSocket, "show", "protocols").Output;
        string log;
        lock (_birdLog)
        {
            log = _birdLog.ToString();
        }
        var tail = string.Join('\n', log.Split('\n').TakeLast(15));
        return $"birdc show protocols:\n{protocols}\nBIRD's last log lines:\n{tail}";
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        foreach (var daemon in _daemons)
        {
            await StopAsync(daemon);
        }
        foreach (var name in new[] { LocalName, RouterName })
        {
            foreach (var pid in Pids(name))
            {
                _ = LibC.kill(pid, LibC.SIGKILL);
            }
            Shell.TryRun("ip", "netns", "del", name);
        }
        Directory.Delete(_directory, recursive: true);
    }

    private async Task SetUpAsync()
    {
        foreach (var name in new[] { LocalName, RouterName })
        {
            Shell.TryRun("ip", "netns", "del", name);
            Shell.Run("ip", "netns", "add", name);
            Shell.Run("ip", "-n", name, "link", "set", "lo", "up");
        }
        Shell.Run("ip", "-n", LocalName, "link", "add", "lb0", "type", "veth", "peer", "name", "rt0", "netns", RouterName);
        Shell.Run("ip", "-n", LocalName, "addr", "add", $"{LocalV4}/24", "dev", "lb0");
        Shell.Run("ip", "-n", LocalName, "addr", "add", $"{LocalV6}/64", "dev", "lb0", "nodad");
        Shell.Run("ip", "-n", RouterName, "addr", "add", $"{RouterV4}/24", "dev", "rt0");
        Shell.Run("ip", "-n", RouterName, "addr", "add", $"{RouterV6}/64", "dev", "rt0", "nodad");
        Shell.Run("ip", "-n", LocalName, "link", "set", "lb0", "up");
        Shell.Run("ip", "-n", RouterName, "link", "set", "rt0", "up");

        var config = Path.Combine(_directory, "bird.conf");
        await File.WriteAllTextAsync(config, BirdConfig());
        var psi = new ProcessStartInfo("nsenter") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { $"--net=/run/netns/{RouterName}", "--", "bird", "-f", "-c", config, "-s", BirdSocket })
        {
            psi.ArgumentList.Add(arg);
        }
        var bird = Process.Start(psi)!;
        _daemons.Add(bird);
        bird.OutputDataReceived += (_, e) => Keep(e.Data);
        bird.ErrorDataReceived += (_, e) => Keep(e.Data);
        bird.BeginOutputReadLine();
        bird.BeginErrorReadLine();
        await EventuallyAsync("BIRD answers on its control socket", () => Task.FromResult(Shell.TryRun("birdc", "-s", BirdSocket, "show", "status").ExitCode == 0 || bird.HasExited), ok => ok);
        if (bird.HasExited)
        {
            Assert.Fail($"BIRD exited with {bird.ExitCode}:\n{Diagnostics()}");
        }
    }

    private static string BirdConfig() => $$"""
        router id {{RouterV4}};
        log stderr all;
        protocol device { scan time 1; }
        protocol kernel k4 { ipv4 { import none; export all; }; merge paths on; }
        protocol kernel k6 { ipv6 { import none; export all; }; merge paths on; }
        template bgp lb {
            local as {{RouterAs}};
            hold time 3;
            keepalive time 1;
            connect delay time 1;
            connect retry time 1;
            error wait time 1, 2;
        }
        protocol bgp lb4 from lb { neighbor {{LocalV4}} as {{LocalAs}}; ipv4 { import all; export none; }; ipv6 { import all; export none; }; }
        protocol bgp lb6 from lb { neighbor {{LocalV6}} as {{LocalAs}}; ipv6 { import all; export none; }; }
        """;

    private void Keep(string? line)
    {
        if (line is not null)
        {
            lock (_birdLog)
            {
                _birdLog.AppendLine(line);
            }
        }
    }

    private static List<int> Pids(string name)
        => [.. Shell.TryRun("ip", "netns", "pids", name).Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(p => int.TryParse(p, out var pid) ? pid : 0).Where(p => p > 0)];

    private static async Task StopAsync(Process process)
    {
        if (!process.HasExited)
        {
            _ = LibC.kill(process.Id, LibC.SIGTERM);
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(3));
            try
            {
                await process.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill();
                await process.WaitForExitAsync();
            }
        }
        process.Dispose();
    }

    private static string Describe<T>(T value) => value switch
    {
        null => "null",
        string s => s.Length == 0 ? "(nothing)" : s,
        System.Collections.IEnumerable items => $"[{string.Join(", ", items.Cast<object>())}]",
        _ => value.ToString() ?? "",
    };
}
