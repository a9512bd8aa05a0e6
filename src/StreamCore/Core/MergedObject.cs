using System;
using System.Collections.Generic;
using StreamCore.Buffers;

namespace StreamCore.Core;

/// <summary>How a member's fragments combine (assembly rules, sections 4 to 7).</summary>
internal enum MemberKind : byte
{
    /// <summary>Only null arrived so far.</summary>
    Null,

    /// <summary>A string: fragments concatenated (escaped content kept as it arrived).</summary>
    Text,

    /// <summary>An identity string (<c>id</c>, <c>type</c>, <c>name</c>, ...): the first non-empty value.</summary>
    Identity,

    /// <summary>Any other value: the last non-null one, kept verbatim as raw JSON.</summary>
    Raw,

    /// <summary>An array whose entries are merged by their <c>index</c> member, or appended.</summary>
    IndexedArray,

    /// <summary>A content-part array: a part merges into the previous one when their types are equal.</summary>
    PartArray,

    /// <summary>An object merged member by member (<c>function_call</c>, <c>audio</c>).</summary>
    Object,

    /// <summary>Audio data: base64 fragments decoded and joined as bytes, encoded once when written.</summary>
    Base64,

    /// <summary>Entries appended, an entry equal to one already present not added twice (<c>annotations</c>).</summary>
    DistinctArray,

    /// <summary>The choice's tool calls, kept in <see cref="Chat.ChoiceState.ToolCalls"/>.</summary>
    ToolCalls,

    /// <summary>The legacy <c>function_call</c>, kept in <see cref="Chat.ChoiceState.FunctionCall"/>.</summary>
    FunctionCall,
}

/// <summary>One member of a <see cref="MergedObject"/>.</summary>
/// <remarks>
/// Members are the most numerous objects of a stream's state, and every stream creates the same few
/// (<c>id</c>, <c>model</c>, <c>created</c>, <c>role</c>, <c>content</c>, ...). Disposing a state returns
/// them to a small per-thread pool from which the next stream takes them.
/// </remarks>
internal sealed class MergedMember
{
    private const int PoolLimit = 256;

    [ThreadStatic]
    private static Stack<MergedMember>? t_pool;

    private MergedMember(byte[] name, MemberKind kind)
    {
        Name = name;
        Kind = kind;
    }

    /// <summary>A member with no value yet, from this thread's pool when it has one.</summary>
    public static MergedMember Create(byte[] name, MemberKind kind)
    {
        if (t_pool is { Count: > 0 } pool)
        {
            MergedMember member = pool.Pop();
            member.Name = name;
            member.Kind = kind;
            return member;
        }

        return new MergedMember(name, kind);
    }

    /// <summary>The member's name as it arrived (unescaped UTF-8).</summary>
    public byte[] Name { get; private set; }

    public MemberKind Kind { get; set; }

    /// <summary>Text and Identity: escaped string content; Raw: JSON; Base64: decoded bytes.</summary>
    public PooledByteBuffer Value;

    /// <summary>Base64 only: trailing characters of a fragment that did not fill a 4-character quantum.</summary>
    public Base64Remainder? Pending { get; set; }

    /// <summary>IndexedArray, PartArray, DistinctArray: the entries; Object: one entry, the object.</summary>
    public List<MergedObject>? Items { get; set; }

    public MergedObject Object => Items![0];

    /// <summary>Returns the member's buffers and the member itself; the caller must hold no reference to it afterwards.</summary>
    public void Dispose()
    {
        Value.Dispose();
        Pending?.Bytes.Dispose();
        Pending = null;
        if (Items is not null)
        {
            foreach (MergedObject item in Items)
            {
                item.Dispose();
            }

            Items = null;
        }

        Stack<MergedMember> pool = t_pool ??= new Stack<MergedMember>();
        if (pool.Count < PoolLimit)
        {
            Name = [];
            pool.Push(this);
        }
    }
}

/// <summary>The characters of base64 fragments that did not yet fill a 4-character quantum.</summary>
internal sealed class Base64Remainder
{
    public PooledByteBuffer Bytes;
}

/// <summary>
/// A JSON object assembled from fragments: members in order of first appearance, each merged by
/// its <see cref="MemberKind"/>. Also stands for a non-object array entry (<see cref="IsRawValue"/>).
/// </summary>
internal sealed class MergedObject
{
    private readonly List<MergedMember> _members;
    private int _next; // where the next Find looks first

    public MergedObject(int capacity = 4) => _members = new List<MergedMember>(capacity);

    /// <summary>For an entry of an indexed array: the entry's <c>index</c>, or -1.</summary>
    public long EntryIndex { get; set; } = -1;

    /// <summary>An array entry that is not an object: kept verbatim in <see cref="RawValue"/>.</summary>
    public bool IsRawValue { get; set; }

    public PooledByteBuffer RawValue;

    public ReadOnlySpan<MergedMember> Members => System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_members);

    public MergedMember? Find(ReadOnlySpan<byte> name)
    {
        // Chunks list their members in the same order each time: the member after the last one
        // found is tried first. Objects have a handful of members; a linear scan beats hashing.
        ReadOnlySpan<MergedMember> members = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_members);
        int next = _next;
        if ((uint)next < (uint)members.Length && name.SequenceEqual(members[next].Name))
        {
            _next = next + 1;
            return members[next];
        }

        for (int i = 0; i < members.Length; i++)
        {
            if (name.SequenceEqual(members[i].Name))
            {
                _next = i + 1;
                return members[i];
            }
        }

        return null;
    }

    public MergedMember GetOrAdd(ReadOnlySpan<byte> name, MemberKind kind, byte[]? knownName = null)
    {
        MergedMember? member = Find(name);
        if (member is null)
        {
            member = MergedMember.Create(knownName ?? MemberNames.Find(name) ?? name.ToArray(), kind);
            _members.Add(member);
        }

        return member;
    }

    /// <summary>The escaped text of a Text or Identity member, or empty.</summary>
    public ReadOnlySpan<byte> GetText(ReadOnlySpan<byte> name)
    {
        MergedMember? member = Find(name);
        return member is { Kind: MemberKind.Text or MemberKind.Identity } ? member.Value.Span : default;
    }

    public void Dispose()
    {
        foreach (MergedMember member in _members)
        {
            member.Dispose();
        }

        _members.Clear();
        _next = 0;
        RawValue.Dispose();
    }
}
