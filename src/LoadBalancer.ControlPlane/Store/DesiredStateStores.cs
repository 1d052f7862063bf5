using LoadBalancer.ControlPlane.Hosting;
using LoadBalancer.Core.Config;
using Microsoft.Extensions.Logging;

namespace LoadBalancer.ControlPlane.Store;

/// <summary>Picks the store the node's own configuration names (<c>store.kind</c>): its files by default, etcd for a cluster.</summary>
public static class DesiredStateStores
{
    /// <summary>The store for <paramref name="options"/>' configuration.</summary>
    /// <exception cref="ConfigValidationException">The configuration does not parse, or its store section is invalid.</exception>
    public static IDesiredStateStore Create(LbdOptions options, TimeProvider time, ILoggerFactory loggers)
    {
        var yaml = options.ConfigPath is null ? options.EmbeddedConfig! : File.ReadAllText(options.ConfigPath);
        var config = YamlConfigReader.Read(yaml);
        if (config.Store?.Kind != "etcd")
        {
            return new FileStateStore(options.ConfigPath, options.EmbeddedConfig, options.EffectiveStatePath);
        }
        var spec = ConfigValidator.Validate(config).Store;
        return new EtcdStateStore(options.ConfigPath, options.EmbeddedConfig, options.EffectiveStatePath, spec, time, loggers.CreateLogger<EtcdStateStore>());
    }
}
