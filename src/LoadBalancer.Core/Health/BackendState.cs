namespace LoadBalancer.Core.Health;

/// <summary>What a backend is doing, as lbctl health shows it.</summary>
public enum BackendState
{
    /// <summary>Passes its checks and takes new flows at its full weight.</summary>
    Healthy,

    /// <summary>Healthy and back in service, ramping up to its full weight.</summary>
    SlowStart,

    /// <summary>Failed its checks (or the passive signal); out of service unless the rails keep it in.</summary>
    Unhealthy,

    /// <summary>Drained by an operator: no new flows; its flows go on until they end or the drain timeout.</summary>
    Draining,

    /// <summary>Drained, and its flows have ended or were removed at the drain timeout.</summary>
    Drained,

    /// <summary>Out of service by an operator: no new flows, flows removed, not probed.</summary>
    Disabled,
}
