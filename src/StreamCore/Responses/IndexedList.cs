using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace StreamCore.Responses;

/// <summary>Something placed by a peer's index (an output item, a part, an annotation).</summary>
internal interface IIndexed
{
    int Index { get; }
}

/// <summary>
/// A sparse list kept sorted by the peer's index: "an index may skip ahead; keep the list sparse and
/// write it in index order". Only entries that arrived take room, so an index of 2,147,483,647 costs
/// what 3 costs. Lookups try the last entry found, then search.
/// </summary>
internal sealed class IndexedList<T>
    where T : class, IIndexed
{
    private readonly List<T> _entries = [];
    private int _lastFound;

    public int Count => _entries.Count;

    /// <summary>The entries in ascending order of index.</summary>
    public ReadOnlySpan<T> Entries => CollectionsMarshal.AsSpan(_entries);

    /// <summary>The entry at <paramref name="index"/>, or null.</summary>
    public T? Find(int index)
    {
        // Events address the same entry in runs (a part's deltas): try the last one found first.
        int last = _lastFound;
        if ((uint)last < (uint)_entries.Count && _entries[last].Index == index)
        {
            return _entries[last];
        }

        int position = Search(index);
        if (position < 0)
        {
            return null;
        }

        _lastFound = position;
        return _entries[position];
    }

    /// <summary>Adds an entry whose index is not present yet, at its sorted place.</summary>
    public void Add(T entry)
    {
        int position = Search(entry.Index);
        Debug.Assert(position < 0, "an index is added once");
        position = ~position;
        _entries.Insert(position, entry);
        _lastFound = position;
    }

    /// <summary>Removes the entries whose index is <paramref name="index"/> or more, returning them to <paramref name="removed"/>.</summary>
    public void RemoveFrom(int index, List<T> removed)
    {
        int position = Search(index);
        position = position < 0 ? ~position : position;
        for (int i = position; i < _entries.Count; i++)
        {
            removed.Add(_entries[i]);
        }

        _entries.RemoveRange(position, _entries.Count - position);
        _lastFound = 0;
    }

    public void Clear()
    {
        _entries.Clear();
        _lastFound = 0;
    }

    /// <summary>The position of <paramref name="index"/>, or the complement of where it would go.</summary>
    private int Search(int index)
    {
        int low = 0;
        int high = _entries.Count - 1;
        if (high >= 0 && _entries[high].Index < index)
        {
            return ~(high + 1); // the usual case: a new entry after the others
        }

        while (low <= high)
        {
            int middle = (low + high) >>> 1;
            int found = _entries[middle].Index;
            if (found == index)
            {
                return middle;
            }

            if (found < index)
            {
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }

        return ~low;
    }
}
