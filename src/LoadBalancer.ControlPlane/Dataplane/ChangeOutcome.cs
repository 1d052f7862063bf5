namespace LoadBalancer.ControlPlane.Dataplane;

/// <summary>An applied change: the generation now in force and what the maps saw.</summary>
public sealed record ChangeOutcome(long Generation, SyncResult Sync)
{
    /// <summary>One line for the API and the log.</summary>
    public string Summary => Sync.Summary;
}
