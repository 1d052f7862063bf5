using System.Globalization;
using System.Net;
using LoadBalancer.Core.Health;
using LoadBalancer.Core.Model;

namespace LoadBalancer.ControlPlane.Health.Probes;

/// <summary>
/// Passes when an HTTP or HTTPS GET of the backend answers with a status in the expected range.
/// </summary>
/// <remarks>
/// Two clients serve every probe, one verifying certificates and one accepting any. Neither reuses a
/// connection: a pooled keep-alive connection would keep answering for a listener that has since died,
/// so every request says <c>Connection: close</c> and the pool keeps nothing. Redirects are not
/// followed (a 3xx is judged by the range), no proxy is used and the body is never read.
/// </remarks>
internal sealed class HttpProbe : IDisposable
{
    private readonly HttpClient _verifying = CreateClient(verifyCertificate: true);
    private readonly HttpClient _trusting = CreateClient(verifyCertificate: false);

    /// <summary>
    /// GETs <c>http(s)://BACKEND:PORT/PATH</c> with <see cref="ProbeSpec.Host"/> as Host header (and as
    /// TLS server name) when set; a failed connect, TLS handshake or response throws.
    /// </summary>
    public async Task<(bool Passed, string Detail)> RunAsync(ProbeSpec probe, ProbeTarget target, CancellationToken cancellationToken)
    {
        var scheme = probe.Kind == ProbeKind.Https ? "https" : "http";
        var uri = new Uri($"{scheme}://{AddressText.Host(target.Backend)}:{probe.Port.ToString(CultureInfo.InvariantCulture)}{probe.Path}", UriKind.Absolute);
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        request.Headers.ConnectionClose = true;
        if (probe.Host is not null)
        {
            request.Headers.Host = probe.Host;
        }
        var client = probe.Kind == ProbeKind.Https && !probe.TlsVerify ? _trusting : _verifying;
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        var status = (int)response.StatusCode;
        return (status >= probe.StatusMin && status <= probe.StatusMax, $"HTTP {status.ToString(CultureInfo.InvariantCulture)}");
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _verifying.Dispose();
        _trusting.Dispose();
    }

    private static HttpClient CreateClient(bool verifyCertificate)
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            PooledConnectionLifetime = TimeSpan.Zero,
            PooledConnectionIdleTimeout = TimeSpan.Zero,
            MaxResponseDrainSize = 0,
        };
        if (!verifyCertificate)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        }
        var client = new HttpClient(handler, disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
        client.DefaultRequestHeaders.UserAgent.ParseAdd("lbd-health-check");
        return client;
    }
}
