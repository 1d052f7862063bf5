using System.Net.Sockets;
using System.Text.Json;

namespace LoadBalancer.E2E.Tests.Daemon;

/// <summary>
/// lbd's API read straight over its Unix socket: polls without lbctl's start-up time (a few hundred
/// milliseconds per call), for tests that time what they wait for.
/// </summary>
public static class LbdApi
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(5);

    /// <summary>GET <paramref name="pathAndQuery"/> (e.g. <c>v1/status</c>) as <typeparamref name="T"/>; throws with the body unless lbd answers 200.</summary>
    public static T Get<T>(LbdProcess lbd, string pathAndQuery)
    {
        using var http = Client(lbd);
        using var response = http.GetAsync(pathAndQuery).GetAwaiter().GetResult();
        var body = response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
        return response.IsSuccessStatusCode
            ? JsonSerializer.Deserialize<T>(body, JsonSerializerOptions.Web)!
            : throw new InvalidOperationException($"GET /{pathAndQuery} answered {(int)response.StatusCode}: {body}");
    }

    private static HttpClient Client(LbdProcess lbd)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, ct) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(lbd.Socket), ct);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        return new HttpClient(handler) { BaseAddress = new Uri("http://lbd/"), Timeout = s_timeout };
    }
}
