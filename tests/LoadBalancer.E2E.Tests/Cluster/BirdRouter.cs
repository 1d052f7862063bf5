using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using LoadBalancer.Testing;

namespace LoadBalancer.E2E.Tests.Cluster;

/// <summary>
/// What the router (BIRD in the rt namespace, the script's control socket) knows: its protocols and
/// the kernel routes it installed, and where the router's FIB sends a given flow. All waits are
/// bounded and fail with what was seen last and the tail of BIRD's log.
/// </summary>
public sealed class BirdRouter(ClusterTopology topology)
{
    private static readonly TimeSpan s_pause = TimeSpan.FromMilliseconds(50);

    /// <summary>Runs a birdc command (<c>show protocols</c>...) on the router's socket and returns its output.</summary>
    public string Birdc(params string[] command)
    {
        var (code, output) = Shell.TryRun("birdc", ["-s", topology.BirdSocket, .. command]);
        // birdc exits 1 on an error reply (syntax error, no such command) or without a daemon.
        if (code != 0)
        {
            throw new InvalidOperationException($"`birdc -s {topology.BirdSocket} {string.Join(' ', command)}` failed ({code}):\n{output}\n{LogTail()}");
        }
        return output;
    }

    /// <summary>Every protocol of <c>show protocols</c>, by name.</summary>
    public IReadOnlyDictionary<string, BirdProtocol> Protocols()
    {
        var output = Birdc("show", "protocols");
        var protocols = new Dictionary<string, BirdProtocol>();
        var header = false;
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.StartsWith("Name ", StringComparison.Ordinal))
            {
                header = true;
                continue;
            }
            if (!header)
            {
                continue;
            }
            // The script sets `timeformat protocol iso long`: "since" is always two tokens (date, time).
            var f = line.Split(' ', 7, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (f.Length < 6)
            {
                throw new FormatException($"unexpected line in `birdc show protocols`: '{line}'\n{output}");
            }
            protocols[f[0]] = new BirdProtocol(f[0], f[1], f[2], f[3], $"{f[4]} {f[5]}", f.Length > 6 ? f[6] : "");
        }
        return protocols;
    }

    /// <summary>The BGP session state of <paramref name="protocol"/> (lb1, lb2): Established, Active, Connect...</summary>
    public string BgpState(string protocol)
        => Protocols().TryGetValue(protocol, out var p)
            ? p.BgpState
            : throw new InvalidOperationException($"BIRD has no protocol {protocol}:\n{Birdc("show", "protocols")}");

    /// <summary>Waits until every one of <paramref name="protocols"/> is Established; returns how long that took.</summary>
    public TimeSpan WaitEstablished(TimeSpan timeout, params string[] protocols)
        => WaitFor(() => Protocols(), p => protocols.All(n => p.TryGetValue(n, out var x) && x.BgpState == "Established"),
            timeout, $"BGP sessions {string.Join(", ", protocols)} Established", Describe);

    /// <summary>
    /// The next hops of the kernel route BIRD installed in the router for exactly
    /// <paramref name="destination"/> (/32 or /128), in the kernel's order; empty if there is none.
    /// Routes from other sources (a test's static route) are not counted.
    /// </summary>
    public IReadOnlyList<IPAddress> KernelNextHops(IPAddress destination)
    {
        var json = KernelRoutes(destination);
        using var doc = JsonDocument.Parse(json);
        var hops = new List<IPAddress>();
        foreach (var route in doc.RootElement.EnumerateArray())
        {
            if (!route.TryGetProperty("protocol", out var proto) || proto.GetString() != "bird")
            {
                continue;
            }
            if (route.TryGetProperty("nexthops", out var nexthops))
            {
                hops.AddRange(nexthops.EnumerateArray().Select(Gateway));
            }
            else
            {
                hops.Add(Gateway(route));
            }
        }
        return hops;

        IPAddress Gateway(JsonElement hop)
            => hop.TryGetProperty("gateway", out var g)
                ? IPAddress.Parse(g.GetString()!)
                : throw new FormatException($"a next hop without a gateway in the router's route to {destination}:\n{json}");
    }

    /// <summary>
    /// Waits until BIRD's kernel route to <paramref name="destination"/> has exactly the next hops
    /// <paramref name="expected"/> (in any order; none = no route); returns how long that took.
    /// </summary>
    public TimeSpan WaitKernelNextHops(IPAddress destination, IEnumerable<IPAddress> expected, TimeSpan timeout)
    {
        var want = expected.OrderBy(a => a.ToString(), StringComparer.Ordinal).ToList();
        return WaitFor(() => KernelNextHops(destination),
            hops => hops.OrderBy(a => a.ToString(), StringComparer.Ordinal).SequenceEqual(want),
            timeout, $"the router's route to {destination} via [{string.Join(", ", want)}]",
            hops => $"next hops [{string.Join(", ", hops)}]; routes: {KernelRoutes(destination)}\n{Birdc("show", "protocols")}");
    }

    /// <summary>
    /// The next hop the router's FIB picks for a flow from the client arriving on rt-cl, hashed on
    /// its 5-tuple (<c>ip route get ... iif rt-cl ipproto P sport S dport D</c>).
    /// </summary>
    public IPAddress FlowNextHop(IPAddress source, IPAddress destination, ProtocolType protocol, int sourcePort, int destinationPort)
    {
        var proto = protocol switch
        {
            ProtocolType.Tcp => "tcp",
            ProtocolType.Udp => "udp",
            _ => throw new ArgumentOutOfRangeException(nameof(protocol), protocol, "tcp or udp"),
        };
        var json = topology.Exec("rt", "ip", "-j", destination.AddressFamily == AddressFamily.InterNetworkV6 ? "-6" : "-4", "route", "get",
            destination.ToString(), "from", source.ToString(), "iif", ClusterTopology.RouterClientInterface, "ipproto", proto,
            "sport", sourcePort.ToString(CultureInfo.InvariantCulture), "dport", destinationPort.ToString(CultureInfo.InvariantCulture));
        using var doc = JsonDocument.Parse(json);
        var route = doc.RootElement.EnumerateArray().FirstOrDefault();
        return route.ValueKind == JsonValueKind.Object && route.TryGetProperty("gateway", out var g)
            ? IPAddress.Parse(g.GetString()!)
            : throw new InvalidOperationException($"the router has no gateway for {source}:{sourcePort} -> {destination}:{destinationPort}/{proto}: {json}");
    }

    /// <summary>The last lines of BIRD's log, for failure messages.</summary>
    public string LogTail(int lines = 20)
    {
        try
        {
            return "BIRD log:\n" + string.Join('\n', File.ReadLines(topology.BirdLog).TakeLast(lines));
        }
        catch (IOException e)
        {
            return $"(no BIRD log: {e.Message})";
        }
    }

    private string KernelRoutes(IPAddress destination)
    {
        var v6 = destination.AddressFamily == AddressFamily.InterNetworkV6;
        return topology.Exec("rt", "ip", "-j", v6 ? "-6" : "-4", "route", "show", "exact", $"{destination}/{(v6 ? 128 : 32)}");
    }

    private static string Describe(IReadOnlyDictionary<string, BirdProtocol> protocols)
        => string.Join('\n', protocols.Values);

    private TimeSpan WaitFor<T>(Func<T> read, Func<T, bool> done, TimeSpan timeout, string what, Func<T, string> describe)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var value = read();
            if (done(value))
            {
                return clock.Elapsed;
            }
            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"waited {clock.Elapsed.TotalSeconds:0.0} s (limit {timeout.TotalSeconds:0.0} s) for {what}; last seen:\n{describe(value)}\n{LogTail()}");
            }
            Thread.Sleep(s_pause);
        }
    }
}
