using System;
using System.Collections.Generic;
using StreamCore.Buffers;

namespace StreamCore.Chat;

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

    /// <summary>The choice's tool calls, kept in <see cref="ChoiceState.ToolCalls"/>.</summary>
    ToolCalls,
}

/// <summary>One member of a <see cref="MergedObject"/>.</summary>
internal sealed class MergedMember
{
    public MergedMember(byte[] name, MemberKind kind)
    {
        Name = name;
        Kind = kind;
    }

    /// <summary>The member's name as it arrived (unescaped UTF-8).</summary>
    public byte[] Name { get; }

    public MemberKind Kind { get; set; }

    /// <summary>Text and Identity: escaped string content; Raw: JSON; Base64: decoded bytes.</summary>
    public PooledByteBuffer Value;

    /// <summary>Base64 only: trailing characters of a fragment that did not fill a 4-character quantum.</summary>
    public PooledByteBuffer Pending;

    /// <summary>IndexedArray, PartArray, DistinctArray: the entries; Object: one entry, the object.</summary>
    public List<MergedObject>? Items { get; set; }

    public MergedObject Object => Items![0];

    public void Dispose()
    {
        Value.Dispose();
        Pending.Dispose();
        if (Items is not null)
        {
            foreach (MergedObject item in Items)
            {
                item.Dispose();
            }
        }
    }
}

/// <summary>
/// A JSON object assembled from fragments: members in order of first appearance, each merged by
/// its <see cref="MemberKind"/>. Also stands for a non-object array entry (<see cref="IsRawValue"/>).
/// </summary>
internal sealed class MergedObject
{
    private readonly List<MergedMember> _members = [];

    /// <summary>For an entry of an indexed array: the entry's <c>index</c>, or -1.</summary>
    public long EntryIndex { get; set; } = -1;

    /// <summary>An array entry that is not an object: kept verbatim in <see cref="RawValue"/>.</summary>
    public bool IsRawValue { get; set; }

    public PooledByteBuffer RawValue;

    public IReadOnlyList<MergedMember> Members => _members;

    public MergedMember? Find(ReadOnlySpan<byte> name)
    {
        // Objects have a handful of members; a linear scan beats hashing and allocates nothing.
        List<MergedMember> members = _members;
        for (int i = 0; i < members.Count; i++)
        {
            if (name.SequenceEqual(members[i].Name))
            {
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
            member = new MergedMember(knownName ?? name.ToArray(), kind);
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
        RawValue.Dispose();
    }
}
