using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using LoadBalancer.Testing;

namespace LoadBalancer.E2E.Tests.Cluster;

/// <summary>
/// A plain gobgpd in LB node lb1 or lb2 (AS 65001), peering with the router (10.211.0.1, AS 65000)
/// over IPv4 with the ipv4-unicast and ipv6-unicast families, hold 3 s, keepalive 1 s; its gRPC API
/// on 127.0.0.1:50051 inside the node, driven with the gobgp CLI there. It stands in for lbd's
/// speaker to prove the network. Its config and log live in a temporary directory removed on dispose.
/// </summary>
public sealed class PlainGobgpd : IDisposable
{
    /// <summary>gobgpd's gRPC API inside the node.</summary>
    public const string ApiHost = "127.0.0.1";

    /// <summary>gobgpd's gRPC port inside the node.</summary>
    public const int ApiPort = 50051;

    private readonly ClusterTopology _topology;
    private readonly string _directory;
    private readonly NamespaceDaemon _gobgpd;

    /// <param name="node">1 or 2: lb1 or lb2.</param>
    /// <param name="listenPort">gobgpd's BGP port: 179 (BIRD connects to it within a second) or -1 (connect out only; gobgpd's first try comes after 5-10 s).</param>
    public PlainGobgpd(ClusterTopology topology, int node, int listenPort = ClusterTopology.BgpPort)
    {
        ClusterTools.Require("gobgpd", "gobgp");
        _topology = topology;
        Node = ClusterTopology.Lb(node);
        Index = node;
        _directory = Directory.CreateTempSubdirectory($"{TestEnvironment.RunPrefix}-{Node}-gobgp-").FullName;
        ConfigPath = Path.Combine(_directory, "gobgpd.toml");
        File.WriteAllText(ConfigPath, Toml(ClusterTopology.Lb4(node), listenPort));
        _gobgpd = new NamespaceDaemon(topology.NamespacePath(Node), Path.Combine(_directory, "gobgpd.log"),
            "gobgpd", "-f", ConfigPath, "--api-hosts", $"{ApiHost}:{ApiPort}", "--pprof-disable");
    }

    /// <summary>lb1 or lb2.</summary>
    public string Node { get; }

    /// <summary>1 or 2.</summary>
    public int Index { get; }

    public string ConfigPath { get; }

    public bool IsRunning => _gobgpd.IsRunning;

    public string Log => _gobgpd.Log;

    /// <summary>Starts gobgpd and waits (at most 5 s) until its API answers; BIRD's session comes up on its own afterwards.</summary>
    public void Start()
    {
        _gobgpd.Start();
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (!_gobgpd.IsRunning)
            {
                throw new InvalidOperationException($"gobgpd in {Node} exited at start:\n{_gobgpd.LogTail()}");
            }
            var (code, output) = TryGobgp("global");
            if (code == 0)
            {
                return;
            }
            if (clock.Elapsed > TimeSpan.FromSeconds(5))
            {
                throw new TimeoutException($"gobgpd's API in {Node} did not answer within 5 s (gobgp global: {output}):\n{_gobgpd.LogTail()}");
            }
            Thread.Sleep(50);
        }
    }

    /// <summary>Stops gobgpd (SIGTERM, or SIGKILL): the session closes and the router drops this node's routes.</summary>
    public void Stop(bool kill = false) => _gobgpd.Stop(kill);

    /// <summary>Freezes gobgpd (SIGSTOP): the session stays open but silent, as behind a blackhole, until the router's hold timer expires.</summary>
    public void Freeze() => _gobgpd.Signal("STOP");

    /// <summary>Lets a frozen gobgpd run again (SIGCONT).</summary>
    public void Thaw() => _gobgpd.Signal("CONT");

    /// <summary>
    /// Announces <paramref name="vip"/> as a /32 or /128; the next hop is this node's segment address
    /// (for IPv6 given explicitly: on the IPv4 session gobgpd would send the IPv4 one, which BIRD rejects).
    /// </summary>
    public void Announce(IPAddress vip) => Gobgp(["global", "rib", "add", .. Route(vip)]);

    /// <summary>Withdraws <paramref name="vip"/>.</summary>
    public void Withdraw(IPAddress vip) => Gobgp(["global", "rib", "del", .. Route(vip)]);

    /// <summary>Runs the gobgp CLI against this speaker; throws with the output unless it succeeds.</summary>
    public string Gobgp(params string[] args)
    {
        var (code, output) = TryGobgp(args);
        return code == 0 ? output : throw new InvalidOperationException($"gobgp {string.Join(' ', args)} in {Node} exited {code}:\n{output}\n{_gobgpd.LogTail()}");
    }

    public void Dispose()
    {
        try
        {
            _gobgpd.Dispose();
        }
        finally
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private (int ExitCode, string Output) TryGobgp(params string[] args)
        => _topology.TryExec(Node, ["gobgp", "--host", ApiHost, "--port", ApiPort.ToString(CultureInfo.InvariantCulture), .. args]);

    private string[] Route(IPAddress vip)
        => vip.AddressFamily == AddressFamily.InterNetworkV6
            ? [$"{vip}/128", "nexthop", ClusterTopology.Lb6(Index).ToString(), "-a", "ipv6"]
            : [$"{vip}/32", "-a", "ipv4"];

    private static string Toml(IPAddress address, int listenPort) => $"""
        [global.config]
          as = {ClusterTopology.LbAs}
          router-id = "{address}"
          port = {listenPort.ToString(CultureInfo.InvariantCulture)}

        [[neighbors]]
          [neighbors.config]
            neighbor-address = "{ClusterTopology.Router4}"
            peer-as = {ClusterTopology.RouterAs}
          [neighbors.timers.config]
            hold-time = 3
            keepalive-interval = 1
            connect-retry = 1
          [[neighbors.afi-safis]]
            [neighbors.afi-safis.config]
              afi-safi-name = "ipv4-unicast"
          [[neighbors.afi-safis]]
            [neighbors.afi-safis.config]
              afi-safi-name = "ipv6-unicast"
        """;
}
