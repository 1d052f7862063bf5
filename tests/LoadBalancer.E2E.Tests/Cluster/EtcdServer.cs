using System.Diagnostics;
using LoadBalancer.Testing;

namespace LoadBalancer.E2E.Tests.Cluster;

/// <summary>
/// A single-member etcd in the topology's kv namespace, client port 2379 on kv0 (10.211.20.2, the
/// address the LB nodes use through the router) and on 127.0.0.1 there. It can be stopped and
/// started again on the same data directory (an outage, keys kept). Its data directory and log live
/// in a temporary directory that dispose removes, after killing etcd.
/// </summary>
public sealed class EtcdServer : IDisposable
{
    private static readonly TimeSpan s_healthyTimeout = TimeSpan.FromSeconds(5);
    private const string PeerUrl = "http://127.0.0.1:2380";
    private readonly ClusterTopology _topology;
    private readonly string _directory;
    private readonly NamespaceDaemon _etcd;

    /// <summary>Prepares an etcd for the kv node of <paramref name="topology"/>; <see cref="Start"/> runs it.</summary>
    public EtcdServer(ClusterTopology topology)
    {
        ClusterTools.Require("etcd", "etcdctl", "curl");
        _topology = topology;
        _directory = Directory.CreateTempSubdirectory($"{TestEnvironment.RunPrefix}-etcd-").FullName;
        DataDirectory = Path.Combine(_directory, "data");
        _etcd = new NamespaceDaemon(topology.NamespacePath("kv"), Path.Combine(_directory, "etcd.log"),
            "etcd", "--name", "kv", "--data-dir", DataDirectory,
            "--listen-client-urls", $"{Url},http://127.0.0.1:{ClusterTopology.EtcdClientPort}", "--advertise-client-urls", Url,
            "--listen-peer-urls", PeerUrl, "--initial-advertise-peer-urls", PeerUrl, "--initial-cluster", $"kv={PeerUrl}",
            "--logger", "zap", "--log-outputs", "stderr");
    }

    /// <summary>The client URL the LB nodes use: http://10.211.20.2:2379.</summary>
    public static Uri Endpoint { get; } = new(Url);

    /// <summary>etcd's data directory, kept across <see cref="Stop"/> and <see cref="Start"/>.</summary>
    public string DataDirectory { get; }

    public bool IsRunning => _etcd.IsRunning;

    /// <summary>What etcd printed, from every start.</summary>
    public string Log => _etcd.Log;

    /// <summary>
    /// Starts etcd (unless it runs) and waits until it reports healthy, at most
    /// <paramref name="timeout"/> (default 5 s; it takes about 1 s); returns how long that took.
    /// </summary>
    public TimeSpan Start(TimeSpan? timeout = null)
    {
        _etcd.Start();
        return WaitHealthy(timeout ?? s_healthyTimeout);
    }

    /// <summary>Stops etcd with SIGTERM (or SIGKILL, a crash) and waits for it to exit; the data directory stays.</summary>
    public void Stop(bool kill = false) => _etcd.Stop(kill);

    /// <summary>Stops etcd and starts it again on the same data directory; returns how long it took to be healthy again.</summary>
    public TimeSpan Restart(bool kill = false, TimeSpan? timeout = null)
    {
        Stop(kill);
        return Start(timeout);
    }

    /// <summary>Waits until etcd answers GET /health with "true" inside kv, at most <paramref name="timeout"/>; returns how long that took.</summary>
    public TimeSpan WaitHealthy(TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (!_etcd.IsRunning)
            {
                throw new InvalidOperationException($"etcd is not running (did it exit?):\n{_etcd.LogTail()}");
            }
            var (code, output) = _topology.TryExec("kv", "curl", "-s", "-m", "1", $"http://127.0.0.1:{ClusterTopology.EtcdClientPort}/health");
            if (code == 0 && output.Contains("\"health\":\"true\"", StringComparison.Ordinal))
            {
                return clock.Elapsed;
            }
            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"etcd not healthy within {timeout.TotalSeconds:0.0} s; last GET /health: curl exited {code}: {output}\n{_etcd.LogTail()}");
            }
            Thread.Sleep(50);
        }
    }

    /// <summary>
    /// Runs <c>etcdctl --endpoints http://10.211.20.2:2379 ARGS</c> in node <paramref name="node"/>'s
    /// namespace (lb1, lb2...), with 1 s to connect and 2 s per command; returns its exit code and output.
    /// </summary>
    public (int ExitCode, string Output) TryCtl(string node, params string[] args)
        => _topology.TryExec(node, ["etcdctl", "--endpoints", Url, "--dial-timeout", "1s", "--command-timeout", "2s", .. args]);

    /// <summary>As <see cref="TryCtl"/>, but throws with the output unless etcdctl succeeds; returns its output.</summary>
    public string Ctl(string node, params string[] args)
    {
        var (code, output) = TryCtl(node, args);
        return code == 0 ? output : throw new InvalidOperationException($"etcdctl {string.Join(' ', args)} from {node} exited {code}:\n{output}");
    }

    public void Dispose()
    {
        try
        {
            _etcd.Dispose();
        }
        finally
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private static string Url => $"http://{ClusterTopology.Kv4}:{ClusterTopology.EtcdClientPort}";
}
