using System.Buffers;
using System.Text;
using System.Text.Json;
using StreamCore.Core;
using StreamCore.Json;

namespace StreamCore.Anthropic;

/// <summary>
/// One content block of an Anthropic message as assembled so far: what
/// <see cref="StreamResult.ToolCalls"/> and <see cref="StreamResult.Text"/> do not show, such as
/// server tool calls and their results, and whether a block's input is valid JSON.
/// </summary>
public sealed class AnthropicContentBlock
{
    private readonly AnthropicBlock _block;
    private readonly AnthropicMessageResult _owner;
    private string? _type;

    internal AnthropicContentBlock(AnthropicBlock block, AnthropicMessageResult owner)
    {
        _block = block;
        _owner = owner;
    }

    /// <summary>The block's <c>index</c>, as the stream gave it.</summary>
    public int Index => _block.Index;

    /// <summary>The block's <c>type</c> (<c>text</c>, <c>thinking</c>, <c>tool_use</c>, <c>server_tool_use</c>, <c>web_search_tool_result</c>, ...), or null when it has none.</summary>
    public string? Type
    {
        get
        {
            _owner.ThrowIfDisposed();
            if (_type is null && _block.Members.Find(MemberNames.Type) is { Kind: MemberKind.Raw } type && type.Value.Span is [(byte)'"', .., (byte)'"'])
            {
                _type = JsonText.ToString(type.Value.Span[1..^1]);
            }

            return _type;
        }
    }

    /// <summary>Whether the block closed: its <c>content_block_stop</c> arrived, or the stream ended.</summary>
    public bool IsClosed
    {
        get
        {
            _owner.ThrowIfDisposed();
            return _block.Closed;
        }
    }

    /// <summary>
    /// Whether the block's input text (its <c>input_json_delta</c>s joined) is valid JSON, or null
    /// when no input text arrived (the seed's <c>input</c> is then written as it came). A stream cut
    /// at <c>max_tokens</c> leaves it <see cref="JsonTextStatus.Incomplete"/>: the <c>input</c> is
    /// then written as a string holding the text.
    /// </summary>
    public JsonTextStatus? InputStatus
    {
        get
        {
            _owner.ThrowIfDisposed();
            return _block.HasInputText ? _block.Input!.ArgumentsStatus : null;
        }
    }

    /// <summary>The block's JSON as the <c>Message</c>'s content holds it. Allocates.</summary>
    public string ToJson(bool indented = false)
    {
        _owner.ThrowIfDisposed();
        var output = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(output, StreamResult.CreateWriterOptions(indented)))
        {
            AnthropicMessageWriter.WriteBlock(writer, _block);
        }

        return Encoding.UTF8.GetString(output.WrittenSpan);
    }
}
