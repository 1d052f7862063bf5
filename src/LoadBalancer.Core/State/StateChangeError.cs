namespace LoadBalancer.Core.State;

/// <summary>Why a run-time change does not apply.</summary>
public enum StateChangeError
{
    /// <summary>The VIP or backend it names does not exist.</summary>
    NotFound,

    /// <summary>The VIP or backend it would create exists already.</summary>
    Conflict,
}
