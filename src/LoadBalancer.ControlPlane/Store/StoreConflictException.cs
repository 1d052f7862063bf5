namespace LoadBalancer.ControlPlane.Store;

/// <summary>A shared store changed after the state a change was made from was read: nothing was written; read again and redo the change.</summary>
public sealed class StoreConflictException(string message) : Exception(message);
