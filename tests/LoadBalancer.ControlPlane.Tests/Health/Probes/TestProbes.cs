using System.Net;
using LoadBalancer.ControlPlane.Health.Probes;
using LoadBalancer.Core.Health;
using LoadBalancer.Core.Model;

namespace LoadBalancer.ControlPlane.Tests.Health.Probes;

/// <summary>Probe specs and targets the probe tests share.</summary>
internal static class TestProbes
{
    public static readonly VipKey Vip = new(IPAddress.Parse("10.0.0.1"), 80, L4Protocol.Tcp);

    public static ProbeTarget Target(IPAddress backend) => new(Vip, backend);

    public static ProbeSpec Spec(ProbeKind kind, ushort port, TimeSpan timeout)
        => new(kind, port, Interval: timeout * 5, Timeout: timeout, Rise: 2, Fall: 3, JitterPercent: 0);

    public static ProbeSpec Command(TimeSpan timeout, params string[] command)
        => Spec(ProbeKind.Command, 0, timeout) with { Command = command };

    /// <summary>A loopback port nothing listens on: bound, read and released.</summary>
    public static ushort ClosedPort(IPAddress address)
    {
        var listener = new System.Net.Sockets.TcpListener(address, 0);
        listener.Start();
        var port = (ushort)((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
