using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using LoadBalancer.Core.Config;
using LoadBalancer.Core.Hashing;
using LoadBalancer.Core.Model;
using Xunit;
using Xunit.Abstractions;

namespace LoadBalancer.E2E.Tests;

/// <summary>One topology (client, balancer, three backends) and one balancer for all scheduling tests.</summary>
public sealed class SchedulingFixture() : BalancedTopology(3, SchedulingTests.Config(SchedulingTests.Vip(SchedulingTests.Http("10.210.100.10"), "maglev", [1, 1, 1])));

/// <summary>
/// Each VIP scheduler placing real TCP connections from the client namespace through the XDP
/// balancer: the shares of short connections (maglev, wrr, rr), client-address affinity
/// (maglev-src), and least-connections placement with the data plane's active-flow counts
/// (lc, wlc) checked against the connections really open on the backends. Every test configures
/// its own VIP, so backend ids, flow counts and flow-table entries of one test never meet another's.
/// </summary>
public sealed partial class SchedulingTests(SchedulingFixture fixture, ITestOutputHelper output) : IClassFixture<SchedulingFixture>
{
    private const int ShortConnections = 600;
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(5);
    private static readonly int[] s_weights321 = [3, 2, 1];
    private static readonly int[] s_equal = [1, 1, 1];
    private static readonly string[] s_names = ["be1", "be2", "be3"];

    private Topology Topology => fixture.Topology;

    private BalancerNode Node => fixture.Node;

    private ClientNet Client => fixture.Client;

    public static BalancerConfig Config(params VipConfig[] vips) => new()
    {
        Node = new NodeConfig { Interface = "lb0", FlowTableSize = 65536, MaxVips = 32, MaxBackends = 128 },
        Vips = [.. vips],
    };

    public static VipKey Http(string vip) => new(IPAddress.Parse(vip), Topology.HttpPort, L4Protocol.Tcp);

    /// <summary>The VIP with backends be1.. weighted <paramref name="weights"/>; the backends numbered in <paramref name="drained"/> drained.</summary>
    public static VipConfig Vip(VipKey key, string scheduler, int[] weights, int[]? drained = null) => new()
    {
        Address = key.Address.ToString(),
        Port = key.Port,
        Protocol = "tcp",
        Scheduler = scheduler,
        Backends = [.. weights.Select((weight, i) => new BackendConfig
        {
            Address = BackendAddress(key, i + 1).ToString(),
            Weight = weight,
            Drained = drained?.Contains(i + 1) == true,
        })],
    };

    [Theory]
    [InlineData("wrr", "10.210.100.11")]
    [InlineData("maglev", "10.210.100.12")]
    public async Task ShortConnections_Weighted321_SplitWithin5PointsOfTheWeights(string scheduler, string vip)
    {
        var key = Http(vip);
        Node.Apply(Config(Vip(key, scheduler, s_weights321)));

        // Fixed, distinct source ports: a new 5-tuple per connection, and the same ones every run,
        // so the maglev split is reproducible (the hash seed is fixed too).
        var answers = new List<(int Port, string Backend)>();
        for (var i = 0; i < ShortConnections; i++)
        {
            var port = 20000 + i;
            answers.Add((port, await GetOnce(key, new IPEndPoint(Topology.Client4, port))));
        }

        var shares = Shares(answers.Select(a => a.Backend));
        output.WriteLine($"{scheduler}, weights 3:2:1, {ShortConnections} connections: {Format(shares, ShortConnections)}");
        Assert.Equal(s_names, shares.Keys.Order());
        double[] expected = [50.0, 100.0 / 3, 100.0 / 6];
        for (var i = 0; i < 3; i++)
        {
            Assert.InRange(Percent(shares[s_names[i]]), expected[i] - 5, expected[i] + 5);
        }
        if (scheduler == "maglev")
        {
            // every connection went where the control plane's ring puts its 5-tuple
            var offRing = answers.Count(a => !Node.RingBackend(key, new FlowTuple(Topology.Client4, (ushort)a.Port, key.Address, key.Port, L4Protocol.Tcp)).Equals(BackendAddress(key, a.Backend)));
            Assert.Equal(0, offRing);
        }
    }

    [Fact]
    public async Task ShortConnections_RoundRobin_IgnoresWeights_SplitWithin2PointsOfAThird()
    {
        var key = Http("10.210.100.13");
        Node.Apply(Config(Vip(key, "rr", s_weights321)));

        var answers = new List<string>();
        for (var i = 0; i < ShortConnections; i++)
        {
            answers.Add(await GetOnce(key, new IPEndPoint(Topology.Client4, 20000 + i)));
        }

        var shares = Shares(answers);
        output.WriteLine($"rr, weights 3:2:1, {ShortConnections} connections: {Format(shares, ShortConnections)}");
        Assert.Equal(s_names, shares.Keys.Order());
        Assert.All(shares.Values, n => Assert.InRange(Percent(n), 100.0 / 3 - 2, 100.0 / 3 + 2));
    }

    [Theory]
    [InlineData("10.210.100.14")]
    [InlineData("fd00:210:100::14")]
    public async Task MaglevSrc_PinsEachClientAddressToOneBackend_AndSpreadsAddresses(string vip)
    {
        var key = Http(vip);
        Node.Apply(Config(Vip(key, "maglev-src", s_weights321)));
        var v6 = key.Address.AddressFamily == AddressFamily.InterNetworkV6;
        var primary = v6 ? Topology.Client6 : Topology.Client4;
        var secondary = Enumerable.Range(101, 8).Select(i => IPAddress.Parse(v6 ? $"fd00:210::{i}" : $"10.210.0.{i}")).ToList();
        string[] AddressArgs(IPAddress a) => v6 ? [$"{a}/64", "dev", "cl0", "nodad"] : [$"{a}/24", "dev", "cl0"];

        var added = new List<IPAddress>();
        try
        {
            foreach (var address in secondary)
            {
                Topology.Exec("cl", ["ip", "addr", "add", .. AddressArgs(address)]);
                added.Add(address);
            }

            // one client address, 40 source ports (ephemeral: the port does not matter)
            var fromPrimary = new List<string>();
            for (var i = 0; i < 40; i++)
            {
                fromPrimary.Add(await GetOnce(key, new IPEndPoint(primary, 0)));
            }
            output.WriteLine($"maglev-src {vip}: 40 connections from {primary}: {Format(Shares(fromPrimary), 40)}");
            Assert.Single(fromPrimary.Distinct());
            Assert.Equal(SourceBackend(key, primary), BackendAddress(key, fromPrimary[0]));

            // eight more client addresses, five connections each
            var byClient = new Dictionary<IPAddress, string> { [primary] = fromPrimary[0] };
            foreach (var address in secondary)
            {
                var answers = new List<string>();
                for (var i = 0; i < 5; i++)
                {
                    answers.Add(await GetOnce(key, new IPEndPoint(address, 0)));
                }
                output.WriteLine($"  {address}: {string.Join(' ', answers)} (ring: {SourceBackend(key, address)})");
                Assert.Single(answers.Distinct());
                Assert.Equal(SourceBackend(key, address), BackendAddress(key, answers[0]));
                byClient[address] = answers[0];
            }
            output.WriteLine($"  {byClient.Count} client addresses over backends: {Format(Shares(byClient.Values), byClient.Count)}");
            Assert.InRange(byClient.Values.Distinct().Count(), 2, 3);
        }
        finally
        {
            foreach (var address in added)
            {
                Topology.Exec("cl", ["ip", "addr", "del", .. AddressArgs(address)]);
            }
        }
    }

    [Fact]
    public async Task LeastConnections_NewFlowsFillTheLeastLoaded_AndCountsFollowOpenConnections()
    {
        var key = Http("10.210.100.15");
        var open = new List<(HttpConnection Connection, string Backend)>();
        try
        {
            // be1 alone takes 20 long-lived connections while be2 and be3 are drained
            Node.Apply(Config(Vip(key, "lc", s_equal, drained: [2, 3])));
            var loaded = await OpenLongLived(key, 20);
            open.AddRange(loaded);
            Assert.All(loaded, c => Assert.Equal("be1", c.Backend));
            AssertCountsMatch(key, open, "lc, 20 on be1, be2 and be3 drained");

            Node.Apply(Config(Vip(key, "lc", s_equal)));
            var next = await OpenLongLived(key, 40);
            open.AddRange(next);
            output.WriteLine($"lc: 40 more after undrain: {Format(Shares(next.Select(c => c.Backend)), 40)}");
            Assert.DoesNotContain("be1", next.Select(c => c.Backend));
            Assert.Equal(20, next.Count(c => c.Backend == "be2"));
            Assert.Equal(20, next.Count(c => c.Backend == "be3"));
            AssertCountsMatch(key, open, "lc, after 40 more");

            var last = await OpenLongLived(key, 3);
            open.AddRange(last);
            output.WriteLine($"lc: 3 more: {string.Join(' ', last.Select(c => c.Backend))}");
            Assert.Equal(s_names, last.Select(c => c.Backend).Order());
            AssertCountsMatch(key, open, "lc, after 3 more");

            await CloseAndAssertCountsDrain(key, open, "lc");
        }
        finally
        {
            open.ForEach(c => c.Connection.Dispose());
        }
    }

    [Fact]
    public async Task WeightedLeastConnections_Weighted321_LongLivedSplit30_20_10_AndCountsFollow()
    {
        var key = Http("10.210.100.16");
        var open = new List<(HttpConnection Connection, string Backend)>();
        try
        {
            Node.Apply(Config(Vip(key, "wlc", s_weights321)));
            open.AddRange(await OpenLongLived(key, 60));
            var split = Shares(open.Select(c => c.Backend));
            output.WriteLine($"wlc, weights 3:2:1, 60 long-lived connections: {Format(split, 60)}");
            Assert.InRange(split.GetValueOrDefault("be1"), 29, 31);
            Assert.InRange(split.GetValueOrDefault("be2"), 19, 21);
            Assert.InRange(split.GetValueOrDefault("be3"), 9, 11);
            AssertCountsMatch(key, open, "wlc, 60 open");

            await CloseAndAssertCountsDrain(key, open, "wlc");
        }
        finally
        {
            open.ForEach(c => c.Connection.Dispose());
        }
    }

    /// <summary>One GET with Connection: close from <paramref name="local"/>, read until the server closes: the backend's name.</summary>
    private async Task<string> GetOnce(VipKey vip, IPEndPoint local)
    {
        using var connection = await HttpConnection.Open(Client, vip, local);
        return await connection.Get(close: true);
    }

    /// <summary><paramref name="count"/> connections opened one after another, each answered once and left open.</summary>
    private async Task<List<(HttpConnection Connection, string Backend)>> OpenLongLived(VipKey vip, int count)
    {
        var opened = new List<(HttpConnection, string)>();
        try
        {
            for (var i = 0; i < count; i++)
            {
                var connection = await HttpConnection.Open(Client, vip, local: null);
                try
                {
                    opened.Add((connection, await connection.Get(close: false)));
                }
                catch
                {
                    connection.Dispose();
                    throw;
                }
            }
            return opened;
        }
        catch
        {
            opened.ForEach(c => c.Item1.Dispose());
            throw;
        }
    }

    /// <summary>The data plane's active-flow count (lb_real_flows) of each backend of <paramref name="vip"/>.</summary>
    private Dictionary<string, long> ActiveFlows(VipKey vip)
    {
        var plan = Node.Synchronizer.Applied!;
        return plan.Backends.Where(b => b.Value.Vip == vip).ToDictionary(
            b => Name(b.Value.Address),
            b => Node.Balancer.RealFlows.TryLookup(b.Key, out var count) ? count : long.MinValue);
    }

    /// <summary>TCP connections in state established on each backend whose local end is <paramref name="vip"/>.</summary>
    private Dictionary<string, int> Established(VipKey vip)
        => s_names.ToDictionary(n => n, n => Topology.Exec(n, "ss", "-Htn", "state", "established", "src", $"{vip.Address}:{vip.Port}")
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);

    /// <summary>lb_real_flows per backend equals the client's open connections per backend, and the backends' own established count.</summary>
    private void AssertCountsMatch(VipKey vip, List<(HttpConnection Connection, string Backend)> open, string when)
    {
        var counts = ActiveFlows(vip);
        var established = Established(vip);
        var expected = s_names.ToDictionary(n => n, n => (long)open.Count(c => c.Backend == n));
        output.WriteLine($"{when}: lb_real_flows {Format(counts)}; open from the client {Format(expected)}; established on the backends {Format(established)}");
        Assert.Equal(expected, counts);
        Assert.Equal(expected, established.ToDictionary(e => e.Key, e => (long)e.Value));
    }

    /// <summary>Closes every connection from the client side; each FIN through the balancer takes its flow off the count.</summary>
    private async Task CloseAndAssertCountsDrain(VipKey vip, List<(HttpConnection Connection, string Backend)> open, string scheduler)
    {
        open.ForEach(c => c.Connection.Dispose());
        var waited = Stopwatch.StartNew();
        var counts = ActiveFlows(vip);
        while (counts.Values.Any(n => n != 0) && waited.Elapsed < s_timeout)
        {
            await Task.Delay(20);
            counts = ActiveFlows(vip);
        }
        output.WriteLine($"{scheduler}: {open.Count} closed by the client; lb_real_flows after {waited.ElapsedMilliseconds} ms: {Format(counts)}");
        Assert.All(s_names, n => Assert.Equal(0, counts[n]));
    }

    /// <summary>The backend the control plane's ring gives client <paramref name="client"/> under maglev-src.</summary>
    private IPAddress SourceBackend(VipKey vip, IPAddress client)
    {
        var plan = Node.Synchronizer.Applied!;
        var node = Node.Spec.Node;
        return plan.BackendAddress(plan.Rings[plan.Vips[vip]][FlowHash.Source(client, node.HashSeed) % node.RingSize]);
    }

    private static IPAddress BackendAddress(VipKey vip, int i)
        => vip.Address.AddressFamily == AddressFamily.InterNetworkV6 ? Topology.Backend6(i) : Topology.Backend4(i);

    private static IPAddress BackendAddress(VipKey vip, string name) => BackendAddress(vip, int.Parse(name[2..], CultureInfo.InvariantCulture));

    private static string Name(IPAddress backend)
        => s_names.Single(n => Topology.Backend4(n[2] - '0').Equals(backend) || Topology.Backend6(n[2] - '0').Equals(backend));

    private static Dictionary<string, int> Shares(IEnumerable<string> backends) => backends.GroupBy(b => b).ToDictionary(g => g.Key, g => g.Count());

    private static double Percent(int count) => 100.0 * count / ShortConnections;

    private static string Format(Dictionary<string, int> shares, int total)
        => string.Join(", ", shares.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Key}={s.Value} ({100.0 * s.Value / total:F1}%)")));

    private static string Format<T>(Dictionary<string, T> counts)
        => string.Join(' ', counts.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key}={c.Value}"));

    /// <summary>
    /// One HTTP/1.1 connection from the client namespace, optionally from a chosen address and
    /// port; every operation bounded by the test timeout. Disposing closes it from the client
    /// side (a FIN through the balancer).
    /// </summary>
    private sealed partial class HttpConnection : IDisposable
    {
        private readonly Socket _socket;
        private readonly string _host;

        private HttpConnection(Socket socket, string host)
        {
            _socket = socket;
            _host = host;
        }

        public static async Task<HttpConnection> Open(ClientNet client, VipKey vip, IPEndPoint? local)
        {
            var socket = client.Socket(vip.Address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                socket.NoDelay = true;
                if (local is not null)
                {
                    socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
                    socket.Bind(local);
                }
                using var cancel = new CancellationTokenSource(s_timeout);
                await socket.ConnectAsync(vip.Address, vip.Port, cancel.Token);
                var host = AddressText.Host(vip.Address);
                return new HttpConnection(socket, host);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        /// <summary>GET /: the answering backend's name. With <paramref name="close"/>, asks the server to close and reads until it has.</summary>
        public async Task<string> Get(bool close)
        {
            using var cancel = new CancellationTokenSource(s_timeout);
            var request = $"GET / HTTP/1.1\r\nHost: {_host}\r\n{(close ? "Connection: close\r\n" : "")}\r\n";
            await _socket.SendAsync(Encoding.ASCII.GetBytes(request), SocketFlags.None, cancel.Token);
            var received = new StringBuilder();
            var buffer = new byte[4096];
            string? body = null;
            while (true)
            {
                var n = await _socket.ReceiveAsync(buffer, SocketFlags.None, cancel.Token);
                if (n == 0)
                {
                    return body ?? throw new IOException($"connection closed before a whole response: {received}");
                }
                received.Append(Encoding.ASCII.GetString(buffer, 0, n));
                body ??= Body(received.ToString());
                if (body is not null && !close)
                {
                    return body;
                }
            }
        }

        public void Dispose() => _socket.Dispose();

        /// <summary>The trimmed body of a complete 200 response in <paramref name="text"/>; null while incomplete.</summary>
        private static string? Body(string text)
        {
            var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (end < 0)
            {
                return null;
            }
            if (!text.StartsWith("HTTP/1.1 200 ", StringComparison.Ordinal))
            {
                throw new IOException($"unexpected response: {text}");
            }
            var length = ContentLength().Match(text[..end]);
            if (!length.Success)
            {
                throw new IOException($"response without Content-Length: {text}");
            }
            var size = int.Parse(length.Groups[1].Value, CultureInfo.InvariantCulture);
            return text.Length >= end + 4 + size ? text.Substring(end + 4, size).Trim() : null;
        }

        [GeneratedRegex(@"^content-length:\s*(\d+)\s*$", RegexOptions.IgnoreCase | RegexOptions.Multiline)]
        private static partial Regex ContentLength();
    }
}
