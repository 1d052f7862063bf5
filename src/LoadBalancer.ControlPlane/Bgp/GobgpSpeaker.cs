using System.Net;
using System.Net.Sockets;
using Apipb;
using Grpc.Core;
using Grpc.Net.Client;
using LoadBalancer.Core.Model;
using Microsoft.Extensions.Logging;

namespace LoadBalancer.ControlPlane.Bgp;

/// <summary>
/// A GoBGP daemon (gobgpd) driven over its gRPC API: lbd does not speak BGP itself. In
/// <see cref="BgpSpeakerMode.Start"/> mode it runs gobgpd as its child, with no config file, and
/// stops it on dispose; in <see cref="BgpSpeakerMode.Connect"/> mode it uses a running gobgpd. Either
/// way it starts BGP there if it is not started (AS, router id, listen port), adds the configured
/// peers that are missing, and announces and withdraws VIP host routes in the global RIB. Dispose
/// withdraws what this object announced.
/// </summary>
/// <remarks>
/// Every API call has a deadline (10 s) and every failure is a <see cref="BgpSpeakerException"/>
/// naming the operation, the API address and the gRPC status. Thread-safe: gobgpd serialises
/// the calls.
/// <para>
/// Timing (GobgpSpeakerTests, BIRD as the router, connect retry 1 s): gobgpd is configured 15-130 ms
/// after it is started; a router that connects to <see cref="BgpSpec.ListenPort"/> has an
/// established session 0.6-0.7 s after the peer is added, while gobgpd's own first outbound attempt
/// comes 5-10 s after AddPeer whatever connect-retry says. An announced route is in the router's
/// kernel table within about 100 ms.
/// </para>
/// </remarks>
public sealed class GobgpSpeaker : IBgpSpeaker
{
    private static readonly TimeSpan s_callTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan s_stopGrace = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan s_probeInterval = TimeSpan.FromMilliseconds(100);

    private readonly BgpSpec _spec;
    private readonly ILogger _log;
    private readonly GrpcChannel _channel;
    private readonly GobgpApi.GobgpApiClient _client;
    private readonly GobgpProcess? _process;
    private readonly HashSet<IPAddress> _announced = [];
    private int _disposed;

    private GobgpSpeaker(BgpSpec spec, ILogger log, GrpcChannel channel, GobgpProcess? process)
    {
        _spec = spec;
        _log = log;
        _channel = channel;
        _client = new GobgpApi.GobgpApiClient(channel);
        _process = process;
        Api = $"{spec.Api.Host}:{spec.Api.Port}";
    }

    /// <summary>gobgpd's API address, HOST:PORT, as it appears in messages.</summary>
    public string Api { get; }

    /// <summary>The process id of the gobgpd this object started; null in <see cref="BgpSpeakerMode.Connect"/> mode.</summary>
    public int? ProcessId => _process?.Id;

    /// <summary>The VIPs this object has announced and not withdrawn.</summary>
    public IReadOnlyCollection<IPAddress> Announced
    {
        get
        {
            lock (_announced)
            {
                return [.. _announced];
            }
        }
    }

    /// <summary>Starts or connects to gobgpd as <paramref name="spec"/> says, in lbd's own network namespace.</summary>
    /// <inheritdoc cref="StartAsync(BgpSpec, string?, ILogger, CancellationToken)"/>
    public static Task<GobgpSpeaker> StartAsync(BgpSpec spec, ILogger log, CancellationToken cancellationToken)
        => StartAsync(spec, networkNamespace: null, log, cancellationToken);

    /// <summary>
    /// Starts or connects to gobgpd as <paramref name="spec"/> says, then starts BGP on it if needed
    /// and adds the configured peers it lacks.
    /// </summary>
    /// <param name="spec">The validated BGP settings.</param>
    /// <param name="networkNamespace">
    /// A network namespace (/run/netns/NAME) to run gobgpd in and to reach its API in, so its
    /// sessions use that namespace's addresses; null = lbd's own.
    /// </param>
    /// <param name="log">Where the speaker and gobgpd's own output (at Debug) are logged.</param>
    /// <param name="cancellationToken">Cancels the start; a started gobgpd is stopped again.</param>
    /// <exception cref="BgpSpeakerException">
    /// gobgpd could not be started, exited or did not answer within 10 s (the message names the
    /// program, the API address and gobgpd's last output), something else already listens at the API
    /// address (Start mode), nothing answers there (Connect mode), BGP there runs another AS, or an
    /// API call failed.
    /// </exception>
    public static async Task<GobgpSpeaker> StartAsync(BgpSpec spec, string? networkNamespace, ILogger log, CancellationToken cancellationToken)
    {
        var api = $"{spec.Api.Host}:{spec.Api.Port}";
        GobgpProcess? process = null;
        if (spec.Speaker == BgpSpeakerMode.Start)
        {
            if (await GobgpChannel.AcceptsAsync(spec.Api, networkNamespace, cancellationToken))
            {
                throw new BgpSpeakerException($"cannot start gobgpd '{spec.Gobgpd}': something already listens at its API address {api} "
                    + "(another gobgpd? use bgp.speaker: connect to use it, or another bgp.api)");
            }
            process = GobgpProcess.Start(spec.Gobgpd, api, networkNamespace, log);
            BgpLog.GobgpdStarted(log, spec.Gobgpd, process.Id, api);
        }
        var speaker = new GobgpSpeaker(spec, log, GobgpChannel.Create(spec.Api, networkNamespace), process);
        try
        {
            var global = process is null ? await speaker.GetBgpAsync(cancellationToken) : await speaker.WaitForApiAsync(process, cancellationToken);
            await speaker.ConfigureAsync(global, cancellationToken);
            return speaker;
        }
        catch
        {
            await speaker.CloseAsync();
            throw;
        }
    }

    /// <inheritdoc/>
    public async Task AnnounceAsync(IPAddress vip, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        vip = GobgpPaths.Normalize(vip);
        var v4 = vip.AddressFamily == AddressFamily.InterNetwork;
        var nextHop = (v4 ? _spec.NextHop : _spec.NextHop6) ?? GobgpPaths.Self(vip);
        var prefix = GobgpPaths.Prefix(vip);
        if (!_spec.Peers.Any(p => GobgpPeers.Carries(p, v4, _spec)))
        {
            BgpLog.NoPeerCarries(_log, prefix, v4 ? "IPv4" : "IPv6", v4 ? "bgp.next_hop" : "bgp.next_hop6");
        }
        var request = new AddPathRequest { TableType = TableType.Global, Path = GobgpPaths.HostRoute(vip, nextHop) };
        await CallAsync($"AddPath {prefix}", o => _client.AddPathAsync(request, o), cancellationToken);
        lock (_announced)
        {
            _announced.Add(vip);
        }
        BgpLog.Announced(_log, prefix, nextHop.Equals(GobgpPaths.Self(vip)) ? "self" : nextHop.ToString());
    }

    /// <inheritdoc/>
    public async Task WithdrawAsync(IPAddress vip, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        await WithdrawCoreAsync(GobgpPaths.Normalize(vip), cancellationToken);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<BgpPeerStatus>> PeersAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        var peers = await ListPeersAsync(enableAdvertised: true, cancellationToken);
        return [.. peers.Select(GobgpPeers.Status).OrderBy(p => p.Address, AddressOrder.Instance)];
    }

    /// <summary>
    /// Withdraws what this object announced (a failure is logged, not thrown); in Start mode then
    /// stops gobgpd (SIGTERM, up to 5 s, then SIGKILL) and reaps it. Calling it again does nothing.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        if (_process is not { HasExited: true })
        {
            foreach (var vip in Announced)
            {
                try
                {
                    await WithdrawCoreAsync(vip, CancellationToken.None);
                }
                catch (BgpSpeakerException e)
                {
                    BgpLog.WithdrawOnStopFailed(_log, vip, e);
                }
            }
        }
        await CloseAsync();
    }

    private async Task WithdrawCoreAsync(IPAddress vip, CancellationToken cancellationToken)
    {
        var prefix = GobgpPaths.Prefix(vip);
        var request = new DeletePathRequest
        {
            TableType = TableType.Global,
            Family = GobgpPaths.FamilyOf(vip),
            Path = GobgpPaths.HostRoute(vip, GobgpPaths.Self(vip)),
        };
        await CallAsync($"DeletePath {prefix}", o => _client.DeletePathAsync(request, o), cancellationToken);
        lock (_announced)
        {
            _announced.Remove(vip);
        }
        BgpLog.Withdrew(_log, prefix);
    }

    // gobgpd answers its API a few milliseconds after it starts; until then calls fail Unavailable.
    private async Task<Global> WaitForApiAsync(GobgpProcess process, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + s_startTimeout;
        while (true)
        {
            if (process.HasExited)
            {
                await process.WaitForExitAsync(TimeSpan.FromSeconds(1));
                throw new BgpSpeakerException($"gobgpd '{process.Program}' exited with code {process.ExitCode} before its API at {Api} answered; its last output:\n{process.Tail()}");
            }
            try
            {
                var response = await _client.GetBgpAsync(new GetBgpRequest(), new CallOptions(deadline: DateTime.UtcNow.AddSeconds(1), cancellationToken: cancellationToken));
                return response.Global;
            }
            catch (RpcException e) when (e.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded)
            {
                if (DateTime.UtcNow >= deadline)
                {
                    throw new BgpSpeakerException($"gobgpd '{process.Program}' (pid {process.Id}) did not answer at {Api} within {s_startTimeout.TotalSeconds}s "
                        + $"({e.StatusCode}: {e.Status.Detail}); its last output:\n{process.Tail()}", e);
                }
            }
            catch (RpcException e)
            {
                throw Failure("GetBgp", e, "");
            }
            await Task.Delay(s_probeInterval, cancellationToken);
        }
    }

    private async Task<Global> GetBgpAsync(CancellationToken cancellationToken)
    {
        var response = await CallAsync("GetBgp", o => _client.GetBgpAsync(new GetBgpRequest(), o), cancellationToken,
            hint: _process is null ? " (is gobgpd running there? bgp.speaker: connect expects it to)" : "");
        return response.Global;
    }

    private async Task ConfigureAsync(Global global, CancellationToken cancellationToken)
    {
        if (global.Asn == 0)
        {
            var start = new Global { Asn = _spec.LocalAs, RouterId = _spec.RouterId.ToString(), ListenPort = _spec.ListenPort };
            await CallAsync("StartBgp", o => _client.StartBgpAsync(new StartBgpRequest { Global = start }, o), cancellationToken);
            BgpLog.BgpStarted(_log, Api, _spec.LocalAs, start.RouterId, _spec.ListenPort);
        }
        else if (global.Asn != _spec.LocalAs)
        {
            throw new BgpSpeakerException($"gobgpd at {Api} already runs BGP as AS {global.Asn}, not bgp.local_as {_spec.LocalAs}: "
                + "stop it or configure the same AS");
        }
        else
        {
            BgpLog.BgpAlreadyStarted(_log, Api, global.Asn, global.RouterId);
        }

        var existing = (await ListPeersAsync(enableAdvertised: false, cancellationToken)).Select(GobgpPeers.Key).ToHashSet();
        foreach (var peer in _spec.Peers)
        {
            if (existing.Contains(peer.Address.ToString()))
            {
                BgpLog.PeerKept(_log, peer.Address.ToString());
                continue;
            }
            var request = new AddPeerRequest { Peer = GobgpPeers.Neighbor(peer, _spec) };
            await CallAsync($"AddPeer {peer.Address}", o => _client.AddPeerAsync(request, o), cancellationToken);
            BgpLog.PeerAdded(_log, peer.Address, peer.As, peer.Port);
        }
    }

    private async Task<List<Peer>> ListPeersAsync(bool enableAdvertised, CancellationToken cancellationToken)
    {
        var peers = new List<Peer>();
        try
        {
            using var call = _client.ListPeer(new ListPeerRequest { EnableAdvertised = enableAdvertised }, Options(cancellationToken));
            while (await call.ResponseStream.MoveNext(cancellationToken))
            {
                peers.Add(call.ResponseStream.Current.Peer);
            }
        }
        catch (RpcException e)
        {
            throw Failure("ListPeer", e, "");
        }
        return peers;
    }

    private async Task<T> CallAsync<T>(string operation, Func<CallOptions, AsyncUnaryCall<T>> call, CancellationToken cancellationToken, string hint = "")
    {
        try
        {
            return await call(Options(cancellationToken));
        }
        catch (RpcException e)
        {
            throw Failure(operation, e, hint);
        }
    }

    private static CallOptions Options(CancellationToken cancellationToken) => new(deadline: DateTime.UtcNow + s_callTimeout, cancellationToken: cancellationToken);

    private BgpSpeakerException Failure(string operation, RpcException e, string hint)
    {
        if (_process is { HasExited: true })
        {
            hint += $"; gobgpd (pid {_process.Id}) exited with code {_process.ExitCode}, its last output:\n{_process.Tail()}";
        }
        return new($"gobgpd {operation} at {Api} failed: {e.StatusCode}: {e.Status.Detail}{hint}", e);
    }

    private async Task CloseAsync()
    {
        _channel.Dispose();
        if (_process is not null)
        {
            if (_process.HasExited && _disposed != 0)
            {
                BgpLog.GobgpdDied(_log, _process.Id, _process.ExitCode, _process.Tail());
            }
            await _process.StopAsync(s_stopGrace);
        }
    }
}
