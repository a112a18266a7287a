# Sourced by the benchmarks: bench_pwsh SCRIPT.ps1 [ARGS...] runs a script with the pwsh ./build.sh makes
# (out/pwsh/pwsh -NoProfile -File), as a user runs one. LC_ALL=C: the numbers it prints for awk, bc and printf keep a
# decimal point whatever the caller's locale.
bench_pwsh_path=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/out/pwsh/pwsh
bench_pwsh() { LC_ALL=C "$bench_pwsh_path" -NoProfile -NonInteractive -File "$@"; }
