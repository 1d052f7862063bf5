using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using dotnet_etcd;
using Grpc.Net.Client;

namespace LoadBalancer.ControlPlane.Tests.Store;

/// <summary>
/// A single-member etcd on loopback for one test: free client and peer ports on 127.0.0.1, a
/// temporary data directory, <c>--logger=zap</c>. It can be stopped (SIGKILL, a crash) and started
/// again on the same data directory. Dispose kills it and removes the directory. A missing etcd fails
/// the test with the package to install.
/// </summary>
internal sealed class TestEtcd : IDisposable
{
    private static readonly TimeSpan s_healthyTimeout = TimeSpan.FromSeconds(10);
    private readonly string _directory;
    private readonly int _peerPort;
    private readonly StringBuilder _log = new();
    private readonly GrpcChannel _channel;
    private Process? _process;

    public TestEtcd()
    {
        var etcd = Environment.GetEnvironmentVariable("PATH")!.Split(':').Select(d => Path.Combine(d, "etcd")).FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("etcd is not installed (apt-get install etcd-server): the etcd store tests run a real etcd on loopback");
        Executable = etcd;
        _directory = Directory.CreateTempSubdirectory("lb-etcd-test-").FullName;
        (ClientPort, _peerPort) = (FreePort(), FreePort());
        _channel = GrpcChannel.ForAddress(Endpoint);
        Client = new EtcdClient(_channel.CreateCallInvoker());
    }

    public string Executable { get; }

    public int ClientPort { get; }

    /// <summary>http://127.0.0.1:PORT.</summary>
    public string Endpoint => $"http://127.0.0.1:{ClientPort}";

    /// <summary>A client of this etcd, for the tests' own reads and writes.</summary>
    public EtcdClient Client { get; }

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>A directory for the test's own files, removed with etcd's.</summary>
    public string Scratch => Directory.CreateDirectory(Path.Combine(_directory, "scratch")).FullName;

    /// <summary>Starts etcd and waits until it answers /health; returns how long that took.</summary>
    public TimeSpan Start()
    {
        var clock = Stopwatch.StartNew();
        var peer = $"http://127.0.0.1:{_peerPort}";
        var start = new ProcessStartInfo(Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
        {
            "--name", "t", "--data-dir", Path.Combine(_directory, "data"),
            "--listen-client-urls", Endpoint, "--advertise-client-urls", Endpoint,
            "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer, "--initial-cluster", $"t={peer}",
            "--logger=zap",
        })
        {
            start.ArgumentList.Add(arg);
        }
        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        WaitHealthy(clock);
        return clock.Elapsed;
    }

    /// <summary>Kills etcd (SIGKILL) and waits for it to exit; the data directory stays.</summary>
    public void Stop()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: true);
            if (!process.WaitForExit(10_000))
            {
                throw new TimeoutException($"etcd (pid {process.Id}) did not exit within 10 s of SIGKILL");
            }
        }
        _process?.Dispose();
        _process = null;
    }

    /// <summary>The tail of what etcd printed, for failure messages.</summary>
    public string LogTail()
    {
        lock (_log)
        {
            var text = _log.ToString();
            return text.Length <= 4000 ? text : text[^4000..];
        }
    }

    public void Dispose()
    {
        try
        {
            Stop();
        }
        finally
        {
            Client.Dispose();
            _channel.Dispose();
            Directory.Delete(_directory, recursive: true);
        }
    }

    private void WaitHealthy(Stopwatch clock)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(1) };
        var last = "";
        while (clock.Elapsed < s_healthyTimeout)
        {
            if (_process!.HasExited)
            {
                throw new InvalidOperationException($"etcd exited with {_process.ExitCode}:\n{LogTail()}");
            }
            try
            {
                last = http.GetStringAsync($"{Endpoint}/health").GetAwaiter().GetResult();
                if (last.Contains("\"health\":\"true\"", StringComparison.Ordinal))
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                last = e.Message;
            }
            Thread.Sleep(50);
        }
        throw new TimeoutException($"etcd not healthy within {s_healthyTimeout.TotalSeconds} s (last /health: {last}):\n{LogTail()}");
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_log)
        {
            _log.AppendLine(line);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
