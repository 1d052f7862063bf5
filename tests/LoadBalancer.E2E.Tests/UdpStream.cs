using System.Net;
using System.Net.Sockets;
using System.Text;

namespace LoadBalancer.E2E.Tests;

/// <summary>
/// A continuous UDP stream from the client namespace: several flows (one socket each) sending a
/// numbered datagram every interval and collecting the answers, to count loss and see which
/// backend answered each flow. Bounded by <see cref="Stop"/> and by a hard 2-minute limit.
/// </summary>
public sealed class UdpStream : IDisposable
{
    private readonly List<Socket> _sockets;
    private readonly TimeSpan _interval;
    private readonly CancellationTokenSource _stop = new(TimeSpan.FromMinutes(2));
    private readonly long[] _sent;
    private readonly long[] _received;
    private readonly HashSet<string>[] _backends;
    private readonly List<Task> _tasks = [];
    private bool _sending = true;

    public UdpStream(ClientNet client, IPAddress vip, int flows, TimeSpan interval)
    {
        _sockets = [.. Enumerable.Range(0, flows).Select(_ => client.Socket(vip.AddressFamily, SocketType.Dgram, ProtocolType.Udp))];
        foreach (var socket in _sockets)
        {
            socket.Connect(vip, Topology.UdpPort);
        }
        _interval = interval;
        _sent = new long[flows];
        _received = new long[flows];
        _backends = [.. Enumerable.Range(0, flows).Select(_ => new HashSet<string>())];
    }

    public void Start()
    {
        for (var i = 0; i < _sockets.Count; i++)
        {
            var flow = i;
            _tasks.Add(Task.Run(() => Receive(flow)));
        }
        _tasks.Add(Task.Run(Send));
    }

    /// <summary>Stops sending, waits for answers in flight, and returns the counts.</summary>
    public UdpStreamResult Stop()
    {
        _sending = false;
        Thread.Sleep(TimeSpan.FromMilliseconds(500));
        _stop.Cancel();
        foreach (var socket in _sockets)
        {
            socket.Dispose();
        }
        Task.WaitAll([.. _tasks.Select(t => t.ContinueWith(_ => { }))]);
        return new UdpStreamResult(_sockets.Count, _sent.Sum(), _received.Sum(), [.. _backends.Select(b => (IReadOnlySet<string>)b)]);
    }

    public void Dispose()
    {
        _sending = false;
        _stop.Cancel();
        foreach (var socket in _sockets)
        {
            socket.Dispose();
        }
        _stop.Dispose();
    }

    private async Task Send()
    {
        var seq = 0L;
        while (_sending && !_stop.IsCancellationRequested)
        {
            for (var i = 0; i < _sockets.Count; i++)
            {
                await _sockets[i].SendAsync(Encoding.ASCII.GetBytes($"s{seq}"), SocketFlags.None, _stop.Token);
                Interlocked.Increment(ref _sent[i]);
            }
            seq++;
            await Task.Delay(_interval, _stop.Token);
        }
    }

    private async Task Receive(int flow)
    {
        var buffer = new byte[2048];
        while (!_stop.IsCancellationRequested)
        {
            var n = await _sockets[flow].ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
            var answer = Encoding.ASCII.GetString(buffer, 0, n);
            lock (_backends[flow])
            {
                _backends[flow].Add(answer.Split(' ')[0]);
            }
            Interlocked.Increment(ref _received[flow]);
        }
    }
}

/// <summary>What a <see cref="UdpStream"/> saw.</summary>
public sealed record UdpStreamResult(int Flows, long Sent, long Received, IReadOnlyList<IReadOnlySet<string>> BackendsPerFlow);
