namespace LoadBalancer.Core.State;

/// <summary>Why a run-time change does not apply.</summary>
public enum StateChangeError
{
    /// <summary>What it names is not a VIP or backend at all (malformed).</summary>
    Invalid,

    /// <summary>The VIP or backend it names does not exist.</summary>
    NotFound,

    /// <summary>The VIP or backend it would create exists already.</summary>
    Conflict,
}
