using System;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Versioning;
using System.Text;
using Microsoft.Extensions.AI;
using StreamCore;
using StreamCore.Extensions.AI;

// Assembles a chat stream with text and a tool call whose arguments arrive in fragments, through the
// package's general entry point, and checks what a consumer reads from the result.
const string Stream = """
    data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":"Hello, "},"finish_reason":null}]}

    data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"world"},"finish_reason":null}]}

    data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"f","arguments":"{\"a\""}}]},"finish_reason":null}]}

    data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":":1}"}}]},"finish_reason":"tool_calls"}]}

    data: [DONE]


    """;

using StreamResult result = await ModelStream.AssembleAsync(new MemoryStream(Encoding.UTF8.GetBytes(Stream)));
string library = typeof(ModelStream).Assembly.GetCustomAttribute<TargetFrameworkAttribute>()?.FrameworkName ?? "?";
Console.WriteLine($"runtime {Environment.Version}, StreamCore built for {library}");
Console.WriteLine($"{result.Protocol} {result.Status} {result.StopKind}: {result.Text} + {result.ToolCalls[0].Name}({result.ToolCalls[0].Arguments})");
bool ok = result.Status == StreamStatus.Complete && result.Text == "Hello, world" && result.ToolCalls[0].Arguments == "{\"a\":1}"
    && result.ToJson().Contains("\"finish_reason\":\"tool_calls\"", StringComparison.Ordinal)
    && library.EndsWith($"v{Environment.Version.Major}.0", StringComparison.Ordinal);

// The same stream under Microsoft.Extensions.AI, through the StreamCore.Extensions.AI package.
ChatResponse response = await StreamCoreChat.AssembleAsync(new MemoryStream(Encoding.UTF8.GetBytes(Stream)));
FunctionCallContent call = response.Messages[0].Contents.OfType<FunctionCallContent>().Single();
string adapter = typeof(StreamCoreChat).Assembly.GetCustomAttribute<TargetFrameworkAttribute>()?.FrameworkName ?? "?";
Console.WriteLine($"StreamCore.Extensions.AI built for {adapter}: {response.FinishReason} {response.Text} + {call.Name}({call.Arguments!["a"]})");
ok &= response.Text == "Hello, world" && call.Name == "f" && response.FinishReason == ChatFinishReason.ToolCalls
    && adapter.EndsWith($"v{Environment.Version.Major}.0", StringComparison.Ordinal);
Console.WriteLine(ok ? "consumer: ok" : "consumer: WRONG");
return ok ? 0 : 1;
