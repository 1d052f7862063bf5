using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace LoadBalancer.ControlPlane.Tests.Health.Probes;

/// <summary>
/// A loopback HTTP/1.1 server that answers every request with one canned status (after an optional
/// delay, over TLS when given a certificate), counts the connections it accepts and records each
/// request's Host header. Connections are kept alive unless the client asks to close them.
/// </summary>
internal sealed class CannedHttpServer : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly int _status;
    private readonly TimeSpan _delay;
    private readonly X509Certificate2? _certificate;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _acceptLoop;
    private int _accepted;

    public CannedHttpServer(IPAddress address, int status, TimeSpan delay = default, X509Certificate2? certificate = null)
    {
        (_status, _delay, _certificate) = (status, delay, certificate);
        _listener = new TcpListener(address, 0);
        _listener.Start();
        _acceptLoop = AcceptLoopAsync();
    }

    public ushort Port => (ushort)((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Connections accepted so far.</summary>
    public int Accepted => Volatile.Read(ref _accepted);

    /// <summary>The Host header of every request read, in order.</summary>
    public ConcurrentQueue<string> Hosts { get; } = new();

    /// <summary>Closes the listening socket, as a crashed listener would; connections already accepted are still served.</summary>
    public void StopListening() => _listener.Stop();

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _acceptLoop;
        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        var connections = new List<Task>();
        try
        {
            while (true)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                Interlocked.Increment(ref _accepted);
                connections.Add(ServeAsync(client));
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException or InvalidOperationException)
        {
            // Stopped; InvalidOperationException ("Not listening") when the listener stopped
            // between one accept and the next.
        }
        await Task.WhenAll(connections);
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                Stream stream = client.GetStream();
                if (_certificate is not null)
                {
                    var tls = new SslStream(stream);
                    await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = _certificate }, _stop.Token);
                    stream = tls;
                }
                await using (stream)
                {
                    // Keep-alive unless the client asks to close, as real servers do: a client that
                    // reuses connections would be seen reusing them.
                    var close = false;
                    while (!close)
                    {
                        var head = await ReadHeadAsync(stream);
                        if (head.Length == 0)
                        {
                            break;
                        }
                        var lines = head.Split("\r\n");
                        Hosts.Enqueue(Header(lines, "Host") ?? "");
                        close = string.Equals(Header(lines, "Connection"), "close", StringComparison.OrdinalIgnoreCase);
                        await Task.Delay(_delay, _stop.Token);
                        var location = _status is >= 300 and < 400 ? "Location: /elsewhere\r\n" : "";
                        var connection = close ? "close" : "keep-alive";
                        var response = $"HTTP/1.1 {_status} Canned\r\n{location}Content-Length: 2\r\nConnection: {connection}\r\n\r\nok";
                        await stream.WriteAsync(Encoding.ASCII.GetBytes(response), _stop.Token);
                    }
                }
            }
            catch (Exception)
            {
                // The client went away (a refused certificate, a timeout) or the server stops: nothing to answer.
            }
        }
    }

    private static string? Header(string[] lines, string name)
        => lines.Where(line => line.StartsWith(name + ":", StringComparison.OrdinalIgnoreCase)).Select(line => line[(name.Length + 1)..].Trim()).FirstOrDefault();

    /// <summary>One request's head, byte by byte so nothing of a next request is consumed; empty when the client closed.</summary>
    private async Task<string> ReadHeadAsync(Stream stream)
    {
        var head = new StringBuilder();
        var buffer = new byte[1];
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            if (await stream.ReadAsync(buffer, _stop.Token) == 0)
            {
                return "";
            }
            head.Append((char)buffer[0]);
        }
        return head.ToString();
    }
}
