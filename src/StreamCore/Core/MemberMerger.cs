using System;
using System.Collections.Generic;
using System.Text.Json;
using StreamCore.Json;
using static StreamCore.Core.IndexReader;

namespace StreamCore.Core;

/// <summary>
/// The merge rules every protocol shares, reading with <see cref="Utf8JsonReader"/> straight from an
/// event's bytes into member bags (<see cref="MergedObject"/>): identity members keep their first
/// non-empty value, strings are concatenated escaped (so split surrogate pairs join), other values
/// are kept verbatim (last non-null), arrays merge by <c>index</c>, as content parts, or as distinct
/// entries, and base64 is decoded and joined as bytes (assembly rules, sections 4 and 6).
/// </summary>
internal static class MemberMerger
{
    internal static ReadOnlySpan<byte> GetName(ref Utf8JsonReader reader)
    {
        if (!reader.ValueIsEscaped)
        {
            return reader.ValueSpan;
        }

        // Escaped member names are legal but rare; this is the only allocating parse path.
        byte[] name = new byte[reader.ValueSpan.Length];
        return name.AsSpan(0, JsonText.Unescape(reader.ValueSpan, name));
    }

    /// <summary>The raw JSON of the value under the reader, which is left on the value's last token.</summary>
    internal static ReadOnlySpan<byte> ReadRaw(scoped ref Utf8JsonReader reader, ReadOnlySpan<byte> json)
    {
        int start = (int)reader.TokenStartIndex;
        reader.Skip();
        return json[start..(int)reader.BytesConsumed];
    }

    // Callers read the value before they find or add its member: a value that turns out malformed
    // half-way leaves no trace in the partial result.
    internal static void SetRaw(MergedMember member, ReadOnlySpan<byte> raw)
    {
        member.Value.Set(raw);
        member.Kind = MemberKind.Raw;
        member.Items = null;
    }

    // "any other member: last non-null value, kept verbatim". A member that only ever arrived as
    // null is kept as null, so that it is written as it arrived.
    internal static void MergeLastNonNull(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, MergedObject target, scoped ReadOnlySpan<byte> name)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            target.GetOrAdd(name, MemberKind.Null);
            return;
        }

        ReadOnlySpan<byte> raw = ReadRaw(ref reader, json);
        SetRaw(target.GetOrAdd(name, MemberKind.Raw), raw);
    }

    internal static bool IsIdentity(ReadOnlySpan<byte> name) => name.Length switch
    {
        2 => name.SequenceEqual("id"u8),
        4 => name.SequenceEqual("type"u8) || name.SequenceEqual("name"u8) || name.SequenceEqual("role"u8),
        5 => name.SequenceEqual("index"u8),
        6 => name.SequenceEqual("format"u8),
        7 => name.SequenceEqual("channel"u8),
        _ => false,
    };

    internal static MergedObject GetObjectMember(MergedObject target, byte[] name)
    {
        MergedMember member = target.GetOrAdd(name, MemberKind.Object, name);
        if (member.Kind != MemberKind.Object)
        {
            member.Kind = MemberKind.Object;
            member.Value.Clear();
            member.Items = null;
        }

        member.Items ??= [new MergedObject()];
        return member.Object;
    }

    internal static void AppendText(ref Utf8JsonReader reader, AssemblyState state, MergedMember member)
    {
        if (member.Kind != MemberKind.Text)
        {
            member.Kind = MemberKind.Text;
            member.Value.Clear();
            member.Items = null;
        }

        ReadOnlySpan<byte> fragment = reader.ValueSpan;
        state.Charge(fragment.Length);
        member.Value.Append(fragment);
    }

    internal static void AppendTextPart(MergedMember parts, ReadOnlySpan<byte> escapedText, AssemblyState state)
    {
        List<MergedObject> items = parts.Items ??= [];
        MergedObject? last = items.Count > 0 ? items[^1] : null;
        if (last is null || last.IsRawValue || !last.GetText("type"u8).SequenceEqual("text"u8))
        {
            last = new MergedObject();
            MergedMember type = last.GetOrAdd(MemberNames.Type, MemberKind.Identity, MemberNames.Type);
            type.Value.Set("text"u8);
            items.Add(last);
        }

        MergedMember text = last.GetOrAdd(MemberNames.Text, MemberKind.Text, MemberNames.Text);
        state.Charge(escapedText.Length);
        text.Value.Append(escapedText);
    }

    internal static void MergeParts(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, AssemblyState state, MergedMember member)
    {
        List<MergedObject> items = member.Items ??= [];
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject:
                {
                    ReadOnlySpan<byte> type = FindString(reader, "type"u8);
                    MergedObject? last = items.Count > 0 ? items[^1] : null;
                    if (last is null || last.IsRawValue || !last.GetText("type"u8).SequenceEqual(type))
                    {
                        last = new MergedObject();
                        items.Add(last);
                    }

                    MergeMembers(ref reader, json, state, last, ArrayRule.Parts);
                    break;
                }

                case JsonTokenType.String:
                    if (!reader.ValueSpan.IsEmpty)
                    {
                        AppendTextPart(member, reader.ValueSpan, state);
                    }

                    break;
                case JsonTokenType.Null:
                    break;
                default:
                    AddRawEntry(ref reader, json, state, items);
                    break;
            }
        }
    }

    /// <summary>The escaped value of string member <paramref name="name"/> of the object under <paramref name="reader"/> (a copy).</summary>
    internal static ReadOnlySpan<byte> FindString(Utf8JsonReader reader, ReadOnlySpan<byte> name)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            bool match = reader.ValueTextEquals(name);
            reader.Read();
            if (match)
            {
                return reader.TokenType == JsonTokenType.String ? reader.ValueSpan : default;
            }

            reader.Skip();
        }

        return default;
    }

    internal static void AddRawEntry(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, AssemblyState state, List<MergedObject> items)
        => AddRawEntry(ReadRaw(ref reader, json), state, items);

    internal static void AddRawEntry(ReadOnlySpan<byte> raw, AssemblyState state, List<MergedObject> items)
    {
        state.Charge(raw.Length);
        var entry = new MergedObject(capacity: 0) { IsRawValue = true }; // a raw entry has no members
        entry.RawValue.Set(raw);
        items.Add(entry);
    }

    // "annotations: entries appended in order; an entry equal to one already present is not added twice."
    internal static void MergeDistinct(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, AssemblyState state, MergedMember member)
    {
        List<MergedObject> items = member.Items ??= [];
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            ReadOnlySpan<byte> raw = ReadRaw(ref reader, json);
            bool present = false;
            foreach (MergedObject item in items)
            {
                if (item.RawValue.Span.SequenceEqual(raw))
                {
                    present = true;
                    break;
                }
            }

            if (!present)
            {
                AddRawEntry(raw, state, items);
            }
        }
    }

    // "Other arrays in a delta: entries that carry an index are merged by it (identity members first
    // non-empty, other strings concatenated, other values last non-null); entries without one are appended."
    internal static void MergeIndexedArray(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, AssemblyState state, MergedMember member)
    {
        List<MergedObject> items = member.Items ??= [];
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                AddRawEntry(ref reader, json, state, items);
                continue;
            }

            long index = LocateIndex(reader, json, onObjectStart: true, "an array entry index") ?? -1;
            MergedObject? entry = null;
            if (index >= 0)
            {
                foreach (MergedObject item in items)
                {
                    if (item.EntryIndex == index)
                    {
                        entry = item;
                        break;
                    }
                }
            }

            if (entry is null)
            {
                if (items.Count >= state.Options.MaxToolCallsPerChoice)
                {
                    throw new MalformedEventException($"an array of the delta grew beyond {state.Options.MaxToolCallsPerChoice} entries (MaxToolCallsPerChoice)");
                }

                entry = new MergedObject { EntryIndex = index };
                items.Add(entry);
            }

            MergeMembers(ref reader, json, state, entry, ArrayRule.Raw);
        }
    }

    /// <summary>How arrays nested in a merged object combine.</summary>
    internal enum ArrayRule : byte
    {
        /// <summary>Last non-null value, verbatim.</summary>
        Raw,

        /// <summary>Entries merged by <c>index</c> (the members of a delta).</summary>
        ByIndex,

        /// <summary>Content parts (arrays nested in a content part).</summary>
        Parts,
    }

    /// <summary>Merges the members of the object under the reader into <paramref name="target"/>.</summary>
    internal static void MergeMembers(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, AssemblyState state, MergedObject target, ArrayRule arrays, bool isAudio = false)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            ReadOnlySpan<byte> name = GetName(ref reader);
            reader.Read();
            if (reader.TokenType != JsonTokenType.Null)
            {
                MergeMember(ref reader, json, state, target, name, arrays, isAudio);
            }
        }
    }

    internal static void MergeMember(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, AssemblyState state, MergedObject target, scoped ReadOnlySpan<byte> name, ArrayRule arrays, bool isAudio)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return;
            case JsonTokenType.String when IsIdentity(name):
            {
                // "Identity members are never concatenated: they keep their first non-empty value."
                MergedMember member = target.GetOrAdd(name, MemberKind.Identity);
                if (member.Kind != MemberKind.Identity || (member.Value.IsEmpty && !reader.ValueSpan.IsEmpty))
                {
                    member.Kind = MemberKind.Identity;
                    member.Value.Set(reader.ValueSpan);
                }

                return;
            }

            case JsonTokenType.String when isAudio && name.SequenceEqual("data"u8):
                AppendBase64(ref reader, state, target.GetOrAdd(MemberNames.Data, MemberKind.Base64, MemberNames.Data));
                return;
            case JsonTokenType.String:
                AppendText(ref reader, state, target.GetOrAdd(name, MemberKind.Text));
                return;
            case JsonTokenType.StartArray when arrays != ArrayRule.Raw:
            {
                MergedMember member = target.GetOrAdd(name, arrays == ArrayRule.Parts ? MemberKind.PartArray : MemberKind.IndexedArray);
                MemberKind kind = arrays == ArrayRule.Parts ? MemberKind.PartArray : MemberKind.IndexedArray;
                if (member.Kind != kind)
                {
                    member.Kind = kind;
                    member.Value.Clear();
                    member.Items = null;
                }

                if (kind == MemberKind.PartArray)
                {
                    MergeParts(ref reader, json, state, member);
                }
                else
                {
                    MergeIndexedArray(ref reader, json, state, member);
                }

                return;
            }

            default:
            {
                MergedMember? member = target.Find(name);
                if (IsIdentity(name) && member is { Kind: MemberKind.Raw } && !member.Value.IsEmpty)
                {
                    reader.Skip(); // an identity number (an entry's index) keeps its first value
                    return;
                }

                ReadOnlySpan<byte> raw = ReadRaw(ref reader, json);
                SetRaw(member ?? target.GetOrAdd(name, MemberKind.Raw), raw);
                return;
            }
        }
    }

    // "audio.data is base64 of a byte stream, so fragments are decoded, joined as bytes and encoded
    // once." A fragment need not end on a 4-character quantum: the remainder waits for the next one.
    internal static void AppendBase64(ref Utf8JsonReader reader, AssemblyState state, MergedMember member)
    {
        if (member.Kind != MemberKind.Base64)
        {
            member.Kind = MemberKind.Base64;
            member.Value.Clear();
        }

        ReadOnlySpan<byte> escaped = reader.ValueSpan;
        Base64Remainder pending = member.Pending ??= new Base64Remainder();
        byte[] rented = System.Buffers.ArrayPool<byte>.Shared.Rent(pending.Bytes.Length + escaped.Length);
        try
        {
            pending.Bytes.Span.CopyTo(rented);
            int length = pending.Bytes.Length + JsonText.Unescape(escaped, rented.AsSpan(pending.Bytes.Length));
            int whole = length & ~3;
            if (!JsonText.AppendBase64Decoded(ref member.Value, rented.AsSpan(0, whole)))
            {
                throw new MalformedEventException("'audio.data' is not base64");
            }

            state.Charge(whole);
            pending.Bytes.Set(rented.AsSpan(whole, length - whole));
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(rented);
        }
    }
}
