using dotnet_etcd;
using Etcdserverpb;
using Grpc.Core;
using Grpc.Net.Client;
using Grpc.Net.Client.Balancer;
using Grpc.Net.Client.Configuration;
using LoadBalancer.Core.Model;
using Microsoft.Extensions.DependencyInjection;

namespace LoadBalancer.ControlPlane.Store;

/// <summary>
/// One gRPC channel to the etcd endpoints, round-robin over them, and the clients on it: dotnet-etcd's
/// <see cref="EtcdClient"/> for range reads and transactions, the generated watch client for the
/// watch stream (read directly, so a break is seen at once rather than retried behind our back).
/// </summary>
/// <remarks>
/// No gRPC retry policy: a transaction whose answer is lost must not be sent again, or its second
/// attempt fails its own compare and reads as a conflict. Reconnection backoff is capped at 2 s
/// (gRPC's default goes to 120 s), so the store's own retry loop, not the channel, sets how soon an
/// etcd that is back is used. HTTP/2 keepalive pings every 10 s find a dead peer that sent no reset
/// (etcd refuses pings more often than every 5 s by default).
/// </remarks>
internal sealed class EtcdConnection : IDisposable
{
    private readonly ServiceProvider _services;
    private readonly GrpcChannel _channel;

    /// <summary>Opens the channel; nothing connects before the first request.</summary>
    /// <exception cref="ArgumentException">The endpoints mix http and https, or there are none.</exception>
    public EtcdConnection(StoreSpec spec)
    {
        var endpoints = spec.Endpoints;
        if (endpoints.Count == 0 || endpoints.Select(e => e.Scheme).Distinct().Count() != 1)
        {
            throw new ArgumentException($"etcd endpoints must be one or more, all http or all https: {string.Join(", ", endpoints)}", nameof(spec));
        }
        var addresses = endpoints.Select(e => new BalancerAddress(e.DnsSafeHost, e.Port)).ToArray();
        var services = new ServiceCollection();
        services.AddSingleton<ResolverFactory>(new StaticResolverFactory(_ => addresses));
        _services = services.BuildServiceProvider();
        _channel = GrpcChannel.ForAddress("static:///etcd", new GrpcChannelOptions
        {
            Credentials = endpoints[0].Scheme == Uri.UriSchemeHttps ? ChannelCredentials.SecureSsl : ChannelCredentials.Insecure,
            ServiceProvider = _services,
            ServiceConfig = new ServiceConfig { LoadBalancingConfigs = { new RoundRobinConfig() } },
            InitialReconnectBackoff = TimeSpan.FromMilliseconds(250),
            MaxReconnectBackoff = TimeSpan.FromSeconds(2),
            MaxReceiveMessageSize = 64 << 20,
            ThrowOperationCanceledOnCancellation = true,
            HttpHandler = new SocketsHttpHandler
            {
                ConnectTimeout = spec.Timeout,
                KeepAlivePingDelay = TimeSpan.FromSeconds(10),
                KeepAlivePingTimeout = spec.Timeout,
                KeepAlivePingPolicy = HttpKeepAlivePingPolicy.Always,
                PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
                EnableMultipleHttp2Connections = true,
            },
            DisposeHttpClient = true,
        });
        var invoker = _channel.CreateCallInvoker();
        Client = new EtcdClient(invoker);
        Watch = new Watch.WatchClient(invoker);
    }

    /// <summary>Range reads and transactions.</summary>
    public EtcdClient Client { get; }

    /// <summary>The raw watch stream.</summary>
    public Watch.WatchClient Watch { get; }

    /// <inheritdoc/>
    public void Dispose()
    {
        Client.Dispose();
        _channel.Dispose();
        _services.Dispose();
    }
}
