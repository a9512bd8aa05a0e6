using System;
using System.Text.Json;
using StreamCore.Core;

namespace StreamCore.Aitronos;

/// <summary>What a top-level member of an Aitronos event is to the assembly (<c>typed-protocols.md</c>, section 3, the mapping table).</summary>
internal enum AitronosMember : byte
{
    /// <summary>"anything else": kept verbatim under its own name, last non-null.</summary>
    Other,

    /// <summary>The event's name (<c>event</c>).</summary>
    Event,

    /// <summary>Bookkeeping that no rule reads: <c>status</c>, <c>index</c>.</summary>
    Bookkeeping,

    Delta,
    Content,
    Text,
    Message,
    Item,
    Block,
    Response,
    ReasoningContent,

    /// <summary><c>response_blocks</c>: read for the tool calls, and kept verbatim as well (the contract lists it among "anything else").</summary>
    ResponseBlocks,
    Usage,
    Error,
    Model,
    CreatedAt,
    Type,
    Id,
    ResponseId,
    ThreadId,
    OrgId,
    ToolName,
    Arguments,
    ToolArguments,

    /// <summary>A name the writer writes itself (<c>object</c>, <c>choices</c>, <c>organizationId</c>, <c>threadId</c>): not copied, so that the response has no member twice.</summary>
    Reserved,
}

/// <summary>One top-level value of an event: its raw JSON (a slice of the event's data), where it lies, and its first token.</summary>
internal readonly ref struct EventValue
{
    public EventValue(ReadOnlySpan<byte> raw, int offset, JsonTokenType token)
    {
        Raw = raw;
        Offset = offset;
        Token = token;
    }

    /// <summary>The value's JSON, quotes included for a string.</summary>
    public ReadOnlySpan<byte> Raw { get; }

    /// <summary>Where <see cref="Raw"/> starts in the event's data.</summary>
    public int Offset { get; }

    /// <summary>The value's first token; <see cref="JsonTokenType.None"/> when the member did not arrive.</summary>
    public JsonTokenType Token { get; }

    /// <summary>Whether the member arrived with a value other than null.</summary>
    public bool HasValue => Token is not (JsonTokenType.None or JsonTokenType.Null);

    public bool IsString => Token == JsonTokenType.String;

    /// <summary>For a string: its escaped content, as it arrived between the quotes.</summary>
    public ReadOnlySpan<byte> Escaped => Raw[1..^1];

    /// <summary>For a string: where <see cref="Escaped"/> starts in the event's data.</summary>
    public int EscapedOffset => Offset + 1;
}

/// <summary>
/// The members of one Aitronos event that the rules read, found in one <see cref="Utf8JsonReader"/>
/// pass over its top level (nested values are skipped, not copied), so that a content delta costs
/// one tokenizing pass. Members kept verbatim are only counted here; <see cref="AitronosEvents"/>
/// reads them in a second pass when an event has any, which delta events do not.
/// </summary>
internal ref struct AitronosEventFields
{
    public EventValue Event;
    public EventValue Delta;
    public EventValue Content;
    public EventValue Text;
    public EventValue Message;
    public EventValue Item;
    public EventValue Block;
    public EventValue Response;
    public EventValue ReasoningContent;
    public EventValue ResponseBlocks;
    public EventValue Usage;
    public EventValue Error;
    public EventValue Model;
    public EventValue CreatedAt;
    public EventValue Type;
    public EventValue Id;
    public EventValue ResponseId;
    public EventValue ThreadId;
    public EventValue OrgId;
    public EventValue ToolName;
    public EventValue Arguments;
    public EventValue ToolArguments;

    /// <summary>How many members are kept verbatim ("anything else", <c>response_blocks</c> included).</summary>
    public int VerbatimMembers;

    /// <summary>Reads the top level of <paramref name="json"/>, which must be one JSON object.</summary>
    /// <exception cref="JsonException">Not well-formed JSON, or nested deeper than <paramref name="maxDepth"/>.</exception>
    /// <exception cref="MalformedEventException">JSON, but not an object.</exception>
    public static AitronosEventFields Read(ReadOnlySpan<byte> json, int maxDepth)
    {
        var fields = default(AitronosEventFields);
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = maxDepth });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new MalformedEventException("the event's data is not a JSON object");
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            AitronosMember member = Classify(MemberMerger.GetName(ref reader));
            reader.Read();
            int start = (int)reader.TokenStartIndex;
            JsonTokenType token = reader.TokenType;
            reader.Skip();
            var value = new EventValue(json[start..(int)reader.BytesConsumed], start, token);
            fields.Set(member, value);
        }

        if (reader.Read())
        {
            throw new MalformedEventException("the event's data holds more than one JSON value");
        }

        return fields;
    }

    /// <summary>The role of a top-level member, by its (unescaped) name.</summary>
    public static AitronosMember Classify(ReadOnlySpan<byte> name) => name.Length switch
    {
        2 when name.SequenceEqual("id"u8) => AitronosMember.Id,
        4 when name.SequenceEqual("type"u8) => AitronosMember.Type,
        4 when name.SequenceEqual("text"u8) => AitronosMember.Text,
        4 when name.SequenceEqual("item"u8) => AitronosMember.Item,
        5 when name.SequenceEqual("event"u8) => AitronosMember.Event,
        5 when name.SequenceEqual("delta"u8) => AitronosMember.Delta,
        5 when name.SequenceEqual("index"u8) => AitronosMember.Bookkeeping,
        5 when name.SequenceEqual("block"u8) => AitronosMember.Block,
        5 when name.SequenceEqual("usage"u8) => AitronosMember.Usage,
        5 when name.SequenceEqual("error"u8) => AitronosMember.Error,
        5 when name.SequenceEqual("model"u8) => AitronosMember.Model,
        6 when name.SequenceEqual("status"u8) => AitronosMember.Bookkeeping,
        6 when name.SequenceEqual("org_id"u8) => AitronosMember.OrgId,
        6 when name.SequenceEqual("object"u8) => AitronosMember.Reserved,
        7 when name.SequenceEqual("message"u8) => AitronosMember.Message,
        7 when name.SequenceEqual("content"u8) => AitronosMember.Content,
        7 when name.SequenceEqual("choices"u8) => AitronosMember.Reserved,
        8 when name.SequenceEqual("response"u8) => AitronosMember.Response,
        8 when name.SequenceEqual("threadId"u8) => AitronosMember.Reserved,
        9 when name.SequenceEqual("thread_id"u8) => AitronosMember.ThreadId,
        9 when name.SequenceEqual("tool_name"u8) => AitronosMember.ToolName,
        9 when name.SequenceEqual("arguments"u8) => AitronosMember.Arguments,
        9 when name.SequenceEqual("createdAt"u8) => AitronosMember.CreatedAt,
        11 when name.SequenceEqual("response_id"u8) => AitronosMember.ResponseId,
        14 when name.SequenceEqual("tool_arguments"u8) => AitronosMember.ToolArguments,
        14 when name.SequenceEqual("organizationId"u8) => AitronosMember.Reserved,
        15 when name.SequenceEqual("response_blocks"u8) => AitronosMember.ResponseBlocks,
        17 when name.SequenceEqual("reasoning_content"u8) => AitronosMember.ReasoningContent,
        _ => AitronosMember.Other,
    };

    /// <summary>Whether a member of this role is kept verbatim under its own name.</summary>
    public static bool IsVerbatim(AitronosMember member) => member is AitronosMember.Other or AitronosMember.ResponseBlocks;

    private void Set(AitronosMember member, EventValue value)
    {
        // A member given twice in one event: the last one counts, as a JSON reader would have it.
        switch (member)
        {
            case AitronosMember.Other:
                VerbatimMembers++;
                break;
            case AitronosMember.Event:
                Event = value;
                break;
            case AitronosMember.Delta:
                Delta = value;
                break;
            case AitronosMember.Content:
                Content = value;
                break;
            case AitronosMember.Text:
                Text = value;
                break;
            case AitronosMember.Message:
                Message = value;
                break;
            case AitronosMember.Item:
                Item = value;
                break;
            case AitronosMember.Block:
                Block = value;
                break;
            case AitronosMember.Response:
                Response = value;
                break;
            case AitronosMember.ReasoningContent:
                ReasoningContent = value;
                break;
            case AitronosMember.ResponseBlocks:
                ResponseBlocks = value;
                VerbatimMembers++;
                break;
            case AitronosMember.Usage:
                Usage = value;
                break;
            case AitronosMember.Error:
                Error = value;
                break;
            case AitronosMember.Model:
                Model = value;
                break;
            case AitronosMember.CreatedAt:
                CreatedAt = value;
                break;
            case AitronosMember.Type:
                Type = value;
                break;
            case AitronosMember.Id:
                Id = value;
                break;
            case AitronosMember.ResponseId:
                ResponseId = value;
                break;
            case AitronosMember.ThreadId:
                ThreadId = value;
                break;
            case AitronosMember.OrgId:
                OrgId = value;
                break;
            case AitronosMember.ToolName:
                ToolName = value;
                break;
            case AitronosMember.Arguments:
                Arguments = value;
                break;
            case AitronosMember.ToolArguments:
                ToolArguments = value;
                break;
            default:
                break; // bookkeeping and reserved names
        }
    }
}
