using System.Net;
using LoadBalancer.ControlPlane.Health.Probes;
using LoadBalancer.Core.Health;
using Xunit;

namespace LoadBalancer.ControlPlane.Tests.Health.Probes;

public sealed class HttpProbeTests
{
    // Far above a loopback answer, so a loaded machine does not fail tests that are not about timeouts.
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(10);

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    public async Task RunAsync_Status200_Passes(string address)
    {
        var ip = IPAddress.Parse(address);
        await using var server = new CannedHttpServer(ip, 200);
        using var prober = new Prober(TimeProvider.System);

        var result = await prober.RunAsync(TestProbes.Spec(ProbeKind.Http, server.Port, s_timeout), TestProbes.Target(ip), CancellationToken.None);

        Assert.True(result.Passed, result.Detail);
        Assert.Equal("HTTP 200", result.Detail);
        Assert.Equal(1, server.Accepted);
    }

    [Fact]
    public async Task RunAsync_Status500_FailsWithStatus()
    {
        await using var server = new CannedHttpServer(IPAddress.Loopback, 500);
        using var prober = new Prober(TimeProvider.System);

        var result = await prober.RunAsync(TestProbes.Spec(ProbeKind.Http, server.Port, s_timeout), TestProbes.Target(IPAddress.Loopback), CancellationToken.None);

        Assert.False(result.Passed);
        Assert.Equal("HTTP 500", result.Detail);
    }

    [Theory]
    [InlineData(200, 399, true)]
    [InlineData(200, 299, false)]
    public async Task RunAsync_Redirect_JudgedByRangeNotFollowed(int min, int max, bool passes)
    {
        await using var server = new CannedHttpServer(IPAddress.Loopback, 302);
        using var prober = new Prober(TimeProvider.System);
        var spec = TestProbes.Spec(ProbeKind.Http, server.Port, s_timeout) with { StatusMin = min, StatusMax = max };

        var result = await prober.RunAsync(spec, TestProbes.Target(IPAddress.Loopback), CancellationToken.None);

        Assert.Equal(passes, result.Passed);
        Assert.Equal("HTTP 302", result.Detail);
        Assert.Equal(1, server.Accepted);
    }

    [Fact]
    public async Task RunAsync_HostSet_SendsItAsHostHeader()
    {
        await using var server = new CannedHttpServer(IPAddress.Loopback, 200);
        using var prober = new Prober(TimeProvider.System);
        var spec = TestProbes.Spec(ProbeKind.Http, server.Port, s_timeout) with { Host = "health.example", Path = "/healthz?deep=1" };

        var result = await prober.RunAsync(spec, TestProbes.Target(IPAddress.Loopback), CancellationToken.None);

        Assert.True(result.Passed, result.Detail);
        Assert.Equal(["health.example"], server.Hosts);
    }

    [Fact]
    public async Task RunAsync_HostUnset_SendsBackendAddress()
    {
        await using var server = new CannedHttpServer(IPAddress.IPv6Loopback, 200);
        using var prober = new Prober(TimeProvider.System);

        await prober.RunAsync(TestProbes.Spec(ProbeKind.Http, server.Port, s_timeout), TestProbes.Target(IPAddress.IPv6Loopback), CancellationToken.None);

        Assert.Equal([$"[::1]:{server.Port}"], server.Hosts);
    }

    [Fact]
    public async Task RunAsync_ServerSlowerThanTimeout_FailsTimedOut()
    {
        var timeout = TimeSpan.FromSeconds(1);
        await using var server = new CannedHttpServer(IPAddress.Loopback, 200, delay: TimeSpan.FromSeconds(30));
        using var prober = new Prober(TimeProvider.System);

        var result = await prober.RunAsync(TestProbes.Spec(ProbeKind.Http, server.Port, timeout), TestProbes.Target(IPAddress.Loopback), CancellationToken.None);

        Assert.False(result.Passed);
        Assert.Equal("timed out after 1s", result.Detail);
        // The timer may fire a clock tick before the stopwatch reads a full second; the upper bound is generous.
        Assert.InRange(result.Latency, timeout - TimeSpan.FromMilliseconds(50), timeout + TimeSpan.FromSeconds(2));
    }

    [Fact]
    public async Task RunAsync_ClosedPort_FailsRefused()
    {
        using var prober = new Prober(TimeProvider.System);
        var port = TestProbes.ClosedPort(IPAddress.Loopback);

        var result = await prober.RunAsync(TestProbes.Spec(ProbeKind.Http, port, s_timeout), TestProbes.Target(IPAddress.Loopback), CancellationToken.None);

        Assert.False(result.Passed);
        Assert.Equal("connection refused", result.Detail);
    }

    [Fact]
    public async Task RunAsync_TwoProbes_OpenTwoConnections()
    {
        await using var server = new CannedHttpServer(IPAddress.Loopback, 200);
        using var prober = new Prober(TimeProvider.System);
        var spec = TestProbes.Spec(ProbeKind.Http, server.Port, s_timeout);

        var first = await prober.RunAsync(spec, TestProbes.Target(IPAddress.Loopback), CancellationToken.None);
        var second = await prober.RunAsync(spec, TestProbes.Target(IPAddress.Loopback), CancellationToken.None);

        Assert.True(first.Passed, first.Detail);
        Assert.True(second.Passed, second.Detail);
        Assert.Equal(2, server.Accepted);
    }

    [Fact]
    public async Task RunAsync_ListenerGoneAfterPass_FailsThoughConnectionsLive()
    {
        using var prober = new Prober(TimeProvider.System);
        await using var server = new CannedHttpServer(IPAddress.Loopback, 200);
        var spec = TestProbes.Spec(ProbeKind.Http, server.Port, s_timeout);
        var first = await prober.RunAsync(spec, TestProbes.Target(IPAddress.Loopback), CancellationToken.None);

        server.StopListening();
        var second = await prober.RunAsync(spec, TestProbes.Target(IPAddress.Loopback), CancellationToken.None);

        Assert.True(first.Passed, first.Detail);
        Assert.False(second.Passed);
        Assert.Equal("connection refused", second.Detail);
    }

    [Fact]
    public async Task RunAsync_SelfSignedVerified_FailsTls()
    {
        using var certificate = TestCertificates.SelfSigned(IPAddress.Loopback);
        await using var server = new CannedHttpServer(IPAddress.Loopback, 200, certificate: certificate);
        using var prober = new Prober(TimeProvider.System);

        var result = await prober.RunAsync(TestProbes.Spec(ProbeKind.Https, server.Port, s_timeout), TestProbes.Target(IPAddress.Loopback), CancellationToken.None);

        Assert.False(result.Passed);
        Assert.StartsWith("TLS handshake failed: ", result.Detail);
        Assert.InRange(result.Detail.Length, 1, 200);
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    public async Task RunAsync_SelfSignedNotVerified_Passes(string address)
    {
        var ip = IPAddress.Parse(address);
        using var certificate = TestCertificates.SelfSigned(ip);
        await using var server = new CannedHttpServer(ip, 204, certificate: certificate);
        using var prober = new Prober(TimeProvider.System);
        var spec = TestProbes.Spec(ProbeKind.Https, server.Port, s_timeout) with { TlsVerify = false };

        var result = await prober.RunAsync(spec, TestProbes.Target(ip), CancellationToken.None);

        Assert.True(result.Passed, result.Detail);
        Assert.Equal("HTTP 204", result.Detail);
    }

    [Fact]
    public async Task RunAsync_VerifiedAndNotVerifiedInTurn_EachKeepsItsSetting()
    {
        using var certificate = TestCertificates.SelfSigned(IPAddress.Loopback);
        await using var server = new CannedHttpServer(IPAddress.Loopback, 200, certificate: certificate);
        using var prober = new Prober(TimeProvider.System);
        var verified = TestProbes.Spec(ProbeKind.Https, server.Port, s_timeout);
        var target = TestProbes.Target(IPAddress.Loopback);

        var trusting = await prober.RunAsync(verified with { TlsVerify = false }, target, CancellationToken.None);
        var verifying = await prober.RunAsync(verified, target, CancellationToken.None);

        Assert.True(trusting.Passed, trusting.Detail);
        Assert.False(verifying.Passed);
    }
}
