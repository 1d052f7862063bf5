using Etcdserverpb;
using Grpc.Core;
using LoadBalancer.Core.Model;

namespace LoadBalancer.ControlPlane.Store;

// The watch on P/: started by the first LoadAsync, it raises Changed for every batch of events
// newer than the state last read, and keeps Status honest: stale from the moment the stream breaks
// (or a request fails) until etcd has been read whole again and the stream is back.
public sealed partial class EtcdStateStore
{
    private void StartWatching()
    {
        lock (_sync)
        {
            if (_watchLoop is not null || _disposed)
            {
                return;
            }
            // a load that ran on the last state read must read P/ before it watches
            var catchUpFirst = _staleSince is not null;
            _watchLoop = Task.Run(() => WatchLoopAsync(catchUpFirst, _stop.Token));
        }
    }

    private async Task WatchLoopAsync(bool catchUpFirst, CancellationToken stop)
    {
        var delay = s_firstRetry;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                if (catchUpFirst)
                {
                    await CatchUpAsync(stop);
                    catchUpFirst = false;
                }
                var compacted = await WatchAsync(() => delay = s_firstRetry, stop);
                LogCompacted(_keys.Root, compacted);
                catchUpFirst = true;
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                lock (_sync)
                {
                    _watching = false;
                }
                var reason = Describe(e);
                MarkStale(reason);
                LogWatchRetry(_keys.Root, reason, delay);
                try
                {
                    await Task.Delay(delay, _time, stop);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                delay = delay * 2 < s_lastRetry ? delay * 2 : s_lastRetry;
                catchUpFirst = true;
            }
        }
    }

    // Reads P/ whole (after a break nothing in between may be lost) and raises Changed if it moved.
    private async Task CatchUpAsync(CancellationToken stop)
    {
        NodeSpec node;
        lock (_sync)
        {
            node = _node!;
        }
        var snapshot = await ReadAsync(node, stop);
        bool moved;
        lock (_sync)
        {
            moved = _last is null || !_last.SameContent(snapshot);
        }
        Remember(snapshot, handedOut: false);
        await CacheAsync(snapshot, stop);
        if (moved)
        {
            LogCaughtUp(_keys.Root, snapshot.Revision);
            RaiseChanged(snapshot.Revision, always: true);
        }
    }

    // Watches P/ from the revision last read + 1 until the stream breaks (throws) or etcd says it
    // compacted past that revision (returns the compacted revision).
    private async Task<long> WatchAsync(Action live, CancellationToken stop)
    {
        long from;
        lock (_sync)
        {
            from = (_last?.Revision ?? 0) + 1;
        }
        using var call = _etcd.Watch.Watch(cancellationToken: stop);
        await call.RequestStream.WriteAsync(new WatchRequest
        {
            CreateRequest = new WatchCreateRequest { Key = EtcdKeys.Bytes(_keys.Root), RangeEnd = _keys.RootRangeEnd, StartRevision = from },
        }, stop);
        await foreach (var response in call.ResponseStream.ReadAllAsync(stop))
        {
            if (response.CompactRevision > 0)
            {
                return response.CompactRevision;
            }
            if (response.Canceled)
            {
                throw new IOException($"etcd cancelled the watch on {_keys.Root}: {response.CancelReason}");
            }
            if (response.Created)
            {
                lock (_sync)
                {
                    _watching = true;
                }
                live();
                LogWatching(_keys.Root, from);
                MarkFresh();
            }
            if (response.Events.Count > 0)
            {
                RaiseChanged(response.Header.Revision, always: false);
            }
        }
        throw new IOException($"etcd ended the watch on {_keys.Root}");
    }

    // Changes at or before the state last read were handed out with it already (or by a catch-up).
    private void RaiseChanged(long revision, bool always)
    {
        Action? handlers;
        lock (_sync)
        {
            if (!always && _last is not null && revision <= _last.Revision)
            {
                return;
            }
            handlers = _changed;
            if (handlers is null)
            {
                _unheardRevision = Math.Max(_unheardRevision, revision);
                return;
            }
        }
        Invoke(handlers);
    }

    private void Invoke(Action handlers)
    {
        foreach (var handler in handlers.GetInvocationList().Cast<Action>())
        {
            try
            {
                handler();
            }
            catch (Exception e)
            {
                LogHandlerFailed(e);
            }
        }
    }
}
