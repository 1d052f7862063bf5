namespace LoadBalancer.Core.State;

/// <summary>Weight, drain and disable set at run time on a backend from the configuration file; null = as in the file.</summary>
public sealed record BackendSettings(long? Weight = null, bool? Drained = null, bool? Disabled = null);
