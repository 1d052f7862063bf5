using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using LoadBalancer.Core.Api;

namespace LoadBalancer.Cli.Client;

/// <summary>lbd's local API over its Unix socket. Every failure becomes an <see cref="LbctlException"/> with the right exit code.</summary>
public sealed class LbdClient : IDisposable
{
    /// <summary>JSON as lbd writes it (web defaults: camelCase).</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly HttpClient _http;

    /// <summary>A client for the API at <paramref name="socketPath"/>.</summary>
    public LbdClient(string socketPath)
    {
        SocketPath = socketPath;
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        _http = new HttpClient(handler) { BaseAddress = new Uri("http://lbd/"), Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>The socket spoken to.</summary>
    public string SocketPath { get; }

    /// <summary>The last response's body, as sent, for --json.</summary>
    public string LastBody { get; private set; } = "";

    /// <summary>GET <paramref name="path"/>.</summary>
    public Task<T> GetAsync<T>(string path, CancellationToken cancellationToken) => SendAsync<T>(HttpMethod.Get, path, null, cancellationToken);

    /// <summary>A request with an optional JSON body.</summary>
    public async Task<T> SendAsync<T>(HttpMethod method, string path, object? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, body.GetType(), options: Json);
        }
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException e) when (e.InnerException is SocketException { SocketErrorCode: SocketError.AccessDenied })
        {
            throw new LbctlException(ExitCodes.Denied, $"permission denied on {SocketPath}: the lbd API is root-only; run lbctl as root");
        }
        catch (Exception e) when (IsTransport(e, cancellationToken))
        {
            throw Unreachable(e);
        }
        using (response)
        {
            try
            {
                LastBody = await response.Content.ReadAsStringAsync(cancellationToken);
            }
            catch (Exception e) when (IsTransport(e, cancellationToken))
            {
                throw Unreachable(e);
            }
            if (!response.IsSuccessStatusCode)
            {
                var error = TryRead<ErrorResponse>(LastBody);
                throw new LbctlException(ExitCodes.Refused, error?.Error ?? $"lbd answered {(int)response.StatusCode} {response.ReasonPhrase}: {LastBody}", error?.Problems);
            }
            return TryRead<T>(LastBody) ?? throw new LbctlException(ExitCodes.Refused, $"lbd sent an answer lbctl cannot read: {LastBody}");
        }
    }

    // The connection failed, broke, or timed out (HttpClient's timeout is a cancellation the caller did not ask for).
    private static bool IsTransport(Exception e, CancellationToken cancellationToken)
        => e is HttpRequestException or IOException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested);

    private LbctlException Unreachable(Exception e) => new(ExitCodes.Unreachable, e is OperationCanceledException
        ? $"lbd at {SocketPath} did not answer within {_http.Timeout.TotalSeconds:0}s"
        : $"cannot reach lbd at {SocketPath} ({(e.InnerException ?? e).Message}): is lbd running? (systemctl status lbd; or --instance/--socket)");

    /// <summary>Query string escaping of a value.</summary>
    public static string Q(string value) => Uri.EscapeDataString(value);

    /// <inheritdoc/>
    public void Dispose() => _http.Dispose();

    private static T? TryRead<T>(string body)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(body, Json);
        }
        catch (JsonException)
        {
            return default;
        }
    }
}
