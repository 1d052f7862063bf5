namespace LoadBalancer.Core.Planning;

/// <summary>
/// Hands out small integer ids (map indexes) for keys, and takes them back without reusing an id
/// until its quarantine has passed since release. Times are monotonic (time since an arbitrary
/// origin, e.g. boot), so a wall-clock step cannot end a quarantine early. With a quarantine at least as long as the
/// longest flow idle timeout, no flow entry can still point at an id when it gets a new owner:
/// a flow silent for that long is no longer honoured by the data plane.
/// </summary>
/// <typeparam name="TKey">What an id stands for.</typeparam>
public sealed class IdAllocator<TKey>
    where TKey : notnull
{
    private readonly Dictionary<TKey, uint> _assigned = [];
    private readonly SortedSet<uint> _free = [];
    private readonly Queue<(uint Id, TimeSpan Until)> _quarantine = new();
    private readonly uint _end;
    private readonly TimeSpan _quarantinePeriod;
    private readonly uint _first;
    private uint _nextFresh;

    /// <summary>Ids from <paramref name="first"/> up to, not including, <paramref name="end"/>.</summary>
    public IdAllocator(uint first, uint end, TimeSpan quarantine)
    {
        if (first >= end)
        {
            throw new ArgumentOutOfRangeException(nameof(end), end, $"no ids in [{first}, {end})");
        }
        _first = first;
        _nextFresh = first;
        _end = end;
        _quarantinePeriod = quarantine;
    }

    private IdAllocator(IdAllocator<TKey> other)
    {
        _assigned = new(other._assigned);
        _free = new(other._free);
        _quarantine = new(other._quarantine);
        _first = other._first;
        _end = other._end;
        _quarantinePeriod = other._quarantinePeriod;
        _nextFresh = other._nextFresh;
    }

    /// <summary>
    /// Takes over ids found in use (e.g. in a data plane left by an earlier run), at <paramref name="now"/>.
    /// <paramref name="referenced"/> are ids that something left by that run (flow-table entries) may
    /// still point at, in use or not. What happened to the other ids before is unknown, so every id
    /// not in use up to the highest in use or referenced is quarantined from now on, and fresh ids
    /// start above them all.
    /// </summary>
    /// <exception cref="InvalidOperationException">This allocator has handed out ids already.</exception>
    /// <exception cref="ArgumentException">An id is out of range, or held by two keys.</exception>
    public void Restore(IReadOnlyDictionary<TKey, uint> inUse, IEnumerable<uint> referenced, TimeSpan now)
    {
        if (_assigned.Count > 0 || _quarantine.Count > 0 || _free.Count > 0 || _nextFresh != _first)
        {
            throw new InvalidOperationException("restore into an allocator that has handed out ids");
        }
        foreach (var (key, id) in inUse)
        {
            if (id < _first || id >= _end)
            {
                throw new ArgumentOutOfRangeException(nameof(inUse), id, $"id of {key} is outside [{_first}, {_end})");
            }
        }
        var used = inUse.Values.ToHashSet();
        if (used.Count != inUse.Count)
        {
            throw new ArgumentException("two keys hold the same id", nameof(inUse));
        }
        foreach (var (key, id) in inUse)
        {
            _assigned.Add(key, id);
        }
        var taken = used.Concat(referenced.Where(id => id >= _first && id < _end)).ToList();
        _nextFresh = taken.Count == 0 ? _first : taken.Max() + 1;
        for (var id = _first; id < _nextFresh; id++)
        {
            if (!used.Contains(id))
            {
                _quarantine.Enqueue((id, now + _quarantinePeriod));
            }
        }
    }

    /// <summary>An independent copy, to try a change and keep or drop it whole.</summary>
    public IdAllocator<TKey> Clone() => new(this);

    /// <summary>The ids in use now, by key.</summary>
    public IReadOnlyDictionary<TKey, uint> Assigned => _assigned;

    /// <summary>The id of <paramref name="key"/>, assigning the lowest available one if it has none.</summary>
    /// <exception cref="InvalidOperationException">Every id is in use or in quarantine.</exception>
    public uint Acquire(TKey key, TimeSpan now)
    {
        if (_assigned.TryGetValue(key, out var id))
        {
            return id;
        }
        while (_quarantine.Count > 0 && _quarantine.Peek().Until <= now)
        {
            _free.Add(_quarantine.Dequeue().Id);
        }
        if (_free.Count > 0)
        {
            id = _free.Min;
            _free.Remove(id);
        }
        else if (_nextFresh < _end)
        {
            id = _nextFresh++;
        }
        else
        {
            var wait = _quarantine.Count > 0 ? $"; the next id leaves quarantine in {_quarantine.Peek().Until - now:g}" : "";
            throw new InvalidOperationException($"all {_end - _first} ids are in use or in quarantine{wait}");
        }
        _assigned.Add(key, id);
        return id;
    }

    /// <summary>
    /// Gives <paramref name="key"/> exactly <paramref name="id"/>, as a shared store decided. An id
    /// the key held before is released (quarantined); a key that held <paramref name="id"/> loses it
    /// without quarantine (the store moved it on, after its own quarantine); the id leaves the free
    /// list and the quarantine. Ids skipped below it become free.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="id"/> is outside this allocator's range.</exception>
    public void Pin(TKey key, uint id, TimeSpan now)
    {
        if (id < _first || id >= _end)
        {
            throw new ArgumentOutOfRangeException(nameof(id), id, $"id of {key} is outside [{_first}, {_end})");
        }
        if (_assigned.TryGetValue(key, out var held))
        {
            if (held == id)
            {
                return;
            }
            Release(key, now);
        }
        if (_assigned.FirstOrDefault(a => a.Value == id) is { Key: { } holder })
        {
            _assigned.Remove(holder);
        }
        _free.Remove(id);
        if (_quarantine.Any(q => q.Id == id))
        {
            var kept = _quarantine.Where(q => q.Id != id).ToList();
            _quarantine.Clear();
            kept.ForEach(_quarantine.Enqueue);
        }
        for (; _nextFresh <= id; _nextFresh++)
        {
            if (_nextFresh != id)
            {
                _free.Add(_nextFresh);
            }
        }
        _assigned.Add(key, id);
    }

    /// <summary>Gives up <paramref name="key"/>'s id; it is reusable once the quarantine has passed.</summary>
    public void Release(TKey key, TimeSpan now)
    {
        if (_assigned.Remove(key, out var id))
        {
            _quarantine.Enqueue((id, now + _quarantinePeriod));
        }
    }
}
