namespace LoadBalancer.Testing;

/// <summary>A topology script of scripts/ (topo.sh, cluster_topo.sh): up, exec and down under a prefix.</summary>
/// <param name="name">The script's file name under scripts/.</param>
public sealed class TopologyScript(string name)
{
    /// <summary>The script's path.</summary>
    public string Path { get; } = System.IO.Path.Combine(TestEnvironment.RepoRoot, "scripts", name);

    /// <summary>
    /// Builds the topology <paramref name="prefix"/>. The script removes a half-built topology
    /// itself, but not if it was killed (timeout): then this takes it down before rethrowing.
    /// </summary>
    public void Up(string prefix, params string[] args)
    {
        try
        {
            Run(["up", prefix, .. args]);
        }
        catch
        {
            try
            {
                Shell.TryRun(Path, "down", prefix);
            }
            catch (Exception)
            {
                // Best effort: the failure of `up` is the one to report.
            }
            throw;
        }
    }

    /// <summary>Runs the script with <paramref name="args"/>; throws with its output on failure.</summary>
    public string Run(params string[] args) => Shell.Run(Path, args);
}
