namespace LoadBalancer.Core.Health;

/// <summary>The names of <see cref="BackendState"/> in lbctl, the API and metric labels.</summary>
public static class BackendStates
{
    /// <summary>Every state, in declaration order.</summary>
    public static IReadOnlyList<BackendState> All { get; } = Enum.GetValues<BackendState>();

    /// <summary><c>healthy</c>, <c>slow-start</c>, <c>unhealthy</c>, <c>draining</c>, <c>drained</c> or <c>disabled</c>.</summary>
    public static string Name(BackendState state) => state switch
    {
        BackendState.SlowStart => "slow-start",
        _ => state.ToString().ToLowerInvariant(),
    };

    /// <summary>The name of a check kind: <c>none</c>, <c>tcp</c>, <c>http</c>, <c>https</c> or <c>command</c>.</summary>
    public static string Name(ProbeKind kind) => kind.ToString().ToLowerInvariant();
}
