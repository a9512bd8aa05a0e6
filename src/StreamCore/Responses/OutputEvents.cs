using System;
using StreamCore.Core;

namespace StreamCore.Responses;

/// <summary>
/// The events that build the output (<c>typed-protocols.md</c>, section 1, rules 2 to 8): items and
/// parts opened, deltas appended, <c>.done</c> values, annotations, hosted-tool statuses. Every
/// event is routed by <c>output_index</c> and <c>content_index</c> / <c>summary_index</c>, never by
/// <c>item_id</c>.
/// </summary>
internal static class OutputEvents
{
    /// <summary>Rule 3: "<c>response.output_item.added</c> opens the item with its JSON as the seed."</summary>
    public static void ItemAdded<TSink>(ResponsesState state, ReadOnlySpan<byte> data, in EventFields e, ref TSink sink)
        where TSink : struct, IUpdateSink
    {
        int index = Require(e.OutputIndex, "output_index", "response.output_item.added");
        if (!e.HasItem)
        {
            OpenItem(state, index, default, e.ItemId.Of(data), ref sink);
            return;
        }

        OutputItemState item = FindOrAddItem(state, index, out bool added);
        if (added && sink.IsEnabled)
        {
            sink.OnJson(state.Result, StreamUpdateKind.ItemStarted, index, -1, e.Item.Raw.Of(data), e.Item.Raw.Start);
        }

        ItemLoader.LoadItem(state, item, e.Item, data, isFinal: false, ref sink);
    }

    /// <summary>Rule 8: "<c>response.output_item.done</c> replaces the item with its final JSON."</summary>
    public static void ItemDone<TSink>(ResponsesState state, ReadOnlySpan<byte> data, in EventFields e, ref TSink sink)
        where TSink : struct, IUpdateSink
    {
        int index = Require(e.OutputIndex, "output_index", "response.output_item.done");
        if (!e.HasItem)
        {
            OutputItemState opened = OpenItem(state, index, default, e.ItemId.Of(data), ref sink);
            ItemLoader.CompleteCall(state, opened, ref sink);
            return;
        }

        CompleteItem(state, index, e.Item, data, ref sink);
    }

    /// <summary>
    /// Gives the item at <paramref name="index"/> its final JSON (<c>output_item.done</c>, or an entry of
    /// the terminal output). Its completion is announced once, by the first final JSON; a later one
    /// that changes its text announces the change.
    /// </summary>
    public static void CompleteItem<TSink>(ResponsesState state, int index, in ItemSlices slices, ReadOnlySpan<byte> data, ref TSink sink)
        where TSink : struct, IUpdateSink
    {
        OutputItemState item = FindOrAddItem(state, index, out bool added);
        if (added && sink.IsEnabled)
        {
            sink.OnJson(state.Result, StreamUpdateKind.ItemStarted, index, -1, slices.Raw.Of(data), slices.Raw.Start);
        }

        bool completedBefore = item.IsFinal;
        ItemLoader.LoadItem(state, item, slices, data, isFinal: true, ref sink);
        ItemLoader.CompleteCall(state, item, ref sink);
        if (sink.IsEnabled && !completedBefore)
        {
            sink.OnJson(state.Result, StreamUpdateKind.ItemCompleted, index, -1, slices.Raw.Of(data), slices.Raw.Start);
        }
    }

    /// <summary>Rule 3: <c>content_part.added</c> and <c>reasoning_summary_part.added</c> open parts; their <c>.done</c> replace them (rule 5).</summary>
    public static void PartEvent<TSink>(ResponsesState state, ReadOnlySpan<byte> data, in EventFields e, bool summary, bool isFinal, ref TSink sink)
        where TSink : struct, IUpdateSink
    {
        const string What = "a part event";
        int index = Require(e.OutputIndex, "output_index", What);
        int partIndex = summary ? Require(e.SummaryIndex, "summary_index", What) : Require(e.ContentIndex, "content_index", What);
        ReadOnlySpan<byte> partType = e.HasPart && e.Part.IsObject ? e.Part.Type.Of(data) : default;
        ReadOnlySpan<byte> itemType = summary || OutputPartState.KindOf(partType) == PartKind.ReasoningText ? "reasoning"u8 : "message"u8;
        OutputItemState item = OpenItem(state, index, itemType, e.ItemId.Of(data), ref sink);
        OutputPartState part = OpenPart(state, item, summary, partIndex, partType.IsEmpty ? (summary ? "summary_text"u8 : "output_text"u8) : partType);
        if (e.HasPart)
        {
            ItemLoader.LoadPart(state, item, part, e.Part, data, isFinal, ref sink);
        }
    }

    /// <summary>Rule 4: <c>output_text</c> (with its <c>logprobs</c> entries), <c>refusal</c>, <c>reasoning_text</c>, <c>reasoning_summary_text</c> deltas append.</summary>
    public static void TextDelta<TSink>(ResponsesState state, ReadOnlySpan<byte> data, in EventFields e, PartKind kind, ref TSink sink)
        where TSink : struct, IUpdateSink
    {
        OutputPartState part = LocateTextPart(state, data, e, kind, ref sink, out OutputItemState item);
        if (e.Delta.IsPresent)
        {
            AppendText(state, item, part, kind, e.Delta.Of(data), e.Delta.Start, ref sink);
        }

        if (kind == PartKind.OutputText && e.Logprobs.IsPresent)
        {
            ItemLoader.AppendLogprobs(state, part, e.Logprobs.Of(data));
        }

        ItemLoader.Touch(state, item);
        state.Template.Remember(state.EventType, kind, data, e, item, part);
    }

    /// <summary>Appends a text delta (escaped, as it arrived at <paramref name="offset"/> in the event) to its part, and announces it.</summary>
    public static void AppendText<TSink>(ResponsesState state, OutputItemState item, OutputPartState part, PartKind kind, ReadOnlySpan<byte> fragment, int offset, ref TSink sink)
        where TSink : struct, IUpdateSink
    {
        state.Charge(fragment.Length);
        part.Text.Append(fragment);
        part.HasText = true;
        part.Unchanged = false;
        ItemLoader.Touch(state, item);
        if (sink.IsEnabled && !fragment.IsEmpty)
        {
            sink.OnText(state.Result, UpdateKindOf(kind), item.Index, part.Index, fragment, offset);
        }
    }

    /// <summary>A delta event that repeats the last one's bytes around new hole values: it goes where that one went (<see cref="DeltaTemplate"/>).</summary>
    public static void RepeatedDelta<TSink>(ResponsesState state, DeltaTemplate template, ReadOnlySpan<byte> data, Slice delta, ref TSink sink)
        where TSink : struct, IUpdateSink
    {
        OutputItemState item = template.Item!;
        ReadOnlySpan<byte> fragment = delta.Of(data);
        switch (template.Kind)
        {
            case DeltaKind.Text:
                AppendText(state, item, template.Part!, template.TextKind, fragment, delta.Start, ref sink);
                break;
            case DeltaKind.Arguments:
                ItemLoader.AppendArguments(state, item, item.Call!, fragment, ref sink);
                break;
            default:
                AppendCode(state, item, fragment);
                break;
        }
    }

    /// <summary>Rule 5: "Every <c>.done</c> replaces what it closes with its full value (<c>text</c>, <c>refusal</c>, ... summary <c>text</c>)."</summary>
    public static void TextDone<TSink>(ResponsesState state, ReadOnlySpan<byte> data, in EventFields e, PartKind kind, ref TSink sink)
        where TSink : struct, IUpdateSink
    {
        OutputPartState part = LocateTextPart(state, data, e, kind, ref sink, out OutputItemState item);
        Slice value = kind == PartKind.Refusal ? e.Refusal : e.Text;
        if (value.IsPresent)
        {
            ItemLoader.SetText(state, item, part, value.Of(data), value.Start, UpdateKindOf(kind), ref sink);
        }

        // A full list of logprobs replaces the entries; an empty one is no information (deltas may have had them).
        if (kind == PartKind.OutputText && e.Logprobs.IsPresent && !e.Logprobs.Of(data).Trim(" \t\r\n"u8).IsEmpty)
        {
            ItemLoader.SetLogprobs(state, part, e.Logprobs.Of(data));
            ItemLoader.Touch(state, item);
        }
    }

    /// <summary>Rule 4: <c>function_call_arguments</c> and <c>mcp_call_arguments</c> deltas append to <c>arguments</c>, <c>custom_tool_call_input</c> to <c>input</c>.</summary>
    public static void ArgumentsDelta<TSink>(ResponsesState state, ReadOnlySpan<byte> data, in EventFields e, ReadOnlySpan<byte> itemType, ref TSink sink)
        where TSink : struct, IUpdateSink
    {
        int index = Require(e.OutputIndex, "output_index", "an arguments event");
        OutputItemState item = OpenItem(state, index, itemType, e.ItemId.Of(data), ref sink);
        ToolCallState call = ItemLoader.EnsureCall(state, item, default, default, ref sink);
        if (e.Delta.IsPresent)
        {
            ItemLoader.AppendArguments(state, item, call, e.Delta.Of(data), ref sink);
        }

        state.Template.Remember(state.EventType, item, data, e, DeltaKind.Arguments);
    }

    /// <summary>Rule 5: the arguments' <c>.done</c> wins over the deltas; "it is the moment a tool call is complete and its arguments are validated".</summary>
    public static void ArgumentsDone<TSink>(ResponsesState state, ReadOnlySpan<byte> data, in EventFields e, ReadOnlySpan<byte> itemType, ref TSink sink)
        where TSink : struct, IUpdateSink
    {
        int index = Require(e.OutputIndex, "output_index", "an arguments event");
        OutputItemState item = OpenItem(state, index, itemType, e.ItemId.Of(data), ref sink);
        ToolCallState call = ItemLoader.EnsureCall(state, item, default, e.Name.Of(data), ref sink);
        Slice value = itemType.SequenceEqual("custom_tool_call"u8) ? e.Input : e.Arguments; // "custom_tool_call_input ... to input"
        if (value.IsPresent)
        {
            ItemLoader.SetArguments(state, item, call, value.Of(data), ref sink);
        }

        ItemLoader.CompleteCall(state, item, ref sink);
    }

    /// <summary>Rule 4 and 5 for <c>code_interpreter_call_code</c>: deltas append to <c>code</c>, <c>.done</c> replaces it.</summary>
    public static void Code<TSink>(ResponsesState state, ReadOnlySpan<byte> data, in EventFields e, bool isDone, ref TSink sink)
        where TSink : struct, IUpdateSink
    {
        int index = Require(e.OutputIndex, "output_index", "a code event");
        OutputItemState item = OpenItem(state, index, "code_interpreter_call"u8, e.ItemId.Of(data), ref sink);
        if (isDone)
        {
            if (e.Code.IsPresent)
            {
                ItemLoader.SetCode(state, item, e.Code.Of(data));
            }

            return;
        }

        if (e.Delta.IsPresent)
        {
            AppendCode(state, item, e.Delta.Of(data));
        }

        state.Template.Remember(state.EventType, item, data, e, DeltaKind.Code);
    }

    private static void AppendCode(ResponsesState state, OutputItemState item, ReadOnlySpan<byte> fragment)
    {
        state.Charge(fragment.Length);
        item.Code.Append(fragment);
        item.HasCode = true;
        ItemLoader.Touch(state, item);
    }

    /// <summary>Rule 6: "<c>output_text.annotation.added</c> sets the annotation at <c>annotation_index</c> of its part; it may come after all the text."</summary>
    public static void AnnotationAdded<TSink>(ResponsesState state, ReadOnlySpan<byte> data, in EventFields e, ref TSink sink)
        where TSink : struct, IUpdateSink
    {
        OutputPartState part = LocateTextPart(state, data, e, PartKind.OutputText, ref sink, out OutputItemState item);
        if (!e.Annotation.IsPresent)
        {
            return;
        }

        IndexedList<AnnotationState> annotations = part.Annotations ??= new IndexedList<AnnotationState>();
        int annotationIndex = e.AnnotationIndex;
        if (annotationIndex < 0)
        {
            // No index: after the last one.
            ReadOnlySpan<AnnotationState> entries = annotations.Entries;
            annotationIndex = entries.IsEmpty ? 0 : entries[^1].Index == int.MaxValue
                ? throw new MalformedEventException("an annotation without 'annotation_index' follows the largest index there is")
                : entries[^1].Index + 1;
        }

        AnnotationState? annotation = annotations.Find(annotationIndex);
        if (annotation is null)
        {
            if (annotations.Count >= state.Options.MaxAnnotations)
            {
                throw new MalformedEventException($"a part got more than {state.Options.MaxAnnotations} annotations (MaxAnnotations); annotation_index {annotationIndex} is one too many");
            }

            annotation = new AnnotationState(annotationIndex);
            annotations.Add(annotation);
        }

        ReadOnlySpan<byte> json = e.Annotation.Of(data);
        state.Charge(json.Length);
        annotation.Json.Set(json);
        part.Unchanged = false;
        ItemLoader.Touch(state, item);
        if (sink.IsEnabled)
        {
            sink.OnJson(state.Result, StreamUpdateKind.AnnotationAdded, item.Index, part.Index, json, e.Annotation.Start);
        }
    }

    /// <summary>Rule 7: a hosted tool's status event sets the item's <c>status</c> to the status it names.</summary>
    public static void ToolStatus<TSink>(ResponsesState state, ReadOnlySpan<byte> data, in EventFields e, ReadOnlySpan<byte> eventName, ref TSink sink)
        where TSink : struct, IUpdateSink
    {
        bool isStatus = ResponsesEventNames.IsToolStatus(eventName["response."u8.Length..], out ReadOnlySpan<byte> itemType, out ReadOnlySpan<byte> status);
        System.Diagnostics.Debug.Assert(isStatus, "classified as a status event");
        int index = Require(e.OutputIndex, "output_index", "a tool status event");
        OutputItemState item = OpenItem(state, index, itemType, e.ItemId.Of(data), ref sink);
        if (item.HasStatus && item.Status.Span.SequenceEqual(status))
        {
            return;
        }

        item.Status.Set(status);
        item.HasStatus = true;
        ItemLoader.Touch(state, item);
    }

    /// <summary>
    /// The item at <paramref name="index"/>; rule 3: "a delta for a part or an item never opened opens
    /// it (of the kind the event names)". An item opened so has no JSON; its start is announced without.
    /// </summary>
    public static OutputItemState OpenItem<TSink>(ResponsesState state, int index, ReadOnlySpan<byte> impliedType, ReadOnlySpan<byte> itemId, ref TSink sink)
        where TSink : struct, IUpdateSink
    {
        OutputItemState item = FindOrAddItem(state, index, out bool added);
        if (added)
        {
            item.SetType(impliedType);
            item.ItemId.Set(itemId);
            if (sink.IsEnabled)
            {
                sink.OnJson(state.Result, StreamUpdateKind.ItemStarted, index, -1, default, -1);
            }

            if (item.IsClientToolCall)
            {
                ItemLoader.EnsureCall(state, item, default, default, ref sink);
            }
        }

        return item;
    }

    /// <summary>The part at <paramref name="index"/> of the item's content or summary, opened when absent.</summary>
    public static OutputPartState OpenPart(ResponsesState state, OutputItemState item, bool summary, int index, ReadOnlySpan<byte> impliedType)
    {
        PartList list = item.Parts(summary);
        OutputPartState? part = list.Find(index);
        if (part is null)
        {
            part = AddPart(state, item, list, index);
            part.SetType(impliedType);
        }

        return part;
    }

    /// <summary>Adds a part, within <see cref="StreamOptions.MaxPartsPerItem"/> (content and summary together).</summary>
    public static OutputPartState AddPart(ResponsesState state, OutputItemState item, PartList list, int index)
    {
        int parts = (item.Content?.Count ?? 0) + (item.Summary?.Count ?? 0);
        if (parts >= state.Options.MaxPartsPerItem)
        {
            throw new MalformedEventException($"output item {item.Index} addressed more than {state.Options.MaxPartsPerItem} parts (MaxPartsPerItem); part index {index} is one too many");
        }

        var part = new OutputPartState(index);
        list.Add(part);
        ItemLoader.Touch(state, item);
        return part;
    }

    private static OutputItemState FindOrAddItem(ResponsesState state, int index, out bool added)
    {
        OutputItemState? item = state.Items.Find(index);
        added = item is null;
        if (item is null)
        {
            if (state.Items.Count >= state.Options.MaxOutputItems)
            {
                throw new MalformedEventException($"the response addressed more than {state.Options.MaxOutputItems} output items (MaxOutputItems); output_index {index} is one too many");
            }

            item = new OutputItemState(index);
            state.Items.Add(item);
            state.Version++;
        }

        return item;
    }

    private static OutputPartState LocateTextPart<TSink>(ResponsesState state, ReadOnlySpan<byte> data, in EventFields e, PartKind kind, ref TSink sink, out OutputItemState item)
        where TSink : struct, IUpdateSink
    {
        const string What = "a text event";
        bool summary = kind == PartKind.SummaryText;
        int index = Require(e.OutputIndex, "output_index", What);
        int partIndex = summary ? Require(e.SummaryIndex, "summary_index", What) : Require(e.ContentIndex, "content_index", What);
        OutputItemState? found = state.Items.Find(index);
        item = found ?? OpenItem(state, index, kind is PartKind.ReasoningText or PartKind.SummaryText ? "reasoning"u8 : "message"u8, e.ItemId.Of(data), ref sink);
        PartList? list = summary ? item.Summary : item.Content;
        return list?.Find(partIndex) ?? OpenPart(state, item, summary, partIndex, PartTypeOf(kind));
    }

    private static int Require(int index, string member, string what)
        => index >= 0 ? index : throw new MalformedEventException($"{what} has no '{member}'");

    private static StreamUpdateKind UpdateKindOf(PartKind kind) => kind switch
    {
        PartKind.Refusal => StreamUpdateKind.RefusalDelta,
        PartKind.ReasoningText or PartKind.SummaryText => StreamUpdateKind.ReasoningDelta,
        _ => StreamUpdateKind.ContentDelta,
    };

    private static ReadOnlySpan<byte> PartTypeOf(PartKind kind) => kind switch
    {
        PartKind.Refusal => "refusal"u8,
        PartKind.ReasoningText => "reasoning_text"u8,
        PartKind.SummaryText => "summary_text"u8,
        _ => "output_text"u8,
    };
}
