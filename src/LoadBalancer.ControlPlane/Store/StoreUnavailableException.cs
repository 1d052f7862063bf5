namespace LoadBalancer.ControlPlane.Store;

/// <summary>A shared store could not be reached (or did not answer in time): nothing was written or read.</summary>
public sealed class StoreUnavailableException(string message, Exception? inner = null) : IOException(message, inner);
