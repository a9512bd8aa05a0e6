using System;
using System.Buffers;
using System.Collections.Generic;
using StreamCore.Core;
using StreamCore.Json;

namespace StreamCore.Responses;

/// <summary>
/// Puts whole values into items and parts: an item's or part's JSON (a seed from <c>*.added</c>, a
/// final value from <c>*.done</c> or the terminal output), and the full values of the <c>.done</c>
/// events (rule 5). A final value replaces what the deltas built; a seed fills only what nothing
/// built yet. Each change is announced so that "the text announced, restarting at each replacement,
/// equals the result's": a value that extends what was announced adds its rest, one that does not
/// replaces it.
/// </summary>
internal static class ItemLoader
{
    /// <summary>Loads an item's JSON: its seed (<paramref name="isFinal"/> false) or its final value.</summary>
    public static void LoadItem<TSink>(ResponsesState state, OutputItemState item, in ItemSlices slices, ReadOnlySpan<byte> data, bool isFinal, ref TSink sink)
        where TSink : struct, IUpdateSink
    {
        bool pristine = item.IsPristine;
        item.SetType(slices.Type.Of(data));
        ReadOnlySpan<byte> raw = slices.Raw.Of(data);
        state.Charge(raw.Length);
        item.Seed.Set(raw);

        // A client tool call is announced once, as soon as its item is known, with its id and name.
        Slice arguments = item.Kind == ItemKind.CustomToolCall ? slices.Input : slices.Arguments;
        if (item.IsClientToolCall || item.Call is not null || arguments.IsPresent)
        {
            ToolCallState call = EnsureCall(state, item, slices.CallId.Of(data), slices.Name.Of(data), ref sink);
            if (arguments.IsPresent && (isFinal || !call.HasArguments))
            {
                SetArguments(state, item, call, arguments.Of(data), ref sink);
            }
        }

        if (slices.Code.IsPresent && (isFinal || !item.HasCode))
        {
            SetCode(state, item, slices.Code.Of(data));
        }

        // "Output: ... each item as its final JSON if it got one": a final value without a list drops the list.
        if (slices.HasContent || (isFinal && item.Content is not null))
        {
            LoadParts(state, item, summary: false, slices.ContentFirst, slices.HasContent ? slices.ContentCount : 0, data, isFinal, ref sink);
        }

        if (slices.HasSummary || (isFinal && item.Summary is not null))
        {
            LoadParts(state, item, summary: true, slices.SummaryFirst, slices.HasSummary ? slices.SummaryCount : 0, data, isFinal, ref sink);
        }

        if (isFinal)
        {
            item.IsFinal = true;
            item.HasStatus = false; // the final JSON has its own status
        }

        // The seed describes the item when it is final, or when nothing was assembled before it.
        item.Unchanged = isFinal || pristine;
        state.Version++;
    }

    /// <summary>Loads a part's JSON (<c>content_part.added</c> / <c>.done</c>, <c>reasoning_summary_part.*</c>, or an entry of an item's list).</summary>
    public static void LoadPart<TSink>(ResponsesState state, OutputItemState item, OutputPartState part, in PartSlices slices, ReadOnlySpan<byte> data, bool isFinal, ref TSink sink)
        where TSink : struct, IUpdateSink
    {
        bool pristine = part.IsPristine;
        ReadOnlySpan<byte> raw = slices.Raw.Of(data);
        state.Charge(raw.Length);
        part.Seed.Set(raw);
        part.SeedIsObject = slices.IsObject;
        if (slices.IsObject)
        {
            part.SetType(slices.Type.Of(data));
            Slice text = part.Kind == PartKind.Refusal ? slices.Refusal : slices.Text;
            if (text.IsPresent && (isFinal || !part.HasText))
            {
                SetText(state, item, part, text.Of(data), text.Start, part.UpdateKind, ref sink);
            }

            if (slices.HasAnnotations && (isFinal || part.Annotations is null))
            {
                LoadAnnotations(state, part, slices, data);
            }

            if (slices.Logprobs.IsPresent && (isFinal || !part.HasLogprobs))
            {
                SetLogprobs(state, part, slices.Logprobs.Of(data));
            }
        }

        part.Unchanged = isFinal || pristine;
        Touch(state, item);
    }

    /// <summary>
    /// Rule 5, a final text (<c>output_text.done</c>, a part's or item's JSON): equal to what the
    /// deltas built, nothing changes; extending it, the rest is added; otherwise it replaces it.
    /// </summary>
    public static void SetText<TSink>(ResponsesState state, OutputItemState item, OutputPartState part, ReadOnlySpan<byte> value, int offset, StreamUpdateKind? kind, ref TSink sink)
        where TSink : struct, IUpdateSink
    {
        ReadOnlySpan<byte> current = part.Text.Span;
        if (part.HasText && current.SequenceEqual(value))
        {
            return;
        }

        part.HasText = true;
        if (value.StartsWith(current))
        {
            ReadOnlySpan<byte> rest = value[current.Length..];
            state.Charge(rest.Length);
            part.Text.Append(rest);
            if (sink.IsEnabled && kind is StreamUpdateKind updateKind && !rest.IsEmpty)
            {
                sink.OnText(state.Result, updateKind, item.Index, part.Index, rest, offset < 0 ? -1 : offset + current.Length);
            }
        }
        else if (TextEquals(current, value))
        {
            return; // the same text, escaped differently
        }
        else
        {
            state.Charge(value.Length);
            part.Text.Set(value);
            if (sink.IsEnabled && kind is StreamUpdateKind updateKind)
            {
                sink.OnText(state.Result, updateKind, item.Index, part.Index, value, offset, replaces: true);
            }
        }

        part.Unchanged = false;
        Touch(state, item);
    }

    /// <summary>
    /// Rule 5 for arguments (<c>arguments</c>, a custom tool's <c>input</c>): the final value wins and
    /// is validated anew; the rest that extends the fragments is announced as one more fragment.
    /// </summary>
    public static void SetArguments<TSink>(ResponsesState state, OutputItemState item, ToolCallState call, ReadOnlySpan<byte> value, ref TSink sink)
        where TSink : struct, IUpdateSink
    {
        ReadOnlySpan<byte> current = call.Arguments.Span;
        if (call.HasArguments && current.SequenceEqual(value))
        {
            return;
        }

        call.HasArguments = true;
        if (value.StartsWith(current))
        {
            AppendArguments(state, item, call, value[current.Length..], ref sink);
        }
        else if (TextEquals(current, value))
        {
            return;
        }
        else
        {
            call.ReplaceArguments(value, state);
            if (sink.IsEnabled && item.IsClientToolCall)
            {
                byte[] text = ArrayPool<byte>.Shared.Rent(value.Length);
                sink.OnToolCall(state.Result, StreamUpdateKind.ToolCallArgumentsDelta, item.Index, call, text.AsSpan(0, JsonText.Unescape(value, text)), replaces: true);
                ArrayPool<byte>.Shared.Return(text);
            }
        }

        Touch(state, item);
    }

    /// <summary>Rule 4: an arguments fragment (validated incrementally); announced for tools the application runs.</summary>
    public static void AppendArguments<TSink>(ResponsesState state, OutputItemState item, ToolCallState call, ReadOnlySpan<byte> fragment, ref TSink sink)
        where TSink : struct, IUpdateSink
    {
        call.HasArguments = true;
        if (item.IsClientToolCall)
        {
            call.AppendArguments(fragment, isJson: false, state, item.Index, ref sink);
        }
        else
        {
            var none = default(NoUpdates); // the provider's own tools are items, not tool calls
            call.AppendArguments(fragment, isJson: false, state, item.Index, ref none);
        }

        Touch(state, item);
    }

    /// <summary>Rule 5 for <c>code</c>: the final value wins.</summary>
    public static void SetCode(ResponsesState state, OutputItemState item, ReadOnlySpan<byte> value)
    {
        if (item.HasCode && item.Code.Span.SequenceEqual(value))
        {
            return;
        }

        state.Charge(value.Length);
        item.Code.Set(value);
        item.HasCode = true;
        Touch(state, item);
    }

    /// <summary>The item's call state, created on first need; a client tool call is announced when created.</summary>
    public static ToolCallState EnsureCall<TSink>(ResponsesState state, OutputItemState item, ReadOnlySpan<byte> callId, ReadOnlySpan<byte> name, ref TSink sink)
        where TSink : struct, IUpdateSink
    {
        ToolCallState? call = item.Call;
        if (call is null)
        {
            bool client = item.IsClientToolCall;
            call = new ToolCallState(client ? state.ToolCalls.Count : -1);
            call.Type.Set(item.Type.Span);
            item.Call = call;
            SetIdentity(call, callId, name);
            if (client)
            {
                state.ToolCalls.Add(call);
                if (sink.IsEnabled)
                {
                    sink.OnToolCall(state.Result, StreamUpdateKind.ToolCallStarted, item.Index, call, default);
                }
            }

            return call;
        }

        SetIdentity(call, callId, name);
        return call;
    }

    /// <summary>"It is the moment a tool call is complete": announced once, for tools the application runs.</summary>
    public static void CompleteCall<TSink>(ResponsesState state, OutputItemState item, ref TSink sink)
        where TSink : struct, IUpdateSink
    {
        ToolCallState? call = item.Call;
        if (call is null || call.Completed)
        {
            return;
        }

        call.Completed = true;
        if (sink.IsEnabled && item.IsClientToolCall)
        {
            sink.OnToolCall(state.Result, StreamUpdateKind.ToolCallCompleted, item.Index, call, default);
        }
    }

    /// <summary>Appends the logprob entries of a delta (the content of its array) to the part's.</summary>
    public static void AppendLogprobs(ResponsesState state, OutputPartState part, ReadOnlySpan<byte> entries)
    {
        entries = entries.Trim(" \t\r\n"u8);
        if (entries.IsEmpty)
        {
            return;
        }

        state.Charge(entries.Length + 1);
        if (!part.Logprobs.IsEmpty)
        {
            part.Logprobs.Append((byte)',');
        }

        part.Logprobs.Append(entries);
        part.HasLogprobs = true;
        part.Unchanged = false;
    }

    /// <summary>Replaces the part's logprob entries with a full list (the content of its array).</summary>
    public static void SetLogprobs(ResponsesState state, OutputPartState part, ReadOnlySpan<byte> entries)
    {
        entries = entries.Trim(" \t\r\n"u8);
        if (part.HasLogprobs && part.Logprobs.Span.SequenceEqual(entries))
        {
            return;
        }

        state.Charge(entries.Length);
        part.Logprobs.Set(entries);
        part.HasLogprobs = true;
        part.Unchanged = false;
    }

    /// <summary>The item is no longer described by its seed alone.</summary>
    public static void Touch(ResponsesState state, OutputItemState item)
    {
        item.Unchanged = false;
        state.Version++;
    }

    private static void LoadParts<TSink>(ResponsesState state, OutputItemState item, bool summary, int first, int count, ReadOnlySpan<byte> data, bool isFinal, ref TSink sink)
        where TSink : struct, IUpdateSink
    {
        PartList list = item.Parts(summary);
        for (int position = 0; position < count; position++)
        {
            ref PartSlices slices = ref state.Scratch.Part(first + position);
            OutputPartState part = list.Find(position) ?? OutputEvents.AddPart(state, item, list, position);
            LoadPart(state, item, part, slices, data, isFinal, ref sink);
        }

        if (isFinal && list.Count > count)
        {
            // A final list with fewer parts: those it lacks are gone, and their text with them.
            List<OutputPartState> removed = state.RemovedParts;
            list.RemoveFrom(count, removed);
            foreach (OutputPartState part in removed)
            {
                if (sink.IsEnabled && part.HasText && !part.Text.IsEmpty && part.UpdateKind is StreamUpdateKind kind)
                {
                    sink.OnText(state.Result, kind, item.Index, part.Index, default, -1, replaces: true);
                }

                part.Dispose();
            }

            removed.Clear();
            state.Template.Forget(); // it may point to a part that is gone
            Touch(state, item);
        }
    }

    private static void LoadAnnotations(ResponsesState state, OutputPartState part, in PartSlices slices, ReadOnlySpan<byte> data)
    {
        if (slices.AnnotationsCount > state.Options.MaxAnnotations)
        {
            throw new MalformedEventException($"a part has more than {state.Options.MaxAnnotations} annotations (MaxAnnotations)");
        }

        IndexedList<AnnotationState>? list = part.Annotations;
        if (list is not null)
        {
            foreach (AnnotationState annotation in list.Entries)
            {
                annotation.Json.Dispose();
            }

            list.Clear();
        }

        list ??= part.Annotations = new IndexedList<AnnotationState>();
        for (int position = 0; position < slices.AnnotationsCount; position++)
        {
            ReadOnlySpan<byte> json = state.Scratch.Entry(slices.AnnotationsFirst + position).Of(data);
            state.Charge(json.Length);
            var annotation = new AnnotationState(position);
            annotation.Json.Set(json);
            list.Add(annotation);
        }

        part.Unchanged = false;
    }

    private static void SetIdentity(ToolCallState call, ReadOnlySpan<byte> callId, ReadOnlySpan<byte> name)
    {
        // "id (Responses: call_id), name": first non-empty, as for every tool call.
        if (call.Id.IsEmpty && !callId.IsEmpty)
        {
            call.Id.Set(callId);
        }

        if (call.Name.IsEmpty && !name.IsEmpty)
        {
            call.Name.Set(name);
        }
    }

    /// <summary>Whether two escaped string contents hold the same text (rare path: the bytes differ).</summary>
    private static bool TextEquals(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        if (a.IndexOf((byte)'\\') < 0 && b.IndexOf((byte)'\\') < 0)
        {
            return false; // nothing escaped: equal texts have equal bytes
        }

        byte[] left = ArrayPool<byte>.Shared.Rent(Math.Max(a.Length, 1));
        byte[] right = ArrayPool<byte>.Shared.Rent(Math.Max(b.Length, 1));
        try
        {
            int leftLength = JsonText.Unescape(a, left);
            int rightLength = JsonText.Unescape(b, right);
            return left.AsSpan(0, leftLength).SequenceEqual(right.AsSpan(0, rightLength));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(left);
            ArrayPool<byte>.Shared.Return(right);
        }
    }
}
