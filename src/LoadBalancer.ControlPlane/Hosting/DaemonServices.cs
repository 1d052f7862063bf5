using System.Globalization;
using LoadBalancer.ControlPlane.Api;
using LoadBalancer.ControlPlane.Bgp;
using LoadBalancer.ControlPlane.Cluster;
using LoadBalancer.ControlPlane.Dataplane;
using LoadBalancer.ControlPlane.Health;
using LoadBalancer.ControlPlane.Health.Probes;
using LoadBalancer.ControlPlane.Metrics;
using LoadBalancer.ControlPlane.Store;
using LoadBalancer.Core.Health;
using LoadBalancer.Core.Model;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Prometheus;

namespace LoadBalancer.ControlPlane.Hosting;

/// <summary>Registers lbd's services and endpoints; Program.cs stays a composition root.</summary>
public static class DaemonServices
{
    /// <summary>Adds the store, the reconciler and its hosted services, the metrics endpoint, and the API listener on the Unix socket.</summary>
    public static WebApplicationBuilder AddLoadBalancerDaemon(this WebApplicationBuilder builder, LbdOptions options)
    {
        var services = builder.Services;
        services.AddSingleton(options);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(sp => DesiredStateStores.Create(options, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILoggerFactory>()));
        services.AddSingleton(sp => new NodeDrain(Path.Combine(Path.GetDirectoryName(options.EffectiveStatePath)!, "node-drain.json"), sp.GetRequiredService<TimeProvider>()));
        // a graceful stop withdraws the VIPs and then forwards for bgp.drain_grace (at most 10 minutes)
        services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromMinutes(11));
        services.AddSingleton<HealthBoard>();
        services.AddSingleton(sp => new Reconciler(
            sp.GetRequiredService<IDesiredStateStore>(), sp.GetRequiredService<HealthBoard>(), options.EffectivePinDirectory,
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<Reconciler>>()));
        services.AddSingleton(sp => new Prober(sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(_ => new HealthMetrics(Prometheus.Metrics.DefaultRegistry));
        services.AddHostedService<DataplaneService>();
        services.AddHostedService<FlowRecountService>();
        services.AddHostedService<HealthService>();
        services.AddSingleton(_ => new BgpMetrics(Prometheus.Metrics.DefaultRegistry));
        services.AddSingleton<AnnouncementService>();
        services.AddHostedService(sp => sp.GetRequiredService<AnnouncementService>());
        if (!string.IsNullOrEmpty(options.Metrics))
        {
            var (host, port) = ParseMetricsAddress(options.Metrics);
            services.AddSingleton(_ => Prometheus.Metrics.DefaultRegistry);
            services.AddSingleton<DataplaneMetrics>();
            services.AddSingleton<ClusterMetrics>();
            services.AddMetricServer(o =>
            {
                o.Hostname = host;
                o.Port = port;
            });
        }
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ListenUnixSocket(options.EffectiveApiSocket));
        return builder;
    }

    /// <summary>Maps the API and wires what runs once the host has started.</summary>
    public static WebApplication UseLoadBalancerDaemon(this WebApplication app, LbdOptions options)
    {
        app.MapLoadBalancerApi();
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            ApiSocket.Restrict(options.EffectiveApiSocket);
            app.Services.GetService<DataplaneMetrics>();
            app.Services.GetService<ClusterMetrics>();
        });
        return app;
    }

    /// <summary>HOST:PORT (IPv6 as [HOST]:PORT).</summary>
    public static (string Host, ushort Port) ParseMetricsAddress(string text)
    {
        if (!AddressText.TrySplitHostPort(text, out var host, out var portText) || host.Length == 0
            || !ushort.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port == 0)
        {
            throw new FormatException($"'{text}' is not a metrics address HOST:PORT, e.g. 127.0.0.1:9810 or [::1]:9810");
        }
        return (host, port);
    }
}
