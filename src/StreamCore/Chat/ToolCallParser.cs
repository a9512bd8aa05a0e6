using System;
using System.Text.Json;
using StreamCore.Core;
using static StreamCore.Core.MemberMerger;
using static StreamCore.Core.IndexReader;

namespace StreamCore.Chat;

/// <summary>
/// Merges the fragments of <c>tool_calls</c> (assembly rules, section 7): which call a fragment
/// belongs to, then its id, type, name, arguments (validated incrementally) and other members.
/// </summary>
internal static class ToolCallParser
{
    internal static void MergeToolCalls<TSink>(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, CompletionState state, ChoiceState choice, ref TSink sink)
        where TSink : struct, IUpdateSink
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new MalformedEventException("'tool_calls' must be an array");
        }

        // The message lists its members in order of first appearance; tool calls keep their place.
        choice.Message.GetOrAdd(MemberNames.ToolCalls, MemberKind.ToolCalls, MemberNames.ToolCalls);
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType == JsonTokenType.Null)
            {
                continue;
            }

            if (reader.TokenType != JsonTokenType.StartObject)
            {
                throw new MalformedEventException("each tool call fragment must be an object");
            }

            MergeToolCallFragment(ref reader, json, state, choice, ref sink);
        }
    }

    internal static void MergeToolCallFragment<TSink>(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, CompletionState state, ChoiceState choice, ref TSink sink)
        where TSink : struct, IUpdateSink
    {
        // One pass records the fragment's parts as slices of the chunk; the call it belongs to can
        // only be known once its id, index and name have all been seen, in whatever order they came.
        Utf8JsonReader start = reader;
        int? index = null;
        ReadOnlySpan<byte> id = default;
        ReadOnlySpan<byte> type = default;
        scoped FunctionFields function = default;
        bool hasFunction = false;
        bool hasExtras = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            ReadOnlySpan<byte> name = GetName(ref reader);
            reader.Read();
            if (reader.TokenType == JsonTokenType.Null)
            {
                continue;
            }

            switch (name.Length)
            {
                case 5 when name.SequenceEqual("index"u8):
                    index = ReadIndex(ref reader, "a tool call index");
                    break;
                case 2 when name.SequenceEqual("id"u8) && reader.TokenType == JsonTokenType.String:
                    id = reader.ValueSpan;
                    break;
                case 4 when name.SequenceEqual("type"u8) && reader.TokenType == JsonTokenType.String:
                    type = reader.ValueSpan;
                    break;
                case 8 when name.SequenceEqual("function"u8) && reader.TokenType == JsonTokenType.StartObject:
                    hasFunction = true;
                    function = ReadFunction(ref reader, json);
                    hasExtras |= function.HasExtras;
                    break;
                default:
                    hasExtras = true;
                    reader.Skip();
                    break;
            }
        }

        ToolCallState call = RouteToolCall(choice, state, index, id, function.Name, out bool created);
        if (index is int given)
        {
            choice.GivePeerIndex(given, call);
        }

        if (call.Id.IsEmpty && !id.IsEmpty)
        {
            call.Id.Set(id);
        }

        if (call.Type.IsEmpty && !type.IsEmpty)
        {
            call.Type.Set(type);
        }

        if (call.Name.IsEmpty && !function.Name.IsEmpty)
        {
            call.Name.Set(function.Name);
        }

        call.HasFunction |= hasFunction;
        if (created && sink.IsEnabled)
        {
            sink.OnToolCall(state.Result, StreamUpdateKind.ToolCallStarted, choice.Index, call, default);
        }

        if (function.HasArguments)
        {
            call.HasArguments = true;
            call.AppendArguments(function.Arguments, function.ArgumentsAreJson, state, choice.Index, ref sink);
        }

        if (hasExtras)
        {
            MergeToolCallExtras(start, json, call);
        }
    }

    // "Legacy function_call: name first non-empty, arguments concatenated." Kept as a tool call of its
    // own, so that it reports the same updates as tool calls and joins the normalized view.
    internal static void MergeFunctionCall<TSink>(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, CompletionState state, ChoiceState choice, ref TSink sink)
        where TSink : struct, IUpdateSink
    {
        // One pass records the fragment's parts, as for tool calls: the name may follow the arguments.
        Utf8JsonReader start = reader;
        FunctionFields function = ReadFunction(ref reader, json);

        // The message lists its members in order of first appearance; the call keeps its place.
        choice.Message.GetOrAdd(MemberNames.FunctionCall, MemberKind.FunctionCall, MemberNames.FunctionCall);
        ToolCallState? call = choice.FunctionCall;
        bool created = call is null;
        call ??= choice.FunctionCall = new ToolCallState(choice.ToolCalls.Count) { HasFunction = true };
        if (call.Name.IsEmpty && !function.Name.IsEmpty)
        {
            call.Name.Set(function.Name);
        }

        if (created && sink.IsEnabled)
        {
            sink.OnToolCall(state.Result, StreamUpdateKind.ToolCallStarted, choice.Index, call, default);
        }

        if (function.HasArguments)
        {
            call.HasArguments = true;
            call.AppendArguments(function.Arguments, function.ArgumentsAreJson, state, choice.Index, ref sink);
        }

        if (function.HasExtras)
        {
            MergeFunctionCallExtras(start, json, state, call);
        }
    }

    /// <summary>Reads a function object (a tool call's <c>function</c>, the legacy <c>function_call</c>) as slices of the chunk.</summary>
    private static FunctionFields ReadFunction(ref Utf8JsonReader reader, ReadOnlySpan<byte> json)
    {
        FunctionFields function = default;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            ReadOnlySpan<byte> member = GetName(ref reader);
            reader.Read();
            if (reader.TokenType == JsonTokenType.Null)
            {
                continue;
            }

            if (member.SequenceEqual("name"u8) && reader.TokenType == JsonTokenType.String)
            {
                function.Name = reader.ValueSpan;
            }
            else if (member.SequenceEqual("arguments"u8))
            {
                // "Arguments that arrive as a JSON object or array instead of a string are taken as their JSON text."
                function.HasArguments = true;
                function.ArgumentsAreJson = reader.TokenType != JsonTokenType.String;
                function.Arguments = function.ArgumentsAreJson ? ReadRaw(ref reader, json) : reader.ValueSpan;
            }
            else
            {
                function.HasExtras = true;
                reader.Skip();
            }
        }

        return function;
    }

    /// <summary>A function object's parts: slices of the chunk, valid while it is read.</summary>
    private ref struct FunctionFields
    {
        public ReadOnlySpan<byte> Name;
        public ReadOnlySpan<byte> Arguments;
        public bool ArgumentsAreJson;
        public bool HasArguments;
        public bool HasExtras;
    }

    // Other members of a legacy function_call merge as a delta's members do.
    private static void MergeFunctionCallExtras(Utf8JsonReader reader, ReadOnlySpan<byte> json, CompletionState state, ToolCallState call)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            ReadOnlySpan<byte> name = GetName(ref reader);
            reader.Read();
            if (name.SequenceEqual("name"u8) || name.SequenceEqual("arguments"u8) || reader.TokenType == JsonTokenType.Null)
            {
                reader.Skip();
                continue;
            }

            MergeMember(ref reader, json, state, call.FunctionExtras ??= new MergedObject(), name, ArrayRule.Raw, isAudio: false);
        }
    }

    // Section 7: "Identity of the call a fragment belongs to, in this order".
    internal static ToolCallState RouteToolCall(ChoiceState choice, CompletionState state, int? index, ReadOnlySpan<byte> id, ReadOnlySpan<byte> functionName, out bool created)
    {
        created = false;
        if (!id.IsEmpty)
        {
            // 1. "a non-empty id already seen in this choice: that call"
            ToolCallState? known = choice.FindToolCallById(id);
            if (known is not null)
            {
                return known;
            }

            // 2. "a non-empty new id together with a non-empty function name, or a new id where no
            //    call exists yet for its index: a new call"
            if (!functionName.IsEmpty || (index is int i && choice.FindToolCallByPeerIndex(i) is null))
            {
                return NewToolCall(choice, state, out created);
            }
        }

        // 3. "otherwise, if the fragment has an index: the call most recently given that index"
        //    (a new call when none was given it yet)
        if (index is int peerIndex)
        {
            return choice.FindToolCallByPeerIndex(peerIndex) ?? NewToolCall(choice, state, out created);
        }

        // 4. "otherwise the most recent call of the choice; if there is none, a new call"
        return choice.ToolCalls.Count > 0 ? choice.ToolCalls[^1] : NewToolCall(choice, state, out created);
    }

    internal static ToolCallState NewToolCall(ChoiceState choice, CompletionState state, out bool created)
    {
        if (choice.ToolCalls.Count >= state.Options.MaxToolCallsPerChoice)
        {
            throw new MalformedEventException($"choice {choice.Index} has more than {state.Options.MaxToolCallsPerChoice} tool calls (MaxToolCallsPerChoice)");
        }

        var call = new ToolCallState(choice.ToolCalls.Count);
        choice.ToolCalls.Add(call);
        created = true;
        return call;
    }

    // "Other members of a call and of its function are kept (last non-null)." Rare, so a second
    // pass over the fragment is cheaper than recording them on the hot path.
    internal static void MergeToolCallExtras(Utf8JsonReader reader, ReadOnlySpan<byte> json, ToolCallState call)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            ReadOnlySpan<byte> name = GetName(ref reader);
            reader.Read();
            if (name.SequenceEqual("function"u8) && reader.TokenType == JsonTokenType.StartObject)
            {
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    ReadOnlySpan<byte> member = GetName(ref reader);
                    reader.Read();
                    if (member.SequenceEqual("name"u8) || member.SequenceEqual("arguments"u8) || reader.TokenType == JsonTokenType.Null)
                    {
                        reader.Skip();
                        continue;
                    }

                    call.FunctionExtras ??= new MergedObject();
                    MergeLastNonNull(ref reader, json, call.FunctionExtras, member);
                }
            }
            else if (name.SequenceEqual("index"u8) || name.SequenceEqual("id"u8) || name.SequenceEqual("type"u8)
                || name.SequenceEqual("function"u8) || reader.TokenType == JsonTokenType.Null)
            {
                reader.Skip();
            }
            else
            {
                call.Extras ??= new MergedObject();
                MergeLastNonNull(ref reader, json, call.Extras, name);
            }
        }
    }
}
