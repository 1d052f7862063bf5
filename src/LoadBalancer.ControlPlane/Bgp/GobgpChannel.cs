using System.Net;
using System.Net.Sockets;
using Grpc.Net.Client;

namespace LoadBalancer.ControlPlane.Bgp;

/// <summary>
/// The gRPC channel to gobgpd's API: plain HTTP/2 (h2c) to an http:// URI, whose TCP connections are
/// made in the network namespace gobgpd's API listens in.
/// </summary>
internal static class GobgpChannel
{
    private static readonly TimeSpan s_connectTimeout = TimeSpan.FromSeconds(3);

    /// <summary>
    /// A channel to <paramref name="api"/>, connecting from the namespace at <paramref name="netns"/>
    /// (here when null). Grpc.Net.Client asks for HTTP/2 with an exact version policy, so an http://
    /// address speaks HTTP/2 with prior knowledge: no switch is needed on .NET 5 and later.
    /// </summary>
    public static GrpcChannel Create(Uri api, string? netns)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = s_connectTimeout,
            ConnectCallback = (context, ct) => ConnectAsync(context.DnsEndPoint, netns, ct),
        };
        return GrpcChannel.ForAddress(api, new GrpcChannelOptions
        {
            HttpHandler = handler,
            DisposeHttpClient = true,
            ThrowOperationCanceledOnCancellation = true,
        });
    }

    /// <summary>Whether something accepts TCP connections at <paramref name="api"/>'s host and port, seen from <paramref name="netns"/>.</summary>
    public static async Task<bool> AcceptsAsync(Uri api, string? netns, CancellationToken ct)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(s_connectTimeout);
        try
        {
            await using var stream = await ConnectAsync(new DnsEndPoint(api.IdnHost, api.Port), netns, cts.Token);
            return true;
        }
        catch (Exception e) when (e is SocketException || (e is OperationCanceledException && !ct.IsCancellationRequested))
        {
            return false;
        }
    }

    private static async ValueTask<Stream> ConnectAsync(DnsEndPoint endPoint, string? netns, CancellationToken ct)
    {
        var addresses = IPAddress.TryParse(endPoint.Host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(endPoint.Host, ct);
        SocketException? last = null;
        foreach (var address in addresses)
        {
            var socket = NetworkNamespace.TcpSocket(netns, address.AddressFamily);
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, endPoint.Port), ct);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException e)
            {
                socket.Dispose();
                last = e;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }
        throw last ?? new SocketException((int)SocketError.HostNotFound);
    }
}
