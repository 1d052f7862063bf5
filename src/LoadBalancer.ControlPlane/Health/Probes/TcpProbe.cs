using System.Net;
using System.Net.Sockets;
using LoadBalancer.Core.Health;

namespace LoadBalancer.ControlPlane.Health.Probes;

/// <summary>Passes when a TCP connect to the backend's check port completes; the connection is closed at once.</summary>
internal static class TcpProbe
{
    /// <summary>Connects to <paramref name="target"/>'s backend on <see cref="ProbeSpec.Port"/>; a refused or unreachable connect throws.</summary>
    public static async Task<(bool Passed, string Detail)> RunAsync(ProbeSpec probe, ProbeTarget target, CancellationToken cancellationToken)
    {
        using var socket = new Socket(target.Backend.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(new IPEndPoint(target.Backend, probe.Port), cancellationToken);
        return (true, "connected");
    }
}
