using System.Globalization;
using System.Net.Sockets;
using System.Security.Authentication;
using LoadBalancer.Core.Health;

namespace LoadBalancer.ControlPlane.Health.Probes;

/// <summary>
/// Runs one active probe of a backend (tcp, http, https or command) and reports its outcome; the
/// health checker calls it once per backend and interval.
/// </summary>
/// <remarks>
/// A failing backend is an outcome, not an error: refused, reset, timed out, a TLS error, a status out
/// of range, a non-zero exit or a program that cannot start all come back as a failed
/// <see cref="ProbeResult"/> with a short reason. The http(s) clients are shared by every probe of
/// this instance and open a new connection for each.
/// </remarks>
public sealed class Prober : IDisposable
{
    private const int DetailChars = 200;

    private readonly TimeProvider _time;
    private readonly HttpProbe _http = new();

    /// <summary>A prober timing its probes, and their timeouts, by <paramref name="time"/>.</summary>
    public Prober(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
    }

    /// <summary>
    /// Probes <paramref name="target"/> as <paramref name="probe"/> says, giving up (a command: killing
    /// its process tree) after <see cref="ProbeSpec.Timeout"/>.
    /// </summary>
    /// <returns>The outcome, its latency measured from the start to the answer or the timeout.</returns>
    /// <exception cref="ArgumentException"><paramref name="probe"/> is <see cref="ProbeKind.None"/>, or a command probe without a program.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled; never for a timeout.</exception>
    public async Task<ProbeResult> RunAsync(ProbeSpec probe, ProbeTarget target, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(probe);
        ArgumentNullException.ThrowIfNull(target);
        if (probe.Kind is not (ProbeKind.Tcp or ProbeKind.Http or ProbeKind.Https or ProbeKind.Command))
        {
            throw new ArgumentException($"no active probe of kind {probe.Kind}", nameof(probe));
        }
        if (probe.Kind == ProbeKind.Command && probe.Command.Count == 0)
        {
            throw new ArgumentException("a command probe needs a program to run", nameof(probe));
        }
        cancellationToken.ThrowIfCancellationRequested();

        var start = _time.GetTimestamp();
        using var timeout = new CancellationTokenSource(probe.Timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            var (passed, detail) = probe.Kind switch
            {
                ProbeKind.Tcp => await TcpProbe.RunAsync(probe, target, linked.Token),
                ProbeKind.Command => await CommandProbe.RunAsync(probe, target, _time, linked.Token),
                _ => await _http.RunAsync(probe, target, linked.Token),
            };
            return new ProbeResult(passed, _time.GetElapsedTime(start), detail);
        }
        catch (Exception e)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var detail = !timeout.IsCancellationRequested ? Describe(e)
                : probe.Kind == ProbeKind.Command ? $"killed at the {Format(probe.Timeout)} timeout"
                : $"timed out after {Format(probe.Timeout)}";
            return new ProbeResult(false, _time.GetElapsedTime(start), detail);
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _http.Dispose();

    /// <summary>What went wrong, for people: the innermost cause that says most, in a few words.</summary>
    private static string Describe(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case SocketException socket:
                    return Describe(socket.SocketErrorCode, socket.Message);
                case AuthenticationException tls:
                    return Cut($"TLS handshake failed: {tls.Message}");
            }
        }
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is HttpRequestException { HttpRequestError: var error and not HttpRequestError.Unknown })
            {
                return error switch
                {
                    HttpRequestError.ResponseEnded => "connection closed before the response",
                    HttpRequestError.InvalidResponse => Cut($"invalid HTTP response: {e.Message}"),
                    _ => Cut(e.Message),
                };
            }
        }
        return Cut(exception.Message);
    }

    private static string Describe(SocketError error, string message) => error switch
    {
        SocketError.ConnectionRefused => "connection refused",
        SocketError.ConnectionReset => "connection reset",
        SocketError.ConnectionAborted => "connection aborted",
        SocketError.HostUnreachable => "host unreachable",
        SocketError.NetworkUnreachable => "network unreachable",
        SocketError.AddressNotAvailable => "address not available",
        _ => Cut(message),
    };

    private static string Cut(string text) => text.Length <= DetailChars ? text : text[..DetailChars];

    /// <summary>A timeout as the configuration writes it: <c>1s</c>, <c>1500ms</c>.</summary>
    private static string Format(TimeSpan value)
        => value.Ticks % TimeSpan.TicksPerSecond == 0
            ? $"{(value.Ticks / TimeSpan.TicksPerSecond).ToString(CultureInfo.InvariantCulture)}s"
            : $"{((long)value.TotalMilliseconds).ToString(CultureInfo.InvariantCulture)}ms";
}
