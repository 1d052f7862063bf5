using LoadBalancer.Core.State;

namespace LoadBalancer.ControlPlane.Store;

/// <summary>
/// Where the desired state lives: a YAML file and a state file on this node by default
/// (<see cref="FileStateStore"/>), a key prefix in etcd for a cluster.
/// </summary>
public interface IDesiredStateStore
{
    /// <summary>Where it lives, for status and logs.</summary>
    string Description { get; }

    /// <summary>The configuration file, or null when an embedded default is in use.</summary>
    string? ConfigPath { get; }

    /// <summary>Where run-time changes are kept.</summary>
    string StatePath { get; }

    /// <summary>Raised when the configuration changes outside the daemon (the file was written).</summary>
    event Action? Changed;

    /// <summary>Reads the desired state.</summary>
    /// <exception cref="Core.Config.ConfigValidationException">The configuration does not parse.</exception>
    /// <exception cref="InvalidDataException">The state file is damaged.</exception>
    Task<DesiredState> LoadAsync(CancellationToken cancellationToken);

    /// <summary>Keeps <paramref name="overlay"/> so it survives restarts and reboots; atomic.</summary>
    Task SaveOverlayAsync(StateOverlay overlay, CancellationToken cancellationToken);
}
