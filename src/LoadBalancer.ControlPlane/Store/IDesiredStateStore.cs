namespace LoadBalancer.ControlPlane.Store;

/// <summary>
/// Where the desired state lives: a YAML file and a state file on this node by default
/// (<see cref="FileStateStore"/>), a key prefix in etcd shared by a cluster's nodes
/// (EtcdStateStore).
/// </summary>
public interface IDesiredStateStore
{
    /// <summary>Where it lives, for status and logs.</summary>
    string Description { get; }

    /// <summary>The configuration file, or null when an embedded default is in use.</summary>
    string? ConfigPath { get; }

    /// <summary>Where run-time changes are kept (a shared store: where the last state read is cached).</summary>
    string StatePath { get; }

    /// <summary>
    /// True when other nodes share the state (etcd): a commit is in force for the whole cluster at
    /// once, so a local failure after it does not take it back.
    /// </summary>
    bool Shared { get; }

    /// <summary>Reachability and revision, for status and metrics.</summary>
    StoreStatus Status { get; }

    /// <summary>Raised when the desired state changed outside this daemon (the file was written, another node committed).</summary>
    event Action? Changed;

    /// <summary>Reads the desired state.</summary>
    /// <exception cref="Core.Config.ConfigValidationException">The configuration does not parse.</exception>
    /// <exception cref="InvalidDataException">The state file or stored state is damaged.</exception>
    /// <exception cref="StoreUnavailableException">A shared store cannot be reached and nothing was read before.</exception>
    Task<DesiredState> LoadAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Keeps <paramref name="desired"/>, made from <paramref name="basis"/> (the state in force) by a
    /// run-time change, so it survives restarts; atomic. Returns the desired state as kept: a shared
    /// store folds the overlay into the configuration and fixes the ids of new VIPs and backends.
    /// </summary>
    /// <exception cref="StoreConflictException">A shared store changed since <paramref name="basis"/> was read; nothing written.</exception>
    /// <exception cref="StoreUnavailableException">A shared store cannot be reached. Nothing was written, except
    /// when a request timed out after etcd applied it: then the watch brings the change back like another node's.</exception>
    /// <exception cref="Core.Config.ConfigValidationException">The shared ids ran out, or the change is too large for one etcd transaction.</exception>
    Task<DesiredState> CommitAsync(DesiredState basis, DesiredState desired, CancellationToken cancellationToken);
}
