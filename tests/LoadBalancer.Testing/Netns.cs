namespace LoadBalancer.Testing;

/// <summary>
/// A network namespace the test created (<c>ip netns add</c>) and removes on dispose. Commands run
/// inside it through <c>nsenter --net</c>, not <c>ip netns exec</c>, which remounts /sys and hides bpffs pins.
/// </summary>
public sealed class Netns : IDisposable
{
    private Netns(string name) => Name = name;

    /// <summary>The namespace name, carrying the run prefix.</summary>
    public string Name { get; }

    /// <summary>Its bind-mount under /run/netns.</summary>
    public string Path => $"/run/netns/{Name}";

    private static int s_count;

    /// <summary>Creates <c>{run prefix}-{suffix}{n}</c> (unique in this process) with its loopback up.</summary>
    public static Netns Create(string suffix)
    {
        var name = $"{TestEnvironment.RunPrefix}-{suffix}{Interlocked.Increment(ref s_count)}";
        Shell.Run("ip", ["netns", "del", name], allowFailure: true);
        Shell.Run("ip", "netns", "add", name);
        var ns = new Netns(name);
        try
        {
            ns.Exec("ip", "link", "set", "lo", "up");
        }
        catch
        {
            ns.Dispose();
            throw;
        }
        return ns;
    }

    /// <summary>Runs a command inside the namespace; throws with its output if it fails.</summary>
    public string Exec(params string[] command) => Shell.Run("nsenter", [$"--net={Path}", "--", .. command]);

    /// <inheritdoc/>
    public void Dispose() => Shell.Run("ip", ["netns", "del", Name], allowFailure: true);
}
