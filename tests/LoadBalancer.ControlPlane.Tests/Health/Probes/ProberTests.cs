using System.Net;
using System.Net.Sockets;
using LoadBalancer.ControlPlane.Health.Probes;
using LoadBalancer.Core.Health;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace LoadBalancer.ControlPlane.Tests.Health.Probes;

public sealed class ProberTests
{
    [Fact]
    public async Task RunAsync_KindNone_Throws()
    {
        using var prober = new Prober(TimeProvider.System);

        await Assert.ThrowsAsync<ArgumentException>(() => prober.RunAsync(ProbeSpec.None, TestProbes.Target(IPAddress.Loopback), CancellationToken.None));
    }

    [Fact]
    public async Task RunAsync_CommandWithoutProgram_Throws()
    {
        using var prober = new Prober(TimeProvider.System);

        await Assert.ThrowsAsync<ArgumentException>(() => prober.RunAsync(TestProbes.Command(TimeSpan.FromSeconds(1)), TestProbes.Target(IPAddress.Loopback), CancellationToken.None));
    }

    [Fact]
    public async Task RunAsync_LatencyAndTimeout_ComeFromTheTimeProvider()
    {
        var time = new FakeTimeProvider();
        using var prober = new Prober(time);
        var spec = TestProbes.Command(TimeSpan.FromSeconds(3), "sleep", "30");

        var probe = prober.RunAsync(spec, TestProbes.Target(IPAddress.Loopback), CancellationToken.None);
        time.Advance(TimeSpan.FromSeconds(3));
        var result = await probe.WaitAsync(TimeSpan.FromSeconds(5));

        Assert.False(result.Passed);
        Assert.Equal("killed at the 3s timeout", result.Detail);
        Assert.Equal(TimeSpan.FromSeconds(3), result.Latency);
    }

    [Fact]
    public async Task RunAsync_PassingProbeOnFrozenClock_LatencyZero()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            using var prober = new Prober(new FakeTimeProvider());
            var spec = TestProbes.Spec(ProbeKind.Tcp, (ushort)((IPEndPoint)listener.LocalEndpoint).Port, TimeSpan.FromSeconds(1));

            var result = await prober.RunAsync(spec, TestProbes.Target(IPAddress.Loopback), CancellationToken.None);

            Assert.True(result.Passed, result.Detail);
            Assert.Equal(TimeSpan.Zero, result.Latency);
        }
        finally
        {
            listener.Stop();
        }
    }

    [Fact]
    public async Task RunAsync_HttpStopRequested_Throws()
    {
        await using var server = new CannedHttpServer(IPAddress.Loopback, 200, delay: TimeSpan.FromSeconds(30));
        using var prober = new Prober(TimeProvider.System);
        using var stopping = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        var spec = TestProbes.Spec(ProbeKind.Http, server.Port, TimeSpan.FromSeconds(10));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => prober.RunAsync(spec, TestProbes.Target(IPAddress.Loopback), stopping.Token));
    }

    [Fact]
    public async Task RunAsync_AlreadyStopping_Throws()
    {
        using var prober = new Prober(TimeProvider.System);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => prober.RunAsync(TestProbes.Command(TimeSpan.FromSeconds(1), "/bin/true"), TestProbes.Target(IPAddress.Loopback), new CancellationToken(canceled: true)));
    }
}
