using System.Net;
using System.Net.Sockets;
using System.Text;
using LoadBalancer.Core.Model;
using LoadBalancer.Testing;

namespace LoadBalancer.E2E.Tests;

/// <summary>
/// The client's side of the traffic, from inside the client namespace: sockets are created on a
/// thread that joined it, so every connection and datagram really leaves through cl0.
/// </summary>
public sealed class ClientNet : IDisposable
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(5);
    private readonly NetnsThread _thread;

    public ClientNet(Topology topology) : this(topology.NamespacePath("cl"))
    {
    }

    /// <summary>A client in the namespace at <paramref name="namespacePath"/> (the cluster topology's cl).</summary>
    public ClientNet(string namespacePath) => _thread = new NetnsThread(namespacePath);

    /// <summary>An HTTP client whose connections start in the client namespace; <paramref name="connected"/> hears each connection's source port.</summary>
    public HttpClient Http(Action<int>? connected = null)
    {
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = 1,
            ConnectTimeout = s_timeout,
            ConnectCallback = async (context, cancel) =>
            {
                var socket = _thread.Run(() => new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true });
                try
                {
                    await socket.ConnectAsync(context.DnsEndPoint, cancel);
                    connected?.Invoke(((IPEndPoint)socket.LocalEndPoint!).Port);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        return new HttpClient(handler) { Timeout = s_timeout };
    }

    /// <summary>GET / through <paramref name="http"/> (its kept-alive connection, if any): the answering backend's name.</summary>
    public static async Task<string> Backend(HttpClient http, IPAddress vip) => (await http.GetStringAsync(Url(vip))).Trim();

    /// <summary>GET / on a new connection: the answering backend's name.</summary>
    public async Task<string> GetOnce(IPAddress vip)
    {
        using var http = Http();
        using var request = new HttpRequestMessage(HttpMethod.Get, Url(vip));
        request.Headers.ConnectionClose = true;
        using var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadAsStringAsync()).Trim();
    }

    /// <summary>A socket created in the client namespace.</summary>
    public Socket Socket(AddressFamily family, SocketType type, ProtocolType protocol) => _thread.Run(() => new Socket(family, type, protocol));

    /// <summary>One UDP request from a fresh socket (a new flow) and its answer, "name payload"; null if none came in time.</summary>
    public string? UdpOnce(IPAddress vip, ReadOnlySpan<byte> payload, TimeSpan? timeout = null)
    {
        using var socket = _thread.Run(() => new Socket(vip.AddressFamily, SocketType.Dgram, ProtocolType.Udp));
        socket.ReceiveTimeout = (int)(timeout ?? s_timeout).TotalMilliseconds;
        socket.Connect(vip, Topology.UdpPort);
        socket.Send(payload);
        var buffer = new byte[65536];
        try
        {
            var n = socket.Receive(buffer);
            return Encoding.ASCII.GetString(buffer, 0, n);
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.TimedOut)
        {
            return null;
        }
    }

    public static Uri Url(IPAddress vip, string path = "/")
        => new($"http://{AddressText.Host(vip)}:{Topology.HttpPort}{path}");

    public void Dispose() => _thread.Dispose();
}
