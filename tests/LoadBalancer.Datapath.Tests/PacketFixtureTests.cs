using LoadBalancer.Bpf.Abi;
using LoadBalancer.Bpf.Programs;
using LoadBalancer.Core.Hashing;
using LoadBalancer.Testing;
using Xunit;

namespace LoadBalancer.Datapath.Tests;

/// <summary>Shares one loaded balancer across the fixture rows.</summary>
public sealed class StandardWorldFixture : IDisposable
{
    public BalancerWorld World { get; } = new(StandardConfig.Create(), "fixtures");

    public void Dispose() => World.Dispose();
}

/// <summary>
/// Every <see cref="FixtureTable"/> row through BPF_PROG_TEST_RUN: exact action, exact output
/// bytes, and exactly the counters the row should move. A failing row leaves a pcap of input,
/// expected and actual frames next to the test binary.
/// </summary>
public sealed class PacketFixtureTests(StandardWorldFixture fixture) : IClassFixture<StandardWorldFixture>
{
    private readonly BalancerWorld _world = fixture.World;

    public static TheoryData<string> RowNames() => [.. FixtureTable.Rows.Select(r => r.Name)];

    [Fact]
    public void Table_HasAtLeastThirtyDistinctRows()
    {
        Assert.True(FixtureTable.Rows.Count >= 30, $"{FixtureTable.Rows.Count} rows");
        Assert.Equal(FixtureTable.Rows.Count, FixtureTable.Rows.Select(r => r.Name).Distinct().Count());
    }

    [Theory]
    [MemberData(nameof(RowNames))]
    public void Row_ProducesExpectedActionBytesAndCounters(string name)
    {
        var row = FixtureTable.Rows.Single(r => r.Name == name);
        var before = _world.Counters();
        var (action, output) = _world.Run(row.Input);
        var after = _world.Counters();
        byte[]? expected = null;
        try
        {
            Assert.Equal(row.Action, action);
            if (row.Forwards)
            {
                var vip = row.Vip!.Value;
                var flow = row.Flow!.Value;
                var backend = _world.RingBackend(vip, flow);
                var hash = FlowHash.Compute(flow, _world.Spec.Node.HashSeed);
                expected = ExpectedFrames.Encapsulated(row.Input, backend, hash, _world.Spec.Node, StandardConfig.FallbackMac, BalancerWorld.LbMac);
                FrameAssert.Equal(expected, output);
                if (backend.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)
                {
                    Assert.True(ExpectedFrames.OuterIpv4ChecksumValid(output), "outer IPv4 header checksum is wrong");
                }
                Assert.Empty(after.ReasonDeltas(before));
                var vipDelta = after.VipDelta(before, vip);
                Assert.Equal((1UL, (ulong)row.Input.Length, 1UL), (vipDelta.Packets, vipDelta.Bytes, vipDelta.NewFlows));
                var backendDelta = after.BackendDelta(before, _world.BackendId(vip, backend));
                Assert.Equal((1UL, (ulong)row.Input.Length, 1UL), (backendDelta.Packets, backendDelta.Bytes, backendDelta.NewFlows));
            }
            else
            {
                Assert.Equal(new Dictionary<LbReason, ulong> { [row.Reason!.Value] = 1 }, after.ReasonDeltas(before));
                Assert.All(after.Vips, v => Assert.Equal(before.Vips[v.Key], v.Value));
                if (action == XdpAction.Pass)
                {
                    Assert.True(row.Input.AsSpan().SequenceEqual(output), "a passed frame must leave untouched\n" + Hex.Diff(row.Input, output));
                }
            }
        }
        catch (Exception e) when (e is Xunit.Sdk.XunitException)
        {
            var pcap = Path.Combine(AppContext.BaseDirectory, "fixture-failures", $"{string.Join('_', name.Split(Path.GetInvalidFileNameChars().Append(' ').ToArray()))}.pcap");
            Directory.CreateDirectory(Path.GetDirectoryName(pcap)!);
            Pcap.Write(pcap, expected is null ? [row.Input, output] : [row.Input, expected, output]);
            throw new Xunit.Sdk.XunitException($"{e.Message}\n(input, expected, actual frames in {pcap})");
        }
    }
}
