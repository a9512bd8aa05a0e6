using System;
using StreamCore.Buffers;
using StreamCore.Core;

namespace StreamCore.Responses;

/// <summary>What an output item is, for the rules that depend on it.</summary>
internal enum ItemKind : byte
{
    /// <summary>A type no rule names (hosted tool calls, MCP tool lists, ...): kept as it arrives.</summary>
    Other,

    Message,
    Reasoning,

    /// <summary>A call of a function the application runs.</summary>
    FunctionCall,

    /// <summary>A call of a custom tool the application runs (free-form <c>input</c>).</summary>
    CustomToolCall,

    /// <summary>A call the provider makes to an MCP server (its arguments are validated, it is not a tool call of the application).</summary>
    McpCall,

    CodeInterpreterCall,
}

/// <summary>
/// One output item at its <c>output_index</c>: its seed (the JSON of <c>output_item.added</c>, then
/// the final JSON of <c>output_item.done</c>) and what events assembled into it: content and summary
/// parts, arguments or input (validated as a tool call), code, a hosted tool's status.
/// </summary>
internal sealed class OutputItemState(int index) : IIndexed
{
    public int Index { get; } = index;

    public ItemKind Kind { get; private set; }

    /// <summary>The item's <c>type</c>, escaped, as its JSON or the event that opened it named it.</summary>
    public PooledByteBuffer Type;

    /// <summary>The <c>item_id</c> of the event that opened the item, for an item no JSON described yet.</summary>
    public PooledByteBuffer ItemId;

    /// <summary>The item's JSON as it last arrived whole (added, then done); empty when events opened it.</summary>
    public PooledByteBuffer Seed;

    /// <summary>Whether the seed says everything the item holds: it is then written verbatim ("its final JSON if it got one").</summary>
    public bool Unchanged { get; set; }

    /// <summary>Whether <c>output_item.done</c> (or the terminal output) gave the item its final JSON.</summary>
    public bool IsFinal { get; set; }

    public PartList? Content { get; set; }

    public PartList? Summary { get; set; }

    /// <summary>The arguments (<c>input</c> for a custom tool), validated incrementally; created when they or a client tool call item arrive.</summary>
    public ToolCallState? Call { get; set; }

    /// <summary>A code interpreter call's <c>code</c>, escaped, when <see cref="HasCode"/>.</summary>
    public PooledByteBuffer Code;

    public bool HasCode { get; set; }

    /// <summary>The status the last hosted-tool status event set (rule 7), when <see cref="HasStatus"/>.</summary>
    public PooledByteBuffer Status;

    public bool HasStatus { get; set; }

    /// <summary>Whether the item is a call of a tool the application runs.</summary>
    public bool IsClientToolCall => Kind is ItemKind.FunctionCall or ItemKind.CustomToolCall;

    /// <summary>The member that holds the call's text: <c>input</c> for a custom tool, else <c>arguments</c>.</summary>
    public ReadOnlySpan<byte> ArgumentsMember => Kind == ItemKind.CustomToolCall ? "input"u8 : "arguments"u8;

    /// <summary>Whether nothing was assembled into the item yet.</summary>
    public bool IsPristine => Seed.IsEmpty && Content is null && Summary is null && Call is not { HasArguments: true } && !HasCode && !HasStatus;

    /// <summary>Sets the type (first non-empty: an item's type does not change).</summary>
    public void SetType(ReadOnlySpan<byte> type)
    {
        if (Type.IsEmpty && !type.IsEmpty)
        {
            Type.Set(type);
            Kind = KindOf(type);
        }
    }

    public static ItemKind KindOf(ReadOnlySpan<byte> type) => type switch
    {
        _ when type.SequenceEqual("message"u8) => ItemKind.Message,
        _ when type.SequenceEqual("reasoning"u8) => ItemKind.Reasoning,
        _ when type.SequenceEqual("function_call"u8) => ItemKind.FunctionCall,
        _ when type.SequenceEqual("custom_tool_call"u8) => ItemKind.CustomToolCall,
        _ when type.SequenceEqual("mcp_call"u8) => ItemKind.McpCall,
        _ when type.SequenceEqual("code_interpreter_call"u8) => ItemKind.CodeInterpreterCall,
        _ => ItemKind.Other,
    };

    /// <summary>The list of the parts <paramref name="summary"/> names, created on first use.</summary>
    public PartList Parts(bool summary) => summary ? (Summary ??= new PartList()) : (Content ??= new PartList());

    public void Dispose()
    {
        Type.Dispose();
        ItemId.Dispose();
        Seed.Dispose();
        Content?.Dispose();
        Summary?.Dispose();
        Call?.Dispose();
        Code.Dispose();
        Status.Dispose();
    }
}
