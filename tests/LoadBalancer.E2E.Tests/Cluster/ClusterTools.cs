namespace LoadBalancer.E2E.Tests.Cluster;

/// <summary>
/// The programs the cluster tests run, checked up front so a missing one fails the test with the
/// package to install, never as a silent skip.
/// </summary>
public static class ClusterTools
{
    private static readonly Dictionary<string, string> s_packages = new()
    {
        ["bird"] = "bird2",
        ["birdc"] = "bird2",
        ["gobgpd"] = "gobgpd",
        ["gobgp"] = "gobgpd",
        ["etcd"] = "etcd-server",
        ["etcdctl"] = "etcd-client",
        ["curl"] = "curl",
        ["ethtool"] = "ethtool",
        ["nsenter"] = "util-linux",
    };

    /// <summary>Throws, naming every missing program and its Debian package, unless all of <paramref name="tools"/> are on PATH.</summary>
    public static void Require(params string[] tools)
    {
        var missing = tools.Where(t => Find(t) is null).ToList();
        if (missing.Count > 0)
        {
            var packages = missing.Select(t => s_packages.GetValueOrDefault(t, t)).Distinct();
            throw new InvalidOperationException(
                $"the cluster tests need {string.Join(", ", missing)} on PATH: apt-get install {string.Join(' ', packages)}");
        }
    }

    /// <summary>The full path of <paramref name="tool"/> on PATH, or null.</summary>
    public static string? Find(string tool)
        => (Environment.GetEnvironmentVariable("PATH") ?? "/usr/sbin:/usr/bin:/sbin:/bin")
            .Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, tool))
            .FirstOrDefault(File.Exists);
}
