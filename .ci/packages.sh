#!/usr/bin/env bash
# CI: the packages as a consumer meets them. The README's root pack (under a version of this run's own, so
# that no package of an earlier run in the NuGet cache stands in for it), then:
#   - one version for every package, the library's symbols, the CLI's pointer, native and fallback packages;
#   - a project that references every library package in the folder restores them from it alone and runs,
#     on net8.0 (self-contained: no .NET 8 runtime is installed) and on net10.0;
#   - 'dotnet tool install' of the CLI from the folder installs the native program, which runs.
# Package validation and the public API check run inside the pack: a failure there fails it.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
version="0.0.0-ci.$(date +%s).$$"

# Native AOT links with clang (the project file takes Debian's clang-14 when plain clang is absent).
if ! command -v clang >/dev/null && ! command -v clang-14 >/dev/null; then
  apt-get update -q && apt-get install -y -q clang zlib1g-dev
fi
out="$work/packages"

echo "== dotnet pack -c Release -o $out (version $version)"
dotnet pack -c Release -o "$out" -p:Version="$version" -nologo -v q
ls -l "$out"

fail() { echo "packages: $*" >&2; exit 1; }
nuspec() { unzip -p "$1" '*.nuspec'; }
# A package's file list (read whole: 'grep -q' on a pipe would end unzip early, and pipefail would count that).
files() { unzip -Z1 "$1"; }

# One version for all; which packages are libraries (restorable by a project) and which are tools.
library_refs=""
for package in "$out"/*.nupkg; do
  spec=$(nuspec "$package")
  id=$(sed -nE 's|.*<id>([^<]+)</id>.*|\1|p' <<<"$spec" | head -n 1)
  [ "$(sed -nE 's|.*<version>([^<]+)</version>.*|\1|p' <<<"$spec" | head -n 1)" = "$version" ] || fail "$id has another version"
  grep -q '<license type="expression">MIT</license>' <<<"$spec" || fail "$id has no MIT license expression"
  grep -q '<readme>README.md</readme>' <<<"$spec" || fail "$id shows no README"
  if grep -q 'packageType name="DotnetTool' <<<"$spec"; then
    echo "tool package: $id"
  else
    echo "library package: $id"
    [ -f "$out/$id.$version.snupkg" ] || fail "$id has no symbol package"
    listing=$(files "$package")
    grep -q '^lib/net8\.0/.*\.dll$' <<<"$listing" || fail "$id has no net8.0 assembly"
    grep -q '^lib/net10\.0/.*\.dll$' <<<"$listing" || fail "$id has no net10.0 assembly"
    grep -q '^lib/net10\.0/.*\.xml$' <<<"$listing" || fail "$id has no XML docs"
    library_refs+="    <PackageReference Include=\"$id\" Version=\"[$version]\" />"$'\n'
  fi
done
for id in StreamCore StreamCore.Cli StreamCore.Cli.linux-x64 StreamCore.Cli.any; do
  [ -f "$out/$id.$version.nupkg" ] || fail "$id.$version.nupkg is missing"
done
grep -q '^tools/any/linux-x64/streamcore$' <<<"$(files "$out/StreamCore.Cli.linux-x64.$version.nupkg")" || fail "no native program in the linux-x64 tool package"
grep -q '^tools/net10\.0/any/streamcore\.dll$' <<<"$(files "$out/StreamCore.Cli.any.$version.nupkg")" || fail "no framework-dependent program in the any tool package"
grep -q '\.dll$' <<<"$(files "$out/StreamCore.Cli.$version.nupkg")" && fail "the pointer package holds assemblies"

# The consumer: every library package, restored from the folder alone (a NuGet.config of its own).
consumer="$work/consumer"
cp -r tests/PackageConsumer "$consumer"
cat > "$consumer/PackageReferences.props" <<PROPS
<Project>
  <ItemGroup>
$library_refs  </ItemGroup>
</Project>
PROPS
cat > "$consumer/NuGet.config" <<CONFIG
<configuration>
  <packageSources>
    <clear />
    <add key="packages" value="$out" />
    <add key="nuget" value="https://api.nuget.org/v3/index.json" />
  </packageSources>
  <packageSourceMapping>
    <packageSource key="packages"><package pattern="StreamCore*" /></packageSource>
    <packageSource key="nuget"><package pattern="*" /></packageSource>
  </packageSourceMapping>
</configuration>
CONFIG
# Copied beside the repository's build files, so that it builds under the same rules (warnings are errors).
cp Directory.Build.props Directory.Build.targets Directory.Packages.props .editorconfig "$work/"
for framework in net10.0 net8.0; do
  echo "== consumer on $framework"
  rid_args=()
  [ "$framework" = net8.0 ] && rid_args=(-r "$(dotnet --info | sed -nE 's/^ *RID: *//p' | head -n 1)" --self-contained)
  dotnet build "$consumer/PackageConsumer.csproj" -c Release -f "$framework" "${rid_args[@]}" -p:PackageReferencesFile="$consumer/PackageReferences.props" -nologo -v q -o "$work/run-$framework"
  "$work/run-$framework/PackageConsumer"
done

echo "== dotnet tool install StreamCore.Cli --add-source $out"
dotnet tool install StreamCore.Cli --add-source "$out" --version "$version" --tool-path "$work/tools"
program=$(readlink -f "$work/tools/streamcore")
head -c 4 "$program" | grep -q 'ELF' || fail "the installed streamcore is not a native program: $program"
case "$program" in *linux-x64*) ;; *) fail "the installed streamcore is not the linux-x64 package's: $program" ;; esac
"$work/tools/streamcore" > "$work/sample.json"
grep -q '"finish_reason": "tool_calls"' "$work/sample.json" || fail "the installed streamcore did not assemble its sample"
echo "installed $program: native, and it assembles its sample"

# The fallback for other platforms: the framework-dependent program in the 'any' package runs on .NET.
unzip -q "$out/StreamCore.Cli.any.$version.nupkg" -d "$work/any"
dotnet "$work/any/tools/net10.0/any/streamcore.dll" > "$work/sample-any.json"
grep -q '"finish_reason": "tool_calls"' "$work/sample-any.json" || fail "the framework-dependent streamcore did not assemble its sample"
echo "the framework-dependent streamcore (StreamCore.Cli.any) assembles its sample"
echo "packages: ok"
