namespace LoadBalancer.Core.State;

/// <summary>A run-time change that cannot apply to the current state: what it names is missing, or already there.</summary>
public sealed class StateChangeException(StateChangeError error, string message) : Exception(message)
{
    /// <summary>Why the change does not apply.</summary>
    public StateChangeError Error { get; } = error;
}
