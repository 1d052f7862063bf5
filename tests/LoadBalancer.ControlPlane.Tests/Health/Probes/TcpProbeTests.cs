using System.Net;
using System.Net.Sockets;
using LoadBalancer.ControlPlane.Health.Probes;
using LoadBalancer.Core.Health;
using Xunit;

namespace LoadBalancer.ControlPlane.Tests.Health.Probes;

public sealed class TcpProbeTests
{
    // Far above a loopback answer, so a loaded machine does not fail tests that are not about timeouts.
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(10);

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    public async Task RunAsync_Listening_PassesAndConnects(string address)
    {
        var ip = IPAddress.Parse(address);
        var listener = new TcpListener(ip, 0);
        listener.Start();
        try
        {
            using var prober = new Prober(TimeProvider.System);
            var port = (ushort)((IPEndPoint)listener.LocalEndpoint).Port;

            var result = await prober.RunAsync(TestProbes.Spec(ProbeKind.Tcp, port, s_timeout), TestProbes.Target(ip), CancellationToken.None);

            Assert.True(result.Passed, result.Detail);
            Assert.Equal("connected", result.Detail);
            Assert.InRange(result.Latency, TimeSpan.Zero, s_timeout);
            using var accepted = await listener.AcceptTcpClientAsync().WaitAsync(TimeSpan.FromSeconds(5));
            Assert.Equal(ip, ((IPEndPoint)accepted.Client.RemoteEndPoint!).Address);
        }
        finally
        {
            listener.Stop();
        }
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    public async Task RunAsync_ClosedPort_FailsRefused(string address)
    {
        var ip = IPAddress.Parse(address);
        using var prober = new Prober(TimeProvider.System);

        var result = await prober.RunAsync(TestProbes.Spec(ProbeKind.Tcp, TestProbes.ClosedPort(ip), s_timeout), TestProbes.Target(ip), CancellationToken.None);

        Assert.False(result.Passed);
        Assert.Equal("connection refused", result.Detail);
        Assert.InRange(result.Latency, TimeSpan.Zero, s_timeout);
    }
}
