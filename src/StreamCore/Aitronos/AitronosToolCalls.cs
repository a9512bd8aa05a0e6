using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Text.Json;
using StreamCore.Core;
using StreamCore.Json;

namespace StreamCore.Aitronos;

/// <summary>
/// Aitronos tool calls (<c>typed-protocols.md</c>, section 3, the <c>toolCalls</c> row): Aitronos
/// never streams argument fragments; a call arrives whole as a <c>tool_call</c> block, and the
/// <c>response_blocks</c> of the completed response list the final calls.
/// </summary>
internal static class AitronosToolCalls
{
    /// <summary>
    /// "each tool call block: the <c>block</c> member of <c>response.block</c> or <c>response.tool.done</c>
    /// (or the event itself when it has no <c>block</c>) whose <c>type</c> is <c>tool_call</c>":
    /// appended in arrival order, started and completed at once.
    /// </summary>
    public static void AddFromEvent<TSink>(ref AitronosEventFields fields, AitronosState state, ref TSink sink)
        where TSink : struct, IUpdateSink
    {
        BlockFields block;
        if (fields.Block.HasValue)
        {
            Debug.Assert(fields.Block.Token == JsonTokenType.StartObject, "the event's shapes were checked: its block is an object");
            block = BlockFields.Read(fields.Block.Raw, state.Options.MaxJsonDepth);
        }
        else
        {
            block = new BlockFields
            {
                Type = fields.Type,
                Id = fields.Id,
                ToolName = fields.ToolName,
                Arguments = fields.Arguments,
                ToolArguments = fields.ToolArguments,
            };
        }

        if (!block.IsToolCall)
        {
            return; // text and tool_result blocks: no rule reads them (the final response_blocks keeps them verbatim)
        }

        EnsureRoom(state, state.ToolCalls.Count);
        ToolCallState call = Create(ref block, state.ToolCalls.Count, state);
        state.ToolCalls.Add(call);
        state.ToolCallsVersion++;
        Announce(call, state, ref sink);
    }

    /// <summary>
    /// "the <c>tool_call</c> entries of a <c>response_blocks</c> that arrives are the final list and
    /// replace the streamed ones". A final entry equal to the streamed call at its position keeps
    /// that call (and announces nothing); any other entry is a new call, started and completed.
    /// </summary>
    public static void ReplaceFromResponseBlocks<TSink>(EventValue responseBlocks, AitronosState state, ref TSink sink)
        where TSink : struct, IUpdateSink
    {
        Debug.Assert(responseBlocks.Token == JsonTokenType.StartArray, "the event's shapes were checked: response_blocks is an array");
        List<ToolCallState> calls = state.ToolCalls;
        var final = new List<ToolCallState>(calls.Count);
        int kept = 0; // how many streamed calls the final list keeps, at their positions
        var reader = new Utf8JsonReader(responseBlocks.Raw, new JsonReaderOptions { MaxDepth = state.Options.MaxJsonDepth });
        reader.Read();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip(); // not a block; kept verbatim with the rest of response_blocks
                continue;
            }

            int start = (int)reader.TokenStartIndex;
            reader.Skip();
            BlockFields block = BlockFields.Read(responseBlocks.Raw[start..(int)reader.BytesConsumed], state.Options.MaxJsonDepth);
            if (!block.IsToolCall)
            {
                continue;
            }

            int position = final.Count;
            EnsureRoom(state, position);
            ToolCallState candidate = Create(ref block, position, state);
            if (position == kept && position < calls.Count && SameCall(calls[position], candidate))
            {
                candidate.Dispose();
                final.Add(calls[position]);
                kept++;
            }
            else
            {
                final.Add(candidate);
            }
        }

        if (kept == calls.Count && kept == final.Count)
        {
            return; // the streamed calls were the final ones
        }

        for (int i = kept; i < calls.Count; i++)
        {
            state.Retire(calls[i]);
        }

        calls.Clear();
        calls.AddRange(final);
        state.ToolCallsVersion++;
        for (int i = kept; i < final.Count; i++)
        {
            Announce(final[i], state, ref sink);
        }
    }

    private static void Announce<TSink>(ToolCallState call, AitronosState state, ref TSink sink)
        where TSink : struct, IUpdateSink
    {
        if (sink.IsEnabled)
        {
            sink.OnToolCall(state.Result, StreamUpdateKind.ToolCallStarted, 0, call, default);
            sink.OnToolCall(state.Result, StreamUpdateKind.ToolCallCompleted, 0, call, default);
        }
    }

    private static void EnsureRoom(AitronosState state, int count)
    {
        if (count >= state.Options.MaxToolCallsPerChoice)
        {
            throw new MalformedEventException($"the response has more than {state.Options.MaxToolCallsPerChoice} tool calls (MaxToolCallsPerChoice)");
        }
    }

    private static bool SameCall(ToolCallState a, ToolCallState b)
        => a.Id.Span.SequenceEqual(b.Id.Span) && a.Name.Span.SequenceEqual(b.Name.Span) && a.Arguments.Span.SequenceEqual(b.Arguments.Span);

    /// <summary>
    /// <c>{"id": its id or null, "type": "function", "function": {"name": tool_name, "arguments":
    /// arguments (or tool_arguments) as JSON text}}</c>. Arguments that arrive as a JSON value (the
    /// documented object) are taken as their JSON text, verbatim; a string is taken as the text it holds.
    /// </summary>
    private static ToolCallState Create(ref BlockFields block, int position, AitronosState state)
    {
        var call = new ToolCallState(position) { HasFunction = true, Completed = true };
        if (block.Id.IsString)
        {
            state.Charge(block.Id.Escaped.Length);
            call.Id.Set(block.Id.Escaped);
        }

        if (block.ToolName.IsString)
        {
            state.Charge(block.ToolName.Escaped.Length);
            call.Name.Set(block.ToolName.Escaped);
        }

        EventValue arguments = block.Arguments.HasValue ? block.Arguments : block.ToolArguments;
        if (arguments.IsString)
        {
            call.ReplaceArguments(arguments.Escaped, state);
        }
        else if (arguments.HasValue)
        {
            state.Charge(arguments.Raw.Length);
            JsonText.AppendEscaped(ref call.Arguments, arguments.Raw);
            call.HasArguments = true;
        }

        return call;
    }

    /// <summary>The members of a block that the <c>toolCalls</c> row reads.</summary>
    private ref struct BlockFields
    {
        public EventValue Type;
        public EventValue Id;
        public EventValue ToolName;
        public EventValue Arguments;
        public EventValue ToolArguments;

        public readonly bool IsToolCall => Type.IsString && Type.Escaped.SequenceEqual("tool_call"u8);

        public static BlockFields Read(ReadOnlySpan<byte> json, int maxDepth)
        {
            var block = default(BlockFields);
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = maxDepth });
            reader.Read();
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                AitronosMember member = AitronosEventFields.Classify(MemberMerger.GetName(ref reader));
                reader.Read();
                int start = (int)reader.TokenStartIndex;
                JsonTokenType token = reader.TokenType;
                reader.Skip();
                var value = new EventValue(json[start..(int)reader.BytesConsumed], start, token);
                switch (member)
                {
                    case AitronosMember.Type:
                        block.Type = value;
                        break;
                    case AitronosMember.Id:
                        block.Id = value;
                        break;
                    case AitronosMember.ToolName:
                        block.ToolName = value;
                        break;
                    case AitronosMember.Arguments:
                        block.Arguments = value;
                        break;
                    case AitronosMember.ToolArguments:
                        block.ToolArguments = value;
                        break;
                    default:
                        break;
                }
            }

            return block;
        }
    }
}
